// SPDX-License-Identifier: MIT
// The C front's lock-kind dispatch and handle check, shared by its files
// (c_api.cpp, wait.cpp): a C call knows a cache's lock only by the kind
// recorded in its control block.
#ifndef SLAB_SRC_C_DISPATCH_HPP
#define SLAB_SRC_C_DISPATCH_HPP

#include "slab/lock.hpp"
#include "slab/slab.h"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {
template <class Lock>
struct lock_tag {
    using type = Lock;
};

// The lock-kind dispatch of the C front: op(lock_tag<L>{}) for the cache's
// lock type L, or other() for a kind not built for this target. Split in
// two so that the hot calls (alloc, free) inline the built-in kinds (none,
// interrupt, BASEPRI, spin, in that order: the first two keep the code and
// instruction counts they had before the RTOS locks) and reach a program's
// slab_lock_ops or a C++ lock type's thunks (as OpsLock) through one cold
// call: by_common_kind's other() is that call.
// Hot callers pass SLAB_INLINE_LAMBDA lambdas so that each is inlined there
// instead of called through a closure (at -Os GCC would keep one
// out-of-line copy).
template <class Op, class Other>
SLAB_INLINE auto by_common_kind(const slab_cache *c, Op op, Other other) -> decltype(other())
{
    uint8_t kind = c->lock_kind;
    if (SLAB_LIKELY(kind == SLAB_LOCK_KIND_NONE)) {
        return op(lock_tag<slab::NoLock>{}); // the common embedded case first
    }
#if SLAB_HAVE_IRQ_LOCK
    if (kind == SLAB_LOCK_KIND_IRQ) {
        return op(lock_tag<slab::IrqLock>{});
    }
#endif
#if SLAB_HAVE_BASEPRI_LOCK
    if (kind == SLAB_LOCK_KIND_BASEPRI) {
        return op(lock_tag<slab::detail::BasepriAny>{});
    }
#endif
#if SLAB_HAVE_ATOMIC_EXCHANGE
    if (kind == SLAB_LOCK_KIND_SPIN) {
        return op(lock_tag<slab::SpinLock>{});
    }
#endif
    return other();
}

template <class Op, class Other>
SLAB_INLINE auto by_rare_kind(const slab_cache *c, Op op, Other other) -> decltype(other())
{
    if (c->lock_kind == SLAB_LOCK_KIND_OPS) {
        return op(lock_tag<slab::detail::OpsLock>{});
    }
    return other();
}

// Every kind, for the calls that are not hot.
template <class Op, class Other>
SLAB_INLINE auto by_lock_kind(const slab_cache *c, Op op, Other other) -> decltype(other())
{
    return by_common_kind(c, op, [&]() SLAB_INLINE_LAMBDA { return by_rare_kind(c, op, other); });
}

// Runs op() with the cache's lock held. Kinds not built for this target are
// refused before this is reached (SLAB_EUNSUPPORTED).
template <class Op>
SLAB_INLINE auto with_lock(slab_cache *c, Op op) -> decltype(op())
{
    return by_lock_kind(
        c,
        [&](auto tag) SLAB_INLINE_LAMBDA {
            using Lock = typename decltype(tag)::type;
            slab::Guard<Lock> hold(*static_cast<Lock *>(lock_area(c)));
            return op();
        },
        [&]() SLAB_INLINE_LAMBDA {
            SLAB_ASSERT(!"lock kind not built for this target");
            return op();
        });
}

inline bool lock_known(const slab_cache *c)
{
    return by_lock_kind(
        c, [](auto) { return true; }, [] { return false; });
}

// The control block of a cache handle in *c, or why there is none: SLAB_EINVAL
// (NULL), SLAB_ESECRET (made under another slab_secret) or SLAB_EBADPTR (not
// a genuine control block). Validated before the
// lock is taken, so it reads nothing that another context may be writing.
// A static cache's first call puts it in service here (under its lock).
inline slab_status cache_ok(const slab_cache *cache, slab_cache **c)
{
    if (cache == nullptr) {
        return SLAB_EINVAL;
    }
    slab_cache *d = const_cast<slab_cache *>(cache);
    if (!cache_genuine(d)) {
        if (!cache_dormant(d)) {
            return cache_secret_changed(d) ? SLAB_ESECRET : SLAB_EBADPTR;
        }
        if (!lock_known(d)) {
            return SLAB_EUNSUPPORTED;
        }
        slab_status st = with_lock(d, [&] { return d->master == nullptr ? cache_wake(d) : SLAB_OK; });
        if (st != SLAB_OK) {
            return st;
        }
    }
    *c = d;
    return SLAB_OK;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_C_DISPATCH_HPP
