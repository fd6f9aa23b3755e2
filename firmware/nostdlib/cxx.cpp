// The C++ half of the -nostdlib probe (main.c): Cache, Box and stats(),
// with NoLock and IrqLock. No value-initialised aggregates here either (they
// may become memset calls): the point is what the library's headers emit.
#include "slab/slab.hpp"

namespace {

struct Sample {
    unsigned id;
    unsigned char bytes[20]; // left uninitialised on purpose (see above)
    explicit Sample(unsigned i) : id(i) {}
};

// 0, or the number of the first failed check.
template <class Lock>
int run()
{
    auto made = slab::Cache<Sample, Lock>::create();
    if (!made) {
        return 1;
    }
    slab::Cache<Sample, Lock> cache = made.take();
    {
        auto r = cache.make(7u);
        if (!r) {
            return 2;
        }
        auto box = r.take();
        if (box->id != 7u || cache.stats().objs_in_use != 1u || cache.stats().obj_size != sizeof(Sample)) {
            return 3;
        }
    } // the Box frees its slot here
    if (cache.stats().objs_in_use != 0u) {
        return 4;
    }
    slab::Cache<Sample, Lock> moved(slab::detail::move(cache));
    if (cache.stats().obj_size != 0u || cache.stats().pages_taken != 0u || moved.stats().pages_taken != 1u) {
        return 5; // an empty handle's stats() are zeros, without a memset
    }
    return 0;
}

}  // namespace

extern "C" int nostdlib_cxx(void)
{
    int fail = run<slab::NoLock>();
    if (fail != 0) {
        return fail;
    }
    fail = run<slab::IrqLock>();
    return fail != 0 ? 10 + fail : 0;
}
