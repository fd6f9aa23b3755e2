/* SPDX-License-Identifier: MIT */
/*
 * The buddy core of the page providers hooks/buffer_pages (a pool over any
 * buffer, its state inside the buffer) and hooks/static_pages (the one pool
 * over the linker's .slab_pages region, its map in .slab_pages_map). Each
 * provider only places the pool and its map, checks its own arguments and
 * fills its own stats; the splitting, merging and bookkeeping are here.
 *
 * Not a provider and not installed: each provider's .c includes this file
 * by its relative path, so a provider is still one file to compile (the
 * builds, the README's command and the installed libraries are unchanged),
 * and its functions are static, so a program that links both providers has
 * no name twice.
 *
 * A block of order k is min_page << k bytes (min_page = 1 << shift),
 * aligned to its size in absolute addresses (so its buddy is its address
 * XOR its size). Every byte of the pages [base, limit) lies in exactly one
 * block, free or used. The map, one byte per min_page unit of the pages:
 *
 *   map[u] == BUDDY_FREE | k   unit u starts a free block of order k, which
 *                              is on free list k
 *   map[u] == BUDDY_USED | k   unit u starts a block of order k handed out
 *   map[u] == 0                unit u is inside a block, not at its start
 *
 * Invariants (kept by every call, under the interrupt mask):
 *   bit k of nonempty == (list k is not empty)
 *   free_bytes == sum of the sizes of the blocks on the free lists
 *   allocs - frees == number of BUDDY_USED entries in the map
 *
 *   split (alloc of order k from a free block of order j > k):
 *     [ j            ]  =>  [ k ][ k ][ k+1   ][ ... j-1       ]
 *      ^taken               ^used  ^free lists k, k+1, ..., j-1
 *   merge (free): while the buddy is BUDDY_FREE of the same order, take it
 *     off its list and join: [ k ][ k ] => [ k+1      ]
 *
 * Cost: buddy_alloc and buddy_free are O(orders): a bitmask of non-empty
 * orders (the first fitting order by count-trailing-zeros), a split or
 * merge loop of at most orders - 1 steps, and the map, which tells in one
 * read whether a buddy is free and of which order. buddy_init is O(units).
 */
#ifndef SLAB_BUDDY_H
#define SLAB_BUDDY_H

#include <stddef.h>
#include <stdint.h>

enum {
    BUDDY_FREE = 0x80,
    BUDDY_USED = 0x40,
};

/* Lives in the first bytes of every free block. */
typedef struct buddy_block {
    struct buddy_block *next; /* next free block of the same order, or NULL */
    struct buddy_block *prev; /* previous one, or NULL for the list head */
} buddy_block;

/* A pool: 40 B on 32-bit ARM (72 B on 64-bit hosts), then one list head per
 * order. Its place and its map's are the provider's. */
typedef struct buddy_pool {
    uintptr_t base;       /* first byte of the pages */
    uintptr_t limit;      /* one past their last byte */
    unsigned char *map;   /* one byte per unit, see above */
    size_t free_bytes;    /* bytes on the free lists */
    size_t overhead;      /* the provider's bytes that are not pages */
    unsigned long allocs, frees, refused;
    uint32_t nonempty;    /* bit k: head[k] != NULL */
    unsigned char shift;  /* log2(min_page) */
    unsigned char orders; /* orders 0 .. orders-1 */
    buddy_block *head[];  /* free list per order */
} buddy_pool;

/* Interrupt mask for the length of one call (single core). */
#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
static inline uint32_t buddy_mask_irq(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}
static inline void buddy_unmask_irq(uint32_t primask) { __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory"); }
#else
static inline uint32_t buddy_mask_irq(void) { return 0; }
static inline void buddy_unmask_irq(uint32_t primask) { (void)primask; }
#endif

static inline int buddy_is_pow2(size_t x) { return x != 0u && (x & (x - 1u)) == 0u; }

/* The pool's geometry. A provider whose geometry is fixed at compile time
 * (static_pages.c) defines BUDDY_FIXED_SHIFT and BUDDY_FIXED_ORDERS before
 * including this file, equal to what it gives buddy_init: the core then
 * computes with constants, as code written for that one geometry would. */
static inline unsigned buddy_shift(const buddy_pool *p)
{
#if defined(BUDDY_FIXED_SHIFT)
    (void)p;
    return BUDDY_FIXED_SHIFT;
#else
    return p->shift;
#endif
}
static inline unsigned buddy_orders(const buddy_pool *p)
{
#if defined(BUDDY_FIXED_ORDERS)
    (void)p;
    return BUDDY_FIXED_ORDERS;
#else
    return p->orders;
#endif
}

static inline size_t buddy_bytes(const buddy_pool *p, unsigned k) { return (size_t)1 << (buddy_shift(p) + k); }
static inline size_t buddy_unit(const buddy_pool *p, uintptr_t a) { return (size_t)((a - p->base) >> buddy_shift(p)); }

static inline void buddy_push(buddy_pool *p, uintptr_t a, unsigned k)
{
    buddy_block *b = (buddy_block *)a;
    b->prev = NULL;
    b->next = p->head[k];
    if (b->next != NULL) {
        b->next->prev = b;
    }
    p->head[k] = b;
    p->nonempty |= (uint32_t)1 << k;
    p->map[buddy_unit(p, a)] = (unsigned char)(BUDDY_FREE | k);
    p->free_bytes += buddy_bytes(p, k);
}

static inline void buddy_unlink(buddy_pool *p, uintptr_t a, unsigned k)
{
    buddy_block *b = (buddy_block *)a;
    if (b->prev != NULL) {
        b->prev->next = b->next;
    } else {
        p->head[k] = b->next;
    }
    if (b->next != NULL) {
        b->next->prev = b->prev;
    }
    if (p->head[k] == NULL) {
        p->nonempty &= ~((uint32_t)1 << k);
    }
    p->map[buddy_unit(p, a)] = 0;
    p->free_bytes -= buddy_bytes(p, k);
}

/* Builds the pool over the pages [base, limit) (base aligned to 1 << shift,
 * limit - base a multiple of it) with its map (one byte per unit) and
 * `orders` list heads after *p: clears the map and cuts the pages into the
 * largest self-aligned blocks that fit. O(units). The provider sets
 * overhead. */
static inline void buddy_init(buddy_pool *p, uintptr_t base, uintptr_t limit, unsigned char *map, unsigned shift,
                              unsigned orders)
{
    p->base = base;
    p->limit = limit;
    p->map = map;
    p->free_bytes = 0;
    p->overhead = 0;
    p->allocs = 0;
    p->frees = 0;
    p->refused = 0;
    p->nonempty = 0;
    p->shift = (unsigned char)shift;
    p->orders = (unsigned char)orders;
    for (unsigned k = 0; k < orders; k++) {
        p->head[k] = NULL;
    }
    size_t units = (size_t)((limit - base) >> shift);
    for (size_t u = 0; u < units; u++) {
        map[u] = 0;
    }
    uintptr_t a = base;
    while (limit - a >= buddy_bytes(p, 0)) {
        unsigned k = 0;
        while (k + 1u < orders && a % buddy_bytes(p, k + 1u) == 0u && limit - a >= buddy_bytes(p, k + 1u)) {
            k++;
        }
        buddy_push(p, a, k);
        a += buddy_bytes(p, k);
    }
}

/* Order of a request, or -1 when it is not one this pool serves: size and
 * align powers of two, align <= size, size <= the largest block. */
static inline int buddy_order(const buddy_pool *p, size_t size, size_t align)
{
    if (!buddy_is_pow2(size) || !buddy_is_pow2(align) || align > size) {
        return -1;
    }
    unsigned k = 0;
    while (buddy_bytes(p, k) < size) {
        if (++k >= buddy_orders(p)) {
            return -1;
        }
    }
    return (int)k;
}

/* A block of `size` bytes aligned to `size`, or NULL (exhausted, or a
 * request buddy_order refuses). Masks interrupts. O(orders). */
static inline void *buddy_alloc(buddy_pool *p, size_t size, size_t align)
{
    int order = buddy_order(p, size, align);
    if (order < 0) {
        return NULL;
    }
    unsigned k = (unsigned)order;
    void *page = NULL;
    uint32_t saved = buddy_mask_irq();
    uint32_t fits = p->nonempty >> k;
    if (fits != 0u) {
        unsigned j = k + (unsigned)__builtin_ctz(fits);
        uintptr_t a = (uintptr_t)p->head[j];
        buddy_unlink(p, a, j);
        while (j > k) { /* keep the lower half, free the upper one */
            j--;
            buddy_push(p, a + buddy_bytes(p, j), j);
        }
        p->map[buddy_unit(p, a)] = (unsigned char)(BUDDY_USED | k);
        p->allocs++;
        page = (void *)a;
    }
    buddy_unmask_irq(saved);
    return page;
}

/* Gives a block back: 0, or 1 when refused (not the start of a block handed
 * out, of this size; nothing changes but the refused count). Masks
 * interrupts. O(orders). */
static inline int buddy_free(buddy_pool *p, void *page, size_t size, size_t align)
{
    int order = buddy_order(p, size, align);
    uintptr_t a = (uintptr_t)page;
    uint32_t saved = buddy_mask_irq();
    int owned = order >= 0 && a >= p->base && a < p->limit && a % buddy_bytes(p, (unsigned)order) == 0u &&
                p->map[buddy_unit(p, a)] == (BUDDY_USED | (unsigned)order);
    if (owned == 0) {
        p->refused++;
        buddy_unmask_irq(saved);
        return 1;
    }
    unsigned k = (unsigned)order;
    p->map[buddy_unit(p, a)] = 0;
    while (k + 1u < buddy_orders(p)) {
        uintptr_t buddy = a ^ buddy_bytes(p, k);
        if (buddy < p->base || buddy >= p->limit || p->limit - buddy < buddy_bytes(p, k) ||
            p->map[buddy_unit(p, buddy)] != (BUDDY_FREE | k)) {
            break;
        }
        buddy_unlink(p, buddy, k);
        a = a < buddy ? a : buddy;
        k++;
    }
    buddy_push(p, a, k);
    p->frees++;
    buddy_unmask_irq(saved);
    return 0;
}

/* Bytes of the largest free block, 0 when exhausted. O(1); the caller
 * masks interrupts around its reads of the pool. */
static inline size_t buddy_largest_free(const buddy_pool *p)
{
    return p->nonempty == 0u ? 0u : buddy_bytes(p, 31u - (unsigned)__builtin_clz(p->nonempty));
}

#endif /* SLAB_BUDDY_H */
