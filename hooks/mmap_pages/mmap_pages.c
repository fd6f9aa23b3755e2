/* SPDX-License-Identifier: MIT */
/* Page provider over mmap for hosted programs (mmap_pages.h). */
#define _GNU_SOURCE
#include "mmap_pages.h"

#include <stdint.h>
#include <sys/mman.h>

#include "../hosted/os_secret.h"

#define ORDER_MIN 8u                      /* 256 B */
#define ORDER_DIRECT 20u                  /* MMAP_PAGES_DIRECT: 1 MiB */
#define ORDERS (ORDER_DIRECT - ORDER_MIN) /* carved sizes: 256 B .. 512 KiB */
#define CHUNK ((size_t)4 << 20)
#define CHUNK_ALIGN MMAP_PAGES_DIRECT
#define RELEASE_MIN ((size_t)64 << 10)

struct free_page {
    struct free_page *next;
};

static struct {
    unsigned char lock;
    struct free_page *free[ORDERS];
    uintptr_t cur;
    uintptr_t end;
    size_t pages;
    size_t bytes;
} g;

void mmap_pages_lock(void)
{
    while (__atomic_exchange_n(&g.lock, 1, __ATOMIC_ACQUIRE) != 0) {
        while (__atomic_load_n(&g.lock, __ATOMIC_RELAXED) != 0) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
    }
}

void mmap_pages_unlock(void) { __atomic_store_n(&g.lock, 0, __ATOMIC_RELEASE); }

static int is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

static unsigned order_of(size_t size) { return (unsigned)__builtin_ctzl(size); }

/* A mapping of `size` bytes aligned to `align`, or NULL. */
static void *map_aligned(size_t size, size_t align)
{
    size_t span = size + align;
    if (span < size) {
        return NULL;
    }
    void *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        return NULL;
    }
    uintptr_t a = (uintptr_t)m;
    uintptr_t start = (a + align - 1) & ~(uintptr_t)(align - 1);
    if (start > a) {
        munmap(m, start - a);
    }
    uintptr_t tail = start + size;
    if (a + span > tail) {
        munmap((void *)tail, a + span - tail);
    }
    return (void *)start;
}

static void push(uintptr_t p, unsigned order)
{
    struct free_page *f = (struct free_page *)p;
    f->next = g.free[order - ORDER_MIN];
    g.free[order - ORDER_MIN] = f;
}

/* Cuts [from, to) (both multiples of 256) into aligned power-of-two blocks
 * below the direct size and keeps them on the free lists. */
static void keep_range(uintptr_t from, uintptr_t to)
{
    while (from < to) {
        unsigned order = (unsigned)__builtin_ctzl(from);
        if (order >= ORDER_DIRECT) {
            order = ORDER_DIRECT - 1;
        }
        while (from + ((uintptr_t)1 << order) > to) {
            order--;
        }
        push(from, order);
        from += (uintptr_t)1 << order;
    }
}

static void *carve(size_t size)
{
    unsigned order = order_of(size);
    struct free_page *f = g.free[order - ORDER_MIN];
    if (f != NULL) {
        g.free[order - ORDER_MIN] = f->next;
        return f;
    }
    uintptr_t start = (g.cur + size - 1) & ~(uintptr_t)(size - 1);
    if (g.cur == 0 || start + size > g.end) {
        void *chunk = map_aligned(CHUNK, CHUNK_ALIGN);
        if (chunk == NULL) {
            return NULL;
        }
        if (g.cur != 0) {
            keep_range(g.cur, g.end);
        }
        g.cur = (uintptr_t)chunk;
        g.end = g.cur + CHUNK;
        start = g.cur; /* the chunk is aligned to every carved size */
    }
    keep_range(g.cur, start);
    g.cur = start + size;
    return (void *)start;
}

void *mmap_page_alloc(size_t size, size_t align)
{
    if (!is_pow2(size) || align != size) {
        return NULL;
    }
    if (size < MMAP_PAGES_MIN) {
        return NULL;
    }
    slab_os_secret_seed();
    void *p = NULL;
    if (size >= MMAP_PAGES_DIRECT) {
        p = map_aligned(size, size);
        if (p != NULL) {
            mmap_pages_lock();
            g.pages++;
            g.bytes += size;
            mmap_pages_unlock();
        }
        return p;
    }
    mmap_pages_lock();
    p = carve(size);
    if (p != NULL) {
        g.pages++;
        g.bytes += size;
    }
    mmap_pages_unlock();
    return p;
}

int mmap_page_free(void *page, size_t size, size_t align)
{
    if (page == NULL || !is_pow2(size) || align != size || size < MMAP_PAGES_MIN ||
        ((uintptr_t)page & (size - 1)) != 0) {
        return 1;
    }
    if (size >= MMAP_PAGES_DIRECT) {
        if (munmap(page, size) != 0) {
            return 1;
        }
        mmap_pages_lock();
    } else {
        if (size >= RELEASE_MIN) {
            (void)madvise(page, size, MADV_DONTNEED); /* zero-filled on next touch */
        }
        mmap_pages_lock();
        push((uintptr_t)page, order_of(size));
    }
    g.pages--;
    g.bytes -= size;
    mmap_pages_unlock();
    return 0;
}

size_t mmap_pages_outstanding(void)
{
    mmap_pages_lock();
    size_t n = g.pages;
    mmap_pages_unlock();
    return n;
}

size_t mmap_pages_outstanding_bytes(void)
{
    mmap_pages_lock();
    size_t n = g.bytes;
    mmap_pages_unlock();
    return n;
}
