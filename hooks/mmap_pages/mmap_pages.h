/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief Page provider for hosted programs that must not call malloc: the pages of
 * the LD_PRELOAD malloc (hooks/malloc/).
 *
 * Linux (mmap), thread-safe, no static constructor.
 * @code
 *   #include "mmap_pages.h"
 *   DEFINE_SLAB_HOOKS(mmap_page_alloc, mmap_page_free);
 * @endcode
 *
 * Pages of at least MMAP_PAGES_DIRECT bytes are their own mapping: mapped
 * with room to align, trimmed to the page. Smaller pages (256 B to
 * MMAP_PAGES_DIRECT / 2) come from 4 MiB chunks aligned to 4 MiB by a buddy
 * allocator: a page given back merges with its free buddy, up to 512 KiB,
 * so a size freed is reused by any other size.
 *
 * Free pages stay in a pool (reused first, warm pages before released ones)
 * bounded in bytes: MMAP_PAGES_POOL_MIN, or 1 / 2^MMAP_PAGES_POOL_SHIFT of
 * the bytes handed out, whichever is larger. A page given back that takes
 * the pool over its bound makes the provider give back down to half the
 * bound: cached direct mappings and empty chunks are unmapped, then free
 * blocks of 64 KiB or more are released (MADV_DONTNEED, but their first
 * 4 KiB, which hold the free list's links). So no page is released at each
 * free, and a program that frees what it used ends with at most the bound
 * in the pool. mmap_pages_trim() gives back on request (malloc_trim).
 *
 * Every call is O(log(chunk / 256)) under one spin lock, but a page given
 * back over the bound: O(chunks + free blocks released), and a system call
 * per mapping unmapped or block released.
 */
#ifndef SLAB_MMAP_PAGES_H
#define SLAB_MMAP_PAGES_H

#include <stddef.h>

#include "slab/hooks.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Smallest page the provider hands out, bytes (a smaller size: NULL). */
#define MMAP_PAGES_MIN ((size_t)256)
/** @brief Pages of at least this many bytes are their own mapping; smaller
 *  ones are carved from 4 MiB chunks. */
#define MMAP_PAGES_DIRECT ((size_t)1 << 20)

/**
 * @brief A page of `size` bytes aligned to `align`.
 * @param size   bytes, a power of two, at least MMAP_PAGES_MIN
 * @param align  == size
 * @return the page, or NULL (not a power of two, align != size, below
 *         MMAP_PAGES_MIN, or no memory).
 */
void *mmap_page_alloc(size_t size, size_t align);

/**
 * @brief Gives a page back.
 * @param page   the page
 * @param size   as given to mmap_page_alloc()
 * @param align  as given to mmap_page_alloc()
 * @return 0 on success; non-zero (and nothing done) for NULL, a misaligned page or a
 *         size that is not one this provider hands out.
 */
int mmap_page_free(void *page, size_t size, size_t align);

/** @brief Bytes the pool keeps at least before it gives back (8 MiB). */
#define MMAP_PAGES_POOL_MIN ((size_t)8 << 20)
/** @brief The pool's bound is also 1 / 2^MMAP_PAGES_POOL_SHIFT of the bytes handed out. */
#define MMAP_PAGES_POOL_SHIFT 3u

/**
 * @brief The provider's counters (mmap_pages_stats()). Bytes unless named.
 *
 * cached_bytes == free_bytes - released_bytes + direct_bytes;
 * mapped_bytes == chunks * 4 MiB + (direct pages handed out) + direct_bytes.
 * The *_calls counters only grow.
 */
typedef struct mmap_pages_usage {
    size_t out_pages;      /**< pages handed out and not given back */
    size_t out_bytes;      /**< their bytes */
    size_t cached_pages;   /**< free blocks and cached direct mappings in the pool */
    size_t cached_bytes;   /**< bytes of the pool not released to the kernel: held, ready for reuse */
    size_t free_blocks;    /**< free blocks in the chunks */
    size_t free_bytes;     /**< their bytes, released or not */
    size_t released_bytes; /**< bytes of free blocks given back with MADV_DONTNEED (still mapped) */
    size_t direct_pages;   /**< direct mappings (MMAP_PAGES_DIRECT and more) kept for reuse */
    size_t direct_bytes;   /**< their bytes */
    size_t chunks;         /**< 4 MiB chunks mapped */
    size_t mapped_bytes;   /**< address space mapped: chunks, direct pages handed out and kept */
    size_t bound;          /**< the pool's bound now */
    size_t trims;          /**< times the pool went over its bound and was trimmed */
    size_t mmap_calls;     /**< mmap() calls */
    size_t munmap_calls;   /**< mappings unmapped (chunks and direct pages; the trims of a new mapping not counted) */
    size_t madvise_calls;  /**< MADV_DONTNEED calls */
} mmap_pages_usage;

/**
 * @brief Fills *out with the provider's counters (one lock, O(1)).
 * @param[out] out  the counters; NULL: nothing done
 */
void mmap_pages_stats(mmap_pages_usage *out);

/**
 * @brief Gives the pool back to the OS until it holds at most `keep` bytes,
 * as a trim over the bound does (mmap_pages.h above). Free blocks below
 * 64 KiB, and the first 4 KiB of each free block, stay.
 * @param keep  bytes the pool may keep
 * @return the bytes given back (unmapped or released).
 */
size_t mmap_pages_trim(size_t keep);

/** @brief Pages handed out and not given back. @return their count. */
size_t mmap_pages_outstanding(void);
/** @brief Bytes of the pages handed out and not given back. @return the bytes. */
size_t mmap_pages_outstanding_bytes(void);

/** @brief Holds the provider's lock (around fork(): pthread_atfork). */
void mmap_pages_lock(void);
/** @brief Releases the provider's lock (mmap_pages_lock()). */
void mmap_pages_unlock(void);

#ifdef __cplusplus
}
#endif

#endif /* SLAB_MMAP_PAGES_H */
