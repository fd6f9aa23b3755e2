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
 * with room to align, trimmed to the page, unmapped when given back. Smaller
 * pages (256 B to MMAP_PAGES_DIRECT / 2) are carved, aligned to their size,
 * from 4 MiB chunks by a bump pointer; the bytes skipped to align a page are
 * cut into aligned power-of-two blocks and kept. Pages given back go on one
 * free list per size (linked through their first word) and are handed out
 * again first; those of 64 KiB or more are also released to the kernel
 * (MADV_DONTNEED) while they wait. Chunks are never unmapped. Every call is
 * O(log(chunk / 256)) at most, under one spin lock.
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
