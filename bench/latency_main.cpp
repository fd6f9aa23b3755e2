// bench-latency driver: the time of single operations, as a distribution.
// For each allocator of this binary (64-byte objects) and each count of live
// objects L in {1e3, 1e5, 1e6}:
//   fill    L allocations from an empty allocator, each timed: includes every
//           operation that takes a new slab (page) from the hook or the OS;
//   steady  kSteady rounds of "free a random live object, allocate one",
//           each free and each alloc timed.
// Prints CSV: allocator,live,phase,op,samples,p50,p99,p999,max (nanoseconds).
// Timed with rdtsc between lfences, minus the cost of an empty timed region;
// the TSC is converted to ns against CLOCK_MONOTONIC (on this VM the TSC
// advances in steps of about 10 ns: that is the resolution). The machine is
// shared and has 2 cores: `make bench-latency` runs this under SCHED_FIFO
// (chrt) when it can, so other processes do not preempt it; interrupts still
// do, and a max can be one (docs/performance.md says how to read them).
// Each phase starts after a 100 ms sleep, so that a SCHED_FIFO run never uses
// up the kernel's real-time budget (950 ms per second): a throttled task
// would show a 50 ms "operation".
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <algorithm>
#include <vector>

#include "suite.hpp"

namespace {

constexpr size_t kSize = 64;
constexpr size_t kSteady = 200000;

inline uint64_t ticks()
{
    _mm_lfence();
    uint64_t t = __rdtsc();
    _mm_lfence();
    return t;
}

double now_ns()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct Clock {
    double ns_per_tick = 1.0;
    uint64_t empty = 0; // ticks of an empty timed region (the floor)
    Clock()
    {
        double t0 = now_ns();
        uint64_t k0 = ticks();
        while (now_ns() - t0 < 20e6) {
        }
        ns_per_tick = (now_ns() - t0) / static_cast<double>(ticks() - k0);
        empty = ~uint64_t(0);
        for (int i = 0; i < 10000; i++) {
            uint64_t a = ticks();
            uint64_t b = ticks();
            empty = std::min(empty, b - a);
        }
    }
};

const Clock &clock_()
{
    static Clock c;
    return c;
}

void print(const char *alloc, size_t live, const char *phase, const char *op, std::vector<uint64_t> &t)
{
    std::sort(t.begin(), t.end());
    const Clock &c = clock_();
    auto at = [&](double q) {
        size_t i = static_cast<size_t>(q * static_cast<double>(t.size() - 1));
        uint64_t v = t[i] > c.empty ? t[i] - c.empty : 0;
        return static_cast<double>(v) * c.ns_per_tick;
    };
    printf("%s,%zu,%s,%s,%zu,%.0f,%.0f,%.0f,%.0f\n", alloc, live, phase, op, t.size(), at(0.5), at(0.99),
           at(0.999), at(1.0));
}

// The pause before each timed phase (none in the quick smoke run).
bool g_rest = true;
void rest()
{
    if (g_rest) {
        usleep(100000);
    }
}

// Live-object count as a workload, for bench::skipped<> (object_pool's
// ordered free makes 1e5+ random frees quadratic).
template <size_t L>
struct Live {
    static constexpr size_t kLiveMax = L;
};

struct Measure {
    template <class W, class A, size_t N>
    void apply()
    {
        if (N != kSize || bench::skipped<W, A>()) {
            return;
        }
        constexpr size_t live = W::kLiveMax;
        A a;
        if (!a.ok()) {
            failed = true;
            return;
        }
        std::vector<void *> objs(live);
        std::vector<uint64_t> fill(live), alloc_t(kSteady), free_t(kSteady);
        rest();
        for (size_t i = 0; i < live; i++) {
            uint64_t t0 = ticks();
            void *p = a.alloc();
            uint64_t t1 = ticks();
            bench::escape(p);
            objs[i] = p;
            fill[i] = t1 - t0;
            failed |= p == nullptr;
        }
        bench::Rng rng;
        rest();
        for (size_t k = 0; k < kSteady; k++) {
            size_t i = rng.next() % live;
            void *p = objs[i];
            uint64_t t0 = ticks();
            a.free(p);
            uint64_t t1 = ticks();
            p = a.alloc();
            uint64_t t2 = ticks();
            bench::escape(p);
            objs[i] = p;
            free_t[k] = t1 - t0;
            alloc_t[k] = t2 - t1;
            failed |= p == nullptr;
        }
        for (void *p : objs) {
            a.free(p);
        }
        print(A::name(), live, "fill", "alloc", fill);
        print(A::name(), live, "steady", "alloc", alloc_t);
        print(A::name(), live, "steady", "free", free_t);
        fflush(stdout);
    }
    bool failed = false;
};

} // namespace

int main(int argc, char **argv)
{
    // "quick": L = 1e3 only (the smoke test).
    bool quick = argc > 1 && argv[1][0] == 'q';
    g_rest = !quick;
    Measure m;
    (void)clock_();
    if (quick) {
        bench::visit(m, bench::WorkList<Live<1000>>{}, bench::Allocators{}, bench::SizeList<kSize>{});
    } else {
        bench::visit(m, bench::WorkList<Live<1000>, Live<100000>, Live<1000000>>{}, bench::Allocators{},
                     bench::SizeList<kSize>{});
    }
    return m.failed ? 1 : 0;
}
