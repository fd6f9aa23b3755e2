// slab::Cache as a handle: copies share one cache (reference-counted), moves
// transfer it, and the cache ends only when the last handle is gone and the
// last object is back (checked with the provider's outstanding-page count).
// Also the custom SlabSize parameter, try_alloc/free_slot, stats/reset_peak,
// and the C view of a C++ cache.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "page_leak_test.hpp"
#include "slab/slab.hpp"
#include "slab_dump.hpp"

namespace pages = slabtest::pages;

namespace {

struct Item {
    uint64_t words[6];
};
using ItemCache = slab::Cache<Item>;

class CacheHandle : public slabtest::PageLeakTest {
protected:
    long taken() const { return pages::outstanding() - pages_before_; }
};

TEST_F(CacheHandle, CopiesShareMovesTransfer)
{
    ItemCache a = ItemCache::create().take();
    ASSERT_TRUE(a);
    EXPECT_EQ(a.raw()->handles, 1u);
    {
        ItemCache b = a; // copy: same cache, one more handle
        EXPECT_EQ(b.raw(), a.raw());
        EXPECT_EQ(a.raw()->handles, 2u);
        ItemCache c;
        c = b; // copy assignment
        EXPECT_EQ(c.raw(), a.raw());
        EXPECT_EQ(a.raw()->handles, 3u);
        ItemCache d(std::move(c)); // move: no new handle
        EXPECT_FALSE(c);           // NOLINT(bugprone-use-after-move)
        EXPECT_EQ(a.raw()->handles, 3u);
        ItemCache e;
        e = std::move(d);
        EXPECT_FALSE(d); // NOLINT(bugprone-use-after-move)
        EXPECT_EQ(a.raw()->handles, 3u);
        auto box = e.make();
        ASSERT_TRUE(box);
        EXPECT_EQ(a.stats().objs_in_use, 1u) << "every handle sees the same cache";
    }
    EXPECT_EQ(a.raw()->handles, 1u);
    EXPECT_EQ(taken(), 1) << "the cache lives while a handle does";
    // Assigning another cache to the last handle ends the old one.
    ItemCache other = ItemCache::create().take();
    a = other;
    EXPECT_EQ(taken(), 1) << "the first cache ended when its last handle was overwritten";
    EXPECT_EQ(other.raw()->handles, 2u);
}

// The last handle dropped while Boxes live: every page stays until the last
// Box goes, and then every page goes back.
TEST_F(CacheHandle, LastHandleWhileBoxesLiveEndsWithTheLastBox)
{
    std::vector<ItemCache::box_type> boxes;
    long pages_held = 0;
    {
        ItemCache cache = ItemCache::create().take();
        ASSERT_TRUE(cache);
        slab_stats st = cache.stats();
        for (uint32_t i = 0; i < st.objs_in_master + 2 * st.objs_per_slab + 1; i++) {
            auto b = cache.make(Item{{i, i, i, i, i, i}});
            ASSERT_TRUE(b);
            boxes.push_back(b.take());
        }
        pages_held = taken();
        ASSERT_EQ(pages_held, 4);
        ItemCache copy = cache;
    } // both handles gone
    EXPECT_EQ(taken(), pages_held) << "pages must stay while objects live";
    for (size_t i = 0; i + 1 < boxes.size(); i++) {
        EXPECT_EQ(boxes[i]->words[5], i) << "objects stay intact after the last handle";
        boxes[i].reset();
        ASSERT_GT(taken(), 0) << "the cache ended before its last object, at " << i;
    }
    EXPECT_EQ(taken(), 3) << "master, spare and the last object's slab stay until it goes";
    boxes.back().reset();
    EXPECT_EQ(taken(), 0) << "the last Box ends the cache";
}

// The same with a raw slot: free_slot() of the last object ends an orphaned cache.
TEST_F(CacheHandle, FreeSlotEndsAnOrphanedCache)
{
    void *slot = nullptr;
    {
        ItemCache cache = ItemCache::create().take();
        slab_status why = SLAB_ENOMEM;
        slot = cache.try_alloc(&why);
        ASSERT_NE(slot, nullptr);
        EXPECT_EQ(why, SLAB_OK);
    }
    EXPECT_EQ(taken(), 1);
    ItemCache::free_slot(slot);
    EXPECT_EQ(taken(), 0);
}

TEST_F(CacheHandle, TryAllocAndFreeSlot)
{
    pages::FaultScope faults;
    ItemCache cache = ItemCache::create().take();
    const uint32_t master = cache.stats().objs_in_master;
    std::vector<void *> slots;
    for (uint32_t i = 0; i < master; i++) {
        slots.push_back(cache.try_alloc());
        ASSERT_NE(slots.back(), nullptr);
    }
    EXPECT_EQ(cache.stats().objs_in_use, master);
    pages::fail_next_allocs(1);
    slab_status why = SLAB_OK;
    EXPECT_EQ(cache.try_alloc(&why), nullptr);
    EXPECT_EQ(why, SLAB_ENOMEM);
    EXPECT_EQ(cache.stats().objs_in_use, master);
    for (void *p : slots) {
        ItemCache::free_slot(p);
    }
    EXPECT_EQ(cache.stats().objs_in_use, 0u);
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK);
}

TEST_F(CacheHandle, StatsAndResetPeak)
{
    ItemCache cache = ItemCache::create().take();
    slab_stats st = cache.stats();
    const uint32_t n = st.objs_in_master + st.objs_per_slab + 1; // three slabs
    std::vector<ItemCache::box_type> boxes;
    for (uint32_t i = 0; i < n; i++) {
        boxes.push_back(cache.make().take());
    }
    boxes.resize(5);
    st = cache.stats();
    EXPECT_EQ(st.obj_size, sizeof(Item));
    EXPECT_EQ(st.objs_in_use, 5u);
    EXPECT_EQ(st.objs_peak, n);
    EXPECT_EQ(st.slabs_peak, 3u);
    EXPECT_EQ(st.slabs_in_use, 2u);
    EXPECT_EQ(st.pages_taken, 3u);
    EXPECT_EQ(st.pages_given, 1u);
    cache.reset_peak();
    st = cache.stats();
    EXPECT_EQ(st.objs_peak, 5u);
    EXPECT_EQ(st.slabs_peak, 2u);
    EXPECT_EQ(st.pages_taken, 3u) << "reset_peak touches only the high-water marks";
    boxes.push_back(cache.make().take());
    EXPECT_EQ(cache.stats().objs_peak, 6u);
}

// stats() of an empty handle (default-built or moved from) is all zeros:
// stats() does not value-initialise its result (no memset call for
// -nostdlib firmware), so it must zero each field itself.
TEST_F(CacheHandle, StatsOfAnEmptyHandleAreZero)
{
    ItemCache cache = ItemCache::create().take();
    ItemCache moved = std::move(cache);
    for (const ItemCache *h : {static_cast<const ItemCache *>(&cache), static_cast<const ItemCache *>(nullptr)}) {
        ItemCache none;
        const ItemCache &empty = h != nullptr ? *h : none;
        const slab_stats st = empty.stats();
        EXPECT_EQ(st.obj_size, 0u);
        EXPECT_EQ(st.slot_size, 0u);
        EXPECT_EQ(st.slab_size, 0u);
        EXPECT_EQ(st.objs_per_slab, 0u);
        EXPECT_EQ(st.objs_in_master, 0u);
        EXPECT_EQ(st.objs_in_use, 0u);
        EXPECT_EQ(st.objs_peak, 0u);
        EXPECT_EQ(st.slabs_in_use, 0u);
        EXPECT_EQ(st.slabs_peak, 0u);
        EXPECT_EQ(st.pages_taken, 0u);
        EXPECT_EQ(st.pages_given, 0u);
        EXPECT_EQ(st.hook_failures, 0u);
    }
    EXPECT_EQ(moved.stats().obj_size, sizeof(Item)) << "the moved-to handle has the cache";
}

// SlabSize: slabs of that size, and Boxes free by masking with it.
template <size_t S>
void check_slab_size()
{
    using C = slab::Cache<Item, slab::NoLock, S>;
    C cache = C::create().take();
    ASSERT_TRUE(cache);
    slab_stats st = cache.stats();
    EXPECT_EQ(st.slab_size, S);
    std::vector<typename C::box_type> boxes;
    for (uint32_t i = 0; i < st.objs_in_master + 2 * st.objs_per_slab + 1; i++) {
        boxes.push_back(cache.make().take());
        ASSERT_TRUE(boxes.back());
        ASSERT_TRUE(pages::is_live_page(reinterpret_cast<void *>(slabtest::slab_base(boxes.back().get(), S)), S));
    }
    EXPECT_EQ(cache.stats().slabs_in_use, 4u);
    for (size_t i = 0; i < boxes.size(); i += 3) {
        boxes[i].reset();
    }
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK) << slabtest::dump(cache.raw());
    boxes.clear();
    EXPECT_EQ(cache.stats().objs_in_use, 0u);
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK) << slabtest::dump(cache.raw());
}

TEST_F(CacheHandle, CustomSlabSize)
{
    check_slab_size<256>();
    check_slab_size<1024>();
    check_slab_size<16384>();
    check_slab_size<65536>();
}

// The C view of a C++ cache (built-in lock): usable from C, but only the last
// handle ends it.
TEST_F(CacheHandle, CViewOfACxxCache)
{
    ItemCache cache = ItemCache::create().take();
    void *p = slab_alloc(cache.raw());
    ASSERT_NE(p, nullptr);
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(cache.raw(), &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, 1u);
    EXPECT_EQ(slab_cache_destroy(cache.raw()), SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_free(p), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(cache.raw()), SLAB_EUNSUPPORTED) << "even when idle";
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK);
}

}  // namespace
