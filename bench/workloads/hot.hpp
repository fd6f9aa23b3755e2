// Hot pair: allocate one object and free it at once, over and over. The
// allocator's best case (one cache line, one slot); what the instruction
// targets of issue 7 are stated for. One alloc+free pair per iteration.
#ifndef BENCH_WORKLOADS_HOT_HPP
#define BENCH_WORKLOADS_HOT_HPP

#include "obj.hpp"

namespace bench {

struct Hot {
    static const char *name() { return "hot"; }
    static constexpr size_t kPairs = 1; // alloc+free pairs per iteration
    static constexpr size_t kLiveMax = 1;

    // Loop: benchmark::State, or any range whose iterations are the reps.
    template <class A, class Loop>
    static bool run(A &a, Loop &loop)
    {
        for (auto _ : loop) {
            (void)_;
            void *p = a.alloc();
            escape(p);
            a.free(p);
        }
        return true;
    }
};

} // namespace bench

#endif // BENCH_WORKLOADS_HOT_HPP
