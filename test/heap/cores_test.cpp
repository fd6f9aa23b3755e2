// The heap's per-core magazines (slab_heap_use_cores, src/heap_cores.cpp):
// what a program sees is the heap it had (every refusal, exact counts),
// with two threads standing for two cores.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "heap_magazines.hpp"
#include "heap_support.hpp"

using namespace heaptest;

namespace {

// A thread's slot, as a host program supplies it.
thread_local void *t_slot = nullptr;
std::atomic<int> g_entered{0};
std::atomic<int> g_left{0};

void **thread_slot(void *, unsigned long *token)
{
    *token = 42u;
    g_entered++;
    return &t_slot;
}

void thread_leave(void *, unsigned long token)
{
    EXPECT_EQ(token, 42u);
    g_left++;
}

const slab_core_ops kThreadCores = {thread_slot, thread_leave, nullptr, 0u};
const slab_core_ops kWhenContended = {thread_slot, thread_leave, nullptr, SLAB_CORES_ON_CONTENTION};

class HeapCores : public HeapTest {
protected:
    slab_heap *make_cores(unsigned flags = SLAB_LOCK_SPIN)
    {
        slab_heap *h = make(flags);
        EXPECT_EQ(slab_heap_use_cores(h, &kThreadCores), SLAB_OK);
        return h;
    }
    void end(slab_heap *h)
    {
        EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
        EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
        t_slot = nullptr; // the heap's pages are gone: the slot must not be used with it again
    }
};

// A magazine keeps blocks only in a build without SLAB_CHECKS.
constexpr bool kKeeps = !SLAB_CHECKS;

TEST_F(HeapCores, AFreedBlockIsHandedOutAgainFromTheMagazineAndTheCountsStayExact)
{
    slab_heap *h = make_cores();
    void *p = slab_heap_alloc(h, 40);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(t_slot != nullptr, kKeeps) << "the first alloc gives the thread its magazines";
    EXPECT_EQ(slab_heap_free(p), SLAB_OK);
    slab_heap_usage u = usage(h);
    EXPECT_EQ(u.blocks_in_use, 0u);
    EXPECT_EQ(u.bytes_in_use, 0u);
    EXPECT_EQ(u.allocs, 1u);
    EXPECT_EQ(u.frees, 1u);
    EXPECT_EQ(slab_heap_usable_size(p), 0u) << "a block in a magazine is not live";
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    void *q = slab_heap_alloc(h, 40);
    if (kKeeps) {
        EXPECT_EQ(q, p) << "last freed, first handed out";
    }
    EXPECT_EQ(slab_heap_usable_size(q), 48u);
    u = usage(h);
    EXPECT_EQ(u.blocks_in_use, 1u);
    EXPECT_EQ(u.bytes_in_use, 48u);
    EXPECT_EQ(u.allocs, 2u);
    EXPECT_EQ(slab_heap_free_in(h, q), SLAB_OK);
    EXPECT_EQ(g_entered.load(), g_left.load()) << "every enter has its leave";
    end(h);
}

TEST_F(HeapCores, ASecondFreeOfABlockInAMagazineIsRefusedAndChangesNothing)
{
    slab_heap *h = make_cores();
    Reports r;
    r.attach(h);
    void *keep = slab_heap_alloc(h, 100);
    void *p = slab_heap_alloc(h, 100);
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(slab_heap_free(p), SLAB_OK);
    slab_heap_usage before = usage(h);
    EXPECT_EQ(slab_heap_free(p), SLAB_EDOUBLEFREE);
    EXPECT_EQ(slab_heap_free_in(h, p), SLAB_EDOUBLEFREE);
    EXPECT_EQ(slab_heap_realloc(h, p, 10), nullptr);
    std::thread other([&] {
        EXPECT_EQ(slab_heap_free_in(h, p), SLAB_EDOUBLEFREE) << "from another core too";
        EXPECT_EQ(slab_heap_flush_core(h), SLAB_OK);
    });
    other.join();
    EXPECT_EQ(slab_heap_free_in(h, static_cast<char *>(keep) + 8), SLAB_ENOTSLOT);
    slab_heap_usage after = usage(h);
    EXPECT_EQ(after.blocks_in_use, before.blocks_in_use);
    EXPECT_EQ(after.allocs, before.allocs);
    EXPECT_EQ(after.frees, before.frees);
    EXPECT_EQ(after.bytes_in_use, before.bytes_in_use);
    ASSERT_EQ(r.seen.size(), 5u);
    for (size_t i = 0; i < 4; i++) {
        EXPECT_EQ(r.seen[i].status, SLAB_EDOUBLEFREE) << i;
        EXPECT_EQ(r.seen[i].ptr, p) << i;
    }
    EXPECT_EQ(r.seen[4].status, SLAB_ENOTSLOT);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    void *again = slab_heap_alloc(h, 100);
    void *next = slab_heap_alloc(h, 100);
    if (kKeeps) {
        EXPECT_EQ(again, p) << "the magazine hands it out again";
    }
    EXPECT_NE(next, again) << "once, not twice";
    EXPECT_EQ(slab_heap_free(again), SLAB_OK);
    EXPECT_EQ(slab_heap_free(next), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_EBUSY) << "a live block keeps the heap";
    EXPECT_EQ(slab_heap_free(keep), SLAB_OK);
    end(h);
}

TEST_F(HeapCores, AFullMagazineGivesHalfBackAndAFlushGivesEverythingBack)
{
    slab_heap *h = make_cores();
    std::vector<void *> blocks;
    for (int i = 0; i < 2000; i++) {
        blocks.push_back(slab_heap_alloc(h, 24));
        ASSERT_NE(blocks.back(), nullptr);
    }
    size_t pages_live = usage(h).pages;
    for (void *p : blocks) {
        ASSERT_EQ(slab_heap_free(p), SLAB_OK);
        ASSERT_EQ(slab_heap_usable_size(p), 0u);
    }
    slab_heap_usage u = usage(h);
    EXPECT_EQ(u.blocks_in_use, 0u);
    EXPECT_EQ(u.allocs, 2000u);
    EXPECT_EQ(u.frees, 2000u);
    EXPECT_LT(u.pages, pages_live / 2u) << "the magazine keeps at most a few blocks: the slabs went back";
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    ASSERT_EQ(slab_heap_trim(h), SLAB_OK); // the caller's magazines first
    EXPECT_EQ(t_slot, nullptr);
    u = usage(h);
    EXPECT_EQ(u.classes_live, 0u) << "every block back: every class cache ended";
    EXPECT_EQ(u.pages, 2u + (kKeeps ? 2u : 0u))
        << "the control page, the per-core state's, and the magazines' and the exchange's pages kept for reuse";
    end(h);
}

TEST_F(HeapCores, TwoThreadsFreeEachOthersBlocksAndTheCountsStayExact)
{
    slab_heap *h = make_cores();
    constexpr int kBlocks = 2000;
    std::vector<void *> made[2];
    std::atomic<int> ready{0};
    auto worker = [&](int me) {
        uint32_t x = 0x9E3779B9u * uint32_t(me + 1);
        for (int i = 0; i < kBlocks; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            void *p = slab_heap_alloc(h, 16 + x % 500);
            ASSERT_NE(p, nullptr);
            static_cast<unsigned char *>(p)[0] = static_cast<unsigned char>(me);
            made[me].push_back(p);
        }
        ready++;
        while (ready.load() < 2) {
            std::this_thread::yield();
        }
        for (void *p : made[1 - me]) { // the other thread's blocks
            ASSERT_EQ(static_cast<unsigned char *>(p)[0], 1 - me);
            ASSERT_EQ(slab_heap_free(p), SLAB_OK);
        }
        EXPECT_EQ(slab_heap_flush_core(h), SLAB_OK); // as a thread does before it ends
    };
    std::thread a(worker, 0);
    std::thread b(worker, 1);
    a.join();
    b.join();
    slab_heap_usage u = usage(h);
    EXPECT_EQ(u.blocks_in_use, 0u);
    EXPECT_EQ(u.bytes_in_use, 0u);
    EXPECT_EQ(u.allocs, 2u * kBlocks);
    EXPECT_EQ(u.frees, 2u * kBlocks);
    end(h);
}

TEST_F(HeapCores, HalvesOneCoreFreesGoToAnotherCoresNextRefill)
{
    if (!kKeeps) {
        GTEST_SKIP() << "a checked build keeps no block in a magazine";
    }
    slab_heap *h = make_cores();
    const size_t size = 64; // a class of its own size
    const uint32_t cap = heap_mag_cap(size), half = cap / 2u;
    std::vector<void *> freed;
    for (uint32_t i = 0; i < 2u * cap; i++) {
        freed.push_back(slab_heap_alloc(h, size));
        ASSERT_NE(freed.back(), nullptr);
    }
    size_t pages = usage(h).pages;
    std::thread consumer([&] { // frees them all, and never flushes
        for (void *p : freed) {
            ASSERT_EQ(slab_heap_free(p), SLAB_OK);
        }
    });
    consumer.join();
    slab_heap_usage u = usage(h);
    EXPECT_EQ(u.pages, pages + 2u) << "the consumer's magazines' page and the exchange's";
    for (uint32_t i = 0; i < cap; i++) { // the two halves it spilled wait, parked, for a refill
        EXPECT_EQ(slab_heap_usable_size(freed[i]), 0u);
        EXPECT_EQ(slab_heap_free(freed[i]), SLAB_EDOUBLEFREE) << "a block in the exchange is refused as free";
    }
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    std::vector<void *> got;
    std::thread producer([&] { // a core with an empty magazine
        for (uint32_t i = 0; i <= half; i++) {
            got.push_back(slab_heap_alloc(h, size));
        }
    });
    producer.join();
    for (uint32_t j = 1; j <= half; j++) { // after its refill's own block, the newest half, last freed first
        EXPECT_EQ(got[j], freed[cap - j]) << "block " << j << " of the refill";
    }
    for (void *p : got) {
        EXPECT_EQ(slab_heap_free(p), SLAB_OK);
    }
    end(h); // the destroy empties the exchange and gives its page back
}

TEST_F(HeapCores, DestroyGivesBackTheMagazinesOfThreadsThatNeverFlushed)
{
    slab_heap *h = make_cores();
    std::thread t([&] {
        for (int i = 0; i < 50; i++) {
            void *p = slab_heap_alloc(h, 8 + i * 30);
            ASSERT_NE(p, nullptr);
            ASSERT_EQ(slab_heap_free(p), SLAB_OK);
        }
    });
    t.join();
    EXPECT_EQ(usage(h).blocks_in_use, 0u);
    end(h); // the fixture checks that every page went back
}

TEST_F(HeapCores, UseCoresRefusesBadArgumentsAndASecondCall)
{
    slab_heap *h = make(SLAB_LOCK_SPIN);
    const slab_core_ops no_enter = {nullptr, nullptr, nullptr, 0u};
    const slab_core_ops bad_flag = {thread_slot, nullptr, nullptr, 2u};
    EXPECT_EQ(slab_heap_use_cores(nullptr, &kThreadCores), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_use_cores(h, nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_use_cores(h, &no_enter), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_use_cores(h, &bad_flag), SLAB_EINVAL);
    slab_heap *unlocked = make(0);
    EXPECT_EQ(slab_heap_use_cores(unlocked, &kWhenContended), SLAB_EINVAL) << "no spin lock: no contention to see";
    end(unlocked);
    int not_a_heap[64] = {};
    EXPECT_EQ(slab_heap_use_cores(reinterpret_cast<slab_heap *>(not_a_heap), &kThreadCores), SLAB_EBADPTR);
    EXPECT_EQ(slab_heap_flush_core(nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_flush_core(h), SLAB_OK) << "a heap with no magazines: nothing to do";
    EXPECT_EQ(slab_heap_use_cores(h, &kThreadCores), SLAB_OK);
    EXPECT_EQ(slab_heap_use_cores(h, &kThreadCores), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_use_cores(h, &kWhenContended), SLAB_EINVAL);
    end(h);
}

TEST_F(HeapCores, MagazinesThatWaitForContentionStartWhenAThreadFindsTheLockHeld)
{
    slab_heap *h = make(SLAB_LOCK_SPIN);
    ASSERT_EQ(slab_heap_use_cores(h, &kWhenContended), SLAB_OK);
    void *p = slab_heap_alloc(h, 64);
    ASSERT_EQ(slab_heap_free(p), SLAB_OK);
    EXPECT_EQ(t_slot, nullptr) << "no contention yet: the calls take the lock";
    EXPECT_EQ(usage(h).pages, 3u) << "the control page, the per-core state's and one slab: no magazines' page";
    ASSERT_EQ(slab_heap_acquire(h), SLAB_OK); // held: the thread's malloc waits for it
    std::atomic<bool> done{false};
    std::thread t([&] {
        void *q = slab_heap_alloc(h, 64);
        EXPECT_NE(q, nullptr);
        EXPECT_EQ(slab_heap_free(q), SLAB_OK);
        EXPECT_EQ(t_slot != nullptr, kKeeps) << "the free after the wait went to the thread's magazine";
        EXPECT_EQ(slab_heap_flush_core(h), SLAB_OK);
        done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(done.load());
    ASSERT_EQ(slab_heap_release(h), SLAB_OK);
    t.join();
    p = slab_heap_alloc(h, 64);
    ASSERT_EQ(slab_heap_free(p), SLAB_OK);
    EXPECT_EQ(t_slot != nullptr, kKeeps) << "on from then on, for every thread";
    slab_heap_usage u = usage(h);
    EXPECT_EQ(u.allocs, 3u);
    EXPECT_EQ(u.frees, 3u);
    EXPECT_EQ(u.blocks_in_use, 0u);
    end(h);
}

TEST_F(HeapCores, AMagazinePageTheSourceCannotGiveLeavesTheCallsToTheCaches)
{
    slab_heap *h = make_cores();
    void *p = slab_heap_alloc(h, 64); // the magazines' page, taken now
    ASSERT_NE(p, nullptr);
    std::thread t([&] {
        refuse_all_allocs(true); // the thread's first call finds no page for its magazines
        void *q = slab_heap_alloc(h, 64);
        clear_faults();
        ASSERT_NE(q, nullptr) << "the class cache had room";
        EXPECT_EQ(t_slot, nullptr);
        EXPECT_EQ(slab_heap_free(q), SLAB_OK);
        EXPECT_EQ(slab_heap_free(q), SLAB_EDOUBLEFREE);
    });
    t.join();
    EXPECT_EQ(slab_heap_free(p), SLAB_OK);
    EXPECT_EQ(usage(h).blocks_in_use, 0u);
    end(h);
}

}  // namespace
