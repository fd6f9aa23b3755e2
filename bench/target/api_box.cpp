// The C++ front under measurement: Cache::make() and the Box destructor.
// They inline into their caller, so the counter calls them through two
// functions kept out of line here; the figures include those functions'
// call and return (each wrapper adds its own return and any register moves
// the inlined code needs: see docs/bench-target.md).
#include <new>

#include "api.h"
#include "slab/slab.hpp"

namespace {

// An object whose constructor does nothing, so make() costs the allocator
// only (a plain aggregate would be value-initialized: a 64-byte memset).
struct Obj {
    Obj() noexcept {} // NOLINT: deliberately not `= default` (see above)
    unsigned char bytes[BENCH_OBJ_SIZE];
};

// One cache per lock policy, in static storage built on demand: a global
// Cache would need a static constructor and an atexit destructor.
template <class Lock>
struct Front {
    using cache_type = slab::Cache<Obj, Lock>;
    alignas(cache_type) static unsigned char storage[sizeof(cache_type)];
    static cache_type &cache() { return *std::launder(reinterpret_cast<cache_type *>(storage)); }

    static slab_status create()
    {
        auto made = cache_type::create();
        if (!made) {
            return made.status();
        }
        new (storage) cache_type(made.take());
        return SLAB_OK;
    }
    // Dropping the last handle ends the cache (no object is left).
    static slab_status destroy()
    {
        cache().~cache_type();
        return SLAB_OK;
    }
    static slab_cache *raw() { return cache().raw(); }
    static uintptr_t alloc_arg() { return 0; }

    // make() builds the Box; release() hands the slot to the benchmark.
    __attribute__((noinline)) static void *alloc()
    {
        auto made = cache().make();
        return made ? made.take().release() : nullptr;
    }
    // The Box adopts the object and its destructor frees it.
    __attribute__((noinline)) static void free(void *obj) { typename cache_type::box_type box(static_cast<Obj *>(obj)); }
};
template <class Lock>
alignas(typename Front<Lock>::cache_type) unsigned char Front<Lock>::storage[sizeof(typename Front<Lock>::cache_type)];

template <class Lock>
bench_api api_of(const char *lock)
{
    return bench_api{"C++ Box",
                     lock,
                     Front<Lock>::create,
                     Front<Lock>::destroy,
                     Front<Lock>::raw,
                     reinterpret_cast<counter_fn>(Front<Lock>::alloc),
                     Front<Lock>::alloc_arg,
                     reinterpret_cast<counter_fn>(Front<Lock>::free),
                     0};
}

}  // namespace

extern "C" {
const bench_api bench_box_nolock = api_of<slab::NoLock>("none");
const bench_api bench_box_irq = api_of<slab::IrqLock>("irq");
}
