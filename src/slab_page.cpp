// One slab's slot bookkeeping: taking a page into service and out of it.
// The per-slot pop and push are inline in slab/detail/slab_page.hpp.
#include "checked.hpp"

namespace slab {
namespace detail {

void page_init(slab_page *s, ::slab_cache *cache, size_t slab_size, uint32_t capacity)
{
    SLAB_ASSERT(((uintptr_t)s & (slab_size - 1u)) == 0);
    s->node.prev = s->node.next = &s->node;
    s->magic = slab_magic(s, cache, slab_size);
    s->cache = cache;
    s->free = nullptr;
    s->bump = reinterpret_cast<char *>(s) + slab_size; // nothing handed out yet
    s->avail = capacity;
    s->cap = capacity; // lazy: every slot is fresh, none is touched until it is handed out
    if (SLAB_CHECKS) {
        checked_page_init(cache, s);
    }
}

// Called just before the page goes back to the hook: a stale pointer into it
// that is freed later finds no magic (unless the page was reused meanwhile)
// and is refused with SLAB_EBADPTR instead of corrupting a cache.
void page_retire(slab_page *s)
{
    s->magic = 0; // (an idle master may still hold its pin: avail == cap - 1)
    s->cache = nullptr;
}

}  // namespace detail
}  // namespace slab
