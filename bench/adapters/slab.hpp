// libslab adapters: the C API (no lock, spin lock) and the C++ Box (NoLock,
// SpinLock, whose fast path inlines here). Every adapter of bench/adapters/
// has the same shape:
//   static const char *name();
//   A();  ~A();                  setup and teardown, never timed
//   bool ok() const;             setup succeeded
//   void *alloc();  void free(void *);
#ifndef BENCH_ADAPTERS_SLAB_HPP
#define BENCH_ADAPTERS_SLAB_HPP

#include "obj.hpp"
#include "slab/slab.h"
#include "slab/slab.hpp"

namespace bench {

template <size_t N, unsigned Flags>
struct SlabC {
    static const char *name() { return Flags == 0 ? "slab-c" : "slab-c-spin"; }
    slab_cache *c = nullptr;
    SlabC() { (void)slab_cache_create(&c, N, 0, 0, Flags); }
    ~SlabC()
    {
        if (c != nullptr) {
            (void)slab_cache_destroy(c);
        }
    }
    bool ok() const { return c != nullptr; }
    BENCH_INLINE void *alloc() { return slab_alloc(c); }
    BENCH_INLINE void free(void *p) { (void)slab_free(p); }
};

template <size_t N, class Lock>
struct SlabBox {
    static const char *name() { return Lock::kind == SLAB_LOCK_KIND_NONE ? "slab-box" : "slab-box-spin"; }
    using T = Obj<N>;
    using Cache = slab::Cache<T, Lock>;
    Cache cache;
    SlabBox()
    {
        auto r = Cache::create();
        if (r) {
            cache = r.take();
        }
    }
    bool ok() const { return static_cast<bool>(cache); }
    // make() then release(): the same inline code a user's Box runs, with the
    // pointer handed to the workload instead of kept in a Box.
    BENCH_INLINE void *alloc()
    {
        auto r = cache.make();
        return r ? r->release() : nullptr;
    }
    BENCH_INLINE void free(void *p) { typename Cache::box_type b(static_cast<T *>(p)); }
};

// For bench-instr only: the C++ path with the header magic check removed
// (the slab found by masking alone), to price that check. Never for users:
// a foreign pointer would be freed into whatever the mask points at.
template <size_t N>
struct SlabBoxNoMagic : SlabBox<N, slab::NoLock> {
    static const char *name() { return "slab-box-nomagic"; }
    BENCH_INLINE void free(void *p)
    {
        using namespace slab::detail;
        slab_page *s = page_of(p, SLAB_DEFAULT_SLAB_SIZE);
        if (!cache_free_fast<true>(s->cache, s, p, SLAB_DEFAULT_SLAB_SIZE)) {
            (void)cache_free_slow(s->cache, s, p);
        }
    }
};

// For bench-instr only: the C++ path with one object kept alive in the
// master for the whole run, so the hot free never empties a slab and never
// enters cache_free_transition(). The difference to slab-box is the price of
// the "did a slab just become empty?" branch on the hot pair.
template <size_t N>
struct SlabBoxPinned : SlabBox<N, slab::NoLock> {
    static const char *name() { return "slab-box-pinned"; }
    void *pin = nullptr;
    SlabBoxPinned() { pin = this->ok() ? SlabBox<N, slab::NoLock>::alloc() : nullptr; }
    ~SlabBoxPinned()
    {
        if (pin != nullptr) {
            SlabBox<N, slab::NoLock>::free(pin);
        }
    }
};

} // namespace bench

#endif // BENCH_ADAPTERS_SLAB_HPP
