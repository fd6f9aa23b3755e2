// The C++ front on the target: Box construction/destruction, moves, out of
// memory reported as a Result, and the handle-counted cache lifetime.
#include "runner.h"
#include "slab/slab.hpp"
#include "test_hooks.h"

namespace {

struct Widget {
    static int live; // constructed and not yet destroyed
    int id;
    unsigned char data[20];
    explicit Widget(int i) : id(i), data{} { live++; }
    ~Widget() { live--; }
};
int Widget::live = 0;

using Cache = slab::Cache<Widget, slab::NoLock, 512>;

unsigned long outstanding_pages()
{
    test_hook_counts h;
    test_hooks_counts(&h);
    return h.outstanding;
}

}  // namespace

extern "C" void test_cxx_box(void)
{
    unsigned long pages0 = outstanding_pages();
    {
        auto made = Cache::create();
        EXPECT(made);
        Cache cache = made.take();
        {
            auto b = cache.make(5);
            EXPECT(b && (*b)->id == 5 && Widget::live == 1);
            EXPECT(cache.stats().objs_in_use == 1u);
            Cache::box_type owner = b.take();
            Cache::box_type moved(slab::detail::move(owner));
            EXPECT(!owner && moved && moved->id == 5 && Widget::live == 1);
            EXPECT(slab_cache_validate(cache.raw()) == SLAB_OK);
        } // moved goes out of scope: destroyed and freed
        EXPECT(Widget::live == 0 && cache.stats().objs_in_use == 0u);

        // Fill the master, then a failing hook: an empty Box and the status.
        slab_stats s = cache.stats();
        Cache::box_type boxes[32];
        unsigned n = 0;
        while (n < s.objs_in_master && n < 32u) {
            auto r = cache.make(static_cast<int>(n));
            EXPECT(r);
            boxes[n++] = r.take();
        }
        test_hooks_inject(FAULT_ALLOC_NULL, 1);
        auto none = cache.make(99);
        EXPECT(!none && none.status() == SLAB_ENOMEM && Widget::live == static_cast<int>(n));
        EXPECT(cache.stats().hook_failures == 1u);
        for (unsigned i = 0; i < n; i++) {
            EXPECT(boxes[i]->id == static_cast<int>(i));
            boxes[i].reset();
        }
        EXPECT(Widget::live == 0 && cache.stats().objs_in_use == 0u);
        EXPECT(slab_cache_validate(cache.raw()) == SLAB_OK);
    } // last handle: the cache ends and its pages go back
    EXPECT(outstanding_pages() == pages0);
}

extern "C" void test_cxx_cache_lifetime(void)
{
    unsigned long pages0 = outstanding_pages();
    Cache::box_type survivor;
    {
        Cache a = Cache::create().take();
        EXPECT(a);
        Cache b = a; // second handle
        {
            auto r = b.make(1);
            survivor = r.take();
        }
        EXPECT(survivor && Widget::live == 1);
        // C cannot destroy a C++ cache.
        EXPECT(slab_cache_destroy(a.raw()) == SLAB_EUNSUPPORTED);
    } // both handles gone, one object still out: the cache lives on
    EXPECT(outstanding_pages() == pages0 + 1u);
    EXPECT(survivor->id == 1);
    survivor.reset(); // the last object ends the cache
    EXPECT(Widget::live == 0 && outstanding_pages() == pages0);

    // The interrupt-masking lock on every Cortex-M.
    {
        auto made = slab::Cache<Widget, slab::IrqLock, 512>::create();
        EXPECT(made);
        auto w = made->make(7);
        EXPECT(w && (*w)->id == 7);
    }
    EXPECT(Widget::live == 0 && outstanding_pages() == pages0);
}
