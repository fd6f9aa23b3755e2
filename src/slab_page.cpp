// SPDX-License-Identifier: MIT
// One slab's slot bookkeeping: taking a page into service and out of it.
// The per-slot take and give are inline in slab/detail/slab_page.hpp.
#include "slab/detail/cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

// Every slot is fresh (k > handed). A byte map gets kEnd in each of its
// entries 1..S / stride (at most 255 bytes, slab_page.hpp: the slot map); a
// two-byte map is not written (O(1)).
void page_init(slab_page *s, ::slab_cache *cache, size_t slab_size, uint32_t slots)
{
    SLAB_ASSERT(((uintptr_t)s & (slab_size - 1u)) == 0 && slots <= kMaxSlots<uint16_t>);
    s->node.prev = s->node.next = &s->node;
    s->magic = slab_magic(s, cache, slab_size) ^ (cache->wide ? kWideMagic : 0u);
    if (!cache->wide) {
        uint8_t *map = slot_map<uint8_t>(s);
        for (size_t k = 1, n = slab_size / cache->stride; k <= n; k++) {
            map[k] = static_cast<uint8_t>(kEnd);
        }
    }
    s->cache = cache;
    s->head = static_cast<uint16_t>(kEnd);
    s->handed = 0;
    s->avail = static_cast<uint16_t>(slots);
    s->cap = static_cast<uint16_t>(slots);
}

// Called just before the page goes back to the hook: a stale pointer into it
// that is freed later finds no magic (unless the page was reused meanwhile)
// and is refused with SLAB_EBADPTR instead of corrupting a cache.
void page_retire(slab_page *s)
{
    s->magic = 0; // (an idle master may still hold its pin: avail == cap - 1)
    s->cache = nullptr;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
