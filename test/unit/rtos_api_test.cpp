// The RTOS-facing C API on the host: a lock the program supplies
// (slab_lock_ops), the lock flags refused here, a page source per cache, and
// blocking allocation (slab_alloc_wait) with a wait interface, single-threaded
// (the wait callback plays the other task) and with real threads.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "counting_pages.hpp"
#include "counting_source.hpp"
#include "slab/slab.h"

namespace {

using slabtest::pages::alloc_calls;
using slabtest::pages::outstanding;

// ---------------------------------------------------------------- lock ops

struct OpsCounter {
    int locks = 0;
    int unlocks = 0;
    int held = 0;
    int nested = 0;
    int bad_tokens = 0;
};

unsigned long ops_lock(void *ctx)
{
    auto *k = static_cast<OpsCounter *>(ctx);
    k->nested += k->held;
    k->held = 1;
    k->locks++;
    return 0xA11CEul + static_cast<unsigned long>(k->locks);
}

void ops_unlock(void *ctx, unsigned long token)
{
    auto *k = static_cast<OpsCounter *>(ctx);
    k->bad_tokens += token != 0xA11CEul + static_cast<unsigned long>(k->locks);
    k->held = 0;
    k->unlocks++;
}

class RtosApi : public ::testing::Test {
protected:
    void SetUp() override { start_pages_ = outstanding(); }
    void TearDown() override { EXPECT_EQ(outstanding(), start_pages_) << "every page back"; }
    long start_pages_ = 0;
};

// Every operation takes the program's lock once and releases it once, with
// the token lock() returned, slow paths (new slab, slab given back) included.
TEST_F(RtosApi, ProgramLockIsTakenOncePerOperation)
{
    OpsCounter k;
    slab_lock_ops ops = {ops_lock, ops_unlock, &k};
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create_with_lock(&c, 64, 0, 0, &ops), SLAB_OK);
    ops.ctx = nullptr; // *ops was copied: this must not matter any more
    EXPECT_EQ(k.locks, 0) << "creation takes no lock";
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    EXPECT_EQ(k.locks, 1);
    std::vector<void *> objs;
    for (uint32_t i = 0; i < st.objs_in_master + 2 * st.objs_per_slab + 1; i++) { // crosses slabs
        int before = k.locks;
        void *p = slab_alloc(c);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(k.locks, before + 1) << "alloc " << i;
        objs.push_back(p);
    }
    for (void *p : objs) {
        int before = k.locks;
        ASSERT_EQ(slab_free(p), SLAB_OK);
        EXPECT_EQ(k.locks, before + 1);
    }
    EXPECT_EQ(slab_free(objs[0]), SLAB_EDOUBLEFREE);
    EXPECT_EQ(k.locks, k.unlocks);
    EXPECT_EQ(k.nested, 0);
    EXPECT_EQ(k.bad_tokens, 0) << "unlock gets the token of its lock";
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}

TEST_F(RtosApi, ProgramLockArgumentsAreChecked)
{
    OpsCounter k;
    slab_lock_ops ops = {ops_lock, ops_unlock, &k};
    slab_lock_ops no_unlock = {ops_lock, nullptr, &k};
    slab_cache *c = nullptr;
    const uint64_t calls = alloc_calls();
    EXPECT_EQ(slab_cache_create_with_lock(&c, 64, 0, 0, nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_create_with_lock(&c, 64, 0, 0, &no_unlock), SLAB_EINVAL);
    slab_cache_config both = {64, 0, 0, SLAB_LOCK_SPIN, &ops, nullptr};
    EXPECT_EQ(slab_cache_create_ex(&c, &both), SLAB_EINVAL) << "a lock and a lock flag";
    EXPECT_EQ(slab_cache_create_ex(&c, nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_create_with_lock(&c, 0, 0, 0, &ops), SLAB_EINVAL);
    EXPECT_EQ(c, nullptr);
    EXPECT_EQ(alloc_calls(), calls) << "refused before any page";
}

// The interrupt locks are Cortex-M only; their flags are still checked.
TEST_F(RtosApi, LockFlagsOnTheHost)
{
    slab_cache *c = nullptr;
    EXPECT_EQ(slab_cache_create(&c, 16, 0, 0, SLAB_LOCK_BASEPRI(0x40)), SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_cache_create(&c, 16, 0, 0, SLAB_LOCK_BASEPRI(0)), SLAB_EINVAL) << "masks nothing";
    EXPECT_EQ(slab_cache_create(&c, 16, 0, 0, SLAB_LOCK_BASEPRI(0x40) | SLAB_LOCK_IRQ), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_create(&c, 16, 0, 0, 0x100u), SLAB_EINVAL) << "a priority without BASEPRI";
    EXPECT_EQ(slab_cache_create(&c, 16, 0, 0, SLAB_LOCK_SPIN | 0x200u), SLAB_EINVAL);
    EXPECT_EQ(c, nullptr);
}

// ---------------------------------------------------------------- page source

using Source = slabtest::CountingSource;

// Two caches over two sources (two regions): each takes its master and its
// slaves from its own source, the global hooks are never called, and every
// page goes back to the source it came from.
TEST_F(RtosApi, EachCacheTakesPagesFromItsOwnSource)
{
    Source dma;
    Source psram;
    slab_cache *a = nullptr;
    slab_cache *b = nullptr;
    const uint64_t global = alloc_calls();
    slab_cache_config ca = {128, 32, 1024, 0, nullptr, &dma.ops};
    slab_cache_config cb = {48, 0, 0, SLAB_LOCK_SPIN, nullptr, &psram.ops};
    ASSERT_EQ(slab_cache_create_ex(&a, &ca), SLAB_OK);
    ASSERT_EQ(slab_cache_create_ex(&b, &cb), SLAB_OK);
    EXPECT_EQ(dma.allocs, 1);
    EXPECT_EQ(psram.allocs, 1);
    std::vector<void *> as;
    std::vector<void *> bs;
    for (int i = 0; i < 40; i++) {
        as.push_back(slab_alloc(a));
        bs.push_back(slab_alloc(b));
        ASSERT_NE(as.back(), nullptr);
        ASSERT_NE(bs.back(), nullptr);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(as.back()) % 32, 0u);
    }
    EXPECT_GT(dma.allocs, 1) << "slaves from the same source";
    EXPECT_EQ(psram.allocs, 1) << "40 x 48 B fit the 4 KiB master";
    EXPECT_EQ(alloc_calls(), global) << "the global hooks are not called";
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(a, &st), SLAB_OK);
    EXPECT_EQ(st.pages_taken, static_cast<uint32_t>(dma.allocs));
    for (void *p : as) {
        ASSERT_EQ(slab_cache_free(a, p), SLAB_OK);
    }
    for (void *p : bs) {
        ASSERT_EQ(slab_free(p), SLAB_OK);
    }
    EXPECT_EQ(slab_cache_destroy(a), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(b), SLAB_OK);
    EXPECT_EQ(dma.live, 0);
    EXPECT_EQ(psram.live, 0);
    EXPECT_EQ(psram.frees, 1);
    EXPECT_EQ(alloc_calls(), global);
}

TEST_F(RtosApi, PageSourceArgumentsAreChecked)
{
    slab_page_source half = {Source::take, nullptr, nullptr};
    slab_cache_config config = {32, 0, 0, 0, nullptr, &half};
    slab_cache *c = nullptr;
    EXPECT_EQ(slab_cache_create_ex(&c, &config), SLAB_EINVAL);
    Source empty;
    empty.refuse_after = 0;
    config.pages = &empty.ops;
    EXPECT_EQ(slab_cache_create_ex(&c, &config), SLAB_ENOMEM);
    EXPECT_EQ(c, nullptr);
}

// ---------------------------------------------------------------- waiting

// A cache that can hold `cap` objects: its source gives the master only.
struct Full {
    Source src;
    slab_cache *c = nullptr;
    std::vector<void *> held;
    explicit Full(unsigned flags = 0)
    {
        src.refuse_after = 1;
        slab_cache_config config = {64, 0, 1024, flags, nullptr, &src.ops};
        EXPECT_EQ(slab_cache_create_ex(&c, &config), SLAB_OK);
        while (void *p = slab_alloc(c)) {
            held.push_back(p);
        }
    }
    ~Full()
    {
        for (void *p : held) {
            EXPECT_EQ(slab_cache_free(c, p), SLAB_OK);
        }
        EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
    }
};

// Single-threaded wait interface: wait() runs `meanwhile` (what another task
// would do while this one sleeps) and returns its verdict.
struct Scripted {
    int waits = 0;
    int wakes = 0;
    int isr = 0;
    uint32_t ticks_seen = 0;
    std::function<int(uint32_t *)> meanwhile;
    slab_wait_ops ops = {wait, wake, in_isr, this};
    static int wait(void *ctx, uint32_t *ticks)
    {
        auto *s = static_cast<Scripted *>(ctx);
        s->waits++;
        s->ticks_seen = *ticks;
        return s->meanwhile(ticks);
    }
    static void wake(void *ctx) { static_cast<Scripted *>(ctx)->wakes++; }
    static int in_isr(void *ctx) { return static_cast<Scripted *>(ctx)->isr; }
};

TEST_F(RtosApi, AWaiterGetsTheSlotAFreeMakes)
{
    Full f;
    ASSERT_FALSE(f.held.empty());
    Scripted w;
    ASSERT_EQ(slab_cache_set_wait(f.c, &w.ops), SLAB_OK);
    void *freed = f.held.back();
    w.meanwhile = [&](uint32_t *ticks) {
        EXPECT_EQ(w.wakes, 0);
        EXPECT_EQ(slab_cache_free(f.c, freed), SLAB_OK); // the other task frees
        EXPECT_EQ(w.wakes, 1) << "the free woke the waiter";
        *ticks -= 3;
        return 0;
    };
    f.held.pop_back();
    slab_status st = SLAB_EINVAL;
    void *p = slab_alloc_wait_status(f.c, 10, &st);
    EXPECT_EQ(p, freed) << "the waiter got the freed slot";
    EXPECT_EQ(st, SLAB_OK);
    EXPECT_EQ(w.waits, 1);
    EXPECT_EQ(w.ticks_seen, 10u);
    f.held.push_back(p);
    EXPECT_EQ(slab_cache_validate(f.c), SLAB_OK);
    // No waiter left: a free into the full slab wakes nobody.
    void *q = f.held.back();
    f.held.pop_back();
    EXPECT_EQ(slab_cache_free(f.c, q), SLAB_OK);
    EXPECT_EQ(w.wakes, 1);
    f.held.push_back(slab_alloc(f.c));
}

TEST_F(RtosApi, AWaiterTimesOut)
{
    Full f;
    Scripted w;
    ASSERT_EQ(slab_cache_set_wait(f.c, &w.ops), SLAB_OK);
    w.meanwhile = [&](uint32_t *ticks) {
        *ticks = 0;
        return 1; // nobody freed anything
    };
    slab_status st = SLAB_OK;
    EXPECT_EQ(slab_alloc_wait_status(f.c, 5, &st), nullptr);
    EXPECT_EQ(st, SLAB_ETIMEDOUT);
    EXPECT_EQ(w.waits, 1);
    // The waiter count went back to 0: a free into a full slab stays quiet.
    void *q = f.held.back();
    f.held.pop_back();
    EXPECT_EQ(slab_cache_free(f.c, q), SLAB_OK);
    EXPECT_EQ(w.wakes, 0);
    f.held.push_back(slab_alloc(f.c));
    EXPECT_EQ(slab_cache_validate(f.c), SLAB_OK);
}

// slab.h: "A finite timeout bounds the call whatever the wait interface
// reports: each wait() spends at least one tick of it". An interface that
// says "woken" without any free and never lowers the ticks used to spin
// here forever (issue 18, item 8).
TEST_F(RtosApi, AFiniteTimeoutBoundsAWaitInterfaceThatLies)
{
    Full f;
    Scripted w;
    ASSERT_EQ(slab_cache_set_wait(f.c, &w.ops), SLAB_OK);
    w.meanwhile = [&](uint32_t *) {
        if (w.waits > 1000) {
            ADD_FAILURE() << "still waiting after 1000 waits";
            return 1; // let the test end
        }
        return 0; // "woken", with nothing freed and the ticks unchanged
    };
    slab_status st = SLAB_OK;
    EXPECT_EQ(slab_alloc_wait_status(f.c, 5, &st), nullptr);
    EXPECT_EQ(st, SLAB_ETIMEDOUT);
    EXPECT_EQ(w.waits, 5) << "one tick of the budget per wait";
    EXPECT_EQ(slab_cache_validate(f.c), SLAB_OK);
    // The waiter count is back to 0: a free into the full slab wakes nobody.
    void *q = f.held.back();
    f.held.pop_back();
    EXPECT_EQ(slab_cache_free(f.c, q), SLAB_OK);
    EXPECT_EQ(w.wakes, 0);
    f.held.push_back(slab_alloc(f.c));
}

// Nothing waits in an interrupt, with timeout 0, or without an interface.
TEST_F(RtosApi, NeverWaitsInAnIsrOrWithoutTimeout)
{
    Full f;
    Scripted w;
    w.meanwhile = [](uint32_t *) {
        ADD_FAILURE() << "must not wait";
        return 1;
    };
    slab_status st = SLAB_OK;
    EXPECT_EQ(slab_alloc_wait_status(f.c, SLAB_WAIT_FOREVER, &st), nullptr) << "no wait interface";
    EXPECT_EQ(st, SLAB_ENOMEM);
    ASSERT_EQ(slab_cache_set_wait(f.c, &w.ops), SLAB_OK);
    EXPECT_EQ(slab_alloc_wait_status(f.c, 0, &st), nullptr);
    EXPECT_EQ(st, SLAB_ENOMEM);
    w.isr = 1;
    EXPECT_EQ(slab_alloc_wait_status(f.c, SLAB_WAIT_FOREVER, &st), nullptr);
    EXPECT_EQ(st, SLAB_ENOMEM);
    EXPECT_EQ(w.waits, 0);
    slab_wait_ops half = {Scripted::wait, nullptr, nullptr, &w};
    EXPECT_EQ(slab_cache_set_wait(f.c, &half), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_set_wait(nullptr, &w.ops), SLAB_EINVAL);
    EXPECT_EQ(slab_alloc_wait(nullptr, 1), nullptr);
    EXPECT_EQ(slab_cache_set_wait(f.c, nullptr), SLAB_OK);
}

// Real threads over a spin-locked cache and a semaphore made of a mutex and a
// condition variable: several waiters, frees one at a time, every waiter
// gets exactly one slot (the baton passes when a free stays inline), one
// waiter with a short timeout times out.
struct Semaphore {
    std::mutex m;
    std::condition_variable cv;
    unsigned count = 0;
    std::atomic<int> wakes{0};
    slab_wait_ops ops = {wait, wake, nullptr, this};
    static int wait(void *ctx, uint32_t *ticks)
    {
        auto *s = static_cast<Semaphore *>(ctx);
        std::unique_lock<std::mutex> hold(s->m);
        auto ready = [&] { return s->count > 0; };
        if (*ticks == SLAB_WAIT_FOREVER) {
            s->cv.wait(hold, ready);
        } else if (!s->cv.wait_for(hold, std::chrono::milliseconds(*ticks), ready)) {
            *ticks = 0;
            return 1;
        }
        s->count--;
        return 0;
    }
    static void wake(void *ctx)
    {
        auto *s = static_cast<Semaphore *>(ctx);
        s->wakes++;
        std::lock_guard<std::mutex> hold(s->m);
        s->count++;
        s->cv.notify_one();
    }
};

TEST_F(RtosApi, ThreadsWaitAndEachGetsOneSlot)
{
    Full f(SLAB_LOCK_SPIN);
    Semaphore sem;
    ASSERT_EQ(slab_cache_set_wait(f.c, &sem.ops), SLAB_OK);
    const int kWaiters = 3;
    ASSERT_GE(f.held.size(), static_cast<size_t>(kWaiters));
    std::vector<void *> got(kWaiters, nullptr);
    std::vector<std::thread> threads;
    std::atomic<int> started{0};
    for (int i = 0; i < kWaiters; i++) {
        threads.emplace_back([&, i] {
            started++;
            got[i] = slab_alloc_wait(f.c, SLAB_WAIT_FOREVER);
        });
    }
    while (started.load() < kWaiters) {
        std::this_thread::yield();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // let them enlist
    std::vector<void *> freed(f.held.end() - kWaiters, f.held.end());
    f.held.resize(f.held.size() - kWaiters);
    for (void *p : freed) {
        ASSERT_EQ(slab_cache_free(f.c, p), SLAB_OK);
    }
    for (auto &t : threads) {
        t.join();
    }
    for (int i = 0; i < kWaiters; i++) {
        ASSERT_NE(got[i], nullptr) << "waiter " << i;
        f.held.push_back(got[i]);
        for (int j = 0; j < i; j++) {
            EXPECT_NE(got[i], got[j]) << "one slot, two owners";
        }
    }
    EXPECT_GE(sem.wakes.load(), 1);
    // A late waiter with a 20 ms timeout times out: nothing is freed now.
    slab_status st = SLAB_OK;
    EXPECT_EQ(slab_alloc_wait_status(f.c, 20, &st), nullptr);
    EXPECT_EQ(st, SLAB_ETIMEDOUT);
    EXPECT_EQ(slab_cache_validate(f.c), SLAB_OK);
}

}  // namespace
