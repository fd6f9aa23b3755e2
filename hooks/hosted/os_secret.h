/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief The hosted providers' secret (slab/hooks.h, slab_secret).
 *
 * At their first
 * page, before the first cache or heap has computed a magic with it, they
 * replace the build's default with 64 random bits from the OS: getrandom(),
 * else the kernel's AT_RANDOM bytes of this process. A value the program
 * chose is kept: SLAB_SECRET_INIT defined (SLAB_SECRET_CHOSEN), or any other
 * value than the default set before the first page.
 * Linux (glibc, musl). Header-only: one copy of this logic for
 * hooks/hosted/hosted_pages.c, hooks/mmap_pages/mmap_pages.c and the
 * LD_PRELOAD malloc (hooks/malloc/preload.c).
 */
#ifndef SLAB_OS_SECRET_H
#define SLAB_OS_SECRET_H

#include <stdint.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/types.h>

#include "slab/hooks.h"

/**
 * @brief 64 bits from the OS, never 0.
 * @return the bits.
 */
static inline uintptr_t slab_os_random(void)
{
    uintptr_t seed = 0;
    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)(sizeof(seed))) {
        const unsigned char *at_random = (const unsigned char *)getauxval(AT_RANDOM); /* 16 random bytes */
        seed = 0;
        for (size_t i = 0u; (at_random != NULL) && (i < sizeof(seed)); i++) {
            seed = (seed << 8u) | (uintptr_t)at_random[i];
        }
    }
    return (seed != 0u) ? seed : ((uintptr_t)0x6A09E667F3BCC909ULL ^ (uintptr_t)&seed);
}

/**
 * @brief Replaces slab_secret's value `from` with one from the OS, once per
 * process.
 *
 * Only the first
 * caller's exchange can succeed, and every caller returns after it, so no
 * magic is ever computed with the old value.
 * @param from  the value to replace: the build's default, or 0 for the
 *              LD_PRELOAD malloc
 */
static inline void slab_os_secret_replace(uintptr_t from)
{
    static int done;
    if (__atomic_load_n(&done, __ATOMIC_ACQUIRE) == 0) {
        uintptr_t expected = from;
        (void)__atomic_compare_exchange_n(&slab_secret, &expected, slab_os_random(), 0, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE);
        __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
    }
}

/** @brief What the providers call at every page: a load and a branch after the
 *  first. Nothing when the program chose its value (SLAB_SECRET_INIT). */
static inline void slab_os_secret_seed(void)
{
#if !SLAB_SECRET_CHOSEN
    slab_os_secret_replace((uintptr_t)(SLAB_SECRET_INIT));
#endif
}

#endif /* SLAB_OS_SECRET_H */
