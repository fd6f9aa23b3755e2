/* SPDX-License-Identifier: MIT */
/*
 * Buddy page provider over the linker's .slab_pages region (see
 * static_pages.h for the contract and why a buddy system).
 *
 * Pool state. A block of order k is STATIC_PAGES_UNIT << k bytes, aligned to
 * its size in absolute addresses (so a block's buddy is its address XOR its
 * size). Every byte of the pool lies in exactly one block, free or used.
 * The map holds one byte per unit:
 *
 *   map[u] == TAG_FREE | k   unit u starts a free block of order k, which is
 *                            on free list k
 *   map[u] == TAG_USED | k   unit u starts a block of order k handed out
 *   map[u] == 0              unit u is inside a block, not at its start
 *
 * Invariants (kept by every call, under the interrupt mask):
 *   bit k of nonempty == (list k is not empty)
 *   free_bytes == sum of the sizes of the blocks on the free lists
 *   allocs - frees == number of TAG_USED entries in the map
 *
 *   split (alloc of order k from a free block of order j > k):
 *     [ j            ]  =>  [ k ][ k ][ k+1   ][ ... j-1       ]
 *      ^taken               ^used  ^free lists k, k+1, ..., j-1
 *   merge (free): while the buddy is TAG_FREE of the same order, take it
 *     off its list and join: [ k ][ k ] => [ k+1      ]
 */
#include "static_pages.h"

#include <stdint.h>

extern unsigned char __slab_pages_start[], __slab_pages_end[];
extern unsigned char __slab_pages_map_start[], __slab_pages_map_end[];

enum {
    TAG_FREE = 0x80,
    TAG_USED = 0x40,
    TAG_ORDER = 0x3F,
};

/* Lives in the first bytes of every free block. */
typedef struct free_block {
    struct free_block *next; /* next free block of the same order, or NULL */
    struct free_block *prev; /* previous one, or NULL for the list head */
} free_block;

static struct {
    uintptr_t base;          /* first byte of the pool */
    uintptr_t end;           /* one past its last byte */
    unsigned char *map;      /* one byte per unit, see above */
    free_block *head[STATIC_PAGES_ORDERS]; /* free list per order */
    uint32_t nonempty;       /* bit k: head[k] != NULL */
    size_t free_bytes;
    unsigned long allocs, frees, refused;
    int ready;               /* 1 once the map and lists are built */
} pool;

/* Interrupt mask for the length of one call (single core). */
#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
static inline uint32_t mask_irq(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}
static inline void unmask_irq(uint32_t primask) { __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory"); }
#else
static inline uint32_t mask_irq(void) { return 0; }
static inline void unmask_irq(uint32_t primask) { (void)primask; }
#endif

static size_t unit_of(uintptr_t a) { return (a - pool.base) / STATIC_PAGES_UNIT; }
static size_t bytes_of(unsigned k) { return (size_t)STATIC_PAGES_UNIT << k; }

static void push(uintptr_t a, unsigned k)
{
    free_block *b = (free_block *)a;
    b->prev = NULL;
    b->next = pool.head[k];
    if (b->next != NULL) {
        b->next->prev = b;
    }
    pool.head[k] = b;
    pool.nonempty |= 1u << k;
    pool.map[unit_of(a)] = (unsigned char)(TAG_FREE | k);
    pool.free_bytes += bytes_of(k);
}

static void unlink_block(uintptr_t a, unsigned k)
{
    free_block *b = (free_block *)a;
    if (b->prev != NULL) {
        b->prev->next = b->next;
    } else {
        pool.head[k] = b->next;
    }
    if (b->next != NULL) {
        b->next->prev = b->prev;
    }
    if (pool.head[k] == NULL) {
        pool.nonempty &= ~(1u << k);
    }
    pool.map[unit_of(a)] = 0;
    pool.free_bytes -= bytes_of(k);
}

/* First use: clear the map and cut the region into the largest self-aligned
 * blocks that fit. O(units), once. A map smaller than the pool needs leaves
 * the pool empty (every alloc NULL) rather than overrun it. */
static void init_pool(void)
{
    pool.base = (uintptr_t)__slab_pages_start;
    pool.end = (uintptr_t)__slab_pages_end;
    pool.map = __slab_pages_map_start;
    size_t units = (pool.end - pool.base) / STATIC_PAGES_UNIT;
    size_t map_bytes = (size_t)((uintptr_t)__slab_pages_map_end - (uintptr_t)__slab_pages_map_start);
    if (map_bytes < units || pool.base % STATIC_PAGES_UNIT != 0) {
        pool.end = pool.base;
        units = 0;
    }
    for (size_t u = 0; u < units; u++) {
        pool.map[u] = 0;
    }
    uintptr_t a = pool.base;
    while (pool.end - a >= STATIC_PAGES_UNIT) {
        unsigned k = 0;
        while (k + 1 < STATIC_PAGES_ORDERS && a % bytes_of(k + 1) == 0 && pool.end - a >= bytes_of(k + 1)) {
            k++;
        }
        push(a, k);
        a += bytes_of(k);
    }
    pool.ready = 1;
}

/* Order of a request, or -1 when it is not one this provider serves. */
static int order_of(size_t size, size_t align)
{
    if (size == 0 || (size & (size - 1)) != 0 || align > size || (align & (align - 1)) != 0) {
        return -1;
    }
    unsigned k = 0;
    while (bytes_of(k) < size) {
        if (++k == STATIC_PAGES_ORDERS) {
            return -1;
        }
    }
    return (int)k;
}

void *static_page_alloc(size_t size, size_t align)
{
    int order = order_of(size, align);
    if (order < 0) {
        return NULL;
    }
    unsigned k = (unsigned)order;
    uint32_t saved = mask_irq();
    if (!pool.ready) {
        init_pool();
    }
    void *page = NULL;
    uint32_t fits = pool.nonempty >> k;
    if (fits != 0) {
        unsigned j = k + (unsigned)__builtin_ctz(fits);
        uintptr_t a = (uintptr_t)pool.head[j];
        unlink_block(a, j);
        while (j > k) { /* keep the lower half, free the upper one */
            j--;
            push(a + bytes_of(j), j);
        }
        pool.map[unit_of(a)] = (unsigned char)(TAG_USED | k);
        pool.allocs++;
        page = (void *)a;
    }
    unmask_irq(saved);
    return page;
}

int static_page_free(void *page, size_t size, size_t align)
{
    int order = order_of(size, align);
    uintptr_t a = (uintptr_t)page;
    uint32_t saved = mask_irq();
    int owned = order >= 0 && pool.ready && a >= pool.base && a < pool.end && a % bytes_of((unsigned)order) == 0 &&
                pool.map[unit_of(a)] == (TAG_USED | (unsigned)order);
    if (!owned) {
        pool.refused++;
        unmask_irq(saved);
        return 1;
    }
    unsigned k = (unsigned)order;
    pool.map[unit_of(a)] = 0;
    while (k + 1 < STATIC_PAGES_ORDERS) {
        uintptr_t buddy = a ^ bytes_of(k);
        if (buddy < pool.base || buddy + bytes_of(k) > pool.end ||
            pool.map[unit_of(buddy)] != (TAG_FREE | k)) {
            break;
        }
        unlink_block(buddy, k);
        a = a < buddy ? a : buddy;
        k++;
    }
    push(a, k);
    pool.frees++;
    unmask_irq(saved);
    return 0;
}

void static_pages_get_stats(static_pages_stats *out)
{
    uint32_t saved = mask_irq();
    if (!pool.ready) {
        init_pool();
    }
    out->pool_bytes = pool.end - pool.base;
    out->free_bytes = pool.free_bytes;
    out->largest_free = pool.nonempty == 0 ? 0 : bytes_of(31u - (unsigned)__builtin_clz(pool.nonempty));
    out->allocs = pool.allocs;
    out->frees = pool.frees;
    out->refused = pool.refused;
    unmask_irq(saved);
}
