// SPDX-License-Identifier: MIT
// Lint-only translation unit (tools/lint.sh): instantiates the C++ front's
// templates so that clang-tidy analyses their bodies (an uninstantiated
// template is only parsed, never checked). Never compiled into a program.
// The freestanding headers; the hosted ones (pmr) are in instantiate_hosted.cpp.
#include "slab/heap.hpp"
#include "slab/slab.hpp"
#include "slab/static.hpp"

namespace {

struct Pair {
    int a;
    long b;
};

int lint_use_front()
{
    auto made = slab::Cache<Pair>::create();
    if (!made) {
        return static_cast<int>(made.status());
    }
    slab::Cache<Pair> cache = made.take();
    slab::Cache<Pair> copy = cache;
    copy = cache;
    auto box = cache.make(Pair{1, 2});
    if (box) {
        slab::Cache<Pair>::box_type owner = box.take();
        return owner->a;
    }
    return 0;
}

// A static cache, the heap and its allocator (heap.hpp, static.hpp).
SLAB_CACHE_DEFINE_TYPED(lint_frames, Pair, slab::SpinLock, 4, "slab_lint");

int lint_use_heap()
{
    auto made = slab::Heap<slab::SpinLock>::create();
    if (!made) {
        return static_cast<int>(made.status());
    }
    slab::Heap<slab::SpinLock> heap = made.take();
    Pair *p = heap.make<Pair>(Pair{1, 2});
    slab::HeapAllocator<Pair> pairs(heap);
    slab::HeapAllocator<long> longs(pairs);
    long *l = longs.allocate(2);
    longs.deallocate(l, 2);
    int r = (pairs == longs) ? 1 : 0;
    slab::Heap<slab::SpinLock>::drop(p);
    auto box = lint_frames.make(Pair{3, 4});
    return box ? r + box.take()->a : r;
}

}  // namespace

int (*const lint_entry)() = lint_use_front;
int (*const lint_entry_heap)() = lint_use_heap;
