// The C front's less travelled paths (src/c_api.cpp): every entry point on a
// spin-locked cache (the lock is taken and released), on a C++ cache with a
// user lock type (taken through its thunks, once per call), on a
// handle that is NULL or not a cache, and slab_free() on objects of slabs of
// another size. Each test asserts the exact status and that the caches
// involved still validate.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "page_leak_test.hpp"
#include "slab/slab.h"
#include "slab/slab.hpp"
#include "slab_dump.hpp"

namespace pages = slabtest::pages;

namespace {

// What the report hook heard.
struct Heard {
    int calls = 0;
    slab_cache *cache = nullptr;
    slab_status status = SLAB_OK;
    void *ptr = nullptr;
    bool lock_held = false; // the cache's spin lock was held during the call
};

void hear(void *ctx, slab_cache *c, slab_status st, void *ptr)
{
    Heard *h = static_cast<Heard *>(ctx);
    h->calls++;
    h->cache = c;
    h->status = st;
    h->ptr = ptr;
    h->lock_held = static_cast<slab::SpinLock *>(slab::detail::lock_area(c))->held != 0;
}

bool spin_free(slab_cache *c) { return static_cast<slab::SpinLock *>(slab::detail::lock_area(c))->held == 0; }

// A page-aligned block that is no slab: its "header" is all zeros.
alignas(SLAB_DEFAULT_SLAB_SIZE) unsigned char not_a_slab[SLAB_DEFAULT_SLAB_SIZE];

class CoverageCApi : public slabtest::PageLeakTest {};

TEST_F(CoverageCApi, CreateRefusesUnknownAndUnavailableLockFlags)
{
    slab_cache *c = nullptr;
    EXPECT_EQ(slab_cache_create(nullptr, 16, 0, 0, 0), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_create(nullptr, 16, 0, 0, SLAB_LOCK_SPIN), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_create(&c, 16, 0, 0, SLAB_LOCK_SPIN | SLAB_LOCK_IRQ), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_create(&c, 16, 0, 0, 0x80u), SLAB_EINVAL);
#if !SLAB_HAVE_IRQ_LOCK
    EXPECT_EQ(slab_cache_create(&c, 16, 0, 0, SLAB_LOCK_IRQ), SLAB_EUNSUPPORTED); // ARM M-profile only
#endif
    EXPECT_EQ(c, nullptr);
    EXPECT_EQ(pages::outstanding(), pages_before_);
}

// Every entry point on a spin-locked cache: right results, and the lock is
// free after each call (taken once and given back, error paths included).
TEST_F(CoverageCApi, EveryCallOnASpinLockedCache)
{
    slab_cache *c = nullptr, *other = nullptr;
    ASSERT_EQ(slab_cache_create(&c, 40, 8, 0, SLAB_LOCK_SPIN), SLAB_OK);
    ASSERT_EQ(slab_cache_create(&other, 40, 8, 0, SLAB_LOCK_SPIN), SLAB_OK);
    ASSERT_EQ(c->lock_kind, SLAB_LOCK_KIND_SPIN);
    Heard heard;
    ASSERT_EQ(slab_cache_set_error_handler(c, hear, &heard), SLAB_OK);
    EXPECT_EQ(c->on_error, &hear);
    EXPECT_EQ(c->error_ctx, &heard);
    EXPECT_TRUE(spin_free(c));

    std::vector<void *> objs;
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    const uint32_t n = st.objs_in_master + st.objs_per_slab + 1; // master, a slave, one more
    for (uint32_t i = 0; i < n; i++) {
        slab_status why = SLAB_ENOMEM;
        void *p = i % 2 ? slab_alloc(c) : slab_alloc_status(c, &why);
        ASSERT_NE(p, nullptr);
        if (i % 2 == 0) {
            EXPECT_EQ(why, SLAB_OK);
        }
        objs.push_back(p);
        ASSERT_TRUE(spin_free(c));
    }
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, n);
    EXPECT_EQ(st.objs_peak, n);
    EXPECT_EQ(st.slabs_in_use, 3u);
    EXPECT_TRUE(spin_free(c));

    // Destroy with live objects: busy, nothing changes.
    EXPECT_EQ(slab_cache_destroy(c), SLAB_EBUSY);
    EXPECT_TRUE(spin_free(c));
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);

    // Another cache's object: refused and reported, under the lock.
    void *theirs = slab_alloc(other);
    ASSERT_NE(theirs, nullptr);
    EXPECT_EQ(slab_cache_free(c, theirs), SLAB_EWRONGCACHE);
    EXPECT_EQ(heard.calls, 1);
    EXPECT_EQ(heard.cache, c);
    EXPECT_EQ(heard.status, SLAB_EWRONGCACHE);
    EXPECT_EQ(heard.ptr, theirs);
    EXPECT_TRUE(heard.lock_held);
    EXPECT_TRUE(spin_free(c));
    // A pointer into no slab: refused and reported.
    EXPECT_EQ(slab_cache_free(c, not_a_slab + 64), SLAB_EBADPTR);
    EXPECT_EQ(heard.calls, 2);
    EXPECT_EQ(heard.status, SLAB_EBADPTR);
    EXPECT_EQ(heard.ptr, not_a_slab + 64);
    EXPECT_TRUE(heard.lock_held);
    EXPECT_TRUE(spin_free(c));
    EXPECT_EQ(slab_free(theirs), SLAB_OK);
    EXPECT_EQ(slab_cache_validate(other), SLAB_OK);

    // Frees by both calls; the emptied slave becomes the spare.
    for (size_t i = 0; i < objs.size(); i++) {
        ASSERT_EQ(i % 2 ? slab_free(objs[i]) : slab_cache_free(c, objs[i]), SLAB_OK);
        ASSERT_TRUE(spin_free(c));
    }
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, 0u);
    EXPECT_EQ(st.objs_peak, n);
    EXPECT_EQ(slab_cache_reset_peak(c), SLAB_OK);
    EXPECT_TRUE(spin_free(c));
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    EXPECT_EQ(st.objs_peak, 0u);
    EXPECT_EQ(st.slabs_peak, st.slabs_in_use);

    // Clearing the handler clears its context too.
    EXPECT_EQ(slab_cache_set_error_handler(c, nullptr, &heard), SLAB_OK);
    EXPECT_EQ(c->on_error, nullptr);
    EXPECT_EQ(c->error_ctx, nullptr);
    EXPECT_EQ(slab_cache_free(c, theirs), SLAB_EWRONGCACHE); // no handler: nobody told
    EXPECT_EQ(heard.calls, 2);
    EXPECT_TRUE(spin_free(c));

    EXPECT_EQ(slab_cache_validate(c), SLAB_OK) << slabtest::dump(c);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(other), SLAB_OK);
}

// NULL handles, NULL arguments, and a handle that is no cache.
TEST_F(CoverageCApi, NullAndForeignHandles)
{
    slab_stats st{};
    slab_status why = SLAB_OK;
    EXPECT_EQ(slab_alloc_status(nullptr, &why), nullptr);
    EXPECT_EQ(why, SLAB_EINVAL);
    EXPECT_EQ(slab_alloc_status(nullptr, nullptr), nullptr);
    EXPECT_EQ(slab_alloc(nullptr), nullptr);
    EXPECT_EQ(slab_free(nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_destroy(nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_stats(nullptr, &st), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_reset_peak(nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_set_error_handler(nullptr, hear, nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_free(nullptr, not_a_slab + 64), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_check(nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_validate(nullptr), SLAB_EINVAL);

    // A handle that points into no cache: the zeroed block after a header's room.
    const slab_cache *fake = reinterpret_cast<const slab_cache *>(not_a_slab + sizeof(slab::detail::slab_page));
    slab_cache *fake_mut = const_cast<slab_cache *>(fake);
    EXPECT_EQ(slab_cache_destroy(fake_mut), SLAB_EBADPTR);
    EXPECT_EQ(slab_cache_stats(fake, &st), SLAB_EBADPTR);
    EXPECT_EQ(slab_cache_reset_peak(fake_mut), SLAB_EBADPTR);
    EXPECT_EQ(slab_cache_set_error_handler(fake_mut, hear, nullptr), SLAB_EBADPTR);
    EXPECT_EQ(slab_cache_free(fake_mut, not_a_slab + 64), SLAB_EBADPTR);
    EXPECT_EQ(slab_cache_check(fake), SLAB_EBADPTR);
    EXPECT_EQ(slab_cache_validate(fake), SLAB_EBADPTR);

    // A genuine cache with NULL arguments.
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, 16, 0, 0, 0), SLAB_OK);
    EXPECT_EQ(slab_cache_stats(c, nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_free(c, nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
    for (unsigned char b : not_a_slab) {
        ASSERT_EQ(b, 0u) << "a refused call wrote into the block";
    }
    EXPECT_STREQ(slab_status_str(static_cast<slab_status>(-1)), "SLAB_E?");
    EXPECT_STREQ(slab_status_str(static_cast<slab_status>(SLAB_STATUS_COUNT_)), "SLAB_E?");
    EXPECT_STREQ(slab_status_str(SLAB_ECORRUPT), "SLAB_ECORRUPT");
}

// slab_free() masks with the default slab size. On an object in the lowest
// default-size block of a larger slab, the mask finds that slab's genuine
// header, of another size: SLAB_ESLABSIZEFREE. On an object higher up, it
// finds no header at all: SLAB_EBADPTR. Neither is freed.
TEST_F(CoverageCApi, SlabFreeOnObjectsOfALargerSlab)
{
    slab_cache *large = nullptr;
    const size_t big = 16 * SLAB_DEFAULT_SLAB_SIZE;
    ASSERT_EQ(slab_cache_create(&large, 2048, 0, big, 0), SLAB_OK);
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(large, &st), SLAB_OK);
    std::vector<void *> objs;
    for (uint32_t i = 0; i < st.objs_in_master; i++) { // top slot first, lowest last
        objs.push_back(slab_alloc(large));
        ASSERT_NE(objs.back(), nullptr);
    }
    void *high = objs.front(), *low = objs.back();
    const uintptr_t base = slabtest::slab_base(low, big);
    ASSERT_EQ(base, slabtest::master_base(large));
    ASSERT_LT(reinterpret_cast<uintptr_t>(low) - base, SLAB_DEFAULT_SLAB_SIZE);
    ASSERT_GE(reinterpret_cast<uintptr_t>(high) - base, SLAB_DEFAULT_SLAB_SIZE);
    // The default-size mask of `high` lands inside the slab, in a slot: no magic there.
    std::memset(reinterpret_cast<void *>(slabtest::slab_base(high, SLAB_DEFAULT_SLAB_SIZE)), 0,
                sizeof(slab::detail::slab_page));
    EXPECT_EQ(slab_free(low), SLAB_ESLABSIZEFREE);
    EXPECT_EQ(slab_free(high), SLAB_EBADPTR);
    ASSERT_EQ(slab_cache_stats(large, &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, objs.size());
    EXPECT_EQ(slab_cache_validate(large), SLAB_OK);
    for (void *p : objs) {
        EXPECT_EQ(slab_cache_free(large, p), SLAB_OK);
    }
    EXPECT_EQ(slab_cache_validate(large), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(large), SLAB_OK);
}

// ---------------------------------------------------------------- C++ caches

// A user lock type that counts its use; C takes it through its thunks.
struct UserLock {
    using token = int;
    static constexpr uint8_t kind = SLAB_LOCK_KIND_CUSTOM;
    static int locks, unlocks;
    int held = 0;
    token lock() noexcept
    {
        held++;
        locks++;
        return 0;
    }
    void unlock(token) noexcept
    {
        held--;
        unlocks++;
    }
};
int UserLock::locks = 0, UserLock::unlocks = 0;

struct Obj {
    uint64_t words[5];
};

// Every C entry point works on a user-locked C++ cache and takes its lock
// exactly once (slab/lock.hpp, lock_box); destroy stays the last handle's.
TEST_F(CoverageCApi, EveryCallTakesTheLockOfAUserLockedCxxCache)
{
    using UCache = slab::Cache<Obj, UserLock>;
    UCache cache = UCache::create().take();
    ASSERT_TRUE(cache);
    slab_cache *c = cache.raw();
    EXPECT_EQ(c->lock_kind, SLAB_LOCK_KIND_OPS);
    auto box = cache.make();
    ASSERT_TRUE(box);
    slab_cache *other = nullptr;
    ASSERT_EQ(slab_cache_create(&other, sizeof(Obj), 0, 0, 0), SLAB_OK);
    void *theirs = slab_alloc(other);
    ASSERT_NE(theirs, nullptr);
    Heard heard;
    ASSERT_EQ(slab_cache_set_error_handler(c, hear, &heard), SLAB_OK);

    int locks = UserLock::locks;
    auto once = [&](const char *what) {
        EXPECT_EQ(UserLock::locks, locks + 1) << what;
        EXPECT_EQ(UserLock::unlocks, UserLock::locks) << what;
        locks = UserLock::locks;
    };
    slab_status why = SLAB_EINVAL;
    void *q = slab_alloc_status(c, &why);
    EXPECT_NE(q, nullptr);
    EXPECT_EQ(why, SLAB_OK);
    once("alloc_status");
    void *r = slab_alloc(c);
    EXPECT_NE(r, nullptr);
    once("alloc");
    EXPECT_EQ(cache.stats().objs_in_use, 3u);
    locks = UserLock::locks;
    EXPECT_EQ(slab_free(q), SLAB_OK);
    once("free");
    EXPECT_EQ(slab_cache_free(c, r), SLAB_OK);
    once("cache_free");
    EXPECT_EQ(slab_cache_free(c, r), SLAB_EDOUBLEFREE);
    once("double free");
    EXPECT_EQ(slab_cache_free(c, theirs), SLAB_EWRONGCACHE);
    once("wrong cache");
    EXPECT_EQ(slab_cache_free(c, not_a_slab + 64), SLAB_EBADPTR);
    once("foreign pointer (reported)");
    EXPECT_EQ(heard.calls, 3);
    slab_stats st{};
    EXPECT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    once("stats");
    EXPECT_EQ(st.objs_in_use, 1u);
    EXPECT_EQ(slab_cache_reset_peak(c), SLAB_OK);
    once("reset_peak");
    EXPECT_EQ(slab_cache_set_error_handler(c, nullptr, nullptr), SLAB_OK);
    once("set_error_handler");
    EXPECT_EQ(slab_cache_destroy(c), SLAB_EUNSUPPORTED); // a C++ cache ends with its last handle
    EXPECT_EQ(slab_cache_check(c), SLAB_OK);
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
    EXPECT_EQ(cache.stats().objs_in_use, 1u);

    EXPECT_EQ(slab_free(theirs), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(other), SLAB_OK);
    box->reset();
    EXPECT_EQ(cache.stats().objs_in_use, 0u);
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
    EXPECT_EQ(UserLock::locks, UserLock::unlocks);
}

// A C++ cache (no lock) ends with its last handle, never by slab_cache_destroy().
TEST_F(CoverageCApi, DestroyRefusesACxxCache)
{
    using PCache = slab::Cache<Obj>;
    PCache cache = PCache::create().take();
    ASSERT_TRUE(cache);
    EXPECT_EQ(slab_cache_destroy(cache.raw()), SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK);
    EXPECT_EQ(cache.raw()->handles, 1u);
}

// A second handle dropped does not end the cache; the last one does.
TEST_F(CoverageCApi, OnlyTheLastCxxHandleEndsTheCache)
{
    using PCache = slab::Cache<Obj>;
    const long before = pages::outstanding();
    PCache a = PCache::create().take();
    ASSERT_TRUE(a);
    {
        PCache b = a;
        EXPECT_EQ(a.raw()->handles, 2u);
    }
    EXPECT_EQ(a.raw()->handles, 1u);
    EXPECT_EQ(slab_cache_validate(a.raw()), SLAB_OK);
    EXPECT_EQ(pages::outstanding(), before + 1);
    a = PCache();
    EXPECT_EQ(pages::outstanding(), before);
}

}  // namespace
