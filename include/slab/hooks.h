/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief libslab page hooks: the one contract between the library and the
 * program that links it.
 *
 * libslab never decides where memory comes from. Every slab (the master that
 * holds a cache's control data, and every slave taken when it is full) is a
 * page obtained through slab_page_alloc() and handed back through
 * slab_page_free(). libslab.a declares both and defines neither: a program that
 * links the library without defining them fails at link time with
 * "undefined reference to `slab_page_alloc'" (tested in test/link/).
 * The contract is stated once, at slab_page_alloc(), slab_page_free() and
 * slab_secret below.
 *
 * When an allocation grows the cache or a free gives an empty slab back,
 * the hook runs with the cache's lock held (see slab/slab.h: the lock kinds),
 * so it may run in interrupt context when the cache is used from an
 * interrupt. Creation, slab_cache_destroy() and the end of a C++ cache (its
 * last handle or last object gone) call the hooks without the lock, in the
 * caller's context. Hooks must not call back into libslab for the same cache.
 *
 * DEFINE_SLAB_HOOKS(alloc_fn, free_fn), once in the program, defines the two
 * hooks and the secret.
 */
#ifndef SLAB_HOOKS_H
#define SLAB_HOOKS_H

#include <stddef.h>
#include <stdint.h>

/* The secret's first value (see slab_secret below). */
/**
 * @def SLAB_SECRET_CHOSEN
 * @brief 1 when the program defines SLAB_SECRET_INIT itself (the hosted
 * providers then leave slab_secret alone), else 0.
 */
#ifdef SLAB_SECRET_INIT
#define SLAB_SECRET_CHOSEN 1
#else
#define SLAB_SECRET_CHOSEN 0
#if defined(__has_include)
#if __has_include("slab/build_secret.h")
#include "slab/build_secret.h"
#endif
#endif /* __has_include */
/**
 * @def SLAB_SECRET_INIT
 * @brief slab_secret's first value, as DEFINE_SLAB_HOOKS initialises it.
 *
 * - the program's own value, when it defines SLAB_SECRET_INIT itself
 *   (SLAB_SECRET_CHOSEN is then 1: the hosted providers leave it alone);
 * - else SLAB_BUILD_SECRET, from slab/build_secret.h, which the build
 *   writes with random bytes: make at its first run
 *   (include/slab/build_secret.h, not in the repository, new after make
 *   clean), CMake once per build tree (on the include path of every target
 *   that links slab::slab); both install it with the headers;
 * - else the macro does not compile (an undeclared name that says so).
 */
#ifdef SLAB_BUILD_SECRET
#define SLAB_SECRET_INIT SLAB_BUILD_SECRET
#else
#define SLAB_SECRET_INIT slab_no_build_secret__run_make_or_cmake_or_define_SLAB_SECRET_INIT
#endif /* SLAB_BUILD_SECRET */
#endif /* SLAB_SECRET_INIT */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The program's page source: a block of `size` bytes aligned to `align`.
 *
 * - libslab always asks for align == size, a power of two between
 *   SLAB_MIN_SLAB_SIZE and SLAB_MAX_SLAB_SIZE (see slab/config.h).
 * - NULL is not an error of the hook: the allocator reports SLAB_ENOMEM and
 *   stays usable.
 * - A block that is not aligned as asked is detected, given straight back
 *   through slab_page_free(), counted as a hook failure, and reported as
 *   SLAB_EHOOKALIGN. Alignment is what makes free location-independent
 *   (a slab is found by masking an object address), so it is not optional.
 * - The block must stay valid until it is passed to slab_page_free().
 * @param size   bytes
 * @param align  the block's address is a multiple of it
 * @return the block, or NULL when none is left.
 */
void *slab_page_alloc(size_t size, size_t align);
/**
 * @brief Takes back a block returned by slab_page_alloc() with the same size
 * and align.
 *
 * On failure libslab keeps the page (it stays usable and is offered back
 * again later) and counts a hook failure; see slab_cache_destroy() for the
 * teardown case.
 * @param page   the block
 * @param size   as given to slab_page_alloc()
 * @param align  as given to slab_page_alloc()
 * @return 0 on success, non-zero on failure.
 */
int slab_page_free(void *page, size_t size, size_t align);
/**
 * @brief The program's secret: mixed into the magic of every slab header and
 * control block.
 *
 * - So that bytes a program stores in its objects can
 *   never pass for a header, even when whoever chose them knows the
 *   header layout, the formula and every address (docs/hardening.md,
 *   "Threat model"). libslab only reads it, and never leaves a word
 *   derived from it in memory it gives back (pages returned to the hook,
 *   blocks handed to the program).
 * - Its first value is never one that the sources alone tell
 *   (DEFINE_SLAB_HOOKS, SLAB_SECRET_INIT): a random value the build generated, or
 *   one the program chose. Set it once, before the first cache or heap
 *   is created, to a value nobody can read or predict (the board's
 *   TRNG; docs/hardening.md shows an STM32 RNG), and never store it in an
 *   object. The hosted providers (hooks/hosted, hooks/mmap_pages) and the
 *   LD_PRELOAD malloc replace the build's value with one from the OS
 *   (getrandom, else AT_RANDOM) at their first page.
 * - Changed while caches live, every call on those caches' handles is
 *   refused with SLAB_ESECRET, and slab_free()/slab_heap_free() of their
 *   objects with SLAB_EBADPTR: nothing is corrupted, but nothing is freed
 *   either until the old value is back.
 * - 0 is allowed (-DSLAB_SECRET_INIT=0, for deterministic tests): the
 *   magic then still catches stale, foreign and corrupted pointers, but
 *   anyone who reads the sources can build a header in data the program
 *   stores (a packet, a file), and a correct free() of that memory may
 *   then run their code. Never ship it.
 * - A variable of the program, not of the library: libslab keeps no
 *   static RAM of its own. DEFINE_SLAB_HOOKS defines it.
 */
extern uintptr_t slab_secret;

#ifdef __cplusplus
} /* extern "C" */
#define SLAB_HOOKS_LINKAGE_ extern "C"
#define SLAB_SECRET_DEFINITION_ extern "C" { uintptr_t slab_secret = (uintptr_t)(SLAB_SECRET_INIT); }
#else
#define SLAB_HOOKS_LINKAGE_
#define SLAB_SECRET_DEFINITION_ uintptr_t slab_secret = (uintptr_t)(SLAB_SECRET_INIT);
#endif

/**
 * @brief Defines the two hooks with C linkage in the program, forwarding to
 * two functions of the same signatures, and the secret, initialised to
 * SLAB_SECRET_INIT.
 *
 * Use it once, at file (namespace) scope, in a C or a C++ file of the board
 * support package:
 * @code
 *   DEFINE_SLAB_HOOKS(bsp_page_alloc, bsp_page_free);   // the semicolon is required
 * @endcode
 * @param alloc_fn  void *(size_t size, size_t align): slab_page_alloc()'s contract
 * @param free_fn   int (void *page, size_t size, size_t align): slab_page_free()'s contract
 */
/* The expansion is definitions, which cannot be parenthesized. */
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
    SLAB_SECRET_DEFINITION_                                                    \
    typedef int slab_hooks_defined_here_

/**
 * @brief For a program whose caches are all static (slab/static.h), which
 * takes no page: defines slab_page_alloc() to give none (NULL: a cache or
 * heap created anyway gets SLAB_ENOMEM), slab_page_free() to refuse every
 * page, and the secret (as DEFINE_SLAB_HOOKS). Use it once, at file scope,
 * instead of DEFINE_SLAB_HOOKS (the semicolon is required):
 *
 *     DEFINE_SLAB_NO_PAGES();
 */
#define DEFINE_SLAB_NO_PAGES()                                                 \
    SLAB_HOOKS_LINKAGE_ void *slab_page_alloc(size_t size, size_t align)       \
    {                                                                          \
        (void)size;                                                            \
        (void)align;                                                           \
        return NULL;                                                           \
    }                                                                          \
    SLAB_HOOKS_LINKAGE_ int slab_page_free(void *page, size_t size,            \
                                           size_t align)                       \
    {                                                                          \
        (void)page;                                                            \
        (void)size;                                                            \
        (void)align;                                                           \
        return 1;                                                              \
    }                                                                          \
    SLAB_SECRET_DEFINITION_                                                    \
    typedef int slab_no_pages_defined_here_
/* NOLINTEND(bugprone-macro-parentheses) */

#endif /* SLAB_HOOKS_H */
