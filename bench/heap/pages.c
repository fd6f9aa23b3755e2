/* The two page providers of pages.h, behind one hook pair. */
#include "pages.h"

#include <stdint.h>

#include "buffer_pages.h"

enum { ORDERS = 32 };

static pages_kind kind;
static buffer_pool *pool;
static uintptr_t front, end;      /* stack: the arena not yet cut */
static void *free_list[ORDERS];   /* stack: freed blocks by log2(size) */
static size_t held, peak;

static unsigned log2_ceil(size_t n)
{
    unsigned k = 0;
    while (((size_t)1 << k) < n) {
        k++;
    }
    return k;
}

int pages_init(pages_kind k, void *arena, size_t size)
{
    kind = k;
    held = peak = 0;
    for (unsigned i = 0; i < ORDERS; i++) {
        free_list[i] = NULL;
    }
    front = (uintptr_t)arena;
    end = front + size;
    if (k == PAGES_BUDDY) {
        pool = buffer_pool_init(arena, size, BUFFER_POOL_MIN_PAGE, 0);
        return pool != NULL ? 0 : 1;
    }
    return 0;
}

size_t pages_held(void) { return held; }
size_t pages_peak(void) { return peak; }

/* Invariant: every block of free_list[k] is 2^k bytes aligned to 2^k. */
static void *stack_alloc(unsigned k)
{
    void *p = free_list[k];
    if (p != NULL) {
        free_list[k] = *(void **)p;
        return p;
    }
    uintptr_t b = (front + ((uintptr_t)1 << k) - 1) & ~(((uintptr_t)1 << k) - 1);
    if (b + ((uintptr_t)1 << k) > end || b < front) {
        return NULL;
    }
    front = b + ((uintptr_t)1 << k);
    return (void *)b;
}

static void *hb_page_alloc(size_t size, size_t align)
{
    size_t want = size > align ? size : align;
    unsigned k = log2_ceil(want);
    void *p = kind == PAGES_BUDDY ? buffer_pool_alloc(pool, (size_t)1 << k, (size_t)1 << k) : stack_alloc(k);
    if (p != NULL) {
        held += (size_t)1 << k;
        peak = held > peak ? held : peak;
    }
    return p;
}

static int hb_page_free(void *page, size_t size, size_t align)
{
    size_t want = size > align ? size : align;
    unsigned k = log2_ceil(want);
    if (kind == PAGES_BUDDY) {
        if (buffer_pool_free(pool, page, (size_t)1 << k, (size_t)1 << k) != 0) {
            return 1;
        }
    } else {
        *(void **)page = free_list[k];
        free_list[k] = page;
    }
    held -= (size_t)1 << k;
    return 0;
}

DEFINE_SLAB_HOOKS(hb_page_alloc, hb_page_free);
