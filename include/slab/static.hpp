// The typed C++ form of a statically defined cache (slab/static.h):
//
//   SLAB_CACHE_DEFINE_TYPED(frames, Frame, slab::IrqLock, 32, ".dma_pool");
//   auto f = frames.make(args...);      // Result<Box<Frame, slab::IrqLock>>
//   slab_alloc(frames.raw());           // the same cache from C
//
// `name` is a constexpr view of the image the C macro defines: no
// constructor runs, and its first use puts the cache in service as the C
// form's does. Lock: NoLock, SpinLock, IrqLock or BasepriLock<P> (the
// built-in kinds a static image can hold). Boxes free by masking, as for
// any cache of the default slab size.
#ifndef SLAB_STATIC_HPP
#define SLAB_STATIC_HPP

#include "slab/slab.hpp"
#include "slab/static.h"

namespace slab {
namespace detail {

// slab_cache_create flags of a built-in lock type, for the image.
template <class Lock>
struct static_flags;
template <>
struct static_flags<NoLock> {
    static constexpr unsigned value = 0;
};
template <>
struct static_flags<SpinLock> {
    static constexpr unsigned value = SLAB_LOCK_SPIN_BIT_;
};
#if SLAB_HAVE_IRQ_LOCK
template <>
struct static_flags<IrqLock> {
    static constexpr unsigned value = SLAB_LOCK_IRQ;
};
#endif
#if SLAB_HAVE_BASEPRI_LOCK
template <uint8_t P>
struct static_flags<BasepriLock<P>> {
    static constexpr unsigned value = SLAB_LOCK_BASEPRI(P);
};
#endif

}  // namespace detail

template <class T, class Lock = NoLock>
class StaticCache {
public:
    using box_type = Box<T, Lock, SLAB_DEFAULT_SLAB_SIZE>;

    constexpr explicit StaticCache(slab_static_cache_ *image) noexcept : image_(image) {}

    // A T built in a slot, owned by a Box; or the status (SLAB_ENOMEM when
    // every page of the pool is full).
    template <class... Args>
    Result<box_type> make(Args &&...args) const noexcept
    {
        slab_status st = SLAB_OK;
        void *p = detail::alloc_locked_as<Lock>(raw(), &st);
        if (p == nullptr) {
            return st;
        }
        return box_type(new (p) T(detail::forward<Args>(args)...));
    }

    slab_cache *raw() const noexcept { return reinterpret_cast<slab_cache *>(image_); }

private:
    slab_static_cache_ *image_;
};

}  // namespace slab

// NOLINTBEGIN(bugprone-macro-parentheses)
#define SLAB_CACHE_DEFINE_TYPED(name, T, Lock, count, sect)                                                 \
    SLAB_CACHE_DEFINE_LOCKED(name##_raw_, sizeof(T), alignof(T), count, sect,                               \
                             ::slab::detail::static_flags<Lock>::value);                                    \
    static constexpr ::slab::StaticCache<T, Lock> name { &name##_raw__control_ }
// NOLINTEND(bugprone-macro-parentheses)

#endif  // SLAB_STATIC_HPP
