// Header forgery (issue 11; README "Threat model"; slab/hooks.h, slab_secret).
//
// The attacker controls the bytes of objects and knows the header layout
// (include/slab/detail/slab_page.hpp, cache.hpp), the magic formulas
// (slab_magic, and cache_magic for a control block; the test computes them
// with the library's own inline functions, slab_secret set for that moment
// to the value the forger assumes) and every address, but not slab_secret, which the program seeds once from
// a random source before it creates a cache (here: std::random_device).
//
// A pointer into a 64 KiB slab masked with a smaller power of two lands
// inside that slab: slab_free() masks with the default 4 KiB, and
// slab_cache_free(c, p) reads the masks of p from min(4 KiB, c's size) up to
// c's size. So, in a 64 KiB slab full of live objects (200-byte objects, and
// 4096-byte objects, whose slots start exactly on 4 KiB boundaries), at every
// address A that a mask of m = 256 B .. 32 KiB lands on, the test builds in
// the object bytes a complete fake slab_page header for size m plus a fake
// slab_cache control block right after it, pointing at each other (or the
// header naming a real cache: the one of that slab size, or the big one),
// with the magic computed by the formula for slab_secret = 0 and for a
// guessed secret, its free list links and spare aimed at a canary, its report
// hook a function of the test. Then slab_free(p) and slab_cache_free(c, p)
// for every small cache c, with p masking to A, must each be refused
// (SLAB_EBADPTR; SLAB_ESLABSIZEFREE from slab_free when p lies in the big
// slab's first 4 KiB, where the genuine 64 KiB header is), reported only to
// the cache named (slab_cache_free) or nowhere (slab_free), and must write
// nothing: not one byte of any live page (the fake block included), not the
// canary, no stat of any cache, and the forged report hook never called.
//
// The negative control shows the forgeries are complete: with the secret
// known (slab_secret set to the value the fake assumed), the same fake header
// passes slab::detail::page_valid and the fake control block its magic test.
// That control only calls page_valid on the fake header: nothing is ever
// freed through a forged block.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <utility>
#include <random>
#include <string>
#include <vector>

#include "codes.hpp"
#include "fault_pages.hpp"
#include "slab/detail/cache.hpp"
#include "slab/slab.h"

namespace {

using codes::Report;
using codes::Snapshot;
using slab::detail::kWideMagic;
using slab::detail::link;
using slab::detail::slab_page;

constexpr size_t kBig = 65536;
constexpr size_t kSmallSizes[] = {256, 512, 1024, 2048, 4096, 8192, 16384, 32768};
constexpr int kSmalls = sizeof(kSmallSizes) / sizeof(kSmallSizes[0]);
constexpr size_t kH = sizeof(slab_page);
// The fake control block right after the header and room for a wide map[1].
constexpr size_t kFakeCacheAt = (kH + 2 + alignof(slab_cache) - 1) & ~(alignof(slab_cache) - 1);
constexpr size_t kFakeLen = kFakeCacheAt + sizeof(slab_cache);
static_assert(kFakeLen <= 256, "the fake must fit the smallest mask");

int g_fake_hook_calls = 0;
void fake_on_error(void *, slab_cache *, slab_status, void *) { g_fake_hook_calls++; }

// What the forged blocks point at: any write through them lands here.
unsigned char g_canary[512];

uintptr_t random_word()
{
    std::random_device rd;
    uint64_t v = 0;
    while (v == 0) {
        v = (uint64_t(rd()) << 32) ^ rd();
    }
    return static_cast<uintptr_t>(v);
}

// Which cache the fake header names.
enum class Names { kFakeBlock, kSmallCache, kBigCache };

struct Forgery : ::testing::TestWithParam<size_t> {
    uintptr_t saved_secret = 0;
    uintptr_t secret = 0;
    uintptr_t guess = 0;
    slab_cache *big = nullptr;
    std::vector<void *> big_live;
    slab_stats big_st{};
    char *B = nullptr;      // the big master's base
    char *lowest = nullptr; // its lowest slot: below it, the slab's own bytes
    slab_cache *small[kSmalls] = {};
    std::vector<Report> reports[kSmalls + 1]; // [kSmalls]: the big cache
    uint64_t attempts = 0;
    long pages_before = 0;

    void SetUp() override
    {
        fault::reset(fault::Plan{});
        // The secret is set before this test's caches exist and kept until
        // they are gone (slab/hooks.h). (Pages a failed test before left
        // behind belong to caches no test uses again.)
        pages_before = fault::live_pages();
        saved_secret = slab_secret;
        secret = random_word();
        do {
            guess = random_word();
        } while (guess == secret);
        slab_secret = secret;
        std::memset(g_canary, 0xC5, sizeof g_canary);
        g_fake_hook_calls = 0;

        ASSERT_EQ(slab_cache_create(&big, GetParam(), 0, kBig, 0), SLAB_OK);
        ASSERT_EQ(slab_cache_set_error_handler(big, codes::record, &reports[kSmalls]), SLAB_OK);
        ASSERT_EQ(slab_cache_stats(big, &big_st), SLAB_OK);
        for (uint32_t i = 0; i < big_st.objs_in_master; i++) {
            void *p = slab_alloc(big);
            ASSERT_NE(p, nullptr);
            std::memset(p, 0x77, GetParam());
            big_live.push_back(p);
        }
        B = reinterpret_cast<char *>(reinterpret_cast<uintptr_t>(big) & ~uintptr_t(kBig - 1));
        lowest = B + kBig - size_t(big_st.objs_in_master) * big_st.slot_size;
        ASSERT_EQ(static_cast<char *>(big_live.back()), lowest);
        for (int i = 0; i < kSmalls; i++) {
            ASSERT_EQ(slab_cache_create(&small[i], 64, 0, kSmallSizes[i], 0), SLAB_OK);
            ASSERT_EQ(slab_cache_set_error_handler(small[i], codes::record, &reports[i]), SLAB_OK);
        }
    }

    void TearDown() override
    {
        for (void *p : big_live) {
            EXPECT_EQ(slab_cache_free(big, p), SLAB_OK);
        }
        if (big != nullptr) {
            EXPECT_EQ(slab_cache_validate(big), SLAB_OK);
            EXPECT_EQ(slab_cache_destroy(big), SLAB_OK);
        }
        for (slab_cache *c : small) {
            if (c != nullptr) {
                EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
                EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
            }
        }
        EXPECT_EQ(fault::live_pages(), pages_before) << "pages leaked";
        slab_secret = saved_secret;
    }

    std::vector<slab_stats> all_stats()
    {
        std::vector<slab_stats> v;
        for (slab_cache *c : small) {
            v.push_back(codes::Codes::stats_of(c));
        }
        v.push_back(codes::Codes::stats_of(big));
        return v;
    }

    // Builds the fake at A: header for slab size m naming `named` (the fake
    // control block when NULL), magics by the formulas with `assumed` as the
    // secret. Returns the fake control block.
    slab_cache *forge(char *A, size_t m, slab_cache *named, uintptr_t assumed)
    {
        auto *h = reinterpret_cast<slab_page *>(A);
        auto *fc = reinterpret_cast<slab_cache *>(A + kFakeCacheAt);
        slab_cache *c = named != nullptr ? named : fc;
        bool wide = named != nullptr && named->wide;
        // The public formulas, with the assumed secret; no library call is
        // made while slab_secret holds it.
        slab_secret = assumed;
        uintptr_t page_magic = slab::detail::slab_magic(h, c, m) ^ (wide ? kWideMagic : 0u);
        uintptr_t fake_cache_magic = slab::detail::cache_magic(fc, m);
        slab_secret = secret;
        h->node.prev = h->node.next = reinterpret_cast<link *>(g_canary);
        h->cache = c;
        h->magic = page_magic;
        h->head = 0;   // kEnd: no free slot listed
        h->handed = 1; // slot 1 handed out ...
        h->avail = 0;  // ... and live: the slab is full, a free would move it to c's partial list
        h->cap = 1;
        if (wide) {
            reinterpret_cast<uint16_t *>(A + kH)[0] = 0xFFFF; // map[1] = kLive
        } else {
            reinterpret_cast<uint8_t *>(A + kH)[0] = 0xFF;
        }
        fc->magic = fake_cache_magic;
        fc->fast_nolock = reinterpret_cast<slab_page *>(g_canary + 256);
        fc->fast_locked = reinterpret_cast<slab_page *>(g_canary + 272);
        fc->partial.prev = fc->partial.next = reinterpret_cast<link *>(g_canary + 64);
        fc->spare = reinterpret_cast<slab_page *>(g_canary + 128);
        fc->stride = 64;
        fc->slab_size = m;
        fc->obj_size = 64;
        fc->recip = static_cast<uint32_t>(((uint64_t(1) << 32) + 63) / 64);
        fc->recip_nolock = fc->recip;
        fc->cap_slave = 1;
        fc->cap_master = 1;
        fc->headroom = 0; // one object live: the peak, 1
        fc->in_use_peak = 1;
        fc->slabs = 2;
        fc->slabs_peak = 2;
        fc->full = 1;
        fc->hooks = slab::detail::hook_counts{2, 0, 0};
        fc->on_error = fake_on_error;
        fc->error_ctx = g_canary + 192;
        fc->hot = nullptr;
        fc->source = nullptr;
        fc->wait = nullptr;
        fc->waiters = 0;
        fc->handles = 1;
        fc->lock_offset = static_cast<uint16_t>(sizeof(slab_cache));
        fc->lock_kind = SLAB_LOCK_KIND_NONE;
        fc->cxx_owned = 0;
        fc->wide = 0;
        fc->pinned = 0;
        return fc;
    }

    // One forgery at A (for slab size m), every free that can read it, and
    // the checks. `writable`: A lies in object bytes (else it is the big
    // slab's own metadata, which the attacker cannot write: only the frees).
    void attack(char *A, size_t m, Names names, uintptr_t assumed, bool writable)
    {
        attempts++;
        const int mi = index_of(m);
        slab_cache *named = names == Names::kFakeBlock ? nullptr : names == Names::kSmallCache ? small[mi] : big;
        size_t named_stride = named == nullptr ? 64 : codes::Codes::stats_of(named).slot_size;
        // p: slot 1 of the fake slab in the named cache's geometry, if it
        // falls in [A, A + m); else the last word of the block.
        char *p = named_stride < m ? A + m - named_stride : A + m - sizeof(void *);
        std::string what = "A = big + " + std::to_string(A - B) + ", m = " + std::to_string(m) + ", names " +
                           std::to_string(int(names)) + ", secret assumed " +
                           (assumed == 0 ? "0" : "guessed") + (writable ? "" : " (not writable)");
        SCOPED_TRACE(what);

        std::vector<unsigned char> saved(A, A + kFakeLen);
        slab_cache *fc = nullptr;
        if (writable) {
            fc = forge(A, m, named, assumed);
            // The control: knowing the secret, this fake passes the header
            // checks of a slab of size m (page_valid; page_byte_map, the
            // inline free's one compare, for a byte map) and, when it names
            // the fake block, the handle check of a control block
            // (cache_genuine). Only reads: nothing is freed through it.
            const auto *h = reinterpret_cast<const slab_page *>(A);
            slab_secret = assumed;
            bool valid = slab::detail::page_valid(h, m);
            bool byte_map = slab::detail::page_byte_map(h, h->cache, m);
            bool genuine = names == Names::kFakeBlock && slab::detail::cache_genuine(fc);
            slab_secret = secret;
            EXPECT_TRUE(valid) << "the forgery is incomplete: the test would not catch a leak";
            EXPECT_EQ(byte_map, named == nullptr || !named->wide);
            EXPECT_EQ(genuine, names == Names::kFakeBlock) << "the fake control block is incomplete";
            EXPECT_FALSE(slab::detail::page_valid(h, m));
            EXPECT_FALSE(slab::detail::page_byte_map(h, h->cache, m));
            if (names == Names::kFakeBlock) {
                EXPECT_FALSE(slab::detail::cache_genuine(fc));
            }
        }
        std::vector<unsigned char> canary(g_canary, g_canary + sizeof g_canary);
        std::vector<slab_stats> before = all_stats();
        Snapshot snap; // every live page, the fake block included

        slab_status want_default = p - B < 4096 ? SLAB_ESLABSIZEFREE : SLAB_EBADPTR;
        EXPECT_EQ(slab_free(p), want_default) << "slab_free";
        for (int i = 0; i <= kSmalls; i++) {
            EXPECT_TRUE(reports[i].empty()) << "slab_free reported to a cache";
            reports[i].clear();
        }
        for (int i = 0; i < kSmalls; i++) {
            slab_status got = slab_cache_free(small[i], p);
            EXPECT_EQ(got, SLAB_EBADPTR) << "slab_cache_free(" << kSmallSizes[i] << " B cache): " << codes::str(got);
            codes::Codes::expect_report_in(reports[i], small[i], SLAB_EBADPTR, p, "slab_cache_free");
        }
        if (fc != nullptr && names == Names::kFakeBlock) {
            // The fake control block as a cache handle: read-only calls
            // first, and none after the first one that accepts it.
            slab_stats out{};
            std::pair<const char *, std::function<slab_status()>> calls[] = {
                {"slab_cache_check", [&] { return slab_cache_check(fc); }},
                {"slab_cache_validate", [&] { return slab_cache_validate(fc); }},
                {"slab_cache_stats", [&] { return slab_cache_stats(fc, &out); }},
                {"slab_cache_reset_peak", [&] { return slab_cache_reset_peak(fc); }},
                {"slab_cache_set_error_handler", [&] { return slab_cache_set_error_handler(fc, fake_on_error, nullptr); }},
                {"slab_cache_free", [&] { return slab_cache_free(fc, p); }},
                {"slab_cache_destroy", [&] { return slab_cache_destroy(fc); }},
            };
            // A fake whose control block and master header agree on the
            // secret the forger assumed reads as a cache made under another
            // secret: SLAB_ESECRET, as refused as SLAB_EBADPTR (slab/hooks.h).
            slab_status want = assumed != secret ? SLAB_ESECRET : SLAB_EBADPTR;
            for (auto &call : calls) {
                slab_status got = call.second();
                ASSERT_TRUE(got == SLAB_EBADPTR || got == want)
                    << call.first << " on the fake control block: " << codes::str(got);
            }
        }
        for (int i = 0; i <= kSmalls; i++) {
            EXPECT_TRUE(reports[i].empty()) << "an extra report";
            reports[i].clear();
        }
        snap.expect_same("forged free");
        EXPECT_TRUE(std::equal(canary.begin(), canary.end(), g_canary)) << "written through a forged link";
        EXPECT_EQ(g_fake_hook_calls, 0) << "the forged report hook was called";
        std::vector<slab_stats> after = all_stats();
        for (size_t i = 0; i < after.size(); i++) {
            codes::expect_stats_eq(after[i], before[i], "forged free");
        }
        if (writable) {
            std::memcpy(A, saved.data(), saved.size());
        }
    }

    static int index_of(size_t m)
    {
        for (int i = 0; i < kSmalls; i++) {
            if (kSmallSizes[i] == m) {
                return i;
            }
        }
        return -1;
    }
};

TEST_P(Forgery, FakeHeaderAtEveryMaskInsideABigSlabIsRefused)
{
    ASSERT_FALSE(HasFatalFailure());
    uint64_t forged = 0;
    for (size_t m : kSmallSizes) {
        for (size_t off = m; off < kBig; off += m) {
            char *A = B + off;
            bool writable = A >= lowest;
            for (Names names : {Names::kFakeBlock, Names::kSmallCache, Names::kBigCache}) {
                for (uintptr_t assumed : {uintptr_t(0), guess}) {
                    attack(A, m, names, assumed, writable);
                    forged += writable ? 1 : 0;
                    if (HasFailure()) {
                        return; // the first broken promise says enough
                    }
                }
            }
        }
        EXPECT_EQ(slab_cache_validate(big), SLAB_OK);
    }
    // Every landing address of every mask: 255 + 127 + ... + 1 = 502, times
    // three names and two assumed secrets.
    EXPECT_EQ(attempts, 502u * 6u);
    EXPECT_GE(forged, 470u * 6u) << "most landing addresses lie in object bytes";
    for (void *p : big_live) {
        for (size_t i = 0; i < GetParam(); i++) {
            ASSERT_EQ(static_cast<unsigned char *>(p)[i], 0x77) << "object bytes not restored";
        }
    }
}

// slab_secret was seeded: the genuine headers validate, the caches work.
TEST_P(Forgery, SeededSecretKeepsGenuineCachesWorking)
{
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_NE(slab_secret, uintptr_t(0));
    EXPECT_TRUE(slab::detail::page_valid(reinterpret_cast<slab_page *>(B), kBig));
    void *p = big_live.back();
    EXPECT_EQ(slab_cache_free(big, p), SLAB_OK);
    big_live.pop_back();
    void *q = slab_alloc(big);
    EXPECT_EQ(q, p);
    big_live.push_back(q);
    for (int i = 0; i < kSmalls; i++) {
        void *o = slab_alloc(small[i]);
        ASSERT_NE(o, nullptr);
        EXPECT_EQ(slab_cache_free(small[i], o), SLAB_OK);
    }
}

INSTANTIATE_TEST_SUITE_P(Objects, Forgery, ::testing::Values(size_t(200), size_t(4096)),
                         [](const ::testing::TestParamInfo<size_t> &info) {
                             return "Obj" + std::to_string(info.param);
                         });

}  // namespace
