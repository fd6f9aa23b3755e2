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

// The class of a Lock; init constructs it (class_init unless the lock takes
// the BASEPRI priority or the program's ops).
template <class Lock>
constexpr slab_lock_class_ class_of(uint8_t built, void (*init)(void *, uint8_t, const slab_lock_ops *) = &class_init<Lock>)
{
    return {&class_alloc<Lock>,     &class_alloc_quick<Lock>, &class_free<Lock>,
            &class_free_quick<Lock>, &class_lock<Lock>,        &class_unlock<Lock>,
            init,                   uint16_t(sizeof(Lock)),   uint16_t(alignof(Lock)),
            Lock::kind,             built};
}

// A class whose caches the C calls refuse: alloc SLAB_EUNSUPPORTED, free
// FreeStatus, no lock to take (lock_known: false). A kind this target does
// not build (its creation is refused, and a static cache's image that names
// it is refused by every call), and a heap's class caches.
void *refuse_alloc(slab_cache *c, slab_status *why)
{
    (void)c;
    if (why != nullptr) {
        *why = SLAB_EUNSUPPORTED;
    }
    return nullptr;
}
void *refuse_alloc_quick(slab_cache *c) { return refuse_alloc(c, nullptr); }
template <slab_status FreeStatus>
slab_status refuse_free(slab_cache *c, slab_page *s, void *obj, size_t fast_size)
{
    (void)c;
    (void)s;
    (void)obj;
    (void)fast_size;
    return FreeStatus;
}
template <slab_status FreeStatus>
slab_status refuse_free_quick(slab_cache *c, slab_page *s, void *obj)
{
    return refuse_free<FreeStatus>(c, s, obj, 0);
}
template <slab_status FreeStatus>
constexpr slab_lock_class_ refusing(uint8_t kind)
{
    return {&refuse_alloc, &refuse_alloc_quick, &refuse_free<FreeStatus>, &refuse_free_quick<FreeStatus>,
            nullptr,       nullptr,             nullptr,                  1,
            1,             kind,                0};
}
constexpr slab_lock_class_ absent(uint8_t kind) { return refusing<SLAB_EUNSUPPORTED>(kind); }

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
const slab_lock_class_ slab_lock_class_basepri_ = class_of<slab::detail::BasepriAny>(1, &basepri_init);
#else
const slab_lock_class_ slab_lock_class_basepri_ = absent(SLAB_LOCK_KIND_BASEPRI);
#endif

// A C program's slab_lock_ops, or a C++ lock type's thunks (lock_box): the
// lock object begins with the ops in both.
const slab_lock_class_ slab_lock_class_ops_ = class_of<slab::detail::OpsLock>(1, &ops_init);

}  // extern "C"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

// A heap's class caches: slab_free of a heap block SLAB_EHEAPBLOCK, with
// nothing read but its genuine header (only a program with a heap links it).
const slab_lock_class_ kHeapClassCacheLock = refusing<SLAB_EHEAPBLOCK>(SLAB_LOCK_KIND_HEAP);

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
