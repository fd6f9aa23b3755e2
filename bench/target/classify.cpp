// Path classification from the cache's internals (see classify.h). The
// benchmark reads slab/detail/cache.hpp, the layout the fast path inlines,
// only to know which row a measurement belongs to; it never writes it.
#include "classify.h"

#include "slab/detail/cache.hpp"

using slab::detail::page_of;
using slab::detail::page_of_node;
using slab::detail::slab_page;

extern "C" {

op_kind classify_alloc(const slab_cache *cache)
{
    if (cache->hot != nullptr) {
        return OP_ALLOC_HOT;
    }
    const slab::detail::link *head = cache->partial.next;
    if (head == &cache->partial) {
        return cache->spare != nullptr ? OP_ALLOC_SPARE : OP_ALLOC_HOOK;
    }
    if (cache->headroom == 0) {
        return OP_ALLOC_PEAK; // the slow half raises the peak (with or without the fill)
    }
    const slab_page *s = page_of_node(const_cast<slab::detail::link *>(head));
    return s->avail == 1 ? OP_ALLOC_FILL : OP_ALLOC_FAST;
}

op_kind classify_free(const slab_cache *cache, const void *obj)
{
    const slab_page *s = page_of(obj, cache->slab_size);
    if (s->avail == 0) {
        bool parks = cache->lock_kind == SLAB_LOCK_KIND_NONE && cache->hot == nullptr && cache->waiters == 0;
        return parks ? OP_FREE_PARK : OP_FREE_UNFULL; // (a one-slot slab would also empty: not used here)
    }
    if (s->avail + 1 == s->cap) { // the master never gets here: its pin counts as used
        return cache->spare == nullptr ? OP_FREE_SPARE : OP_FREE_HOOK;
    }
    return OP_FREE_FAST;
}

int classify_slab_full(const slab_cache *cache, const void *obj)
{
    return page_of(obj, cache->slab_size)->avail == 0 ? 1 : 0;
}

int classify_page_delta(op_kind kind)
{
    return kind == OP_ALLOC_HOOK ? 1 : kind == OP_FREE_HOOK ? -1 : 0;
}

const char *op_name(op_kind kind)
{
    return kind < OP_FREE_FAST || kind == OP_ALLOC_HOT ? "alloc" : "free";
}

const char *op_case(op_kind kind)
{
    static const char *const names[OP_KINDS] = {"fast", "fill", "peak", "spare", "hook", "fast",
                                                "unfull", "spare", "hook", "hot", "park"};
    return kind < OP_KINDS ? names[kind] : "?";
}

}  // extern "C"
