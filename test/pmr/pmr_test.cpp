// slab::PoolResource: std::pmr containers on a slab cache.
#include <gtest/gtest.h>

#include <list>
#include <map>
#include <memory_resource>

#include "hosted_pages.h"
#include "slab/pmr.hpp"

DEFINE_SLAB_HOOKS(hosted_page_alloc, hosted_page_free);

namespace {

// Counts what reaches the upstream resource.
class CountingUpstream : public std::pmr::memory_resource {
public:
    int live = 0;
    int calls = 0;

private:
    void *do_allocate(size_t bytes, size_t align) override
    {
        live++;
        calls++;
        return std::pmr::new_delete_resource()->allocate(bytes, align);
    }
    void do_deallocate(void *p, size_t bytes, size_t align) override
    {
        live--;
        std::pmr::new_delete_resource()->deallocate(p, bytes, align);
    }
    bool do_is_equal(const memory_resource &o) const noexcept override { return this == &o; }
};

TEST(PoolResource, ListNodesComeFromTheCache)
{
    CountingUpstream up;
    {
        slab::PoolResource<64> pool(&up);
        ASSERT_TRUE(pool.ok());
        std::pmr::list<long> l(&pool);
        for (long i = 0; i < 1000; i++) {
            l.push_back(i);
        }
        EXPECT_EQ(pool.stats().objs_in_use, 1000u);
        EXPECT_EQ(up.calls, 0) << "every node fits the slot: nothing goes upstream";
        long expect = 0;
        for (long v : l) {
            EXPECT_EQ(v, expect++);
        }
        l.clear();
        EXPECT_EQ(pool.stats().objs_in_use, 0u);
    }
    EXPECT_EQ(hosted_pages_outstanding(), 0) << "the resource's cache gave every page back";
}

TEST(PoolResource, LargerRequestsGoUpstreamAndComeBack)
{
    CountingUpstream up;
    {
        slab::PoolResource<32> pool(&up);
        void *small = pool.allocate(24, 8);
        void *big = pool.allocate(200, 8);
        void *over_aligned = pool.allocate(16, 64);
        EXPECT_EQ(up.live, 2);
        EXPECT_EQ(pool.stats().objs_in_use, 1u);
        pool.deallocate(big, 200, 8);
        pool.deallocate(over_aligned, 16, 64);
        pool.deallocate(small, 24, 8);
        EXPECT_EQ(up.live, 0);
        EXPECT_EQ(pool.stats().objs_in_use, 0u);
    }
    EXPECT_EQ(hosted_pages_outstanding(), 0);
}

TEST(PoolResource, MapWithSpinLock)
{
    slab::PoolResource<128, alignof(std::max_align_t), slab::SpinLock> pool;
    ASSERT_TRUE(pool.ok());
    std::pmr::map<int, int> m(&pool);
    for (int i = 0; i < 500; i++) {
        m[i] = i * i;
    }
    EXPECT_EQ(pool.stats().objs_in_use, 500u);
    for (int i = 0; i < 500; i += 2) {
        m.erase(i);
    }
    EXPECT_EQ(pool.stats().objs_in_use, 250u);
    EXPECT_EQ(m.at(7), 49);
}

TEST(PoolResource, IsEqualOnlyToItself)
{
    slab::PoolResource<32> a, b;
    EXPECT_TRUE(a.is_equal(a));
    EXPECT_FALSE(a.is_equal(b));
}

}  // namespace
