// Fault injection (issue 4): for every N across a long workload, the Nth page
// hook call fails (once, or from N on), and the allocator must report it,
// leak nothing, hand out nothing twice and keep every cache valid. The
// workload and its per-step checks are in workload.hpp.
//
// FAULT_STRIDE=k in the environment sweeps every k-th N only (for the slow
// valgrind run); the default is every N.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "workload.hpp"

namespace {

using fault::Kind;
using fault::Plan;
using fault::RunResult;

uint64_t stride()
{
    const char *s = std::getenv("FAULT_STRIDE");
    long v = s != nullptr ? std::atol(s) : 1;
    return v > 0 ? static_cast<uint64_t>(v) : 1;
}

// The fault-free run: the workload must pass as is, and it must be long
// enough to be worth sweeping (hundreds of pages each way).
RunResult baseline()
{
    RunResult r = fault::run_workload(Plan{});
    EXPECT_EQ(r.faults, 0u);
    EXPECT_GE(r.alloc_calls, 200u) << "workload too short to exercise growth";
    EXPECT_GE(r.free_calls, 200u) << "workload too short to exercise shrinking";
    return r;
}

// Runs the workload with call N of one hook faulting, for every N the
// fault-free run makes (plus one past the end: a fault that never comes).
void sweep(Kind kind, bool from_on, bool of_alloc)
{
    RunResult base = baseline();
    ASSERT_FALSE(::testing::Test::HasFailure());
    uint64_t calls = of_alloc ? base.alloc_calls : base.free_calls;
    uint64_t runs = 0, faults = 0, steps = 0;
    for (uint64_t n = 1; n <= calls + 1; n += stride()) {
        RunResult r = fault::run_workload(Plan{kind, n, from_on});
        ASSERT_FALSE(::testing::Test::HasFailure()) << "first failing N = " << n;
        if (n <= calls) {
            // A duplicate needs a live page of the size asked to repeat; a
            // call that had none was answered normally, and says so.
            EXPECT_GE(r.faults + r.duplicates_missed, 1u) << "N = " << n << ": the planned fault never happened";
        } else {
            EXPECT_EQ(r.faults, 0u);
        }
        runs++;
        faults += r.faults;
        steps += r.steps;
    }
    EXPECT_GE(faults, runs / 2) << "most planned faults must happen";
    std::printf("fault sweep: %llu runs over N = 1..%llu, %llu faults injected, %llu steps checked\n",
                (unsigned long long)runs, (unsigned long long)calls + 1, (unsigned long long)faults,
                (unsigned long long)steps);
}

TEST(FaultPages, WorkloadPassesWithoutFaults) { baseline(); }

TEST(FaultPages, NthAllocReturnsNull) { sweep(Kind::kNull, false, true); }

TEST(FaultPages, EveryAllocFromNthOnReturnsNull) { sweep(Kind::kNull, true, true); }

TEST(FaultPages, NthAllocMisaligned) { sweep(Kind::kMisalign, false, true); }

TEST(FaultPages, NthAllocRepeatsALivePage) { sweep(Kind::kDuplicate, false, true); }

TEST(FaultPages, EveryAllocFromNthOnRepeatsALivePage) { sweep(Kind::kDuplicate, true, true); }

TEST(FaultPages, NthFreeRefused) { sweep(Kind::kRefuse, false, false); }

TEST(FaultPages, EveryFreeFromNthOnRefused) { sweep(Kind::kRefuse, true, false); }

}  // namespace
