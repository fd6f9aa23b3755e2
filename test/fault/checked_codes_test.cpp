// Checked mode's status codes, one misuse at a time (src/checked.cpp,
// src/c_api.cpp). Each misuse must come back as its status (SLAB_EPOISON: as
// a report, the alloc still succeeds), reach the cache's report hook exactly
// once with (code, cache, pointer), and leave the cache as slab.h promises:
// counters exact, slab_cache_validate() == SLAB_OK, nothing handed out twice,
// every page back at destroy. The LinkWord cases overwrite the free-list link
// of a freed slot, as a use after free of an intrusive list node does: the
// poison bytes start after the link and its check copy, so only the link
// checks can catch it, and they must name the slot that was written.
// Built into both fault_test variants: SLAB_EWRONGCACHE and SLAB_EBADPTR come
// from the header check, on in both; the rest skip on the normal library,
// told apart by the red zone in the slot size.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "fault_pages.hpp"
#include "slab/slab.h"

namespace {

constexpr size_t kObj = 64;

struct Report {
    slab_status code;
    slab_cache *cache;
    void *ptr;
};

void record(void *ctx, slab_cache *cache, slab_status code, void *ptr)
{
    static_cast<std::vector<Report> *>(ctx)->push_back(Report{code, cache, ptr});
}

char *at(void *p, size_t off) { return static_cast<char *>(p) + off; }

struct Codes : ::testing::Test {
    slab_cache *cache = nullptr;
    slab_stats st{};
    std::vector<Report> reports;
    std::vector<void *> live; // objects of `cache` the test holds
    long pages_before = 0;

    void SetUp() override
    {
        // Parameterized tests run after the sweeps, whose last plan refuses
        // every page free from some N on.
        fault::reset(fault::Plan{});
        pages_before = fault::live_pages();
        ASSERT_EQ(slab_cache_create(&cache, kObj, 0, 0, 0), SLAB_OK);
        ASSERT_EQ(slab_cache_set_error_handler(cache, record, &reports), SLAB_OK);
        st = stats();
    }

    // Every page back, so that the fault sweeps in this binary start from a
    // provider with no page outstanding. A slot handed out twice is freed
    // once: the leak it leaves is the library's, and shows here.
    void TearDown() override
    {
        if (cache == nullptr) {
            return;
        }
        std::sort(live.begin(), live.end());
        live.erase(std::unique(live.begin(), live.end()), live.end());
        for (void *p : live) {
            EXPECT_EQ(slab_cache_free(cache, p), SLAB_OK) << p;
        }
        EXPECT_EQ(slab_cache_validate(cache), SLAB_OK);
        EXPECT_EQ(slab_cache_destroy(cache), SLAB_OK);
        EXPECT_EQ(fault::live_pages(), pages_before) << "pages leaked";
    }

    bool checked() const { return st.slot_size != st.obj_size; }
    uintptr_t page(const void *p) const { return reinterpret_cast<uintptr_t>(p) & ~uintptr_t(st.slab_size - 1); }

    slab_stats stats() const
    {
        slab_stats s{};
        EXPECT_EQ(slab_cache_stats(cache, &s), SLAB_OK);
        return s;
    }

    void *alloc()
    {
        void *p = slab_alloc(cache);
        EXPECT_NE(p, nullptr);
        if (p != nullptr) {
            live.push_back(p);
        }
        return p;
    }

    // The test no longer holds p (freed, or freed with a report).
    void release(void *p) { live.erase(std::find(live.begin(), live.end(), p)); }

    // Exactly one report since the last call, and exactly this one.
    void expect_report(slab_status code, const void *ptr)
    {
        std::vector<Report> got;
        got.swap(reports);
        ASSERT_EQ(got.size(), 1u) << "reports of " << slab_status_str(code);
        EXPECT_EQ(got[0].code, code) << slab_status_str(got[0].code);
        EXPECT_EQ(got[0].cache, cache);
        EXPECT_EQ(got[0].ptr, ptr);
    }

    // Counters as `before`, objects in use moved by exactly objs_delta, and
    // every object in use one the test holds.
    void expect_counts(const slab_stats &before, int objs_delta = 0)
    {
        slab_stats now = stats();
        EXPECT_EQ(now.objs_in_use, before.objs_in_use + objs_delta);
        EXPECT_EQ(now.objs_in_use, live.size());
        EXPECT_EQ(now.slabs_in_use, before.slabs_in_use);
        EXPECT_EQ(now.pages_taken, before.pages_taken);
        EXPECT_EQ(now.pages_given, before.pages_given);
        EXPECT_EQ(slab_cache_validate(cache), SLAB_OK);
    }

    // The cache still serves after the misuse: more than a slab's worth (so a
    // slab is taken), every object new and in a live page, then all freed.
    void expect_still_works()
    {
        std::set<void *> held(live.begin(), live.end());
        ASSERT_EQ(held.size(), live.size()) << "an object is held twice";
        size_t first = live.size();
        for (uint32_t i = 0; i < st.objs_per_slab + 2; i++) {
            void *p = slab_alloc(cache);
            ASSERT_NE(p, nullptr);
            live.push_back(p);
            ASSERT_TRUE(held.insert(p).second) << "handed out twice: " << p;
            ASSERT_TRUE(fault::in_live_page(p, kObj, st.slab_size)) << p;
        }
        EXPECT_EQ(stats().objs_in_use, live.size());
        EXPECT_EQ(slab_cache_validate(cache), SLAB_OK);
        for (; live.size() > first; live.pop_back()) {
            EXPECT_EQ(slab_cache_free(cache, live.back()), SLAB_OK);
        }
        EXPECT_EQ(stats().objs_in_use, live.size());
        EXPECT_EQ(slab_cache_validate(cache), SLAB_OK);
        EXPECT_TRUE(reports.empty()) << "a clean alloc or free was reported";
    }
};

struct Checked : Codes {
    void SetUp() override
    {
        Codes::SetUp();
        if (!HasFatalFailure() && !checked()) {
            GTEST_SKIP() << "normal library: no checked mode";
        }
    }
};

TEST_F(Checked, DoubleFreeIsRefused)
{
    void *x = alloc();
    void *y = alloc();
    ASSERT_EQ(static_cast<char *>(x) - static_cast<char *>(y), (ptrdiff_t)st.slot_size) << "slots go down";
    ASSERT_EQ(slab_cache_free(cache, x), SLAB_OK);
    release(x);
    slab_stats before = stats();
    EXPECT_EQ(slab_cache_free(cache, x), SLAB_EDOUBLEFREE);
    expect_report(SLAB_EDOUBLEFREE, x);
    expect_counts(before);
    EXPECT_EQ(slab_free(x), SLAB_EDOUBLEFREE);
    expect_report(SLAB_EDOUBLEFREE, x);
    expect_counts(before);
    // A slot never handed out (below bump) is as free as a freed one.
    void *fresh = static_cast<char *>(y) - st.slot_size;
    EXPECT_EQ(slab_cache_free(cache, fresh), SLAB_EDOUBLEFREE);
    expect_report(SLAB_EDOUBLEFREE, fresh);
    expect_counts(before);
    expect_still_works();
}

TEST_F(Checked, PointerOffASlotStartIsRefused)
{
    void *x = alloc();
    slab_stats before = stats();
    // Misaligned, aligned but interior, in the red zone, in the control block.
    void *bad[] = {at(x, 1), at(x, sizeof(void *)), at(x, kObj), static_cast<void *>(cache)};
    for (void *p : bad) {
        EXPECT_EQ(slab_cache_free(cache, p), SLAB_ENOTSLOT) << p;
        expect_report(SLAB_ENOTSLOT, p);
        expect_counts(before);
        EXPECT_EQ(slab_free(p), SLAB_ENOTSLOT) << p;
        expect_report(SLAB_ENOTSLOT, p);
        expect_counts(before);
    }
    expect_still_works(); // and x, still live, is freed by TearDown
}

TEST_F(Checked, RedZoneOverrunIsReportedAndTheSlotStillFreed)
{
    for (size_t off : {kObj, st.slot_size - 1}) {
        void *x = alloc();
        slab_stats before = stats();
        *at(x, off) = 0;
        EXPECT_EQ(slab_cache_free(cache, x), SLAB_EREDZONE) << "red zone byte " << off;
        release(x);
        expect_report(SLAB_EREDZONE, x);
        expect_counts(before, -1);
        EXPECT_EQ(slab_cache_free(cache, x), SLAB_EDOUBLEFREE) << "the slot was not freed";
        expect_report(SLAB_EDOUBLEFREE, x);
        // Free poisoned the whole slot, red zone included: reuse is clean.
        EXPECT_EQ(alloc(), x) << "LIFO: the slot just freed comes first";
        EXPECT_TRUE(reports.empty());
        expect_counts(before);
    }
    expect_still_works();
}

TEST_F(Checked, WriteAfterFreeIsReportedWhenTheSlotIsReused)
{
    // Just past the link word, mid-object, the last red-zone byte.
    for (size_t off : {sizeof(void *), kObj / 2, st.slot_size - 1}) {
        void *x = alloc();
        ASSERT_EQ(slab_cache_free(cache, x), SLAB_OK);
        release(x);
        slab_stats before = stats();
        *at(x, off) = 0;
        EXPECT_EQ(alloc(), x) << "LIFO: the slot just freed comes first";
        expect_report(SLAB_EPOISON, x);
        expect_counts(before, 1);
    }
    expect_still_works();
}

TEST_F(Codes, ObjectOfAnotherCacheIsRefused)
{
    slab_cache *other = nullptr;
    std::vector<Report> other_reports;
    ASSERT_EQ(slab_cache_create(&other, kObj, 0, 0, 0), SLAB_OK);
    ASSERT_EQ(slab_cache_set_error_handler(other, record, &other_reports), SLAB_OK);
    void *o = slab_alloc(other);
    ASSERT_NE(o, nullptr);
    alloc();
    slab_stats before = stats();
    slab_stats other_before{};
    ASSERT_EQ(slab_cache_stats(other, &other_before), SLAB_OK);
    EXPECT_EQ(slab_cache_free(cache, o), SLAB_EWRONGCACHE);
    expect_report(SLAB_EWRONGCACHE, o);
    expect_counts(before);
    EXPECT_TRUE(other_reports.empty()) << "reported to the owner, not to the cache named";
    slab_stats other_now{};
    ASSERT_EQ(slab_cache_stats(other, &other_now), SLAB_OK);
    EXPECT_EQ(other_now.objs_in_use, other_before.objs_in_use);
    EXPECT_EQ(slab_cache_validate(other), SLAB_OK);
    EXPECT_EQ(slab_cache_free(other, o), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(other), SLAB_OK);
    expect_still_works();
}

TEST_F(Codes, ForeignPointerIsRefused)
{
    // A zeroed block of the default slab size: its masked "header" has no magic.
    alignas(SLAB_DEFAULT_SLAB_SIZE) static unsigned char foreign[SLAB_DEFAULT_SLAB_SIZE];
    void *p = foreign + 128;
    alloc();
    slab_stats before = stats();
    EXPECT_EQ(slab_cache_free(cache, p), SLAB_EBADPTR);
    expect_report(SLAB_EBADPTR, p);
    expect_counts(before);
    EXPECT_EQ(slab_free(p), SLAB_EBADPTR);
    EXPECT_TRUE(reports.empty()) << "slab_free() of a foreign pointer names no cache";
    expect_counts(before);
    expect_still_works();
}

// What a use after free writes into the link word of freed `a`. The Forged
// cases also write the matching check copy (~link) into the second word, as
// if by chance: the link is then judged by where it leads alone.
enum class Link { kNull, kSelf, kSkip, kNotSlot, kOtherSlab, kForgedNotSlot, kForgedLive, kForgedFresh };

struct LinkWord : Checked, ::testing::WithParamInterface<Link> {};

TEST_P(LinkWord, OverwrittenLinkLosesNoSlotAndHandsOutNoneTwice)
{
    // The master full, so a, b and c share a slave whose other slots stay
    // fresh, and the master's objects are live slots of another slab.
    for (uint32_t i = 0; i < st.objs_in_master; i++) {
        ASSERT_NE(alloc(), nullptr);
    }
    void *m = live.front();
    void *a = alloc();
    void *b = alloc();
    void *c = alloc();
    void *d = alloc(); // stays live: a slot in use of the same slab
    ASSERT_EQ(page(a), page(c));
    ASSERT_EQ(page(a), page(d));
    ASSERT_NE(page(a), page(m));
    for (void *p : {c, b, a}) { // the slave's free list is then a -> b -> c
        ASSERT_EQ(slab_cache_free(cache, p), SLAB_OK);
        release(p);
    }
    ASSERT_EQ(*static_cast<void **>(a), b) << "free list not as this test assumes";
    ASSERT_EQ(slab_cache_validate(cache), SLAB_OK);
    void *fresh = at(d, 0) - st.slot_size; // below bump: never handed out
    ASSERT_EQ(page(fresh), page(a));
    void *link[] = {nullptr, a, c, at(a, 1), m, at(a, 1), d, fresh};
    void *next = link[static_cast<int>(GetParam())];
    static_cast<void **>(a)[0] = next;
    if (GetParam() >= Link::kForgedNotSlot) {
        static_cast<void **>(a)[1] = reinterpret_cast<void *>(~reinterpret_cast<uintptr_t>(next));
    }
    EXPECT_EQ(slab_cache_validate(cache), SLAB_ECORRUPT) << "validate did not see the overwritten link";

    // All of a, b, c are due within three allocations (free slots go before
    // fresh ones); three more show the slab past them is sound.
    std::set<void *> held(live.begin(), live.end());
    for (int i = 0; i < 6; i++) {
        void *p = slab_alloc(cache);
        ASSERT_NE(p, nullptr) << "allocation " << i;
        live.push_back(p);
        ASSERT_TRUE(held.insert(p).second) << "allocation " << i << ": " << p << " handed out twice";
        ASSERT_TRUE(fault::in_live_page(p, kObj, st.slab_size)) << p;
        EXPECT_EQ(slab_cache_validate(cache), SLAB_OK) << "after allocation " << i;
        EXPECT_EQ(stats().objs_in_use, live.size()) << "after allocation " << i;
    }
    for (void *p : {a, b, c}) {
        EXPECT_EQ(held.count(p), 1u) << p << " (slot " << (p == a ? "a" : p == b ? "b" : "c") << ") lost";
    }
    // One report, on the pop of the slot that was written (its link no
    // longer matches its check copy), not later when the list runs short.
    ASSERT_EQ(reports.size(), 1u) << "the overwritten link went unreported, or was reported more than once";
    EXPECT_EQ(reports[0].code, SLAB_EPOISON) << slab_status_str(reports[0].code);
    EXPECT_EQ(reports[0].cache, cache);
    EXPECT_EQ(reports[0].ptr, a);
    reports.clear();
    if (HasFailure()) {
        return; // a cache that lost slots may hand out its own header next
    }
    expect_still_works();
}

std::string link_name(const ::testing::TestParamInfo<Link> &info)
{
    static const char *const names[] = {"Null",      "SelfLink",         "SkipToC",    "NotASlot",
                                        "OtherSlab", "ForgedNotASlot", "ForgedLive", "ForgedFresh"};
    return names[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(Checked, LinkWord,
                         ::testing::Values(Link::kNull, Link::kSelf, Link::kSkip, Link::kNotSlot, Link::kOtherSlab,
                                           Link::kForgedNotSlot, Link::kForgedLive, Link::kForgedFresh),
                         link_name);

}  // namespace
