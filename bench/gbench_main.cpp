// Google Benchmark driver: registers every (workload, allocator, size) of
// suite.hpp as "workload/allocator/size". items_per_second counts alloc+free
// pairs, so ns per pair = 1e9 / items_per_second (tools/report.sh).
#include <benchmark/benchmark.h>

#include <string>

#include "suite.hpp"

namespace {

struct Register {
    template <class W, class A, size_t N>
    void apply()
    {
        if (bench::skipped<W, A>()) {
            return;
        }
        std::string name = std::string(W::name()) + "/" + A::name() + "/" + std::to_string(N);
        benchmark::RegisterBenchmark(name.c_str(), [](benchmark::State &state) {
            A a;
            if (!a.ok()) {
                state.SkipWithError("allocator setup failed");
                return;
            }
            if (!W::run(a, state)) {
                state.SkipWithError("an allocation returned NULL");
                return;
            }
            state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * W::kPairs));
        });
    }
};

} // namespace

int main(int argc, char **argv)
{
    Register r;
    bench::visit(r, bench::Workloads{}, bench::Allocators{}, bench::Sizes{});
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
