// SPDX-License-Identifier: MIT
// A heap magazine's capacity as docs/heap.md gives it, for the tests'
// models (test/heap/cores_test.cpp, test/fuzz/cores/fuzz_cores.cpp): on a
// 64-bit host about SLAB_HEAP_MAGAZINE_BYTES of blocks of the class (65536
// unless the build says otherwise; the fuzzers' library uses 1024), at
// least 16 and at most 128; on a 32-bit one, 8 of every class. Written from
// the documentation, not from src/heap_cores.hpp, so that the two can
// disagree.
#ifndef SLAB_TEST_HEAP_MAGAZINES_HPP
#define SLAB_TEST_HEAP_MAGAZINES_HPP

#include <cstddef>
#include <cstdint>

#ifndef SLAB_HEAP_MAGAZINE_BYTES
#define SLAB_HEAP_MAGAZINE_BYTES 65536
#endif

// class_size: the block size of the class (slab_heap_class_size).
inline uint32_t heap_mag_cap(size_t class_size)
{
    if (sizeof(void *) != 8) {
        return 8u;
    }
    size_t n = size_t(SLAB_HEAP_MAGAZINE_BYTES) / class_size;
    return n < 16u ? 16u : n > 128u ? 128u : static_cast<uint32_t>(n);
}

#endif  // SLAB_TEST_HEAP_MAGAZINES_HPP
