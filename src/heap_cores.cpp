// SPDX-License-Identifier: MIT
// The heap's per-core layer (slab_heap_use_cores, include/slab/heap.h): each
// core (or thread) frees small blocks into magazines of its own, one stack
// per size class, and allocates from them, with no lock (Bonwick and Adams,
// 2001). The heap's lock is taken only to exchange half a magazine with the
// class cache (the depot): when a magazine is empty on alloc (the block, and
// up to half a magazine more) or full on free (its older half).
// Linked only into a program that calls slab_heap_use_cores.
//
// The exchange (Bonwick and Adams' depot of full magazines): a full
// magazine's older half goes to the exchange while it has room (two halves
// per class), and an empty magazine refills from it before the class cache,
// so that blocks one core frees and another allocates (a producer and a
// consumer) cross the lock half a magazine at a time, without going back to
// their slabs: their entries stay kParked throughout. It is one more page
// laid out as a core's (struct core_set, owned by no core), taken at the
// first spill that needs it; with no page, halves go to the cache as before.
//
// A core's magazines, in one page of the heap's source (struct core_set):
//
//   page
//   +------+-------+--------+-------+-----------+--------------------------+
//   | next | owned | allocs | frees | n[0 .. C) | obj[0][0 .. kMag) | ... |
//   +------+-------+--------+-------+-----------+--------------------------+
//
// A block in a magazine stays live in its class cache (its slab counts it,
// so the slab never empties under it), and its slot's map entry says
// kParked (slab/detail/slab_page.hpp): the inline free sees no live slot,
// so a second free of it, from any core, goes to the cache's whole free,
// which refuses it (SLAB_EDOUBLEFREE) and changes nothing; usable_size and
// realloc refuse it the same way.
//
// Invariants (checked by slab_heap_validate: core_layer::check, and the
// heap's counts):
//   n[i] <= mag_cap(i) <= kMag; obj[i][0 .. n[i]) are slots of class i's cache whose map
//     entry is kParked, and only they are (the cores' pages and the
//     exchange's together)
//   the exchange's n[i] is a multiple of mag_cap(i) / 2: whole halves
//   every page is on the heap's list (slab_heap::sets) from its first use to
//     the heap's end; owned == 1 while a core's slot holds it; a page a core
//     gave back (slab_heap_flush_core) has owned == 0 and every n 0, and the
//     next core that needs one takes it
//   allocs, frees: the program's calls the magazines served (the heap counts
//     the others); folded into the heap's counters when the page goes idle
//   blocks the program holds == heap's allocs + Σ allocs - heap's frees - Σ frees
//     == live blocks of the caches and large blocks - Σ n (the exchange's
//     allocs and frees stay 0: its blocks were counted by the cores that
//     freed them)
// Who writes what: n, allocs and frees by the owning core only (relaxed
// atomics, so that the heap's statistics may read them under the lock),
// obj by the owning core only; next and owned under the heap's lock.
#include "heap_cores.hpp"

using namespace slab::detail;
using namespace slab::detail::heap;

#if SLAB_HEAP_CORES_TLS
// The thread's slot the inline halves read (heap_cores.hpp, core_enter).
extern "C" {
__attribute__((visibility("hidden"), tls_model("initial-exec"))) __thread void *slab_heap_thread_slot_;
}
#endif

namespace {

constexpr size_t kSetPage = page_for(sizeof(core_set));
constexpr size_t kRootPage = SLAB_MIN_SLAB_SIZE;
static_assert(sizeof(core_root) <= kRootPage, "the root fits its page");

void *cores_alloc(slab_heap *h, size_t i);
slab_status cores_free(slab_heap *h, slab_cache *c, slab_page *s, void *p);
void cores_flush_mine(slab_heap *h);
bool cores_flush_all(slab_heap *h);
void cores_count(const slab_heap *h, size_t *allocs, size_t *frees, size_t *blocks, size_t *bytes, size_t *pages);
bool cores_check(const slab_heap *h);
constexpr core_layer kCoreLayer = {cores_alloc, cores_free, cores_flush_mine, cores_flush_all, cores_count, cores_check};

// The calling core's slot, held between enter and leave.
class core_slot {
public:
    explicit core_slot(const slab_core_ops *ops) : ops_(ops), slot_(ops->enter(ops->ctx, &token_)) {}
    ~core_slot()
    {
        if (ops_->leave != nullptr) {
            ops_->leave(ops_->ctx, token_);
        }
    }
    core_slot(const core_slot &) = delete;
    core_slot &operator=(const core_slot &) = delete;
    core_slot(core_slot &&) = delete;
    core_slot &operator=(core_slot &&) = delete;
    core_set *set() const { return static_cast<core_set *>(*slot_); }
    void set(core_set *m) const { *slot_ = m; }

private:
    const slab_core_ops *ops_;
    unsigned long token_ = 0;
    void **slot_;
};

// A new page of empty magazines (a core's, or the exchange), counted; NULL
// when the source has none. Under the heap's lock.
core_set *new_set(slab_heap *h, core_set *next, uint32_t owned)
{
    core_set *m = static_cast<core_set *>(take_core_page(h, kSetPage));
    if (m == nullptr) {
        return nullptr;
    }
    h->cores->bytes += kSetPage;
    note_core_pages(h);
    m->next = next;
    m->owned = owned;
    m->allocs = 0;
    m->frees = 0;
    for (size_t i = 0; i < kClasses; i++) {
        m->n[i] = 0;
    }
    return m;
}

// A page of magazines for the calling core: an idle one, else a new one
// (NULL when the source has none). Under the heap's lock.
core_set *set_take(slab_heap *h)
{
    core_root *root = h->cores;
    for (core_set *m = static_cast<core_set *>(root->sets); m != nullptr; m = m->next) {
        if (m->owned == 0) {
            m->owned = 1;
            return m;
        }
    }
    core_set *m = new_set(h, static_cast<core_set *>(root->sets), 1u);
    if (m != nullptr) {
        root->sets = m;
    }
    return m;
}

// Moves obj[i][from .. from + count) of m to the top of `to`'s stack of
// class i, and closes the gap. The entries stay kParked. Under the heap's
// lock; the owner of m (and of `to`, when a core's) calls it.
void move_blocks(core_set *m, size_t i, uint32_t from, uint32_t count, core_set *to)
{
    uint32_t n = m->n[i];
    uint32_t t = to->n[i];
    SLAB_ASSERT(from + count <= n && t + count <= mag_cap(i));
    for (uint32_t j = 0; j < count; j++) {
        to->obj[i][t + j] = m->obj[i][from + j];
    }
    for (uint32_t j = from + count; j < n; j++) {
        m->obj[i][j - count] = m->obj[i][j];
    }
    put(to->n[i], static_cast<uint8_t>(t + count));
    put(m->n[i], static_cast<uint8_t>(n - count));
}

// The exchange, its page taken now if it has none (NULL when the source
// has none). Under the heap's lock.
core_set *exchange_of(slab_heap *h)
{
    core_root *root = h->cores;
    if (root->exchange == nullptr) {
        root->exchange = new_set(h, nullptr, 0u); // owned by no core
    }
    return static_cast<core_set *>(root->exchange);
}

// Gives obj[i][from .. from + count) of m back to class i's cache, and
// closes the gap. Under the heap's lock; the owner (or a heap no other
// context uses) calls it.
void give_back(slab_heap *h, core_set *m, size_t i, uint32_t from, uint32_t count)
{
    if (count == 0) {
        return;
    }
    slab_cache *c = h->classes[i];
    uint32_t n = m->n[i];
    SLAB_ASSERT(c != nullptr && from + count <= n);
    for (uint32_t j = from; j < from + count; j++) {
        void *p = m->obj[i][j];
        SLAB_ASSERT(*entry_of(c, p) == kParked<uint8_t>);
        *entry_of(c, p) = static_cast<uint8_t>(kLive<uint8_t>);
        depot_give(h, c, p);
    }
    for (uint32_t j = from + count; j < n; j++) {
        m->obj[i][j - count] = m->obj[i][j];
    }
    put(m->n[i], static_cast<uint8_t>(n - count));
}

// Every block of m back to the caches, its counts into the heap's. Under
// the heap's lock.
void empty_set(slab_heap *h, core_set *m)
{
    for (size_t i = 0; i < kClasses; i++) {
        give_back(h, m, i, 0, m->n[i]);
    }
    h->allocs += m->allocs;
    h->frees += m->frees;
    put(m->allocs, size_t(0));
    put(m->frees, size_t(0));
}

// The alloc of a core whose magazine of class i is empty (or that has no
// magazines yet): the block from the cache, and up to mag_cap(i) / 2 more into
// the magazine, under one hold of the lock.
SLAB_COLD void *refill(slab_heap *h, size_t i, const core_slot &slot)
{
    heap_guard hold(h);
    core_set *m = slot.set();
    if (m == nullptr) {
        m = set_take(h);
        slot.set(m); // NULL still when no page: every call goes to the caches
    }
    void *p = depot_alloc(h, i, true);
    slab_cache *c = h->classes[i];
    if (p == nullptr || m == nullptr || c->wide != 0) {
        return p; // (a class with two-byte maps frees through the caches: no magazine)
    }
    uint32_t half = mag_cap(i) / 2u;
    core_set *x = static_cast<core_set *>(h->cores->exchange);
    if (x != nullptr && x->n[i] != 0) {
        move_blocks(x, i, x->n[i] - half, half, m); // the newest half another core left
        return p;
    }
    uint32_t n = m->n[i];
    while (n < half) {
        void *q = depot_alloc(h, i, false);
        if (q == nullptr) {
            break;
        }
        *entry_of(c, q) = static_cast<uint8_t>(kParked<uint8_t>);
        m->obj[i][n++] = q;
    }
    put(m->n[i], static_cast<uint8_t>(n));
    return p;
}

void *cores_alloc(slab_heap *h, size_t i)
{
    if (SLAB_CHECKS) {
        heap_guard hold(h);
        return depot_alloc(h, i, true);
    }
    void *p = mag_pop(h, i);
    if (SLAB_LIKELY(p != nullptr)) {
        return p;
    }
    core_slot slot(h->cores->ops);
    return refill(h, i, slot);
}

// The free of a core whose magazine of class i is full (or that has no
// magazines yet): its older half back to the cache, then p into it; with
// no magazines to be had, p to the cache.
SLAB_COLD slab_status spill(slab_heap *h, size_t i, slab_cache *c, slab_page *s, void *p, uint8_t *entry,
                            const core_slot &slot)
{
    heap_guard hold(h);
    core_set *m = slot.set();
    if (m == nullptr) {
        m = set_take(h);
        slot.set(m);
        if (m == nullptr) {
            return depot_free(h, c, s, p);
        }
    }
    if (m->n[i] == mag_cap(i)) {
        uint32_t half = mag_cap(i) / 2u;
        core_set *x = exchange_of(h);
        if (x != nullptr && x->n[i] + half <= mag_cap(i)) {
            move_blocks(m, i, 0, half, x); // for another core's refill
        } else {
            give_back(h, m, i, 0, half);
        }
    }
    uint32_t n = m->n[i];
    *entry = static_cast<uint8_t>(kParked<uint8_t>);
    m->obj[i][n] = p;
    put(m->n[i], static_cast<uint8_t>(n + 1u));
    put(m->frees, m->frees + 1u);
    return SLAB_OK;
}

slab_status cores_free(slab_heap *h, slab_cache *c, slab_page *s, void *p)
{
    uint8_t *entry = SLAB_CHECKS ? nullptr : live_entry(c, s, p);
    if (entry == nullptr) {
        heap_guard hold(h); // not a live slot (the cache's free says why), or checked mode
        return depot_free(h, c, s, p);
    }
    if (SLAB_LIKELY(mag_push(h, c, p, entry))) {
        return SLAB_OK;
    }
    core_slot slot(h->cores->ops);
    return spill(h, class_of(c->obj_size), c, s, p, entry, slot);
}

// The caller's magazines back to the caches, and the exchange's halves
// (a core that flushes may be the consumer the last halves waited for).
void cores_flush_mine(slab_heap *h)
{
    core_slot slot(h->cores->ops);
    core_set *m = slot.set();
    heap_guard hold(h);
    if (m != nullptr) {
        empty_set(h, m);
        m->owned = 0;
        slot.set(nullptr);
    }
    if (h->cores->exchange != nullptr) {
        empty_set(h, static_cast<core_set *>(h->cores->exchange));
    }
}

// Empties m and gives its page back (destroy); false, m kept and empty,
// when the hook refused the page. Under the heap's lock.
bool give_set(slab_heap *h, core_set *m)
{
    empty_set(h, m);
    m->owned = 0;
    if (!give_core_page(h, m, kSetPage)) {
        return false;
    }
    h->cores->bytes -= kSetPage;
    return true;
}

bool cores_flush_all(slab_heap *h)
{
    heap_guard hold(h);
    core_root *root = h->cores;
    bool ok = true;
    core_set **link = reinterpret_cast<core_set **>(&root->sets);
    while (*link != nullptr) {
        core_set *m = *link;
        core_set *next = m->next; // (read before the page goes)
        if (give_set(h, m)) {
            *link = next;
        } else {
            ok = false; // kept, idle, on the list: the next destroy offers it again
            link = &m->next;
        }
    }
    if (root->exchange != nullptr) {
        if (give_set(h, static_cast<core_set *>(root->exchange))) {
            root->exchange = nullptr;
        } else {
            ok = false; // kept, empty: the next destroy offers it again
        }
    }
    if (!ok || !give_core_page(h, root, kRootPage)) {
        return false;
    }
    __atomic_store_n(&h->hot_kind, h->lock_kind, __ATOMIC_RELAXED);
    h->cores = nullptr;
    return true;
}

// One page of magazines (a core's or the exchange) into the figures.
void count_set(const core_set *m, size_t *allocs, size_t *frees, size_t *blocks, size_t *bytes, size_t *pages)
{
    *allocs += seen(m->allocs);
    *frees += seen(m->frees);
    for (size_t i = 0; i < kClasses; i++) {
        size_t n = seen(m->n[i]);
        *blocks += n;
        *bytes += n * class_bytes(i);
    }
    ++*pages;
}

void cores_count(const slab_heap *h, size_t *allocs, size_t *frees, size_t *blocks, size_t *bytes, size_t *pages)
{
    ++*pages; // the root
    for (const core_set *m = static_cast<const core_set *>(h->cores->sets); m != nullptr; m = m->next) {
        count_set(m, allocs, frees, blocks, bytes, pages);
    }
    if (h->cores->exchange != nullptr) {
        count_set(static_cast<const core_set *>(h->cores->exchange), allocs, frees, blocks, bytes, pages);
    }
}

// True when every block of m is a parked slot of its class's byte-map
// cache, within its magazine's capacity: for a core's page, only while a
// core owns it; for the exchange (owned by none), in whole halves.
bool set_ok(const slab_heap *h, const core_set *m, bool exchange)
{
    for (size_t i = 0; i < kClasses; i++) {
        const slab_cache *c = h->classes[i];
        uint32_t n = seen(m->n[i]);
        bool held = exchange ? n % (mag_cap(i) / 2u) == 0 : m->owned != 0;
        if (n > mag_cap(i) || (n != 0 && (c == nullptr || c->wide != 0 || !held))) {
            return false;
        }
        for (uint32_t j = 0; j < n; j++) {
            void *p = m->obj[i][j];
            const slab_page *s = page_of(p, kD);
            uint32_t off = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(s) + kD - reinterpret_cast<uintptr_t>(p));
            uint32_t k = 0;
            if (!page_byte_map(s, c, kD) || !slot_on_grid(off, c->recip, &k) ||
                slot_map<uint8_t>(s)[k] != kParked<uint8_t>) {
                return false;
            }
        }
    }
    return true;
}

bool cores_check(const slab_heap *h)
{
    const core_root *root = h->cores;
    const core_set *x = static_cast<const core_set *>(root->exchange);
    size_t pages = x != nullptr ? 1u : 0u;
    if (root->layer != &kCoreLayer || root->bytes < kRootPage || (root->bytes - kRootPage) % kSetPage != 0) {
        return false;
    }
    size_t held = (root->bytes - kRootPage) / kSetPage;
    if (x != nullptr && (x->owned != 0 || x->allocs != 0 || x->frees != 0 || !set_ok(h, x, true))) {
        return false;
    }
    for (const core_set *m = static_cast<const core_set *>(root->sets); m != nullptr; m = m->next) {
        if (++pages > held || m->owned > 1u) {
            return false; // a cycle, or a page the heap does not count
        }
        if (!set_ok(h, m, false)) {
            return false;
        }
    }
    return pages == held;
}

}  // namespace

extern "C" {

slab_status slab_heap_use_cores(slab_heap *heap, const slab_core_ops *ops)
{
    slab_heap *h = nullptr;
    slab_status st = heap_handle(heap, &h);
    if (st != SLAB_OK) {
        return st;
    }
    if (ops == nullptr || ops->enter == nullptr || (ops->flags & ~SLAB_CORES_ON_CONTENTION) != 0) {
        return SLAB_EINVAL;
    }
    bool later = (ops->flags & SLAB_CORES_ON_CONTENTION) != 0;
    if (later && h->lock_kind != SLAB_LOCK_KIND_SPIN) {
        return SLAB_EINVAL; // (only the spin lock of the hot calls sees contention)
    }
    heap_guard hold(h);
    if (h->cores != nullptr) {
        return SLAB_EINVAL;
    }
    core_root *root = static_cast<core_root *>(take_core_page(h, kRootPage));
    if (root == nullptr) {
        return SLAB_ENOMEM;
    }
    root->layer = &kCoreLayer;
    root->ops = ops;
    root->sets = nullptr;
    root->exchange = nullptr;
    root->bytes = kRootPage;
    h->cores = root;
    note_core_pages(h);
    if (!later) { // else switched on by the first core that waits (heap.cpp, spin_contended)
        __atomic_store_n(&h->hot_kind, kHotCores, __ATOMIC_RELEASE);
    }
    return SLAB_OK;
}

slab_status slab_heap_flush_core(slab_heap *heap)
{
    slab_heap *h = nullptr;
    slab_status st = heap_handle(heap, &h);
    if (st == SLAB_OK && cores_on(h)) {
        h->cores->layer->flush_mine(h);
    }
    return st;
}

}  // extern "C"
