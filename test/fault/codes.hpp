// The fixture of the misuse suites (misuse_test.cpp, checked_only_test.cpp):
// one cache (64-byte objects in default-size slabs unless a derived fixture
// says otherwise), its report hook recorded, and the checks every refused call must pass:
//   expect_report     exactly one report since the last call: (code, cache, ptr)
//   expect_counts     objects in use moved by exactly the given delta, every
//                     one held by the test, slabs and page counters as before,
//                     slab_cache_validate() == SLAB_OK
//   expect_refused    the call returns the code, one report (code, cache,
//                     ptr) to the cache named and none elsewhere, every field
//                     of every cache's slab_stats as before, not one byte of
//                     any live page (headers, maps, control blocks, slots)
//                     changed (Snapshot), validate as before
//   expect_still_works  more than a slab's worth of new objects: none handed
//                     out twice, each a slot start of a live page of the cache
// TearDown frees what the test holds, validates, destroys, and checks that
// every page went back to the provider (fault::live_pages), so that the
// fault sweeps of the same binary start from an empty provider.
#ifndef SLAB_TEST_FAULT_CODES_HPP
#define SLAB_TEST_FAULT_CODES_HPP

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "fault_pages.hpp"
#include "slab/detail/cache.hpp"
#include "slab/slab.h"

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define CODES_HAVE_VALGRIND 1
#endif
#endif

namespace codes {

constexpr size_t kObj = 64;

struct Report {
    slab_cache *cache;
    slab_status code;
    void *ptr;
};

inline void record(void *ctx, slab_cache *cache, slab_status code, void *ptr)
{
    static_cast<std::vector<Report> *>(ctx)->push_back(Report{cache, code, ptr});
}

inline char *at(void *p, ptrdiff_t off) { return static_cast<char *>(p) + off; }

inline std::string str(slab_status s) { return slab_status_str(s); }

inline bool under_valgrind()
{
#ifdef CODES_HAVE_VALGRIND
    return RUNNING_ON_VALGRIND != 0;
#else
    return false;
#endif
}

// Every byte of every live page of the provider, to prove that a refused
// call wrote nothing anywhere. Under valgrind, pages hold bytes nobody wrote
// yet (fresh slots, padding): the snapshot also takes memcheck's validity
// bits, compares those, and compares values only where they are defined, so
// that the comparison itself never reads an undefined byte (a write into one
// makes it defined, which is a change).
struct Snapshot {
    std::vector<fault::LivePage> pages;
    std::vector<std::vector<unsigned char>> bytes;
    std::vector<std::vector<unsigned char>> vbits; // empty unless under valgrind
    std::vector<std::pair<const unsigned char *, size_t>> allowed; // bytes the call may change

    // The call may change [p, p + n) (e.g. a counter it must move).
    void allow(const void *p, size_t n) { allowed.emplace_back(static_cast<const unsigned char *>(p), n); }

    static std::vector<unsigned char> vbits_of(const fault::LivePage &p)
    {
        std::vector<unsigned char> v;
#ifdef CODES_HAVE_VALGRIND
        if (RUNNING_ON_VALGRIND) {
            v.resize(p.size);
            (void)VALGRIND_GET_VBITS(p.page, v.data(), p.size);
        }
#else
        (void)p;
#endif
        return v;
    }

    Snapshot()
    {
        pages = fault::live_page_list();
        for (const fault::LivePage &p : pages) {
            const auto *b = static_cast<const unsigned char *>(p.page);
            bytes.emplace_back(b, b + p.size);
            vbits.push_back(vbits_of(p));
        }
    }

    bool is_allowed(const unsigned char *q) const
    {
        for (const auto &a : allowed) {
            if (q >= a.first && q < a.first + a.second) {
                return true;
            }
        }
        return false;
    }

    // The first differing byte of each page that changed.
    void expect_same(const char *what) const
    {
        std::vector<fault::LivePage> now = fault::live_page_list();
        ASSERT_EQ(now.size(), pages.size()) << what << ": pages taken or given";
        for (size_t i = 0; i < pages.size(); i++) {
            ASSERT_EQ(now[i].page, pages[i].page) << what;
            const auto *b = static_cast<const unsigned char *>(pages[i].page);
            std::vector<unsigned char> vb = vbits_of(pages[i]);
            const bool under_valgrind = !vb.empty();
            if (!under_valgrind && std::memcmp(b, bytes[i].data(), pages[i].size) == 0) {
                continue; // the common case, fast
            }
            for (size_t k = 0; k < pages[i].size; k++) {
                bool changed = under_valgrind ? vb[k] != vbits[i][k] || (vb[k] == 0 && b[k] != bytes[i][k])
                                              : b[k] != bytes[i][k];
                if (changed && !is_allowed(b + k)) {
                    ADD_FAILURE() << what << ": page " << pages[i].page << " written at offset " << k;
                    break;
                }
            }
        }
    }
};

inline void expect_stats_eq(const slab_stats &a, const slab_stats &b, const char *what)
{
    EXPECT_EQ(a.obj_size, b.obj_size) << what;
    EXPECT_EQ(a.slot_size, b.slot_size) << what;
    EXPECT_EQ(a.slab_size, b.slab_size) << what;
    EXPECT_EQ(a.objs_per_slab, b.objs_per_slab) << what;
    EXPECT_EQ(a.objs_in_master, b.objs_in_master) << what;
    EXPECT_EQ(a.objs_in_use, b.objs_in_use) << what;
    EXPECT_EQ(a.objs_peak, b.objs_peak) << what;
    EXPECT_EQ(a.slabs_in_use, b.slabs_in_use) << what;
    EXPECT_EQ(a.slabs_peak, b.slabs_peak) << what;
    EXPECT_EQ(a.pages_taken, b.pages_taken) << what;
    EXPECT_EQ(a.pages_given, b.pages_given) << what;
    EXPECT_EQ(a.hook_failures, b.hook_failures) << what;
}

struct Codes : ::testing::Test {
    // The fixture's cache: a derived fixture may change these before SetUp.
    size_t obj = kObj;
    size_t align = 0;
    size_t slab = 0; // SLAB_DEFAULT_SLAB_SIZE
    slab_cache *cache = nullptr;
    slab_stats st{};
    std::vector<Report> reports;
    std::vector<void *> live; // objects of `cache` the test holds
    long pages_before = 0;
    std::set<void *> pages_at_setup;

    // Another cache a test made: TearDown frees its objects and destroys it.
    struct Other {
        slab_cache *cache;
        std::vector<void *> live;
        std::vector<Report> reports;
    };
    std::vector<Other *> others;

    void SetUp() override
    {
        // Tests may run after the sweeps, whose last plan refuses every page
        // free from some N on.
        fault::reset(fault::Plan{});
        pages_before = fault::live_pages();
        for (const fault::LivePage &lp : fault::live_page_list()) {
            pages_at_setup.insert(lp.page);
        }
        ASSERT_EQ(slab_cache_create(&cache, obj, align, slab, 0), SLAB_OK);
        ASSERT_EQ(slab_cache_set_error_handler(cache, record, &reports), SLAB_OK);
        st = stats();
    }

    void TearDown() override
    {
        fault::reset(fault::Plan{});
        fault::set_guarded(false);
        fault::set_prefill(nullptr);
        for (Other *o : others) {
            for (void *p : o->live) {
                EXPECT_EQ(slab_cache_free(o->cache, p), SLAB_OK) << p;
            }
            EXPECT_EQ(slab_cache_validate(o->cache), SLAB_OK);
            EXPECT_EQ(slab_cache_destroy(o->cache), SLAB_OK);
            delete o;
        }
        others.clear();
        if (cache == nullptr) {
            return;
        }
        // A slot handed out twice is freed once: the leak it leaves is the
        // library's, and shows in the page count.
        std::sort(live.begin(), live.end());
        live.erase(std::unique(live.begin(), live.end()), live.end());
        for (void *p : live) {
            EXPECT_EQ(slab_cache_free(cache, p), SLAB_OK) << p;
        }
        EXPECT_EQ(slab_cache_validate(cache), SLAB_OK);
        EXPECT_EQ(slab_cache_destroy(cache), SLAB_OK);
        EXPECT_EQ(fault::live_pages(), pages_before) << "pages leaked";
        // A failed test's leak must not fail the tests after it: the pages
        // taken since SetUp and still live go back to the provider.
        for (const fault::LivePage &lp : fault::live_page_list()) {
            if (pages_at_setup.count(lp.page) == 0) {
                fault::take_back(lp.page);
            }
        }
    }

    // A cache of the test's own, destroyed by TearDown; reports recorded in
    // its Other::reports.
    Other *make_other(size_t obj_size, size_t slab_size)
    {
        Other *o = new Other{nullptr, {}, {}};
        EXPECT_EQ(slab_cache_create(&o->cache, obj_size, 0, slab_size, 0), SLAB_OK);
        if (o->cache == nullptr) {
            delete o;
            return nullptr;
        }
        others.push_back(o);
        EXPECT_EQ(slab_cache_set_error_handler(o->cache, record, &o->reports), SLAB_OK);
        return o;
    }

    static void *alloc_in(Other *o)
    {
        void *p = slab_alloc(o->cache);
        EXPECT_NE(p, nullptr);
        if (p != nullptr) {
            o->live.push_back(p);
        }
        return p;
    }

    bool checked() const { return st.slot_size != st.obj_size; }

    // Slab geometry, from the brief's layout: slot k (1-based) of the slab
    // at base starts at base + S - k * stride.
    size_t S() const { return st.slab_size; }
    size_t stride() const { return st.slot_size; }
    char *base(const void *p) const
    {
        return reinterpret_cast<char *>(reinterpret_cast<uintptr_t>(p) & ~uintptr_t(S() - 1));
    }
    char *master() const { return base(cache); }
    uint32_t cap(const void *p) const { return base(p) == master() ? st.objs_in_master : st.objs_per_slab; }
    char *slot(const void *slab, uint32_t k) const { return base(slab) + S() - size_t(k) * stride(); }
    // The slot number of a slot start (0 when p is not one).
    uint32_t slot_no(const void *p) const
    {
        size_t off = size_t(base(p) + S() - static_cast<const char *>(p));
        return off % stride() == 0 ? static_cast<uint32_t>(off / stride()) : 0;
    }
    const slab::detail::slab_page *header(const void *p) const
    {
        return reinterpret_cast<const slab::detail::slab_page *>(base(p));
    }
    // The slab at the head of the partial list (alloc takes from it), or NULL.
    const char *partial_head() const
    {
        const slab::detail::link *n = cache->partial.next;
        return n == &cache->partial ? nullptr : reinterpret_cast<const char *>(n);
    }

    slab_stats stats() const { return stats_of(cache); }
    static slab_stats stats_of(const slab_cache *c)
    {
        slab_stats s{};
        EXPECT_EQ(slab_cache_stats(c, &s), SLAB_OK);
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

    // Allocates until every slot of the master is in use.
    void fill_master()
    {
        while (master() == partial_head()) {
            ASSERT_NE(alloc(), nullptr);
        }
        ASSERT_EQ(header(master())->avail, 0u) << "master not full";
    }

    // The test no longer holds p (freed, or freed with a report).
    void release(void *p)
    {
        auto it = std::find(live.begin(), live.end(), p);
        ASSERT_TRUE(it != live.end()) << p;
        live.erase(it);
    }

    void free_ok(void *p)
    {
        ASSERT_EQ(slab_cache_free(cache, p), SLAB_OK) << p;
        release(p);
    }

    // Exactly one report since the last call, and exactly this one.
    static void expect_report_in(std::vector<Report> &from, slab_cache *c, slab_status code, const void *ptr,
                                 const char *what = "")
    {
        std::vector<Report> got;
        got.swap(from);
        ASSERT_EQ(got.size(), 1u) << what << ": reports of " << str(code);
        EXPECT_EQ(got[0].code, code) << what << ": " << str(got[0].code);
        EXPECT_EQ(got[0].cache, c) << what;
        EXPECT_EQ(got[0].ptr, ptr) << what;
    }
    void expect_report(slab_status code, const void *ptr, const char *what = "")
    {
        expect_report_in(reports, cache, code, ptr, what);
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
        EXPECT_EQ(slab_cache_validate(cache), valid);
    }

    // What slab_cache_validate(cache) must say after a refused call
    // (checked mode with a use-after-free write pending: SLAB_ECORRUPT).
    slab_status valid = SLAB_OK;

    // Every cache of the test, with the reports it received.
    std::vector<std::pair<slab_cache *, std::vector<Report> *>> all_caches()
    {
        std::vector<std::pair<slab_cache *, std::vector<Report> *>> all{{cache, &reports}};
        for (Other *o : others) {
            all.emplace_back(o->cache, &o->reports);
        }
        return all;
    }

    // A call the library must refuse with `code`, reported once to cache
    // `to` with ptr (to == NULL: reported nowhere), and nothing changed: no
    // other report, every stat of every cache, every byte of every live
    // page, validate as before.
    template <class Call>
    void expect_refused_to(slab_cache *to, slab_status code, const void *ptr, const char *what, Call call)
    {
        auto all = all_caches();
        std::vector<slab_stats> before;
        for (auto &c : all) {
            before.push_back(stats_of(c.first));
        }
        Snapshot snap;
        slab_status got = call();
        EXPECT_EQ(got, code) << what << " " << ptr << ": got " << str(got);
        for (size_t i = 0; i < all.size(); i++) {
            slab_cache *c = all[i].first;
            if (c == to) {
                expect_report_in(*all[i].second, c, code, ptr, what);
            } else {
                EXPECT_TRUE(all[i].second->empty()) << what << ": reported to a cache not named";
                all[i].second->clear();
            }
            expect_stats_eq(stats_of(c), before[i], what);
            EXPECT_EQ(slab_cache_validate(c), c == cache ? valid : SLAB_OK) << what;
        }
        snap.expect_same(what);
        EXPECT_EQ(stats().objs_in_use, live.size()) << what;
    }

    template <class Call>
    void expect_refused(slab_status code, const void *ptr, const char *what, Call call)
    {
        expect_refused_to(cache, code, ptr, what, call);
    }

    // The same misuse through both frees: slab_free (default-size mask) and
    // slab_cache_free(cache, p).
    void expect_refused_both(slab_status code, void *p)
    {
        expect_refused(code, p, "slab_free", [&] { return slab_free(p); });
        expect_refused(code, p, "slab_cache_free", [&] { return slab_cache_free(cache, p); });
    }

    // The cache still serves after the misuse: more than a slab's worth (so a
    // slab is taken), every object new, a slot start in a live page of the
    // cache, then all freed.
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
            ASSERT_TRUE(fault::in_live_page(p, st.slot_size, st.slab_size)) << p;
            uint32_t k = slot_no(p);
            ASSERT_TRUE(k >= 1 && k <= cap(p)) << p << " is not a slot start";
            std::memset(p, 0x5A, st.obj_size);
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

}  // namespace codes

#endif  // SLAB_TEST_FAULT_CODES_HPP
