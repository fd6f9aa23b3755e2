// Growth into slaves and return of empty slaves: a cache takes exactly one
// page per cap_slave objects beyond the master, keeps exactly one empty slave
// as a spare (so crossing a slab boundary back and forth never calls the
// hooks), gives every other empty slave back, and survives every hook
// failure with its counts intact.
#include <gtest/gtest.h>

#include <vector>

#include "page_leak_test.hpp"
#include "slab/slab.h"
#include "slab_dump.hpp"

namespace pages = slabtest::pages;

namespace {

slab_stats stats_of(const slab_cache *c)
{
    slab_stats st{};
    EXPECT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    return st;
}

class Growth : public slabtest::PageLeakTest {
protected:
    void SetUp() override
    {
        PageLeakTest::SetUp();
        ASSERT_EQ(slab_cache_create(&c_, 64, 0, 1024, 0), SLAB_OK);
        slab_stats st = stats_of(c_);
        master_ = st.objs_in_master;
        cap_ = st.objs_per_slab;
        ASSERT_GT(master_, 0u);
        ASSERT_GT(cap_, master_);
    }
    void TearDown() override
    {
        if (c_ != nullptr) {
            for (void *p : objs_) {
                EXPECT_EQ(slab_cache_free(c_, p), SLAB_OK);
            }
            EXPECT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
            EXPECT_EQ(slab_cache_destroy(c_), SLAB_OK);
        }
        PageLeakTest::TearDown();
    }
    void alloc_n(size_t n)
    {
        for (size_t i = 0; i < n; i++) {
            void *p = slab_alloc(c_);
            ASSERT_NE(p, nullptr);
            objs_.push_back(p);
        }
    }
    // Frees the objects objs_[from, to) and forgets them.
    void free_range(size_t from, size_t to)
    {
        for (size_t i = from; i < to; i++) {
            ASSERT_EQ(slab_cache_free(c_, objs_[i]), SLAB_OK);
        }
        objs_.erase(objs_.begin() + static_cast<long>(from), objs_.begin() + static_cast<long>(to));
    }

    slab_cache *c_ = nullptr;
    uint32_t master_ = 0, cap_ = 0;
    std::vector<void *> objs_;
};

// pages for N live objects = 1 + ceil(max(0, N - cap_master) / cap_slave).
TEST_F(Growth, OneSlavePerCapSlaveObjectsBeyondTheMaster)
{
    for (uint32_t n = 1; n <= master_ + 5 * cap_; n++) {
        alloc_n(1);
        uint32_t want = 1 + (n <= master_ ? 0 : (n - master_ + cap_ - 1) / cap_);
        slab_stats st = stats_of(c_);
        ASSERT_EQ(st.slabs_in_use, want) << "n=" << n;
        ASSERT_EQ(st.pages_taken, want);
        ASSERT_EQ(st.objs_in_use, n);
        ASSERT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
    }
}

// A workload oscillating across the master's last slot calls the alloc hook
// once (the first slave) and the free hook never: the emptied slave is the spare.
TEST_F(Growth, CrossingABoundaryBackAndForthDoesNotThrash)
{
    alloc_n(master_);
    uint64_t allocs = pages::alloc_calls(), frees = pages::free_calls();
    for (int i = 0; i < 1000; i++) {
        alloc_n(1);
        free_range(objs_.size() - 1, objs_.size());
        ASSERT_EQ(stats_of(c_).slabs_in_use, 2u) << "master + spare, iteration " << i;
    }
    EXPECT_EQ(pages::alloc_calls() - allocs, 1u);
    EXPECT_EQ(pages::free_calls() - frees, 0u);
    slab_stats st = stats_of(c_);
    EXPECT_EQ(st.pages_taken, 2u);
    EXPECT_EQ(st.pages_given, 0u);
}

// Of four slaves emptied, the first becomes the spare and three go back.
// Regrowth uses the spare first (no hook call), then takes new pages.
TEST_F(Growth, EmptySlavesGoBackExceptOneSpare)
{
    alloc_n(master_ + 4 * cap_);
    ASSERT_EQ(stats_of(c_).slabs_in_use, 5u);
    free_range(master_, master_ + 4 * cap_); // every slave's objects, slab by slab
    slab_stats st = stats_of(c_);
    EXPECT_EQ(st.slabs_in_use, 2u);
    EXPECT_EQ(st.pages_given, 3u);
    EXPECT_EQ(st.slabs_peak, 5u);
    EXPECT_EQ(pages::outstanding() - pages_before_, 2);
    ASSERT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);

    uint64_t allocs = pages::alloc_calls();
    alloc_n(cap_); // fills the spare
    EXPECT_EQ(pages::alloc_calls(), allocs) << "the spare serves the next growth";
    alloc_n(1);
    EXPECT_EQ(pages::alloc_calls(), allocs + 1);
    EXPECT_EQ(stats_of(c_).slabs_in_use, 3u);
}

// Freeing the master's objects never gives the master back.
TEST_F(Growth, TheMasterStaysWhenEmpty)
{
    alloc_n(master_);
    free_range(0, master_);
    slab_stats st = stats_of(c_);
    EXPECT_EQ(st.slabs_in_use, 1u);
    EXPECT_EQ(st.pages_given, 0u);
}

// The hook gives no page (or a misaligned one) when a slave is needed: NULL
// with the reason, nothing changes but hook_failures, and the next try works.
TEST_F(Growth, HookFailureOnGrowthLeavesTheCacheUsable)
{
    pages::FaultScope faults;
    alloc_n(master_);
    slab_stats before = stats_of(c_);
    const slab_status modes[] = {SLAB_ENOMEM, SLAB_EHOOKALIGN};
    for (slab_status want : modes) {
        (want == SLAB_ENOMEM ? pages::fail_next_allocs : pages::misalign_next_allocs)(1);
        slab_status why = SLAB_OK;
        EXPECT_EQ(slab_alloc_status(c_, &why), nullptr);
        EXPECT_EQ(why, want);
        slab_stats st = stats_of(c_);
        EXPECT_EQ(st.objs_in_use, before.objs_in_use);
        EXPECT_EQ(st.slabs_in_use, before.slabs_in_use);
        EXPECT_EQ(st.pages_taken, before.pages_taken);
        EXPECT_EQ(st.pages_given, before.pages_given) << "a misaligned page is the hook's, not counted as given";
        EXPECT_EQ(st.hook_failures, ++before.hook_failures);
        EXPECT_EQ(pages::outstanding() - pages_before_, 1) << "the misaligned page went straight back";
        ASSERT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
    }
    slab_status why = SLAB_ENOMEM;
    void *p = slab_alloc_status(c_, &why);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(why, SLAB_OK);
    objs_.push_back(p);
}

// The free hook refuses a second empty slave: the object is still freed, the
// slab stays (empty, reused before any new page), and it is offered again.
TEST_F(Growth, RefusedGiveBackKeepsTheSlabInService)
{
    pages::FaultScope faults;
    alloc_n(master_ + 2 * cap_);
    free_range(master_ + cap_, master_ + 2 * cap_); // slave 2 empties: spare
    free_range(master_ + 1, master_ + cap_);         // slave 1: all but one
    pages::refuse_next_frees(1);
    slab_stats before = stats_of(c_);
    EXPECT_EQ(slab_cache_free(c_, objs_[master_]), SLAB_EHOOKFREE);
    objs_.erase(objs_.begin() + master_);
    slab_stats st = stats_of(c_);
    EXPECT_EQ(st.objs_in_use, before.objs_in_use - 1) << "the object is freed all the same";
    EXPECT_EQ(st.slabs_in_use, before.slabs_in_use);
    EXPECT_EQ(st.hook_failures, before.hook_failures + 1);
    ASSERT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
    // Reused before the spare or a new page.
    uint64_t allocs = pages::alloc_calls();
    alloc_n(cap_ + 1);
    EXPECT_EQ(pages::alloc_calls(), allocs);
    EXPECT_EQ(stats_of(c_).slabs_in_use, 3u);
}

// destroy: refused while objects live; a hook that keeps refusing leaves
// the cache whole with its pages, and destroy can be called again.
TEST_F(Growth, DestroyBusyAndRetriedAfterARefusedSpare)
{
    pages::FaultScope faults;
    alloc_n(master_ + 1);
    EXPECT_EQ(slab_cache_destroy(c_), SLAB_EBUSY);
    ASSERT_EQ(slab_cache_validate(c_), SLAB_OK);
    free_range(0, objs_.size()); // the slave becomes the spare
    pages::refuse_next_frees(1000);
    EXPECT_EQ(slab_cache_destroy(c_), SLAB_EHOOKFREE);
    ASSERT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
    slab_stats st = stats_of(c_);
    EXPECT_EQ(st.slabs_in_use, 2u);
    EXPECT_GE(st.hook_failures, 1u);
    pages::clear_faults();
    EXPECT_EQ(slab_cache_destroy(c_), SLAB_OK) << "the refused slave is offered again";
    c_ = nullptr;
}

// Regression (fixed in edf37aa): cache_teardown used to give the spare back
// before walking the partial list, so a spare the hook refused was pushed on
// that list and offered a second time in the same call: destroy returned
// SLAB_EHOOKFREE although the page had gone back. One offer per page per call.
TEST_F(Growth, DestroyOffersEachPageOncePerCall)
{
    pages::FaultScope faults;
    alloc_n(master_ + 1);
    free_range(0, objs_.size()); // the slave becomes the spare
    uint64_t frees = pages::free_calls();
    pages::refuse_next_frees(1);
    EXPECT_EQ(slab_cache_destroy(c_), SLAB_EHOOKFREE);
    EXPECT_EQ(pages::free_calls() - frees, 1u) << "the refused spare was offered twice";
    slab_stats st = stats_of(c_);
    EXPECT_EQ(st.slabs_in_use, 2u) << "SLAB_EHOOKFREE says the refused page stays with the cache";
    EXPECT_EQ(st.hook_failures, 1u);
}

// The master refused at teardown: the cache is restored and still works.
TEST_F(Growth, DestroyRetriedAfterARefusedMaster)
{
    pages::FaultScope faults;
    pages::refuse_next_frees(1);
    EXPECT_EQ(slab_cache_destroy(c_), SLAB_EHOOKFREE);
    ASSERT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
    slab_stats st = stats_of(c_);
    EXPECT_EQ(st.slabs_in_use, 1u);
    EXPECT_EQ(st.hook_failures, 1u);
    alloc_n(2);
    free_range(0, 2);
    EXPECT_EQ(slab_cache_destroy(c_), SLAB_OK);
    c_ = nullptr;
}

}  // namespace
