// SPDX-License-Identifier: MIT
/// @file
/// @brief Lock policies. A cache's lock lives in its master slab, beside the control
/// block, and is taken once per operation around the whole of it.
///
/// A policy is a small default-constructible type with
/// @code
///   using token = ...;              // an integer type
///   token lock() noexcept;          // returns what unlock needs (e.g. PRIMASK)
///   void unlock(token) noexcept;
///   static constexpr uint8_t kind;  // SLAB_LOCK_KIND_CUSTOM for your own types
/// @endcode
/// and nothing virtual: the C++ front calls it directly, so with NoLock the
/// lock vanishes from the inlined fast path. A custom type is stored behind a
/// slab_lock_ops of thunks (lock_box below), so that C calls can take it too;
/// its token must fit an unsigned long.
#ifndef SLAB_LOCK_HPP
#define SLAB_LOCK_HPP

#include <stdint.h>

#include <new>
#include <type_traits>

#include "slab/detail/cache.hpp"

/// @def SLAB_HAVE_ATOMIC_EXCHANGE
/// @brief 1 where slab::SpinLock exists. ARMv6-M (Cortex-M0/M0+/M1) has no
/// LDREX/STREX: no atomic exchange exists (0).
#if defined(__ARM_ARCH_6M__)
#define SLAB_HAVE_ATOMIC_EXCHANGE 0
#else
#define SLAB_HAVE_ATOMIC_EXCHANGE 1
#endif

/// @def SLAB_HAVE_IRQ_LOCK
/// @brief 1 where slab::IrqLock exists: interrupt masking through PRIMASK
/// exists on M-profile ARM cores.
#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
#define SLAB_HAVE_IRQ_LOCK 1
#else
#define SLAB_HAVE_IRQ_LOCK 0
#endif

/// @def SLAB_HAVE_BASEPRI_LOCK
/// @brief 1 where slab::BasepriLock exists: BASEPRI exists on ARMv7-M and
/// ARMv8-M Mainline, not on ARMv6-M or ARMv8-M Baseline (Cortex-M0/M0+/M23).
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) || \
    defined(__ARM_ARCH_8_1M_MAIN__)
#define SLAB_HAVE_BASEPRI_LOCK 1
#else
#define SLAB_HAVE_BASEPRI_LOCK 0
#endif

/// @def SLAB_SPIN_YIELD
/// @brief 1: slab::SpinLock (and SLAB_LOCK_SPIN) yields the core (the sched_yield
/// system call) while a lock it waits for stays held past its backoff.
/// Default 1 on Linux on x86-64 and AArch64 (a host, where other threads may
/// hold the core the holder needs), 0 elsewhere (Cortex-M firmware: no
/// scheduler call exists; a spin lock there only backs off). 1 is an error
/// on other targets.
#ifndef SLAB_SPIN_YIELD
#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#define SLAB_SPIN_YIELD 1
#else
#define SLAB_SPIN_YIELD 0
#endif
#endif
#if SLAB_SPIN_YIELD && !(defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__)))
#error "SLAB_SPIN_YIELD=1 needs Linux on x86-64 or AArch64"
#endif

/// The C++ front of libslab.
namespace slab {

/// @brief No lock: the caller serializes every call on the cache (one thread, or one
/// context at a time). Costs nothing.
struct NoLock {
    using token = int;                                   ///< nothing to carry
    static constexpr uint8_t kind = SLAB_LOCK_KIND_NONE; ///< the kind recorded in the cache
    /// @brief Does nothing. @return 0.
    SLAB_INLINE token lock() noexcept { return 0; }
    /// @brief Does nothing.
    SLAB_INLINE void unlock(token) noexcept {}
};

/// @brief Test-and-test-and-set spin lock on one byte, for several cores or threads,
/// that backs off while it waits and, on a Linux host, yields the core.
///
/// lock() tries the byte once inline; when it is held, the out-of-line
/// contended() waits with exponential backoff: it reads the byte (no write,
/// so the waiters leave the holder's cache line alone), pauses 1, 2, 4, ...
/// up to kPauseMax times between two reads, and tries the exchange again only
/// when it reads the byte free. After kYieldAfter reads with the lock held,
/// and where SLAB_SPIN_YIELD is 1 (Linux on x86-64 and AArch64), every
/// further read is followed by a sched_yield(), so that a holder that lost
/// its core, or more threads than cores, do not leave the waiters spinning
/// through whole time slices. Not fair: a thread may take the lock again
/// before a waiter does.
///
/// Not for sharing with an interrupt handler on the same core (it would spin
/// forever on a lock its own core holds): use IrqLock there. Not on ARMv6-M
/// (SLAB_HAVE_ATOMIC_EXCHANGE 0): lock() is a compile error there.
struct SpinLock {
    using token = int;                                   ///< nothing to carry
    static constexpr uint8_t kind = SLAB_LOCK_KIND_SPIN; ///< the kind recorded in the cache
    unsigned char held = 0;                              ///< 1 while held

    /// Pauses between two reads of a held lock, at most (the backoff doubles up to it).
    static constexpr uint32_t kPauseMax = 64;
    /// Reads of a held lock before the first yield (SLAB_SPIN_YIELD): the
    /// backoff reaches kPauseMax after 7, then spins 9 more times at it.
    static constexpr uint32_t kYieldAfter = 16;

    /// @brief Takes the lock, waiting in contended() while another holds it
    /// (acquire order). @return 0.
    template <bool Available = SLAB_HAVE_ATOMIC_EXCHANGE>
    SLAB_INLINE token lock() noexcept
    {
        static_assert(Available, "slab::SpinLock needs an atomic exchange (LDREX/STREX), which ARMv6-M "
                                 "(Cortex-M0/M0+) lacks: use slab::IrqLock on a single-core M0");
        if (SLAB_UNLIKELY(__atomic_exchange_n(&held, 1, __ATOMIC_ACQUIRE) != 0)) {
            contended(&held);
        }
        return 0;
    }
    /// @brief Releases the lock (release order).
    SLAB_INLINE void unlock(token) noexcept { __atomic_store_n(&held, 0, __ATOMIC_RELEASE); }

    /// @brief The wait of lock() when the byte was held: backoff, then (SLAB_SPIN_YIELD)
    /// yields, until this thread's exchange finds the byte free (acquire order).
    /// @param byte  the lock's `held`
    static SLAB_COLD void contended(unsigned char *byte) noexcept
    {
        uint32_t pauses = 1;
        uint32_t reads = 0;
        do {
            while (__atomic_load_n(byte, __ATOMIC_RELAXED) != 0) {
                if (reads < kYieldAfter) {
                    ++reads;
                } else {
                    yield_core();
                }
                for (uint32_t i = 0; i < pauses; ++i) {
                    pause(byte);
                }
                pauses = pauses < kPauseMax ? pauses * 2u : kPauseMax;
            }
        } while (__atomic_exchange_n(byte, 1, __ATOMIC_ACQUIRE) != 0);
    }

private:
    // One step of the backoff: the core's spin-wait hint where it has one
    // (x86 PAUSE, Arm YIELD); elsewhere a relaxed read of the byte, which
    // the compiler cannot drop (an empty loop it would).
    static SLAB_INLINE void pause(const unsigned char *byte) noexcept
    {
#if defined(__x86_64__) || defined(__i386__)
        (void)byte;
        __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__ARM_ARCH) && __ARM_ARCH >= 7)
        (void)byte;
        __asm__ volatile("yield" ::: "memory");
#else
        (void)__atomic_load_n(byte, __ATOMIC_RELAXED);
#endif
    }

    // Gives the core to another thread: the sched_yield system call, made
    // inline so that the library references no libc symbol (make test-nm)
    // and stays freestanding. Nothing where SLAB_SPIN_YIELD is 0.
    static SLAB_INLINE void yield_core() noexcept
    {
#if SLAB_SPIN_YIELD && defined(__x86_64__)
        long ret = 24; // __NR_sched_yield on x86-64
        __asm__ volatile("syscall" : "+a"(ret) : : "rcx", "r11", "memory");
#elif SLAB_SPIN_YIELD && defined(__aarch64__)
        __asm__ volatile("mov x8, #124\n\tsvc #0" ::: "x0", "x8", "memory"); // __NR_sched_yield on AArch64
#endif
    }
};

#if SLAB_HAVE_IRQ_LOCK
/// @brief Masks interrupts on a Cortex-M core for the length of one operation and
/// restores the previous PRIMASK, so it nests inside code that already masked
/// them.
///
/// Safe between threads and handlers of one core; not across cores.
/// M-profile ARM only (SLAB_HAVE_IRQ_LOCK). The C front's SLAB_LOCK_IRQ is
/// the same lock.
struct IrqLock {
    using token = uint32_t;                             ///< the saved PRIMASK
    static constexpr uint8_t kind = SLAB_LOCK_KIND_IRQ; ///< the kind recorded in the cache
    /// @brief Saves PRIMASK and masks interrupts (cpsid i). @return the saved PRIMASK.
    SLAB_INLINE token lock() noexcept
    {
        uint32_t primask;
        __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
        return primask;
    }
    /// @brief Restores PRIMASK. @param primask what lock() returned
    SLAB_INLINE void unlock(token primask) noexcept { __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory"); }
};
#endif  // SLAB_HAVE_IRQ_LOCK

#if SLAB_HAVE_BASEPRI_LOCK
/// @brief Masks the interrupts whose priority value is numerically >= Prio (the
/// BASEPRI byte, as FreeRTOS's configMAX_SYSCALL_INTERRUPT_PRIORITY), for the
/// length of one operation, leaving more urgent ones running.
///
/// Restores the
/// previous BASEPRI, so it nests. BASEPRI_MAX only ever raises the mask: taken
/// inside a stricter mask, it keeps that one. Interrupts above Prio must not
/// use the cache. The C front's SLAB_LOCK_BASEPRI(prio) is the same lock.
/// ARMv7-M and ARMv8-M Mainline only (SLAB_HAVE_BASEPRI_LOCK).
/// @tparam Prio  1..255 (0 masks nothing: a compile error)
template <uint8_t Prio>
struct BasepriLock {
    static_assert(Prio != 0, "BASEPRI 0 masks nothing");
    using token = uint32_t;                                 ///< the saved BASEPRI
    static constexpr uint8_t kind = SLAB_LOCK_KIND_BASEPRI; ///< the kind recorded in the cache
    uint8_t prio = Prio; ///< Prio: read by C calls, which know the kind but not Prio
    /// @brief Raises BASEPRI to Prio. @return the previous BASEPRI.
    SLAB_INLINE token lock() noexcept { return basepri_raise(Prio); }
    /// @brief Restores BASEPRI. @param old what lock() returned
    SLAB_INLINE void unlock(token old) noexcept { basepri_set(old); }

    /// @brief Raises BASEPRI to prio (BASEPRI_MAX: never lowers it).
    /// @param prio  the priority value to mask at
    /// @return the previous BASEPRI.
    static SLAB_INLINE uint32_t basepri_raise(uint32_t prio) noexcept
    {
        uint32_t old;
        __asm__ volatile("mrs %0, basepri\n\tmsr basepri_max, %1" : "=&r"(old) : "r"(prio) : "memory");
        return old;
    }
    /// @brief Sets BASEPRI. @param old  a value basepri_raise() returned
    static SLAB_INLINE void basepri_set(uint32_t old) noexcept
    {
        __asm__ volatile("msr basepri, %0" ::"r"(old) : "memory");
    }
};

namespace detail {
// The BASEPRI lock as C calls take it: the priority read from the lock's
// byte (every BasepriLock<P> has this layout).
struct BasepriAny {
    using token = uint32_t;
    static constexpr uint8_t kind = SLAB_LOCK_KIND_BASEPRI;
    uint8_t prio;
    SLAB_INLINE token lock() noexcept { return BasepriLock<1>::basepri_raise(prio); }
    SLAB_INLINE void unlock(token old) noexcept { BasepriLock<1>::basepri_set(old); }
};
}  // namespace detail
#endif  // SLAB_HAVE_BASEPRI_LOCK

namespace detail {
// A lock the program supplies through slab_lock_ops (C), or the thunks of a
// C++ lock type (lock_box): one indirect call each way.
struct OpsLock {
    using token = unsigned long;
    static constexpr uint8_t kind = SLAB_LOCK_KIND_OPS;
    slab_lock_ops ops;
    SLAB_INLINE token lock() noexcept { return ops.lock(ops.ctx); }
    SLAB_INLINE void unlock(token t) noexcept { ops.unlock(ops.ctx, t); }
};

// How a C++ custom lock type L is stored in the master: its thunks first, so
// a C call takes it as an OpsLock; the C++ front calls `lock` directly.
template <class L>
struct lock_box {
    slab_lock_ops ops;
    L lock;
    static unsigned long lock_thunk(void *ctx) { return (unsigned long)static_cast<L *>(ctx)->lock(); }
    static void unlock_thunk(void *ctx, unsigned long t)
    {
        static_cast<L *>(ctx)->unlock(static_cast<typename L::token>(t));
    }
    lock_box() noexcept : ops{&lock_thunk, &unlock_thunk, &lock} {}
    static_assert(std::is_integral<typename L::token>::value && sizeof(typename L::token) <= sizeof(unsigned long),
                  "a custom lock's token must be an integer that fits an unsigned long (C calls carry it)");
};
template <class L>
constexpr bool kBoxed = L::kind == SLAB_LOCK_KIND_CUSTOM;
template <class L>
using stored_lock = typename std::conditional<kBoxed<L>, lock_box<L>, L>::type;
// A cache made with L records no lock: its inline paths read the no-lock
// fields (slab/detail/cache.hpp, fast_nolock and recip_nolock).
template <class L>
constexpr bool kNoLock = L::kind == SLAB_LOCK_KIND_NONE;
}  // namespace detail

namespace detail {
// The lock a creation asks for, checked once for caches (src/c_api.cpp) and
// heaps (src/heap.cpp): the program's ops (flags must then be 0), or the
// built-in kind of slab_cache_create's flags (and BASEPRI's priority in
// *prio). SLAB_EINVAL for unknown bits, two kinds, BASEPRI 0, a NULL member
// of ops or src; SLAB_EUNSUPPORTED for a kind not built for this target. On
// SLAB_OK *kind is one this target builds.
inline slab_status lock_choice(unsigned flags, const slab_lock_ops *ops, const slab_page_source *src,
                               uint8_t *kind, uint8_t *prio) noexcept
{
    *prio = 0;
    if (src != nullptr && (src->alloc == nullptr || src->free == nullptr)) {
        return SLAB_EINVAL;
    }
    if (ops != nullptr) {
        *kind = SLAB_LOCK_KIND_OPS;
        return flags != 0 || ops->lock == nullptr || ops->unlock == nullptr ? SLAB_EINVAL : SLAB_OK;
    }
    bool built = true;
    switch (flags & 0xFFu) {
    case 0:
        *kind = SLAB_LOCK_KIND_NONE;
        return flags == 0 ? SLAB_OK : SLAB_EINVAL;
    case SLAB_LOCK_SPIN_BIT_: // (SLAB_LOCK_SPIN is a compile error on ARMv6-M)
        *kind = SLAB_LOCK_KIND_SPIN;
        built = SLAB_HAVE_ATOMIC_EXCHANGE;
        break;
    case SLAB_LOCK_IRQ:
        *kind = SLAB_LOCK_KIND_IRQ;
        built = SLAB_HAVE_IRQ_LOCK;
        break;
    case SLAB_LOCK_BASEPRI_BIT_:
        if ((flags >> 8) == 0 || (flags >> 8) > 0xFFu) {
            return SLAB_EINVAL;
        }
        *kind = SLAB_LOCK_KIND_BASEPRI;
        *prio = static_cast<uint8_t>(flags >> 8);
        return SLAB_HAVE_BASEPRI_LOCK ? SLAB_OK : SLAB_EUNSUPPORTED;
    default:
        return SLAB_EINVAL; // unknown bits, or two lock kinds at once
    }
    if ((flags & ~0xFFu) != 0) {
        return SLAB_EINVAL;
    }
    return built ? SLAB_OK : SLAB_EUNSUPPORTED;
}
}  // namespace detail

/// @brief Holds a policy's lock for one scope.
/// @tparam Lock  a lock policy
template <class Lock>
class Guard {
public:
    /// @brief Takes the lock. @param lock  the lock, held until the Guard goes
    SLAB_INLINE explicit Guard(Lock &lock) noexcept : lock_(lock), token_(lock.lock()) {}
    /// @brief Releases the lock.
    SLAB_INLINE ~Guard() { lock_.unlock(token_); }
    Guard(const Guard &) = delete;
    Guard &operator=(const Guard &) = delete;

private:
    Lock &lock_;
    typename Lock::token token_;
};

namespace detail {
inline namespace SLAB_ABI_TAG {

template <class Lock>
SLAB_INLINE Lock &lock_of(slab_cache *c) noexcept
{
    if constexpr (kBoxed<Lock>) {
        return static_cast<lock_box<Lock> *>(lock_area(c))->lock;
    } else {
        return *static_cast<Lock *>(lock_area(c));
    }
}

// Ends a cache with no handle and no object: the lock first (it lives in the
// master), then the pages. A hook that refuses the master leaks the cache
// when no handle is left (C++: nothing can reach it any more).
template <class Lock>
SLAB_COLD slab_status end_cache(slab_cache *c) noexcept
{
    using Stored = stored_lock<Lock>;
    static_cast<Stored *>(lock_area(c))->~Stored();
    return cache_teardown(c);
}

// The slow halves of alloc and free (slab/detail/cache.hpp) for both fronts,
// entered with the lock held (its token in t): the whole operation, then the
// unlock, then the end of an orphaned C++ cache (after the lock, which lives
// in the master that goes back to the hook). Out of line and entered as the
// inline fast half's last call, so the fast half needs no stack frame.
template <class Lock>
SLAB_COLD void *alloc_slow(slab_cache *c, typename Lock::token t, slab_status *why) noexcept
{
    void *p = cache_alloc_slow(c, why);
    lock_of<Lock>(c).unlock(t);
    return p;
}

template <class Lock>
SLAB_COLD slab_status free_slow(slab_cache *c, slab_page *s, void *obj, typename Lock::token t) noexcept
{
    uint32_t live = cache_in_use(c);
    slab_status st = cache_free_slow(c, s, obj);
    // A free that made room while callers wait (slab_alloc_wait) wakes one,
    // after the unlock. The inline free leaves this case here (cache_free_fast).
    const slab_wait_ops *wake = c->waiters != 0 && cache_in_use(c) != live ? c->wait : nullptr;
    lock_of<Lock>(c).unlock(t);
    if (wake != nullptr) {
        wake->wake(wake->ctx);
    }
    return st == kStatusTeardown ? end_cache<Lock>(c) : st;
}

// One alloc and one free under a Lock, for both fronts: the lock, the inline
// fast half, and either the unlock or the slow half as the last call. The
// free's fast half is for byte-map slabs only (page_byte_map): fast_size is
// the slab size when the caller checked that (a constant where it knows it),
// else 0. *why is not written on the fast path.
template <class Lock>
SLAB_INLINE void *alloc_locked_as(slab_cache *c, slab_status *why) noexcept
{
    typename Lock::token t = lock_of<Lock>(c).lock();
    void *p = cache_alloc_fast<kNoLock<Lock>>(c);
    if (SLAB_LIKELY(p != nullptr)) {
        lock_of<Lock>(c).unlock(t);
        return p;
    }
    return alloc_slow<Lock>(c, t, why);
}

template <class Lock>
SLAB_INLINE slab_status free_locked_as(slab_cache *c, slab_page *s, void *obj, size_t fast_size) noexcept
{
    typename Lock::token t = lock_of<Lock>(c).lock();
    if (SLAB_LIKELY(fast_size != 0 && cache_free_fast<kNoLock<Lock>>(c, s, obj, fast_size))) {
        lock_of<Lock>(c).unlock(t);
        return SLAB_OK;
    }
    return free_slow<Lock>(c, s, obj, t);
}

// Creates a cache whose master holds a Lock, constructed in place (a custom
// C++ lock type inside its lock_box, recorded as an OPS lock). Both fronts
// create their caches through this one function. src: the page source, NULL
// for the global hooks.
// The lock class (src/lock_class.hpp) a C call takes a Lock through: one
// per recorded kind (a custom type's thunks are an OPS lock's).
template <uint8_t Kind>
const slab_lock_class_ *lock_class_for() noexcept
{
    if constexpr (Kind == SLAB_LOCK_KIND_SPIN) {
        return &slab_lock_class_spin_;
    } else if constexpr (Kind == SLAB_LOCK_KIND_IRQ) {
        return &slab_lock_class_irq_;
    } else if constexpr (Kind == SLAB_LOCK_KIND_BASEPRI) {
        return &slab_lock_class_basepri_;
    } else if constexpr (Kind == SLAB_LOCK_KIND_OPS) {
        return &slab_lock_class_ops_;
    } else {
        static_assert(Kind == SLAB_LOCK_KIND_NONE, "a lock kind with no class");
        return &slab_lock_class_none_;
    }
}

template <class Lock>
slab_status cache_create_locked(slab_cache **out, size_t obj_size, size_t obj_align, size_t slab_size,
                                const slab_page_source *src = nullptr) noexcept
{
    using Stored = stored_lock<Lock>;
    constexpr uint8_t recorded = kBoxed<Lock> ? uint8_t(SLAB_LOCK_KIND_OPS) : Lock::kind;
    slab_status st = cache_create(out, obj_size, obj_align, slab_size, sizeof(Stored), alignof(Stored), recorded,
                                  lock_class_for<recorded>(), src);
    if (st == SLAB_OK) {
        new (lock_area(*out)) Stored();
    }
    return st;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_LOCK_HPP
