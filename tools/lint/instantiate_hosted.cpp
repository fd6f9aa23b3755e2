// SPDX-License-Identifier: MIT
// Lint-only translation unit (tools/lint.sh), as instantiate.cpp, for the
// C++ front's hosted headers: the std::pmr resources (pmr.hpp, heap_pmr.hpp),
// which need the hosted library, exceptions and RTTI. Never compiled into a
// program.
#include "slab/heap_pmr.hpp"
#include "slab/pmr.hpp"

namespace {

int lint_use_pmr()
{
    slab::PoolResource<64> pool;
    void *p = pool.allocate(64, 8);
    pool.deallocate(p, 64, 8);
    auto made = slab::Heap<>::create();
    if (!made) {
        return 1;
    }
    slab::Heap<> heap = made.take();
    slab::HeapResource res(heap);
    void *q = res.allocate(32, 8);
    res.deallocate(q, 32, 8);
    return pool.ok() ? 0 : 1;
}

}  // namespace

int (*const lint_entry_pmr)() = lint_use_pmr;
