// Boost.Pool, the usual C++ choice for fixed-size objects:
//   boost-pool         boost::pool<>: unordered free list of chunks, O(1)
//                      both ways, memory only returned at destruction.
//   boost-object-pool  boost::object_pool<T>: malloc()/free() keep the free
//                      list ORDERED by address, so free is O(free chunks).
//   boost-fast-pool    boost::fast_pool_allocator<T>: a process-wide
//                      singleton pool behind a std::mutex.
#ifndef BENCH_ADAPTERS_BOOST_POOL_HPP
#define BENCH_ADAPTERS_BOOST_POOL_HPP

#include <boost/pool/object_pool.hpp>
#include <boost/pool/pool.hpp>
#include <boost/pool/pool_alloc.hpp>

#include "obj.hpp"

namespace bench {

template <size_t N>
struct BoostPool {
    static const char *name() { return "boost-pool"; }
    boost::pool<> pool{N};
    bool ok() const { return true; }
    BENCH_INLINE void *alloc() { return pool.malloc(); }
    BENCH_INLINE void free(void *p) { pool.free(p); }
};

template <size_t N>
struct BoostObjectPool {
    static const char *name() { return "boost-object-pool"; }
    // free() walks the ordered free list: workloads with many live objects
    // freed out of address order are quadratic and are skipped (see
    // workloads/batch.hpp) rather than run for hours.
    static constexpr bool kOrderedFree = true;
    boost::object_pool<Obj<N>> pool;
    bool ok() const { return true; }
    BENCH_INLINE void *alloc() { return pool.malloc(); }
    BENCH_INLINE void free(void *p) { pool.free(static_cast<Obj<N> *>(p)); }
};

template <size_t N>
struct BoostFastPool {
    static const char *name() { return "boost-fast-pool"; }
    boost::fast_pool_allocator<Obj<N>> a;
    bool ok() const { return true; }
    BENCH_INLINE void *alloc() { return a.allocate(1); }
    BENCH_INLINE void free(void *p) { a.deallocate(static_cast<Obj<N> *>(p), 1); }
};

} // namespace bench

#endif // BENCH_ADAPTERS_BOOST_POOL_HPP
