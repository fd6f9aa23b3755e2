// What checked mode (SLAB_CHECKS=1, src/checked.cpp) adds to the refusals
// every build makes: poison over a freed slot, verified when the slot is
// handed out again (SLAB_EPOISON, reported; the alloc still succeeds), a red
// zone behind each object, verified on free (SLAB_EREDZONE, reported; the
// slot is still freed), and validate's look at the poison of every free slot.
// Built into both fault_test variants; skips on the normal library, told
// apart by the red zone in the slot size.
#include <gtest/gtest.h>

#include <cstring>

#include "codes.hpp"

namespace {

using codes::at;
using codes::Codes;
using codes::kObj;

constexpr unsigned char kPoison = 0xDB;

struct Checked : Codes {
    void SetUp() override
    {
        Codes::SetUp();
        if (!HasFatalFailure() && !checked()) {
            GTEST_SKIP() << "normal library: no checked mode";
        }
    }
};

TEST_F(Checked, WriteAfterFreeIsReportedWhenTheSlotIsHandedOutAgain)
{
    ASSERT_GT(stride(), kObj) << "checked mode has a red zone";
    for (size_t off : {size_t(0), kObj / 2, stride() - 1}) {
        SCOPED_TRACE("byte " + std::to_string(off));
        void *keep = alloc(); // the slab stays in use
        void *x = alloc();
        free_ok(x);
        EXPECT_EQ(*reinterpret_cast<unsigned char *>(at(x, off)), kPoison) << "free poisons the whole slot";
        slab_stats before = stats();
        *at(x, off) = 0;
        void *again = alloc();
        EXPECT_EQ(again, x) << "LIFO: the slot just freed comes first";
        expect_report(SLAB_EPOISON, x);
        expect_counts(before, 1);
        free_ok(keep);
    }
    // A slot written after free in a slave too.
    ASSERT_NO_FATAL_FAILURE(fill_master());
    void *s = alloc();
    alloc();
    free_ok(s);
    *at(s, kObj / 2) = 1;
    EXPECT_EQ(alloc(), s);
    expect_report(SLAB_EPOISON, s);
    expect_still_works();
}

TEST_F(Checked, UntouchedFreedSlotIsHandedOutWithoutReport)
{
    void *x = alloc();
    free_ok(x);
    EXPECT_EQ(alloc(), x);
    EXPECT_TRUE(reports.empty());
    expect_still_works();
}

TEST_F(Checked, RedZoneOverrunIsReportedAndTheSlotStillFreed)
{
    for (size_t off : {kObj, stride() - 1}) {
        for (bool through_cache : {true, false}) {
            SCOPED_TRACE("red zone byte " + std::to_string(off) + (through_cache ? " slab_cache_free" : " slab_free"));
            void *keep = alloc();
            void *x = alloc();
            slab_stats before = stats();
            *at(x, off) = 0;
            EXPECT_EQ(through_cache ? slab_cache_free(cache, x) : slab_free(x), SLAB_EREDZONE);
            release(x);
            expect_report(SLAB_EREDZONE, x);
            expect_counts(before, -1);
            // Freed: a second free is a double free, refused with nothing changed.
            expect_refused_both(SLAB_EDOUBLEFREE, x);
            // Free poisoned the whole slot, red zone included: its reuse is clean.
            EXPECT_EQ(alloc(), x) << "LIFO: the slot just freed comes first";
            EXPECT_TRUE(reports.empty());
            expect_counts(before);
            free_ok(keep);
        }
    }
    expect_still_works();
}

TEST_F(Checked, ValidateFindsAPoisonedFreeSlotWritten)
{
    for (size_t off : {size_t(0), kObj / 2, stride() - 1}) {
        SCOPED_TRACE("byte " + std::to_string(off));
        void *keep = alloc();
        void *x = alloc();
        free_ok(x);
        ASSERT_EQ(slab_cache_validate(cache), SLAB_OK);
        *at(x, off) = 0x11;
        EXPECT_EQ(slab_cache_validate(cache), SLAB_ECORRUPT);
        *at(x, off) = static_cast<char>(kPoison);
        EXPECT_EQ(slab_cache_validate(cache), SLAB_OK);
        EXPECT_TRUE(reports.empty()) << "validate reports nothing";
        free_ok(keep);
    }
    // In a slave that is not the active slab.
    ASSERT_NO_FATAL_FAILURE(fill_master());
    void *s = alloc();
    alloc();
    free_ok(s);
    free_ok(live.front()); // the master becomes the active slab
    ASSERT_EQ(partial_head(), master());
    *at(s, 1) = 0;
    EXPECT_EQ(slab_cache_validate(cache), SLAB_ECORRUPT);
    *at(s, 1) = static_cast<char>(kPoison);
    EXPECT_EQ(slab_cache_validate(cache), SLAB_OK);
    expect_still_works();
}

}  // namespace
