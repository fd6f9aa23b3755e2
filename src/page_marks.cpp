// SPDX-License-Identifier: MIT
// The check of a page from a source against the marks of ours (see
// page_marks.hpp): used by the page bridge for every slab and by the heap
// for its large pages. The heap's own marks are checked by heap_page_marked
// (src/large_table.cpp), reached through a weak reference: a program with no
// heap has no heap pages, and links none of that code.
#include "page_marks.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

namespace {

// A slab header of any slab size at s: its magic names its own size, so
// one computation finds the only size it could be (slab_page.hpp).
bool holds_slab(const slab_page *s)
{
    uintptr_t top = (s->magic ^ reinterpret_cast<uintptr_t>(s->cache) ^ slab_secret ^ kMagicKey) & ~kWideMagic;
    uintptr_t size = top - reinterpret_cast<uintptr_t>(s);
    return size >= SLAB_MIN_SLAB_SIZE && size <= SLAB_MAX_SLAB_SIZE && (size & (size - 1u)) == 0 &&
           (reinterpret_cast<uintptr_t>(s) & (size - 1u)) == 0;
}

}  // namespace

bool page_in_use(const void *page, size_t size)
{
    if (holds_slab(static_cast<const slab_page *>(page))) {
        return true;
    }
    // (A weak function's address is NULL when no heap is linked.)
    return &heap_page_marked != nullptr && heap_page_marked(page, size);
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
