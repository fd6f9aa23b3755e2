// SPDX-License-Identifier: MIT
// The marks a page of ours carries, and the one check every page from a
// source goes through before the library writes into it (issue 18, item 5):
// a page the source hands out while it still holds a live slab (of any
// size), a heap's control block, or a large heap block's header (live, or
// freed and kept by its heap) is one the source handed out twice, and is
// never used.
//
// The marks, each a word that needs the program's secret (slab_secret):
//   slab header     magic == (base + S) ^ cache ^ secret ^ kMagicKey
//                   (slab_page.hpp; one word of it flipped for wide maps)
//   heap control    magic == base ^ secret ^ kHeapKey (at the page's base)
//   large header    tag: slab_magic(hdr, heap, D) ^ tweak in all but the low
//                   11 bits (the block's geometry), at the page's base or,
//                   for a block aligned to 2 D or more, at align - D
//   large table     magic == base ^ secret ^ kHeapKey ^ kTableKey (at the
//                   page's base: large_table.hpp)
#ifndef SLAB_SRC_PAGE_MARKS_HPP
#define SLAB_SRC_PAGE_MARKS_HPP

#include "slab/detail/cache.hpp"

struct slab_heap;

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

// Header of a large heap block: two words, so that a block of D - 2 words
// (perl's 4080-byte arenas on x86-64) still fits one page of D.
//   tag   the magic (a slab magic of the header's address and heap, with a
//         tweak for live or freed) in all but the low 11 bits, which hold
//         the block's geometry:
//           bits 0-4   log2(P), the page size (a power of two, at least D)
//           bit 5      the block is aligned to D or more: it starts D bytes
//                      above the header, which sits in the page's middle
//           bits 6-10  log2(the block's offset from the page's base), a
//                      power of two (max(2 words, align) or align)
//   heap  the owning heap
// Without bit 5 the header is at the page's base and the block right after
// it (the offset). The magic check covers 53 bits on 64-bit targets and 21
// on 32-bit ones, with the program's secret in them.
struct large_hdr {
    uintptr_t tag;
    ::slab_heap *heap;
};

constexpr uintptr_t kGeoMask = 0x7FF;
constexpr uintptr_t kGeoAligned = 0x20;
constexpr uintptr_t kLargeLive = uintptr_t(0x35) << 11;  // tweak of a live block's magic
constexpr uintptr_t kLargeFreed = uintptr_t(0x4B) << 11; // tweak of a freed block's page the heap keeps (retained)
constexpr uintptr_t kHeapKey = sizeof(uintptr_t) == 8 ? uintptr_t(0xC2B2AE3D27D4EB4FULL) : uintptr_t(0xC2B2AE3Du);
constexpr uintptr_t kTableKey = sizeof(uintptr_t) == 8 ? uintptr_t(0x165667B19E3779F9ULL) : uintptr_t(0x165667B1u);

SLAB_INLINE uintptr_t large_tag(const large_hdr *l, const ::slab_heap *h, uintptr_t tweak, uintptr_t geo)
{
    return ((slab_magic(l, h, SLAB_DEFAULT_SLAB_SIZE) ^ tweak) & ~kGeoMask) | geo;
}

SLAB_INLINE bool large_is(const large_hdr *l, uintptr_t tweak)
{
    return ((l->tag ^ slab_magic(l, l->heap, SLAB_DEFAULT_SLAB_SIZE) ^ tweak) & ~kGeoMask) == 0;
}

// The magic of a heap's control block at address h (its first word).
SLAB_INLINE uintptr_t heap_magic_at(const void *h)
{
    return reinterpret_cast<uintptr_t>(h) ^ kHeapKey ^ slab_secret;
}

// True when the page of `size` bytes at `page` (aligned to size) holds one
// of the marks above: a live slab of any slab size at its base, a heap's
// control block, or a live or retained large header at any place a large
// block of a page of this size puts it. O(log(size / D)) reads, all inside
// the page.
// True when page (size bytes, from a source) holds a mark of ours: a slab
// header of any size, or one of heap_page_marked's.
bool page_in_use(const void *page, size_t size);

// True when page holds a mark of a heap's: its control block, its large
// table, or a large header (live or kept) at any place a large block puts
// it. Defined with the heap (src/large_table.cpp); weak here, so that
// page_in_use links it only into a program that has a heap.
__attribute__((weak)) bool heap_page_marked(const void *page, size_t size);

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_PAGE_MARKS_HPP
