// slab::Result: out-of-memory and other refusals come back as a status in an
// empty Result, never as an exception, with nothing constructed and nothing
// leaked.
#include <gtest/gtest.h>

#include "page_leak_test.hpp"
#include "slab/slab.hpp"

namespace pages = slabtest::pages;

namespace {

struct Counted {
    static int constructed;
    static int live;
    char payload[100];
    Counted()
    {
        constructed++;
        live++;
    }
    ~Counted() { live--; }
};
int Counted::constructed = 0;
int Counted::live = 0;

class ResultTest : public slabtest::PageLeakTest {};

// make() when the hook refuses every page: empty Result, SLAB_ENOMEM, no
// constructor run, no page kept, the cache still usable afterwards.
TEST_F(ResultTest, MakeReportsOutOfMemory)
{
    pages::FaultScope faults;
    auto r = slab::Cache<Counted>::create();
    ASSERT_TRUE(r);
    auto cache = r.take();
    std::vector<slab::Cache<Counted>::box_type> boxes;
    const uint32_t master = cache.stats().objs_in_master;
    for (uint32_t i = 0; i < master; i++) {
        auto b = cache.make();
        ASSERT_TRUE(b);
        boxes.push_back(b.take());
    }
    pages::refuse_all_allocs(true);
    const int constructed = Counted::constructed;
    for (int i = 0; i < 3; i++) {
        auto b = cache.make();
        EXPECT_FALSE(b);
        EXPECT_EQ(b.status(), SLAB_ENOMEM);
        EXPECT_FALSE(*b) << "the Box in a failed Result is empty";
    }
    EXPECT_EQ(Counted::constructed, constructed) << "no constructor runs without a slot";
    slab_stats st = cache.stats();
    EXPECT_EQ(st.objs_in_use, master);
    EXPECT_EQ(st.slabs_in_use, 1u);
    EXPECT_EQ(st.hook_failures, 3u);
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK);
    EXPECT_EQ(pages::outstanding() - pages_before_, 1);
    pages::refuse_all_allocs(false);
    auto b = cache.make();
    ASSERT_TRUE(b);
    EXPECT_EQ(b.status(), SLAB_OK);
    boxes.clear();
    b->reset();
    EXPECT_EQ(Counted::live, 0);
}

// A misaligned page from the hook: SLAB_EHOOKALIGN, and the page went back.
TEST_F(ResultTest, MakeReportsAMisalignedPage)
{
    pages::FaultScope faults;
    auto cache = slab::Cache<Counted, slab::NoLock, 256>::create().take();
    ASSERT_TRUE(cache);
    ASSERT_EQ(cache.stats().objs_in_master, 0u) << "a 256 B master has no room for a 100 B slot";
    pages::misalign_next_allocs(1);
    auto b = cache.make();
    EXPECT_FALSE(b);
    EXPECT_EQ(b.status(), SLAB_EHOOKALIGN);
    EXPECT_EQ(pages::outstanding() - pages_before_, 1);
    auto ok = cache.make();
    EXPECT_TRUE(ok);
}

// create() refusals: no handle, the status says why, no page kept.
TEST_F(ResultTest, CreateReportsItsRefusals)
{
    pages::FaultScope faults;
    struct Big {
        char bytes[300];
    };
    auto too_big = slab::Cache<Big, slab::NoLock, 256>::create();
    EXPECT_FALSE(too_big);
    EXPECT_EQ(too_big.status(), SLAB_ETOOBIG);
    EXPECT_FALSE(*too_big);
    pages::refuse_all_allocs(true);
    auto no_page = slab::Cache<Counted>::create();
    EXPECT_FALSE(no_page);
    EXPECT_EQ(no_page.status(), SLAB_ENOMEM);
    pages::refuse_all_allocs(false);
    pages::misalign_next_allocs(1);
    auto bad_page = slab::Cache<Counted>::create();
    EXPECT_EQ(bad_page.status(), SLAB_EHOOKALIGN);
}

// An empty handle (default-constructed or moved from) refuses everything
// with SLAB_EINVAL and reports zero stats.
TEST_F(ResultTest, EmptyHandleRefuses)
{
    slab::Cache<Counted> none;
    EXPECT_FALSE(none);
    auto b = none.make();
    EXPECT_FALSE(b);
    EXPECT_EQ(b.status(), SLAB_EINVAL);
    slab_status why = SLAB_OK;
    EXPECT_EQ(none.try_alloc(&why), nullptr);
    EXPECT_EQ(why, SLAB_EINVAL);
    EXPECT_EQ(none.stats().slabs_in_use, 0u);
    none.reset_peak();
    EXPECT_EQ(none.raw(), nullptr);
}

}  // namespace
