// What the heap must hand out, from its documentation only (heap.h,
// docs/heap.md), never from src/: the class a size gets, the page and offset
// of a large block, and whether a realloc keeps its block. The class sizes
// come from the public table (slab_heap_class_size); the choice among them,
// the large-page rule and the checked-mode red zone from the docs.
#ifndef SLAB_TEST_FUZZ_HEAP_MODEL_HPP
#define SLAB_TEST_FUZZ_HEAP_MODEL_HPP

#include <cstddef>
#include <cstdint>

#include "slab/heap.h"

namespace hmodel {

constexpr size_t kD = SLAB_DEFAULT_SLAB_SIZE;
constexpr size_t kA = alignof(max_align_t) > alignof(void *) ? alignof(max_align_t) : alignof(void *);
constexpr size_t kRedzone = SLAB_CHECKS ? SLAB_REDZONE : 0;
constexpr size_t kLargeHeader = 2 * sizeof(void *);
constexpr size_t kSlabHeader = 4 * sizeof(void *) + 8; // a slab's header (docs/heap.md)
constexpr size_t kMaxPage = SLAB_MAX_SLAB_SIZE;
constexpr size_t kNoClass = ~size_t(0);

inline size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }
inline bool pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

// A slot's stride: the class size plus the red zone, rounded to kA.
inline size_t stride_of(size_t cls) { return round_up(cls + kRedzone, kA); }

// Where a block goes: a class (index, size) or a large page.
struct Plan {
    bool ok;         // false: NULL without a page asked (too large, bad alignment)
    bool large;
    size_t cls;      // small: class index
    size_t usable;   // the usable size the block must report
    size_t page;     // large: page size
    size_t off;      // large: block offset from the page's base
    size_t hdr_off;  // large: header offset from the page's base
};

// The plan of slab_heap_aligned_alloc(align, size) (align a power of two; an
// align up to kA is plain slab_heap_alloc): the first class at least
// max(size, align) whose stride is a multiple of align, else a page of the
// smallest power of two, at least D, holding the header and the block (the
// block D above its header when right after it would be a slab header's
// size or more into its D-block).
inline Plan plan(size_t size, size_t align)
{
    Plan p{};
    if (align < kA) {
        align = kA;
    }
    size_t want = size > align ? size : align;
    if (size == 0 && align == kA) {
        want = 1;
    }
    for (size_t i = 0; i < slab_heap_class_count(); i++) {
        size_t c = slab_heap_class_size(i);
        if (c >= want && (align == kA || stride_of(c) % align == 0)) {
            p.ok = true;
            p.cls = i;
            p.usable = c;
            return p;
        }
    }
    if (align > kMaxPage / 2) {
        return p;
    }
    p.large = true;
    // The block right after its header, unless that puts it at or past a
    // slab header's size into its D-block: then D above its header (at the
    // alignment, for D and more), as docs/heap.md says.
    p.off = round_up(kLargeHeader, align);
    p.hdr_off = 0;
    if (p.off >= kSlabHeader) {
        p.off = align < kD ? kD : align;
        p.hdr_off = p.off - kD;
    }
    size_t need = p.off + (size == 0 ? 1 : size);
    if (need < p.off || need > kMaxPage) {
        return p;
    }
    p.page = kD;
    while (p.page < need) {
        p.page *= 2;
    }
    p.usable = p.page - p.off;
    p.ok = true;
    return p;
}

// realloc keeps a block in place when the size stays in its class (small),
// or fits it and a fresh block of that size would take a page of the same
// size (large).
inline bool realloc_keeps(size_t size, bool large, size_t usable, size_t page)
{
    Plan p = plan(size == 0 ? 1 : size, kA);
    if (!large) {
        return !p.large && p.usable == usable;
    }
    return p.large && size <= usable && p.page == page;
}

}  // namespace hmodel

#endif  // SLAB_TEST_FUZZ_HEAP_MODEL_HPP
