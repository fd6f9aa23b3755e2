// Batch: allocate N objects, then free all N in the same order, in reverse,
// or in a random order (a fixed permutation, the same for every allocator).
// N alloc+free pairs per iteration. The slabs' cost of taking and giving back
// pages shows here (a slab allocator keeps one spare, not N/capacity).
#ifndef BENCH_WORKLOADS_BATCH_HPP
#define BENCH_WORKLOADS_BATCH_HPP

#include <stdint.h>

#include <vector>

#include "obj.hpp"

namespace bench {

enum class Order { Same, Reverse, Random };

template <size_t Count, Order O>
struct Batch {
    static constexpr size_t kPairs = Count;
    static const char *name()
    {
        static const char *const names[2][3] = {
            {"batch1k-same", "batch1k-reverse", "batch1k-random"},
            {"batch1m-same", "batch1m-reverse", "batch1m-random"},
        };
        return names[Count >= 1000000 ? 1 : 0][static_cast<int>(O)];
    }
    static constexpr size_t kLiveMax = Count; // most objects live at once

    template <class A, class Loop>
    static bool run(A &a, Loop &loop)
    {
        std::vector<void *> ptrs(Count);
        std::vector<uint32_t> order(Count);
        for (size_t i = 0; i < Count; i++) {
            order[i] = static_cast<uint32_t>(O == Order::Reverse ? Count - 1 - i : i);
        }
        if (O == Order::Random) {
            Rng rng;
            for (size_t i = Count - 1; i > 0; i--) {
                size_t j = rng.next() % (i + 1);
                uint32_t t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        bool ok = true;
        for (auto _ : loop) {
            (void)_;
            for (size_t i = 0; i < Count; i++) {
                void *p = a.alloc();
                escape(p);
                ptrs[i] = p;
            }
            for (size_t i = 0; i < Count; i++) {
                void *p = ptrs[order[i]];
                ok &= p != nullptr;
                a.free(p);
            }
        }
        return ok;
    }
};

} // namespace bench

#endif // BENCH_WORKLOADS_BATCH_HPP
