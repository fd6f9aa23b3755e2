// SPDX-License-Identifier: MIT
/// @file
/// @brief libslab heap, C++ front (docs/heap.md): thin types over the C core of
/// slab/heap.h.
///
/// - slab::Heap<Lock>: move-only owner of a heap whose lock is Lock
///   (NoLock, SpinLock or IrqLock). It destroys the
///   heap when it goes, if no block is live then;
///   call destroy() to see the status.
/// - slab::HeapAllocator<T>: STL allocator over a heap (stateful: it holds
///   the heap). Usable with -fno-exceptions: an
///   allocation the heap cannot serve then calls
///   SLAB_HEAP_ALLOC_FAILED() (default: trap)
///   instead of throwing std::bad_alloc.
/// - slab::HeapResource: std::pmr::memory_resource over a heap: in
///   slab/heap_pmr.hpp (hosted only).
///
/// Blocks of any of them are freed by slab_heap_free (Heap::free), from any
/// handle or none.
#ifndef SLAB_HEAP_HPP
#define SLAB_HEAP_HPP

#include <stddef.h>

#include <new>

#include "slab/heap.h"
#include "slab/lock.hpp"
#include "slab/slab.hpp"

/// @def SLAB_HEAP_ALLOC_FAILED
/// @brief What HeapAllocator::allocate() does, built without exceptions, when
/// the heap cannot serve it (default: trap). Define it before including
/// slab/heap.hpp to do otherwise (if it returns, allocate() returns nullptr).
#ifndef SLAB_HEAP_ALLOC_FAILED
#define SLAB_HEAP_ALLOC_FAILED() __builtin_trap()
#endif

namespace slab {

namespace detail {
template <class Lock>
struct heap_flags {
    static_assert(Lock::kind != SLAB_LOCK_KIND_CUSTOM,
                  "slab::Heap takes NoLock, SpinLock or IrqLock: the heap's lock lives in its C control block");
    static_assert(Lock::kind != SLAB_LOCK_KIND_SPIN || SLAB_HAVE_ATOMIC_EXCHANGE,
                  "slab::SpinLock needs an atomic exchange (LDREX/STREX), which ARMv6-M (Cortex-M0/M0+) lacks: "
                  "use slab::IrqLock on a single-core M0");
    static constexpr unsigned value = Lock::kind == SLAB_LOCK_KIND_SPIN  ? SLAB_LOCK_SPIN_BIT_
                                      : Lock::kind == SLAB_LOCK_KIND_IRQ ? SLAB_LOCK_IRQ
                                                                         : 0u;
};
}  // namespace detail

/// @brief Move-only owner of a heap (slab/heap.h) whose lock is Lock.
///
/// It destroys the heap when it goes, if no block is live then; call
/// destroy() to see the status.
/// @tparam Lock  NoLock, SpinLock or IrqLock (the heap's lock lives in its C
///               control block: no custom lock type)
template <class Lock = NoLock>
class Heap {
public:
    /// @brief An empty handle; see create().
    Heap() noexcept = default;
    /// @brief Takes other's heap; other becomes empty. @param other  a handle, or empty
    Heap(Heap &&other) noexcept : h_(other.h_) { other.h_ = nullptr; }
    /// @brief Calls destroy() on this handle's heap, then takes other's.
    /// @param other  a handle, or empty; it becomes empty
    /// @return *this
    Heap &operator=(Heap &&other) noexcept
    {
        if (this != &other) {
            (void)destroy();
            h_ = other.h_;
            other.h_ = nullptr;
        }
        return *this;
    }
    Heap(const Heap &) = delete;
    Heap &operator=(const Heap &) = delete;
    /// @brief Destroys the heap, if no block is live (as destroy()).
    ~Heap() { (void)destroy(); }

    /// @brief A new heap (slab_heap_create()).
    /// @return the heap, or why there is none (slab_heap_create's statuses)
    static Result<Heap> create() noexcept
    {
        slab_heap *h = nullptr;
        slab_status st = slab_heap_create(&h, detail::heap_flags<Lock>::value);
        if (st != SLAB_OK) {
            return st;
        }
        return Heap(h);
    }

    /// @brief Gives every page back (slab_heap_destroy()); the handle is empty afterwards.
    /// @return SLAB_OK (also for an empty handle); SLAB_EBUSY (nothing
    ///         changes, the handle keeps the heap) while blocks are live;
    ///         else slab_heap_destroy()'s statuses (the handle keeps the heap)
    slab_status destroy() noexcept
    {
        if (h_ == nullptr) {
            return SLAB_OK;
        }
        slab_status st = slab_heap_destroy(h_);
        if (st == SLAB_OK) {
            h_ = nullptr;
        }
        return st;
    }

    /// @brief slab_heap_alloc() on this heap. @param size  bytes
    /// @return the block, or NULL
    void *alloc(size_t size) noexcept { return slab_heap_alloc(h_, size); }
    /// @brief slab_heap_aligned_alloc() on this heap.
    /// @param align  a power of two
    /// @param size   bytes
    /// @return the block, or NULL
    void *aligned_alloc(size_t align, size_t size) noexcept { return slab_heap_aligned_alloc(h_, align, size); }
    /// @brief slab_heap_calloc() on this heap.
    /// @param n     elements
    /// @param size  bytes of one
    /// @return the zeroed block, or NULL
    void *calloc(size_t n, size_t size) noexcept { return slab_heap_calloc(h_, n, size); }
    /// @brief slab_heap_realloc() on this heap.
    /// @param p     a block of the heap, or NULL
    /// @param size  bytes
    /// @return the block, or NULL
    void *realloc(void *p, size_t size) noexcept { return slab_heap_realloc(h_, p, size); }
    /// @brief slab_heap_free(): a block of any heap. @param p  the block, or NULL
    /// @return slab_heap_free()'s status
    static slab_status free(void *p) noexcept { return slab_heap_free(p); }
    /// @brief slab_heap_usable_size(). @param p  a block
    /// @return its usable bytes, 0 when p is not a live block
    static size_t usable_size(const void *p) noexcept { return slab_heap_usable_size(p); }

    /// @brief A T built in a block of the heap.
    ///
    /// T's constructor must not throw. Ends with drop().
    /// @param args  T's constructor arguments
    /// @return the object, or nullptr when there is no memory
    template <class T, class... Args>
    T *make(Args &&...args) noexcept
    {
        void *p = slab_heap_aligned_alloc(h_, alignof(T), sizeof(T));
        return p != nullptr ? new (p) T(detail::forward<Args>(args)...) : nullptr;
    }
    /// @brief Destroys and frees an object make() built.
    /// @param p  the object, or nullptr (nothing done)
    template <class T>
    static void drop(T *p) noexcept
    {
        if (p != nullptr) {
            p->~T();
            (void)slab_heap_free(p);
        }
    }

    /// @brief The heap's counters (slab_heap_stats()).
    /// @return them; all zero for an empty handle
    // Field by field: value-initialising the
    // struct would be a memset call at -Os, which freestanding firmware may
    // not have (the -nostdlib link of mk/test-nostdlib.mk).
    slab_heap_usage stats() const noexcept
    {
        slab_heap_usage u;
        if (slab_heap_stats(h_, &u) != SLAB_OK) {
            u.bytes_in_use = u.bytes_peak = u.blocks_in_use = u.pages = u.page_bytes = u.page_bytes_peak = 0;
            u.hook_failures = u.allocs = u.frees = u.large_blocks = u.classes_live = 0;
        }
        static_assert(sizeof(slab_heap_usage) == 11 * sizeof(size_t), "a field of slab_heap_usage is not zeroed here");
        return u;
    }
    /// @brief slab_heap_trim(). @return its status
    slab_status trim() noexcept { return slab_heap_trim(h_); }
    /// @brief slab_heap_reset_peak(). @return its status
    slab_status reset_peak() noexcept { return slab_heap_reset_peak(h_); }

    /// @brief The C view of the heap. @return it, or NULL for an empty handle
    slab_heap *raw() const noexcept { return h_; }
    /// @brief Whether the handle holds a heap. @return true unless empty
    explicit operator bool() const noexcept { return h_ != nullptr; }

private:
    explicit Heap(slab_heap *h) noexcept : h_(h) {}
    slab_heap *h_ = nullptr;
};

/// @brief An STL allocator over a heap (any lock): every allocation is a heap block
/// aligned to alignof(T).
///
/// Stateful: it holds the heap (not owned). Built without exceptions, an
/// allocation the heap cannot serve calls SLAB_HEAP_ALLOC_FAILED().
/// @tparam T  the element type
template <class T>
class HeapAllocator {
public:
    using value_type = T; ///< the element type

    /// @brief An allocator over `heap`. @param heap  the heap (not owned)
    explicit HeapAllocator(slab_heap *heap) noexcept : heap_(heap) {}
    /// @brief An allocator over heap's heap. @param heap  the handle (not owned)
    template <class Lock>
    explicit HeapAllocator(const Heap<Lock> &heap) noexcept : heap_(heap.raw())
    {
    }
    /// @brief The same heap for another type (rebinding). @param other  an allocator
    template <class U>
    HeapAllocator(const HeapAllocator<U> &other) noexcept : heap_(other.heap()) // NOLINT: rebinding is implicit
    {
    }

    /// @brief Room for n objects of T.
    /// @param n  objects
    /// @return the block; none: std::bad_alloc, or SLAB_HEAP_ALLOC_FAILED()
    ///         without exceptions
    T *allocate(size_t n)
    {
        void *p = nullptr;
        if (n <= size_t(-1) / sizeof(T)) {
            p = slab_heap_aligned_alloc(heap_, alignof(T), n * sizeof(T));
        }
        if (p == nullptr) {
#if defined(__cpp_exceptions)
            throw std::bad_alloc();
#else
            SLAB_HEAP_ALLOC_FAILED();
#endif
        }
        return static_cast<T *>(p);
    }
    /// @brief Frees a block allocate() returned (slab_heap_free_in()).
    /// @param p  the block
    void deallocate(T *p, size_t) noexcept { (void)slab_heap_free_in(heap_, p); }

    /// @brief The heap. @return it
    slab_heap *heap() const noexcept { return heap_; }

private:
    slab_heap *heap_;
};

/// @brief Allocators over the same heap are equal.
/// @param a  an allocator
/// @param b  an allocator
/// @return whether a and b use the same heap
template <class T, class U>
bool operator==(const HeapAllocator<T> &a, const HeapAllocator<U> &b) noexcept
{
    return a.heap() == b.heap();
}
/// @brief Allocators over different heaps differ.
/// @param a  an allocator
/// @param b  an allocator
/// @return whether a and b use different heaps
template <class T, class U>
bool operator!=(const HeapAllocator<T> &a, const HeapAllocator<U> &b) noexcept
{
    return a.heap() != b.heap();
}

}  // namespace slab

#endif  // SLAB_HEAP_HPP
