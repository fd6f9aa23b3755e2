// Known failure (issue 13 report): slab::Heap::stats() in heap.hpp
// value-initialises its slab_heap_usage (`u{}`), which GCC lowers to a
// memset call, so a -nostdlib firmware that calls it does not link.
// `make nostdlib-heap-probe` fails while that is so; once fixed, add this
// file to firmware/nostdlib/ (FW_NOSTDLIB_SRCS) and drop the probe target.
#include "slab/heap.hpp"

slab_heap_usage nostdlib_heap_stats(const slab::Heap<slab::NoLock> &h) { return h.stats(); }
