/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief Caches defined at compile time, in a section of your choice.
 *
 * No page hook
 * is ever called for them, nothing runs before main, and their first use
 * costs one O(1) step (K_MEM_SLAB_DEFINE_IN_SECT in Zephyr's terms). The
 * library still links the hooks' names: a program with only static caches
 * says so with DEFINE_SLAB_NO_PAGES() (slab/hooks.h), which also defines
 * the secret.
 * @code
 *   SLAB_CACHE_DEFINE(rx_bufs, 256, 32, 24, ".dma_pool");   // file scope
 *   SLAB_CACHE_DEFINE_STATIC(timers, sizeof(struct timer), _Alignof(struct timer), 16);
 *
 *   void *b = slab_alloc(rx_bufs);       // rx_bufs is a slab_cache *
 *   slab_free(b);                        // found by masking, as for any cache
 *   slab_cache_stats(rx_bufs, &s);
 * @endcode
 *
 * What the macros define (static, so one per translation unit and name):
 *   - the pages: `count` objects' worth of SLAB_DEFAULT_SLAB_SIZE pages,
 *     aligned to that size (so slab_free() finds their header by masking),
 *     in `section` (SLAB_CACHE_DEFINE) or in .bss (..._STATIC). The section
 *     may be NOLOAD and never zeroed, and may keep what a run before a
 *     warm restart left in it: nothing in it is read before the library
 *     writes it. Each page holds SLAB_STATIC_PER_PAGE(size, align)
 *     objects (its header and slot map take the rest; no control block in
 *     it), so a pool pays up to one page of slack over `count`, plus the
 *     alignment padding the linker puts before the array (up to
 *     SLAB_DEFAULT_SLAB_SIZE - 1 bytes of the section, when the section's
 *     other contents do not fill it).
 *   - the control block, in .data (SLAB_STATIC_CONTROL_BYTES: the control
 *     block, the lock and what its first use needs), statically initialised:
 *     no constructor, nothing to call at boot.
 *   - `static slab_cache *const name`, usable wherever the C API takes a
 *     cache.
 *
 * The geometry is computed at compile time: a size or alignment that no page
 * can hold is a compile error, as is a count of 0.
 *
 * First use: the first call that needs the cache (slab_alloc, stats, ...)
 * writes the first page's header and map (at most 255 map bytes), under the
 * cache's lock; later pages are put in service when the earlier ones are
 * full, without a hook call. When every page is full, slab_alloc returns NULL
 * (SLAB_ENOMEM, counted in hook_failures) and slab_alloc_wait can wait.
 * Empty pages are kept, never given back. slab_cache_destroy refuses a
 * static cache (SLAB_EUNSUPPORTED). Its stats count its pages as taken
 * (pages_taken: pages in service), so the counting invariants hold.
 *
 * Locks: SLAB_CACHE_DEFINE_LOCKED(name, size, align, count, section, flags)
 * takes the flags of slab_cache_create (0, SLAB_LOCK_SPIN, SLAB_LOCK_IRQ,
 * SLAB_LOCK_BASEPRI(prio)); the two forms above have no lock (flags 0), as
 * slab_cache_create with flags 0. A statically defined cache cannot take a
 * slab_lock_ops lock.
 *
 * The typed C++ form is SLAB_CACHE_DEFINE_TYPED (slab/static.hpp).
 */
#ifndef SLAB_STATIC_H
#define SLAB_STATIC_H

#include <stddef.h>
#include <stdint.h>

#include "slab/slab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- compile-time geometry (mirrors src/geometry.cpp for a slave page;
 * tested against it for many shapes in test/unit/static_cache_test.cpp) ---- */
#define SLAB_ST_MAX_(a, b) ((a) > (b) ? (a) : (b))
#define SLAB_ST_MIN_(a, b) ((a) < (b) ? (a) : (b))
#define SLAB_ST_RZ_ (SLAB_CHECKS ? SLAB_REDZONE : 0u)
#define SLAB_ST_ALIGN_(align) SLAB_ST_MAX_((size_t)(align), sizeof(void *))
#define SLAB_ST_STRIDE_(size, align)                                                          \
    ((SLAB_ST_MAX_((size_t)(size) + SLAB_ST_RZ_, sizeof(void *)) + SLAB_ST_ALIGN_(align) - 1u) & \
     ~(SLAB_ST_ALIGN_(align) - 1u))
#define SLAB_ST_HDR_ (4u * sizeof(void *) + 8u)
#define SLAB_ST_S_ ((size_t)SLAB_DEFAULT_SLAB_SIZE)
#define SLAB_ST_ROOM_ (SLAB_ST_S_ - SLAB_ST_HDR_)
#define SLAB_ST_CAP1_(st) (SLAB_ST_ROOM_ > SLAB_ST_S_ / (st) ? (SLAB_ST_ROOM_ - SLAB_ST_S_ / (st)) / (st) : 0u)
#define SLAB_ST_BYTE_MAP_(st) (SLAB_ST_CAP1_(st) <= 253u && (unsigned long long)SLAB_ST_S_ * (st) <= (1ULL << 31))
#define SLAB_ST_CAP_(st) \
    (SLAB_ST_BYTE_MAP_(st) ? SLAB_ST_CAP1_(st) : SLAB_ST_MIN_(SLAB_ST_ROOM_ / ((st) + 2u), (size_t)65533u))

/**
 * @brief Objects one SLAB_DEFAULT_SLAB_SIZE page of a static cache holds (0: none).
 * @param size   object size
 * @param align  object alignment
 */
#define SLAB_STATIC_PER_PAGE(size, align)                                                        \
    ((size) > 0 && SLAB_ST_ALIGN_(align) < SLAB_ST_S_ && SLAB_ST_STRIDE_(size, align) <= SLAB_ST_ROOM_ \
         ? SLAB_ST_CAP_(SLAB_ST_STRIDE_(size, align))                                             \
         : 0u)
/**
 * @brief Pages a static cache of `count` objects takes.
 * @param size   object size
 * @param align  object alignment
 * @param count  objects
 */
#define SLAB_STATIC_PAGES(size, align, count) \
    (((size_t)(count) + SLAB_STATIC_PER_PAGE(size, align) - 1u) / SLAB_ST_MAX_(SLAB_STATIC_PER_PAGE(size, align), 1u))

/* ---- the control block's image (internal; layout checked by the core) ---- */

/* What the first use needs, after the control block and its lock. */
struct slab_static_info_ {
    unsigned char *pages;   /* SLAB_STATIC_PAGES pages of SLAB_DEFAULT_SLAB_SIZE */
    size_t obj_size;
    size_t obj_align;
    uint32_t npages;
    uint32_t next;          /* pages put in service */
    slab_page_source source;/* hands out the pages in order, takes none back */
    slab_status (*wake)(slab_cache *); /* slab_static_wake_: the first use (linked only with static caches) */
};

#if __SIZEOF_POINTER__ == 8
#define SLAB_CONTROL_BYTES_ 176u
#else
#define SLAB_CONTROL_BYTES_ 120u
#endif
#define SLAB_STATIC_LOCK_BYTES_ 8u
/* The mark of a control block that was never used yet. */
#define SLAB_DORMANT_MAGIC_ ((uintptr_t)0x5D0A3A17u)

typedef struct slab_static_cache_ {
    uintptr_t magic;                                      /* SLAB_DORMANT_MAGIC_ until first use */
    const struct slab_lock_class_ *lock_class;            /* SLAB_ST_CLASS_(flags) */
    unsigned char zero_[SLAB_CONTROL_BYTES_ - 4u - sizeof(uintptr_t) - sizeof(void *)];
    uint16_t lock_offset;                                 /* to lock_ */
    uint8_t lock_kind;
    uint8_t bits_;
    unsigned char lock_[SLAB_STATIC_LOCK_BYTES_];          /* the lock object (BASEPRI: its priority) */
    struct slab_static_info_ info;
} slab_static_cache_;

/** @brief Bytes of a static cache's control block in .data: the control
 *  block, the lock and what its first use needs. */
#define SLAB_STATIC_CONTROL_BYTES sizeof(slab_static_cache_)

/* The page source of every static cache (src/static_cache.cpp), under names
 * that carry the build's option tag (slab/config.h, SLAB_ABI_TAG): the
 * macros below compute the pages' geometry from SLAB_DEFAULT_SLAB_SIZE,
 * SLAB_CHECKS and SLAB_REDZONE, so a file compiled with other values than
 * libslab.a fails to link instead of overrunning its array. */
#define slab_static_take_ SLAB_CAT_(slab_static_take__, SLAB_ABI_TAG)
#define slab_static_give_ SLAB_CAT_(slab_static_give__, SLAB_ABI_TAG)
#define slab_static_wake_ SLAB_CAT_(slab_static_wake__, SLAB_ABI_TAG)
void *slab_static_take_(void *info_ptr, size_t size, size_t align);
slab_status slab_static_wake_(slab_cache *cache);
int slab_static_give_(void *info_ptr, void *page, size_t size, size_t align);

/* Lock kind and lock bytes of slab_cache_create flags, at compile time. */
#define SLAB_ST_KIND_(flags) \
    ((flags) == 0 ? 0 : (flags) == 1u ? 1 : (flags) == 2u ? 2 : ((flags)&0xFFu) == 4u ? 5 : 0xFF)
#define SLAB_ST_PRIO_(flags) ((((flags)&0xFFu) == 4u) ? (unsigned char)((flags) >> 8) : 0)

#ifdef __cplusplus
} /* extern "C" */
#define SLAB_ST_ASSERT_(cond, msg) static_assert(cond, msg)
#else
#define SLAB_ST_ASSERT_(cond, msg) _Static_assert(cond, msg)
#endif

/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define SLAB_CACHE_DEFINE_IN_(name, size, align, count, flags, placement)                                   \
    SLAB_ST_ASSERT_((count) > 0, "SLAB_CACHE_DEFINE: count must be at least 1");                            \
    SLAB_ST_ASSERT_(SLAB_STATIC_PER_PAGE(size, align) > 0,                                                  \
                    "SLAB_CACHE_DEFINE: no SLAB_DEFAULT_SLAB_SIZE page holds an object of this size and alignment"); \
    SLAB_ST_ASSERT_(SLAB_ST_KIND_(flags) != 0xFF && ((flags) == 0 || SLAB_ST_KIND_(flags) != 5 ||            \
                                                     SLAB_ST_PRIO_(flags) != 0),                          \
                    "SLAB_CACHE_DEFINE_LOCKED: flags must be 0 or one SLAB_LOCK_* (BASEPRI with a priority)"); \
    static unsigned char name##_pages_[SLAB_STATIC_PAGES(size, align, count) * SLAB_ST_S_]                   \
        __attribute__((aligned(SLAB_DEFAULT_SLAB_SIZE))) placement;                                          \
    static slab_static_cache_ name##_control_ __attribute__((aligned(8))) = {                                \
        SLAB_DORMANT_MAGIC_,                                                                                \
        SLAB_LOCK_CLASS_OF_(flags),                                                                          \
        {0},                                                                                                 \
        (uint16_t)(SLAB_CONTROL_BYTES_),                                                                     \
        (uint8_t)SLAB_ST_KIND_(flags),                                                                       \
        0,                                                                                                   \
        {SLAB_ST_PRIO_(flags)},                                                                              \
        {name##_pages_, (size), (align), (uint32_t)SLAB_STATIC_PAGES(size, align, count), 0,                 \
         {slab_static_take_, slab_static_give_, &name##_control_.info}, slab_static_wake_}};                                    \
    static slab_cache *const name __attribute__((unused)) = (slab_cache *)(void *)&name##_control_
/* NOLINTEND(bugprone-macro-parentheses) */

/**
 * @brief Defines a static cache `name` whose pages lie in section `sect`,
 * with a lock.
 * @param name   the `static slab_cache *const` to define
 * @param size   object size
 * @param align  object alignment
 * @param count  objects, at least 1
 * @param sect   the pages' section, a string (it may be NOLOAD)
 * @param flags  as slab_cache_create(): 0, SLAB_LOCK_SPIN, SLAB_LOCK_IRQ,
 *               SLAB_LOCK_BASEPRI(prio)
 */
#define SLAB_CACHE_DEFINE_LOCKED(name, size, align, count, sect, flags) \
    SLAB_CACHE_DEFINE_IN_(name, size, align, count, flags, __attribute__((section(sect))))

/**
 * @brief Defines a static cache `name`, with no lock, whose pages lie in
 * section `sect`.
 * @param name   the `static slab_cache *const` to define
 * @param size   object size
 * @param align  object alignment
 * @param count  objects, at least 1
 * @param sect   the pages' section, a string (it may be NOLOAD)
 */
#define SLAB_CACHE_DEFINE(name, size, align, count, sect) SLAB_CACHE_DEFINE_LOCKED(name, size, align, count, sect, 0)

/**
 * @brief Defines a static cache `name`, with no lock, whose pages lie in .bss.
 * @param name   the `static slab_cache *const` to define
 * @param size   object size
 * @param align  object alignment
 * @param count  objects, at least 1
 */
#define SLAB_CACHE_DEFINE_STATIC(name, size, align, count) SLAB_CACHE_DEFINE_IN_(name, size, align, count, 0, )

#endif /* SLAB_STATIC_H */
