// SPDX-License-Identifier: MIT
// The check of a page from a source against the marks of ours (see
// page_marks.hpp): used by the page bridge for every slab and by the heap
// for its large pages.
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

bool holds_large(const void *at)
{
    const large_hdr *l = static_cast<const large_hdr *>(at);
    return large_is(l, kLargeLive) || large_is(l, kLargeFreed);
}

}  // namespace

bool page_in_use(const void *page, size_t size)
{
    constexpr size_t kD = SLAB_DEFAULT_SLAB_SIZE;
    uintptr_t first = *static_cast<const uintptr_t *>(page);
    if (holds_slab(static_cast<const slab_page *>(page)) || holds_large(page) || first == heap_magic_at(page) ||
        first == (heap_magic_at(page) ^ kTableKey)) {
        return true;
    }
    for (size_t align = 2u * kD; align <= size / 2u; align <<= 1) {
        if (holds_large(static_cast<const char *>(page) + (align - kD))) {
            return true;
        }
    }
    return false;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
