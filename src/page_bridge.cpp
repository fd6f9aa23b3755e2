// SPDX-License-Identifier: MIT
// The page-hook bridge. See slab/hooks.h for the contract it enforces.
#include "page_bridge.hpp"
#include "page_marks.hpp"

#include "slab/hooks.h"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

void *source_alloc(const slab_page_source *src, size_t size)
{
    return src == nullptr ? slab_page_alloc(size, size) : src->alloc(src->ctx, size, size);
}

int source_free(const slab_page_source *src, void *page, size_t size)
{
    return src == nullptr ? slab_page_free(page, size, size) : src->free(src->ctx, page, size, size);
}

void *bridge_take(const slab_page_source *src, size_t size, hook_counts *counts, slab_status *status)
{
    void *page = source_alloc(src, size);
    if (SLAB_UNLIKELY(page == nullptr)) {
        counts->failures++;
        *status = SLAB_ENOMEM;
        return nullptr;
    }
    if (SLAB_UNLIKELY(((uintptr_t)page & (size - 1u)) != 0)) {
        // A misaligned page would make masking find the wrong header: never
        // use it. It is the hook's block, so it goes back to the hook; it was
        // never the cache's, so it counts in neither pages_taken nor
        // pages_given (pages_taken - pages_given == slabs held).
        counts->failures++;
        if (!bridge_give(src, page, size, nullptr)) {
            counts->failures++;
        }
        *status = SLAB_EHOOKALIGN;
        return nullptr;
    }
    if (SLAB_UNLIKELY(page_in_use(page, size))) {
        // The page already is ours (the hook handed it out twice): a live
        // slab, a heap's control block or a large heap block
        // (page_marks.hpp). Initialising it would wipe what lives there. It
        // is not ours to give back either.
        counts->failures++;
        *status = SLAB_EHOOKDUP;
        return nullptr;
    }
    counts->taken++;
    return page;
}

bool bridge_give(const slab_page_source *src, void *page, size_t size, hook_counts *counts)
{
    bool ok = source_free(src, page, size) == 0;
    if (counts != nullptr) {
        (ok ? counts->given : counts->failures)++;
    }
    return ok;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
