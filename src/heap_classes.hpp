// SPDX-License-Identifier: MIT
// The heap's size classes (docs/heap.md), as compile-time arithmetic on the
// build's options: no table in RAM, no search at run time.
//
//   classes 0 .. kFine-1      multiples of kAlign up to 64 B
//   then, per power of two    2^n + 1 .. 2^(n+1) in four steps of 2^(n-2)
//                             (80, 96, 112, 128 | 160, 192, 224, 256 | ...)
//   up to the last class      whose slave slab (SLAB_DEFAULT_SLAB_SIZE) holds
//                             at least two slots; larger sizes get a page.
// A size finds its class by one count-leading-zeros, two shifts and an add
// (a 64-bit host: one load from a table made at compile time).
#ifndef SLAB_SRC_HEAP_CLASSES_HPP
#define SLAB_SRC_HEAP_CLASSES_HPP

#include "slab/detail/cache.hpp"

namespace slab {
namespace detail {
namespace heap {

// Every block is aligned to max_align_t (and at least to a pointer).
constexpr size_t kAlign = alignof(max_align_t) > alignof(void *) ? alignof(max_align_t) : alignof(void *);
constexpr size_t kD = SLAB_DEFAULT_SLAB_SIZE;
constexpr size_t kRedzone = SLAB_CHECKS ? SLAB_REDZONE : 0u;
constexpr size_t kFineTop = 64;
constexpr size_t kFine = kFineTop / kAlign; // classes of the fine range
static_assert(kFineTop % kAlign == 0 && kAlign <= 16, "the fine range must hold whole steps");

constexpr size_t round_up(size_t x, size_t a) { return (x + a - 1u) & ~(a - 1u); }

// Class i's block size.
constexpr size_t class_bytes(size_t i)
{
    if (i < kFine) {
        return (i + 1u) * kAlign;
    }
    size_t j = i - kFine;
    size_t n = 6u + j / 4u;
    return (size_t(1) << n) + (j % 4u + 1u) * (size_t(1) << (n - 2u));
}

// The slot stride a cache of class size `bytes` gets (src/geometry.cpp).
constexpr size_t class_stride(size_t bytes)
{
    return round_up(bytes + kRedzone < sizeof(void *) ? sizeof(void *) : bytes + kRedzone, kAlign);
}

// Slots in a slave slab of size kD (src/geometry.cpp's formula: a byte map
// of kD / stride entries while that leaves at most 253 slots, else two bytes
// per slot).
constexpr size_t slave_slots(size_t bytes)
{
    size_t room = kD - sizeof(slab_page);
    size_t stride = class_stride(bytes);
    size_t n = room > kD / stride ? (room - kD / stride) / stride : 0u;
    if (n > kMaxSlots<uint8_t>) {
        n = room / (stride + 2u);
        n = n > kMaxSlots<uint16_t> ? kMaxSlots<uint16_t> : n;
    }
    return n;
}

constexpr size_t count_classes()
{
    size_t i = 0;
    while (class_bytes(i) < kD && slave_slots(class_bytes(i)) >= 2u) {
        i++;
    }
    return i;
}

constexpr size_t kClasses = count_classes();
static_assert(kClasses >= 1, "SLAB_DEFAULT_SLAB_SIZE too small for a heap");
constexpr size_t kMaxSmall = class_bytes(kClasses - 1u);

SLAB_INLINE unsigned floor_log2(size_t x)
{
    if (sizeof(size_t) == sizeof(unsigned long long) && sizeof(size_t) != sizeof(unsigned)) {
        return 63u - static_cast<unsigned>(__builtin_clzll(static_cast<unsigned long long>(x)));
    }
    return 31u - static_cast<unsigned>(__builtin_clz(static_cast<unsigned>(x)));
}

// Class of a size in [0, kMaxSmall], by the formula.
SLAB_INLINE size_t class_by_formula(size_t size)
{
    if (size <= kFineTop) {
        return size == 0 ? 0 : (size - 1u) / kAlign;
    }
    unsigned n = floor_log2(size - 1u); // size in (2^n, 2^(n+1)], n >= 6
    return kFine + size_t(n - 6u) * 4u + (((size - 1u) >> (n - 2u)) & 3u);
}

// The same, one byte per kAlign step of size, built at compile time: on a
// 64-bit host one load is shorter than the count of leading zeros and its
// fix-ups (113 bytes of read-only data there). A 32-bit target keeps the
// formula, which costs it no flash.
constexpr size_t kClassSteps = kMaxSmall / kAlign + 1u;
struct class_table {
    uint8_t of[kClassSteps];
};
constexpr size_t class_by_loop(size_t size)
{
    size_t i = 0;
    while (class_bytes(i) < size) {
        i++;
    }
    return i;
}
constexpr class_table make_class_table()
{
    class_table t{};
    for (size_t k = 0; k < kClassSteps; k++) {
        t.of[k] = static_cast<uint8_t>(class_by_loop(k * kAlign));
    }
    return t;
}
constexpr bool kClassTable = sizeof(void *) == 8;
static_assert(kClasses <= 255, "class numbers must fit the table's bytes");

SLAB_INLINE size_t class_of(size_t size)
{
    if constexpr (kClassTable) {
        static constexpr class_table kTable = make_class_table();
        return kTable.of[(size + kAlign - 1u) / kAlign];
    } else {
        return class_by_formula(size);
    }
}

}  // namespace heap
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_HEAP_CLASSES_HPP
