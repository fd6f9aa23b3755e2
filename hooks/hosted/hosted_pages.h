/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief Page provider for hosted builds (Linux, tests, benchmarks): pages come from
 * aligned_alloc() and go back to free().
 *
 * Counts outstanding pages so a test or
 * a program can check at exit that every page came back.
 *
 * Use it from one file of the program:
 * @code
 *   #include "hosted_pages.h"
 *   DEFINE_SLAB_HOOKS(hosted_page_alloc, hosted_page_free);
 * @endcode
 */
#ifndef SLAB_HOSTED_PAGES_H
#define SLAB_HOSTED_PAGES_H

#include <stddef.h>

#include "slab/hooks.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief aligned_alloc(align, size).
 * @param size   bytes, a multiple of align
 * @param align  a power of two
 * @return the page, or NULL when align is not a power of two or size
 *         not a multiple of it (the library never asks for that), or no memory.
 */
void *hosted_page_alloc(size_t size, size_t align);

/**
 * @brief free(page).
 * @param page   the page
 * @param size   unused
 * @param align  unused
 * @return 0; non-zero for NULL.
 */
int hosted_page_free(void *page, size_t size, size_t align);

/**
 * @brief Pages handed out and not yet given back (atomic counter).
 * @return the count.
 */
long hosted_pages_outstanding(void);

#ifdef __cplusplus
}
#endif

#endif /* SLAB_HOSTED_PAGES_H */
