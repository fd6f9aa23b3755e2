// SPDX-License-Identifier: MIT
// The C front's way to a cache's lock and its handle check, shared by its
// files (c_api.cpp, wait.cpp): a C call knows a cache's lock only through
// its lock class (src/lock_class.hpp), recorded in the control block.
#ifndef SLAB_SRC_C_DISPATCH_HPP
#define SLAB_SRC_C_DISPATCH_HPP

#include "lock_class.hpp"
#include "slab/slab.h"
#include "static_cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

// True when a C call can take c's lock: every cache but a heap's class
// cache, whose lock is the heap's (its calls are refused: SLAB_EUNSUPPORTED).
inline bool lock_known(const slab_cache *c) { return c->lock_class->lock != nullptr; }

// Holds c's lock through its class for one scope.
class class_guard {
public:
    explicit class_guard(slab_cache *c) : c_(c), token_(c->lock_class->lock(c)) {}
    ~class_guard() { c_->lock_class->unlock(c_, token_); }
    class_guard(const class_guard &) = delete;
    class_guard &operator=(const class_guard &) = delete;

private:
    slab_cache *c_;
    unsigned long token_;
};

// Runs op() with the cache's lock held. The caller checked lock_known(c).
template <class Op>
auto with_lock(slab_cache *c, Op op) -> decltype(op())
{
    SLAB_ASSERT(lock_known(c));
    class_guard hold(c);
    return op();
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
        slab_status st = with_lock(d, [&] { return d->slabs == 0 ? cache_wake(d) : SLAB_OK; });
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
