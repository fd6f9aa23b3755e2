// SPDX-License-Identifier: MIT
/// @file
/// @brief The typed C++ form of a statically defined cache (slab/static.h).
///
/// @code
///   SLAB_CACHE_DEFINE_TYPED(frames, Frame, slab::IrqLock, 32, ".dma_pool");
///   auto f = frames.make(args...);      // Result<Box<Frame, slab::IrqLock>>
///   slab_alloc(frames.raw());           // the same cache from C
/// @endcode
///
/// `name` is a constexpr view of the image the C macro defines: no
/// constructor runs, and its first use puts the cache in service as the C
/// form's does. Lock: NoLock, SpinLock, IrqLock or `BasepriLock<P>` (the
/// built-in kinds a static image can hold). Boxes free by masking, as for
/// any cache of the default slab size.
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

/// @brief A constexpr view of a statically defined cache's image
/// (SLAB_CACHE_DEFINE_TYPED defines one).
/// @tparam T     the objects' type
/// @tparam Lock  NoLock, SpinLock, IrqLock or `BasepriLock<P>`
template <class T, class Lock = NoLock>
class StaticCache {
public:
    using box_type = Box<T, Lock, SLAB_DEFAULT_SLAB_SIZE>; ///< the owner of one object of this cache

    /// @brief The view of an image that SLAB_CACHE_DEFINE_LOCKED defined.
    /// @param image  the image
    constexpr explicit StaticCache(slab_static_cache_ *image) noexcept : image_(image) {}

    /// @brief A T built in a slot, owned by a Box.
    /// @param args  T's constructor arguments
    /// @return the Box, or the status (SLAB_ENOMEM when every page of the
    ///         pool is full)
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

    /// @brief The same cache, for the C API. @return it
    slab_cache *raw() const noexcept { return reinterpret_cast<slab_cache *>(image_); }

private:
    slab_static_cache_ *image_;
};

}  // namespace slab

/// @brief Defines a static cache of `count` objects of type T, whose pages lie
/// in section `sect`, and `static constexpr slab::StaticCache<T, Lock> name`.
/// @param name   the StaticCache to define
/// @param T      the objects' type
/// @param Lock   NoLock, SpinLock, IrqLock or `BasepriLock<P>`
/// @param count  objects, at least 1
/// @param sect   the pages' section, a string
// NOLINTBEGIN(bugprone-macro-parentheses)
#define SLAB_CACHE_DEFINE_TYPED(name, T, Lock, count, sect)                                                 \
    SLAB_CACHE_DEFINE_LOCKED(name##_raw_, sizeof(T), alignof(T), count, sect,                               \
                             ::slab::detail::static_flags<Lock>::value);                                    \
    static constexpr ::slab::StaticCache<T, Lock> name { &name##_raw__control_ }
// NOLINTEND(bugprone-macro-parentheses)

#endif  // SLAB_STATIC_HPP
