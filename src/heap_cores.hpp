// SPDX-License-Identifier: MIT
// A core's magazines (src/heap_cores.cpp has the layer, its layout and its
// invariants): the page that holds them, and the inline halves of an alloc
// from them and a free into them, which the layer calls and the LD_PRELOAD
// drop-in's build inlines into the heap's hot calls (SLAB_HEAP_CORES_INLINE,
// src/heap.cpp). Each half either completes or returns having changed
// nothing; the layer does the rest. Internal.
#ifndef SLAB_SRC_HEAP_CORES_HPP
#define SLAB_SRC_HEAP_CORES_HPP

#include "heap_control.hpp"

#ifndef SLAB_HEAP_CORES_TLS
#define SLAB_HEAP_CORES_TLS 0
#endif

namespace slab {
namespace detail {
namespace heap {

// Blocks per class per core (Bonwick and Adams size magazines by their
// objects' size): a 64-bit host's threads keep about kMagBytes of each
// class, at least kMagMin and at most kMag blocks (blocks up to 512 B: 128;
// 1 KiB: 64; 1,792 B: 36), at most about 830 KiB in all; a 32-bit part's
// cores, 8 of every class (their RAM). With 16 per class, two threads of
// make bench-threads ran no faster than one: each exchange with the depot
// takes the shared lock and writes the shared slabs' maps.
constexpr uint32_t kMag = sizeof(void *) == 8 ? 128u : 8u;
constexpr uint32_t kMagMin = sizeof(void *) == 8 ? 16u : 8u;
#ifndef SLAB_HEAP_MAGAZINE_BYTES
#define SLAB_HEAP_MAGAZINE_BYTES 65536 // a build option of the library (docs/heap.md); the fuzzers' is smaller
#endif
constexpr size_t kMagBytes = SLAB_HEAP_MAGAZINE_BYTES;
constexpr uint32_t mag_cap_of(size_t i)
{
    size_t n = kMagBytes / class_bytes(i);
    return n < kMagMin ? kMagMin : n > kMag ? kMag : static_cast<uint32_t>(n);
}
struct mag_caps {
    uint8_t of[kClasses];
};
constexpr mag_caps make_mag_caps()
{
    mag_caps t{};
    for (size_t i = 0; i < kClasses; i++) {
        t.of[i] = static_cast<uint8_t>(mag_cap_of(i));
    }
    return t;
}
// Class i's capacity.
SLAB_INLINE uint32_t mag_cap(size_t i)
{
    if constexpr (kMagMin == kMag) {
        return kMag; // (a 32-bit part: one size for every class, no table)
    } else {
        static constexpr mag_caps kCaps = make_mag_caps();
        return kCaps.of[i];
    }
}

struct core_set {
    core_set *next; // the heap's list (core_root::sets)
    uint32_t owned; // 1 while a core's slot holds it (under the heap's lock)
    size_t allocs;  // the program's allocs and frees the magazines served
    size_t frees;
    uint8_t n[kClasses];
    void *obj[kClasses][kMag];
};
static_assert(kMag <= 0xFF, "n is a byte");

// The owner's stores and anyone's loads of the fields the statistics read.
SLAB_INLINE uint8_t seen(const uint8_t &field) { return __atomic_load_n(&field, __ATOMIC_RELAXED); }
SLAB_INLINE size_t seen(const size_t &field) { return __atomic_load_n(&field, __ATOMIC_RELAXED); }
SLAB_INLINE void put(uint8_t &field, uint8_t value) { __atomic_store_n(&field, value, __ATOMIC_RELAXED); }
SLAB_INLINE void put(size_t &field, size_t value) { __atomic_store_n(&field, value, __ATOMIC_RELAXED); }

// The map entry of p, a slot of a byte-map slab of class cache c.
SLAB_INLINE uint8_t *entry_of(const slab_cache *c, void *p)
{
    slab_page *s = page_of(p, kD);
    uint32_t off = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(s) + kD - reinterpret_cast<uintptr_t>(p));
    return &slot_map<uint8_t>(s)[slot_number(off, c->recip)];
}

// The map entry of p when p is a live slot of byte-map slab s of class
// cache c (one multiply: slot_on_grid), else NULL.
SLAB_INLINE uint8_t *live_entry(const slab_cache *c, slab_page *s, const void *p)
{
    uint32_t off = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(s) + kD - reinterpret_cast<uintptr_t>(p));
    uint32_t k = 0;
    if (!slot_on_grid(off, c->recip, &k) || slot_map<uint8_t>(s)[k] != kLive<uint8_t>) {
        return nullptr;
    }
    return &slot_map<uint8_t>(s)[k];
}

// The calling core's slot for the inline halves: the program's enter and
// leave (slab_core_ops), or, in a build with SLAB_HEAP_CORES_TLS (the
// LD_PRELOAD drop-in, mk/malloc.mk), a thread-local slot read inline, which
// the program's enter must return too (hooks/malloc/preload.c) and whose
// leave must be NULL. The slow halves always call the program's enter,
// which is where a program learns that a thread has magazines.
#if SLAB_HEAP_CORES_TLS
}  // namespace heap
}  // namespace detail
}  // namespace slab
extern "C" __attribute__((tls_model("initial-exec"))) __thread void *slab_heap_thread_slot_;
namespace slab {
namespace detail {
namespace heap {
SLAB_INLINE void **core_enter(const slab_heap *, unsigned long *) { return &slab_heap_thread_slot_; }
SLAB_INLINE void core_leave(const slab_heap *, unsigned long) {}
#else
SLAB_INLINE void **core_enter(const slab_heap *h, unsigned long *token)
{
    const slab_core_ops *ops = h->cores->ops;
    return ops->enter(ops->ctx, token);
}
SLAB_INLINE void core_leave(const slab_heap *h, unsigned long token)
{
    const slab_core_ops *ops = h->cores->ops;
    if (ops->leave != nullptr) {
        ops->leave(ops->ctx, token);
    }
}
#endif

// The calling core's last freed block of class i, handed out again; NULL
// (nothing changed) when the core has no magazines or that one is empty.
SLAB_INLINE void *mag_pop(slab_heap *h, size_t i)
{
    unsigned long token = 0;
    void **slot = core_enter(h, &token);
    core_set *m = static_cast<core_set *>(*slot);
    void *p = nullptr;
    if (SLAB_LIKELY(m != nullptr && m->n[i] != 0)) {
        uint32_t n = m->n[i] - 1u;
        p = m->obj[i][n];
        put(m->n[i], static_cast<uint8_t>(n));
        *entry_of(h->classes[i], p) = static_cast<uint8_t>(kLive<uint8_t>);
        put(m->allocs, m->allocs + 1u);
    }
    core_leave(h, token);
    return p;
}

// Parks p, a live block of class cache c whose map entry is `entry`
// (live_entry), in the calling core's magazine; false (nothing changed)
// when the core has no magazines or that one is full.
SLAB_INLINE bool mag_push(slab_heap *h, const slab_cache *c, void *p, uint8_t *entry)
{
    size_t i = class_of(c->obj_size);
    unsigned long token = 0;
    void **slot = core_enter(h, &token);
    core_set *m = static_cast<core_set *>(*slot);
    bool done = m != nullptr && m->n[i] < mag_cap(i);
    if (SLAB_LIKELY(done)) {
        uint32_t n = m->n[i];
        *entry = static_cast<uint8_t>(kParked<uint8_t>);
        m->obj[i][n] = p;
        put(m->n[i], static_cast<uint8_t>(n + 1u));
        put(m->frees, m->frees + 1u);
    }
    core_leave(h, token);
    return done;
}

}  // namespace heap
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_HEAP_CORES_HPP
