/* SPDX-License-Identifier: MIT */
/* Page provider over mmap for hosted programs (mmap_pages.h): a buddy
 * allocator in 4 MiB chunks with a bounded pool of free pages. */
#define _GNU_SOURCE
#include "mmap_pages.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>

#include "../hosted/os_secret.h"

/* ---- Build configuration ------------------------------------------------ */

#define ORDER_MIN 8u                      /* 256 B: MMAP_PAGES_MIN */
#define ORDER_DIRECT 20u                  /* MMAP_PAGES_DIRECT: 1 MiB */
#define ORDER_TOP (ORDER_DIRECT - 1u)     /* 512 KiB: the largest carved page, and free block */
#define ORDERS (ORDER_DIRECT - ORDER_MIN) /* carved sizes: 256 B .. 512 KiB */
#define ORDER_LIMIT 48u                   /* direct pages: 1 MiB .. 2^47 B */
#define CHUNK_ORDER 22u
#define CHUNK ((size_t)1 << CHUNK_ORDER) /* 4 MiB, aligned to its size */
#define UNIT ((size_t)1 << ORDER_MIN)
#define UNITS (CHUNK >> ORDER_MIN)       /* 16384 units of 256 B per chunk */
#define OS_PAGE ((size_t)4096)           /* a free block's first OS page stays resident */
#define RELEASE_MIN ((size_t)64 << 10)   /* trims release (MADV_DONTNEED) free blocks of at least this */
#define STATE_FREE 0x80u                 /* state byte of a free block's first unit: STATE_FREE | order */

/* ---- Internal definitions ----------------------------------------------- */

/* A chunk: CHUNK bytes aligned to CHUNK, its header at its base.
 *
 *   [ header: links, free_bytes, state[UNITS] | HEAD_UNITS units ][ buddy blocks ... ]
 *
 * state[u] is STATE_FREE | k when a free block of order k starts at unit u,
 * else 0 (inside a block, a block handed out, the header's own units; so
 * no block ever merges into the header). Counting: free_bytes == the sum of
 * the sizes of its free blocks <= USABLE; the chunk is empty when equal. */
struct chunk {
    uintptr_t next;             /* the next chunk, 0 at the end */
    uintptr_t prev;             /* the previous chunk, 0 at the head */
    size_t free_bytes;          /* bytes of its free blocks */
    unsigned char state[UNITS]; /* per unit: STATE_FREE | order at a free block's start, else 0 */
};
_Static_assert(sizeof(struct chunk) == (3u * sizeof(size_t)) + UNITS, "chunk header layout");
#define HEAD_UNITS ((sizeof(struct chunk) + UNIT - 1u) / UNIT)
#define USABLE (CHUNK - (HEAD_UNITS * UNIT))

/* A free block, written in its first bytes (its first OS page is never
 * released, so writing it never faults a released page back in). */
struct free_block {
    uintptr_t next;  /* the next block of its order, 0 at the end */
    uintptr_t prev;  /* the previous block, 0 at the head */
    size_t released; /* bytes of it given back to the kernel, at most its size - OS_PAGE */
};
_Static_assert(sizeof(struct free_block) == 3u * sizeof(size_t), "free block layout");

/* The provider, under one spin lock. Counting (bytes):
 *   cached == free_bytes - released_bytes + direct_bytes   (the pool)
 *   mapped == chunks * CHUNK + out_direct_bytes + direct_bytes
 * Free blocks that are not fully released sit at the head of their list,
 * fully released ones at its tail: pages are reused warm first, and a trim
 * stops at the first released block. */
static struct {
    unsigned char lock;
    uintptr_t head[ORDERS];               /* free blocks per order, 0: none */
    uintptr_t tail[ORDERS];               /* the last of each list */
    uintptr_t direct[ORDER_LIMIT];        /* cached direct mappings per order, linked by their first word */
    uintptr_t chunks;                     /* every chunk, 0: none */
    mmap_pages_usage u;                   /* the counters of mmap_pages_stats() */
} g;

void mmap_pages_lock(void)
{
    while (__atomic_exchange_n(&g.lock, 1, __ATOMIC_ACQUIRE) != 0u) {
        while (__atomic_load_n(&g.lock, __ATOMIC_RELAXED) != 0u) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif /* x86 */
        }
    }
}

void mmap_pages_unlock(void) { __atomic_store_n(&g.lock, 0, __ATOMIC_RELEASE); }

static int is_pow2(size_t x) { return (x != 0u) && ((x & (x - 1u)) == 0u); }

static unsigned order_of(size_t size) { return (unsigned)__builtin_ctzl(size); }

static size_t bytes_of(unsigned order) { return (size_t)1 << order; }

static struct chunk *chunk_at(uintptr_t a) { return (struct chunk *)(a & ~(uintptr_t)(CHUNK - 1u)); }

static size_t unit_of(uintptr_t a) { return (size_t)((a & (uintptr_t)(CHUNK - 1u)) >> ORDER_MIN); }

static struct free_block *block_at(uintptr_t a) { return (struct free_block *)a; }

static size_t cached_bytes(void) { return (g.u.free_bytes - g.u.released_bytes) + g.u.direct_bytes; }

/* The pool's bound: MMAP_PAGES_POOL_MIN, or an eighth of the bytes handed out. */
static size_t bound(void)
{
    size_t b = g.u.out_bytes >> MMAP_PAGES_POOL_SHIFT;
    return (b > MMAP_PAGES_POOL_MIN) ? b : MMAP_PAGES_POOL_MIN;
}

/* A mapping of `size` bytes aligned to `align`, or 0. */
static uintptr_t map_aligned(size_t size, size_t align)
{
    size_t span = size + align;
    if (span < size) {
        return 0;
    }
    void *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        return 0;
    }
    g.u.mmap_calls++;
    uintptr_t a = (uintptr_t)m;
    uintptr_t start = (a + align - 1u) & ~(uintptr_t)(align - 1u);
    if (start > a) {
        (void)munmap(m, start - a);
    }
    uintptr_t tail = start + size;
    if ((a + span) > tail) {
        (void)munmap((void *)tail, (a + span) - tail);
    }
    return start;
}

static void unmap(uintptr_t a, size_t size)
{
    (void)munmap((void *)a, size);
    g.u.munmap_calls++;
    g.u.mapped_bytes -= size;
}

/* ---- Free lists ---------------------------------------------------------- */

static void list_remove(uintptr_t a, unsigned order)
{
    const struct free_block *b = block_at(a);
    unsigned i = order - ORDER_MIN;
    if (b->prev != 0u) {
        block_at(b->prev)->next = b->next;
    } else {
        g.head[i] = b->next;
    }
    if (b->next != 0u) {
        block_at(b->next)->prev = b->prev;
    } else {
        g.tail[i] = b->prev;
    }
}

/* Links a free block: at the head unless it is fully released. */
static void list_insert(uintptr_t a, unsigned order)
{
    struct free_block *b = block_at(a);
    unsigned i = order - ORDER_MIN;
    bool at_tail = false;
    if (b->released != 0u) {
        at_tail = b->released == (bytes_of(order) - OS_PAGE);
    }
    if (g.head[i] == 0u) {
        b->next = 0;
        b->prev = 0;
        g.head[i] = a;
        g.tail[i] = a;
    } else if (at_tail) {
        b->next = 0;
        b->prev = g.tail[i];
        block_at(g.tail[i])->next = a;
        g.tail[i] = a;
    } else {
        b->next = g.head[i];
        b->prev = 0;
        block_at(g.head[i])->prev = a;
        g.head[i] = a;
    }
}

/* Keeps [a, a + 2^order) as a free block with `released` bytes given back. */
static void block_put(uintptr_t a, unsigned order, size_t released)
{
    struct chunk *c = chunk_at(a);
    block_at(a)->released = released;
    c->state[unit_of(a)] = (unsigned char)(STATE_FREE | order);
    c->free_bytes += bytes_of(order);
    g.u.free_bytes += bytes_of(order);
    g.u.released_bytes += released;
    g.u.free_blocks++;
    list_insert(a, order);
}

/* Takes the free block at a out of the pool; returns its released bytes. */
static size_t block_take(uintptr_t a, unsigned order)
{
    struct chunk *c = chunk_at(a);
    size_t released = block_at(a)->released;
    list_remove(a, order);
    c->state[unit_of(a)] = 0;
    c->free_bytes -= bytes_of(order);
    g.u.free_bytes -= bytes_of(order);
    g.u.released_bytes -= released;
    g.u.free_blocks--;
    return released;
}

/* Of `released` bytes of a block of order+1 split in two, the upper
 * half's share: half, in whole OS pages, never its first page. */
static size_t upper_share(size_t released, unsigned order)
{
    size_t half = bytes_of(order);
    if (half <= OS_PAGE) {
        return 0;
    }
    size_t share = (released / 2u) & ~(OS_PAGE - 1u);
    return (share < (half - OS_PAGE)) ? share : (half - OS_PAGE);
}

/* ---- Chunks -------------------------------------------------------------- */

/* Maps a chunk and keeps its space above the header as free blocks:
 * aligned power-of-two blocks of at most ORDER_TOP. 0 when no memory. */
static int chunk_new(void)
{
    uintptr_t a = map_aligned(CHUNK, CHUNK);
    if (a == 0u) {
        return 0;
    }
    g.u.mapped_bytes += CHUNK;
    g.u.chunks++;
    struct chunk *c = chunk_at(a);
    c->next = g.chunks;
    c->prev = 0;
    if (g.chunks != 0u) {
        chunk_at(g.chunks)->prev = a;
    }
    g.chunks = a;
    uintptr_t from = a + (HEAD_UNITS * UNIT);
    uintptr_t to = a + CHUNK;
    while (from < to) {
        unsigned order = (unsigned)__builtin_ctzl(from);
        if (order > ORDER_TOP) {
            order = ORDER_TOP;
        }
        while ((from + bytes_of(order)) > to) {
            order--;
        }
        block_put(from, order, 0);
        from += bytes_of(order);
    }
    return 1;
}

/* Unmaps an empty chunk: its free blocks tile [header, CHUNK). */
static void chunk_drop(uintptr_t a)
{
    struct chunk *c = chunk_at(a);
    size_t u = HEAD_UNITS;
    while (u < UNITS) {
        unsigned order = (unsigned)c->state[u] & ~STATE_FREE;
        (void)block_take(a + (u * UNIT), order);
        u += bytes_of(order) >> ORDER_MIN;
    }
    if (c->prev != 0u) {
        chunk_at(c->prev)->next = c->next;
    } else {
        g.chunks = c->next;
    }
    if (c->next != 0u) {
        chunk_at(c->next)->prev = c->prev;
    }
    g.u.chunks--;
    unmap(a, CHUNK);
}

/* ---- The pool's bound ------------------------------------------------------ */

/* Gives back until the pool holds at most `keep` bytes: cached direct
 * mappings first (unmapped), then empty chunks (unmapped), then free blocks
 * of RELEASE_MIN or more, largest first (MADV_DONTNEED but their first OS
 * page, which holds the links). Returns the bytes given back. */
static size_t trim_to(size_t keep)
{
    size_t before = cached_bytes();
    for (unsigned k = ORDER_DIRECT; (k < ORDER_LIMIT) && (cached_bytes() > keep); k++) {
        while ((g.direct[k] != 0u) && (cached_bytes() > keep)) {
            uintptr_t a = g.direct[k];
            g.direct[k] = block_at(a)->next;
            g.u.direct_bytes -= bytes_of(k);
            g.u.direct_pages--;
            unmap(a, bytes_of(k));
        }
    }
    uintptr_t c = g.chunks;
    while ((c != 0u) && (cached_bytes() > keep)) {
        uintptr_t next = chunk_at(c)->next;
        if (chunk_at(c)->free_bytes == USABLE) {
            chunk_drop(c);
        }
        c = next;
    }
    for (unsigned k = ORDER_TOP; (k >= order_of(RELEASE_MIN)) && (cached_bytes() > keep); k--) {
        unsigned i = k - ORDER_MIN;
        size_t full = bytes_of(k) - OS_PAGE;
        while ((g.head[i] != 0u) && (block_at(g.head[i])->released != full) && (cached_bytes() > keep)) {
            uintptr_t a = g.head[i];
            struct free_block *b = block_at(a);
            (void)madvise((void *)(a + OS_PAGE), full, MADV_DONTNEED); /* zero-filled on next touch */
            g.u.madvise_calls++;
            g.u.released_bytes += full - b->released;
            b->released = full;
            list_remove(a, k);
            list_insert(a, k);
        }
    }
    size_t after = cached_bytes();
    return (before > after) ? (before - after) : 0u;
}

/* After a page came back: over the bound, down to half of it. */
static void keep_bounded(void)
{
    size_t b = bound();
    if (cached_bytes() > b) {
        g.u.trims++;
        (void)trim_to(b / 2u);
    }
}

/* ---- Carved pages ---------------------------------------------------------- */

static uintptr_t carve(unsigned order)
{
    unsigned j = order;
    while ((j <= ORDER_TOP) && (g.head[j - ORDER_MIN] == 0u)) {
        j++;
    }
    if (j > ORDER_TOP) {
        if (chunk_new() == 0) {
            return 0;
        }
        j = order;
        while (g.head[j - ORDER_MIN] == 0u) {
            j++;
        }
    }
    uintptr_t a = g.head[j - ORDER_MIN];
    size_t released = block_take(a, j);
    /* [ a: order j ] => [ a: order j-1 ][ upper: order j-1, kept ] ... */
    while (j > order) {
        j--;
        size_t up = upper_share(released, j);
        block_put(a + bytes_of(j), j, up);
        released -= up;
    }
    return a;
}

/* Gives a carved page back, merged with its free buddies:
 *   [ a: order k ][ buddy: order k, free ] => [ a: order k+1 ]          */
static void uncarve(uintptr_t a, unsigned order)
{
    const struct chunk *c = chunk_at(a);
    size_t released = 0;
    unsigned k = order;
    while (k < ORDER_TOP) {
        uintptr_t buddy = a ^ (uintptr_t)bytes_of(k);
        if (c->state[unit_of(buddy)] != (unsigned char)(STATE_FREE | k)) {
            break;
        }
        released += block_take(buddy, k);
        a = (buddy < a) ? buddy : a;
        k++;
    }
    block_put(a, k, released);
}

/* ---- Public API --------------------------------------------------------- */

void *mmap_page_alloc(size_t size, size_t align)
{
    if ((is_pow2(size) == 0) || (align != size) || (size < MMAP_PAGES_MIN)) {
        return NULL;
    }
    unsigned order = order_of(size);
    if (order >= ORDER_LIMIT) {
        return NULL;
    }
    slab_os_secret_seed();
    uintptr_t p = 0;
    mmap_pages_lock();
    if (size >= MMAP_PAGES_DIRECT) {
        p = g.direct[order];
        if (p != 0u) {
            g.direct[order] = block_at(p)->next;
            g.u.direct_bytes -= size;
            g.u.direct_pages--;
        } else {
            p = map_aligned(size, size);
            if (p != 0u) {
                g.u.mapped_bytes += size;
            }
        }
    } else {
        p = carve(order);
    }
    if (p != 0u) {
        g.u.out_pages++;
        g.u.out_bytes += size;
    }
    mmap_pages_unlock();
    return (void *)p;
}

int mmap_page_free(void *page, size_t size, size_t align)
{
    uintptr_t a = (uintptr_t)page;
    if ((a == 0u) || (is_pow2(size) == 0) || (align != size) || (size < MMAP_PAGES_MIN) ||
        ((a & (size - 1u)) != 0u) || (order_of(size) >= ORDER_LIMIT)) {
        return 1;
    }
    unsigned order = order_of(size);
    mmap_pages_lock();
    g.u.out_pages--;
    g.u.out_bytes -= size;
    if (size >= MMAP_PAGES_DIRECT) {
        block_at(a)->next = g.direct[order];
        g.direct[order] = a;
        g.u.direct_bytes += size;
        g.u.direct_pages++;
    } else {
        uncarve(a, order);
    }
    keep_bounded();
    mmap_pages_unlock();
    return 0;
}

size_t mmap_pages_trim(size_t keep)
{
    mmap_pages_lock();
    size_t n = trim_to(keep);
    mmap_pages_unlock();
    return n;
}

void mmap_pages_stats(mmap_pages_usage *out)
{
    if (out == NULL) {
        return;
    }
    mmap_pages_lock();
    *out = g.u;
    out->cached_bytes = cached_bytes();
    out->cached_pages = g.u.free_blocks + g.u.direct_pages;
    out->bound = bound();
    mmap_pages_unlock();
}

size_t mmap_pages_outstanding(void)
{
    mmap_pages_lock();
    size_t n = g.u.out_pages;
    mmap_pages_unlock();
    return n;
}

size_t mmap_pages_outstanding_bytes(void)
{
    mmap_pages_lock();
    size_t n = g.u.out_bytes;
    mmap_pages_unlock();
    return n;
}
