// SPDX-License-Identifier: MIT
// Invariant checks a user or a test can run at any moment (no lock taken):
// cache_check is O(1) on the control block; cache_validate walks every slab
// with a free slot (full slaves are on no list: it counts them) and every
// slot map, and verifies the counting invariants written above
// struct slab_page (slab/detail/slab_page.hpp) and struct slab_cache
// (slab/detail/cache.hpp).
#include "checked.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

bool cache_genuine(const slab_cache *c)
{
    // Only fields fixed for the cache's life: safe without the lock while
    // other contexts allocate and free (the counters are not read here).
    size_t S = c->slab_size;
    return c->magic == cache_magic(c, S) && S >= SLAB_MIN_SLAB_SIZE && S <= SLAB_MAX_SLAB_SIZE && (S & (S - 1u)) == 0 &&
           master_of(c)->cache == c;
}

bool cache_secret_changed(const slab_cache *c)
{
    // c->magic ^ cache_magic(c, S) is (the secret c was made with) ^ (the
    // secret now), and so is its master header's magic against the slab
    // magic of now (its wide-map bit aside): two words written at creation
    // that agree on one other secret, which bytes that were never a control
    // block do with a chance of 2^-63.
    size_t S = c->slab_size;
    if (S < SLAB_MIN_SLAB_SIZE || S > SLAB_MAX_SLAB_SIZE || (S & (S - 1u)) != 0) {
        return false;
    }
    const slab_page *m = master_of(c);
    if (m == nullptr || m->cache != c) {
        return false;
    }
    uintptr_t other = c->magic ^ cache_magic(c, S);
    return other != 0 && (m->magic ^ slab_magic(m, c, S)) == (other ^ (c->wide ? kWideMagic : 0u));
}

namespace {

// The master's pin (struct slab_cache): 1 while the cache has a handle.
uint32_t pin_of(const slab_cache *c, const slab_page *s) { return s == master_of(c) && c->handles > 0 ? 1u : 0u; }

// The slot map of s against its counters: the list from head visits only
// handed-out, not-live slots, ends, and with the live entries accounts for
// every slot handed out (objects + length(list) == handed).
template <class Idx>
bool map_ok(const slab_cache *c, const slab_page *s, uint32_t objects)
{
    const Idx *map = slot_map<Idx>(s);
    constexpr uint32_t kMark = kLive<Idx>;
    uint32_t live = 0; // handed out: live, or parked in a core's magazine (slab_page.hpp)
    for (uint32_t k = 1; k <= s->handed; k++) {
        if (map[k] == kMark || map[k] == kParked<Idx>) {
            live++;
        }
    }
    uint32_t listed = 0;
    for (uint32_t k = s->head; k != kEnd; k = map[k]) {
        if (k > s->handed || map[k] == kMark || map[k] == kParked<Idx> || ++listed > s->handed) {
            return false; // off the handed range, a live or parked slot, or a cycle
        }
        if (SLAB_CHECKS &&
            !checked_slot_ok(c, slot_at(const_cast<slab_page *>(s), c->slab_size, c->stride, k))) {
            return false;
        }
    }
    // A byte map's entries past `handed` (fresh slots, and the k that land
    // in the header, map or control block) stay kEnd: the inline free reads
    // them with no bounds test.
    for (uint32_t k = s->handed + 1u; sizeof(Idx) == 1 && k <= c->slab_size / c->stride; k++) {
        if (map[k] != kEnd) {
            return false;
        }
    }
    return live == objects && live + listed == s->handed;
}

// used - pin == objects, cap == slots + pin, the map consistent with both,
// and the slab as full as where it was found says (the partial list: not
// full; off every list: full, or the spare).
bool page_ok(const slab_cache *c, const slab_page *s, uint32_t slots, bool full)
{
    if (s->cache != c || s->magic != (slab_magic(s, c, c->slab_size) ^ (c->wide ? kWideMagic : 0u))) {
        return false; // not c's, or the magic of the other map width
    }
    uint32_t pin = pin_of(c, s);
    if (s->cap != slots + pin || s->avail > s->cap || page_used(s) < pin || s->handed > slots) {
        return false;
    }
    uint32_t objects = page_used(s) - pin;
    bool map = c->wide ? map_ok<uint16_t>(c, s, objects) : map_ok<uint8_t>(c, s, objects);
    return map && page_full(s) == full;
}

// The parked object (struct slab_cache, hot): a live slot of a full
// byte-map slab of c's, in a cache with no lock.
bool hot_ok(const slab_cache *c)
{
    const slab_page *s = page_of(c->hot, c->slab_size);
    if (c->lock_kind != SLAB_LOCK_KIND_NONE || c->wide != 0 || s->cache != c || s->magic != slab_magic(s, c, c->slab_size) ||
        !page_full(s)) {
        return false;
    }
    size_t off = reinterpret_cast<uintptr_t>(s) + c->slab_size - reinterpret_cast<uintptr_t>(c->hot);
    size_t k = off / c->stride;
    return off % c->stride == 0 && k >= 1 && k <= s->handed && slot_map<uint8_t>(s)[k] == kLive<uint8_t>;
}

// Walks the partial list; adds its slabs and objects to the totals.
bool partial_ok(const slab_cache *c, uint64_t *slabs, uint64_t *used)
{
    const link *head = &c->partial;
    const slab_page *master = master_of(c);
    // Both links of every node, the sentinel's included: unlink uses both.
    for (const link *n = head->next, *prev = head; n != head; prev = n, n = n->next) {
        const slab_page *s = reinterpret_cast<const slab_page *>(n);
        if (n->prev != prev || n->next->prev != n || ++*slabs > c->slabs) {
            return false;
        }
        if (!page_ok(c, s, s == master ? c->cap_master : c->cap_slave, false)) {
            return false;
        }
        *used += page_used(s) - pin_of(c, s);
    }
    return true;
}

}  // namespace

slab_status cache_check(const slab_cache *c)
{
    if (!cache_genuine(c)) {
        return cache_secret_changed(c) ? SLAB_ESECRET : SLAB_EBADPTR;
    }
    bool ok = c->slabs >= 1 && c->slabs <= c->slabs_peak && c->hooks.taken - c->hooks.given == c->slabs &&
              c->cap_slave >= 1 && c->cap_master <= c->cap_slave &&
              cache_in_use(c) <= (uint64_t)(c->slabs - 1) * c->cap_slave + c->cap_master &&
              c->headroom <= c->in_use_peak;
    return ok ? SLAB_OK : SLAB_ECORRUPT;
}

slab_status cache_validate(const slab_cache *c)
{
    slab_status st = cache_check(c);
    if (st != SLAB_OK) {
        return st;
    }
    uint64_t slabs = 0;
    uint64_t used = 0;
    if (!partial_ok(c, &slabs, &used)) {
        return SLAB_ECORRUPT;
    }
    // Full slabs are on no list (struct slab_cache): the master is reached
    // through c and checked whole; a full slave is only counted, every slot
    // of it in use.
    const slab_page *master = master_of(c);
    uint64_t full_slaves = c->full;
    if (page_full(master)) {
        if (full_slaves == 0 || master->node.next != &master->node || !page_ok(c, master, c->cap_master, true)) {
            return SLAB_ECORRUPT;
        }
        full_slaves--;
        slabs++;
        used += page_used(master) - pin_of(c, master);
    }
    if (c->spare != nullptr) {
        const slab_page *s = c->spare;
        if (!page_ok(c, s, c->cap_slave, false) || page_used(s) != 0 || s->node.next != &s->node) {
            return SLAB_ECORRUPT;
        }
        slabs++;
    }
    slabs += full_slaves;
    used += full_slaves * c->cap_slave;
    uint32_t hot = c->hot != nullptr ? 1u : 0u;
    if (hot != 0 && !hot_ok(c)) {
        return SLAB_ECORRUPT;
    }
    return slabs == c->slabs && used == cache_in_use(c) + hot ? SLAB_OK : SLAB_ECORRUPT;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
