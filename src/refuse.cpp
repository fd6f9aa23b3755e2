// SPDX-License-Identifier: MIT
// Refusals: why a pointer handed to a free is not a live slot of the cache
// it names, told with a distinct status and through the cache's report hook,
// with nothing changed. Off the fast path: the fast path only sees that the
// pointer is not live (cache_free_map), and comes here to say why.
#include "slab/detail/cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

namespace {

uint32_t slots_of(const slab_cache *c, const slab_page *s)
{
    return s == master_of(c) ? c->cap_master : c->cap_slave;
}

// Why obj (inside slab s, whose header is genuine) is not a live slot.
slab_status why_not_live(const slab_cache *c, const slab_page *s, const void *obj)
{
    size_t off = reinterpret_cast<uintptr_t>(s) + c->slab_size - reinterpret_cast<uintptr_t>(obj);
    if (off > size_t(slots_of(c, s)) * c->stride) {
        return SLAB_EHEADER; // header, map, control block, lock, or the padding above them
    }
    if (off % c->stride != 0) {
        return SLAB_ENOTSLOT;
    }
    uint32_t k = static_cast<uint32_t>(off / c->stride);
    if (k > s->handed) {
        return SLAB_ENEVERALLOC;
    }
    if (obj == c->hot) {
        return SLAB_EDOUBLEFREE; // freed already, parked (struct slab_cache, hot): its map still says live
    }
    SLAB_ASSERT(c->wide ? slot_map<uint16_t>(s)[k] != kLive<uint16_t> : slot_map<uint8_t>(s)[k] != kLive<uint8_t>);
    return SLAB_EDOUBLEFREE;
}

}  // namespace

slab_status cache_free_refused(slab_cache *c, slab_page *s, const void *obj)
{
    slab_status st = why_not_live(c, s, obj);
    report(c, st, const_cast<void *>(obj));
    return st;
}

slab_page *cache_slab_of(const slab_cache *c, const void *obj, slab_status *status)
{
    size_t slab_size = c->slab_size;
    // The common case first: c's own mask, when reading it stays inside the
    // default-size block around obj (which slab_free reads too).
    if (slab_size <= SLAB_DEFAULT_SLAB_SIZE) {
        slab_page *s = find_slab(obj, slab_size);
        if (s != nullptr && s->cache == c) {
            return s;
        }
    }
    // Else the headers at obj's masks, from the smallest slab size up: every
    // mask below the size of obj's own slab stays inside that slab (object
    // bytes, which pass for no header without the secret, or its own header,
    // whose magic is of another size), so the first genuine header found is
    // obj's slab's, and no read ever leaves it.
    for (size_t size = SLAB_MIN_SLAB_SIZE; size <= slab_size; size <<= 1) {
        slab_page *s = page_of(obj, size);
        if (page_valid(s, size)) {
            if (size == slab_size && s->cache == c) {
                return s;
            }
            *status = SLAB_EWRONGCACHE;
            return nullptr;
        }
    }
    *status = SLAB_EBADPTR;
    return nullptr;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
