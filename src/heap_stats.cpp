// SPDX-License-Identifier: MIT
// The heap's figures and its check: slab_heap_stats, slab_heap_reset_peak
// (under the heap's lock) and slab_heap_validate (with no lock, as
// include/slab/heap.h says). The invariants slab_heap_validate walks are those of struct slab_heap
// (heap_control.hpp), the class caches' (slab/detail/cache.hpp), the large
// table's (large_table.hpp) and the per-core layer's (heap_cores.cpp).
#include "heap_large.hpp"

using namespace slab::detail;
using namespace slab::detail::heap;

namespace {

// The per-core layer's figures (all 0 without it): the magazines' blocks
// are free for the program, but still live in their caches.
struct core_figures {
    size_t allocs = 0, frees = 0, parked = 0, parked_bytes = 0, pages = 0;
    explicit core_figures(const slab_heap *h)
    {
        if (h->cores != nullptr) {
            h->cores->layer->count(h, &allocs, &frees, &parked, &parked_bytes, &pages);
        }
    }
};

}  // namespace

extern "C" {

slab_status slab_heap_stats(const slab_heap *heap, slab_heap_usage *out)
{
    slab_heap *h = nullptr;
    slab_status st = out == nullptr ? SLAB_EINVAL : heap_handle(heap, &h);
    if (st != SLAB_OK) {
        return st;
    }
    heap_guard hold(h);
    const core_figures m(h);
    out->bytes_in_use = h->bytes_in_use - m.parked_bytes;
    out->bytes_peak = h->bytes_peak;
    out->blocks_in_use = (h->allocs + m.allocs) - (h->frees + m.frees);
    out->pages = 1u + h->class_slabs + h->large_pages + (h->table.page != nullptr ? 1u : 0u) + h->table.kept_pages +
                 m.pages;
    out->page_bytes = page_bytes_now(h);
    out->page_bytes_peak = h->page_bytes_peak;
    size_t failures = h->failures;
    size_t classes = 0;
    for (size_t i = 0; i < kClasses; i++) {
        if (h->classes[i] != nullptr) {
            failures += h->classes[i]->hooks.failures;
            classes++;
        }
    }
    out->hook_failures = failures;
    out->allocs = h->allocs + m.allocs;
    out->frees = h->frees + m.frees;
    out->large_blocks = h->large_live;
    out->classes_live = classes;
    return SLAB_OK;
}

slab_status slab_heap_reset_peak(slab_heap *heap)
{
    slab_heap *h = nullptr;
    slab_status st = heap_handle(heap, &h);
    if (st == SLAB_OK) {
        heap_guard hold(h);
        h->bytes_peak = h->bytes_in_use;
        h->page_bytes_peak = page_bytes_now(h);
    }
    return st;
}

slab_status slab_heap_validate(const slab_heap *heap)
{
    slab_heap *h = nullptr;
    slab_status st = heap_handle(heap, &h);
    if (st != SLAB_OK) {
        return st;
    }
    size_t blocks = h->large_live; // (no lock: heap.h says when to call it)
    size_t slabs = 0;
    size_t small_bytes = 0;
    for (size_t i = 0; i < kClasses; i++) {
        const slab_cache *c = h->classes[i];
        if (c == nullptr) {
            continue;
        }
        if (cache_validate(c) != SLAB_OK || c->obj_size != class_bytes(i) || c->slab_size != kD ||
            c->on_error != heap_class_report || c->error_ctx != h) {
            return SLAB_ECORRUPT;
        }
        blocks += cache_in_use(c);
        slabs += c->slabs;
        small_bytes += size_t(cache_in_use(c)) * c->obj_size;
    }
    size_t retained = 0;
    for (const large_hdr *l = h->retained; l != nullptr; l = *large_next(l)) {
        if (!large_freed(l) || l->heap != h || ++retained > h->large_pages) {
            return SLAB_ECORRUPT;
        }
    }
    if (!table_ok(&h->table) || h->table.count != h->large_live) {
        return SLAB_ECORRUPT;
    }
    if (h->cores != nullptr && !h->cores->layer->check(h)) {
        return SLAB_ECORRUPT;
    }
    // Blocks in magazines are live in their caches, free for the program.
    const core_figures m(h);
    if (blocks != (h->allocs + m.allocs) - (h->frees + m.frees) + m.parked || slabs != h->class_slabs ||
        small_bytes > h->bytes_in_use || h->large_pages != h->large_live + retained ||
        h->bytes_peak < h->bytes_in_use || h->page_bytes_peak < page_bytes_now(h)) {
        return SLAB_ECORRUPT;
    }
    return SLAB_OK;
}

}  // extern "C"
