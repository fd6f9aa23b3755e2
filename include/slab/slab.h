/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief libslab C API: fixed-size object caches over self-aligned pages.
 *
 * A cache serves objects of one size and alignment. Its memory is a set of
 * slabs, each a page of a power-of-two size aligned to that size, taken from
 * the program's slab_page_alloc() hook (slab/hooks.h). The first slab (the
 * master) holds the cache's control block and lock, so the library owns no
 * static RAM. More slabs (slaves) are taken when every slot is in use; a slave
 * that becomes empty is given back, except one kept as a spare.
 *
 * Complexity: every call below is O(1) in the number of live objects and of
 * slabs, except slab_cache_validate() (O(slabs + free slots), for tests).
 *
 * Interrupts and cores: a cache is protected by the lock chosen at creation.
 * - flags 0: no lock: every call on the cache must be serialized by the
 *   caller (one thread, or one context at a time).
 * - SLAB_LOCK_SPIN: spin lock on atomics, for several cores/threads. Not for
 *   a cache shared between a thread and an interrupt on the same core (the
 *   interrupt would spin forever). Unavailable on ARMv6-M (no exclusive
 *   access): a compile error there (see the flag below).
 * - SLAB_LOCK_IRQ: masks interrupts (PRIMASK save/restore) on Cortex-M:
 *   safe between threads and interrupts of one core. ARM targets only:
 *   SLAB_EUNSUPPORTED elsewhere.
 * - SLAB_LOCK_BASEPRI(prio): masks only the interrupts at or below a
 *   priority (ARMv7-M, ARMv8-M Mainline): for RTOSes that keep urgent
 *   interrupts running (FreeRTOS's configMAX_SYSCALL_INTERRUPT_PRIORITY).
 *   Below.
 * - slab_lock_ops: any lock the program supplies
 *   (slab_cache_create_with_lock(), below).
 *
 * C++ caches (slab.hpp) are usable from C too, whatever their lock type: a
 * user-defined one is taken through thunks the C++ front stores with it.
 * With a lock, slab_alloc/slab_free/slab_cache_free/slab_cache_stats may be
 * called from any context the lock covers. slab_cache_create/destroy may call
 * the page hooks and should run in thread context.
 */
#ifndef SLAB_SLAB_H
#define SLAB_SLAB_H

#include <stddef.h>
#include <stdint.h>

#include "slab/config.h"
#include "slab/hooks.h"
#include "slab/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The option-set check (slab/config.h, SLAB_ABI_TAG): slab_cache_create's
 * symbol carries the tag of the options the caller was compiled with, e.g.
 * slab_cache_create__slab_abi_v3_s4096_c0_t1_r0, and libslab.a defines only
 * its own; so does every internal function the C++ front's inline code
 * calls (an inline namespace of that name). A file built with other options
 * than the library fails to link instead of corrupting its caches. */
/**
 * @def SLAB_NODISCARD
 * @brief On the frees, whose refusals change nothing: a caller that drops
 * the status gets a compiler warning ([[nodiscard]] in C++17 and C23, where
 * a (void) cast says "on purpose"; GCC's warn_unused_result in older C,
 * which no cast silences: test the status).
 */
#if defined(__cplusplus) && __cplusplus >= 201703L
#define SLAB_NODISCARD [[nodiscard]]
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ > 201710L
#define SLAB_NODISCARD [[nodiscard]]
#elif defined(__GNUC__)
#define SLAB_NODISCARD __attribute__((warn_unused_result))
#else
#define SLAB_NODISCARD
#endif

#if defined(__GNUC__)
#define SLAB_ABI_NAME_(fn) __asm__(SLAB_STR_(SLAB_CAT_(fn##__, SLAB_ABI_TAG)))
#else
#define SLAB_ABI_NAME_(fn)
#endif

/** @brief A cache. Opaque; its control data lives in the cache's master slab. */
typedef struct slab_cache slab_cache;

/**
 * @brief What a call did: SLAB_OK, or why it did nothing.
 *
 * Every error is a distinct non-zero value. After any error the cache is as it
 * was before the call: nothing leaked, nothing handed out twice, no counter
 * changed but hook_failures. slab_status_str() names each one.
 */
typedef enum {
    SLAB_OK = 0,           /**< success */
    SLAB_EINVAL = 1,       /**< NULL where a pointer is required, obj_size 0, unknown or conflicting flags */
    SLAB_EALIGN = 2,       /**< obj_align not 0 and not a power of two */
    SLAB_ESLABSIZE = 3,    /**< slab_size not 0, not a power of two, or outside [SLAB_MIN_SLAB_SIZE, SLAB_MAX_SLAB_SIZE] */
    SLAB_ETOOBIG = 4,      /**< no slot of this size and alignment fits in a slab beside its header */
    SLAB_ENOMEM = 5,       /**< slab_page_alloc() returned NULL */
    SLAB_EHOOKALIGN = 6,   /**< slab_page_alloc() returned a page not aligned as asked; it was given back */
    SLAB_EHOOKFREE = 7,    /**< slab_page_free() failed; the page stays with the cache */
    SLAB_EBUSY = 8,        /**< destroy while objects are still allocated */
    SLAB_EBADPTR = 9,      /**< no genuine slab header where the pointer leads (not from libslab, a page given back, corrupted) */
    SLAB_EWRONGCACHE = 10, /**< slab_cache_free(): the object belongs to another cache */
    SLAB_ESLABSIZEFREE = 11, /**< slab_free(): the object's cache has slabs larger than the default; use slab_cache_free() */
    SLAB_EUNSUPPORTED = 12,  /**< lock kind not available on this target */
    SLAB_ENOTSLOT = 13,    /**< pointer among a slab's slots but not at the start of one (interior pointer) */
    SLAB_EDOUBLEFREE = 14, /**< the slot is free already (double free) */
    SLAB_EPOISON = 15,     /**< checked mode: a free slot was written after free (use after free) */
    SLAB_EREDZONE = 16,    /**< checked mode: the red zone behind an object was overwritten */
    SLAB_ECORRUPT = 17,    /**< slab_cache_validate(): an invariant does not hold */
    SLAB_EHEADER = 18,     /**< pointer into a slab's own bytes: header, slot map, control block, lock, padding */
    SLAB_ENEVERALLOC = 19, /**< the slot was never handed out */
    SLAB_EHOOKDUP = 20,    /**< slab_page_alloc() returned a page that is a live slab; it was not used */
    SLAB_ETIMEDOUT = 21,   /**< slab_alloc_wait(): no slot came free within the timeout */
    SLAB_ESECRET = 22,     /**< the cache or heap was made under another slab_secret (changed after creation) */
    SLAB_EHEAPBLOCK = 23,  /**< slab_free(): a small block of a slab_heap (free it with slab_heap_free); nothing changed */
    SLAB_EREENTERED = 24,  /**< checked mode: an alloc or free entered a cache that another context was inside:
                                its lock does not exclude that context (an ISR on a lock-free cache, a hook
                                calling back); refused, reported, nothing changed */
    /** @cond INTERNAL */
    SLAB_STATUS_COUNT_,    /* not a status: the number of statuses (slab_status_str's table is checked against it) */
    /* Not a status: makes the enum int-sized under -fshort-enums (the
     * arm-none-eabi default), so the ABI does not depend on that flag and the
     * library can carry an internal status outside the public range. */
    SLAB_STATUS_FORCE_INT_ = 0x7FFFFFFF
    /** @endcond */
} slab_status;

/**
 * @brief Short constant name of a status ("SLAB_ENOMEM"), for logs.
 * @param status  any value
 * @return the name, a static string; "SLAB_E?" for a value that is no
 *         status. Never NULL.
 */
const char *slab_status_str(slab_status status);

/* Flags of slab_cache_create(). */
/** @brief Flag of slab_cache_create(): interrupt-masking lock (Cortex-M). */
#define SLAB_LOCK_IRQ 0x2u
/**
 * @def SLAB_LOCK_SPIN
 * @brief Flag of slab_cache_create(): spin lock (multi-core).
 *
 * ARMv6-M (Cortex-M0/M0+) has no LDREX/STREX: there,
 * naming SLAB_LOCK_SPIN is a compile error, as slab::SpinLock is in C++. (A
 * flags value that carries its bit, SLAB_LOCK_SPIN_BIT_, is still refused at
 * run time with SLAB_EUNSUPPORTED.)
 */
#define SLAB_LOCK_SPIN_BIT_ 0x1u
#if defined(__ARM_ARCH_6M__)
#define SLAB_LOCK_SPIN \
    (_Pragma("GCC error \"SLAB_LOCK_SPIN needs LDREX/STREX, which ARMv6-M (Cortex-M0/M0+) lacks: use SLAB_LOCK_IRQ\"") \
         SLAB_LOCK_SPIN_BIT_)
#else
#define SLAB_LOCK_SPIN SLAB_LOCK_SPIN_BIT_
#endif
/**
 * @def SLAB_LOCK_BASEPRI
 * @brief Flags of slab_cache_create(): BASEPRI lock (ARMv7-M, ARMv8-M
 * Mainline: Cortex-M3/M4/M7/M33/M55).
 *
 * Masks the interrupts whose priority value is numerically >= prio (the
 * BASEPRI byte, as the NVIC stores it: FreeRTOS's
 * configMAX_SYSCALL_INTERRUPT_PRIORITY), and leaves the more urgent ones
 * running; restores the previous BASEPRI.
 * Elsewhere SLAB_EUNSUPPORTED. Interrupts above the mask must not use the
 * cache.
 * @param prio  1..255; 0 (which would mask nothing) is SLAB_EINVAL.
 */
#define SLAB_LOCK_BASEPRI_BIT_ 0x4u
#define SLAB_LOCK_BASEPRI(prio) (SLAB_LOCK_BASEPRI_BIT_ | (((unsigned)(prio)&0xFFu) << 8))

/**
 * @brief Counters of one cache, filled by slab_cache_stats().
 *
 * "Grows only" counters are never reset except by
 * slab_cache_reset_peak() for the high-water mark.
 */
typedef struct {
    size_t obj_size;        /**< object size as asked at creation */
    size_t slot_size;       /**< bytes one object occupies in a slab (>= obj_size) */
    size_t slab_size;       /**< bytes per slab */
    uint32_t objs_per_slab; /**< slots in a slave slab */
    uint32_t objs_in_master;/**< slots in the master slab (fewer: it holds the control block) */
    uint32_t objs_in_use;   /**< live objects now (kept whatever SLAB_STATS) */
    uint32_t objs_peak;     /**< high-water mark of objs_in_use since creation or last reset (0 when SLAB_STATS is 0) */
    uint32_t slabs_in_use;  /**< slabs held from the hook now, master and spare included */
    uint32_t slabs_peak;    /**< high-water mark of slabs_in_use */
    uint32_t pages_taken;   /**< successful slab_page_alloc() calls (grows only) */
    uint32_t pages_given;   /**< successful slab_page_free() calls (grows only) */
    uint32_t hook_failures; /**< NULL pages, misaligned pages and failed slab_page_free() calls (grows only) */
} slab_stats;

/**
 * @brief Creates a cache of objects of obj_size bytes aligned to obj_align.
 *
 * Takes one page (the master) from slab_page_alloc(slab_size, slab_size).
 * Thread context only. O(1).
 * @param[out] out  on success the cache; on error untouched (and no page is kept)
 * @param obj_size   object size in bytes, not 0
 * @param obj_align  0 means alignof(void *); otherwise a power of two, at most
 *                   slab_size / 2 (the header sits at offset 0 of every slab).
 * @param slab_size  0 means SLAB_DEFAULT_SLAB_SIZE; otherwise a power of two in
 *                   [SLAB_MIN_SLAB_SIZE, SLAB_MAX_SLAB_SIZE]. Above
 *                   SLAB_DEFAULT_SLAB_SIZE, slab_free() refuses the cache's
 *                   objects (SLAB_ESLABSIZEFREE or SLAB_EBADPTR): free them
 *                   with slab_cache_free().
 * @param flags      0 or one SLAB_LOCK_* bit.
 * @retval SLAB_OK            the cache is in *out
 * @retval SLAB_EINVAL        out NULL, obj_size 0, unknown or conflicting flags
 * @retval SLAB_EALIGN        obj_align not 0 and not a power of two
 * @retval SLAB_ESLABSIZE     slab_size out of range
 * @retval SLAB_ETOOBIG       no slot of this size and alignment fits in a slab
 * @retval SLAB_EUNSUPPORTED  lock kind not available on this target
 * @retval SLAB_ENOMEM        slab_page_alloc() returned NULL
 * @retval SLAB_EHOOKALIGN    the hook returned a misaligned page (given back)
 * @retval SLAB_EHOOKDUP      the hook returned a page that is a live slab (not used)
 */
slab_status slab_cache_create(slab_cache **out, size_t obj_size, size_t obj_align,
                              size_t slab_size, unsigned flags) SLAB_ABI_NAME_(slab_cache_create);

/* What a firmware does not use costs it nothing: a cache's C calls reach its
 * lock through its lock class (src/lock_class.hpp), one per lock kind, which
 * its creation names. slab_cache_create() with constant flags (the usual
 * case) names the one class its flags give, through slab_cache_create_in_,
 * so --gc-sections drops the others; with flags known only at run time it
 * reaches the function above, which links every class. Internal. */
struct slab_lock_class_;
extern const struct slab_lock_class_ slab_lock_class_none_ SLAB_ABI_NAME_(slab_lock_class_none_);
extern const struct slab_lock_class_ slab_lock_class_spin_ SLAB_ABI_NAME_(slab_lock_class_spin_);
extern const struct slab_lock_class_ slab_lock_class_irq_ SLAB_ABI_NAME_(slab_lock_class_irq_);
extern const struct slab_lock_class_ slab_lock_class_basepri_ SLAB_ABI_NAME_(slab_lock_class_basepri_);
extern const struct slab_lock_class_ slab_lock_class_ops_ SLAB_ABI_NAME_(slab_lock_class_ops_);
slab_status slab_cache_create_in_(slab_cache **out, size_t obj_size, size_t obj_align, size_t slab_size,
                                  unsigned flags, const struct slab_lock_class_ *cls)
    SLAB_ABI_NAME_(slab_cache_create_in_);
/* The class of constant, valid flags (slab_cache_create_in_ checks them). */
#define SLAB_LOCK_CLASS_OF_(f)                                                   \
    (((f)&0xFFu) == 0u                    ? &slab_lock_class_none_ \
     : ((f)&0xFFu) == SLAB_LOCK_IRQ       ? &slab_lock_class_irq_  \
     : ((f)&0xFFu) == SLAB_LOCK_SPIN_BIT_ ? &slab_lock_class_spin_ \
                                          : &slab_lock_class_basepri_)
#if defined(__GNUC__) && !defined(SLAB_NO_CLASS_SELECT)
#define slab_cache_create(out, obj_size, obj_align, slab_size, flags)                                        \
    (__builtin_constant_p(flags) ? slab_cache_create_in_((out), (obj_size), (obj_align), (slab_size), (flags), \
                                                         SLAB_LOCK_CLASS_OF_(flags))                          \
                                 : (slab_cache_create)((out), (obj_size), (obj_align), (slab_size), (flags)))
#endif

/**
 * @brief Gives every page of the cache back to the hook.
 *
 * Refused with SLAB_EBUSY while objects are allocated (nothing changes).
 * If slab_page_free() fails for a page, the cache stays valid with that page,
 * and SLAB_EHOOKFREE is returned: call destroy again later. The master is
 * given back last, so the cache is gone only when SLAB_OK is returned.
 *
 * The caller guarantees no other context uses the cache during this call.
 * Thread context only. O(1): an idle cache holds at most the master and a spare.
 * @param cache  the cache
 * @retval SLAB_OK            the cache is gone
 * @retval SLAB_EINVAL        cache is NULL
 * @retval SLAB_EBUSY         objects are still allocated
 * @retval SLAB_EHOOKFREE     slab_page_free() failed: the cache stays, call again
 * @retval SLAB_EBADPTR       not a cache
 * @retval SLAB_ESECRET       made under another slab_secret (slab/hooks.h)
 * @retval SLAB_EUNSUPPORTED  a cache made by the C++ front (it ends with its
 *                            last handle), or a static one (slab/static.h)
 */
slab_status slab_cache_destroy(slab_cache *cache);

/**
 * @brief An object of the cache.
 *
 * Contents are unspecified. O(1); may call slab_page_alloc() once.
 * @param cache  the cache
 * @return a slot of the cache's object size and alignment, or NULL when a new
 *         slab was needed and the hook gave none (or a misaligned one).
 *         slab_alloc_status() tells why.
 */
void *slab_alloc(slab_cache *cache);

/**
 * @brief As slab_alloc(), and tells why it returned NULL.
 *
 * The cache argument is trusted: only NULL is detected. O(1).
 * @param cache        the cache
 * @param[out] status  if not NULL: SLAB_OK on success, else SLAB_EINVAL (NULL
 *                     cache), SLAB_ENOMEM, SLAB_EHOOKALIGN, SLAB_EHOOKDUP (the
 *                     hook handed out a page that is a live slab: not used) or
 *                     SLAB_EUNSUPPORTED (a lock kind not built for this target).
 * @return the object, or NULL.
 */
void *slab_alloc_status(slab_cache *cache, slab_status *status);

/**
 * @file
 * @anchor slab_refusals
 * @par What every build refuses
 * No option needed; docs/hardening.md. A free of
 * anything that is not a live slot of the cache it leads to returns its own
 * status, is reported once through the cache's report hook when the pointer
 * leads to a genuine slab header, and changes nothing:
 * - SLAB_EDOUBLEFREE: the slot is free already (A, A or A, B, A)
 * - SLAB_ENOTSLOT: not the start of a slot (an interior pointer)
 * - SLAB_EHEADER: the slab's header, slot map, control block or lock
 * - SLAB_ENEVERALLOC: a slot that was never handed out
 * - SLAB_EWRONGCACHE: slab_cache_free() of another cache's object
 * - SLAB_EBADPTR: no genuine slab header where the pointer leads (not
 *   reported: no cache is known)
 *
 * The allocator never reads an object's bytes, so a write after free cannot
 * make slab_alloc() return a live slot or memory outside the slab's slots;
 * and object bytes cannot pass for a slab header without the program's
 * secret (slab/hooks.h, slab_secret).
 *
 * What stays the caller's duty: a stale pointer freed after its page went
 * back to the hook and was taken again by a cache, onto a slot that is live
 * again, cannot be told from a genuine free (slab_cache_free() at least
 * refuses it when the page now belongs to another cache); writes into the
 * allocator's own metadata are not detected on the fast path.
 */

/**
 * @brief Frees an object of any cache whose slab size is at most
 * SLAB_DEFAULT_SLAB_SIZE, finding its slab by masking the address.
 *
 * The default size's mask first (the inline path); an object of a cache with
 * smaller slabs is found by the smaller masks, which read only inside the
 * SLAB_DEFAULT_SLAB_SIZE block around it (a few more header reads, out of
 * line). Objects of caches with larger slabs are refused with
 * SLAB_ESLABSIZEFREE when the masked address holds their slab's genuine
 * header (the object lies in its first SLAB_DEFAULT_SLAB_SIZE bytes), and
 * otherwise with SLAB_EBADPTR; never freed into the wrong slab. Use
 * slab_cache_free() for those.
 * A small block of a slab_heap (slab/heap.h: one of its size classes) is
 * refused with SLAB_EHEAPBLOCK and left as it was (its heap's lock and
 * counters are not this call's to take); slab_heap_free() frees it. A large
 * block (a page of its own, no slab header) is refused with SLAB_EBADPTR.
 * The heap's report hook is not called.
 * Every refusal changes nothing: @ref slab_refusals "What every build refuses".
 *
 * O(1); may call slab_page_free() once.
 * @param obj  the object
 * @retval SLAB_OK             freed
 * @retval SLAB_EINVAL         obj is NULL
 * @retval SLAB_EBADPTR        no genuine slab header where obj leads
 * @retval SLAB_ESLABSIZEFREE  an object of a cache with slabs larger than the default
 * @retval SLAB_EHEAPBLOCK     a small block of a slab_heap
 * @retval SLAB_EDOUBLEFREE    the slot is free already
 * @retval SLAB_ENOTSLOT       not the start of a slot
 * @retval SLAB_EHEADER        into the slab's own bytes
 * @retval SLAB_ENEVERALLOC    a slot that was never handed out
 * @retval SLAB_EHOOKFREE      object freed, but an empty slab could not be
 *                             given back: it stays with the cache
 * @retval SLAB_EUNSUPPORTED   a lock kind not built for this target
 * @retval SLAB_EREDZONE       checked mode: reported, the object is freed
 */
SLAB_NODISCARD slab_status slab_free(void *obj);

/**
 * @brief Frees an object of `cache` (any slab size), checking that it belongs to it.
 *
 * An object of the cache costs one header read when the cache's slabs are at
 * most SLAB_DEFAULT_SLAB_SIZE. Otherwise, and to tell another cache's object
 * (SLAB_EWRONGCACHE) from a foreign pointer (SLAB_EBADPTR), it reads the
 * headers at obj's masks from SLAB_MIN_SLAB_SIZE up, so that no read leaves
 * obj's own slab (at most log2(SLAB_MAX_SLAB_SIZE / SLAB_MIN_SLAB_SIZE) + 1
 * reads).
 * @param cache  the cache obj belongs to
 * @param obj    the object
 * @return as slab_free(), plus SLAB_EWRONGCACHE (obj belongs to another
 *         cache), and SLAB_EINVAL, SLAB_EBADPTR or SLAB_ESECRET for the cache
 *         (as slab_cache_destroy()); never SLAB_ESLABSIZEFREE.
 */
SLAB_NODISCARD slab_status slab_cache_free(slab_cache *cache, void *obj);

/**
 * @brief Report hook of a cache (slab_cache_set_error_handler()).
 *
 * Called once for every misuse the library detects on a cache it
 * can name (the refusals above, slab_cache_free() with a foreign or another
 * cache's pointer, checked-mode reports), with the cache's lock held: it must
 * not call into the same cache. The call that detected the misuse still
 * returns the same status. A slab_free() of a pointer whose slab header is
 * not genuine has no cache to report to: only its status tells.
 * Arguments: the ctx given with the hook, the cache, the status, and the
 * pointer refused.
 */
typedef void (*slab_error_fn)(void *ctx, slab_cache *cache, slab_status status, void *ptr);

/**
 * @brief Sets (fn non-NULL) or clears (fn NULL) the cache's report hook.
 *
 * Thread context.
 * @param cache  the cache
 * @param fn     the hook, or NULL
 * @param ctx    passed to fn
 * @retval SLAB_OK            done
 * @retval SLAB_EINVAL        NULL cache
 * @retval SLAB_EBADPTR       not a cache
 * @retval SLAB_ESECRET       made under another slab_secret
 * @retval SLAB_EUNSUPPORTED  a lock kind not built for this target
 */
slab_status slab_cache_set_error_handler(slab_cache *cache, slab_error_fn fn, void *ctx);

/**
 * @brief Fills *out with the cache's counters. O(1).
 * @param cache     the cache
 * @param[out] out  its counters
 * @retval SLAB_OK            done
 * @retval SLAB_EINVAL        NULL argument
 * @retval SLAB_EBADPTR       not a cache
 * @retval SLAB_ESECRET       made under another slab_secret
 * @retval SLAB_EUNSUPPORTED  a lock kind not built for this target
 */
slab_status slab_cache_stats(const slab_cache *cache, slab_stats *out);

/**
 * @brief Restarts the high-water marks (objs_peak, slabs_peak) at the current values.
 *
 * O(1).
 * @param cache  the cache
 * @retval SLAB_OK            done
 * @retval SLAB_EINVAL        NULL cache
 * @retval SLAB_EBADPTR       not a cache
 * @retval SLAB_ESECRET       made under another slab_secret
 * @retval SLAB_EUNSUPPORTED  a lock kind not built for this target
 */
slab_status slab_cache_reset_peak(slab_cache *cache);

/**
 * @brief Constant-time sanity check of the control block (magic, counters
 * within bounds).
 *
 * Takes no lock: call it where no other context uses the cache.
 * @param cache  the cache
 * @retval SLAB_OK        it holds
 * @retval SLAB_EINVAL    NULL cache
 * @retval SLAB_EBADPTR   not a cache
 * @retval SLAB_ECORRUPT  an invariant does not hold
 */
slab_status slab_cache_check(const slab_cache *cache);

/**
 * @brief Full walk of every slab and free slot.
 *
 * Every counting invariant of
 * include/slab/detail/slab_page.hpp and include/slab/detail/cache.hpp is
 * verified; full slabs (on no list) are verified through the counts, and a
 * full master whole. O(slabs with a free slot + free slots).
 * Takes no lock.
 * @param cache  the cache
 * @retval SLAB_OK        every invariant holds
 * @retval SLAB_EINVAL    NULL cache
 * @retval SLAB_EBADPTR   not a cache
 * @retval SLAB_ECORRUPT  an invariant does not hold
 */
slab_status slab_cache_validate(const slab_cache *cache);

/* ---- RTOS integration: your own lock, your own pages, waiting ----------- */

/**
 * @brief A lock the program supplies (an RTOS critical section, a mutex, a
 * BASEPRI mask of its own).
 *
 * Every operation on the cache calls lock() once, then
 * unlock() once with the token lock() returned (a saved interrupt mask, or
 * 0). Page hooks called by an alloc or a free run under it, as with the
 * built-in locks. Must nest where the program nests calls (an ISR that
 * interrupts a task holding it must not deadlock: FreeRTOS's
 * taskENTER_CRITICAL_FROM_ISR is such a lock; hooks/freertos/).
 */
typedef struct slab_lock_ops {
    unsigned long (*lock)(void *ctx);                /**< returns a token that unlock gets back */
    void (*unlock)(void *ctx, unsigned long token);  /**< releases the lock, given lock()'s token */
    void *ctx;                                       /**< passed to both */
} slab_lock_ops;

/**
 * @brief A page source of one cache, instead of the global slab_page_alloc() and
 * slab_page_free() hooks (slab/hooks.h).
 *
 * The same contract, with a context,
 * so that one program can have caches over DMA-capable RAM, TCM and external
 * RAM at once (hooks/buffer_pages: buffer_pool_page_alloc() and
 * buffer_pool_page_free(), with the pool as ctx). The master page
 * comes from it too. The struct is not copied: it must outlive the cache
 * (a static const struct, typically).
 */
typedef struct slab_page_source {
    void *(*alloc)(void *ctx, size_t size, size_t align);          /**< as slab_page_alloc() */
    int (*free)(void *ctx, void *page, size_t size, size_t align); /**< as slab_page_free() */
    void *ctx;                                                     /**< passed to both */
} slab_page_source;

/**
 * @brief Every way to make a cache (slab_cache_create_ex()).
 *
 * Fields as slab_cache_create()'s arguments, and the lock and the pages.
 */
typedef struct slab_cache_config {
    size_t obj_size;  /**< as slab_cache_create() */
    size_t obj_align; /**< as slab_cache_create() */
    size_t slab_size; /**< as slab_cache_create() */
    unsigned flags;   /**< as slab_cache_create() */
    /** NULL: the built-in lock of `flags`; else copied, and flags must
     *  carry no lock bit (SLAB_EINVAL). */
    const slab_lock_ops *lock;
    /** NULL: the global hooks; else that source (kept by pointer). */
    const slab_page_source *pages;
} slab_cache_config;
/**
 * @brief Creates a cache as *config says.
 * @param[out] out  as slab_cache_create()
 * @param config    the cache's shape, lock and page source
 * @return as slab_cache_create(); SLAB_EINVAL also for a NULL config, a lock
 *         with lock flags, or a NULL member of lock or pages.
 */
slab_status slab_cache_create_ex(slab_cache **out, const slab_cache_config *config);

/**
 * @brief A cache whose every operation takes the program's lock.
 * @param[out] out   as slab_cache_create()
 * @param obj_size   as slab_cache_create()
 * @param obj_align  as slab_cache_create()
 * @param slab_size  as slab_cache_create()
 * @param ops        the lock; *ops is copied.
 * @return as slab_cache_create(), SLAB_EINVAL for NULL ops or a NULL member.
 */
slab_status slab_cache_create_with_lock(slab_cache **out, size_t obj_size, size_t obj_align,
                                        size_t slab_size, const slab_lock_ops *ops);

/**
 * @brief Waiting for a free slot, through an interface the program supplies
 * (one per cache; hooks/freertos/ has FreeRTOS's).
 *
 * Called without the cache's lock.
 */
typedef struct slab_wait_ops {
    /** Block until wake() or until `ticks` run out; return 0
     *  when woken, with ticks lowered by the time waited,
     *  non-zero on timeout. A wake() that comes before the
     *  wait() must not be lost (a semaphore, a notification). */
    int (*wait)(void *ctx, uint32_t *ticks);
    /** Wake one waiter (the highest-priority one if the RTOS
     *  orders its waiters). May be called from an ISR (a free
     *  in an ISR): tell it apart there. */
    void (*wake)(void *ctx);
    /** Non-zero in interrupt context, where nothing waits.
     *  NULL: never in an ISR (on Cortex-M, IPSR is read too). */
    int (*in_isr)(void *ctx);
    void *ctx; /**< passed to all three */
} slab_wait_ops;

/** @brief Waits forever (slab_alloc_wait()). */
#define SLAB_WAIT_FOREVER 0xFFFFFFFFu

/**
 * @brief Sets (ops non-NULL, kept by pointer: it must outlive the cache) or
 * clears the cache's wait interface.
 *
 * Set it before other contexts use the cache.
 * @param cache  the cache
 * @param ops    the interface, or NULL
 * @retval SLAB_OK            done
 * @retval SLAB_EINVAL        NULL cache, or a NULL wait/wake
 * @retval SLAB_EBADPTR       not a cache
 * @retval SLAB_ESECRET       made under another slab_secret
 * @retval SLAB_EUNSUPPORTED  a lock kind not built for this target
 */
slab_status slab_cache_set_wait(slab_cache *cache, const slab_wait_ops *ops);

/**
 * @brief As slab_alloc(); when the cache has no free slot and the page source
 * gives no page, waits until an object is freed or `timeout` ticks pass.
 *
 * Returns at once, as slab_alloc(), in an ISR,
 * with timeout 0, or without a wait interface. A free that makes room wakes
 * exactly one waiter; a waiter that gets the slot and sees room for more
 * wakes the next.
 * A finite timeout bounds the call whatever the wait interface reports: each
 * wait() spends at least one tick of it, so an interface that reports
 * wake-ups with no free (or never lowers *ticks) ends after `timeout` waits.
 * @param cache    the cache
 * @param timeout  ticks (SLAB_WAIT_FOREVER: no limit)
 * @return the object, or NULL (slab_alloc_wait_status() tells why).
 */
void *slab_alloc_wait(slab_cache *cache, uint32_t timeout);
/**
 * @brief As slab_alloc_wait(), and tells why it returned NULL.
 * @param cache        the cache
 * @param timeout      ticks (SLAB_WAIT_FOREVER: no limit)
 * @param[out] status  if not NULL: SLAB_OK, SLAB_ETIMEDOUT (waited `timeout`
 *                     ticks), or slab_alloc_status()'s reasons.
 * @return the object, or NULL.
 */
void *slab_alloc_wait_status(slab_cache *cache, uint32_t timeout, slab_status *status);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SLAB_SLAB_H */
