// Trace hooks (slab/trace.h) in a library built with SLAB_TRACE=1: every
// event the header lists reaches slab_trace() once, with its cache, pointer
// and argument, on the inline and the slow paths of both fronts.
#include <gtest/gtest.h>

#include <vector>

#include "hosted_pages.h"
#include "slab/slab.hpp"
#include "slab/trace.h"

DEFINE_SLAB_HOOKS(hosted_page_alloc, hosted_page_free);

namespace {

struct Event {
    slab_trace_event ev;
    const slab_cache *cache;
    const void *ptr;
    uintptr_t arg;
};
std::vector<Event> events;

size_t count(slab_trace_event ev)
{
    size_t n = 0;
    for (const Event &e : events) {
        n += e.ev == ev;
    }
    return n;
}

}  // namespace

extern "C" void slab_trace(slab_trace_event ev, const slab_cache *cache, const void *ptr, uintptr_t arg)
{
    events.push_back(Event{ev, cache, ptr, arg});
}

TEST(Trace, EveryEventOnceWithItsArguments)
{
    events.clear();
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, 512, 0, 1024, 0), SLAB_OK);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].ev, SLAB_TRACE_EV_TAKEN);
    EXPECT_EQ(events[0].cache, c);
    EXPECT_EQ(events[0].arg, 1024u);
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    std::vector<void *> objs;
    const size_t n = st.objs_in_master + st.objs_per_slab + 1; // two slaves
    for (size_t i = 0; i < n; i++) {
        objs.push_back(slab_alloc(c));
        ASSERT_NE(objs.back(), nullptr);
        EXPECT_EQ(events.back().ev, SLAB_TRACE_EV_ALLOC);
        EXPECT_EQ(events.back().ptr, objs.back());
    }
    EXPECT_EQ(count(SLAB_TRACE_EV_ALLOC), n);
    EXPECT_EQ(count(SLAB_TRACE_EV_TAKEN), 3u) << "master and two slaves";
    EXPECT_EQ(slab_cache_free(c, static_cast<char *>(objs[0]) + 8), SLAB_ENOTSLOT);
    EXPECT_EQ(events.back().ev, SLAB_TRACE_EV_REFUSE);
    EXPECT_EQ(events.back().arg, static_cast<uintptr_t>(SLAB_ENOTSLOT));
    for (void *p : objs) {
        ASSERT_EQ(slab_cache_free(c, p), SLAB_OK);
    }
    EXPECT_EQ(count(SLAB_TRACE_EV_FREE), n);
    EXPECT_EQ(count(SLAB_TRACE_EV_GIVEN), 1u) << "one slave back, one kept as the spare";
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
    EXPECT_EQ(count(SLAB_TRACE_EV_GIVEN), 3u) << "the spare and the master";
    EXPECT_EQ(count(SLAB_TRACE_EV_TAKEN), 3u);
    EXPECT_EQ(hosted_pages_outstanding(), 0);
}

TEST(Trace, InlineCxxPathsAreTracedToo)
{
    events.clear();
    auto cache = slab::Cache<long>::create().take();
    ASSERT_TRUE(cache);
    {
        auto box = cache.make(7L).take();
        ASSERT_TRUE(box);
        EXPECT_EQ(count(SLAB_TRACE_EV_ALLOC), 1u);
        EXPECT_EQ(events.back().ptr, box.get());
    }
    EXPECT_EQ(count(SLAB_TRACE_EV_FREE), 1u);
}

// A wait is traced before the waiter blocks, with the ticks it may wait.
TEST(Trace, WaitIsTraced)
{
    events.clear();
    struct Source { // the master page, then nothing
        static void *take(void *ctx, size_t size, size_t align)
        {
            int *left = static_cast<int *>(ctx);
            return (*left)-- > 0 ? hosted_page_alloc(size, align) : nullptr;
        }
        static int give(void *, void *page, size_t size, size_t align) { return hosted_page_free(page, size, align); }
    };
    int left = 1;
    const slab_page_source src = {Source::take, Source::give, &left};
    struct Never {
        static int wait(void *, uint32_t *ticks)
        {
            *ticks = 0;
            return 1;
        }
        static void wake(void *) {}
    };
    const slab_wait_ops ops = {Never::wait, Never::wake, nullptr, nullptr};
    slab_cache *c = nullptr;
    const slab_cache_config config = {64, 0, 0, 0, nullptr, &src};
    ASSERT_EQ(slab_cache_create_ex(&c, &config), SLAB_OK);
    ASSERT_EQ(slab_cache_set_wait(c, &ops), SLAB_OK);
    std::vector<void *> objs;
    while (void *p = slab_alloc(c)) {
        objs.push_back(p);
    }
    slab_status st = SLAB_OK;
    EXPECT_EQ(slab_alloc_wait_status(c, 9, &st), nullptr);
    EXPECT_EQ(st, SLAB_ETIMEDOUT);
    ASSERT_EQ(count(SLAB_TRACE_EV_WAIT), 1u);
    for (const Event &e : events) {
        if (e.ev == SLAB_TRACE_EV_WAIT) {
            EXPECT_EQ(e.arg, 9u);
            EXPECT_EQ(e.cache, c);
        }
    }
    for (void *p : objs) {
        ASSERT_EQ(slab_free(p), SLAB_OK);
    }
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
    EXPECT_EQ(hosted_pages_outstanding(), 0);
}
