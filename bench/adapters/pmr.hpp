// The standard library's pools (libstdc++ 12): std::pmr::
// unsynchronized_pool_resource and synchronized_pool_resource (the latter
// with a shared mutex and per-thread pools), over new_delete_resource().
#ifndef BENCH_ADAPTERS_PMR_HPP
#define BENCH_ADAPTERS_PMR_HPP

#include <memory_resource>

#include "obj.hpp"

namespace bench {

template <size_t N, class Resource>
struct Pmr {
    static const char *name()
    {
        return std::is_same<Resource, std::pmr::unsynchronized_pool_resource>::value ? "pmr-unsync" : "pmr-sync";
    }
    Resource r;
    bool ok() const { return true; }
    BENCH_INLINE void *alloc() { return r.allocate(N, alignof(void *)); }
    BENCH_INLINE void free(void *p) { r.deallocate(p, N, alignof(void *)); }
};

template <size_t N>
using PmrUnsync = Pmr<N, std::pmr::unsynchronized_pool_resource>;
template <size_t N>
using PmrSync = Pmr<N, std::pmr::synchronized_pool_resource>;

} // namespace bench

#endif // BENCH_ADAPTERS_PMR_HPP
