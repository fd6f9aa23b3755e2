// Checked mode's part of slab_cache_validate (src/checked.cpp,
// checked_page_ok): the slot bitmap must agree with the free list and with
// the fresh slots. This file is built into both fault_test variants; it runs
// against the checked library and skips against the normal one (which keeps
// no bitmap), telling them apart by the red zone in the slot size.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "slab/detail/cache.hpp"
#include "slab/slab.h"

namespace {

constexpr size_t kObj = 64;

struct BitmapFixture : ::testing::Test {
    slab_cache *c = nullptr;
    void *objs[4] = {};
    slab::detail::slab_page *slave = nullptr;
    uint32_t *map = nullptr; // the slave's bitmap: right after its header
    slab_stats st{};
    std::vector<void *> master_objs;
    uint32_t freed_k = 0; // slot number of objs[1], freed in SetUp

    // Everything back, so that the fault sweeps in this binary start from a
    // provider with no page outstanding.
    void TearDown() override
    {
        if (c == nullptr) {
            return;
        }
        for (void *p : master_objs) {
            EXPECT_EQ(slab_free(p), SLAB_OK);
        }
        for (int i : {0, 2, 3}) {
            if (objs[i] != nullptr) {
                EXPECT_EQ(slab_free(objs[i]), SLAB_OK);
            }
        }
        EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
    }

    void SetUp() override
    {
        ASSERT_EQ(slab_cache_create(&c, kObj, 8, 0, 0), SLAB_OK);
        ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
        if (st.slot_size == kObj) {
            GTEST_SKIP() << "normal library: no slot bitmap to check";
        }
        // Fill the master, then put three objects in a slave and free the middle one.
        for (uint32_t i = 0; i < st.objs_in_master; i++) {
            master_objs.push_back(slab_alloc(c));
            ASSERT_NE(master_objs.back(), nullptr);
        }
        for (void *&p : objs) {
            p = slab_alloc(c);
            ASSERT_NE(p, nullptr);
        }
        slave = slab::detail::page_of(objs[0], st.slab_size);
        map = reinterpret_cast<uint32_t *>(slave + 1);
        freed_k = slot_number(objs[1]);
        ASSERT_EQ(slab_free(objs[1]), SLAB_OK);
        objs[1] = nullptr;
        ASSERT_EQ(slab_cache_validate(c), SLAB_OK);
    }
    uint32_t slot_number(const void *p) const
    {
        uintptr_t top = reinterpret_cast<uintptr_t>(slave) + st.slab_size;
        return static_cast<uint32_t>((top - reinterpret_cast<uintptr_t>(p)) / st.slot_size);
    }
    void flip(uint32_t k) { map[(k - 1) / 32] ^= 1u << ((k - 1) % 32); }
};

TEST_F(BitmapFixture, FreeSlotMarkedInUseIsCorruption)
{
    uint32_t k = freed_k;
    flip(k); // the freed slot claims to be in use
    EXPECT_EQ(slab_cache_validate(c), SLAB_ECORRUPT);
    flip(k);
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
}

TEST_F(BitmapFixture, FreshSlotMarkedInUseIsCorruption)
{
    uint32_t k = st.objs_per_slab; // the lowest slot: never handed out yet
    flip(k);
    EXPECT_EQ(slab_cache_validate(c), SLAB_ECORRUPT);
    flip(k);
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
}

TEST_F(BitmapFixture, LiveSlotMarkedFreeIsCorruptionAndDoubleFreeIsRefused)
{
    uint32_t k = slot_number(objs[2]);
    flip(k); // a live object that the bitmap says is free
    EXPECT_EQ(slab_cache_validate(c), SLAB_ECORRUPT);
    EXPECT_EQ(slab_free(objs[2]), SLAB_EDOUBLEFREE) << "the bitmap is what free trusts";
    flip(k);
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
}

}  // namespace
