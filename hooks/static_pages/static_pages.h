/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief Page provider for firmware with no heap: a buddy allocator over one region
 * reserved by the linker script.
 *
 * The region: linker/sections.ld: .slab_pages, bounds
 * __slab_pages_start/__slab_pages_end, and its map .slab_pages_map with one
 * byte per SLAB_POOL_UNIT bytes of pool.
 *
 * Use it from one file of the board support package:
 * @code
 *   #include "static_pages.h"
 *   DEFINE_SLAB_HOOKS(static_page_alloc, static_page_free);
 * @endcode
 *
 * Why a buddy system (and not one free list per size): libslab asks for
 * power-of-two blocks aligned to their size, of whatever slab sizes the
 * program's caches use. Per-size lists would need the pool split between
 * sizes ahead of time; the buddy system serves any mix from one pool, splits
 * a block in halves on demand and merges a freed block with its buddy, so
 * the pool returns to a few large blocks when the caches shrink. Both
 * operations are O(1): one free list per order, a bitmask of non-empty
 * orders (first fitting order by count-trailing-zeros), a split or merge
 * loop bounded by the number of orders (STATIC_PAGES_ORDERS), and a block
 * map that tells in one read whether a buddy is free and of which order.
 *
 * Behaviour at the edges:
 *   - exhausted (no free block of the size or larger): NULL.
 *   - static_page_free() of a block it did not hand out (outside the pool,
 *     not the start of an allocated block, wrong size, already free):
 *     non-zero, and nothing changes.
 *   - size or align not a power of two, or align > size: NULL. Sizes below
 *     SLAB_POOL_UNIT are served with a unit (still self-aligned).
 *
 * The buddy logic is hooks/buddy/buddy.h, shared with hooks/buffer_pages.
 *
 * Interrupts: each call masks interrupts (PRIMASK) for its few dozen
 * instructions, so caches used from threads and handlers of one core may
 * share the pool. Not for several cores. No libc, no static constructor.
 */
#ifndef SLAB_STATIC_PAGES_H
#define SLAB_STATIC_PAGES_H

#include <stddef.h>

#include "slab/hooks.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Smallest block, bytes: must equal SLAB_POOL_UNIT of the linker script. */
#define STATIC_PAGES_UNIT 256u
/** @brief Orders 0 .. STATIC_PAGES_ORDERS-1: blocks of 256 B .. 128 MiB. */
#define STATIC_PAGES_ORDERS 20u

/**
 * @brief A block of `size` bytes aligned to `size`. O(1).
 * @param size   bytes, a power of two (below STATIC_PAGES_UNIT: a unit)
 * @param align  a power of two, at most size
 * @return the block, or NULL (see the file's description: exhausted, bad
 *         arguments).
 */
void *static_page_alloc(size_t size, size_t align);

/**
 * @brief Gives a block back. O(1).
 * @param page   the block
 * @param size   as given to static_page_alloc()
 * @param align  as given to static_page_alloc()
 * @return 0 when the block went back to the pool, non-zero when refused
 *         (nothing changes).
 */
int static_page_free(void *page, size_t size, size_t align);

/** @brief Usage of the pool, for tests and reports (static_pages_get_stats()). */
typedef struct {
    size_t pool_bytes;   /**< size of the region */
    size_t free_bytes;   /**< bytes in free blocks */
    size_t largest_free; /**< largest free block, bytes (0 when exhausted) */
    unsigned long allocs;  /**< successful static_page_alloc() calls (grows only) */
    unsigned long frees;   /**< successful static_page_free() calls (grows only) */
    unsigned long refused; /**< failed static_page_free() calls (grows only) */
} static_pages_stats;

/**
 * @brief Fills *out with the pool's usage.
 * @param[out] out  the usage
 */
void static_pages_get_stats(static_pages_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* SLAB_STATIC_PAGES_H */
