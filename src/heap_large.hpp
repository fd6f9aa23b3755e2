// SPDX-License-Identifier: MIT
// The heap's large blocks (src/heap_large.cpp): a block above the largest
// size class gets a page of its own from the heap's source, a power of two
// of at least D (SLAB_DEFAULT_SLAB_SIZE), with a header (large_hdr,
// page_marks.hpp) that names its heap and its geometry, and an entry in
// the heap's table (large_table.hpp), which is what a free is checked
// against. Internal.
//
//   an alignment below D (the usual case): the header at the page's base
//   base                                                       base + P
//   +-----------+----------------------------------------------+
//   | large_hdr | block, at off = the header's size rounded up  |
//   |           | to the alignment (below sizeof(slab_page))    |
//   +-----------+----------------------------------------------+
//
//   an alignment of D or more (kGeoAligned): the block at off = max(D,
//   align), its header at the start of the D-block right below it
//   base          base + off - D            base + off          base + P
//   +-------------+-----------+-------------+-------------------+
//   | (unused)    | large_hdr | (unused)    | block             |
//   +-------------+-----------+-------------+-------------------+
//
// The tag's low bits (kGeoMask) hold the geometry: log2 of the page (bits
// 0-4), kGeoAligned (bit 5) for the second form, log2 of the block's offset
// (bits 6-10); page_marks.hpp has the tag's magic.
#ifndef SLAB_SRC_HEAP_LARGE_HPP
#define SLAB_SRC_HEAP_LARGE_HPP

#include "heap_control.hpp"

namespace slab {
namespace detail {
namespace heap {

// The mark a large page keeps when it goes back to the hook: a function of
// its address alone, with no bit of the secret and no heap pointer (the page
// is not the heap's any more: issue 18). Anyone can write it; all it does
// is make a free of the block it names a refusal (SLAB_EDOUBLEFREE).
constexpr uintptr_t kGoneKey = sizeof(uintptr_t) == 8 ? uintptr_t(0x5851F42D4C957F2DULL) : uintptr_t(0x5851F42Du);
SLAB_INLINE uintptr_t gone_tag(const large_hdr *l, uintptr_t geo)
{
    return (((reinterpret_cast<uintptr_t>(l) + kD) ^ kGoneKey) & ~kGeoMask) | geo;
}

SLAB_INLINE size_t large_page(const large_hdr *l) { return size_t(1) << (l->tag & 31u); }
SLAB_INLINE size_t large_off(const large_hdr *l) { return size_t(1) << ((l->tag >> 6) & 31u); }
SLAB_INLINE char *large_user(const large_hdr *l)
{
    char *h = const_cast<char *>(static_cast<const char *>(static_cast<const void *>(l)));
    return h + ((l->tag & kGeoAligned) != 0 ? kD : large_off(l));
}
SLAB_INLINE char *large_base(const large_hdr *l) { return large_user(l) - large_off(l); }
// A retained page's link lives in its (freed) block.
SLAB_INLINE large_hdr **large_next(const large_hdr *l) { return static_cast<large_hdr **>(static_cast<void *>(large_user(l))); }

constexpr size_t kMaxPage = SLAB_MAX_SLAB_SIZE;

SLAB_INLINE bool large_valid(const large_hdr *l) { return large_is(l, kLargeLive); }

SLAB_INLINE bool large_freed(const large_hdr *l) { return large_is(l, kLargeFreed); }

SLAB_INLINE bool large_gone(const large_hdr *l) { return ((l->tag ^ gone_tag(l, 0)) & ~kGeoMask) == 0 && l->heap == nullptr; }

// Page size, block offset and header offset of a large block of `size`
// bytes aligned to `align` (a power of two, at least kAlign). False when no
// page can hold it.
struct large_plan {
    size_t page;
    size_t off;     // block at base + off
    size_t hdr_off; // header at base + hdr_off == (block - 1) masked with D
};
bool plan_large(size_t size, size_t align, large_plan *out);

SLAB_INLINE size_t large_usable(const large_hdr *l) { return large_page(l) - large_off(l); }

// A page from the heap's source, checked as the core checks its slabs
// (aligned, not a page the heap still uses), or NULL; take_page counts a
// failure when there is none, take_page_uncounted nothing.
void *take_page_uncounted(slab_heap *h, size_t size);
void *take_page(slab_heap *h, size_t size);
// The page source of the heap's class caches (slab_heap::class_source).
void *class_page_take(void *ctx, size_t size, size_t align);
int class_page_give(void *ctx, void *page, size_t size, size_t align);

// A new large block, under the heap's lock; NULL when no page or table
// room could be had.
SLAB_COLD void *large_alloc(slab_heap *h, size_t size, size_t align);
// The header of the block a table entry names, from the entry alone.
large_hdr *entry_header(const large_slot *e);
// The table's entry of the live block whose header is l, or NULL (a header
// the heap never wrote names nothing). Under the lock.
large_slot *large_entry(slab_heap *h, const large_hdr *l);
// Frees the live block of entry e. SLAB_EHOOKFREE when the hook refused its
// page (kept on the retained list).
slab_status large_free(slab_heap *h, large_slot *e);
// Gives a large page back with the gone mark; a refused one is kept on the
// retained list (false).
bool give_large_page(slab_heap *h, large_hdr *l);
// Offers every retained page back again. False when one is still refused.
bool give_retained(slab_heap *h);
// Gives the large table's page back when no large block lives (the table
// returns to the control page's slots). False when the hook refused it.
SLAB_INLINE bool release_table(slab_heap *h) { return table_release(&h->table, &h->class_source, &h->failures); }

}  // namespace heap
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_HEAP_LARGE_HPP
