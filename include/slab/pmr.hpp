// SPDX-License-Identifier: MIT
/// @file
/// @brief std::pmr adapter (hosted C++17 only: `<memory_resource>` is not freestanding).
///
/// slab::PoolResource<Size, Align, Lock, SlabSize> is a memory_resource that
/// serves every request of at most Size bytes and alignment at most Align from
/// one slab cache, and forwards the rest to an upstream resource. It suits
/// node-based containers whose nodes all have one size:
/// @code
///   slab::PoolResource<sizeof(Node)> pool;         // upstream: new_delete_resource()
///   std::pmr::list<int> l(&pool);                  // each node is one slot
/// @endcode
///
/// The virtual calls are std::pmr's; under them the slab fast path is inlined.
/// A resource that could not take its master page is !ok(): every request then
/// goes upstream, so the containers still work. Once it has its cache, a
/// fitting request is served by the cache or fails as pmr says (bad_alloc,
/// through null_memory_resource): it never goes upstream, so deallocate knows
/// where a block came from by its size alone and never masks a foreign pointer.
#ifndef SLAB_PMR_HPP
#define SLAB_PMR_HPP

#include <memory_resource>

#include "slab/slab.hpp"

namespace slab {

/// @brief A memory_resource that serves every request of at most Size bytes
/// and alignment at most Align from one slab cache, and forwards the rest to
/// an upstream resource (see the file's description).
/// @tparam Size      largest request served by the cache, bytes
/// @tparam Align     largest alignment served by the cache
/// @tparam Lock      the cache's lock policy
/// @tparam SlabSize  the cache's slab size
template <size_t Size, size_t Align = alignof(void *), class Lock = NoLock,
          size_t SlabSize = SLAB_DEFAULT_SLAB_SIZE>
class PoolResource : public std::pmr::memory_resource {
    struct alignas(Align) Slot {
        unsigned char bytes[Size];
    };

public:
    /// @brief Creates the cache (its master page from the hook).
    /// @param upstream  where larger or more aligned requests go, and every
    ///                  request when the cache could not be created
    explicit PoolResource(std::pmr::memory_resource *upstream = std::pmr::new_delete_resource()) noexcept
        : upstream_(upstream)
    {
        auto made = Cache<Slot, Lock, SlabSize>::create();
        status_ = made.status();
        if (made) {
            cache_ = made.take();
        }
    }

    /// @brief Whether the resource has its cache. @return status() == SLAB_OK
    bool ok() const noexcept { return status_ == SLAB_OK; }
    /// @brief SLAB_OK, or why the cache could not be created. @return the status
    slab_status status() const noexcept { return status_; }
    /// @brief The cache's counters (Cache::stats()). @return them
    slab_stats stats() const noexcept { return cache_.stats(); }

private:
    static bool fits(size_t bytes, size_t align) noexcept { return bytes <= Size && align <= Align; }

    void *do_allocate(size_t bytes, size_t align) override
    {
        if (fits(bytes, align) && cache_) {
            void *p = cache_.try_alloc();
            return p != nullptr ? p : std::pmr::null_memory_resource()->allocate(bytes, align);
        }
        return upstream_->allocate(bytes, align);
    }

    void do_deallocate(void *p, size_t bytes, size_t align) override
    {
        if (fits(bytes, align) && cache_) {
            Cache<Slot, Lock, SlabSize>::free_slot(p);
            return;
        }
        upstream_->deallocate(p, bytes, align);
    }

    bool do_is_equal(const std::pmr::memory_resource &other) const noexcept override { return this == &other; }

    std::pmr::memory_resource *upstream_;
    Cache<Slot, Lock, SlabSize> cache_;
    slab_status status_ = SLAB_OK;
};

}  // namespace slab

#endif  // SLAB_PMR_HPP
