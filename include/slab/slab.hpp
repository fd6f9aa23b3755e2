// libslab C++ API: typed caches and RAII boxes, thin templates over the core.
//
//   slab::Cache<T, Lock, SlabSize>  copyable, reference-counted handle of a
//                                   cache of T. The cache ends when the last
//                                   handle is gone and every object is back.
//   slab::Box<T, Lock, SlabSize>    move-only owner of one T in a slot: it
//                                   destroys and frees it when it goes out of
//                                   scope, from any context the lock covers.
//   cache.make(args...)             constructs a T; reports out-of-memory as a
//                                   Result, never by an exception.
//
// The fast half of each operation (cache_alloc_fast / cache_free_fast in
// slab/detail/cache.hpp) inlines into the caller: no virtual call, no
// function pointer. The slow half (new slab, full or empty slab, refusals)
// is a call into libslab.a, compiled once.
// T's constructor must not throw (the library is built without exceptions).
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
    (void)free_locked_as<Lock>(s->cache, s, obj, false);
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
    (void)free_locked_as<Lock>(c, s, obj, true);
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail

// A value or the status that explains its absence. T is default-constructible
// (the empty Box or Cache).
template <class T>
class Result {
public:
    Result(slab_status status) noexcept : status_(status) {} // NOLINT: implicit by design
    Result(T &&value) noexcept : value_(detail::move(value)), status_(SLAB_OK) {} // NOLINT
    explicit operator bool() const noexcept { return status_ == SLAB_OK; }
    slab_status status() const noexcept { return status_; }
    T &operator*() noexcept { return value_; }
    T *operator->() noexcept { return &value_; }
    T take() noexcept { return detail::move(value_); }

private:
    T value_{};
    slab_status status_;
};

template <class T, class Lock = NoLock, size_t SlabSize = SLAB_DEFAULT_SLAB_SIZE>
class Box {
public:
    Box() noexcept = default;
    explicit Box(T *adopt) noexcept : p_(adopt) {}
    Box(Box &&other) noexcept : p_(other.p_) { other.p_ = nullptr; }
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
    SLAB_INLINE ~Box() { reset(); }

    // Destroys and frees the object now; the Box becomes empty.
    SLAB_INLINE void reset() noexcept
    {
        if (p_ != nullptr) {
            T *p = p_;
            p_ = nullptr;
            p->~T();
            detail::free_slot<Lock, SlabSize>(p);
        }
    }
    // Gives up ownership without destroying; free later with Box(ptr).
    T *release() noexcept
    {
        T *p = p_;
        p_ = nullptr;
        return p;
    }
    T *get() const noexcept { return p_; }
    T &operator*() const noexcept { return *p_; }
    T *operator->() const noexcept { return p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }

private:
    T *p_ = nullptr;
};

template <class T, class Lock = NoLock, size_t SlabSize = SLAB_DEFAULT_SLAB_SIZE>
class Cache {
    static_assert((SlabSize & (SlabSize - 1)) == 0 && SlabSize >= SLAB_MIN_SLAB_SIZE &&
                      SlabSize <= SLAB_MAX_SLAB_SIZE,
                  "SlabSize must be a power of two in [SLAB_MIN_SLAB_SIZE, SLAB_MAX_SLAB_SIZE]");
    static_assert(alignof(T) < SlabSize, "T's alignment must be below the slab size (the header is at offset 0)");

public:
    using box_type = Box<T, Lock, SlabSize>;

    // An empty handle; see create().
    Cache() noexcept = default;

    // Takes the master slab from the hook.
    // @retval as slab_cache_create(): SLAB_ETOOBIG, SLAB_ENOMEM, SLAB_EHOOKALIGN
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

    Cache(const Cache &other) noexcept : c_(other.c_)
    {
        if (c_ != nullptr) {
            Guard<Lock> hold(detail::lock_of<Lock>(c_));
            detail::cache_hold(c_);
        }
    }
    Cache(Cache &&other) noexcept : c_(other.c_) { other.c_ = nullptr; }
    Cache &operator=(const Cache &other) noexcept
    {
        if (this != &other) {
            Cache copy(other); // takes a handle before this one drops its own
            swap(copy);        // copy's destructor drops what this held
        }
        return *this;
    }
    Cache &operator=(Cache &&other) noexcept
    {
        swap(other); // other's destructor drops what this held
        return *this;
    }
    ~Cache() { drop(); }

    // Constructs a T in a slot. Empty Box and a status when out of memory.
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

    // A raw, uninitialized slot for a T, or NULL (status in *why if given).
    // Give it back with free_slot() or by adopting it in a Box once built.
    SLAB_INLINE void *try_alloc(slab_status *why = nullptr) noexcept
    {
        void *p = alloc_quiet(why);
        if (p != nullptr && why != nullptr) {
            *why = SLAB_OK;
        }
        return p;
    }

    // Frees a raw slot of this cache's kind (no destructor is run).
    SLAB_INLINE static void free_slot(void *slot) noexcept { detail::free_slot<Lock, SlabSize>(slot); }

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
    void reset_peak() noexcept
    {
        if (c_ != nullptr) {
            Guard<Lock> hold(detail::lock_of<Lock>(c_));
            detail::cache_reset_peak(c_);
        }
    }

    // The C view of the same cache (for slab_cache_validate and the C API).
    slab_cache *raw() const noexcept { return c_; }
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
