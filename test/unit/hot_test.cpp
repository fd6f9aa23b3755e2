// SPDX-License-Identifier: MIT
// The parked object of a cache with no lock (slab/detail/cache.hpp, struct
// slab_cache, `hot`): a free into a full slab parks the object, the next
// alloc hands it out again, and nothing a user can see differs from a free
// and an alloc through the slab: statistics, refusals, pages given back.
#include <gtest/gtest.h>

#include <vector>

#include "page_leak_test.hpp"
#include "slab/detail/cache.hpp"
#include "slab/slab.h"
#include "slab_dump.hpp"

namespace {

class Hot : public slabtest::PageLeakTest {
protected:
    void TearDown() override
    {
        for (void *p : live_) {
            EXPECT_EQ(slab_free(p), SLAB_OK);
        }
        if (c_ != nullptr) {
            EXPECT_EQ(slab_cache_destroy(c_), SLAB_OK);
        }
        PageLeakTest::TearDown();
    }
    // A cache of 64-byte objects, its master and one slave full.
    void fill(unsigned flags = 0)
    {
        ASSERT_EQ(slab_cache_create(&c_, 64, 0, 0, flags), SLAB_OK);
        ASSERT_EQ(slab_cache_set_error_handler(c_, &Hot::on_error, this), SLAB_OK);
        slab_stats st = stats();
        size_t n = st.objs_in_master + st.objs_per_slab;
        for (size_t i = 0; i < n; i++) {
            void *p = slab_alloc(c_);
            ASSERT_NE(p, nullptr);
            live_.push_back(p);
        }
        ASSERT_EQ(stats().slabs_in_use, 2u);
        ASSERT_EQ(c_->full, 2u); // both full: the next free is into a full slab
    }
    slab_stats stats() const
    {
        slab_stats st{};
        EXPECT_EQ(slab_cache_stats(c_, &st), SLAB_OK);
        return st;
    }
    void *take_back(size_t i)
    {
        void *p = live_[i];
        live_.erase(live_.begin() + static_cast<long>(i));
        return p;
    }
    static void on_error(void *ctx, slab_cache *, slab_status st, void *)
    {
        static_cast<Hot *>(ctx)->reports_.push_back(st);
    }
    slab_cache *c_ = nullptr;
    std::vector<void *> live_;
    std::vector<slab_status> reports_;
};

TEST_F(Hot, AFreeIntoAFullSlabIsHandedOutAgainByTheNextAlloc)
{
    fill();
    slab_stats before = stats();
    void *p = take_back(live_.size() - 1);
    ASSERT_EQ(slab_free(p), SLAB_OK);
    EXPECT_EQ(c_->hot, p);
    EXPECT_EQ(stats().objs_in_use, before.objs_in_use - 1); // exact while parked
    EXPECT_EQ(stats().objs_peak, before.objs_peak);
    EXPECT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
    void *q = slab_alloc(c_);
    EXPECT_EQ(q, p);
    EXPECT_EQ(c_->hot, nullptr);
    live_.push_back(q);
    slab_stats after = stats();
    EXPECT_EQ(after.objs_in_use, before.objs_in_use);
    EXPECT_EQ(after.objs_peak, before.objs_peak); // handing the parked object out raises no peak
    EXPECT_EQ(after.pages_taken, before.pages_taken);
    EXPECT_EQ(slab_cache_validate(c_), SLAB_OK);
}

TEST_F(Hot, ADoubleFreeOfTheParkedObjectIsRefusedWithNothingChanged)
{
    fill();
    void *p = take_back(0);
    ASSERT_EQ(slab_free(p), SLAB_OK);
    ASSERT_EQ(c_->hot, p);
    slab_stats before = stats();
    EXPECT_EQ(slab_free(p), SLAB_EDOUBLEFREE);
    EXPECT_EQ(slab_cache_free(c_, p), SLAB_EDOUBLEFREE);
    ASSERT_EQ(reports_.size(), 2u);
    EXPECT_EQ(reports_[0], SLAB_EDOUBLEFREE);
    EXPECT_EQ(c_->hot, p);
    EXPECT_EQ(stats().objs_in_use, before.objs_in_use);
    EXPECT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
    // Handed out once, not twice.
    void *q = slab_alloc(c_);
    void *r = slab_alloc(c_);
    EXPECT_EQ(q, p);
    EXPECT_NE(r, p);
    live_.push_back(q);
    live_.push_back(r);
}

TEST_F(Hot, AnotherFreeIntoTheParkedObjectsSlabPutsItBackForReal)
{
    fill();
    void *p = take_back(live_.size() - 1);
    void *q = take_back(live_.size() - 1); // same slave as p
    ASSERT_EQ(slabtest::slab_base(p, SLAB_DEFAULT_SLAB_SIZE), slabtest::slab_base(q, SLAB_DEFAULT_SLAB_SIZE));
    ASSERT_EQ(slab_free(p), SLAB_OK);
    ASSERT_EQ(c_->hot, p);
    ASSERT_EQ(slab_free(q), SLAB_OK);
    EXPECT_EQ(c_->hot, nullptr);
    EXPECT_EQ(c_->full, 1u); // the slave is back on the partial list, two slots free
    EXPECT_EQ(stats().objs_in_use, live_.size());
    EXPECT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
    EXPECT_TRUE(reports_.empty());
}

TEST_F(Hot, ASlabStillEmptiesWhenItsLastObjectIsFreed)
{
    fill();
    slab_stats st = stats();
    // Free the whole slave, its first object first: that free parks.
    size_t first = st.objs_in_master;
    size_t n = st.objs_per_slab;
    uintptr_t slave = slabtest::slab_base(live_[first], SLAB_DEFAULT_SLAB_SIZE);
    for (size_t i = 0; i < n; i++) {
        ASSERT_EQ(slab_free(take_back(first)), SLAB_OK);
        if (i == 0) {
            ASSERT_NE(c_->hot, nullptr);
        }
        ASSERT_EQ(slab_cache_validate(c_), SLAB_OK) << i << "\n" << slabtest::dump(c_);
    }
    EXPECT_EQ(c_->hot, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(c_->spare), slave); // emptied on its last free, kept as the spare
    EXPECT_EQ(stats().objs_in_use, st.objs_in_master);
}

// A master with one slot (pinned: one more counted) is full with one
// object: its free parks it, and the cache then holds no live object.
TEST_F(Hot, DestroyEndsACacheWhoseOnlyObjectIsParked)
{
    ASSERT_EQ(slab_cache_create(&c_, 3000, 0, 0, 0), SLAB_OK);
    ASSERT_EQ(stats().objs_in_master, 1u);
    void *p = slab_alloc(c_);
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(slab_free(p), SLAB_OK);
    EXPECT_EQ(c_->hot, p);
    EXPECT_EQ(stats().objs_in_use, 0u);
    EXPECT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
    EXPECT_EQ(slab_cache_destroy(c_), SLAB_OK); // puts it back, then gives every page back
    c_ = nullptr;
}

TEST_F(Hot, ACacheWithALockNeverParks)
{
    fill(SLAB_LOCK_SPIN);
    ASSERT_EQ(slab_free(take_back(0)), SLAB_OK);
    EXPECT_EQ(c_->hot, nullptr);
    EXPECT_EQ(c_->full, 1u);
}

}  // namespace
