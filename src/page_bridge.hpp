// SPDX-License-Identifier: MIT
// The page-hook bridge: the only code that calls a page source (a cache's own,
// slab_page_source, or the global slab_page_alloc() and slab_page_free()). It
// enforces the half of the contract the library relies on (align == size,
// and the page really aligned) and counts what it sees.
#ifndef SLAB_SRC_PAGE_BRIDGE_HPP
#define SLAB_SRC_PAGE_BRIDGE_HPP

#include "slab/detail/cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

// A page of `size` bytes aligned to `size`, or NULL with *status set to
// SLAB_ENOMEM (hook returned NULL) or SLAB_EHOOKALIGN (misaligned page, given
// straight back to the hook).
// One call of a page source (src NULL: the global hooks), align == size,
// unchecked: for callers that check the page themselves (the heap).
void *source_alloc(const slab_page_source *src, size_t size);
int source_free(const slab_page_source *src, void *page, size_t size);

// src NULL: the global hooks.
void *bridge_take(const slab_page_source *src, size_t size, hook_counts *counts, slab_status *status);

// Gives a page back. False when the hook refused it: the caller keeps it.
// counts is NULL for a page whose counters live in it (the master at
// teardown): it must not be written once the hook has it.
bool bridge_give(const slab_page_source *src, void *page, size_t size, hook_counts *counts);

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_PAGE_BRIDGE_HPP
