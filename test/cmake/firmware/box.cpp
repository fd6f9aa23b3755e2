// make test-cmake: the C++ front in the add_subdirectory() firmware. Its fast
// path is inlined here, compiled with the definitions the slab target passes
// on (SlabSize defaults to SLAB_DEFAULT_SLAB_SIZE); the slow paths are calls
// into the library built with them.
#include "slab/slab.hpp"

namespace {

struct Message {
    unsigned id;
    unsigned char body[28];
    explicit Message(unsigned i) noexcept : id(i), body{} {}
};

const char *run() noexcept
{
    auto made = slab::Cache<Message>::create();
    if (!made) {
        return "slab::Cache<Message>::create";
    }
    slab::Cache<Message> cache = made.take();
    slab_stats stats;
    if (slab_cache_stats(cache.raw(), &stats) != SLAB_OK || stats.slab_size != SLAB_DEFAULT_SLAB_SIZE) {
        return "C++ cache slab size";
    }
    {
        auto m = cache.make(42u);
        if (!m) {
            return "cache.make";
        }
        slab::Box<Message> box = m.take();
        if (box->id != 42u) {
            return "Box contents";
        }
    } // the Box frees its slot here
    if (slab_cache_stats(cache.raw(), &stats) != SLAB_OK || stats.objs_in_use != 0) {
        return "object freed by the Box";
    }
    return nullptr;
}

} // namespace

extern "C" const char *cxx_checks(void)
{
    return run();
}
