// A per-cache page source (slab_page_source) for host tests: pages from
// aligned_alloc, counted, and a source that runs dry after a number of pages.
// Not copyable: ops.ctx names this object.
#ifndef SLAB_TEST_COUNTING_SOURCE_HPP
#define SLAB_TEST_COUNTING_SOURCE_HPP

#include <cstdlib>

#include "slab/slab.h"

namespace slabtest {

struct CountingSource {
    int allocs = 0;        // pages handed out
    int frees = 0;         // pages taken back
    int live = 0;          // allocs - frees
    int refuse_after = -1; // pages still to hand out before NULL (-1: never dry)
    slab_page_source ops = {take, give, this};

    CountingSource() = default;
    CountingSource(const CountingSource &) = delete;
    CountingSource &operator=(const CountingSource &) = delete;

    static void *take(void *ctx, size_t size, size_t align)
    {
        auto *s = static_cast<CountingSource *>(ctx);
        if (s->refuse_after == 0) {
            return nullptr;
        }
        if (s->refuse_after > 0) {
            s->refuse_after--;
        }
        s->allocs++;
        s->live++;
        return std::aligned_alloc(align, size);
    }
    static int give(void *ctx, void *page, size_t, size_t)
    {
        auto *s = static_cast<CountingSource *>(ctx);
        s->frees++;
        s->live--;
        std::free(page);
        return 0;
    }
};

}  // namespace slabtest

#endif  // SLAB_TEST_COUNTING_SOURCE_HPP
