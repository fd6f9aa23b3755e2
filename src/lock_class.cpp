// SPDX-License-Identifier: MIT
// The lock classes (src/lock_class.hpp): one table per lock kind, each the
// C front's alloc, free, lock and unlock instantiated for that lock. Every
// table and its functions sit in sections of their own: a firmware links
// the tables its creations name, nothing else (--gc-sections).
#include "lock_class.hpp"

namespace {

using slab::detail::alloc_locked_as;
using slab::detail::free_locked_as;
using slab::detail::lock_of;
using slab::detail::slab_page;

template <class Lock>
void *class_alloc(slab_cache *c, slab_status *why)
{
    return alloc_locked_as<Lock>(c, why);
}

template <class Lock>
void *class_alloc_quick(slab_cache *c)
{
    return alloc_locked_as<Lock>(c, nullptr);
}

template <class Lock>
slab_status class_free(slab_cache *c, slab_page *s, void *obj, size_t fast_size)
{
    return free_locked_as<Lock>(c, s, obj, fast_size);
}

template <class Lock>
slab_status class_free_quick(slab_cache *c, slab_page *s, void *obj)
{
    return free_locked_as<Lock>(c, s, obj, SLAB_DEFAULT_SLAB_SIZE);
}

template <class Lock>
unsigned long class_lock(slab_cache *c)
{
    return static_cast<unsigned long>(lock_of<Lock>(c).lock());
}

template <class Lock>
void class_unlock(slab_cache *c, unsigned long token)
{
    lock_of<Lock>(c).unlock(static_cast<typename Lock::token>(token));
}

template <class Lock>
void class_init(void *area, uint8_t prio, const slab_lock_ops *ops)
{
    (void)prio;
    (void)ops;
    new (area) Lock();
}

template <class Lock>
constexpr slab_lock_class_ class_of(uint8_t built)
{
    return {&class_alloc<Lock>,     &class_alloc_quick<Lock>, &class_free<Lock>,
            &class_free_quick<Lock>, &class_lock<Lock>,        &class_unlock<Lock>,
            &class_init<Lock>,      uint16_t(sizeof(Lock)),   uint16_t(alignof(Lock)),
            Lock::kind,             built};
}

// A kind this target does not build: its creation is refused, and a static
// cache's image that names it (slab/static.h) is refused by every call.
void *absent_alloc(slab_cache *c, slab_status *why)
{
    (void)c;
    if (why != nullptr) {
        *why = SLAB_EUNSUPPORTED;
    }
    return nullptr;
}
void *absent_alloc_quick(slab_cache *c) { return absent_alloc(c, nullptr); }
slab_status absent_free(slab_cache *c, slab_page *s, void *obj, size_t fast_size)
{
    (void)c;
    (void)s;
    (void)obj;
    (void)fast_size;
    return SLAB_EUNSUPPORTED;
}
slab_status absent_free_quick(slab_cache *c, slab_page *s, void *obj) { return absent_free(c, s, obj, 0); }
constexpr slab_lock_class_ absent(uint8_t kind)
{
    return {&absent_alloc, &absent_alloc_quick, &absent_free, &absent_free_quick, nullptr, nullptr, nullptr, 1, 1,
            kind,          0};
}

#if SLAB_HAVE_BASEPRI_LOCK
void basepri_init(void *area, uint8_t prio, const slab_lock_ops *ops)
{
    (void)ops;
    static_cast<slab::detail::BasepriAny *>(new (area) slab::detail::BasepriAny())->prio = prio;
}
#endif

void ops_init(void *area, uint8_t prio, const slab_lock_ops *ops)
{
    (void)prio;
    static_cast<slab::detail::OpsLock *>(new (area) slab::detail::OpsLock())->ops = *ops;
}

}  // namespace

extern "C" {

// No lock: the C front serves these caches inline (c_api.cpp) and never
// calls the class's alloc and free, so none is linked for them.
const slab_lock_class_ slab_lock_class_none_ = {nullptr,
                                                nullptr,
                                                nullptr,
                                                nullptr,
                                                &class_lock<slab::NoLock>,
                                                &class_unlock<slab::NoLock>,
                                                &class_init<slab::NoLock>,
                                                uint16_t(sizeof(slab::NoLock)),
                                                uint16_t(alignof(slab::NoLock)),
                                                SLAB_LOCK_KIND_NONE,
                                                1};

#if SLAB_HAVE_ATOMIC_EXCHANGE
const slab_lock_class_ slab_lock_class_spin_ = class_of<slab::SpinLock>(1);
#else
const slab_lock_class_ slab_lock_class_spin_ = absent(SLAB_LOCK_KIND_SPIN);
#endif

#if SLAB_HAVE_IRQ_LOCK
const slab_lock_class_ slab_lock_class_irq_ = class_of<slab::IrqLock>(1);
#else
const slab_lock_class_ slab_lock_class_irq_ = absent(SLAB_LOCK_KIND_IRQ);
#endif

#if SLAB_HAVE_BASEPRI_LOCK
const slab_lock_class_ slab_lock_class_basepri_ = {&class_alloc<slab::detail::BasepriAny>,
                                                   &class_alloc_quick<slab::detail::BasepriAny>,
                                                   &class_free<slab::detail::BasepriAny>,
                                                   &class_free_quick<slab::detail::BasepriAny>,
                                                   &class_lock<slab::detail::BasepriAny>,
                                                   &class_unlock<slab::detail::BasepriAny>,
                                                   &basepri_init,
                                                   uint16_t(sizeof(slab::detail::BasepriAny)),
                                                   uint16_t(alignof(slab::detail::BasepriAny)),
                                                   SLAB_LOCK_KIND_BASEPRI,
                                                   1};
#else
const slab_lock_class_ slab_lock_class_basepri_ = absent(SLAB_LOCK_KIND_BASEPRI);
#endif

// A C program's slab_lock_ops, or a C++ lock type's thunks (lock_box): the
// lock object begins with the ops in both.
const slab_lock_class_ slab_lock_class_ops_ = {&class_alloc<slab::detail::OpsLock>,
                                               &class_alloc_quick<slab::detail::OpsLock>,
                                               &class_free<slab::detail::OpsLock>,
                                               &class_free_quick<slab::detail::OpsLock>,
                                               &class_lock<slab::detail::OpsLock>,
                                               &class_unlock<slab::detail::OpsLock>,
                                               &ops_init,
                                               uint16_t(sizeof(slab::detail::OpsLock)),
                                               uint16_t(alignof(slab::detail::OpsLock)),
                                               SLAB_LOCK_KIND_OPS,
                                               1};

}  // extern "C"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

const slab_lock_class_ *lock_class_of_kind(uint8_t kind)
{
    switch (kind) {
    case SLAB_LOCK_KIND_SPIN:
        return &slab_lock_class_spin_;
    case SLAB_LOCK_KIND_IRQ:
        return &slab_lock_class_irq_;
    case SLAB_LOCK_KIND_BASEPRI:
        return &slab_lock_class_basepri_;
    case SLAB_LOCK_KIND_OPS:
        return &slab_lock_class_ops_;
    default:
        return &slab_lock_class_none_;
    }
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
