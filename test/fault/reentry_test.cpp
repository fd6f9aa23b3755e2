// SPDX-License-Identifier: MIT
// slab.h, SLAB_EREENTERED: "checked mode: an alloc or free entered a cache
// that another context was inside: its lock does not exclude that context
// (an ISR on a lock-free cache, a hook calling back); refused, reported,
// nothing changed". The other context here is the cache's own page source,
// which calls back into the cache in the middle of a growth and of a
// give-back, as an interrupt would on a cache without a lock. Before: not
// detected (the nested call ran on the half-changed lists).
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "slab/slab.h"

namespace {

struct Reentry {
    slab_cache *cache = nullptr;
    bool armed = false;     // the next page call re-enters once
    void *inner_obj = nullptr; // what the nested alloc got
    slab_status inner_alloc = SLAB_OK;
    slab_status inner_free = SLAB_OK;
    void *free_me = nullptr; // a live object the nested call tries to free
    std::vector<slab_status> reports;
};
Reentry g;

void *reentering_alloc(void *, size_t size, size_t align)
{
    if (g.armed) {
        g.armed = false;
        g.inner_obj = slab_alloc_status(g.cache, &g.inner_alloc);
        if (g.free_me != nullptr) {
            g.inner_free = slab_free(g.free_me);
        }
    }
    return std::aligned_alloc(align, size);
}

int plain_free(void *, void *page, size_t, size_t)
{
    std::free(page);
    return 0;
}

void on_error(void *, slab_cache *, slab_status st, void *) { g.reports.push_back(st); }

TEST(Reentry, ACallFromInsideTheCacheIsRefusedInCheckedMode)
{
    if (!SLAB_CHECKS) {
        GTEST_SKIP() << "checked mode only (the default build keeps no busy mark)";
    }
    static const slab_page_source src = {reentering_alloc, plain_free, nullptr};
    slab_cache_config cfg = {};
    cfg.obj_size = 64;
    cfg.pages = &src;
    g = Reentry{};
    ASSERT_EQ(slab_cache_create_ex(&g.cache, &cfg), SLAB_OK);
    ASSERT_EQ(slab_cache_set_error_handler(g.cache, on_error, nullptr), SLAB_OK);
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(g.cache, &st), SLAB_OK);
    std::vector<void *> objs;
    for (uint32_t i = 0; i < st.objs_in_master; i++) {
        objs.push_back(slab_alloc(g.cache));
        ASSERT_NE(objs.back(), nullptr);
    }
    // The master is full: the next alloc grows, and the page source calls
    // back into the cache, an alloc and a free of a live object.
    g.free_me = objs.front();
    g.armed = true;
    void *grown = slab_alloc(g.cache);
    ASSERT_NE(grown, nullptr) << "the outer alloc completes";
    EXPECT_EQ(g.inner_obj, nullptr);
    EXPECT_EQ(g.inner_alloc, SLAB_EREENTERED);
    EXPECT_EQ(g.inner_free, SLAB_EREENTERED);
    ASSERT_EQ(g.reports.size(), 2u);
    EXPECT_EQ(g.reports[0], SLAB_EREENTERED);
    EXPECT_EQ(g.reports[1], SLAB_EREENTERED);
    EXPECT_EQ(slab_cache_validate(g.cache), SLAB_OK);
    slab_stats after{};
    ASSERT_EQ(slab_cache_stats(g.cache, &after), SLAB_OK);
    EXPECT_EQ(after.objs_in_use, st.objs_in_master + 1u) << "nothing else handed out or freed";
    // Outside any operation, the same calls work.
    EXPECT_EQ(slab_free(g.free_me), SLAB_OK);
    objs.erase(objs.begin());
    objs.push_back(grown);
    for (void *p : objs) {
        EXPECT_EQ(slab_free(p), SLAB_OK);
    }
    EXPECT_EQ(slab_cache_validate(g.cache), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(g.cache), SLAB_OK);
}

}  // namespace
