// SPDX-License-Identifier: MIT
// The heap (include/slab/heap.h, docs/heap.md): size-class caches on slabs of
// SLAB_DEFAULT_SLAB_SIZE (D) for small blocks, one page per large block.
//
// How a free finds its block from the pointer p alone, in O(1):
//   h = (p - 1) & ~(D - 1)   (equal to p's own D-block unless p is a
//                             multiple of D, which no slot ever is)
//   h is a genuine slab header (slab_page, magic with the secret) whose cache
//     reports to heap_class_report: p is in a slab of one of the heap's class
//     caches (every class uses slabs of size D, so h is p's own slab); the
//     cache's report context is its heap. The core's free does the rest,
//     refusals included.
//   h is a genuine large header (large_hdr, src/heap_large.hpp; magic with the secret): p
//     must be its block. A large block's header sits at its page's base,
//     or for an alignment >= D, at the D-block right below the block.
//   The slab header is tested first (the hot path). A large block's bytes
//   from its third word on lie where a slab header keeps its magic: only a
//   program whose slab_secret is 0 lets data there pass for one.
//   anything else is refused: SLAB_EBADPTR (or SLAB_EDOUBLEFREE for a large
//     page that still holds the freed mark).
#include "heap_control.hpp"
#include "heap_cores.hpp"
#include "heap_large.hpp"
#include "page_bridge.hpp"
#include "lock_class.hpp"
#include "page_marks.hpp"
#include "slab/heap.h"
#include "slab/lock.hpp"

// 1: the hot calls inline the spin lock (with_common_lock). The LD_PRELOAD
// drop-in's build sets it (mk/malloc.mk); nothing else changes with it.
#ifndef SLAB_HEAP_SPIN_INLINE
#define SLAB_HEAP_SPIN_INLINE 0
#endif
// 1: the hot calls of a heap with per-core magazines on take the inline
// halves of the magazines (src/heap_cores.hpp) before any call; the
// LD_PRELOAD drop-in's build sets it (mk/malloc.mk). 0: they reach the
// layer through one call, and a program that never turns magazines on
// links none of their code.
#ifndef SLAB_HEAP_CORES_INLINE
#define SLAB_HEAP_CORES_INLINE 0
#endif

using namespace slab::detail;
using namespace slab::detail::heap;

namespace {

SLAB_INLINE uintptr_t heap_magic(const slab_heap *h) { return heap_magic_at(h); }

SLAB_INLINE bool heap_genuine(const slab_heap *h) { return h->magic == heap_magic(h); }

}  // namespace

// The heap's lock, taken and released out of line: one dispatch on the kind,
// shared by every call that is not hot (the hot ones: with_common_lock).
// The token is what the kind's unlock needs (PRIMASK, BASEPRI, the
// program's token).
SLAB_COLD unsigned long slab::detail::heap::heap_lock(slab_heap *h)
{
    switch (h->lock_kind) {
#if SLAB_HAVE_IRQ_LOCK
    case SLAB_LOCK_KIND_IRQ:
        return slab::IrqLock().lock();
#endif
#if SLAB_HAVE_BASEPRI_LOCK
    case SLAB_LOCK_KIND_BASEPRI:
        return slab::detail::BasepriAny{h->basepri}.lock();
#endif
#if SLAB_HAVE_ATOMIC_EXCHANGE
    case SLAB_LOCK_KIND_SPIN:
        return static_cast<unsigned long>(h->spin.lock());
#endif
    case SLAB_LOCK_KIND_OPS:
        return h->ops.lock();
    default:
        SLAB_ASSERT(h->lock_kind == SLAB_LOCK_KIND_NONE);
        return 0;
    }
}

SLAB_COLD void slab::detail::heap::heap_unlock(slab_heap *h, unsigned long token)
{
    switch (h->lock_kind) {
#if SLAB_HAVE_IRQ_LOCK
    case SLAB_LOCK_KIND_IRQ:
        slab::IrqLock().unlock(static_cast<uint32_t>(token));
        return;
#endif
#if SLAB_HAVE_BASEPRI_LOCK
    case SLAB_LOCK_KIND_BASEPRI:
        slab::detail::BasepriAny{h->basepri}.unlock(static_cast<uint32_t>(token));
        return;
#endif
#if SLAB_HAVE_ATOMIC_EXCHANGE
    case SLAB_LOCK_KIND_SPIN:
        h->spin.unlock(0);
        return;
#endif
    case SLAB_LOCK_KIND_OPS:
        h->ops.unlock(token);
        return;
    default:
        return;
    }
}

void slab::detail::heap::heap_class_report(void *ctx, slab_cache *c, slab_status status, void *ptr)
{
    (void)c;
    slab_heap *h = static_cast<slab_heap *>(ctx);
    if (h->on_error != nullptr) {
        h->on_error(h->error_ctx, h, status, ptr);
    }
}

namespace {

// Runs op() under the heap's lock.
template <class Op>
SLAB_INLINE auto with_lock(slab_heap *h, Op op) -> decltype(op())
{
    heap_guard hold(h);
    return op();
}

#if SLAB_HAVE_ATOMIC_EXCHANGE
// A core that found the spin lock of the hot calls held: it waits (backoff,
// then yields), and on a heap whose magazines wait for contention
// (SLAB_CORES_ON_CONTENTION) switches them on, the lock held.
SLAB_COLD void spin_contended(slab_heap *h)
{
    slab::SpinLock::contended(&h->spin.held);
    if (h->cores != nullptr && h->hot_kind != kHotCores) {
        __atomic_store_n(&h->hot_kind, kHotCores, __ATOMIC_RELEASE);
    }
}

// The spin lock of the hot calls, held for one scope: taken inline, waited
// for out of line.
class hot_spin_guard {
public:
    SLAB_INLINE explicit hot_spin_guard(slab_heap *h) : h_(h)
    {
        if (SLAB_UNLIKELY(__atomic_exchange_n(&h->spin.held, 1, __ATOMIC_ACQUIRE) != 0)) {
            spin_contended(h);
        }
    }
    SLAB_INLINE ~hot_spin_guard() { h_->spin.unlock(0); }
    hot_spin_guard(const hot_spin_guard &) = delete;
    hot_spin_guard &operator=(const hot_spin_guard &) = delete;
    hot_spin_guard(hot_spin_guard &&) = delete;
    hot_spin_guard &operator=(hot_spin_guard &&) = delete;

private:
    slab_heap *h_;
};
#endif

// The hot calls (alloc and free of a small block) inline the lock of the
// common embedded heaps, none and interrupts, and reach every other kind
// through one call (other), so that the others' code does not crowd the
// fast path's registers. A build for a spin-locked heap (the LD_PRELOAD
// drop-in: SLAB_HEAP_SPIN_INLINE, set by mk/malloc.mk) inlines the spin
// lock instead, at the cost of a few instructions on a heap with none.
template <class Op, class Other>
SLAB_INLINE auto with_common_lock(slab_heap *h, Op op, Other other) -> decltype(op())
{
    uint8_t kind = hot_kind_of(h);
    if (SLAB_LIKELY(kind == SLAB_LOCK_KIND_NONE)) {
        return op();
    }
#if SLAB_HAVE_IRQ_LOCK
    if (kind == SLAB_LOCK_KIND_IRQ) {
        slab::IrqLock irq;
        slab::Guard<slab::IrqLock> hold(irq);
        return op();
    }
#elif SLAB_HEAP_SPIN_INLINE && SLAB_HAVE_ATOMIC_EXCHANGE
    if (SLAB_LIKELY(kind == SLAB_LOCK_KIND_SPIN)) {
        hot_spin_guard hold(h);
        return op();
    }
#endif
    return other();
}

// The `other` of the hot calls: the spin lock inline where the platform
// has no interrupt lock (a host: the LD_PRELOAD drop-in's lock), every
// other kind through the lock's dispatch.
template <class Op>
SLAB_INLINE auto with_other_lock(slab_heap *h, Op op) -> decltype(op())
{
#if !SLAB_HAVE_IRQ_LOCK && SLAB_HAVE_ATOMIC_EXCHANGE
    if (SLAB_LIKELY(h->lock_kind == SLAB_LOCK_KIND_SPIN)) {
        hot_spin_guard hold(h);
        return op();
    }
#endif
    return with_lock(h, op);
}


void heap_report(slab_heap *h, slab_status status, void *ptr) { heap_class_report(h, nullptr, status, ptr); }

// Copies and zeroes whole words: blocks are word aligned and their usable
// sizes word multiples. On the M profile the library may reference no mem*
// function, so the loops are kept from being turned into calls to them.
#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
void copy_bytes(void *dst, const void *src, size_t n)
{
    uintptr_t *d = static_cast<uintptr_t *>(dst);
    const uintptr_t *s = static_cast<const uintptr_t *>(src);
    for (size_t w = (n + sizeof(uintptr_t) - 1u) / sizeof(uintptr_t); w != 0; w--) {
        *d++ = *s++;
        __asm__("" : "+r"(d));
    }
}
void zero_bytes(void *dst, size_t n)
{
    uintptr_t *d = static_cast<uintptr_t *>(dst);
    for (size_t w = (n + sizeof(uintptr_t) - 1u) / sizeof(uintptr_t); w != 0; w--) {
        *d++ = 0;
        __asm__("" : "+r"(d));
    }
}
#else
void copy_bytes(void *dst, const void *src, size_t n) { __builtin_memcpy(dst, src, n); }
void zero_bytes(void *dst, size_t n) { __builtin_memset(dst, 0, n); }
#endif

// ---- small blocks ---------------------------------------------------------

// Creates class i's cache (its lock is the heap's: the cache has none).
SLAB_COLD slab_cache *class_create(slab_heap *h, size_t i)
{
    slab_cache *c = nullptr;
    slab_status st = cache_create_locked<slab::NoLock>(&c, class_bytes(i), kAlign, kD, &h->class_source);
    if (st != SLAB_OK) {
        h->failures++; // no page (the attempt's own counters died with it)
        return nullptr;
    }
    c->on_error = heap_class_report;
    c->error_ctx = h;
    // The cache calls (slab_free) refuse its blocks (SLAB_EHEAPBLOCK, src/lock_class.cpp).
    cache_set_lock(c, SLAB_LOCK_KIND_HEAP, &kHeapClassCacheLock);
    h->classes[i] = c;
    h->class_slabs += c->slabs;
    note_pages(h);
    return c;
}

// Class i had no free slot in its fast half (or no cache yet): the whole
// alloc, growth included, counted.
SLAB_COLD void *small_alloc_slow(slab_heap *h, size_t i)
{
    slab_cache *c = h->classes[i];
    if (c == nullptr) {
        c = class_create(h, i);
        if (c == nullptr) {
            return nullptr;
        }
    }
    uint32_t before = c->slabs;
    void *p = cache_alloc_slow(c, nullptr);
    h->class_slabs += c->slabs - before;
    note_pages(h);
    if (p != nullptr) {
        note_alloc(h, c->obj_size);
    }
    return p;
}

SLAB_INLINE void *small_alloc(slab_heap *h, size_t i)
{
    slab_cache *c = h->classes[i];
    void *p = SLAB_LIKELY(c != nullptr) ? cache_alloc_fast<false, true>(c) : nullptr;
    if (SLAB_UNLIKELY(p == nullptr)) {
        return small_alloc_slow(h, i);
    }
    note_alloc(h, c->obj_size);
    return p;
}

// True when p is a live slot of slab s of cache c (reads, writes nothing).
template <class Idx>
bool slot_live_map(const slab_cache *c, const slab_page *s, const void *p)
{
    uint32_t off = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(s) + kD - reinterpret_cast<uintptr_t>(p));
    uint32_t k = slot_number(off, c->recip);
    return size_t(k) * c->stride == off && k - 1u < s->handed && slot_map<Idx>(s)[k] == kLive<Idx>;
}

bool slot_live(const slab_cache *c, const slab_page *s, const void *p)
{
    return c->wide ? slot_live_map<uint16_t>(c, s, p) : slot_live_map<uint8_t>(c, s, p);
}

// ---- finding a block from its pointer -------------------------------------

struct where {
    slab_heap *heap;
    slab_cache *cache; // small: class cache, with slab
    slab_page *slab;
    large_hdr *large;  // large
};

// Reads the header at (p - 1) masked with D and what it names; no lock.
// SLAB_OK with *w filled, or why p is no heap block (reported when a heap
// is known).
slab_status locate(const void *p, where *w)
{
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    if (SLAB_UNLIKELY(a < kD || !addr_possible(p))) {
        return SLAB_EBADPTR; // the mask would land on address 0, or no page lies there
    }
    slab_page *s = page_of(reinterpret_cast<const void *>(a - 1u), kD);
    if (SLAB_LIKELY(page_valid(s, kD))) {
        if (SLAB_UNLIKELY((a & (kD - 1u)) == 0)) {
            return SLAB_EBADPTR; // the start of the D-block above a slab: not a slot of it
        }
        slab_cache *c = s->cache;
        if (SLAB_UNLIKELY(c->on_error != heap_class_report)) {
            return SLAB_EWRONGCACHE; // a libslab object, of a cache that is not a heap's
        }
        slab_heap *h = static_cast<slab_heap *>(c->error_ctx);
        if (SLAB_UNLIKELY(!heap_genuine(h))) {
            return SLAB_EBADPTR;
        }
        w->heap = h;
        w->cache = c;
        w->slab = s;
        w->large = nullptr;
        return SLAB_OK;
    }
    large_hdr *l = static_cast<large_hdr *>(static_cast<void *>(s));
    if (large_gone(l)) {
        return SLAB_EDOUBLEFREE; // its page went back: its heap is not read (it may be gone), nor told
    }
    bool live = large_valid(l);
    if (!live && !large_freed(l)) {
        return SLAB_EBADPTR;
    }
    slab_heap *h = l->heap;
    if (!heap_genuine(h)) {
        return live ? SLAB_EBADPTR : SLAB_EDOUBLEFREE;
    }
    w->heap = h;
    w->cache = nullptr;
    w->slab = nullptr;
    w->large = l;
    if (!live) {
        return SLAB_EDOUBLEFREE;
    }
    uintptr_t user = reinterpret_cast<uintptr_t>(large_user(l));
    if (a != user) {
        return a < user ? SLAB_EHEADER : SLAB_ENOTSLOT;
    }
    return SLAB_OK;
}

// Finds p among h's blocks, reading no page that h does not hold: a pointer
// whose offset in its D-block is below sizeof(slab_page) can only be a
// large block (plan_large) and is looked up in h's table alone; any other
// through the slab header in its own D-block (locate), which must be one
// of h's. The caller holds h's lock. SLAB_OK with *w filled, or why not.
slab_status locate_in(slab_heap *h, const void *p, where *w)
{
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    if (a < kD || !addr_possible(p)) {
        return SLAB_EBADPTR;
    }
    if ((a & (kD - 1u)) < sizeof(slab_page)) {
        large_slot *e = table_find(&h->table, p);
        if (e == nullptr) {
            return SLAB_EBADPTR; // no live large block of h: its page (maybe gone) is not read
        }
        large_hdr *l = entry_header(e);
        if (l == nullptr) {
            return SLAB_EBADPTR; // (no entry is at address 0: for the analyzer)
        }
        w->heap = h;
        w->cache = nullptr;
        w->slab = nullptr;
        w->large = l;
        return SLAB_OK;
    }
    w->heap = nullptr;
    slab_status st = locate(p, w);
    if (st == SLAB_OK && w->heap != h) {
        return SLAB_EWRONGCACHE;
    }
    return st;
}

// A refusal by locate() of a pointer whose heap it found: reported there.
slab_status refuse_located(const where *w, slab_status st, const void *p)
{
    if (w->heap != nullptr && w->large != nullptr) {
        with_lock(w->heap, [&] { heap_report(w->heap, st, const_cast<void *>(p)); });
    }
    return st;
}

// The whole free of p in slab s of class cache c (refusals, transitions,
// two-byte maps, checked mode), counted. The caller holds the heap's lock.
SLAB_COLD slab_status small_free_slow(slab_heap *h, slab_cache *c, slab_page *s, void *p)
{
    uint32_t in_use = cache_in_use(c);
    uint32_t slabs = c->slabs;
    slab_status st = cache_free_slow(c, s, p);
    if (cache_in_use(c) != in_use) { // freed (refusals change nothing)
        note_free(h, c->obj_size);
        h->class_slabs -= slabs - c->slabs;
    }
    return st;
}

// Frees p, located in w. The caller holds the heap's lock. A large header
// the table does not hold is refused (SLAB_EBADPTR, reported).
slab_status free_located(const where *w, void *p)
{
    if (w->large != nullptr) {
        large_slot *e = large_entry(w->heap, w->large);
        if (e == nullptr) {
            heap_report(w->heap, SLAB_EBADPTR, p);
            return SLAB_EBADPTR;
        }
        return large_free(w->heap, e);
    }
    return small_free_slow(w->heap, w->cache, w->slab, p);
}

// Usable bytes of a located block, 0 when it is not live. Under the lock.
size_t usable_located(const where *w, const void *p)
{
    if (w->large != nullptr) {
        return large_entry(w->heap, w->large) != nullptr ? large_usable(w->large) : 0u;
    }
    return slot_live(w->cache, w->slab, p) ? w->cache->obj_size : 0u;
}

// True when h is a heap's control block made under another slab_secret:
// its magic is not today's, but the fields creation wrote that hold no
// secret say it is one (its class caches' page source names it).
bool heap_secret_changed(const slab_heap *h)
{
    return h->magic != 0 && h->class_source.ctx == h && h->class_source.alloc == class_page_take &&
           h->class_source.free == class_page_give;
}

slab_status heap_ok(const slab_heap *heap, slab_heap **h)
{
    if (heap == nullptr) {
        return SLAB_EINVAL;
    }
    if (!heap_genuine(heap)) {
        return heap_secret_changed(heap) ? SLAB_ESECRET : SLAB_EBADPTR;
    }
    *h = const_cast<slab_heap *>(heap);
    return SLAB_OK;
}

// Why heap_ok refuses a handle that is not a genuine heap's (SLAB_EINVAL,
// SLAB_ESECRET or SLAB_EBADPTR), for a caller that tested heap_genuine.
SLAB_COLD slab_status heap_refused(const slab_heap *heap)
{
    slab_heap *none = nullptr;
    return heap_ok(heap, &none);
}

// Small classes whose slots are aligned to `align` (> kAlign): the first
// class from the size up whose stride is a multiple of align (at most four
// steps: the next power of two is one). kClasses when there is none.
size_t aligned_class(size_t size, size_t align)
{
    size_t want = size > align ? size : align;
    if (want > kMaxSmall) {
        return kClasses;
    }
    size_t i = class_of(want);
    while (i < kClasses && class_stride(class_bytes(i)) % align != 0) {
        i++;
    }
    return i;
}

void *alloc_aligned(slab_heap *h, size_t align, size_t size)
{
    size_t i = aligned_class(size, align);
    if (i < kClasses) {
        return with_lock(h, [&] { return small_alloc(h, i); });
    }
    return with_lock(h, [&] { return large_alloc(h, size, align); });
}

// Ends class i's cache if no block is live in it. The caller holds the lock
// (or owns the heap alone). False when the hook refused a page.
bool class_end(slab_heap *h, size_t i)
{
    slab_cache *c = h->classes[i];
    if (c == nullptr || cache_in_use(c) != 0) {
        return true;
    }
    uint32_t slabs = c->slabs;
    uint32_t failures = c->hooks.failures;
    if (cache_teardown(c) == SLAB_OK) {
        h->classes[i] = nullptr;
        h->class_slabs -= slabs;
        h->failures += failures;
        return true;
    }
    h->class_slabs -= slabs - c->slabs;
    return false;
}

size_t live_blocks(const slab_heap *h)
{
    size_t n = h->large_live;
    for (size_t i = 0; i < kClasses; i++) {
        if (h->classes[i] != nullptr) {
            n += cache_in_use(h->classes[i]);
        }
    }
    return n;
}

// Blocks in the cores' magazines (slab_heap_use_cores): live in their
// caches, free for the program.
size_t parked_blocks(const slab_heap *h)
{
    size_t allocs = 0, frees = 0, parked = 0, bytes = 0, pages = 0;
    if (h->cores != nullptr) {
        h->cores->layer->count(h, &allocs, &frees, &parked, &bytes, &pages);
    }
    return parked;
}

// Every free but the fast one: NULL, large blocks, two-byte maps, the
// slab's transitions, checked mode, refusals.
SLAB_COLD slab_status free_other(void *ptr)
{
    if (ptr == nullptr) {
        return SLAB_OK;
    }
    where w; // NOLINT(cppcoreguidelines-pro-type-member-init): filled by locate when it returns SLAB_OK
    w.heap = nullptr;
    slab_status st = locate(ptr, &w);
    if (SLAB_UNLIKELY(st != SLAB_OK)) {
        return refuse_located(&w, st, ptr);
    }
    return with_lock(w.heap, [&] { return free_located(&w, ptr); });
}

slab_status heap_create(slab_heap **out, unsigned flags, const slab_lock_ops *ops, const slab_page_source *src);

// A small block's free in its slab s of class cache c, a byte-map slab of a
// heap's cache: the inline half, else the whole. The caller holds the lock.
SLAB_INLINE slab_status small_free(slab_heap *h, slab_cache *c, slab_page *s, void *ptr)
{
#if !SLAB_CHECKS
    if (SLAB_LIKELY(cache_free_fast<false>(c, s, ptr, kD))) {
        note_free(h, c->obj_size);
        return SLAB_OK;
    }
#endif
    return small_free_slow(h, c, s, ptr);
}

// The hot calls under a lock with_common_lock does not inline, and those of
// a heap with magazines (its hot_kind, kHotCores: the per-core layer). Out
// of line, not cold: a host's drop-in takes them on every call.
__attribute__((noinline)) void *small_alloc_locked(slab_heap *h, size_t i)
{
    if (cores_on(h)) {
        return h->cores->layer->alloc(h, i);
    }
    return with_other_lock(h, [&]() SLAB_INLINE_LAMBDA { return small_alloc(h, i); });
}

__attribute__((noinline)) slab_status small_free_locked(slab_heap *h, slab_cache *c, slab_page *s, void *ptr)
{
    if (cores_on(h)) {
        return h->cores->layer->free(h, c, s, ptr);
    }
    return with_other_lock(h, [&]() SLAB_INLINE_LAMBDA { return small_free(h, c, s, ptr); });
}

// A free of a small block in byte-map slab s of class cache c, on a heap
// with magazines on: the inline push (SLAB_HEAP_CORES_INLINE), else the
// layer's whole free.
SLAB_INLINE slab_status cores_free_hot(slab_heap *h, slab_cache *c, slab_page *s, void *ptr)
{
    uint8_t *entry = SLAB_CHECKS ? nullptr : live_entry(c, s, ptr);
    if (entry != nullptr && mag_push(h, c, ptr, entry)) {
        return SLAB_OK;
    }
    return small_free_locked(h, c, s, ptr);
}

SLAB_COLD void *large_alloc_locked(slab_heap *h, size_t size)
{
    return with_lock(h, [&] { return large_alloc(h, size, kAlign); });
}

}  // namespace

// ---- the per-core layer's way to the class caches (heap_control.hpp) ------

void *slab::detail::heap::depot_alloc(slab_heap *h, size_t i, bool counted)
{
    void *p = small_alloc(h, i);
    if (p != nullptr && !counted) {
        h->allocs--; // a block for a magazine: the program's alloc is counted when it leaves it
    }
    return p;
}

void slab::detail::heap::depot_give(slab_heap *h, slab_cache *c, void *p)
{
    slab_page *s = page_of(p, kD);
    slab_status st = small_free(h, c, s, p);
    SLAB_ASSERT(st == SLAB_OK);
    (void)st;
    h->frees--; // counted when the program freed it into the magazine
}

slab_status slab::detail::heap::depot_free(slab_heap *h, slab_cache *c, slab_page *s, void *p)
{
    return small_free(h, c, s, p);
}

void *slab::detail::heap::take_core_page(slab_heap *h, size_t size)
{
    void *page = take_page_uncounted(h, size);
    if (page == nullptr) {
        h->failures++;
    }
    return page;
}

bool slab::detail::heap::give_core_page(slab_heap *h, void *page, size_t size)
{
    if (source_free(h->source, page, size) != 0) {
        h->failures++;
        return false;
    }
    return true;
}

void slab::detail::heap::note_core_pages(slab_heap *h) { note_pages(h); }

slab_status slab::detail::heap::heap_handle(const slab_heap *heap, slab_heap **h) { return heap_ok(heap, h); }

extern "C" {

slab_status slab_heap_create(slab_heap **out, unsigned flags) { return heap_create(out, flags, nullptr, nullptr); }

slab_status slab_heap_create_ex(slab_heap **out, const slab_heap_config *config)
{
    if (config == nullptr) {
        return SLAB_EINVAL;
    }
    return heap_create(out, config->flags, config->lock, config->pages);
}

}  // extern "C"

namespace {

// Every creation of a heap: the lock (the program's ops, or the built-in
// kind of flags) and the page source (NULL: the global hooks). Arguments, not
// a struct: at -Os an aggregate on the stack costs a memset.
slab_status heap_create(slab_heap **out, unsigned flags, const slab_lock_ops *ops, const slab_page_source *src)
{
    if (out == nullptr) {
        return SLAB_EINVAL;
    }
    uint8_t kind = 0;
    uint8_t prio = 0;
    slab_status st = slab::detail::lock_choice(flags, ops, src, &kind, &prio);
    if (st != SLAB_OK) {
        return st;
    }
    size_t size = kControlPage;
    void *page = source_alloc(src, size);
    if (page == nullptr) {
        return SLAB_ENOMEM;
    }
    if ((reinterpret_cast<uintptr_t>(page) & (size - 1u)) != 0) {
        (void)source_free(src, page, size);
        return SLAB_EHOOKALIGN;
    }
    slab_heap *h = static_cast<slab_heap *>(page);
    if (page_in_use(page, size)) {
        return SLAB_EHOOKDUP; // a page of ours (a live heap's, its table's, a slab's), handed out twice
    }
    h->on_error = nullptr;
    h->error_ctx = nullptr;
    h->bytes_in_use = 0;
    h->bytes_peak = 0;
    h->allocs = 0;
    h->frees = 0;
    h->class_slabs = 0;
    h->large_live = 0;
    h->large_pages = 0;
    h->large_bytes = 0;
    h->page_bytes_peak = size;
    h->failures = 0;
    h->retained = nullptr;
    // The table of large blocks starts in the control page's slack.
    size_t slots_at = round_up(sizeof(slab_heap), alignof(large_slot));
    size_t inline_cap = size > slots_at ? (size - slots_at) / sizeof(large_slot) : 0u;
    table_init(&h->table, static_cast<large_slot *>(static_cast<void *>(static_cast<char *>(page) + slots_at)),
               inline_cap);
    h->source = src;
    h->class_source.alloc = class_page_take;
    h->class_source.free = class_page_give;
    h->class_source.ctx = h;
    if (ops != nullptr) {
        h->ops.ops = *ops;
    }
    h->lock_kind = kind;
    h->hot_kind = kind;
    h->basepri = prio;
    h->cores = nullptr;
    new (&h->spin) slab::SpinLock();
    for (size_t i = 0; i < kClasses; i++) {
        h->classes[i] = nullptr;
    }
    h->magic = heap_magic(h);
    *out = h;
    return SLAB_OK;
}

}  // namespace

extern "C" {

slab_status slab_heap_destroy(slab_heap *heap)
{
    slab_heap *h = nullptr;
    slab_status st = heap_ok(heap, &h);
    if (st != SLAB_OK) {
        return st;
    }
    // The blocks in the cores' magazines are free for the program: they go
    // back, with the magazines' pages, once no other block lives (no other
    // context uses the heap now).
    if (with_lock(h, [&] { return live_blocks(h) - parked_blocks(h); }) != 0) {
        return SLAB_EBUSY;
    }
    if (h->cores != nullptr && !h->cores->layer->flush_all(h)) {
        return SLAB_EHOOKFREE;
    }
    bool ok = release_table(h);
    for (size_t i = 0; i < kClasses; i++) {
        ok &= class_end(h, i);
    }
    ok &= give_retained(h);
    if (!ok) {
        return SLAB_EHOOKFREE;
    }
    size_t size = kControlPage;
    uintptr_t magic = h->magic;
    h->magic = 0;
    if (source_free(h->source, h, size) != 0) {
        h->magic = magic;
        h->failures++;
        return SLAB_EHOOKFREE;
    }
    return SLAB_OK;
}

void *slab_heap_alloc(slab_heap *heap, size_t size)
{
    if (SLAB_UNLIKELY(heap == nullptr)) {
        return nullptr;
    }
    if (SLAB_UNLIKELY(size > kMaxSmall)) {
        return large_alloc_locked(heap, size);
    }
    size_t i = class_of(size);
#if SLAB_HEAP_CORES_INLINE
    if (__atomic_load_n(&heap->hot_kind, __ATOMIC_RELAXED) == kHotCores) {
        void *p = mag_pop(heap, i);
        return p != nullptr ? p : small_alloc_locked(heap, i);
    }
#endif
    return with_common_lock(
        heap, [&]() SLAB_INLINE_LAMBDA { return small_alloc(heap, i); },
        [&]() SLAB_INLINE_LAMBDA { return small_alloc_locked(heap, i); });
}

void *slab_heap_aligned_alloc(slab_heap *heap, size_t align, size_t size)
{
    if (heap == nullptr || align == 0 || (align & (align - 1u)) != 0) {
        return nullptr;
    }
    if (align <= kAlign) {
        return slab_heap_alloc(heap, size);
    }
    return alloc_aligned(heap, align, size);
}

void *slab_heap_calloc(slab_heap *heap, size_t n, size_t size)
{
    size_t bytes = 0;
    if (__builtin_mul_overflow(n, size, &bytes)) {
        return nullptr;
    }
    void *p = slab_heap_alloc(heap, bytes);
    if (p != nullptr) {
        zero_bytes(p, bytes);
    }
    return p;
}

// The fast free: p inside (not at the base of) a D-block whose header holds
// the byte-map magic of a cache that reports to a heap (which makes the
// cache genuine, and its report context a heap), and a live slot of it whose
// slab neither was full nor empties now (cache_free_fast). A genuine class
// cache's context is its heap: only class_create sets the trampoline, and a
// heap ends only after its caches. Everything else: free_other.
slab_status slab_heap_free(void *ptr)
{
    uintptr_t a = reinterpret_cast<uintptr_t>(ptr);
    slab_page *s = page_of(reinterpret_cast<const void *>(a - 1u), kD);
    if (SLAB_LIKELY((a & (kD - 1u)) != 0 && a > kD && addr_possible(ptr))) {
        slab_cache *c = s->cache;
        if (SLAB_LIKELY(page_byte_map(s, c, kD) && c->on_error == heap_class_report)) {
            slab_heap *h = static_cast<slab_heap *>(c->error_ctx);
            if (SLAB_HEAP_CORES_INLINE && __atomic_load_n(&h->hot_kind, __ATOMIC_RELAXED) == kHotCores) {
                return cores_free_hot(h, c, s, ptr);
            }
            return with_common_lock(
                h, [&]() SLAB_INLINE_LAMBDA { return small_free(h, c, s, ptr); },
                [&]() SLAB_INLINE_LAMBDA { return small_free_locked(h, c, s, ptr); });
        }
    }
    return free_other(ptr);
}

size_t slab_heap_usable_size(const void *ptr)
{
    if (ptr == nullptr) {
        return 0;
    }
    where w; // NOLINT(cppcoreguidelines-pro-type-member-init): filled by locate when it returns SLAB_OK
    if (locate(ptr, &w) != SLAB_OK) {
        return 0;
    }
    return with_lock(w.heap, [&] { return usable_located(&w, ptr); });
}

namespace {

// slab_heap_free_in of anything but a small block's fast free: large
// blocks, refusals, the slab transitions. Out of line, so that the fast
// free needs no stack frame.
__attribute__((noinline)) slab_status free_in_other(slab_heap *h, void *ptr)
{
    return with_lock(h, [&] {
        where w; // NOLINT(cppcoreguidelines-pro-type-member-init): filled by locate_in when it returns SLAB_OK
        slab_status why = locate_in(h, ptr, &w);
        if (why != SLAB_OK) {
            heap_report(h, why, ptr);
            return why;
        }
        return free_located(&w, ptr);
    });
}

}  // namespace

slab_status slab_heap_free_in(slab_heap *heap, void *ptr)
{
    if (ptr == nullptr) {
        return SLAB_OK;
    }
    uintptr_t a = reinterpret_cast<uintptr_t>(ptr);
    if (SLAB_LIKELY((a & (kD - 1u)) >= sizeof(slab_page) && a > kD && addr_possible(ptr))) {
        // Never a large block (plan_large): the slab header in its own
        // D-block, as slab_heap_free's fast path, for heap's caches only.
        // A genuine class cache's context is a genuine heap (slab_heap_free),
        // so a match with it validates the handle too: nothing of heap is
        // read before it.
        slab_page *s = page_of(reinterpret_cast<const void *>(a - 1u), kD);
        slab_cache *c = s->cache;
        if (SLAB_LIKELY(page_byte_map(s, c, kD) && c->on_error == heap_class_report && c->error_ctx == heap)) {
            slab_heap *h = heap;
            if (SLAB_HEAP_CORES_INLINE && __atomic_load_n(&h->hot_kind, __ATOMIC_RELAXED) == kHotCores) {
                return cores_free_hot(h, c, s, ptr);
            }
            return with_common_lock(
                h, [&]() SLAB_INLINE_LAMBDA { return small_free(h, c, s, ptr); },
                [&]() SLAB_INLINE_LAMBDA { return small_free_locked(h, c, s, ptr); });
        }
    }
    if (SLAB_UNLIKELY(heap == nullptr || !heap_genuine(heap))) {
        return heap_refused(heap);
    }
    return free_in_other(heap, ptr);
}

size_t slab_heap_usable_size_in(const slab_heap *heap, const void *ptr)
{
    slab_heap *h = nullptr;
    if (ptr == nullptr || heap_ok(heap, &h) != SLAB_OK) {
        return 0;
    }
    return with_lock(h, [&] {
        where w; // NOLINT(cppcoreguidelines-pro-type-member-init): filled by locate_in when it returns SLAB_OK
        return locate_in(h, ptr, &w) == SLAB_OK ? usable_located(&w, ptr) : size_t(0);
    });
}

namespace {

// slab_heap_realloc of a block (ptr not NULL). Out of line, so that a
// realloc from NULL (Lua's every allocation) is a malloc with no frame.
__attribute__((noinline)) void *realloc_block(slab_heap *heap, void *ptr, size_t size)
{
    slab_heap *h = nullptr;
    if (heap_ok(heap, &h) != SLAB_OK) {
        return nullptr;
    }
    if (size == 0) {
        size = 1;
    }
    // The block's usable size, and whether `size` keeps it: the same class,
    // or a large block whose page a fresh plan would not make smaller.
    where w; // NOLINT(cppcoreguidelines-pro-type-member-init): filled by locate_in when it returns SLAB_OK
    size_t old = with_lock(h, [&] {
        slab_status st = locate_in(h, ptr, &w);
        if (st != SLAB_OK) {
            heap_report(h, st, ptr);
            return size_t(0);
        }
        size_t n = usable_located(&w, ptr);
        if (n == 0 && w.large == nullptr) { // a free slot of a class: say why, as free would
            (void)cache_free_refused(w.cache, w.slab, ptr);
        }
        return n;
    });
    if (old == 0) {
        return nullptr;
    }
    bool keep = false;
    if (w.large == nullptr) {
        keep = size <= kMaxSmall && class_bytes(class_of(size)) == w.cache->obj_size;
    } else {
        large_plan plan; // NOLINT(cppcoreguidelines-pro-type-member-init): set by plan_large when it returns true
        keep = size > kMaxSmall && size <= old && plan_large(size, kAlign, &plan) && plan.page == large_page(w.large);
    }
    if (keep) {
        return ptr;
    }
    void *q = slab_heap_alloc(h, size);
    if (q == nullptr) {
        return size <= old ? ptr : nullptr; // a shrink that found no memory keeps its block
    }
    copy_bytes(q, ptr, size < old ? size : old);
    (void)with_lock(h, [&] { return free_located(&w, ptr); });
    return q;
}

}  // namespace

void *slab_heap_realloc(slab_heap *heap, void *ptr, size_t size)
{
    if (ptr == nullptr) {
        return slab_heap_alloc(heap, size);
    }
    return realloc_block(heap, ptr, size);
}

slab_status slab_heap_set_error_handler(slab_heap *heap, slab_heap_error_fn fn, void *ctx)
{
    slab_heap *h = nullptr;
    slab_status st = heap_ok(heap, &h);
    if (st == SLAB_OK) {
        with_lock(h, [&] {
            h->on_error = fn;
            h->error_ctx = fn != nullptr ? ctx : nullptr;
        });
    }
    return st;
}

slab_status slab_heap_trim(slab_heap *heap)
{
    slab_heap *h = nullptr;
    slab_status st = heap_ok(heap, &h);
    if (st != SLAB_OK) {
        return st;
    }
    if (cores_on(h)) {
        h->cores->layer->flush_mine(h);
    }
    bool ok = with_lock(h, [&] {
        bool all = release_table(h);
        for (size_t i = 0; i < kClasses; i++) {
            all &= class_end(h, i);
        }
        all &= give_retained(h);
        return all;
    });
    return ok ? SLAB_OK : SLAB_EHOOKFREE;
}

slab_status slab_heap_acquire(slab_heap *heap)
{
    slab_heap *h = nullptr;
    slab_status st = heap_ok(heap, &h);
    if (st != SLAB_OK || h->lock_kind == SLAB_LOCK_KIND_NONE) {
        return st;
    }
#if SLAB_HAVE_ATOMIC_EXCHANGE
    if (h->lock_kind == SLAB_LOCK_KIND_SPIN) {
        (void)h->spin.lock();
        return SLAB_OK;
    }
#endif
    return SLAB_EUNSUPPORTED;
}

slab_status slab_heap_release(slab_heap *heap)
{
    slab_heap *h = nullptr;
    slab_status st = heap_ok(heap, &h);
    if (st != SLAB_OK || h->lock_kind == SLAB_LOCK_KIND_NONE) {
        return st;
    }
#if SLAB_HAVE_ATOMIC_EXCHANGE
    if (h->lock_kind == SLAB_LOCK_KIND_SPIN) {
        h->spin.unlock(0);
        return SLAB_OK;
    }
#endif
    return SLAB_EUNSUPPORTED;
}

size_t slab_heap_class_count(void) { return kClasses; }

size_t slab_heap_class_size(size_t i) { return i < kClasses ? class_bytes(i) : 0u; }

size_t slab_heap_max_small(void) { return kMaxSmall; }

}  // extern "C"
