// SPDX-License-Identifier: MIT
// The heap's control block (struct slab_heap), shared by the heap
// (src/heap.cpp) and its per-core layer (src/heap_cores.cpp), and the few
// calls between the two. Internal.
#ifndef SLAB_SRC_HEAP_CONTROL_HPP
#define SLAB_SRC_HEAP_CONTROL_HPP

#include "heap_classes.hpp"
#include "large_table.hpp"
#include "slab/heap.h"
#include "slab/lock.hpp"

namespace slab {
namespace detail {
namespace heap {

// The per-core layer's entry points (src/heap_cores.cpp), reached through
// slab_heap::mags so that a program that never calls slab_heap_use_cores
// links none of its code.
struct core_layer {
    // A block of class i (the heap's lock not held): the core's magazine,
    // else the class cache. NULL when there is no memory.
    void *(*alloc)(slab_heap *h, size_t i);
    // Frees p in byte-map slab s of class cache c (the heap's lock not
    // held): into the core's magazine when p is a live slot, else the
    // class cache's whole free (which refuses it).
    slab_status (*free)(slab_heap *h, slab_cache *c, slab_page *s, void *p);
    // The calling core's magazines back to the caches (no lock held).
    void (*flush_mine)(slab_heap *h);
    // Every core's magazines back, their pages given back (destroy: no
    // other context uses the heap). False when the hook refused a page.
    bool (*flush_all)(slab_heap *h);
    // The magazines' figures, under the heap's lock: the cores' allocs and
    // frees, the blocks and bytes parked, the pages held.
    void (*count)(const slab_heap *h, size_t *allocs, size_t *frees, size_t *blocks, size_t *bytes,
                  size_t *pages);
    // True when every parked block is a parked slot of its class's cache.
    bool (*check)(const slab_heap *h);
};

// A heap's per-core state (slab_heap::cores), in a page of the heap's
// source taken by slab_heap_use_cores.
struct core_root {
    const core_layer *layer;  // the layer's entry points
    const slab_core_ops *ops; // the program's slots
    void *sets;               // the cores' magazine pages (src/heap_cores.cpp)
    void *exchange;           // halves of magazines between cores, or NULL (src/heap_cores.cpp)
    size_t bytes;             // this page's and theirs
};

// The lock kind the hot calls dispatch on (slab_heap::hot_kind) when the
// per-core layer is on: none of the kinds they inline, so that they take
// the out-of-line path, which goes to the layer.
constexpr uint8_t kHotCores = 0xFF;

}  // namespace heap
}  // namespace detail
}  // namespace slab

// Built field by field in its page by slab_heap_create: never constructed.
struct slab_heap { // NOLINT(cppcoreguidelines-pro-type-member-init)
    uintptr_t magic;          // heap_magic(this)
    slab_heap_error_fn on_error;
    void *error_ctx;
    size_t bytes_in_use;      // of the class caches' and large blocks: blocks in magazines counted
    size_t bytes_peak;
    size_t allocs;            // not counting the magazines' own (core_layer::count)
    size_t frees;
    size_t class_slabs;       // pages (of D) held by the class caches
    size_t large_live;        // live large blocks
    size_t large_pages;       // pages held for large blocks: live and retained
    size_t large_bytes;       // their bytes
    size_t page_bytes_peak;
    size_t failures;          // hook failures not counted by a live class cache
    slab::detail::large_hdr *retained; // pages whose give-back the hook refused
    slab::detail::large_table table; // the live large blocks (large_table.hpp): what a large free is checked against
    const slab_page_source *source; // NULL: the global hooks
    slab_page_source class_source;  // the class caches' pages: source through page_in_use
    slab::detail::OpsLock ops; // used when lock_kind is SLAB_LOCK_KIND_OPS
    uint8_t lock_kind;        // SLAB_LOCK_KIND_*
    uint8_t hot_kind;         // what the hot calls dispatch on: lock_kind, or kHotCores (magazines on)
    uint8_t basepri;          // used when lock_kind is SLAB_LOCK_KIND_BASEPRI
    slab::SpinLock spin;      // used when lock_kind is SLAB_LOCK_KIND_SPIN
    slab::detail::heap::core_root *cores; // the per-core layer (on when hot_kind is kHotCores), or NULL
    slab_cache *classes[slab::detail::heap::kClasses];
};

namespace slab {
namespace detail {
namespace heap {

// The smallest page (a power of two, at least SLAB_MIN_SLAB_SIZE) that
// holds `bytes`.
constexpr size_t page_for(size_t bytes)
{
    size_t size = SLAB_MIN_SLAB_SIZE;
    while (size < bytes) {
        size <<= 1;
    }
    return size;
}
// The page that holds the control block.
constexpr size_t kControlPage = page_for(sizeof(slab_heap));

// The byte the hot calls dispatch on. It changes once, to kHotCores, with
// the lock held (slab_heap_use_cores, or the first contention), and a call
// that reads either value is right: the old one takes the lock, under which
// the class caches serve it as before (the magazines' blocks are parked, no
// call of the caches touches them); the new one the magazines. A host reads
// it as a relaxed atomic (the C++ memory model, ThreadSanitizer); the M
// profile, where a byte load is single-copy atomic and no sanitizer runs,
// reads it plainly: the atomic read cost the heap's malloc and free one
// instruction each on the Cortex-M3 (make bench-heap-target, means 64.7 ->
// 65.7 and 63.8 -> 64.7).
SLAB_INLINE uint8_t hot_kind_of(const slab_heap *h)
{
#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
    return h->hot_kind;
#else
    return __atomic_load_n(&h->hot_kind, __ATOMIC_RELAXED);
#endif
}

// True when the heap's magazines are on (slab_heap_use_cores).
SLAB_INLINE bool cores_on(const slab_heap *h) { return __atomic_load_n(&h->hot_kind, __ATOMIC_ACQUIRE) == kHotCores; }

// SLAB_OK with *h the heap when `heap` is a genuine one, else why not.
slab_status heap_handle(const slab_heap *heap, slab_heap **h);
// The heap's lock, taken and released out of line (src/heap.cpp).
unsigned long heap_lock(slab_heap *h);
void heap_unlock(slab_heap *h, unsigned long token);

// Holds the heap's lock for one scope.
class heap_guard {
public:
    SLAB_INLINE explicit heap_guard(slab_heap *h) : h_(h), token_(heap_lock(h)) {}
    SLAB_INLINE ~heap_guard() { heap_unlock(h_, token_); }
    heap_guard(const heap_guard &) = delete;
    heap_guard &operator=(const heap_guard &) = delete;
    heap_guard(heap_guard &&) = delete;
    heap_guard &operator=(heap_guard &&) = delete;

private:
    slab_heap *h_;
    unsigned long token_;
};

// The heap's counters (under its lock): the bytes of every page it holds,
// their peak, and the program's blocks.
SLAB_INLINE size_t page_bytes_now(const slab_heap *h)
{
    return h->class_slabs * kD + h->large_bytes + kControlPage + h->table.page_size + h->table.kept_bytes +
           (h->cores != nullptr ? h->cores->bytes : 0u);
}

SLAB_INLINE void note_peak_bytes(slab_heap *h, size_t bytes)
{
    if (bytes > h->page_bytes_peak) {
        h->page_bytes_peak = bytes;
    }
}

SLAB_INLINE void note_pages(slab_heap *h) { note_peak_bytes(h, page_bytes_now(h)); }

SLAB_INLINE void note_alloc(slab_heap *h, size_t bytes)
{
    h->bytes_in_use += bytes;
    if (h->bytes_in_use > h->bytes_peak) {
        h->bytes_peak = h->bytes_in_use;
    }
    h->allocs++;
}

SLAB_INLINE void note_free(slab_heap *h, size_t bytes)
{
    h->bytes_in_use -= bytes;
    h->frees++;
}

// The report hook the heap sets on each of its class caches: the core's
// refusals and checked-mode reports on a class cache go to the heap's hook.
// Its address is also how a free tells a heap's cache from any other.
void heap_class_report(void *ctx, slab_cache *c, slab_status status, void *ptr);

// Under the heap's lock (src/heap.cpp), for the per-core layer:
// A block of class i from its cache, counted as the program's alloc
// (counted true) or as one that goes into a magazine (bytes only).
void *depot_alloc(slab_heap *h, size_t i, bool counted);
// Gives p, a live slot of class cache c taken back from a magazine, to the
// cache (the program's free was counted when it went into the magazine).
void depot_give(slab_heap *h, slab_cache *c, void *p);
// The whole free of p in slab s of c, counted (a refusal reported).
slab_status depot_free(slab_heap *h, slab_cache *c, slab_page *s, void *p);
// A page of `size` for the per-core layer, from the heap's source through
// the same check as every page (NULL: none); and its give-back. The layer
// counts them (core_root::bytes).
void *take_core_page(slab_heap *h, size_t size);
bool give_core_page(slab_heap *h, void *page, size_t size);
// The pages' peak, after the layer took a page.
void note_core_pages(slab_heap *h);

}  // namespace heap
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_HEAP_CONTROL_HPP
