// Compile check (make test-heap): slab::Heap and slab::HeapAllocator in
// firmware code built without exceptions or RTTI, under an STL container,
// for Cortex-M. Never run: only compiled and its object's undefined symbols
// checked (no exception machinery may be referenced).
#include <vector>

#include "slab/heap.hpp"

int firmware_uses_the_heap();

int firmware_uses_the_heap()
{
    auto made = slab::Heap<slab::IrqLock>::create();
    if (!made) {
        return made.status();
    }
    slab::Heap<slab::IrqLock> heap = made.take();
    std::vector<int, slab::HeapAllocator<int>> v{slab::HeapAllocator<int>(heap)};
    for (int i = 0; i < 100; i++) {
        v.push_back(i);
    }
    int *p = heap.make<int>(5);
    int r = v[99] + (p != nullptr ? *p : 0);
    slab::Heap<slab::IrqLock>::drop(p);
    return r;
}
