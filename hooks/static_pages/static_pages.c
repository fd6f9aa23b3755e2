/* SPDX-License-Identifier: MIT */
/*
 * Buddy page provider over the linker's .slab_pages region (see
 * static_pages.h for the contract and why a buddy system). The buddy logic,
 * its map and its invariants: hooks/buddy/buddy.h; this file places the one
 * pool: its pages are the region, its map the section .slab_pages_map, its
 * state and list heads static.
 */
#include "static_pages.h"

#include <stdint.h>

/* The one pool's geometry, fixed: the core computes with constants. */
#define BUDDY_FIXED_SHIFT 8u /* log2(STATIC_PAGES_UNIT) */
#define BUDDY_FIXED_ORDERS STATIC_PAGES_ORDERS
#include "../buddy/buddy.h"

extern unsigned char __slab_pages_start[], __slab_pages_end[];
extern unsigned char __slab_pages_map_start[], __slab_pages_map_end[];

/* The pool and its STATIC_PAGES_ORDERS list heads (the core's flexible
 * array), in static storage. */
static union {
    buddy_pool pool;
    unsigned char bytes[sizeof(buddy_pool) + STATIC_PAGES_ORDERS * sizeof(buddy_block *)];
} static_pool;
static int static_pool_ready; /* 1 once the map and lists are built */

/* First use: the region cut into the largest self-aligned blocks that fit,
 * under the interrupt mask. O(units), once. A map smaller than the pool
 * needs, or a region not aligned to a unit, leaves the pool empty (every
 * alloc NULL) rather than overrun it. */
static void build_pool(void)
{
    uint32_t saved = buddy_mask_irq();
    if (static_pool_ready == 0) { /* an interrupt may have built it since the caller's test */
        uintptr_t base = (uintptr_t)__slab_pages_start;
        uintptr_t end = (uintptr_t)__slab_pages_end;
        size_t map_bytes = (size_t)((uintptr_t)__slab_pages_map_end - (uintptr_t)__slab_pages_map_start);
        if (map_bytes < (end - base) / STATIC_PAGES_UNIT || base % STATIC_PAGES_UNIT != 0u) {
            end = base;
        }
        end -= (end - base) % STATIC_PAGES_UNIT;
        buddy_init(&static_pool.pool, base, end, __slab_pages_map_start, BUDDY_FIXED_SHIFT, BUDDY_FIXED_ORDERS);
        static_pool_ready = 1;
    }
    buddy_unmask_irq(saved);
}

/* The pool, built on first use; then one load and a branch. */
static inline buddy_pool *pool(void)
{
    if (static_pool_ready == 0) {
        build_pool();
    }
    return &static_pool.pool;
}

_Static_assert(STATIC_PAGES_UNIT == 1u << BUDDY_FIXED_SHIFT, "BUDDY_FIXED_SHIFT is log2(STATIC_PAGES_UNIT)");

void *static_page_alloc(size_t size, size_t align) { return buddy_alloc(pool(), size, align); }

int static_page_free(void *page, size_t size, size_t align) { return buddy_free(pool(), page, size, align); }

void static_pages_get_stats(static_pages_stats *out)
{
    const buddy_pool *p = pool();
    uint32_t saved = buddy_mask_irq();
    out->pool_bytes = (size_t)(p->limit - p->base);
    out->free_bytes = p->free_bytes;
    out->largest_free = buddy_largest_free(p);
    out->allocs = p->allocs;
    out->frees = p->frees;
    out->refused = p->refused;
    buddy_unmask_irq(saved);
}
