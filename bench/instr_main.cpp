// bench-instr driver: runs one (allocator, workload, size) for a given number
// of repetitions and exits, so that callgrind's instruction totals of two
// runs of different lengths differ only by the loop itself:
//   instructions per pair = (Ir(L2) - Ir(L1)) / ((L2 - L1) * pairs per rep)
// which cancels process start-up, allocator set-up and teardown.
//   instr_<flavour> list                     the allocator names it knows
//   instr_<flavour> ALLOC WORKLOAD SIZE REPS  WORKLOAD: hot | batch1k-same | mix100k
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.hpp"

namespace {

// A range of `reps` iterations, the shape of benchmark::State's loop.
struct Reps {
    long n;
    struct It {
        long i;
        bool operator!=(const It &o) const { return i != o.i; }
        void operator++() { ++i; }
        long operator*() const { return i; }
    };
    It begin() const { return It{0}; }
    It end() const { return It{n}; }
};

struct Runner {
    const char *alloc;
    const char *work;
    size_t size;
    long reps;
    bool list = false;
    int found = 0;
    int failed = 0;

    // noinline: each triple is a function of its own, so the compiler's
    // inlining inside it is what a user's function would get (inlined into
    // one huge visitor, GCC stops inlining on its function-growth limits).
    template <class W, class A, size_t N>
    __attribute__((noinline)) void apply()
    {
        if (list) {
            if (N == 64 && strcmp(W::name(), "hot") == 0) {
                printf("%s\n", A::name());
            }
            return;
        }
        if (N != size || strcmp(A::name(), alloc) != 0 || strcmp(W::name(), work) != 0) {
            return;
        }
        found++;
        A a;
        Reps loop{reps};
        if (!a.ok() || !W::run(a, loop)) {
            failed++;
        }
    }
};

// The workloads counted: the hot pair, a batch of 1e3 freed in order, and
// the random mix with 1e5 live objects (one free and one alloc per round).
using InstrWorkloads = bench::WorkList<bench::Hot, bench::Batch<1000, bench::Order::Same>, bench::Mix>;

template <class V>
void visit_all(V &v)
{
    bench::visit(v, InstrWorkloads{}, bench::Allocators{}, bench::Sizes{});
    bench::visit(v, InstrWorkloads{}, bench::InstrExtras{}, bench::Sizes{});
}

} // namespace

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        Runner r{"", "", 0, 0};
        r.list = true;
        visit_all(r);
        return 0;
    }
    if (argc != 5) {
        fprintf(stderr, "usage: %s list | ALLOC hot|batch1k-same|mix100k SIZE REPS\n", argv[0]);
        return 2;
    }
    Runner r{argv[1], argv[2], strtoul(argv[3], nullptr, 10), strtol(argv[4], nullptr, 10)};
    visit_all(r);
    if (r.found != 1 || r.failed != 0) {
        fprintf(stderr, "%s: %s/%s/%zu: found %d, failed %d\n", argv[0], r.alloc, r.work, r.size, r.found, r.failed);
        return 1;
    }
    return 0;
}
