/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief Page provider over any buffer: a buddy allocator over a plain array or any
 * address range the program names (internal SRAM, DMA-capable RAM, external
 * PSRAM, ...), one pool per range, no linker-script symbols, no map section.
 *
 * See docs/buffer-pages.md.
 *
 * One region, one line (file scope, one file of the program):
 * @code
 *   #include "buffer_pages.h"
 *   DEFINE_SLAB_BUFFER_HOOKS(slab_ram, 64 * 1024);
 * @endcode
 * defines a static 64 KiB array (aligned to BUFFER_POOL_MIN_PAGE), the pool
 * over it (built on the first call, with interrupts masked), slab_page_alloc,
 * slab_page_free and slab_secret (through DEFINE_SLAB_HOOKS, so exactly once),
 * and `static inline buffer_pool *slab_ram(void)` for the stats.
 *
 * Several regions: one buffer_pool per region through the explicit API, and
 * the program's own hooks route (libslab has one global hook pair):
 * @code
 *   static buffer_pool *sram, *psram;   // buffer_pool_init() at boot
 *   static void *pages_alloc(size_t size, size_t align) {
 *       void *p = buffer_pool_alloc(sram, size, align);
 *       return p != NULL ? p : buffer_pool_alloc(psram, size, align);
 *   }
 *   static int pages_free(void *p, size_t size, size_t align) {
 *       return buffer_pool_owns(sram, p) ? buffer_pool_free(sram, p, size, align)
 *                                        : buffer_pool_free(psram, p, size, align);
 *   }
 *   DEFINE_SLAB_HOOKS(pages_alloc, pages_free);
 * @endcode
 * A cache may also take its pages from one pool, beside the global hooks:
 * buffer_pool_page_alloc() and buffer_pool_page_free() as a slab_page_source.
 *
 * Pool state lives inside the buffer (at its end): the provider has no
 * static RAM of its own. A pool over [buf, buf + size) spends:
 *   - front: up to min_page - 1 bytes to align the first page (0 when buf is
 *     min_page-aligned, as the macro's array is);
 *   - state: sizeof(buffer_pool) (40 B on 32-bit ARM, 72 B on 64-bit hosts)
 *     + one pointer per order (orders = log2(max_page / min_page) + 1) + one
 *     byte per min_page of pages (the block map: 1/256 of the pages at
 *     256-byte pages), placed after the pages;
 *   - tail: at most min_page bytes that no whole page fits in.
 *
 * In all: overhead <= (min_page - 1) + state + min_page. On ARM, min_page
 * 256 and max_page 64 KiB over an aligned 256 KiB array: 40 + 9 * 4 + 1019
 * bytes of state and 185 of tail, 1280 B in all (0.49 %), 260864 B of pages
 * (tested: test/buffer_pages/, firmware/buffer/).
 * Nothing else is lost to alignment: the pages are cut into the largest
 * power-of-two blocks aligned to their own size (absolute addresses) that fit,
 * so every min_page-aligned byte is in some block. What the buddy scheme does
 * need: a block of size S exists only where S-aligned S bytes lie inside the
 * pages, so pages (stats pool_bytes) of 2*S - min_page bytes always hold one,
 * and so do S bytes of pages starting S-aligned (an S-aligned buffer of
 * S + S/min_page + state bytes: the macro's array is only min_page-aligned).
 *
 * Cost: buffer_pool_alloc and buffer_pool_free are O(orders), at most 32
 * steps: one free list per order, a bitmask of non-empty orders (the first
 * fitting order by count-trailing-zeros), a split or merge loop of at most
 * orders - 1 steps, and the block map that tells in one read whether a buddy
 * is free and of which order. buffer_pool_init is O(size / min_page) byte
 * stores (it clears the map), once.
 *
 * Behaviour at the edges:
 *   - exhausted (no free block of the size or larger), size not a power of
 *     two, align not a power of two, align > size, size > max_page: NULL.
 *     Sizes below min_page are served with a min_page block (self-aligned).
 *   - buffer_pool_free() of a block the pool did not hand out (outside it, not
 *     the start of an allocated block, other size, already free): non-zero,
 *     and nothing changes.
 *   - a NULL pool: alloc NULL, free non-zero, stats all 0.
 *
 * Interrupts: on Cortex-M each call masks interrupts (PRIMASK) for its few
 * dozen instructions, so caches used from threads and handlers of one core
 * may share a pool. Not for several cores. C11, no libc, no static
 * constructor, no malloc.
 */
#ifndef SLAB_BUFFER_PAGES_H
#define SLAB_BUFFER_PAGES_H

#include <stddef.h>

#include "slab/config.h"
#include "slab/hooks.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief The macro's smallest page: SLAB_MIN_SLAB_SIZE, libslab's smallest slab. */
#ifndef BUFFER_POOL_MIN_PAGE
#define BUFFER_POOL_MIN_PAGE 256u
#endif
/** @brief Orders a pool may have: blocks of min_page .. min_page << 31. */
#define BUFFER_POOL_MAX_ORDERS 32u

/** @brief A pool. Opaque (the buddy_pool of hooks/buddy/buddy.h); its state lives at the end of its buffer. */
typedef struct buddy_pool buffer_pool;

/** @brief Why buffer_pool_init_status() refused a buffer (or BUFFER_POOL_OK). */
typedef enum {
    BUFFER_POOL_OK = 0,     /**< the pool was built */
    BUFFER_POOL_EARGS = 1,  /**< buf NULL, min_page or max_page not as documented, size wraps around */
    BUFFER_POOL_EALIGN = 2, /**< buf is not aligned to a pointer (buf + 3: a pointer arithmetic mistake) */
    BUFFER_POOL_ESMALL = 3  /**< the buffer holds no block of max_page (or, with max_page 0, of min_page)
                                 beside the pool's state: see BUFFER_POOL_BYTES_FOR() */
} buffer_pool_status;

/**
 * @brief Bytes a min_page-aligned buffer needs so that its pool can always
 * hand out one page of `page` bytes: the pages of a buddy pool hold an
 * S-aligned block of S bytes once they span 2 S - min_page bytes, plus the
 * pool's state (at most 42 pointers) and one map byte per min_page. With
 * 4 KiB slabs and 256-byte pages: 8,135 bytes on 32-bit ARM (8,303 on a 64-bit
 * host). A buffer that
 * is not min_page-aligned needs up to min_page - 1 bytes more.
 */
#define BUFFER_POOL_BYTES_FOR(page)                                                                   \
    (((2u * (size_t)(page) / BUFFER_POOL_MIN_PAGE) - 1u) * (BUFFER_POOL_MIN_PAGE + 1u) + 42u * sizeof(void *))

/**
 * @brief Builds a pool over [buf, buf + size) (its state is inside the buffer).
 *
 * The buffer belongs to the pool from then on. O(size / min_page), once.
 * @param buf       the buffer: aligned to a pointer at least (min_page-aligned
 *                  wastes nothing in front)
 * @param size      its bytes
 * @param min_page  smallest block: a power of two, at least two pointers
 * @param max_page  largest block: 0 (as large as the buffer allows) or a power
 *                  of two >= min_page, at most min_page * 2^31
 * @return the pool, or NULL when buffer_pool_init_status() says why not.
 */
buffer_pool *buffer_pool_init(void *buf, size_t size, size_t min_page, size_t max_page);

/**
 * @brief As buffer_pool_init(), saying why a buffer is refused: a setup
 * mistake is caught at init, not as SLAB_ENOMEM at a later allocation.
 * @param buf       as buffer_pool_init()
 * @param size      as buffer_pool_init()
 * @param min_page  as buffer_pool_init()
 * @param max_page  as buffer_pool_init()
 * @param why       if not NULL: BUFFER_POOL_OK, or why NULL is returned:
 *                  BUFFER_POOL_EARGS (buf NULL; min_page not a power of two or
 *                  smaller than two pointers; max_page neither 0 nor a power of
 *                  two >= min_page; max_page / min_page > 2^31; size wraps),
 *                  BUFFER_POOL_EALIGN (buf not aligned to a pointer),
 *                  BUFFER_POOL_ESMALL (no block of max_page, or with max_page 0
 *                  of min_page, fits beside the state)
 * @return the pool, or NULL.
 */
buffer_pool *buffer_pool_init_status(void *buf, size_t size, size_t min_page, size_t max_page,
                                     buffer_pool_status *why);

/**
 * @brief Lazy, interrupt-safe form for pools built on first use.
 *
 * When *slot is NULL,
 * masks interrupts, builds the pool (buffer_pool_init) and stores it in
 * *slot. O(1) once built.
 * @param slot      where the pool is kept
 * @param buf       as buffer_pool_init()
 * @param size      as buffer_pool_init()
 * @param min_page  as buffer_pool_init()
 * @param max_page  as buffer_pool_init()
 * @return *slot (NULL when the arguments are refused, or slot is NULL).
 */
buffer_pool *buffer_pool_once(buffer_pool **slot, void *buf, size_t size, size_t min_page, size_t max_page);

/**
 * @brief A block of `size` bytes aligned to `size` (so to `align` <= size).
 *
 * O(orders).
 * @param pool   the pool
 * @param size   bytes: a power of two up to max_page (below min_page: a
 *               min_page block)
 * @param align  a power of two, at most size
 * @return the block, or NULL (see the file's description: exhausted, bad
 *         arguments, NULL pool).
 */
void *buffer_pool_alloc(buffer_pool *pool, size_t size, size_t align);

/**
 * @brief Gives a block back. O(orders).
 * @param pool   the pool
 * @param page   the block
 * @param size   as given to buffer_pool_alloc()
 * @param align  as given to buffer_pool_alloc()
 * @return 0 when the block went back to the pool, non-zero when refused
 *         (nothing changes).
 */
int buffer_pool_free(buffer_pool *pool, void *page, size_t size, size_t align);

/**
 * @brief Whether `page` lies in the pool's pages (whether allocated or not):
 * for hooks that route a free to the pool of its region. O(1).
 * @param pool  the pool
 * @param page  any address
 * @return 1 when it does, else 0.
 */
int buffer_pool_owns(const buffer_pool *pool, const void *page);

/** @brief Usage of a pool, for tests and reports (buffer_pool_get_stats()). */
typedef struct {
    size_t pool_bytes;     /**< bytes of pages (the buffer less the overhead) */
    size_t overhead_bytes; /**< the buffer's other bytes: alignment, state, tail */
    size_t free_bytes;     /**< bytes in free blocks */
    size_t largest_free;   /**< largest free block, bytes (0 when exhausted) */
    size_t min_page;       /**< smallest block */
    size_t max_page;       /**< largest block */
    unsigned long allocs;  /**< successful allocs (grows only) */
    unsigned long frees;   /**< successful frees (grows only) */
    unsigned long refused; /**< refused frees (grows only) */
} buffer_pool_stats;

/**
 * @brief Fills *out (all 0 for a NULL pool). O(1).
 * @param pool      the pool, or NULL
 * @param[out] out  its usage
 */
void buffer_pool_get_stats(const buffer_pool *pool, buffer_pool_stats *out);
/* Shorthands of the stats. O(1). */
/**
 * @brief Bytes in free blocks (buffer_pool_stats.free_bytes). O(1).
 * @param pool  the pool, or NULL
 * @return the bytes (0 for a NULL pool).
 */
size_t buffer_pool_free_bytes(const buffer_pool *pool);
/**
 * @brief Largest free block (buffer_pool_stats.largest_free). O(1).
 * @param pool  the pool, or NULL
 * @return its bytes (0 when exhausted, or for a NULL pool).
 */
size_t buffer_pool_largest_free(const buffer_pool *pool);

/**
 * @brief The pool as the page source of one cache (slab_page_source in slab/slab.h):
 * buffer_pool_alloc() with the pool as a `void *` ctx.
 *
 * For a program with several regions: each cache takes its pages from the
 * pool of its region, beside (or instead of) the global hooks.
 * @code
 *   static slab_page_source dma_pages;      // must outlive the cache
 *   dma_pages.alloc = buffer_pool_page_alloc;
 *   dma_pages.free = buffer_pool_page_free;
 *   dma_pages.ctx = buffer_pool_init(dma_buf, sizeof dma_buf, 256, 0);
 *   slab_cache_config cfg = {256, 32, 0, SLAB_LOCK_IRQ, NULL, &dma_pages};
 *   slab_cache_create_ex(&rx_bufs, &cfg);
 * @endcode
 * @param pool   the buffer_pool
 * @param size   as buffer_pool_alloc()
 * @param align  as buffer_pool_alloc()
 * @return as buffer_pool_alloc().
 */
void *buffer_pool_page_alloc(void *pool, size_t size, size_t align);
/**
 * @brief buffer_pool_free() with the pool as a `void *` ctx: the free half of
 * the page source (buffer_pool_page_alloc()).
 * @param pool   the buffer_pool
 * @param page   as buffer_pool_free()
 * @param size   as buffer_pool_free()
 * @param align  as buffer_pool_free()
 * @return as buffer_pool_free().
 */
int buffer_pool_page_free(void *pool, void *page, size_t size, size_t align);

#ifdef __cplusplus
}
#endif

/**
 * @brief DEFINE_SLAB_BUFFER_HOOKS(name, bytes): the single-region case in one line.
 *
 * Defines a static array of `bytes` bytes aligned to BUFFER_POOL_MIN_PAGE, a
 * pool over it with min_page BUFFER_POOL_MIN_PAGE and max_page as large as it
 * allows (built on first use by buffer_pool_once: O(1) after that),
 * `static inline buffer_pool *name(void)` (the pool, for stats), and the
 * hooks and slab_secret through DEFINE_SLAB_HOOKS: use it once per program,
 * at file scope, instead of DEFINE_SLAB_HOOKS (the semicolon is required).
 * Works in C and in C++.
 * @param name   the name of the pool's accessor, `static inline buffer_pool *name(void)`
 * @param bytes  size of the array
 */
/* The expansion is definitions, which cannot be parenthesized. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define DEFINE_SLAB_BUFFER_HOOKS(name, bytes)                                  \
    SLAB_BUFFER_ASSERT_((bytes) >= BUFFER_POOL_BYTES_FOR(SLAB_DEFAULT_SLAB_SIZE), \
                        "DEFINE_SLAB_BUFFER_HOOKS: the buffer holds no SLAB_DEFAULT_SLAB_SIZE page (BUFFER_POOL_BYTES_FOR)"); \
    static unsigned char name##_buffer_[(bytes)]                               \
        __attribute__((aligned(BUFFER_POOL_MIN_PAGE)));                        \
    static buffer_pool *name##_pool_;                                          \
    static inline buffer_pool *name(void)                                      \
    {                                                                          \
        return name##_pool_ != NULL                                            \
                   ? name##_pool_                                              \
                   : buffer_pool_once(&name##_pool_, name##_buffer_,           \
                                      sizeof name##_buffer_,                   \
                                      BUFFER_POOL_MIN_PAGE, 0);                \
    }                                                                          \
    static void *name##_alloc_(size_t size, size_t align)                      \
    {                                                                          \
        return buffer_pool_alloc(name(), size, align);                         \
    }                                                                          \
    static int name##_free_(void *page, size_t size, size_t align)             \
    {                                                                          \
        return buffer_pool_free(name(), page, size, align);                    \
    }                                                                          \
    DEFINE_SLAB_HOOKS(name##_alloc_, name##_free_)
/* NOLINTEND(bugprone-macro-parentheses) */

/** @cond internal */
#ifdef __cplusplus
#define SLAB_BUFFER_ASSERT_(cond, msg) static_assert(cond, msg)
#else
#define SLAB_BUFFER_ASSERT_(cond, msg) _Static_assert(cond, msg)
#endif
/** @endcond */

#endif /* SLAB_BUFFER_PAGES_H */
