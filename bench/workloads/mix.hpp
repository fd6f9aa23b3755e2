// Random mix: kLive objects live; each iteration frees one chosen at random
// and allocates its replacement. One pair per iteration. Exercises the free
// path on cold slabs (cache misses on the header) and, for boost's
// object_pool, its O(free chunks) ordered free.
#ifndef BENCH_WORKLOADS_MIX_HPP
#define BENCH_WORKLOADS_MIX_HPP

#include <vector>

#include "obj.hpp"

namespace bench {

struct Mix {
    static const char *name() { return "mix100k"; }
    static constexpr size_t kLive = 100000;
    static constexpr size_t kPairs = 1;
    static constexpr size_t kLiveMax = kLive;

    template <class A, class Loop>
    static bool run(A &a, Loop &loop)
    {
        std::vector<void *> live(kLive);
        bool ok = true;
        for (size_t i = 0; i < kLive; i++) {
            live[i] = a.alloc();
            ok &= live[i] != nullptr;
        }
        Rng rng;
        for (auto _ : loop) {
            (void)_;
            size_t i = rng.next() % kLive;
            a.free(live[i]);
            void *p = a.alloc();
            escape(p);
            live[i] = p;
        }
        for (void *p : live) {
            a.free(p);
        }
        return ok;
    }
};

} // namespace bench

#endif // BENCH_WORKLOADS_MIX_HPP
