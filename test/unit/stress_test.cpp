// Multi-threaded stress: 16 threads hammer one spin-locked cache with random
// alloc/free. Every object is stamped with its thread and sequence number and
// checked byte for byte before it is freed; an ownership table (one atomic
// flag per address) proves that no slot is ever handed to two owners at once.
// Small slabs make the slow paths (new slab, spare, give-back) run under
// contention too. A few seconds at most.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "page_leak_test.hpp"
#include "slab/slab.hpp"
#include "slab_dump.hpp"

namespace {

constexpr int kThreads = 16;
constexpr int kOpsPerThread = 150000;
constexpr size_t kMaxLivePerThread = 64;

struct Stamp {
    uint64_t words[8];
};

uint64_t pattern(unsigned tid, uint64_t seq, unsigned i) { return (uint64_t(tid) << 56) | (seq << 8) | i; }

// Lock-free open-addressing table: address -> "owned" flag. Keys are never
// removed (slots get reused, their flag toggles).
class Ownership {
public:
    Ownership() : keys_(new std::atomic<uintptr_t>[kSize]()), owned_(new std::atomic<unsigned char>[kSize]()) {}
    // False if the address was already owned: handed out twice.
    bool claim(const void *p) { return flag(p).exchange(1) == 0; }
    // False if the address was not owned.
    bool release(const void *p) { return flag(p).exchange(0) == 1; }
    bool overflowed() const { return overflow_.load(); }

private:
    static constexpr size_t kSize = size_t(1) << 20;
    std::atomic<unsigned char> &flag(const void *p)
    {
        uintptr_t key = reinterpret_cast<uintptr_t>(p);
        size_t i = (key >> 3) * 0x9E3779B97F4A7C15ull >> 44;
        for (size_t n = 0; n < kSize; n++, i = (i + 1) & (kSize - 1)) {
            uintptr_t k = keys_[i].load();
            if (k == 0) {
                uintptr_t expected = 0;
                if (keys_[i].compare_exchange_strong(expected, key) || expected == key) {
                    return owned_[i];
                }
                k = expected;
            }
            if (k == key) {
                return owned_[i];
            }
        }
        overflow_ = true;
        return spill_;
    }
    std::unique_ptr<std::atomic<uintptr_t>[]> keys_;
    std::unique_ptr<std::atomic<unsigned char>[]> owned_;
    std::atomic<unsigned char> spill_{0};
    std::atomic<bool> overflow_{false};
};

struct Failures {
    std::atomic<long> null_allocs{0}, double_owner{0}, not_owned{0}, bad_pattern{0}, bad_free{0}, misaligned{0};
    long total() const
    {
        return null_allocs + double_owner + not_owned + bad_pattern + bad_free + misaligned;
    }
};

// One thread's random walk. Alloc/Free are the front under test.
template <class Alloc, class Free>
void worker(unsigned tid, std::atomic<int> &ready, Ownership &own, Failures &f, Alloc alloc, Free free_fn)
{
    std::mt19937_64 rng(0x5EED0000u + tid);
    std::vector<std::pair<Stamp *, uint64_t>> mine;
    uint64_t seq = 0;
    ready.fetch_add(1);
    while (ready.load() < kThreads) {
        std::this_thread::yield(); // start together
    }
    auto drop = [&](size_t k) {
        Stamp *p = mine[k].first;
        for (unsigned i = 0; i < 8; i++) {
            f.bad_pattern += p->words[i] != pattern(tid, mine[k].second, i);
        }
        f.not_owned += !own.release(p); // before the free: then the slot may go to another thread
        f.bad_free += !free_fn(p);
        mine[k] = mine.back();
        mine.pop_back();
    };
    for (int op = 0; op < kOpsPerThread; op++) {
        bool grow = mine.empty() || (mine.size() < kMaxLivePerThread && (rng() % 100) < 52);
        if (grow) {
            Stamp *p = static_cast<Stamp *>(alloc());
            if (p == nullptr) {
                f.null_allocs++;
                continue;
            }
            f.misaligned += reinterpret_cast<uintptr_t>(p) % alignof(Stamp) != 0;
            f.double_owner += !own.claim(p);
            seq++;
            for (unsigned i = 0; i < 8; i++) {
                p->words[i] = pattern(tid, seq, i);
            }
            mine.emplace_back(p, seq);
        } else {
            drop(rng() % mine.size());
        }
    }
    while (!mine.empty()) {
        drop(mine.size() - 1);
    }
}

template <class Alloc, class Free>
void hammer(Alloc alloc, Free free_fn)
{
    Ownership own;
    Failures f;
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < kThreads; t++) {
        threads.emplace_back([&, t] { worker(t, ready, own, f, alloc, free_fn); });
    }
    for (auto &th : threads) {
        th.join();
    }
    EXPECT_FALSE(own.overflowed());
    EXPECT_EQ(f.null_allocs, 0);
    EXPECT_EQ(f.double_owner, 0) << "a slot was handed to two owners at once";
    EXPECT_EQ(f.not_owned, 0);
    EXPECT_EQ(f.bad_pattern, 0) << "an object's bytes changed while it was live";
    EXPECT_EQ(f.bad_free, 0);
    EXPECT_EQ(f.misaligned, 0);
}

void expect_quiescent(const slab_stats &st)
{
    EXPECT_EQ(st.objs_in_use, 0u);
    EXPECT_GT(st.objs_peak, 0u);
    EXPECT_LE(st.objs_peak, kThreads * kMaxLivePerThread);
    EXPECT_EQ(st.pages_taken - st.pages_given, st.slabs_in_use);
    EXPECT_LE(st.slabs_in_use, 2u) << "master and at most one spare once empty";
    EXPECT_EQ(st.hook_failures, 0u);
}

class Stress : public slabtest::PageLeakTest {};

// C++ front: Cache<T, SpinLock> with 512-byte slabs (7 slots per slave).
TEST_F(Stress, CxxSpinLockCache)
{
    using C = slab::Cache<Stamp, slab::SpinLock, 512>;
    C cache = C::create().take();
    ASSERT_TRUE(cache);
    hammer([&] { return cache.try_alloc(); },
           [&](void *p) {
               C::free_slot(p);
               return true;
           });
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK) << slabtest::dump(cache.raw());
    slab_stats st = cache.stats();
    expect_quiescent(st);
    EXPECT_GT(st.pages_given, 0u) << "the give-back path should have run";
}

// C front, SLAB_LOCK_SPIN, default slabs, location-independent slab_free().
TEST_F(Stress, CSpinLockSlabFree)
{
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, sizeof(Stamp), alignof(Stamp), 0, SLAB_LOCK_SPIN), SLAB_OK);
    hammer([&] { return slab_alloc(c); }, [](void *p) { return slab_free(p) == SLAB_OK; });
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK) << slabtest::dump(c);
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    expect_quiescent(st);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}

// C front, SLAB_LOCK_SPIN, 1 KiB slabs, slab_cache_free().
TEST_F(Stress, CSpinLockCustomSlabCacheFree)
{
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, sizeof(Stamp), alignof(Stamp), 1024, SLAB_LOCK_SPIN), SLAB_OK);
    hammer([&] { return slab_alloc(c); }, [&](void *p) { return slab_cache_free(c, p) == SLAB_OK; });
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK) << slabtest::dump(c);
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    expect_quiescent(st);
    EXPECT_GT(st.pages_given, 0u);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}

}  // namespace
