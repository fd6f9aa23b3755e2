// SPDX-License-Identifier: MIT
/// @file
/// @brief libslab C++ API: typed caches and RAII boxes, thin templates over the core.
///
/// - slab::Cache<T, Lock, SlabSize>: copyable, reference-counted handle of a
///   cache of T. The cache ends when the last
///   handle is gone and every object is back.
/// - slab::Box<T, Lock, SlabSize>: move-only owner of one T in a slot: it
///   destroys and frees it when it goes out of
///   scope, from any context the lock covers.
/// - cache.make(args...): constructs a T; reports out-of-memory as a
///   Result, never by an exception.
///
/// The fast half of each operation (cache_alloc_fast / cache_free_fast in
/// slab/detail/cache.hpp) inlines into the caller: no virtual call, no
/// function pointer. The slow half (new slab, full or empty slab, refusals)
/// is a call into libslab.a, compiled once.
/// T's constructor must not throw (the library is built without exceptions).
#ifndef SLAB_SLAB_HPP
#define SLAB_SLAB_HPP

#include <new>
#include <type_traits>

#include "slab/detail/cache.hpp"
#include "slab/lock.hpp"
#include "slab/slab.h"

namespace slab {

namespace detail {
inline namespace SLAB_ABI_TAG {

template <class T>
constexpr typename std::remove_reference<T>::type &&move(T &&t) noexcept
{
    return static_cast<typename std::remove_reference<T>::type &&>(t);
}
template <class T>
constexpr T &&forward(typename std::remove_reference<T>::type &t) noexcept
{
    return static_cast<T &&>(t);
}

// A free whose header did not hold the byte-map magic: a two-byte-map slab
// (freed whole by the slow half), or no genuine header (reported, nothing
// written).
template <class Lock, size_t S>
SLAB_COLD void free_other(void *obj) noexcept
{
    slab_page *s = find_slab(obj, S);
    if (s == nullptr) {
        report_bad_free(obj);
        return;
    }
    (void)free_locked_as<Lock>(s->cache, s, obj, 0);
}

// Frees a slot of a cache of slab size S, from any handle or none. One
// compare checks the header: genuine, of this size, with a byte map.
template <class Lock, size_t S>
SLAB_INLINE void free_slot(void *obj) noexcept
{
    slab_page *s = page_of(obj, S);
    slab_cache *c = s->cache;
    if (SLAB_UNLIKELY(!page_byte_map(s, c, S))) {
        free_other<Lock, S>(obj);
        return;
    }
    (void)free_locked_as<Lock>(c, s, obj, S);
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail

/// @brief A value or the status that explains its absence.
/// @tparam T  default-constructible (the empty Box or Cache)
template <class T>
class Result {
public:
    /// @brief No value, and why (implicit). @param status  the reason
    Result(slab_status status) noexcept : status_(status) {} // NOLINT: implicit by design
    /// @brief A value (implicit); status() is SLAB_OK. @param value  moved in
    Result(T &&value) noexcept : value_(detail::move(value)), status_(SLAB_OK) {} // NOLINT
    /// @brief Whether it holds a value. @return status() == SLAB_OK
    explicit operator bool() const noexcept { return status_ == SLAB_OK; }
    /// @brief SLAB_OK, or why there is no value. @return the status
    slab_status status() const noexcept { return status_; }
    /// @brief The value (an empty T when there is none). @return a reference to it
    T &operator*() noexcept { return value_; }
    /// @brief The value's members. @return a pointer to the value
    T *operator->() noexcept { return &value_; }
    /// @brief Moves the value out. @return the value (an empty T when there is none)
    T take() noexcept { return detail::move(value_); }

private:
    T value_{};
    slab_status status_;
};

/// @brief Move-only owner of one T in a slot of a cache: it destroys and frees
/// it when it goes out of scope, from any context the lock covers.
///
/// The slot is freed by masking its address (as slab_free() does, for slabs
/// of SlabSize), so a Box needs no handle of its cache.
/// @tparam T         the object's type
/// @tparam Lock      the cache's lock policy (NoLock, SpinLock, IrqLock, ...)
/// @tparam SlabSize  the cache's slab size
template <class T, class Lock = NoLock, size_t SlabSize = SLAB_DEFAULT_SLAB_SIZE>
class Box {
public:
    /// @brief An empty Box.
    Box() noexcept = default;
    /// @brief Owns `adopt`: a T built in a slot of a cache of this Box's kind
    /// (Cache::try_alloc(), or a Box's release()). @param adopt  the object
    explicit Box(T *adopt) noexcept : p_(adopt) {}
    /// @brief Takes other's object; other becomes empty. @param other  the Box to move from
    Box(Box &&other) noexcept : p_(other.p_) { other.p_ = nullptr; }
    /// @brief Destroys and frees this Box's object, then takes other's.
    /// @param other  the Box to move from; it becomes empty
    /// @return *this
    Box &operator=(Box &&other) noexcept
    {
        if (this != &other) {
            reset();
            p_ = other.p_;
            other.p_ = nullptr;
        }
        return *this;
    }
    Box(const Box &) = delete;
    Box &operator=(const Box &) = delete;
    /// @brief Destroys and frees the object, if any.
    SLAB_INLINE ~Box() { reset(); }

    /// @brief Destroys and frees the object now; the Box becomes empty.
    SLAB_INLINE void reset() noexcept
    {
        if (p_ != nullptr) {
            T *p = p_;
            p_ = nullptr;
            p->~T();
            detail::free_slot<Lock, SlabSize>(p);
        }
    }
    /// @brief Gives up ownership without destroying; free later with Box(ptr).
    /// @return the object (nullptr for an empty Box)
    T *release() noexcept
    {
        T *p = p_;
        p_ = nullptr;
        return p;
    }
    /// @brief The object. @return it, or nullptr for an empty Box
    T *get() const noexcept { return p_; }
    /// @brief The object (the Box must not be empty). @return a reference to it
    T &operator*() const noexcept { return *p_; }
    /// @brief The object's members. @return the object
    T *operator->() const noexcept { return p_; }
    /// @brief Whether the Box owns an object. @return true unless empty
    explicit operator bool() const noexcept { return p_ != nullptr; }

private:
    T *p_ = nullptr;
};

/// @brief Copyable, reference-counted handle of a cache of T.
///
/// The cache ends when the last
/// handle is gone and every object is back (else the last object's free
/// ends it). Usable from C too (raw()), whatever its lock type.
/// @tparam T         the objects' type
/// @tparam Lock      the lock policy (slab/lock.hpp): NoLock, SpinLock, IrqLock,
///                   `BasepriLock<P>`, or the program's own type
/// @tparam SlabSize  a power of two in [SLAB_MIN_SLAB_SIZE, SLAB_MAX_SLAB_SIZE]
template <class T, class Lock = NoLock, size_t SlabSize = SLAB_DEFAULT_SLAB_SIZE>
class Cache {
    static_assert((SlabSize & (SlabSize - 1)) == 0 && SlabSize >= SLAB_MIN_SLAB_SIZE &&
                      SlabSize <= SLAB_MAX_SLAB_SIZE,
                  "SlabSize must be a power of two in [SLAB_MIN_SLAB_SIZE, SLAB_MAX_SLAB_SIZE]");
    static_assert(alignof(T) < SlabSize, "T's alignment must be below the slab size (the header is at offset 0)");

public:
    using box_type = Box<T, Lock, SlabSize>; ///< the owner of one object of this cache

    /// @brief An empty handle; see create().
    Cache() noexcept = default;

    /// @brief A new cache: takes the master slab from the hook.
    /// @return the handle, or a status as slab_cache_create(): SLAB_ETOOBIG,
    ///         SLAB_ENOMEM, SLAB_EHOOKALIGN, SLAB_EHOOKDUP
    static Result<Cache> create() noexcept
    {
        slab_cache *c = nullptr;
        slab_status st = detail::cache_create_locked<Lock>(&c, sizeof(T), alignof(T), SlabSize);
        if (st != SLAB_OK) {
            return st;
        }
        c->cxx_owned = 1;
        return Cache(c);
    }

    /// @brief Another handle of other's cache. @param other  a handle, or empty
    Cache(const Cache &other) noexcept : c_(other.c_)
    {
        if (c_ != nullptr) {
            Guard<Lock> hold(detail::lock_of<Lock>(c_));
            detail::cache_hold(c_);
        }
    }
    /// @brief Takes other's handle; other becomes empty. @param other  a handle, or empty
    Cache(Cache &&other) noexcept : c_(other.c_) { other.c_ = nullptr; }
    /// @brief Drops this handle, then holds other's cache.
    /// @param other  a handle, or empty
    /// @return *this
    Cache &operator=(const Cache &other) noexcept
    {
        if (this != &other) {
            Cache copy(other); // takes a handle before this one drops its own
            swap(copy);        // copy's destructor drops what this held
        }
        return *this;
    }
    /// @brief Swaps handles with other (whose destructor drops what this held).
    /// @param other  a handle, or empty
    /// @return *this
    Cache &operator=(Cache &&other) noexcept
    {
        swap(other); // other's destructor drops what this held
        return *this;
    }
    /// @brief Drops this handle; the last one ends the cache once every object is back.
    ~Cache() { drop(); }

    /// @brief Constructs a T in a slot.
    /// @param args  T's constructor arguments
    /// @return the Box, or why there is none: SLAB_EINVAL (an empty handle),
    ///         or slab_alloc_status()'s reasons when out of memory
    template <class... Args>
    SLAB_INLINE Result<box_type> make(Args &&...args) noexcept
    {
        // Written by alloc_quiet before it returns NULL, the only case it is
        // read; an initializer would be a store on the fast path.
        slab_status st; // NOLINT(cppcoreguidelines-init-variables)
        void *p = alloc_quiet(&st);
        if (SLAB_UNLIKELY(p == nullptr)) {
            return st;
        }
        return box_type(new (p) T(detail::forward<Args>(args)...));
    }

    /// @brief A raw, uninitialized slot for a T.
    ///
    /// Give it back with free_slot() or by adopting it in a Box once built.
    /// @param[out] why  if not NULL: SLAB_OK, or why there is no slot
    /// @return the slot, or NULL
    SLAB_INLINE void *try_alloc(slab_status *why = nullptr) noexcept
    {
        void *p = alloc_quiet(why);
        if (p != nullptr && why != nullptr) {
            *why = SLAB_OK;
        }
        return p;
    }

    /// @brief Frees a raw slot of this cache's kind (no destructor is run).
    /// @param slot  a slot of a cache of this T, Lock and SlabSize
    SLAB_INLINE static void free_slot(void *slot) noexcept { detail::free_slot<Lock, SlabSize>(slot); }

    /// @brief The cache's counters (slab_cache_stats()).
    /// @return them; all zero for an empty (e.g. moved-from) handle
    // No value-initialisation (`slab_stats out{}`): GCC lowers it to a
    // memset call, which a firmware linked with -nostdlib does not have.
    // cache_stats() stores every field; a moved-from handle gets zeros.
    slab_stats stats() const noexcept
    {
        slab_stats out;
        if (c_ != nullptr) {
            Guard<Lock> hold(detail::lock_of<Lock>(c_));
            detail::cache_stats(c_, &out);
        } else {
            out.obj_size = out.slot_size = out.slab_size = 0;
            out.objs_per_slab = out.objs_in_master = out.objs_in_use = out.objs_peak = 0;
            out.slabs_in_use = out.slabs_peak = 0;
            out.pages_taken = out.pages_given = out.hook_failures = 0;
        }
        static_assert(sizeof(slab_stats) == (3 * sizeof(size_t) + 9 * sizeof(uint32_t) + alignof(slab_stats) - 1) /
                                                alignof(slab_stats) * alignof(slab_stats),
                      "a field was added to slab_stats: zero it above");
        return out;
    }
    /// @brief Restarts the high-water marks (slab_cache_reset_peak()); nothing
    /// for an empty handle.
    void reset_peak() noexcept
    {
        if (c_ != nullptr) {
            Guard<Lock> hold(detail::lock_of<Lock>(c_));
            detail::cache_reset_peak(c_);
        }
    }

    /// @brief The C view of the same cache (for slab_cache_validate and the C API).
    /// @return the cache, or NULL for an empty handle
    slab_cache *raw() const noexcept { return c_; }
    /// @brief Whether the handle holds a cache. @return true unless empty
    explicit operator bool() const noexcept { return c_ != nullptr; }

private:
    explicit Cache(slab_cache *c) noexcept : c_(c) {}

    // A slot, or NULL with *why (if not NULL) set to the reason. *why is not
    // written on the fast path, so a caller's status variable costs nothing
    // there. One lock acquisition, the slow path included.
    SLAB_INLINE void *alloc_quiet(slab_status *why) noexcept
    {
        if (SLAB_UNLIKELY(c_ == nullptr)) {
            return fail(why, SLAB_EINVAL);
        }
        return detail::alloc_locked_as<Lock>(c_, why);
    }

    static void *fail(slab_status *why, slab_status st) noexcept
    {
        if (why != nullptr) {
            *why = st;
        }
        return nullptr;
    }

    void swap(Cache &other) noexcept
    {
        slab_cache *mine = c_;
        c_ = other.c_;
        other.c_ = mine;
    }

    // Drops this handle; the last one ends the cache once every object is back
    // (else the last object's free does, see detail::free_slot).
    void drop() noexcept
    {
        if (c_ == nullptr) {
            return;
        }
        slab_cache *c = c_;
        c_ = nullptr;
        bool end = false;
        {
            Guard<Lock> hold(detail::lock_of<Lock>(c));
            end = detail::cache_release(c);
        }
        if (end) {
            (void)detail::end_cache<Lock>(c);
        }
    }

    slab_cache *c_ = nullptr;
};

}  // namespace slab

#endif  // SLAB_SLAB_HPP
