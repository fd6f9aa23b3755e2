/*
 * Page provider over any buffer: a buddy allocator over a plain array or any
 * address range the program names (internal SRAM, DMA-capable RAM, external
 * PSRAM, ...), one pool per range, no linker-script symbols, no map section.
 * See docs/buffer-pages.md.
 *
 * One region, one line (file scope, one file of the program):
 *
 *   #include "buffer_pages.h"
 *   DEFINE_SLAB_BUFFER_HOOKS(slab_ram, 64 * 1024);
 *
 * defines a static 64 KiB array (aligned to BUFFER_POOL_MIN_PAGE), the pool
 * over it (built on the first call, with interrupts masked), slab_page_alloc,
 * slab_page_free and slab_secret (through DEFINE_SLAB_HOOKS, so exactly once),
 * and `static inline buffer_pool *slab_ram(void)` for the stats.
 *
 * Several regions: one buffer_pool per region through the explicit API, and
 * the program's own hooks route (libslab has one global hook pair):
 *
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

#include "slab/hooks.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The macro's smallest page: SLAB_MIN_SLAB_SIZE, libslab's smallest slab. */
#ifndef BUFFER_POOL_MIN_PAGE
#define BUFFER_POOL_MIN_PAGE 256u
#endif
/* Orders a pool may have: blocks of min_page .. min_page << 31. */
#define BUFFER_POOL_MAX_ORDERS 32u

typedef struct buffer_pool buffer_pool;

/*
 * Builds a pool over [buf, buf + size) and returns it (its state is inside
 * the buffer), or NULL when: buf is NULL; min_page is not a power of two or
 * smaller than two pointers; max_page is neither 0 nor a power of two
 * >= min_page; max_page / min_page > 2^31; or the buffer holds no min_page
 * page beside the state. max_page 0 means as large as the buffer allows.
 * The buffer belongs to the pool from then on. O(size / min_page), once.
 */
buffer_pool *buffer_pool_init(void *buf, size_t size, size_t min_page, size_t max_page);

/*
 * Lazy, interrupt-safe form for pools built on first use: when *slot is NULL,
 * masks interrupts, builds the pool (buffer_pool_init) and stores it in
 * *slot. Returns *slot (NULL when the arguments are refused). O(1) once built.
 */
buffer_pool *buffer_pool_once(buffer_pool **slot, void *buf, size_t size, size_t min_page, size_t max_page);

/* A block of `size` bytes aligned to `size` (so to `align` <= size), or NULL
 * (see above). O(orders). */
void *buffer_pool_alloc(buffer_pool *pool, size_t size, size_t align);

/* 0 when the block went back to the pool, non-zero when refused. O(orders). */
int buffer_pool_free(buffer_pool *pool, void *page, size_t size, size_t align);

/* 1 when `page` lies in the pool's pages (whether allocated or not), else 0:
 * for hooks that route a free to the pool of its region. O(1). */
int buffer_pool_owns(const buffer_pool *pool, const void *page);

/* Usage, for tests and reports. */
typedef struct {
    size_t pool_bytes;     /* bytes of pages (the buffer less the overhead) */
    size_t overhead_bytes; /* the buffer's other bytes: alignment, state, tail */
    size_t free_bytes;     /* bytes in free blocks */
    size_t largest_free;   /* largest free block, bytes (0 when exhausted) */
    size_t min_page;       /* smallest block */
    size_t max_page;       /* largest block */
    unsigned long allocs;  /* successful allocs (grows only) */
    unsigned long frees;   /* successful frees (grows only) */
    unsigned long refused; /* refused frees (grows only) */
} buffer_pool_stats;

/* Fills *out (all 0 for a NULL pool). O(1). */
void buffer_pool_get_stats(const buffer_pool *pool, buffer_pool_stats *out);
/* Shorthands of the stats. O(1). */
size_t buffer_pool_free_bytes(const buffer_pool *pool);
size_t buffer_pool_largest_free(const buffer_pool *pool);

/*
 * The pool as the page source of one cache (slab_page_source in slab/slab.h),
 * for a program with several regions: each cache takes its pages from the
 * pool of its region, beside (or instead of) the global hooks.
 *
 *   static slab_page_source dma_pages;      // must outlive the cache
 *   dma_pages.alloc = buffer_pool_page_alloc;
 *   dma_pages.free = buffer_pool_page_free;
 *   dma_pages.ctx = buffer_pool_init(dma_buf, sizeof dma_buf, 256, 0);
 *   slab_cache_config cfg = {256, 32, 0, SLAB_LOCK_IRQ, NULL, &dma_pages};
 *   slab_cache_create_ex(&rx_bufs, &cfg);
 */
void *buffer_pool_page_alloc(void *pool, size_t size, size_t align);
int buffer_pool_page_free(void *pool, void *page, size_t size, size_t align);

#ifdef __cplusplus
}
#endif

/*
 * DEFINE_SLAB_BUFFER_HOOKS(name, bytes): the single-region case in one line.
 * Defines a static array of `bytes` bytes aligned to BUFFER_POOL_MIN_PAGE, a
 * pool over it with min_page BUFFER_POOL_MIN_PAGE and max_page as large as it
 * allows (built on first use by buffer_pool_once: O(1) after that),
 * `static inline buffer_pool *name(void)` (the pool, for stats), and the
 * hooks and slab_secret through DEFINE_SLAB_HOOKS: use it once per program,
 * at file scope, instead of DEFINE_SLAB_HOOKS (the semicolon is required).
 * Works in C and in C++.
 */
/* The expansion is definitions, which cannot be parenthesized. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define DEFINE_SLAB_BUFFER_HOOKS(name, bytes)                                  \
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

#endif /* SLAB_BUFFER_PAGES_H */
