// SPDX-License-Identifier: MIT
// The cache's slab lists: creation in a master slab, growth into slaves,
// return of empty slaves, teardown. The O(1) fast paths that these back up are
// inline in slab/detail/cache.hpp. The caller holds the cache's lock, except
// in cache_create and cache_teardown, where no other context can see the cache.
#include "geometry.hpp"
#include "page_bridge.hpp"
#include "static_cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

namespace {

// Keeps `fast` (struct slab_cache: fast_nolock or fast_locked, by the lock)
// after the partial list changed.
void sync_fast(slab_cache *c)
{
    bool usable = !SLAB_CHECKS && c->wide == 0 && c->partial.next != &c->partial;
    slab_page *head = usable ? page_of_node(c->partial.next) : nullptr;
    // Only the field of c's lock: the other stays NULL from creation on, and
    // is read with no lock by the C front's inline half (never written here,
    // so that reading it races with nothing).
    if (has_lock(c)) {
        c->fast_locked = head;
    } else {
        c->fast_nolock = head;
    }
}

void note_slab_taken(slab_cache *c)
{
    c->slabs++;
    if (c->slabs > c->slabs_peak) {
        c->slabs_peak = c->slabs;
    }
}

// Gives an empty slave back to the hook. If the hook refuses, the slab is put
// back in service, empty, on the partial list (so it is reused before any new
// page is taken, and offered back again when it next becomes empty).
bool give_slave(slab_cache *c, slab_page *s)
{
    SLAB_ASSERT(s != master_of(c) && page_used(s) == 0);
    // page_init below restores a refused slab as a fresh, empty slave.
    page_retire(s);
    if (bridge_give(c->source, s, c->slab_size, &c->hooks)) {
        SLAB_TRACE_GIVEN(c, s, c->slab_size);
        c->slabs--;
        return true;
    }
    page_init(s, c, c->slab_size, c->cap_slave);
    list_push(&c->partial, &s->node);
    return false;
}

}  // namespace

// Fills the control block of a cache whose first page (the master) is
// `master`, holding cap_master slots, and puts the master in service.
void cache_setup(slab_cache *c, const geometry &g, size_t obj_size, slab_page *master, uint32_t cap_master,
                 const slab_page_source *src, uint8_t lock_kind, const slab_lock_class_ *cls)
{
    c->magic = cache_magic(c, g.slab_size);
    c->lock_class = cls;
    // fast_nolock and fast_locked are NULL already (cache_create; a static
    // cache's image): the one of c's lock is set below, the other is never
    // written, not even here, where a static cache's first use may race
    // with another context's unlocked read of it (sync_fast).
    list_init(&c->partial);
    c->spare = nullptr;
    c->stride = g.stride;
    c->slab_size = g.slab_size;
    c->obj_size = static_cast<uint32_t>(obj_size);
    c->recip = g.recip;
    c->recip_nolock = lock_kind == SLAB_LOCK_KIND_NONE ? g.recip : 0u;
    c->cap_slave = g.cap_slave;
    c->cap_master = cap_master;
    c->on_error = nullptr;
    c->error_ctx = nullptr;
    c->headroom = 0;
    c->in_use_peak = 0;
    c->slabs = 1;
    c->slabs_peak = 1;
    c->full = cap_master > 0 ? 0 : 1;
    c->hot = nullptr;
    c->source = src;
    c->wait = nullptr;
    c->waiters = 0;
    c->handles = 1;
    c->lock_kind = lock_kind;
    c->cxx_owned = 0;
    c->wide = g.wide;
    c->pinned = 0;
    c->busy = 0;
    page_init(master, c, g.slab_size, cap_master);
    master->cap++; // the pin (see struct slab_cache): handles == 1
    // A master too small for any slot (huge objects) is full forever, and so
    // on no list (page_init left it self-linked).
    if (cap_master > 0) {
        list_push(&c->partial, &master->node);
    }
    sync_fast(c);
    SLAB_TRACE_TAKEN(c, master, g.slab_size);
}

slab_status cache_create(slab_cache **out, size_t obj_size, size_t obj_align, size_t slab_size,
                         size_t lock_size, size_t lock_align, uint8_t lock_kind, const slab_lock_class_ *cls,
                         const slab_page_source *src)
{
    if (out == nullptr) {
        return SLAB_EINVAL;
    }
    // Not value-initialised: at -Os that is a call to memset, which the
    // library must not need (issue 3); geometry_plan sets every field when
    // it returns SLAB_OK, and g is read only then.
    geometry g; // NOLINT(cppcoreguidelines-pro-type-member-init)
    slab_status st = geometry_plan(obj_size, obj_align, slab_size, lock_size, lock_align, &g);
    if (st != SLAB_OK) {
        return st;
    }
    hook_counts hooks = {0, 0, 0};
    void *page = bridge_take(src, g.slab_size, &hooks, &st);
    if (page == nullptr) {
        return st; // no control block yet: these counts die with the attempt
    }
    slab_cache *c = static_cast<slab_cache *>(static_cast<void *>(static_cast<char *>(page) + g.cache_offset));
    c->lock_offset = g.lock_offset;
    c->fast_nolock = nullptr;
    c->fast_locked = nullptr;
    cache_setup(c, g, obj_size, static_cast<slab_page *>(page), g.cap_master, src, lock_kind, cls);
    c->hooks = hooks;
    *out = c;
    return SLAB_OK;
}

namespace {

// The head of the partial list just filled up; it leaves the list.
void slab_filled(slab_cache *c, slab_page *s)
{
    // [ partial: s, .. ]  =>  [ partial: .. ], s on no list (struct slab_cache)
    SLAB_ASSERT(page_full(s) && c->partial.next == &s->node && c->full < c->slabs);
    list_detach(&s->node);
    c->full++;
}

// A slot of s, the head of the partial list (avail >= 1).
template <class Idx>
void *alloc_from(slab_cache *c, slab_page *s)
{
    SLAB_ASSERT(c->partial.next == &s->node && s->avail >= 1);
    bool reused = s->head != kEnd;
    uint32_t k = page_take<Idx>(s);
    if (--s->avail == 0) {
        slab_filled(c, s);
    }
    count_alloc(c);
    void *p = slot_at(s, c->slab_size, c->stride, k);
    if (SLAB_CHECKS) {
        checked_alloc(c, p, reused);
    }
    SLAB_TRACE_ALLOC(c, p);
    return p;
}

// A full slab got a free slot, or a slab became empty.
slab_status free_transition(slab_cache *c, slab_page *s)
{
    SLAB_ASSERT(s->avail == 1 || s->avail == s->cap);
    slab_status st = SLAB_OK;
    if (s->avail == 1) { // it was full, on no list
        SLAB_ASSERT(c->full > 0 && s->node.next == &s->node);
        // [ partial: .. ]  =>  [ partial: s, .. ]
        c->full--;
        list_push(&c->partial, &s->node);
    }
    if (page_used(s) == 0 && c->pinned == 0 && s != master_of(c)) { // (a static cache keeps its pages)
        SLAB_ASSERT(c->slabs >= 2 && cache_in_use(c) <= (c->slabs - 2) * c->cap_slave + c->cap_master);
        list_detach(&s->node);
        if (c->spare == nullptr) {
            c->spare = s; // keep one: the next growth costs no hook call
        } else if (!give_slave(c, s)) {
            st = SLAB_EHOOKFREE;
        }
    }
    if (cache_in_use(c) == 0 && c->handles == 0) {
        return kStatusTeardown; // last object of an orphaned C++ cache (teardown puts a parked one back)
    }
    return st;
}

// Puts the parked object (struct slab_cache, hot), in slab s, back into s
// for real: its slot goes on s's free list and s leaves the full state
// (back on the partial list). Its free was counted and traced when it was
// parked: nothing of that is done again.
// (Only byte-map slabs park: the inline free parks.)
__attribute__((noinline)) slab_status unpark(slab_cache *c, slab_page *s)
{
    void *h = c->hot;
    SLAB_ASSERT(h != nullptr && page_of(h, c->slab_size) == s && page_full(s) && c->wide == 0);
    c->hot = nullptr;
    uint32_t off = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(s) + c->slab_size - reinterpret_cast<uintptr_t>(h));
    page_give<uint8_t>(s, slot_number(off, c->recip));
    c->headroom++; // (the live count does not move: hot is NULL now)
    s->avail++;
    return free_transition(c, s);
}

// Unparks the hot object, if any (teardown, a new peak count).
void flush_hot(slab_cache *c)
{
    if (c->hot != nullptr) {
        (void)unpark(c, page_of(c->hot, c->slab_size));
        sync_fast(c);
    }
}

// The whole free of obj into s (genuine, c's): refused unless obj is a live
// slot; then given back, with the transitions of struct slab_cache.
template <class Idx>
slab_status free_into(slab_cache *c, slab_page *s, void *obj)
{
    uint32_t off = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(s) + c->slab_size -
                                         reinterpret_cast<uintptr_t>(obj));
    uint32_t k = slot_number(off, c->recip);
    if (size_t(k) * c->stride != off || k - 1u >= s->handed || slot_map<Idx>(s)[k] != kLive<Idx> ||
        obj == c->hot) {
        return cache_free_refused(c, s, obj); // (the hot object is parked already: a double free)
    }
    if (sizeof(Idx) == 1 && SLAB_UNLIKELY(c->hot != nullptr && page_of(c->hot, c->slab_size) == s)) {
        (void)unpark(c, s); // (SLAB_OK: obj is still live in s)
    }
    slab_status checked = SLAB_OK;
    if (SLAB_CHECKS) {
        checked = checked_free(c, obj); // a red zone overrun is reported; the slot is still freed
    }
    page_give<Idx>(s, k);
    c->headroom++;
    SLAB_TRACE_FREE(c, obj);
    uint32_t avail = ++s->avail;
    if (avail == 1 || avail == s->cap) { // was full, or now empty
        slab_status st = free_transition(c, s);
        return st != SLAB_OK ? st : checked;
    }
    return checked;
}

}  // namespace

namespace {

// Checked mode: an operation entered the cache while another was inside it
// (between the two, the cache's lock was not held by both: it does not
// exclude the context that came in). Reported, refused, nothing changed.
// The busy bit is set only around the whole of one slow operation, which
// in checked mode every alloc and free is.
bool reentered(slab_cache *c, void *ptr)
{
    if (!SLAB_CHECKS || c->busy == 0) {
        return false;
    }
    report(c, SLAB_EREENTERED, ptr);
    return true;
}

void *alloc_whole(slab_cache *c, slab_status *status);

}  // namespace

void *cache_alloc_peak(slab_cache *c)
{
    SLAB_ASSERT(cache_at_peak(c) && c->hot == nullptr); // (the inline half hands a parked object out first)
    c->in_use_peak++;
    slab_page *&fast = has_lock(c) ? c->fast_locked : c->fast_nolock;
    return fast_take(c, fast, fast);
}

void cache_set_lock(slab_cache *c, uint8_t lock_kind, const slab_lock_class_ *cls)
{
    c->lock_kind = lock_kind;
    c->lock_class = cls;
    c->recip_nolock = lock_kind == SLAB_LOCK_KIND_NONE ? c->recip : 0u;
    c->fast_nolock = nullptr; // (before any other context can see c)
    c->fast_locked = nullptr;
    sync_fast(c);
}

void *cache_alloc_slow(slab_cache *c, slab_status *why)
{
    if (cache_at_peak(c)) { // (never in checked mode: `fast` is NULL there)
        if (why != nullptr) {
            *why = SLAB_OK;
        }
        return cache_alloc_peak(c);
    }
    slab_status ignored = SLAB_OK;
    slab_status *status = why != nullptr ? why : &ignored;
    if (reentered(c, nullptr)) {
        *status = SLAB_EREENTERED;
        return nullptr;
    }
    if (SLAB_CHECKS) {
        c->busy = 1;
    }
    void *p = alloc_whole(c, status);
    if (SLAB_CHECKS) {
        c->busy = 0;
    }
    return p;
}

namespace {

void *alloc_whole(slab_cache *c, slab_status *status)
{
    *status = SLAB_OK;
    if (SLAB_UNLIKELY(c->slabs == 0)) { // a static cache's first use (its image holds no slab)
        *status = cache_wake(c);
        if (*status != SLAB_OK) {
            return nullptr;
        }
    }
    if (c->partial.next == &c->partial) {
        slab_page *s = c->spare;
        if (s != nullptr) {
            c->spare = nullptr;
        } else {
            void *page = bridge_take(c->source, c->slab_size, &c->hooks, status);
            if (page == nullptr) {
                return nullptr; // nothing changed but the failure count
            }
            s = static_cast<slab_page *>(page);
            page_init(s, c, c->slab_size, c->cap_slave);
            note_slab_taken(c);
            SLAB_TRACE_TAKEN(c, s, c->slab_size);
        }
        SLAB_ASSERT(page_used(s) == 0 && c->hooks.taken - c->hooks.given == c->slabs);
        list_push(&c->partial, &s->node);
    }
    slab_page *s = page_of_node(c->partial.next);
    void *p = c->wide ? alloc_from<uint16_t>(c, s) : alloc_from<uint8_t>(c, s);
    sync_fast(c);
    return p;
}

}  // namespace

slab_status cache_free_slow(slab_cache *c, slab_page *s, void *obj)
{
    if (reentered(c, obj)) {
        return SLAB_EREENTERED;
    }
    if (SLAB_CHECKS) {
        c->busy = 1;
    }
    slab_status st = c->wide ? free_into<uint16_t>(c, s, obj) : free_into<uint8_t>(c, s, obj);
    sync_fast(c);
    if (SLAB_CHECKS) {
        c->busy = 0;
    }
    return st;
}

slab_status cache_teardown(slab_cache *c)
{
    SLAB_ASSERT(cache_in_use(c) == 0);
    flush_hot(c);
    slab_page *master = master_of(c);
    bool refused = false;
    // With no object live, the only slaves on the partial list are empty ones
    // whose give-back the hook refused before: offer them again. O(1) when the
    // hook never refused. A refused slab is pushed at the head, behind the
    // walk, so each page is offered once per call.
    link *n = c->partial.next;
    while (n != &c->partial) {
        link *next = n->next;
        slab_page *s = page_of_node(n);
        if (s != master) {
            list_unlink(n);
            refused |= !give_slave(c, s);
        }
        n = next;
    }
    // The spare last: if refused it lands on the partial list, after the walk.
    if (c->spare != nullptr) {
        slab_page *s = c->spare;
        c->spare = nullptr;
        refused |= !give_slave(c, s);
    }
    if (refused) {
        sync_fast(c);
        return SLAB_EHOOKFREE; // the cache is intact, with the refused pages
    }
    // The control block lives in the master: nothing may touch c once the
    // hook has taken it. If the hook refuses, the cache is restored as it was
    // (the master stays linked where it is).
    uintptr_t saved_cache_magic = c->magic;
    uintptr_t saved_page_magic = master->magic;
    size_t slab_size = c->slab_size;
    const slab_page_source *src = c->source;
    c->magic = 0;
    page_retire(master);
    if (!bridge_give(src, master, slab_size, nullptr)) {
        c->magic = saved_cache_magic;
        master->magic = saved_page_magic;
        master->cache = c;
        c->hooks.failures++;
        sync_fast(c);
        return SLAB_EHOOKFREE;
    }
    SLAB_TRACE_GIVEN(c, master, slab_size); // c is gone: its address only names the cache
    return SLAB_OK;
}

void cache_hold(slab_cache *c) { c->handles++; }

bool cache_release(slab_cache *c)
{
    SLAB_ASSERT(c->handles > 0);
    if (--c->handles > 0) {
        return false;
    }
    master_of(c)->cap--; // unpin: used drops with cap, avail (and fullness) stay
    return cache_in_use(c) == 0;
}

void cache_reset_peak(slab_cache *c)
{
    flush_hot(c); // (so that the headroom restarts at 0 with no parked object)
    c->in_use_peak = cache_in_use(c);
    c->headroom = 0;
    c->slabs_peak = c->slabs;
}

void cache_stats(const slab_cache *c, slab_stats *out)
{
    out->obj_size = c->obj_size;
    out->slot_size = c->stride;
    out->slab_size = c->slab_size;
    out->objs_per_slab = c->cap_slave;
    out->objs_in_master = c->cap_master;
    out->objs_in_use = cache_in_use(c);
    out->objs_peak = SLAB_STATS ? c->in_use_peak : 0;
    out->slabs_in_use = c->slabs;
    out->slabs_peak = c->slabs_peak;
    out->pages_taken = c->hooks.taken;
    out->pages_given = c->hooks.given;
    out->hook_failures = c->hooks.failures;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
