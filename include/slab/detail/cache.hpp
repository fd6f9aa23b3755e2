// SPDX-License-Identifier: MIT
// The cache's control block and its slab lists, with the inline O(1) fast
// paths shared by the C front (src/c_api.cpp) and the C++ front (slab.hpp).
// The slow paths (taking and giving back slabs) are compiled once, in
// src/cache.cpp. Internal: not a public API. Every function here expects the
// cache's lock to be held by the caller (one acquisition per operation).
#ifndef SLAB_DETAIL_CACHE_HPP
#define SLAB_DETAIL_CACHE_HPP

#include "slab/detail/slab_page.hpp"
#include "slab/slab.h"
#include "slab/static.h"
#include "slab/trace.h"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {
// Hook traffic of one cache. A cache being created keeps it on the stack until
// its control block exists.
struct hook_counts {
    uint32_t taken;    // successful slab_page_alloc() calls
    uint32_t given;    // successful slab_page_free() calls
    uint32_t failures; // NULL pages, misaligned pages, refused frees
};
}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

// Lock kinds recorded in the control block, so that a C call can refuse a
// cache whose lock it does not know (a C++ cache with a user lock type).
enum : uint8_t {
    SLAB_LOCK_KIND_NONE = 0,
    SLAB_LOCK_KIND_SPIN = 1,
    SLAB_LOCK_KIND_IRQ = 2,
    SLAB_LOCK_KIND_CUSTOM = 3,  // a C++ lock type (Lock::kind); recorded as OPS (slab/lock.hpp)
    SLAB_LOCK_KIND_OPS = 4,     // slab_lock_ops: a C user's lock, or a C++ lock type's thunks
    SLAB_LOCK_KIND_BASEPRI = 5, // slab::BasepriLock: BASEPRI mask (ARMv7-M, ARMv8-M Mainline)
    SLAB_LOCK_KIND_HEAP = 6,    // a heap's class cache: its lock is the heap's, which the cache
                                // calls cannot take; they refuse it (slab_free: SLAB_EHEAPBLOCK)
};

// Master slab layout (S bytes, aligned to S):
//
//   base
//   | slab_page | slot map | pad | slab_cache (this struct) | lock | ...slots... |
//
// The control block lives in the master, so a cache costs no static RAM, and
// the master is given back last, at teardown: master_of(c) is the page that
// holds c (a statically defined cache, slab/static.h, keeps its control
// block outside: there the master is the first static page, a page of
// slots only, named by its image).
//
// Every slab of the cache is in exactly one place:
//   partial list  avail > 0 (the master stays here even when empty)
//   no list       avail == 0: full. Nothing ever searches for a full slab; a
//                 free into one finds it by masking and pushes it on the
//                 partial list, touching only the list head. Full slabs are
//                 counted in `full`, so that slab_cache_validate can still
//                 account for them.
//   spare         one empty slave kept so a workload that crosses a slab
//                 boundary back and forth does not call the hooks each time
// The master's pin: while the cache has a handle (C: until destroy; C++: a
// live Cache), the master's cap counts one phantom slot that is always
// taken. So avail reaches cap (the slab is empty) on the free path only for
// a slave, or for the master of an orphaned cache: both need the slow path,
// and the hot path never tests which slab it is.
//   pin == (handles > 0 ? 1 : 0)
//   master.cap == cap_master + pin,  used = cap - avail counts the pin too
//
// Counting invariants (checked by slab_cache_validate, asserted at the
// transitions in src/cache.cpp):
//   slabs == 1 + slaves on the partial list + full slaves + (spare ? 1 : 0)
//   full == slabs with avail == 0 (the master included)
//   in_use + (hot ? 1 : 0) == sum of used over all slabs - pin
//   in_use == in_use_peak - headroom - (hot ? 1 : 0)
//                                          (the live count is not stored:
//            the fast alloc spends headroom, the fast free returns it, and
//            an alloc with none left is the one that raises the peak, in
//            the slow half: the peak stays exact at no cost to the fast path)
//   hooks.taken - hooks.given == slabs
//   fast == (byte map && !SLAB_CHECKS && partial not empty) ? head of partial : NULL,
//           where fast is fast_nolock for a cache with no lock and fast_locked
//           for any other (the other field stays NULL)
//   recip_nolock == (no lock ? recip : 0)
//   hot: NULL, or (a cache with no lock only) one object freed into a full
//        slab and parked there: its slot stays live in its slab's map and
//        counters, its slab stays full (avail == 0), and the next alloc
//        hands it out again before anything else. A free into a slab that
//        was full and no parked object costs one store, and the alloc that
//        follows one load: a workload that frees into full slabs and
//        allocates again (random order, many live objects) moves no slab on
//        or off the partial list. Any other free into the hot object's slab
//        (which is full by its count, so it takes the was-full branch) first
//        puts the hot object back into the slab for real (cache_free_slow),
//        so no slab ever looks full or used while only the hot object is in
//        it: slabs still empty, and go back, exactly when their last object
//        is freed.
// The two fields let the inline paths of a cache with no lock (the C front's
// slab_alloc and slab_free, Box with NoLock) skip the lock-kind test: for a
// cache with a lock, fast_nolock is NULL (the alloc takes its slow half) and
// recip_nolock 0 (slot_on_grid says "off the grid": the free takes its slow
// half), and the slow halves go by the lock kind.
struct slab_cache {
    uintptr_t magic;            // cache_magic(this, slab_size): control block is genuine
    const slab_lock_class_ *lock_class; // the C front's way to its lock (src/lock_class.hpp)
    slab::detail::slab_page *fast_nolock; // `fast` of a cache with no lock, else NULL
    slab::detail::slab_page *fast_locked; // `fast` of a cache with a lock (or a heap's), else NULL
    slab::detail::link partial; // sentinel: slabs with a free slot; alloc takes the head
    slab::detail::slab_page *spare; // empty slave kept, or NULL
    size_t stride;              // slot size: object size rounded up to the alignment
    size_t slab_size;           // S
    uint32_t obj_size;          // as asked at creation (< S <= 2^30)
    uint32_t recip;             // ceil(2^32 / stride): slot numbers without a divide (slot_number)
    uint32_t recip_nolock;      // recip for a cache with no lock, else 0
    uint32_t cap_slave;         // slots per slave
    uint32_t cap_master;        // slots in the master (at most cap_slave)
    uint32_t headroom;          // in_use_peak - live objects (cache_in_use)
    uint32_t in_use_peak;       // high-water mark of the live objects (kept whatever SLAB_STATS says)
    uint32_t slabs;             // pages held from the hook
    uint32_t slabs_peak;        // high-water mark of slabs
    uint32_t full;              // slabs with no free slot (on no list)
    slab::detail::hook_counts hooks; // page traffic through the hooks
    uint32_t waiters;           // callers of slab_alloc_wait blocked now
    void *hot;                  // the parked object (see above), or NULL
    const slab_page_source *source; // where pages come from; NULL: the global hooks
    const slab_wait_ops *wait;  // slab_alloc_wait's interface; NULL: nobody waits
    slab_error_fn on_error;     // report hook, or NULL
    void *error_ctx;            // its first argument
    uint32_t handles;           // C: 1 until destroy; C++: live Cache handles (> 0: master pinned)
    uint16_t lock_offset;       // bytes from this struct to the lock object
    uint8_t lock_kind;          // SLAB_LOCK_KIND_*
    uint8_t cxx_owned : 1;      // 1: ended by its last C++ handle, not by slab_cache_destroy()
    uint8_t wide : 1;           // slot map entries are 16-bit (more than 253 slots per slab)
    uint8_t pinned : 1;         // a static cache (slab/static.h): pages kept, never given back
    uint8_t busy : 1;           // checked mode: an alloc or free is inside the cache (re-entry: SLAB_EREENTERED)
};

static_assert(sizeof(slab_cache) == (sizeof(void *) == 8 ? 176 : 120),
              "slab_cache layout changed: update the overhead figures in README.md and docs/performance.md");

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

// Internal status of a free that emptied an orphaned C++ cache (no handle
// left): the front must tear it down after releasing the lock. Never returned
// to a user. Representable because SLAB_STATUS_FORCE_INT_ makes the enum int
// sized even under -fshort-enums (else 0x100 would truncate to SLAB_OK).
constexpr slab_status kStatusTeardown = static_cast<slab_status>(0x100);
static_assert(sizeof(slab_status) == sizeof(int), "slab_status must be int-sized (see slab.h)");

// The first slab: given back last, pinned while a handle lives.
SLAB_INLINE slab_page *master_of(const slab_cache *c)
{
    if (c->pinned != 0) {
        // (the pages are aligned to SLAB_DEFAULT_SLAB_SIZE: slab/static.h)
        void *first = reinterpret_cast<const slab_static_cache_ *>(c)->info.pages;
        return static_cast<slab_page *>(first);
    }
    return page_of(c, c->slab_size);
}

// The control block's magic: the slab magic of its own address, with a key
// of its own, so that it is never 0 for zeroed memory (whose magic, address
// and cache fields would otherwise agree) and never a slab header's.
constexpr uintptr_t kCacheKey = sizeof(uintptr_t) == 8 ? uintptr_t(0x9E3779B97F4A7C15ULL) : uintptr_t(0x9E3779B1u);
SLAB_INLINE uintptr_t cache_magic(const slab_cache *c, size_t slab_size)
{
    return slab_magic(c, c, slab_size) ^ kCacheKey;
}
SLAB_INLINE slab_page *page_of_node(link *n) { return reinterpret_cast<slab_page *>(n); }
SLAB_INLINE void *lock_area(slab_cache *c) { return reinterpret_cast<char *>(c) + c->lock_offset; }

// Checked mode (src/checked.cpp). Declared whatever SLAB_CHECKS says, and
// called behind `if (SLAB_CHECKS)`, so both configurations always compile.
void checked_alloc(slab_cache *c, void *obj, bool reused);
slab_status checked_free(slab_cache *c, void *obj);
void report(slab_cache *c, slab_status status, void *ptr);
// A C++ free of a pointer with no genuine header (src/report.cpp).
void report_bad_free(void *obj) noexcept;

// Every operation has two halves, called with the cache's lock held:
//   cache_*_fast  inline, in the caller: the common case only (a slab with a
//                 byte map, no list transition, not checked mode). It either
//                 completes the operation or returns NULL / false having
//                 changed nothing.
//   cache_*_slow  compiled once (src/cache.cpp): the whole operation, every
//                 case. Called as the caller's last step, a tail call, so
//                 the fast half needs no stack frame.

// Live objects: the peak less the headroom and the parked object (struct
// slab_cache).
SLAB_INLINE uint32_t cache_in_use(const slab_cache *c)
{
    return c->in_use_peak - c->headroom - (c->hot != nullptr ? 1u : 0u);
}

// One object more: from the headroom, else it raises the peak.
SLAB_INLINE void count_alloc(slab_cache *c)
{
    if (c->headroom != 0) {
        c->headroom--;
    } else {
        c->in_use_peak++;
    }
}

// The `fast` field of a cache whose inline paths run with NoLock (no lock:
// fast_nolock) or with a lock held (fast_locked): struct slab_cache.
template <bool NoLock>
SLAB_INLINE slab_page *&fast_field(slab_cache *c)
{
    if constexpr (NoLock) {
        return c->fast_nolock;
    } else {
        return c->fast_locked;
    }
}
template <bool NoLock>
SLAB_INLINE uint32_t recip_field(const slab_cache *c)
{
    return NoLock ? c->recip_nolock : c->recip;
}
SLAB_INLINE bool has_lock(const slab_cache *c) { return c->lock_kind != SLAB_LOCK_KIND_NONE; }

// A slot of the head slab of the partial list, when that slab has a byte map
// (`fast`); else NULL, nothing changed. NoLock: the cache's lock is none
// (for a cache with one, fast_nolock is NULL and this returns NULL having
// read nothing else). PeakInline: an alloc that raises the peak is counted
// here too (a caller whose allocs often do: the heap's classes while a
// program grows), instead of being left to cache_alloc_peak. Hot: the
// parked object first (NoLock only; a caller that knows it is NULL skips it). A slab that fills up leaves the list
// here too (struct slab_cache: full slabs are on no list): two stores to
// unlink it, two to leave it self-linked, so that a random-order workload,
// whose allocs fill a slab at nearly every step, stays on this path.
// An alloc that would raise the peak (no headroom) is left to the slow half.
// A slot of s, the slab in `fast` (fast_nolock or fast_locked: the field),
// once the caller counted it. A slab that fills up leaves the partial list.
SLAB_INLINE void *fast_take(slab_cache *c, slab_page *s, slab_page *&fast)
{
    uint32_t k = page_take<uint8_t>(s);
    if (SLAB_UNLIKELY(--s->avail == 0)) {
        // [ partial: s, n, .. ]  =>  [ partial: n, .. ], s on no list
        link *next = s->node.next;
        list_detach(&s->node);
        c->full++;
        fast = next == &c->partial ? nullptr : page_of_node(next);
    }
    void *p = slot_at(s, c->slab_size, c->stride, k);
    SLAB_TRACE_ALLOC(c, p);
    return p;
}

template <bool NoLock, bool PeakInline = false, bool Hot = NoLock>
SLAB_INLINE void *cache_alloc_fast(slab_cache *c)
{
    static_assert(NoLock || !Hot, "only a cache with no lock parks");
    if constexpr (Hot) {
        void *h = c->hot;
        if (h != nullptr) { // the parked object: counted as live already, it raises no peak
            c->hot = nullptr;
            SLAB_TRACE_ALLOC(c, h);
            return h;
        }
    }
    slab_page *s = fast_field<NoLock>(c);
    if (SLAB_UNLIKELY(s == nullptr)) {
        return nullptr; // no slab with room, not a byte map, or (NoLock) a cache with a lock: the slow half
    }
    uint32_t room = c->headroom;
    if (PeakInline && room == 0) {
        c->in_use_peak++;
    } else if (SLAB_UNLIKELY(room == 0)) {
        return nullptr; // a new peak: the slow half
    } else {
        c->headroom = room - 1u;
    }
    return fast_take(c, s, fast_field<NoLock>(c));
}

// An alloc that raises the peak (the inline half found `fast` but no
// headroom): the peak rises by one and the slot comes from `fast` as in the
// inline half. Out of line, but light: the slow half starts with it.
SLAB_COLD __attribute__((returns_nonnull)) void *cache_alloc_peak(slab_cache *c);
SLAB_INLINE bool cache_at_peak(const slab_cache *c)
{
    return (c->fast_nolock != nullptr || c->fast_locked != nullptr) && c->headroom == 0;
}

// The inline alloc of a cache whose lock kind is known only at run time,
// with its lock (if any) held.
SLAB_INLINE void *cache_alloc_fast_held(slab_cache *c)
{
    return has_lock(c) ? cache_alloc_fast<false>(c) : cache_alloc_fast<true>(c);
}

// The whole alloc (src/cache.cpp): a new slab when none has room, the fill
// transition, wide maps, checked mode. Sets *status unless it is NULL: SLAB_OK,
// or why it returns NULL.
SLAB_COLD void *cache_alloc_slow(slab_cache *c, slab_status *status);

// True when s's header holds the magic of a genuine byte-map slab of c: the
// one compare the inline free makes (slab_page.hpp, kWideMagic).
SLAB_INLINE bool page_byte_map(const slab_page *s, const slab_cache *c, size_t slab_size)
{
    return s->magic == slab_magic(s, c, slab_size);
}

// Frees obj into its slab s, a genuine byte-map slab of c (page_byte_map),
// when obj is a live slot and s does not empty now. Every pointer that is not
// a live slot is left to the slow path, which refuses it: one multiply and a
// compare for "on the slot grid", a map read for "live now" (a byte map
// covers every k, slab_page.hpp). A slab that was full goes back on the
// partial list here (four stores: struct slab_cache, `fast`). Checked mode
// always takes the slow path. slab_size: c's, a constant where the caller
// knows it. NoLock: as cache_alloc_fast (a cache with a lock has
// recip_nolock 0, with which no pointer is on the grid). False: nothing
// changed.
template <bool NoLock>
SLAB_INLINE bool cache_free_fast(slab_cache *c, slab_page *s, void *obj, size_t slab_size)
{
    SLAB_ASSERT(c->wide == 0 && s->cache == c && c->slab_size == slab_size);
    if (SLAB_CHECKS) {
        return false;
    }
    uint32_t off = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(s) + slab_size -
                                         reinterpret_cast<uintptr_t>(obj));
    uint32_t k = 0;
    if (SLAB_UNLIKELY(!slot_on_grid(off, recip_field<NoLock>(c), &k))) {
        return false; // not a slot (or, NoLock, a cache with a lock): the slow half
    }
    uint32_t avail = s->avail;
    if (SLAB_UNLIKELY(slot_map<uint8_t>(s)[k] != kLive<uint8_t> || avail + 1u == s->cap)) {
        return false; // not a live slot, or the slab empties (spare, hook, teardown)
    }
    if (SLAB_UNLIKELY(avail == 0)) {
        if (c->waiters != 0) {
            return false; // room for a waiter: the slow half wakes it (lock.hpp, free_slow)
        }
        if constexpr (NoLock) {
            void *h = c->hot;
            if (h == nullptr) { // park obj (struct slab_cache, hot): s stays full
                c->hot = obj;
                SLAB_TRACE_FREE(c, obj);
                return true;
            }
            if (page_of(h, slab_size) == s) {
                return false; // the slow half: obj is parked already (a double free), or the hot object goes back first
            }
        }
        // [ partial: .. ]  =>  [ partial: s, .. ]
        list_push(&c->partial, &s->node);
        c->full--;
        fast_field<NoLock>(c) = s;
    }
    page_give<uint8_t>(s, k);
    s->avail = static_cast<uint16_t>(avail + 1u);
    c->headroom++;
    SLAB_TRACE_FREE(c, obj);
    return true;
}

// The whole free (src/cache.cpp): refusals (SLAB_EHEADER, SLAB_ENOTSLOT,
// SLAB_ENEVERALLOC, SLAB_EDOUBLEFREE: reported, nothing changed), the
// full-to-partial and empty transitions, wide maps, checked mode. Returns
// kStatusTeardown when the free emptied an orphaned C++ cache: the caller
// tears it down after releasing the lock.
SLAB_COLD slab_status cache_free_slow(slab_cache *c, slab_page *s, void *obj);

// Slow path of free (src/refuse.cpp): obj is not a live slot of its slab s.
// Says why, reports it through the cache's hook, and changes nothing.
SLAB_COLD slab_status cache_free_refused(slab_cache *c, slab_page *s, const void *obj);

// A statically defined cache (slab/static.h, src/static_cache.cpp) that was
// never used: its control block holds only the image the macro wrote.
// Its image's `wake` (cache_wake, src/static_cache.hpp) puts it in service
// (its first page), with the lock held.
bool cache_dormant(const slab_cache *c);

// Compiled in src/cache.cpp.
// src NULL: the global hooks; else kept by pointer (slab_page_source).
// cls: the lock's class (src/lock_class.hpp), kept by pointer.
slab_status cache_create(slab_cache **out, size_t obj_size, size_t obj_align, size_t slab_size,
                         size_t lock_size, size_t lock_align, uint8_t lock_kind, const slab_lock_class_ *cls,
                         const slab_page_source *src);
slab_status cache_teardown(slab_cache *c);
void cache_stats(const slab_cache *c, slab_stats *out);
void cache_reset_peak(slab_cache *c);
// Records another lock for c (kind and class: a heap's class cache, made
// with none), keeping the fields its inline paths read (struct slab_cache).
void cache_set_lock(slab_cache *c, uint8_t lock_kind, const slab_lock_class_ *cls);
// A handle more (C++ copy). The caller holds the lock.
void cache_hold(slab_cache *c);
// A handle less. The last one unpins the master; true when the cache must
// then end (no object left): the caller tears it down after the lock.
bool cache_release(slab_cache *c);
// The slab of obj if it is one of c's (src/refuse.cpp), else NULL with
// *status SLAB_EBADPTR or SLAB_EWRONGCACHE. Reads c's own mask when that
// stays in the default-size block around obj; otherwise (and to tell a
// wrong cache from a foreign pointer) the headers at obj's masks from
// SLAB_MIN_SLAB_SIZE up, so that no read leaves obj's own slab.
slab_page *cache_slab_of(const slab_cache *c, const void *obj, slab_status *status);
// Compiled in src/validate.cpp.
slab_status cache_check(const slab_cache *c);
// True when c leads to a genuine control block. Reads only what never changes
// while the cache lives, so it needs no lock (unlike cache_check).
bool cache_genuine(const slab_cache *c);
// True when c is a control block made under another slab_secret than the
// one set now (slab/hooks.h): its calls refuse it with SLAB_ESECRET.
bool cache_secret_changed(const slab_cache *c);
slab_status cache_validate(const slab_cache *c);

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_DETAIL_CACHE_HPP
