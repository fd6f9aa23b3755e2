/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief libslab heap: malloc over size-class slab caches (docs/heap.md).
 *
 * A heap serves blocks of any size with no size at free time:
 * - small sizes (up to slab_heap_max_small(): 1792 B with 4 KiB slabs on
 *   x86-64) from one slab cache per size class, all on slabs of
 *   SLAB_DEFAULT_SLAB_SIZE (D). Classes: multiples of alignof(max_align_t)
 *   up to 64 B, then quarter-power-of-two steps (80, 96, 112, 128, 160, ...):
 *   at most 25% internal waste above 64 B. A class exists while a slave
 *   slab holds at least 2 of its slots.
 * - large sizes straight from slab_page_alloc(): one page of the next power
 *   of two (at least D) per block, with a header at its base (a block
 *   aligned to more than two words: D above it), and an entry in the
 *   heap's table of live large blocks, which every large free checks:
 *   a header forged in memory names nothing the heap handed out.
 *
 * slab_heap_free() finds everything from the pointer in O(1): the header at
 * the pointer's D-mask is either a genuine slab header of one of the heap's
 * class caches, or a genuine large-block header. Every refusal changes
 * nothing and is told by a distinct status (and through the heap's report
 * hook when the heap is known).
 *
 * Control data lives in a page taken from the hook at creation (and in the
 * class caches' master slabs, taken on first use of a class): no static RAM.
 *
 * Locking: one lock per heap (flags as for caches: 0, SLAB_LOCK_SPIN,
 * SLAB_LOCK_IRQ), taken once per call. The page hooks are called with it
 * held (class slabs and large pages alike), as caches do.
 *
 * Complexity: every call is O(1) in the number of live blocks and pages;
 * create, destroy, stats, trim and validate are O(number of classes) (a
 * constant of the build), validate also O(slabs).
 */
#ifndef SLAB_HEAP_H
#define SLAB_HEAP_H

#include <stddef.h>

#include "slab/slab.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A heap. Opaque; lives in a page from slab_page_alloc(). */
typedef struct slab_heap slab_heap;

/**
 * @brief Counters of one heap, filled by slab_heap_stats(). All size_t.
 * "Grows only" counters are never reset.
 */
typedef struct slab_heap_usage {
    size_t bytes_in_use;    /**< sum of slab_heap_usable_size() over live blocks */
    size_t bytes_peak;      /**< high-water mark of bytes_in_use (slab_heap_reset_peak restarts it) */
    size_t blocks_in_use;   /**< live blocks, small and large */
    size_t pages;           /**< pages held from the hook now: the heap's own, class slabs, large pages */
    size_t page_bytes;      /**< their total size */
    size_t page_bytes_peak; /**< high-water mark of page_bytes (slab_heap_reset_peak restarts it) */
    size_t hook_failures;   /**< NULL, misaligned or duplicate pages, refused page frees (grows only) */
    /* Beyond the minimum: */
    size_t allocs;          /**< blocks handed out (alloc, calloc, aligned, realloc's new blocks; grows only) */
    size_t frees;           /**< blocks taken back (free, realloc's old blocks; grows only) */
    size_t large_blocks;    /**< live blocks served by their own page */
    size_t classes_live;    /**< class caches created (each holds at least its master slab) */
} slab_heap_usage;

/**
 * @brief Report hook of a heap (slab_heap_set_error_handler()).
 *
 * Called, with the heap's lock held, for every misuse
 * detected on a pointer whose heap is known (a refused free or realloc, and
 * checked-mode poison and red-zone reports). It must not call into the
 * heap. The call that detected the misuse still returns its status.
 * Arguments: the ctx given with the hook, the heap, the status, and the
 * pointer refused.
 */
typedef void (*slab_heap_error_fn)(void *ctx, slab_heap *heap, slab_status status, void *ptr);

/**
 * @brief Creates a heap.
 *
 * Takes one page (the control block) from
 * slab_page_alloc(P, P), P = the smallest power of two >= SLAB_MIN_SLAB_SIZE
 * that holds it (256 B on 32-bit ARM, 512 B on x86-64). Class caches are
 * created on first use.
 * Thread context. O(classes).
 * @param[out] out  the heap; untouched on error
 * @param flags     0, SLAB_LOCK_SPIN, SLAB_LOCK_IRQ or SLAB_LOCK_BASEPRI(prio) (as
 *                  slab_cache_create).
 * @retval SLAB_OK            the heap is in *out
 * @retval SLAB_EINVAL        out NULL, unknown or conflicting flags
 * @retval SLAB_EUNSUPPORTED  lock kind not on this target
 * @retval SLAB_ENOMEM        no page from the hook
 * @retval SLAB_EHOOKALIGN    the hook returned a misaligned page (given back)
 * @retval SLAB_EHOOKDUP      the hook returned a live heap's page (not used)
 */
slab_status slab_heap_create(slab_heap **out, unsigned flags);

/**
 * @brief Every way to make a heap (slab_heap_create_ex(); slab/slab.h:
 * slab_cache_config for caches).
 */
typedef struct slab_heap_config {
    unsigned flags; /**< as slab_heap_create(), plus SLAB_LOCK_BASEPRI(prio) */
    /** NULL: the built-in lock of flags; else the program's lock, copied
     *  (flags must then be 0). Every heap call takes it once. */
    const slab_lock_ops *lock;
    /** NULL: the global hooks; else every page of the heap (its control
     *  block, its class caches' slabs, its large blocks) comes from and
     *  goes back to that source (kept by pointer: it must outlive the
     *  heap). One heap per memory region. */
    const slab_page_source *pages;
} slab_heap_config;
/**
 * @brief Creates a heap as *config says.
 * @param[out] out  as slab_heap_create()
 * @param config    the heap's lock and page source
 * @return as slab_heap_create(), SLAB_EINVAL for a NULL config, a lock with
 *         lock flags or a NULL member of lock or pages.
 */
slab_status slab_heap_create_ex(slab_heap **out, const slab_heap_config *config);

/**
 * @brief Gives every page back: class caches, large pages the hook refused
 * before, then the control page.
 *
 * Refused with SLAB_EBUSY while blocks are live
 * (nothing changes). On SLAB_EHOOKFREE the heap stays valid with the pages
 * the hook refused: call it again later.
 * The caller guarantees no other context uses the heap during the call.
 * @param heap  the heap
 * @retval SLAB_OK         the heap is gone
 * @retval SLAB_EINVAL     NULL
 * @retval SLAB_EBADPTR    not a heap
 * @retval SLAB_ESECRET    a heap made under another slab_secret
 * @retval SLAB_EBUSY      blocks are live
 * @retval SLAB_EHOOKFREE  the hook refused a page: call again later
 */
slab_status slab_heap_destroy(slab_heap *heap);

/**
 * @brief A block of at least `size` bytes aligned to alignof(max_align_t) (16
 * on x86-64, 8 on Cortex-M).
 *
 * size 0 gives
 * a unique block of the smallest class (never NULL for want of a size).
 * Contents are unspecified.
 * @param heap  the heap
 * @param size  bytes
 * @return the block, or NULL (heap NULL, size larger than the largest
 *         page, SLAB_MAX_SLAB_SIZE, allows, or no page from the hook).
 */
void *slab_heap_alloc(slab_heap *heap, size_t size);

/**
 * @brief As slab_heap_alloc, aligned to `align`.
 *
 * Small blocks come from a class whose slot stride
 * is a multiple of align, else a large page. size need not be a multiple of
 * align.
 * @param heap   the heap
 * @param align  any power of two up to SLAB_MAX_SLAB_SIZE / 2
 * @param size   bytes
 * @return the block, or NULL as slab_heap_alloc(), and when align is 0 or
 *         not a power of two.
 */
void *slab_heap_aligned_alloc(slab_heap *heap, size_t align, size_t size);

/**
 * @brief A zeroed block of n * size bytes.
 * @param heap  the heap
 * @param n     elements
 * @param size  bytes of one element
 * @return the block, or NULL as slab_heap_alloc(), and when n * size overflows.
 */
void *slab_heap_calloc(slab_heap *heap, size_t n, size_t size);

/**
 * @brief C realloc on `heap`.
 *
 * | case                            | result |
 * | ------------------------------- | ------ |
 * | ptr NULL                        | slab_heap_alloc(heap, size) |
 * | size fits in place              | ptr (same class; or same page size for a large block) |
 * | otherwise                       | a new block (alignof(max_align_t)), the first min(usable, size) bytes copied, ptr freed |
 * | no memory                       | NULL and ptr untouched; except a shrink, which then keeps ptr and returns it |
 * | size 0                          | as size 1: a minimal block (never frees-and-NULL) |
 * | ptr not a live block of this heap | NULL, ptr untouched, reported as slab_heap_free would (SLAB_EWRONGCACHE when it is another heap's; SLAB_EBADPTR for an address shaped like a large block that this heap's table does not hold: its page is not read, as slab_heap_free_in()) |
 *
 * @param heap  the heap
 * @param ptr   a block of the heap, or NULL
 * @param size  bytes
 * @return the block, as above.
 */
void *slab_heap_realloc(slab_heap *heap, void *ptr, size_t size);

/**
 * @brief Frees a block of any heap, found from the pointer alone (no heap, no
 * size).
 *
 * NULL is SLAB_OK and does nothing. Every refusal changes nothing.
 * The first four refusals below are also reported through the heap's report
 * hook.
 *
 * Reads only the D-byte block the pointer lies in (a pointer that is a
 * multiple of D: the D bytes below it), and nothing for an address where no
 * page can lie (slab/config.h, SLAB_ADDR_MIN/END). That block may be a page
 * given back: a block freed twice after its page went back to a source
 * that unmaps pages faults here; slab_heap_free_in() refuses large ones.
 * A large block is freed only when the heap's table holds it (else
 * SLAB_EBADPTR, reported). O(1); may call slab_page_free().
 * @param ptr  the block, or NULL
 * @retval SLAB_OK           freed (or ptr NULL)
 * @retval SLAB_EDOUBLEFREE  the block is free already (small; large while its
 *                           page still holds the freed or the gone mark, which
 *                           carries no secret)
 * @retval SLAB_ENOTSLOT     inside a block, not at its start
 * @retval SLAB_EHEADER      into a slab's or a large page's own bytes
 * @retval SLAB_ENEVERALLOC  a slot that was never handed out
 * @retval SLAB_EWRONGCACHE  an object of a libslab cache that is not a heap's
 * @retval SLAB_EBADPTR      no genuine header where the pointer leads (foreign,
 *                           stale, forged; addresses below D)
 * @retval SLAB_EHOOKFREE    the block was freed, but a page could not be given
 *                           back (it stays with the heap, offered again by trim
 *                           or destroy)
 */
slab_status slab_heap_free(void *ptr);

/**
 * @brief Bytes usable at ptr (>= the size asked). O(1).
 * @param ptr  a block
 * @return the bytes, 0 for NULL or a pointer that is not a live block.
 */
size_t slab_heap_usable_size(const void *ptr);

/**
 * @brief As slab_heap_free(), for a block of `heap`, and reading no page the
 * heap does not hold.
 *
 * A large block is found in the heap's own table of its live
 * large blocks before anything in its page is read, so a large block freed
 * twice after its page went back to a source that unmapped it is refused
 * (SLAB_EBADPTR), not a fault. (A small block is found, as always, by the
 * slab header in its own SLAB_DEFAULT_SLAB_SIZE block: docs/hardening.md
 * lists the pointers that may still fault.) The drop-in malloc, the C++
 * HeapAllocator and the pmr resource free through this call.
 * O(1) (expected, for large blocks: a hash lookup); may call slab_page_free().
 * @param heap  the heap
 * @param ptr   the block, or NULL
 * @return as slab_heap_free(), plus SLAB_EINVAL/SLAB_EBADPTR/SLAB_ESECRET
 *         for the heap, SLAB_EWRONGCACHE for another heap's small block, and
 *         SLAB_EBADPTR for an address shaped like a large block that is not
 *         live in this heap (freed already, or another heap's: its page is
 *         not read).
 */
slab_status slab_heap_free_in(slab_heap *heap, void *ptr);

/**
 * @brief As slab_heap_usable_size(), for a block of `heap`, with the same
 * reads as slab_heap_free_in().
 * @param heap  the heap
 * @param ptr   a block
 * @return the bytes, 0 for a pointer that is not a live block of it.
 */
size_t slab_heap_usable_size_in(const slab_heap *heap, const void *ptr);

/**
 * @brief Fills *out with the heap's counters.
 * @param heap      the heap
 * @param[out] out  its counters
 * @retval SLAB_OK       done
 * @retval SLAB_EINVAL   NULL
 * @retval SLAB_EBADPTR  not a heap
 * @retval SLAB_ESECRET  a heap made under another slab_secret: slab/hooks.h;
 *                       every call that takes a heap says so
 */
slab_status slab_heap_stats(const slab_heap *heap, slab_heap_usage *out);

/**
 * @brief Restarts bytes_peak and page_bytes_peak at the current values.
 * @param heap  the heap
 * @retval SLAB_OK       done
 * @retval SLAB_EINVAL   NULL
 * @retval SLAB_EBADPTR  not a heap
 * @retval SLAB_ESECRET  a heap made under another slab_secret
 */
slab_status slab_heap_reset_peak(slab_heap *heap);

/**
 * @brief Sets (fn non-NULL) or clears the report hook.
 * @param heap  the heap
 * @param fn    the hook, or NULL
 * @param ctx   passed to fn
 * @retval SLAB_OK       done
 * @retval SLAB_EINVAL   NULL heap
 * @retval SLAB_EBADPTR  not a heap
 * @retval SLAB_ESECRET  a heap made under another slab_secret
 */
slab_status slab_heap_set_error_handler(slab_heap *heap, slab_heap_error_fn fn, void *ctx);

/**
 * @brief Gives back what no live block needs: every class cache with no live
 * block (its master and spare slab), and large pages the hook refused before.
 * With magazines (slab_heap_use_cores()), the calling core's go back first.
 *
 * Class caches come back on the next allocation of their class.
 * @param heap  the heap
 * @retval SLAB_OK         done
 * @retval SLAB_EINVAL     NULL
 * @retval SLAB_EBADPTR    not a heap
 * @retval SLAB_ESECRET    a heap made under another slab_secret
 * @retval SLAB_EHOOKFREE  the hook refused a page (it stays with the heap)
 */
slab_status slab_heap_trim(slab_heap *heap);

/**
 * @brief Full check: every class cache's invariants (slab_cache_validate), and
 * the heap's counters against them.
 *
 * Takes no lock.
 * @param heap  the heap
 * @retval SLAB_OK        every invariant holds
 * @retval SLAB_EINVAL    NULL
 * @retval SLAB_EBADPTR   not a heap
 * @retval SLAB_ESECRET   a heap made under another slab_secret
 * @retval SLAB_ECORRUPT  an invariant does not hold
 */
slab_status slab_heap_validate(const slab_heap *heap);

/**
 * @brief Holds the heap's lock from outside, e.g. around fork() so the
 * child finds it free (pthread_atfork).
 *
 * Spin-locked and unlocked heaps only (an unlocked heap: nothing to hold).
 * @param heap  the heap
 * @retval SLAB_OK            held
 * @retval SLAB_EINVAL        NULL
 * @retval SLAB_EBADPTR       not a heap
 * @retval SLAB_ESECRET       a heap made under another slab_secret
 * @retval SLAB_EUNSUPPORTED  another lock than a spin lock: IRQ, BASEPRI or the
 *                            program's
 */
slab_status slab_heap_acquire(slab_heap *heap);
/**
 * @brief Releases the lock slab_heap_acquire() holds.
 * @param heap  the heap
 * @return as slab_heap_acquire().
 */
slab_status slab_heap_release(slab_heap *heap);

/**
 * @brief Where a heap keeps the calling core's magazines
 * (slab_heap_use_cores()), supplied by the program like its lock.
 *
 * enter() returns the calling core's slot: a pointer-sized word that
 * belongs to this core (or thread) alone for this heap, NULL at first,
 * which the heap fills and reads; it never returns NULL. Between enter()
 * and leave() the caller must stay on that core and no other context may
 * use the slot: on an SMP RTOS, mask the local interrupts or the scheduler
 * in enter() and restore them in leave() (the token carries the state). A
 * host's threads: a thread-local slot, and leave NULL.
 *   - a host: the address of a `static __thread void *` slot;
 *   - RP2040/RP2350: PRIMASK saved in the token and interrupts masked, then
 *     the address of the slot of core SIO->CPUID;
 *   - FreeRTOS SMP: the token from taskENTER_CRITICAL_FROM_ISR(), then the
 *     address of the slot of core portGET_CORE_ID().
 * docs/heap.md, "Several cores", has the whole of each.
 */
typedef struct slab_core_ops {
    void **(*enter)(void *ctx, unsigned long *token); /**< the calling core's slot, the core kept */
    void (*leave)(void *ctx, unsigned long token);    /**< undoes enter(); NULL: nothing to undo */
    void *ctx;                                         /**< their first argument */
    unsigned flags; /**< 0: the magazines start at once; SLAB_CORES_ON_CONTENTION */
} slab_core_ops;

/** slab_core_ops::flags: the magazines start the first time a core finds the
 *  heap's spin lock held by another (a spin-locked heap only), so that a
 *  program that never runs two allocating threads at once keeps the shorter
 *  path of a lock nobody contends (the LD_PRELOAD drop-in's choice). */
#define SLAB_CORES_ON_CONTENTION 1u

/**
 * @brief Gives each core (or thread) of the heap its own magazines: small
 * stacks of freed blocks, one per size class, that its malloc and free use
 * with no lock (Bonwick and Adams, 2001); the heap's lock is taken only to
 * exchange half a magazine with the class caches, or with the exchange,
 * where a core leaves the older half of a full magazine for the next core
 * whose magazine runs empty (a producer core and a consumer core then
 * pass blocks half a magazine at a time, under one hold of the lock).
 *
 * Every refusal holds through them: a block sitting in a magazine is marked
 * so in its slab (a second free of it: SLAB_EDOUBLEFREE, nothing changed),
 * and slab_heap_stats() stays exact for blocks in use, allocs and frees;
 * its bytes_peak counts the blocks sitting in magazines as in use (it can
 * exceed the program's true peak by at most their bytes). A magazine holds
 * about 64 KiB of its class on 64-bit machines (at least 16 and at most
 * 128 blocks), 8 blocks on 32-bit ones; the
 * heap's per-core state takes a page of SLAB_MIN_SLAB_SIZE from the heap's
 * source now, each core's magazines one page on its first use, and the
 * exchange one such page at the first half left there.
 * Call it once, before any core but the caller uses the heap. A core's or
 * thread's magazines stay until slab_heap_flush_core() on that core (a
 * thread calls it before it ends), or slab_heap_destroy(). A build with
 * SLAB_CHECKS keeps no block in a magazine (every call goes to the caches).
 * The code of the magazines is linked only into a program that calls this.
 * @param heap  the heap
 * @param ops   the program's slots, kept by pointer (it must outlive the heap)
 * @retval SLAB_OK       done
 * @retval SLAB_EINVAL   heap or ops NULL, ops->enter NULL, an unknown flag,
 *                       SLAB_CORES_ON_CONTENTION on a heap with another lock
 *                       than a spin lock, or magazines set already
 * @retval SLAB_ENOMEM   no page for the heap's per-core state
 * @retval SLAB_EBADPTR  not a heap
 * @retval SLAB_ESECRET  a heap made under another slab_secret
 */
slab_status slab_heap_use_cores(slab_heap *heap, const slab_core_ops *ops);

/**
 * @brief Gives the calling core's magazines back to the heap: their blocks
 * go back to the class caches, with those waiting in the exchange; their
 * page is kept for the next core that needs one, and the core's slot is
 * NULL again. A thread calls it before it
 * ends (its blocks would stay held otherwise); slab_heap_trim() calls it too.
 * @param heap  the heap
 * @retval SLAB_OK       done (also for a heap with no magazines)
 * @retval SLAB_EINVAL   NULL
 * @retval SLAB_EBADPTR  not a heap
 * @retval SLAB_ESECRET  a heap made under another slab_secret
 */
slab_status slab_heap_flush_core(slab_heap *heap);

/** @brief Size classes of this build. @return their count. */
size_t slab_heap_class_count(void);
/**
 * @brief Size of a class.
 * @param i  0 .. slab_heap_class_count() - 1
 * @return its bytes, 0 past the end.
 */
size_t slab_heap_class_size(size_t i);
/**
 * @brief The largest size served by a class (larger sizes get a page).
 * @return the bytes.
 */
size_t slab_heap_max_small(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SLAB_HEAP_H */
