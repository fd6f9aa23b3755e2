// Lock policies. A cache's lock lives in its master slab, beside the control
// block, and is taken once per operation around the whole of it.
//
// A policy is a small default-constructible type with
//   token lock() noexcept;          // returns what unlock needs (e.g. PRIMASK)
//   void unlock(token) noexcept;
//   static constexpr uint8_t kind;  // SLAB_LOCK_KIND_CUSTOM for your own types
// and nothing virtual: the C++ front calls it directly, so with NoLock the
// lock vanishes from the inlined fast path.
#ifndef SLAB_LOCK_HPP
#define SLAB_LOCK_HPP

#include <stdint.h>

#include <new>

#include "slab/detail/cache.hpp"

// ARMv6-M (Cortex-M0/M0+/M1) has no LDREX/STREX: no atomic exchange exists.
#if defined(__ARM_ARCH_6M__)
#define SLAB_HAVE_ATOMIC_EXCHANGE 0
#else
#define SLAB_HAVE_ATOMIC_EXCHANGE 1
#endif

// Interrupt masking through PRIMASK exists on M-profile ARM cores.
#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
#define SLAB_HAVE_IRQ_LOCK 1
#else
#define SLAB_HAVE_IRQ_LOCK 0
#endif

namespace slab {

// No lock: the caller serializes every call on the cache (one thread, or one
// context at a time). Costs nothing.
struct NoLock {
    using token = int;
    static constexpr uint8_t kind = SLAB_LOCK_KIND_NONE;
    SLAB_INLINE token lock() noexcept { return 0; }
    SLAB_INLINE void unlock(token) noexcept {}
};

// Test-and-test-and-set spin lock on one byte, for several cores or threads.
// Not for sharing with an interrupt handler on the same core (it would spin
// forever on a lock its own core holds): use IrqLock there.
struct SpinLock {
    using token = int;
    static constexpr uint8_t kind = SLAB_LOCK_KIND_SPIN;
    unsigned char held = 0;

    template <bool Available = SLAB_HAVE_ATOMIC_EXCHANGE>
    SLAB_INLINE token lock() noexcept
    {
        static_assert(Available, "slab::SpinLock needs an atomic exchange (LDREX/STREX), which ARMv6-M "
                                 "(Cortex-M0/M0+) lacks: use slab::IrqLock on a single-core M0");
        while (__atomic_exchange_n(&held, 1, __ATOMIC_ACQUIRE) != 0) {
            while (__atomic_load_n(&held, __ATOMIC_RELAXED) != 0) {
#if defined(__x86_64__) || defined(__i386__)
                __builtin_ia32_pause();
#endif
            }
        }
        return 0;
    }
    SLAB_INLINE void unlock(token) noexcept { __atomic_store_n(&held, 0, __ATOMIC_RELEASE); }
};

#if SLAB_HAVE_IRQ_LOCK
// Masks interrupts on a Cortex-M core for the length of one operation and
// restores the previous PRIMASK, so it nests inside code that already masked
// them. Safe between threads and handlers of one core; not across cores.
struct IrqLock {
    using token = uint32_t;
    static constexpr uint8_t kind = SLAB_LOCK_KIND_IRQ;
    SLAB_INLINE token lock() noexcept
    {
        uint32_t primask;
        __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
        return primask;
    }
    SLAB_INLINE void unlock(token primask) noexcept { __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory"); }
};
#endif  // SLAB_HAVE_IRQ_LOCK

// Holds a policy's lock for one scope.
template <class Lock>
class Guard {
public:
    SLAB_INLINE explicit Guard(Lock &lock) noexcept : lock_(lock), token_(lock.lock()) {}
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
    return *static_cast<Lock *>(lock_area(c));
}

// Ends a cache with no handle and no object: the lock first (it lives in the
// master), then the pages. A hook that refuses the master leaks the cache
// when no handle is left (C++: nothing can reach it any more).
template <class Lock>
SLAB_COLD slab_status end_cache(slab_cache *c) noexcept
{
    lock_of<Lock>(c).~Lock();
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
    slab_status st = cache_free_slow(c, s, obj);
    lock_of<Lock>(c).unlock(t);
    return st == kStatusTeardown ? end_cache<Lock>(c) : st;
}

// One alloc and one free under a Lock, for both fronts: the lock, the inline
// fast half, and either the unlock or the slow half as the last call. The
// free's fast half is for byte-map slabs only (page_byte_map): `fast` says
// the caller checked that. *why is not written on the fast path.
template <class Lock>
SLAB_INLINE void *alloc_locked_as(slab_cache *c, slab_status *why) noexcept
{
    typename Lock::token t = lock_of<Lock>(c).lock();
    void *p = cache_alloc_fast(c);
    if (SLAB_LIKELY(p != nullptr)) {
        lock_of<Lock>(c).unlock(t);
        return p;
    }
    return alloc_slow<Lock>(c, t, why);
}

template <class Lock>
SLAB_INLINE slab_status free_locked_as(slab_cache *c, slab_page *s, void *obj, bool fast) noexcept
{
    typename Lock::token t = lock_of<Lock>(c).lock();
    if (SLAB_LIKELY(fast && cache_free_fast(c, s, obj))) {
        lock_of<Lock>(c).unlock(t);
        return SLAB_OK;
    }
    return free_slow<Lock>(c, s, obj, t);
}

// Creates a cache whose master holds a Lock, constructed in place. Both
// fronts create their caches through this one function.
template <class Lock>
slab_status cache_create_locked(slab_cache **out, size_t obj_size, size_t obj_align, size_t slab_size) noexcept
{
    slab_status st = cache_create(out, obj_size, obj_align, slab_size, sizeof(Lock), alignof(Lock), Lock::kind);
    if (st == SLAB_OK) {
        new (lock_area(*out)) Lock();
    }
    return st;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_LOCK_HPP
