// Lock policies: NoLock, SpinLock and a user-defined lock type. Every C++
// operation takes its cache's lock exactly once and releases it once, slow
// paths included; the lock object lives, aligned, in the master and is
// destroyed once, when the cache ends; C calls take a user lock type through
// its thunks. IrqLock is ARM-only.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "page_leak_test.hpp"
#include "sizing_formula.hpp"
#include "slab/slab.hpp"

namespace pages = slabtest::pages;

namespace {

// A user lock that counts its calls and catches nesting and bad tokens. Its
// size and alignment are odd on purpose, to check the lock's placement.
struct CountingLock {
    using token = unsigned;
    static constexpr uint8_t kind = SLAB_LOCK_KIND_CUSTOM;
    static int locks, unlocks, nested, bad_tokens, constructed, destroyed, misplaced;
    alignas(16) unsigned char held = 0;
    unsigned char pad[20] = {};

    CountingLock()
    {
        constructed++;
        misplaced += reinterpret_cast<uintptr_t>(this) % alignof(CountingLock) != 0;
    }
    ~CountingLock() { destroyed++; }
    token lock() noexcept
    {
        nested += held != 0;
        held = 1;
        locks++;
        return 0xC0FFEEu;
    }
    void unlock(token t) noexcept
    {
        bad_tokens += t != 0xC0FFEEu;
        held = 0;
        unlocks++;
    }
    static void zero() { locks = unlocks = nested = bad_tokens = constructed = destroyed = misplaced = 0; }
};
int CountingLock::locks, CountingLock::unlocks, CountingLock::nested, CountingLock::bad_tokens,
    CountingLock::constructed, CountingLock::destroyed, CountingLock::misplaced;

struct Obj {
    uint64_t v[4];
};
using CCache = slab::Cache<Obj, CountingLock>;

class Locks : public slabtest::PageLeakTest {
protected:
    void SetUp() override
    {
        PageLeakTest::SetUp();
        CountingLock::zero();
    }
    // op must take the lock exactly once and give it back once.
    void expect_one_lock(const char *what, const std::function<void()> &op)
    {
        int l = CountingLock::locks, u = CountingLock::unlocks;
        op();
        EXPECT_EQ(CountingLock::locks - l, 1) << what;
        EXPECT_EQ(CountingLock::unlocks - u, 1) << what;
        EXPECT_EQ(CountingLock::nested, 0) << what;
        EXPECT_EQ(CountingLock::bad_tokens, 0) << what;
    }
};

TEST_F(Locks, UserLockIsTakenOncePerOperation)
{
    pages::FaultScope faults;
    CCache cache = CCache::create().take();
    ASSERT_TRUE(cache);
    EXPECT_EQ(CountingLock::constructed, 1);
    EXPECT_EQ(CountingLock::misplaced, 0) << "the lock object must be aligned in the master";
    EXPECT_EQ(CountingLock::locks, 0) << "create takes no lock";
    slab_stats st{};
    expect_one_lock("stats", [&] { st = cache.stats(); });
    using Stored = slab::detail::stored_lock<CountingLock>;
    EXPECT_EQ(st.objs_in_master,
              slabtest::expected_sizing(sizeof(Obj), alignof(Obj), SLAB_DEFAULT_SLAB_SIZE, sizeof(Stored),
                                        alignof(Stored))
                  .cap_master)
        << "the master's room accounts for the lock's size and alignment, behind its thunks";
    std::vector<CCache::box_type> boxes;
    for (uint32_t i = 0; i < st.objs_in_master; i++) {
        expect_one_lock("make (fast path)", [&] { boxes.push_back(cache.make().take()); });
    }
    expect_one_lock("make (new slab)", [&] { boxes.push_back(cache.make().take()); });
    pages::fail_next_allocs(1);
    for (uint32_t i = 1; i < st.objs_per_slab; i++) {
        boxes.push_back(cache.make().take());
    }
    expect_one_lock("make (hook refuses)", [&] { EXPECT_EQ(cache.make().status(), SLAB_ENOMEM); });
    expect_one_lock("box reset (full slab gets a slot)", [&] { boxes.back().reset(); });
    boxes.pop_back();
    void *slot = nullptr;
    expect_one_lock("try_alloc", [&] { slot = cache.try_alloc(); });
    expect_one_lock("free_slot", [&] { CCache::free_slot(slot); });
    expect_one_lock("reset_peak", [&] { cache.reset_peak(); });
    while (boxes.size() > st.objs_in_master + 1) {
        boxes.pop_back();
    }
    expect_one_lock("box reset (slave empties)", [&] { boxes.pop_back(); });
    {
        CCache copy = cache;
        (void)copy;
        EXPECT_EQ(CountingLock::locks, CountingLock::unlocks);
    }
    std::vector<CCache> copies;
    expect_one_lock("copy", [&] { copies.push_back(cache); });
    expect_one_lock("drop a copy", [&] { copies.clear(); });
    boxes.clear();
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK);
    EXPECT_EQ(CountingLock::destroyed, 0);
    expect_one_lock("last handle", [&] { cache = CCache(); });
    EXPECT_EQ(CountingLock::destroyed, 1) << "the lock ends with its cache, once";
    EXPECT_EQ(CountingLock::locks, CountingLock::unlocks);
}

// Regression (fixed in d356eac): the lock offset was rounded up to the lock's
// alignment relative to the control block, which sits at master +
// sizeof(slab_page) (a multiple of 8 only), so an alignas(64) lock (padding
// against false sharing) was constructed misaligned.
struct alignas(64) WideLock {
    using token = int;
    static constexpr uint8_t kind = SLAB_LOCK_KIND_CUSTOM;
    static int misplaced;
    unsigned char held = 0;
    WideLock() { misplaced += reinterpret_cast<uintptr_t>(this) % alignof(WideLock) != 0; }
    token lock() noexcept { return held = 1, 0; }
    void unlock(token) noexcept { held = 0; }
};
int WideLock::misplaced = 0;

TEST_F(Locks, OverAlignedUserLockIsPlacedAligned)
{
    WideLock::misplaced = 0;
    auto cache = slab::Cache<Obj, WideLock>::create().take();
    ASSERT_TRUE(cache);
    EXPECT_EQ(WideLock::misplaced, 0) << "the lock object must be aligned as its type says";
    EXPECT_EQ(cache.stats().objs_in_master,
              slabtest::expected_sizing(sizeof(Obj), alignof(Obj), 0, sizeof(slab::detail::stored_lock<WideLock>),
                                        alignof(slab::detail::stored_lock<WideLock>))
                  .cap_master);
}

// An orphaned cache (no handle) ends with its last Box: one lock, then the
// lock object is destroyed after it is released.
TEST_F(Locks, UserLockOfAnOrphanedCache)
{
    CCache::box_type box;
    {
        CCache cache = CCache::create().take();
        box = cache.make().take();
        ASSERT_TRUE(box);
    }
    EXPECT_EQ(CountingLock::destroyed, 0);
    expect_one_lock("last box", [&] { box.reset(); });
    EXPECT_EQ(CountingLock::destroyed, 1);
    EXPECT_EQ(CountingLock::constructed, 1);
}

// C calls take a C++ user lock through its thunks: once per call, with the
// token lock() returned; the C++ front still calls it directly.
TEST_F(Locks, CApiTakesAUserLockOncePerCall)
{
    CCache cache = CCache::create().take();
    auto box = cache.make().take();
    ASSERT_TRUE(box);
    slab_cache *raw = cache.raw();
    int l = CountingLock::locks;
    void *p = slab_alloc(raw);
    EXPECT_NE(p, nullptr);
    EXPECT_EQ(CountingLock::locks, l + 1);
    EXPECT_EQ(slab_free(p), SLAB_OK);
    EXPECT_EQ(CountingLock::locks, l + 2);
    slab_stats st{};
    EXPECT_EQ(slab_cache_stats(raw, &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, 1u);
    EXPECT_EQ(CountingLock::locks, l + 3);
    EXPECT_EQ(CountingLock::unlocks, CountingLock::locks);
    EXPECT_EQ(CountingLock::bad_tokens, 0) << "the token travels through unsigned long and back";
    EXPECT_EQ(CountingLock::nested, 0);
    EXPECT_EQ(CountingLock::misplaced, 0);
    EXPECT_EQ(slab_cache_destroy(raw), SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_cache_validate(raw), SLAB_OK);
}

// SpinLock from C++ and from C: the recorded kind, the lock byte released
// after every call, and both fronts usable on one cache.
TEST_F(Locks, SpinLockFromBothFronts)
{
    using SCache = slab::Cache<Obj, slab::SpinLock>;
    SCache cache = SCache::create().take();
    ASSERT_TRUE(cache);
    EXPECT_EQ(cache.raw()->lock_kind, SLAB_LOCK_KIND_SPIN);
    auto &lock = slab::detail::lock_of<slab::SpinLock>(cache.raw());
    auto box = cache.make().take();
    EXPECT_EQ(lock.held, 0);
    void *p = slab_alloc(cache.raw());
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(lock.held, 0);
    EXPECT_EQ(cache.stats().objs_in_use, 2u);
    EXPECT_EQ(slab_free(p), SLAB_OK);
    EXPECT_EQ(lock.held, 0);

    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, sizeof(Obj), 0, 0, SLAB_LOCK_SPIN), SLAB_OK);
    EXPECT_EQ(c->lock_kind, SLAB_LOCK_KIND_SPIN);
    auto &clock = slab::detail::lock_of<slab::SpinLock>(c);
    void *q = slab_alloc(c);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(clock.held, 0);
    EXPECT_EQ(slab_free(q), SLAB_OK);
    EXPECT_EQ(clock.held, 0);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}

TEST_F(Locks, NoLockAndTheHostLockKinds)
{
    using NCache = slab::Cache<Obj, slab::NoLock>;
    NCache cache = NCache::create().take();
    EXPECT_EQ(cache.raw()->lock_kind, SLAB_LOCK_KIND_NONE);
    EXPECT_EQ(cache.stats().objs_in_master,
              slabtest::expected_sizing(sizeof(Obj), alignof(Obj), 0, sizeof(slab::NoLock), 1).cap_master);
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, 8, 0, 0, 0), SLAB_OK);
    EXPECT_EQ(c->lock_kind, SLAB_LOCK_KIND_NONE);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
    // IrqLock needs PRIMASK: not on this host, and C refuses its flag.
    EXPECT_EQ(SLAB_HAVE_IRQ_LOCK, 0);
    EXPECT_EQ(slab_cache_create(&c, 8, 0, 0, SLAB_LOCK_IRQ), SLAB_EUNSUPPORTED);
}

}  // namespace

namespace {
// Flags only known at run time: slab_cache_create's macro (slab.h) cannot
// name one lock class, so the call reaches the function that picks the
// class from the flags (and links every class).
unsigned flags_at_run_time(unsigned f)
{
    volatile unsigned v = f;
    return v;
}
}  // namespace

// The same caches whether the flags are constants (the class named at
// compile time, slab_cache_create_in_) or known only at run time: each
// records its kind and its class, works through both, and a kind this
// target does not build is refused alike.
TEST_F(Locks, FlagsKnownAtRunTimePickTheSameLockClass)
{
    const unsigned kinds[] = {0u, SLAB_LOCK_SPIN_BIT_};
    for (unsigned f : kinds) {
        slab_cache *a = nullptr;
        slab_cache *b = nullptr;
        ASSERT_EQ(slab_cache_create(&b, 24, 0, 0, flags_at_run_time(f)), SLAB_OK);
        if (f == 0u) {
            ASSERT_EQ(slab_cache_create(&a, 24, 0, 0, 0), SLAB_OK);
        } else {
            ASSERT_EQ(slab_cache_create(&a, 24, 0, 0, SLAB_LOCK_SPIN), SLAB_OK);
        }
        EXPECT_EQ(a->lock_kind, b->lock_kind);
        EXPECT_EQ(a->lock_class, b->lock_class);
        void *p = slab_alloc(b);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(slab_free(p), SLAB_OK);
        EXPECT_EQ(slab_cache_destroy(a), SLAB_OK);
        EXPECT_EQ(slab_cache_destroy(b), SLAB_OK);
    }
    slab_cache *c = nullptr;
    EXPECT_EQ(slab_cache_create(&c, 24, 0, 0, flags_at_run_time(SLAB_LOCK_IRQ)), SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_cache_create(&c, 24, 0, 0, flags_at_run_time(SLAB_LOCK_BASEPRI(0x40))), SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_cache_create(&c, 24, 0, 0, flags_at_run_time(0x80u)), SLAB_EINVAL) << "unknown bits";
    EXPECT_EQ(c, nullptr);
    // A program's lock through slab_cache_create_ex: the class of its ops.
    slab_lock_ops ops = {[](void *) -> unsigned long { return 0; }, [](void *, unsigned long) {}, nullptr};
    slab_cache_config cfg{};
    cfg.obj_size = 24;
    cfg.lock = &ops;
    ASSERT_EQ(slab_cache_create_ex(&c, &cfg), SLAB_OK);
    EXPECT_EQ(c->lock_kind, SLAB_LOCK_KIND_OPS);
    void *p = slab_alloc(c);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(slab_free(p), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}

// slab_cache_create_in_ (slab.h: what slab_cache_create's macro calls with
// constant flags) checks the class it is named against the flags: a NULL
// class or the class of another kind is refused with SLAB_EINVAL before any
// page is taken, and *out is left alone.
TEST_F(Locks, CreateInRefusesAMissingClassOrOneOfAnotherKind)
{
    slab_cache *const untouched = reinterpret_cast<slab_cache *>(uintptr_t(0x5A5A5A50u));
    slab_cache *c = untouched;
    const uint64_t allocs = pages::alloc_calls();
    EXPECT_EQ(slab_cache_create_in_(&c, 24, 0, 0, 0, nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_create_in_(&c, 24, 0, 0, SLAB_LOCK_SPIN, nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_create_in_(&c, 24, 0, 0, SLAB_LOCK_SPIN, &slab_lock_class_none_), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_create_in_(&c, 24, 0, 0, 0, &slab_lock_class_spin_), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_create_in_(&c, 24, 0, 0, 0, &slab_lock_class_ops_), SLAB_EINVAL)
        << "a program's lock comes with its ops (slab_cache_create_with_lock)";
    EXPECT_EQ(c, untouched);
    EXPECT_EQ(pages::alloc_calls(), allocs) << "refused before any page is taken";
    // Flags and class that agree: the cache records both.
    ASSERT_EQ(slab_cache_create_in_(&c, 24, 0, 0, SLAB_LOCK_SPIN, &slab_lock_class_spin_), SLAB_OK);
    EXPECT_EQ(c->lock_kind, SLAB_LOCK_KIND_SPIN);
    EXPECT_EQ(c->lock_class, &slab_lock_class_spin_);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}
