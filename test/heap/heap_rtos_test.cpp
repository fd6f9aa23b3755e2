// The heap over a chosen page source and under the program's lock
// (slab_heap_create_ex): every page of the heap comes from its source and
// goes back to it, the global hooks are never called, and every call takes
// the program's lock once.
#include <gtest/gtest.h>

#include <vector>

#include "counting_source.hpp"
#include "heap_pages.hpp"
#include "slab/heap.h"

namespace {

using Region = slabtest::CountingSource;

struct Counted {
    int locks = 0;
    int unlocks = 0;
    int held = 0;
    int nested = 0;
};
unsigned long lock(void *ctx)
{
    auto *k = static_cast<Counted *>(ctx);
    k->nested += k->held;
    k->held = 1;
    k->locks++;
    return 77;
}
void unlock(void *ctx, unsigned long token)
{
    auto *k = static_cast<Counted *>(ctx);
    EXPECT_EQ(token, 77ul);
    k->held = 0;
    k->unlocks++;
}

TEST(HeapRegions, EveryPageFromTheHeapsSourceAndOneLockPerCall)
{
    Region region;
    Counted k;
    const slab_lock_ops ops = {lock, unlock, &k};
    const slab_heap_config config = {0, &ops, &region.ops};
    const uint64_t global = heaptest::alloc_calls() + heaptest::free_calls();
    slab_heap *h = nullptr;
    ASSERT_EQ(slab_heap_create_ex(&h, &config), SLAB_OK);
    EXPECT_EQ(region.live, 1) << "the control block's page";
    std::vector<void *> blocks;
    for (size_t size : {1u, 24u, 100u, 300u, 2000u, 5000u, 70000u}) {
        int before = k.locks;
        void *p = slab_heap_alloc(h, size);
        ASSERT_NE(p, nullptr) << size;
        EXPECT_EQ(k.locks, before + 1) << size;
        blocks.push_back(p);
    }
    EXPECT_GT(region.live, 3) << "class slabs and large pages from the region";
    int before = k.locks;
    void *r = slab_heap_realloc(h, blocks[0], 500);
    ASSERT_NE(r, nullptr);
    blocks[0] = r;
    EXPECT_GE(k.locks, before + 1);
    for (void *p : blocks) {
        before = k.locks;
        EXPECT_EQ(slab_heap_free(p), SLAB_OK);
        EXPECT_EQ(k.locks, before + 1);
    }
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
    EXPECT_EQ(region.live, 0) << "every page back to the region";
    EXPECT_EQ(k.locks, k.unlocks);
    EXPECT_EQ(k.nested, 0);
    EXPECT_EQ(heaptest::alloc_calls() + heaptest::free_calls(), global) << "the global hooks untouched";
}

TEST(HeapRegions, ConfigIsChecked)
{
    Region region;
    Counted k;
    const slab_lock_ops ops = {lock, unlock, &k};
    const slab_lock_ops half = {lock, nullptr, &k};
    const slab_page_source no_free = {Region::take, nullptr, &region};
    slab_heap *h = nullptr;
    const slab_heap_config with_flags = {SLAB_LOCK_SPIN, &ops, nullptr};
    const slab_heap_config half_lock = {0, &half, nullptr};
    const slab_heap_config half_source = {0, nullptr, &no_free};
    const slab_heap_config basepri = {SLAB_LOCK_BASEPRI(0x40), nullptr, nullptr};
    const slab_heap_config basepri0 = {SLAB_LOCK_BASEPRI(0), nullptr, nullptr};
    EXPECT_EQ(slab_heap_create_ex(&h, &with_flags), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_create_ex(&h, &half_lock), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_create_ex(&h, &half_source), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_create_ex(&h, nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_create_ex(&h, &basepri), SLAB_EUNSUPPORTED) << "Cortex-M only";
    EXPECT_EQ(slab_heap_create_ex(&h, &basepri0), SLAB_EINVAL);
    EXPECT_EQ(h, nullptr);
    EXPECT_EQ(region.allocs, 0);
}

}  // namespace
