// SPDX-License-Identifier: MIT
/// @file
/// @brief std::pmr over a libslab heap (hosted C++17 only: `<memory_resource>` is not
/// freestanding).
///
/// @code
///   slab::Heap<> heap = slab::Heap<>::create().take();
///   slab::HeapResource res(heap);               // does not own the heap
///   std::pmr::vector<std::pmr::string> v(&res); // every block from the heap
/// @endcode
///
/// Any size and alignment is served by the heap (small classes or a page);
/// what it cannot serve throws std::bad_alloc, as pmr requires. Deallocation
/// needs neither size nor alignment: slab_heap_free finds the block.
#ifndef SLAB_HEAP_PMR_HPP
#define SLAB_HEAP_PMR_HPP

#include <memory_resource>
#include <new>

#include "slab/heap.hpp"

namespace slab {

/// @brief A std::pmr::memory_resource over a heap (not owned): see the file's
/// description.
class HeapResource : public std::pmr::memory_resource {
public:
    /// @brief A resource over `heap`. @param heap  the heap (not owned)
    explicit HeapResource(slab_heap *heap) noexcept : heap_(heap) {}
    /// @brief A resource over heap's heap. @param heap  the handle (not owned)
    template <class Lock>
    explicit HeapResource(const Heap<Lock> &heap) noexcept : heap_(heap.raw())
    {
    }

    /// @brief The heap. @return it
    slab_heap *heap() const noexcept { return heap_; }

private:
    void *do_allocate(size_t bytes, size_t align) override
    {
        void *p = slab_heap_aligned_alloc(heap_, align, bytes);
        if (p == nullptr) {
            throw std::bad_alloc();
        }
        return p;
    }

    void do_deallocate(void *p, size_t, size_t) override { (void)slab_heap_free_in(heap_, p); }

    bool do_is_equal(const std::pmr::memory_resource &other) const noexcept override
    {
        const HeapResource *o = dynamic_cast<const HeapResource *>(&other);
        return o != nullptr && o->heap_ == heap_;
    }

    slab_heap *heap_;
};

}  // namespace slab

#endif  // SLAB_HEAP_PMR_HPP
