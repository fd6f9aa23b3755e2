// slab::Box: the move-only owner of one object. Scope exit runs the
// destructor and frees the slot; moves transfer ownership; reset() and
// release() + re-adoption behave as documented in slab.hpp.
#include <gtest/gtest.h>

#include <utility>

#include "page_leak_test.hpp"
#include "slab/slab.hpp"

namespace {

// Counts live instances; the payload lets a test see that an object is intact.
struct Tracked {
    static int live;
    static int constructed;
    int value;
    explicit Tracked(int v) : value(v)
    {
        live++;
        constructed++;
    }
    ~Tracked() { live--; }
};
int Tracked::live = 0;
int Tracked::constructed = 0;

using TrackedCache = slab::Cache<Tracked>;
using TrackedBox = TrackedCache::box_type;

class BoxTest : public slabtest::PageLeakTest {
protected:
    void SetUp() override
    {
        PageLeakTest::SetUp();
        Tracked::live = 0;
        auto r = TrackedCache::create();
        ASSERT_TRUE(r) << slab_status_str(r.status());
        cache_ = r.take();
    }
    void TearDown() override
    {
        EXPECT_EQ(Tracked::live, 0) << "a Box left an object alive";
        if (cache_) {
            EXPECT_EQ(cache_.stats().objs_in_use, 0u);
            EXPECT_EQ(slab_cache_validate(cache_.raw()), SLAB_OK);
        }
        cache_ = TrackedCache();
        PageLeakTest::TearDown();
    }
    TrackedBox make(int v)
    {
        auto r = cache_.make(v);
        EXPECT_TRUE(r) << slab_status_str(r.status());
        return r.take();
    }
    uint32_t in_use() const { return cache_.stats().objs_in_use; }

    TrackedCache cache_;
};

TEST_F(BoxTest, ScopeExitDestroysAndFrees)
{
    {
        TrackedBox b = make(41);
        ASSERT_TRUE(b);
        EXPECT_EQ(b->value, 41);
        EXPECT_EQ((*b).value, 41);
        EXPECT_EQ(Tracked::live, 1);
        EXPECT_EQ(in_use(), 1u);
    }
    EXPECT_EQ(Tracked::live, 0);
    EXPECT_EQ(in_use(), 0u);
}

TEST_F(BoxTest, MoveConstructionTransfersOwnership)
{
    TrackedBox a = make(1);
    Tracked *p = a.get();
    TrackedBox b(std::move(a));
    EXPECT_FALSE(a); // NOLINT(bugprone-use-after-move): the moved-from state is specified
    EXPECT_EQ(a.get(), nullptr);
    EXPECT_EQ(b.get(), p);
    EXPECT_EQ(Tracked::live, 1);
    EXPECT_EQ(in_use(), 1u);
}

TEST_F(BoxTest, MoveAssignmentDestroysTheOldObject)
{
    TrackedBox a = make(1);
    TrackedBox b = make(2);
    Tracked *pa = a.get();
    b = std::move(a);
    EXPECT_EQ(Tracked::live, 1) << "b's old object must be destroyed";
    EXPECT_EQ(in_use(), 1u) << "and its slot freed";
    EXPECT_EQ(b.get(), pa);
    EXPECT_EQ(b->value, 1);
    EXPECT_FALSE(a); // NOLINT(bugprone-use-after-move)
    TrackedBox &self = b;
    b = std::move(self); // self-move keeps the object
    EXPECT_EQ(b.get(), pa);
    EXPECT_EQ(Tracked::live, 1);
}

TEST_F(BoxTest, ResetDestroysNowAndIsIdempotent)
{
    TrackedBox b = make(5);
    b.reset();
    EXPECT_FALSE(b);
    EXPECT_EQ(Tracked::live, 0);
    EXPECT_EQ(in_use(), 0u);
    b.reset();
    EXPECT_EQ(in_use(), 0u);
}

TEST_F(BoxTest, ReleaseThenReadoptFreesOnce)
{
    TrackedBox b = make(9);
    Tracked *p = b.release();
    EXPECT_FALSE(b);
    EXPECT_EQ(Tracked::live, 1) << "release does not destroy";
    EXPECT_EQ(in_use(), 1u);
    EXPECT_EQ(p->value, 9);
    {
        TrackedBox again(p);
        EXPECT_EQ(again.get(), p);
    }
    EXPECT_EQ(Tracked::live, 0);
    EXPECT_EQ(in_use(), 0u);
}

// Boxes across several slabs, freed in an order unrelated to allocation:
// every object intact until its own destruction.
TEST_F(BoxTest, ManyBoxesAcrossSlabs)
{
    const uint32_t n = cache_.stats().objs_in_master + 3 * cache_.stats().objs_per_slab;
    std::vector<TrackedBox> boxes;
    for (uint32_t i = 0; i < n; i++) {
        boxes.push_back(make(static_cast<int>(i)));
    }
    EXPECT_EQ(cache_.stats().slabs_in_use, 4u);
    for (uint32_t i = 0; i < n; i += 2) {
        EXPECT_EQ(boxes[i]->value, static_cast<int>(i));
        boxes[i].reset();
    }
    for (uint32_t i = 1; i < n; i += 2) {
        EXPECT_EQ(boxes[i]->value, static_cast<int>(i));
    }
    EXPECT_EQ(slab_cache_validate(cache_.raw()), SLAB_OK);
    boxes.clear();
    EXPECT_EQ(cache_.stats().slabs_in_use, 2u) << "master and one spare";
}

// Over-aligned types: every object aligned as alignof(T) says.
struct alignas(64) Line {
    unsigned char bytes[40];
};
struct alignas(256) Block {
    unsigned char bytes[300];
};

template <class T, size_t S>
void check_over_aligned()
{
    auto r = slab::Cache<T, slab::NoLock, S>::create();
    ASSERT_TRUE(r) << slab_status_str(r.status());
    auto cache = r.take();
    slab_stats st = cache.stats();
    EXPECT_EQ(st.slot_size % alignof(T), 0u);
    EXPECT_GE(st.slot_size, sizeof(T));
    std::vector<typename slab::Cache<T, slab::NoLock, S>::box_type> boxes;
    for (uint32_t i = 0; i < st.objs_in_master + 2 * st.objs_per_slab + 1; i++) {
        auto b = cache.make();
        ASSERT_TRUE(b);
        ASSERT_EQ(reinterpret_cast<uintptr_t>(b->get()) % alignof(T), 0u) << "object " << i;
        boxes.push_back(b.take());
    }
    EXPECT_EQ(cache.stats().slabs_in_use, 4u);
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK);
}

TEST_F(BoxTest, OverAlignedTypesAreHonoured)
{
    check_over_aligned<Line, SLAB_DEFAULT_SLAB_SIZE>();
    check_over_aligned<Block, SLAB_DEFAULT_SLAB_SIZE>();
    check_over_aligned<Block, 1024>();
    check_over_aligned<Line, 256>();
}

}  // namespace
