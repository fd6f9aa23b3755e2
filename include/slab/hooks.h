/*
 * libslab page hooks: the one contract between the library and the program
 * that links it.
 *
 * libslab never decides where memory comes from. Every slab (the master that
 * holds a cache's control data, and every slave taken when it is full) is a
 * page obtained through slab_page_alloc() and handed back through
 * slab_page_free(). libslab.a declares both and defines neither: a program that
 * links the library without defining them fails at link time with
 * "undefined reference to `slab_page_alloc'" (tested in test/link/).
 *
 * Contract, stated once:
 *
 *   void *slab_page_alloc(size_t size, size_t align);
 *     - libslab always asks for align == size, a power of two between
 *       SLAB_MIN_SLAB_SIZE and SLAB_MAX_SLAB_SIZE (see slab/config.h).
 *     - Return a block of `size` bytes whose address is a multiple of `align`,
 *       or NULL when none is left. NULL is not an error of the hook: the
 *       allocator reports SLAB_ENOMEM and stays usable.
 *     - A block that is not aligned as asked is detected, given straight back
 *       through slab_page_free(), counted as a hook failure, and reported as
 *       SLAB_EHOOKALIGN. Alignment is what makes free location-independent
 *       (a slab is found by masking an object address), so it is not optional.
 *     - The block must stay valid until it is passed to slab_page_free().
 *
 *   int slab_page_free(void *page, size_t size, size_t align);
 *     - Takes back a block returned by slab_page_alloc() with the same size and
 *       align. Returns 0 on success, non-zero on failure. On failure libslab
 *       keeps the page (it stays usable and is offered back again later) and
 *       counts a hook failure; see slab_cache_destroy() for the teardown case.
 *
 *   When an allocation grows the cache or a free gives an empty slab back,
 *   the hook runs with the cache's lock held (see slab/slab.h: the lock kinds),
 *   so it may run in interrupt context when the cache is used from an
 *   interrupt. Creation, slab_cache_destroy() and the end of a C++ cache (its
 *   last handle or last object gone) call the hooks without the lock, in the
 *   caller's context. Hooks must not call back into libslab for the same cache.
 *
 * DEFINE_SLAB_HOOKS(alloc_fn, free_fn) defines both symbols with C linkage in
 * the program, forwarding to two functions of the same signatures. Use it once,
 * at file (namespace) scope, in a C or a C++ file of the board support package:
 *
 *   DEFINE_SLAB_HOOKS(bsp_page_alloc, bsp_page_free);   (the semicolon is required)
 */
#ifndef SLAB_HOOKS_H
#define SLAB_HOOKS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void *slab_page_alloc(size_t size, size_t align);
int slab_page_free(void *page, size_t size, size_t align);

#ifdef __cplusplus
} /* extern "C" */
#define SLAB_HOOKS_LINKAGE_ extern "C"
#else
#define SLAB_HOOKS_LINKAGE_
#endif

/* The expansion is two function definitions, which cannot be parenthesized. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define DEFINE_SLAB_HOOKS(alloc_fn, free_fn)                                   \
    SLAB_HOOKS_LINKAGE_ void *slab_page_alloc(size_t size, size_t align)       \
    {                                                                          \
        return (alloc_fn)(size, align);                                        \
    }                                                                          \
    SLAB_HOOKS_LINKAGE_ int slab_page_free(void *page, size_t size,            \
                                           size_t align)                       \
    {                                                                          \
        return (free_fn)(page, size, align);                                   \
    }                                                                          \
    typedef int slab_hooks_defined_here_
/* NOLINTEND(bugprone-macro-parentheses) */

#endif /* SLAB_HOOKS_H */
