// What is measured: the allocators of this binary, the workloads, the sizes,
// and one loop that visits every (workload, allocator, size) triple. The
// drivers (gbench_main.cpp, instr_main.cpp, latency_main.cpp) differ only in
// what they do with a triple.
//
// BENCH_FLAVOUR picks the process: mimalloc and jemalloc, as Debian builds
// them, replace malloc for the whole process once linked, so each gets a
// binary of its own and glibc is measured where nothing replaced it.
//   0  libslab, glibc, Boost.Pool, std::pmr, bare free list   (bench_main)
//   1  mimalloc                                               (bench_mimalloc)
//   2  jemalloc                                               (bench_jemalloc)
#ifndef BENCH_SUITE_HPP
#define BENCH_SUITE_HPP

#include <stddef.h>

#include "workloads/batch.hpp"
#include "workloads/hot.hpp"
#include "workloads/mix.hpp"
#include "workloads/queue.hpp"

#ifndef BENCH_FLAVOUR
#define BENCH_FLAVOUR 0
#endif

#if BENCH_FLAVOUR == 1
#include "adapters/mimalloc.hpp"
#elif BENCH_FLAVOUR == 2
#include "adapters/jemalloc.hpp"
#else
#include "adapters/boost_pool.hpp"
#include "adapters/freelist.hpp"
#include "adapters/libc.hpp"
#include "adapters/pmr.hpp"
#include "adapters/slab.hpp"
#endif // BENCH_FLAVOUR

namespace bench {

template <template <size_t> class... As>
struct AllocList {};
template <class... Ws>
struct WorkList {};
template <size_t... Ns>
struct SizeList {};

#if BENCH_FLAVOUR == 1
using Allocators = AllocList<Mimalloc>;
using InstrExtras = AllocList<>;
#elif BENCH_FLAVOUR == 2
using Allocators = AllocList<Jemalloc, JemallocX>;
using InstrExtras = AllocList<>;
#else
template <size_t N>
using SlabCNoLock = SlabC<N, 0>;
template <size_t N>
using SlabCSpin = SlabC<N, SLAB_LOCK_SPIN>;
template <size_t N>
using SlabBoxNoLock = SlabBox<N, slab::NoLock>;
template <size_t N>
using SlabBoxSpin = SlabBox<N, slab::SpinLock>;
using Allocators = AllocList<SlabBoxNoLock, SlabBoxSpin, SlabCNoLock, SlabCSpin, FreeList, BoostPool, BoostObjectPool,
                             BoostFastPool, Glibc, PmrUnsync, PmrSync>;
// Variants that only bench-instr runs, to price one feature each.
using InstrExtras = AllocList<SlabBoxNoMagic, SlabBoxPinned>;
#endif // BENCH_FLAVOUR

using Workloads = WorkList<Hot, Batch<1000, Order::Same>, Batch<1000, Order::Reverse>, Batch<1000, Order::Random>,
                           Batch<1000000, Order::Same>, Batch<1000000, Order::Reverse>,
                           Batch<1000000, Order::Random>, Queue, Mix>;
using Sizes = SizeList<16, 64, 256>;

// True for a (workload, allocator) pair not run at all: boost::object_pool
// keeps its free list ordered by address, so free (out of address order) and
// growth (merging a new block into the list) walk that list: with 1e5 or more
// live objects a run takes minutes to hours (seen: over 7 minutes for one
// batch of 1e6 256-byte objects freed in reverse).
template <class W, class A>
constexpr bool skipped(long)
{
    return false;
}
template <class W, class A>
constexpr auto skipped(int) -> decltype(A::kOrderedFree, bool())
{
    return W::kLiveMax >= 100000;
}
template <class W, class A>
constexpr bool skipped()
{
    return skipped<W, A>(0);
}

// An allocator template as a value, so a lambda can receive it.
template <template <size_t> class A>
struct Tag {
    template <size_t N>
    using at = A<N>;
};

// Calls v.template apply<W, A<N>, N>() for every triple, workloads outermost.
template <class V, class... Ws, template <size_t> class... As, size_t... Ns>
void visit(V &v, WorkList<Ws...>, AllocList<As...>, SizeList<Ns...>)
{
    auto per_work = [&](auto w) {
        using W = decltype(w);
        auto per_alloc = [&](auto a) {
            (void)a;
            (v.template apply<W, typename decltype(a)::template at<Ns>, Ns>(), ...);
        };
        (void)per_alloc; // unused when the list is empty
        (per_alloc(Tag<As>{}), ...);
    };
    (per_work(Ws{}), ...);
}

} // namespace bench

#endif // BENCH_SUITE_HPP
