// The default build's misuse promises (issue 11, "What the default build must
// do"; slab.h): every misuse below is refused with its own status, reported
// once through the cache's report hook (when a cache can be named), and
// leaves everything as it was: every counter, every byte of every slab (the
// Snapshot in codes.hpp), validate OK, nothing handed out twice, every page
// back at teardown. Built into both fault_test variants: the refusals are
// always on, so every test here runs against the normal and the checked
// library alike.
//
// Addresses of headers, maps, control blocks and slots are computed from the
// layout in include/slab/detail/slab_page.hpp: a slab's base is p & ~(S - 1),
// its header (slab_page) at the base, map entry k at base + H - 1 + k * w,
// slot k at base + S - k * stride; the master holds the control block (the
// cache handle) and the lock after its map.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sys/wait.h>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "codes.hpp"
#include "slab/lock.hpp"

namespace {

using codes::at;
using codes::Codes;
using codes::kObj;
using slab::detail::slab_page;

using Misuse = Codes;

// ---------------------------------------------------------------- double free

TEST_F(Misuse, DoubleFreeRightAfterTheFreeIsRefused)
{
    void *x = alloc();
    void *y = alloc(); // keeps the slab in use
    ASSERT_EQ(slab_free(x), SLAB_OK);
    release(x);
    expect_refused_both(SLAB_EDOUBLEFREE, x);
    // The same after a free through slab_cache_free.
    void *z = alloc();
    ASSERT_EQ(z, x) << "LIFO: the slot just freed comes first";
    free_ok(z);
    expect_refused_both(SLAB_EDOUBLEFREE, z);
    ASSERT_NE(y, nullptr);
    expect_still_works();
}

TEST_F(Misuse, DoubleFreeAfterAnotherFreeIsRefused)
{
    void *a = alloc();
    void *b = alloc();
    void *c = alloc(); // keeps the slab in use
    free_ok(a);
    free_ok(b);
    expect_refused_both(SLAB_EDOUBLEFREE, a); // A, B, A
    expect_refused_both(SLAB_EDOUBLEFREE, b); // and B again
    // The free list is still b -> a: two allocations give both back, once.
    void *p = alloc();
    void *q = alloc();
    EXPECT_EQ(p, b);
    EXPECT_EQ(q, a);
    ASSERT_NE(c, nullptr);
    expect_still_works();
}

TEST_F(Misuse, DoubleFreeInTheActiveSlabAndInAnotherIsRefused)
{
    ASSERT_NO_FATAL_FAILURE(fill_master());
    void *m = live.front();
    void *s1 = alloc();
    void *s2 = alloc(); // keeps the slave in use
    ASSERT_NE(base(s1), master());
    ASSERT_EQ(base(s1), base(s2));
    free_ok(s1);
    ASSERT_EQ(partial_head(), base(s1)) << "the slave is the active slab (head of the partial list)";
    expect_refused_both(SLAB_EDOUBLEFREE, s1);
    free_ok(m); // into the full master
    if (!SLAB_CHECKS) {
        // Parked (a cache with no lock: struct slab_cache, hot): the master stays full.
        ASSERT_EQ(cache->hot, m) << "the master's object is parked";
        ASSERT_EQ(partial_head(), base(s1));
        expect_refused_both(SLAB_EDOUBLEFREE, s1); // the head
        expect_refused_both(SLAB_EDOUBLEFREE, m);  // the parked object
        free_ok(live[1]); // another of the master's: the parked one goes back first
        ASSERT_EQ(cache->hot, nullptr);
    }
    ASSERT_EQ(partial_head(), master()) << "the master gets a free slot: it is the active slab now";
    expect_refused_both(SLAB_EDOUBLEFREE, s1); // a slab that is not the head
    expect_refused_both(SLAB_EDOUBLEFREE, m);  // the head
    expect_still_works();
}

TEST_F(Misuse, DoubleFreeAfterTheSlabEmptiedIsRefused)
{
    // The master: every object freed (it stays, pinned), then a double free.
    void *a = alloc();
    void *b = alloc();
    void *c = alloc();
    free_ok(a);
    free_ok(b);
    free_ok(c);
    ASSERT_EQ(stats().objs_in_use, 0u);
    expect_refused_both(SLAB_EDOUBLEFREE, a);
    expect_refused_both(SLAB_EDOUBLEFREE, c);
    // A slave: every object freed, so it becomes the cache's spare (still a
    // page of the cache, its header genuine), then a double free.
    ASSERT_NO_FATAL_FAILURE(fill_master());
    void *s[3] = {alloc(), alloc(), alloc()};
    ASSERT_NE(base(s[0]), master());
    ASSERT_EQ(stats().slabs_in_use, 2u);
    for (void *p : s) {
        free_ok(p);
    }
    ASSERT_EQ(stats().slabs_in_use, 2u) << "the empty slave is kept as the spare";
    ASSERT_EQ(cache->spare, header(s[0]));
    for (void *p : s) {
        expect_refused_both(SLAB_EDOUBLEFREE, p);
    }
    expect_still_works();
}

TEST_F(Misuse, RefusedDoubleFreeNeverWrapsTheObjectCount)
{
    void *x = alloc();
    void *y = alloc();
    std::memset(y, 0xA5, kObj);
    free_ok(x);
    expect_refused_both(SLAB_EDOUBLEFREE, x);
    EXPECT_EQ(stats().objs_in_use, 1u);
    // y lives: destroy must refuse and change nothing.
    slab_stats before = stats();
    codes::Snapshot snap;
    EXPECT_EQ(slab_cache_destroy(cache), SLAB_EBUSY);
    codes::expect_stats_eq(stats(), before, "destroy");
    snap.expect_same("destroy");
    EXPECT_TRUE(reports.empty());
    ASSERT_TRUE(fault::in_live_page(y, kObj, S())) << "y's page was given back";
    for (size_t i = 0; i < kObj; i++) {
        ASSERT_EQ(static_cast<unsigned char *>(y)[i], 0xA5) << "y overwritten at byte " << i;
    }
    // y is still a live object: freed once, refused the second time.
    EXPECT_EQ(slab_free(y), SLAB_OK);
    release(y);
    EXPECT_EQ(stats().objs_in_use, 0u);
    expect_refused_both(SLAB_EDOUBLEFREE, y);
    EXPECT_EQ(stats().objs_in_use, 0u);
    expect_still_works();
}

// ---------------------------------------------------------------- interior pointers

TEST_F(Misuse, InteriorPointerIsRefused)
{
    void *x = alloc(); // live
    void *z = alloc();
    free_ok(z); // free
    void *fresh = slot(master(), header(master())->handed + 1); // never handed out
    auto refuse_interior = [&](void *p) {
        for (size_t off : {size_t(1), size_t(8), stride() - 1}) {
            SCOPED_TRACE("slot " + std::to_string(slot_no(p)) + " + " + std::to_string(off));
            expect_refused_both(SLAB_ENOTSLOT, at(p, off));
        }
    };
    for (void *p : {x, z, fresh}) {
        refuse_interior(p);
    }
    ASSERT_NO_FATAL_FAILURE(fill_master());
    void *s = alloc(); // live, in a slave
    ASSERT_NE(base(s), master());
    refuse_interior(s);
    expect_still_works();
}

// ---------------------------------------------------------------- the slab's own bytes

TEST_F(Misuse, PointerIntoHeaderMapControlBlockLockOrPaddingIsRefused)
{
    const size_t H = sizeof(slab_page);
    ASSERT_EQ(H, 4 * sizeof(void *) + 8);
    alloc();
    char *m = master();
    char *cb = reinterpret_cast<char *>(cache);
    ASSERT_EQ(base(cb), m) << "the control block lives in the master";
    char *lock = cb + cache->lock_offset;
    char *lock_end = lock + sizeof(slab::NoLock);
    char *lowest = slot(m, st.objs_in_master);
    ASSERT_LT(lock_end, lowest) << "this geometry leaves padding below the lowest slot";
    const uint32_t n = st.objs_in_master;
    struct Target {
        const char *what;
        char *p;
    };
    const Target master_targets[] = {
        {"master header, first byte", m},
        {"master header, word 1", m + sizeof(void *)},
        {"master header, magic", m + 2 * sizeof(void *)},
        {"master header, last byte", m + H - 1},
        {"master map[1]", m + H},
        {"master map, middle", m + H - 1 + n / 2},
        {"master map[n]", m + H - 1 + n},
        {"control block (the cache handle)", cb},
        {"control block, word 1", cb + sizeof(void *)},
        {"control block, last byte", cb + sizeof(slab_cache) - 1},
        {"lock", lock},
        {"padding, first byte", lock_end},
        {"padding, last byte", lowest - 1},
        {"grid slot n + 1 (below the lowest slot)", lowest - stride()},
    };
    for (const Target &t : master_targets) {
        SCOPED_TRACE(t.what);
        expect_refused_both(SLAB_EHEADER, t.p);
    }
    ASSERT_NO_FATAL_FAILURE(fill_master());
    char *s = base(alloc());
    ASSERT_NE(s, m);
    const uint32_t ns = st.objs_per_slab;
    char *slave_lowest = slot(s, ns);
    ASSERT_LT(s + H + ns, slave_lowest) << "this geometry leaves padding below a slave's lowest slot";
    const Target slave_targets[] = {
        {"slave header, first byte", s},
        {"slave header, magic", s + 2 * sizeof(void *)},
        {"slave header, last byte", s + H - 1},
        {"slave map[1]", s + H},
        {"slave map[n]", s + H - 1 + ns},
        {"slave padding, first byte", s + H + ns},
        {"slave padding, last byte", slave_lowest - 1},
    };
    for (const Target &t : slave_targets) {
        SCOPED_TRACE(t.what);
        expect_refused_both(SLAB_EHEADER, t.p);
    }
    expect_still_works();
}

// ---------------------------------------------------------------- never handed out

TEST_F(Misuse, SlotNeverHandedOutIsRefused)
{
    void *x = alloc();
    void *y = alloc();
    ASSERT_EQ(header(master())->handed, 2u);
    ASSERT_EQ(slot_no(x), 1u);
    ASSERT_EQ(slot_no(y), 2u);
    void *next_fresh = slot(master(), 3); // the next one below the lowest handed slot
    ASSERT_EQ(static_cast<char *>(y) - stride(), next_fresh);
    expect_refused_both(SLAB_ENEVERALLOC, next_fresh);
    expect_refused_both(SLAB_ENEVERALLOC, slot(master(), st.objs_in_master)); // the lowest slot
    free_ok(y); // handed stays 2: slot 3 is still fresh, y is free
    expect_refused_both(SLAB_ENEVERALLOC, next_fresh);
    expect_refused_both(SLAB_EDOUBLEFREE, y);
    ASSERT_NO_FATAL_FAILURE(fill_master());
    char *s = base(alloc());
    ASSERT_EQ(header(s)->handed, 1u);
    expect_refused_both(SLAB_ENEVERALLOC, slot(s, 2));
    expect_refused_both(SLAB_ENEVERALLOC, slot(s, st.objs_per_slab));
    expect_still_works();
}

// ---------------------------------------------------------------- wrong cache

TEST_F(Misuse, ObjectOfAnotherCacheOfTheSameSlabSizeIsRefused)
{
    Other *o = make_other(kObj, 0);
    ASSERT_NE(o, nullptr);
    void *q = alloc_in(o);
    void *q_freed = alloc_in(o);
    ASSERT_EQ(slab_cache_free(o->cache, q_freed), SLAB_OK);
    o->live.pop_back();
    void *p = alloc();
    for (void *x : {q, q_freed}) {
        expect_refused(SLAB_EWRONGCACHE, x, "slab_cache_free(cache, o's object)",
                       [&] { return slab_cache_free(cache, x); });
    }
    // The reverse: reported to the cache named (o), not to the owner.
    expect_refused_to(o->cache, SLAB_EWRONGCACHE, p, "slab_cache_free(o, cache's object)",
                      [&] { return slab_cache_free(o->cache, p); });
    expect_still_works();
}

// A 64 KiB-slab cache named with an object of a 4 KiB slab. The 4 KiB page
// comes from the guarded provider: the 64 KiB-aligned address its object
// masks to is PROT_NONE, so reading there (outside p's slab) crashes.
// Promised status: SLAB_EWRONGCACHE (the genuine 4 KiB header at p's 4 KiB
// mask names another cache), reported to the cache named.
TEST_F(Misuse, LargerSlabCacheNamedWithAnObjectOfASmallerSlabIsRefused)
{
    fault::set_guarded(true);
    Other *small = make_other(kObj, 0);
    fault::set_guarded(false);
    ASSERT_NE(small, nullptr);
    void *p = alloc_in(small);
    ASSERT_NE(p, nullptr);
    const char *guard =
        reinterpret_cast<const char *>(reinterpret_cast<uintptr_t>(p) & ~uintptr_t(65536 - 1));
    ASSERT_NE(guard, base(p));
    // The guard is in place: a read there dies. (Not under valgrind, where
    // the read in the child would be one more error report; the value read
    // is stored, since valgrind drops a load whose value is unused.)
    if (!codes::under_valgrind()) {
        EXPECT_DEATH(
            {
                volatile char sink = *static_cast<const volatile char *>(guard);
                (void)sink;
            },
            "")
            << "the guard is not in place";
    }
    Other *big = make_other(kObj, 65536);
    ASSERT_NE(big, nullptr);
    alloc_in(big);
    // A 32 KiB cache too: it reads the 4 KiB, 8 KiB and 16 KiB masks first
    // and stops at p's genuine 4 KiB header.
    Other *mid = make_other(kObj, 32768);
    ASSERT_NE(mid, nullptr);
    for (Other *named : {big, mid}) {
        std::string what = "slab_cache_free(" + std::to_string(stats_of(named->cache).slab_size) +
                           " B slab cache, object of a 4 KiB slab)";
        // First in a child process, so that a read of the guard is a failure
        // of this test that says so rather than a crash of the binary. (Any
        // exit counts: under valgrind --error-exitcode the child's code is
        // valgrind's.)
        EXPECT_EXIT(
            {
                (void)slab_cache_free(named->cache, p);
                std::_Exit(0);
            },
            [](int status) { return WIFEXITED(status); }, "")
            << what << " read outside the object's slab (the guard faulted)";
        if (HasFailure()) {
            return;
        }
        expect_refused_to(named->cache, SLAB_EWRONGCACHE, p, what.c_str(),
                          [&] { return slab_cache_free(named->cache, p); });
    }
    expect_still_works();
}

// The reverse: an object of a 64 KiB slab named with smaller-slab caches and
// freed by slab_free (default-size mask). The masks land inside the big slab:
// on its genuine header (of another size) or on object bytes.
// Promised statuses: slab_cache_free(4 KiB or 256 B cache, p) SLAB_EBADPTR (no
// genuine header of that size at p's mask), reported to the cache named;
// slab_free(p) SLAB_ESLABSIZEFREE when p lies in the slab's first 4 KiB (the
// genuine 64 KiB header is there), else SLAB_EBADPTR; reported nowhere.
TEST_F(Misuse, SmallerSlabCacheNamedWithAnObjectOfALargerSlabIsRefused)
{
    Other *big = make_other(kObj, 65536);
    ASSERT_NE(big, nullptr);
    slab_stats bs = stats_of(big->cache);
    for (uint32_t i = 0; i < bs.objs_in_master; i++) {
        ASSERT_NE(alloc_in(big), nullptr);
    }
    char *bbase = reinterpret_cast<char *>(reinterpret_cast<uintptr_t>(big->live[0]) & ~uintptr_t(65536 - 1));
    void *low = big->live.back(); // the master's lowest slot
    void *high = big->live.front();
    ASSERT_LT(static_cast<char *>(low) - bbase, 4096) << "an object in the big slab's first 4 KiB";
    ASSERT_GE(static_cast<char *>(high) - bbase, 4096);
    Other *tiny = make_other(kObj, 256);
    ASSERT_NE(tiny, nullptr);
    for (void *p : {low, high}) {
        expect_refused(SLAB_EBADPTR, p, "slab_cache_free(4 KiB cache, 64 KiB object)",
                       [&] { return slab_cache_free(cache, p); });
        expect_refused_to(tiny->cache, SLAB_EBADPTR, p, "slab_cache_free(256 B cache, 64 KiB object)",
                          [&] { return slab_cache_free(tiny->cache, p); });
    }
    expect_refused_to(nullptr, SLAB_ESLABSIZEFREE, low, "slab_free(64 KiB object, first 4 KiB)",
                      [&] { return slab_free(low); });
    expect_refused_to(nullptr, SLAB_EBADPTR, high, "slab_free(64 KiB object, above 4 KiB)",
                      [&] { return slab_free(high); });
    // And a 4 KiB object named with the 256 B cache: its 256 B mask is object
    // bytes of the 4 KiB slab, no header: SLAB_EBADPTR.
    void *p = alloc();
    expect_refused_to(tiny->cache, SLAB_EBADPTR, p, "slab_cache_free(256 B cache, 4 KiB object)",
                      [&] { return slab_cache_free(tiny->cache, p); });
    expect_still_works();
}

// ---------------------------------------------------------------- use-after-free writes

// What a use after free writes into every word of freed slots.
enum class Write {
    kOutside,     // an address outside every slab
    kLiveSlot,    // the address of a live slot of the same slab
    kOwnAddress,  // the slot's own address
    kNull,
    kAllOnes,
    kEncodedLink, // (live slot, ~live slot) pairs: a link and its check copy of the old design
    kFreshSlot,   // a slot never handed out
    kHandle,      // the cache handle (control block)
    kMapBytes,    // every byte the number of a live slot, as a map entry would be
    kLiveBytes,   // every byte 0xFF, the map's "live" mark
};

struct UseAfterFree : Codes, ::testing::WithParamInterface<Write> {};

TEST_P(UseAfterFree, WritesIntoFreedSlotsNeverSteerAlloc)
{
    // A full master with two freed slots, and a slave a -> b -> c (free) with
    // d live and the rest fresh.
    ASSERT_NO_FATAL_FAILURE(fill_master());
    void *m1 = live[3];
    void *m2 = live[10];
    void *m_live = live[5];
    void *a = alloc();
    void *b = alloc();
    void *c = alloc();
    void *d = alloc();
    ASSERT_EQ(base(a), base(d));
    ASSERT_NE(base(a), master());
    for (void *p : {c, b, a, m2, m1}) {
        free_ok(p);
    }
    static char outside[64];
    const std::vector<void *> freed = {a, b, c, m1, m2};
    for (void *f : freed) {
        void *live_same = base(f) == master() ? m_live : d;
        uintptr_t word = 0;
        switch (GetParam()) {
        case Write::kOutside: word = reinterpret_cast<uintptr_t>(outside); break;
        case Write::kLiveSlot: word = reinterpret_cast<uintptr_t>(live_same); break;
        case Write::kOwnAddress: word = reinterpret_cast<uintptr_t>(f); break;
        case Write::kNull: word = 0; break;
        case Write::kAllOnes: word = ~uintptr_t(0); break;
        case Write::kEncodedLink: word = reinterpret_cast<uintptr_t>(live_same); break;
        case Write::kFreshSlot: word = reinterpret_cast<uintptr_t>(slot(d, slot_no(d) + 1)); break;
        case Write::kHandle: word = reinterpret_cast<uintptr_t>(cache); break;
        case Write::kMapBytes: std::memset(f, int(slot_no(live_same)), stride()); continue;
        case Write::kLiveBytes: std::memset(f, 0xFF, stride()); continue;
        }
        auto *w = static_cast<uintptr_t *>(f);
        for (size_t i = 0; i < stride() / sizeof(uintptr_t); i++) {
            w[i] = GetParam() == Write::kEncodedLink && i % 2 == 1 ? ~word : word;
        }
    }
    // Nothing the allocator reads was written. Checked mode's validate sees
    // the poison broken; the normal build's has nothing to see.
    valid = checked() ? SLAB_ECORRUPT : SLAB_OK;
    EXPECT_EQ(slab_cache_validate(cache), valid);
    // A double free of each written slot is still refused, nothing changed.
    for (void *f : freed) {
        expect_refused_both(SLAB_EDOUBLEFREE, f);
    }
    // The written slots are due first (the master's, then the slave's); go
    // on past a slab's worth, so that fresh slots and a new slab follow.
    std::set<void *> held(live.begin(), live.end());
    const size_t n = freed.size() + st.objs_per_slab + 2;
    for (size_t i = 0; i < n; i++) {
        void *p = slab_alloc(cache);
        ASSERT_NE(p, nullptr) << "allocation " << i;
        live.push_back(p);
        ASSERT_TRUE(held.insert(p).second) << "allocation " << i << ": " << p << " handed out twice";
        ASSERT_TRUE(fault::in_live_page(p, stride(), S())) << "allocation " << i << ": " << p;
        uint32_t k = slot_no(p);
        ASSERT_TRUE(k >= 1 && k <= cap(p)) << "allocation " << i << ": " << p << " is not a slot of its slab";
        EXPECT_EQ(stats().objs_in_use, live.size()) << "after allocation " << i;
    }
    for (void *f : freed) {
        EXPECT_EQ(held.count(f), 1u) << f << " lost";
    }
    // Checked mode reports each written slot once, when it is handed out again.
    std::vector<codes::Report> got;
    got.swap(reports);
    if (checked()) {
        ASSERT_EQ(got.size(), freed.size());
        for (size_t i = 0; i < got.size(); i++) {
            EXPECT_EQ(got[i].code, SLAB_EPOISON) << codes::str(got[i].code);
            EXPECT_EQ(got[i].cache, cache);
            EXPECT_EQ(std::count(freed.begin(), freed.end(), got[i].ptr), 1) << got[i].ptr;
        }
    } else {
        EXPECT_TRUE(got.empty()) << "the normal build reported " << codes::str(got[0].code);
    }
    valid = SLAB_OK;
    EXPECT_EQ(slab_cache_validate(cache), SLAB_OK);
    // The written slot, live again: one free, and a second one refused.
    free_ok(a);
    expect_refused_both(SLAB_EDOUBLEFREE, a);
    expect_still_works();
}

std::string write_name(const ::testing::TestParamInfo<Write> &info)
{
    static const char *const names[] = {"Outside",   "LiveSlot",  "OwnAddress", "Null",     "AllOnes",
                                        "EncodedLink", "FreshSlot", "Handle",     "MapBytes", "LiveBytes"};
    return names[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(Misuse, UseAfterFree,
                         ::testing::Values(Write::kOutside, Write::kLiveSlot, Write::kOwnAddress, Write::kNull,
                                           Write::kAllOnes, Write::kEncodedLink, Write::kFreshSlot, Write::kHandle,
                                           Write::kMapBytes, Write::kLiveBytes),
                         write_name);

// ---------------------------------------------------------------- a page hook that repeats a live page

// The growth's hook call returns a page the provider handed out before and
// that is still a live slab (fault_pages: kDuplicate). The alloc returns NULL
// with SLAB_EHOOKDUP, hook_failures counts it, nothing else changes (not a
// byte of any page but that counter's, in the control block: the repeated
// slab is neither initialised nor given back),
// nothing is reported, and the next growth works.
struct HookDup : Codes {
    void expect_dup_refused(const char *what)
    {
        slab_stats before = stats();
        long pages = fault::live_pages();
        codes::Snapshot snap;
        snap.allow(&cache->hooks.failures, sizeof cache->hooks.failures); // hook_failures lives in the master
        fault::reset(fault::Plan{fault::Kind::kDuplicate, 1, false});
        slab_status s = SLAB_OK;
        void *p = slab_alloc_status(cache, &s);
        EXPECT_EQ(fault::faults(), 1u) << what << ": the provider did not repeat a page";
        EXPECT_EQ(p, nullptr) << what;
        EXPECT_EQ(s, SLAB_EHOOKDUP) << what << ": " << codes::str(s);
        before.hook_failures++;
        codes::expect_stats_eq(stats(), before, what);
        snap.expect_same(what);
        EXPECT_EQ(fault::live_pages(), pages) << what;
        EXPECT_TRUE(reports.empty()) << what;
        EXPECT_EQ(slab_cache_validate(cache), SLAB_OK) << what;
        for (Other *o : others) {
            EXPECT_EQ(slab_cache_validate(o->cache), SLAB_OK) << what;
        }
        fault::reset(fault::Plan{});
    }
};

TEST_F(HookDup, RepeatedMasterIsNotUsed)
{
    ASSERT_NO_FATAL_FAILURE(fill_master()); // the master is the latest live page
    expect_dup_refused("repeated master");
    expect_still_works();
}

TEST_F(HookDup, RepeatedSlaveIsNotUsed)
{
    ASSERT_NO_FATAL_FAILURE(fill_master());
    for (uint32_t i = 0; i < st.objs_per_slab; i++) {
        ASSERT_NE(alloc(), nullptr);
    }
    ASSERT_EQ(partial_head(), nullptr) << "master and slave full";
    expect_dup_refused("repeated slave"); // the slave is the latest live page
    expect_still_works();
}

TEST_F(HookDup, RepeatedPageOfAnotherCacheIsNotUsed)
{
    ASSERT_NO_FATAL_FAILURE(fill_master());
    Other *o = make_other(kObj, 0); // its master is the latest live page
    ASSERT_NE(o, nullptr);
    void *q = alloc_in(o);
    std::memset(q, 0x3C, kObj);
    expect_dup_refused("another cache's master");
    for (size_t i = 0; i < kObj; i++) {
        ASSERT_EQ(static_cast<unsigned char *>(q)[i], 0x3C);
    }
    expect_still_works();
}

TEST_F(HookDup, EveryGrowthRepeatingALivePageIsRefusedEachTime)
{
    ASSERT_NO_FATAL_FAILURE(fill_master());
    slab_stats before = stats();
    fault::reset(fault::Plan{fault::Kind::kDuplicate, 1, true});
    for (int i = 0; i < 3; i++) {
        slab_status s = SLAB_OK;
        EXPECT_EQ(slab_alloc_status(cache, &s), nullptr);
        EXPECT_EQ(s, SLAB_EHOOKDUP);
    }
    EXPECT_EQ(fault::faults(), 3u);
    fault::reset(fault::Plan{});
    before.hook_failures += 3;
    codes::expect_stats_eq(stats(), before, "three repeated pages");
    EXPECT_TRUE(reports.empty());
    expect_still_works();
}

TEST_F(HookDup, CreateOnARepeatedPageFails)
{
    alloc();
    slab_stats before = stats();
    long pages = fault::live_pages();
    codes::Snapshot snap;
    fault::reset(fault::Plan{fault::Kind::kDuplicate, 1, false});
    slab_cache *c2 = nullptr;
    EXPECT_EQ(slab_cache_create(&c2, kObj, 0, 0, 0), SLAB_EHOOKDUP);
    EXPECT_EQ(fault::faults(), 1u);
    fault::reset(fault::Plan{});
    EXPECT_EQ(c2, nullptr) << "*out written on a failed create";
    codes::expect_stats_eq(stats(), before, "create on a repeated page");
    snap.expect_same("create on a repeated page");
    EXPECT_EQ(fault::live_pages(), pages);
    EXPECT_TRUE(reports.empty());
    expect_still_works();
}

}  // namespace

// ---------------------------------------------------------------- every address of a slab

// Every pointer into a slab that is not a live slot's start is refused, with
// the code its place says, reported, nothing changed. For slabs of up to
// 4 KiB every byte address of the master and of a slave; for larger slabs
// every byte below the lowest slot and three addresses per slot (start, +1,
// last byte). The slabs hold live, freed and never-used slots: the master
// full with every third object freed, a slave half handed out, every third
// freed. Object sizes cover byte maps (one entry per k up to S / stride in
// the fast path's byte map), two-byte maps (objects of 8 and 16 bytes in
// 4 KiB, 64 KiB slabs) and the largest slots.
// Dirty: every page arrives with all its bits set (memory is handed over
// holding whatever its last user left): a map entry the core has not written
// then reads as "live" (0xFF, 0xFFFF), so only the core's own bounds keep a
// never-used slot from passing for a live one.
struct Geometry {
    size_t obj;
    size_t align;
    size_t slab; // 0: default
    bool dirty;
};

void fill_ones(void *page, size_t size) { std::memset(page, 0xFF, size); }

struct EveryAddress : Codes, ::testing::WithParamInterface<Geometry> {
    void SetUp() override
    {
        obj = GetParam().obj;
        align = GetParam().align;
        slab = GetParam().slab;
        if (GetParam().dirty) {
            fault::set_prefill(fill_ones); // until TearDown
        }
        Codes::SetUp();
    }
};

TEST_P(EveryAddress, EveryPointerThatIsNotALiveSlotIsRefused)
{
    ASSERT_NO_FATAL_FAILURE(fill_master());
    const uint32_t half = st.objs_per_slab > 1 ? st.objs_per_slab / 2 : 1;
    for (uint32_t i = 0; i < half; i++) {
        ASSERT_NE(alloc(), nullptr);
    }
    char *sl = base(live.back());
    ASSERT_NE(sl, master());
    ASSERT_EQ(header(master())->handed, st.objs_in_master);
    ASSERT_EQ(header(sl)->handed, half);
    std::set<void *> freed;
    const std::vector<void *> all(live.begin(), live.end());
    for (size_t i = 0; i < all.size(); i += 3) {
        if (base(all[i]) == sl && header(sl)->avail + 1u == header(sl)->cap) {
            continue; // keep the slave in use (it would become the spare)
        }
        free_ok(all[i]);
        freed.insert(all[i]);
    }
    const bool default_size = S() == SLAB_DEFAULT_SLAB_SIZE;
    const bool sample = codes::under_valgrind();
    slab_stats before = stats();
    codes::Snapshot snap;
    uint64_t calls = 0;
    auto expect = [&](char *p, slab_status code) {
        std::string where = "slab " + std::string(base(p) == master() ? "master" : "slave") + " + " +
                            std::to_string(p - base(p)) + ": " + codes::str(code);
        if (default_size) {
            slab_status got = slab_free(p);
            EXPECT_EQ(got, code) << "slab_free, " << where << ", got " << codes::str(got);
            expect_report(code, p, where.c_str());
        }
        slab_status got = slab_cache_free(cache, p);
        EXPECT_EQ(got, code) << "slab_cache_free, " << where << ", got " << codes::str(got);
        expect_report(code, p, where.c_str());
        if (!sample || ++calls % 64 == 0) {
            snap.expect_same(where.c_str());
        }
    };
    for (char *b : {master(), sl}) {
        const uint32_t n = cap(b);
        const uint32_t handed = header(b)->handed;
        char *lowest = slot(b, n);
        std::vector<char *> ps;
        if (S() <= 4096) {
            for (size_t off = 0; off < S(); off++) {
                ps.push_back(b + off);
            }
        } else {
            for (char *p = b; p < lowest; p++) {
                ps.push_back(p);
            }
            for (uint32_t k = 1; k <= n; k++) {
                for (size_t d : {size_t(0), size_t(1), stride() - 1}) {
                    ps.push_back(slot(b, k) + d);
                }
            }
        }
        for (char *p : ps) {
            slab_status code;
            if (p < lowest) {
                code = SLAB_EHEADER;
            } else if ((b + S() - p) % stride() != 0) {
                code = SLAB_ENOTSLOT;
            } else if ((b + S() - p) / stride() > handed) {
                code = SLAB_ENEVERALLOC;
            } else if (freed.count(p) != 0) {
                code = SLAB_EDOUBLEFREE;
            } else {
                continue; // a live slot
            }
            expect(p, code);
            if (HasFailure()) {
                return; // the first broken address says enough
            }
        }
    }
    snap.expect_same("end of the sweep");
    codes::expect_stats_eq(stats(), before, "after every refusal");
    EXPECT_EQ(slab_cache_validate(cache), SLAB_OK);
    expect_still_works();
}

std::string geometry_name(const ::testing::TestParamInfo<Geometry> &info)
{
    return "Obj" + std::to_string(info.param.obj) + "A" + std::to_string(info.param.align) + "S" +
           std::to_string(info.param.slab) + (info.param.dirty ? "Dirty" : "");
}

std::vector<Geometry> geometries()
{
    const Geometry base[] = {{8, 0, 0, false},    {16, 0, 0, false},    {24, 0, 0, false},   {32, 0, 0, false},
                             {48, 16, 0, false},  {64, 0, 0, false},    {100, 0, 0, false},  {200, 0, 0, false},
                             {1000, 0, 0, false}, {1500, 0, 0, false},  {2000, 0, 0, false}, {8, 0, 256, false},
                             {64, 0, 256, false}, {24, 0, 1024, false}, {16, 0, 65536, false},
                             {200, 0, 65536, false}, {4096, 0, 65536, false}};
    std::vector<Geometry> all;
    for (bool dirty : {false, true}) {
        for (Geometry g : base) {
            g.dirty = dirty;
            all.push_back(g);
        }
    }
    return all;
}

INSTANTIATE_TEST_SUITE_P(Misuse, EveryAddress, ::testing::ValuesIn(geometries()), geometry_name);

// ---------------------------------------------------------------- natural data that ends a page

// A core bug this suite found after the merge of main at 8451b68, fixed in
// main at 7b76f1d (the magic keyed again): with slab_magic(hdr, cache, S) =
// (hdr + S) ^ cache ^ slab_secret and page_valid accepting a difference of 0
// or 1, with slab_secret == 0 (then DEFINE_SLAB_HOOKS' value; now a program's
// explicit choice) ordinary data passed for a slab header: any
// S-aligned block whose third word points at its own end (hdr + S) and whose
// fourth word is 0 or 1 -- a record {.., .., end, flag}, an arena page's
// header {prev, next, end, used}. hooks.h promises: "Left at 0 the magic
// still catches stale, foreign and corrupted pointers".
//
// It showed first as a fault sweep failing ("alloc failed with no fault:
// SLAB_EHOOKDUP"): the fresh 256-byte page aligned_alloc returned held a freed
// std::map node of the provider {key X, size 512, block X, aligned true} with
// X = page + 256, so the page "was a live slab"; the library refused it and
// leaked it. The two tests below failed every time against that core
// (slab_free of the foreign pointer died of SIGSEGV; slab_cache_free said
// SLAB_EWRONGCACHE; the growth and the create returned SLAB_EHOOKDUP).

// What the provider's freed bookkeeping left in the failing sweep's page.
void end_pointer_then_true(void *page, size_t size)
{
    auto *w = static_cast<uintptr_t *>(page);
    w[0] = reinterpret_cast<uintptr_t>(page) + size; // (any)
    w[1] = size;                                      // (any)
    w[2] = reinterpret_cast<uintptr_t>(page) + size; // points at the page's end
    w[3] = 1;                                         // a flag
}
void end_pointer_then_zero(void *page, size_t size)
{
    end_pointer_then_true(page, size);
    static_cast<uintptr_t *>(page)[3] = 0;
}

// The two cases below are about a secret of 0, a program's explicit choice
// (-DSLAB_SECRET_INIT=0; DEFINE_SLAB_HOOKS leaves the build's random value):
// set before the fixture's cache is made, the build's value back after.
class MisuseZeroSecret : public Codes {
protected:
    void SetUp() override
    {
        saved_ = slab_secret;
        slab_secret = 0;
        Codes::SetUp();
    }
    void TearDown() override
    {
        Codes::TearDown();
        slab_secret = saved_;
    }
    uintptr_t saved_ = 0;
};

// A fresh page is not a live slab whatever bytes it holds: the growth must
// use it (slab.h: SLAB_EHOOKDUP is for "a page that is a live slab"). If it
// does not, the page it refused is taken back, so that the leak fails only
// this test.
TEST_F(MisuseZeroSecret, FreshPageWhoseThirdWordPointsAtItsEndIsUsed)
{
    ASSERT_EQ(slab_secret, uintptr_t(0)) << "this case is about a secret of 0";
    for (auto prefill : {end_pointer_then_true, end_pointer_then_zero}) {
        SCOPED_TRACE(prefill == end_pointer_then_true ? "{.., .., page + S, 1}" : "{.., .., page + S, 0}");
        // A growth (a new slave: the master full, no spare) on such a page.
        Other *o = make_other(kObj, 0);
        ASSERT_NE(o, nullptr);
        slab_stats before = stats_of(o->cache);
        for (uint32_t i = 0; i < before.objs_in_master; i++) {
            ASSERT_NE(alloc_in(o), nullptr);
        }
        ASSERT_EQ(o->cache->spare, nullptr);
        fault::set_prefill(prefill);
        slab_status s = SLAB_ECORRUPT;
        void *p = slab_alloc_status(o->cache, &s);
        fault::set_prefill(nullptr);
        EXPECT_EQ(s, SLAB_OK) << codes::str(s);
        EXPECT_NE(p, nullptr);
        if (p == nullptr) {
            fault::take_back(fault::latest_page()); // the page the library refused and leaked
        } else {
            o->live.push_back(p);
            EXPECT_EQ(stats_of(o->cache).pages_taken, before.pages_taken + 1);
            EXPECT_EQ(stats_of(o->cache).hook_failures, before.hook_failures);
        }
        // A cache created on such a page.
        slab_cache *c2 = nullptr;
        fault::set_prefill(prefill);
        s = slab_cache_create(&c2, kObj, 0, 0, 0);
        fault::set_prefill(nullptr);
        EXPECT_EQ(s, SLAB_OK) << codes::str(s);
        if (c2 != nullptr) {
            EXPECT_EQ(slab_cache_destroy(c2), SLAB_OK);
        } else {
            fault::take_back(fault::latest_page());
        }
    }
    expect_still_works();
}

// A pointer into foreign memory (not libslab's) is refused with
// SLAB_EBADPTR, whatever the block holds (slab.h, hooks.h), here an arena
// page {prev, next, end = A + 4096, 0 or 1}. Run in a child process first,
// so that a crash fails this test only.
TEST_F(MisuseZeroSecret, ForeignBlockWithAnEndPointerInItsThirdWordIsRefused)
{
    ASSERT_EQ(slab_secret, uintptr_t(0)) << "this case is about a secret of 0";
    alignas(SLAB_DEFAULT_SLAB_SIZE) static unsigned char arena[SLAB_DEFAULT_SLAB_SIZE];
    for (auto prefill : {end_pointer_then_true, end_pointer_then_zero}) {
        SCOPED_TRACE(prefill == end_pointer_then_true ? "{.., .., A + 4096, 1}" : "{.., .., A + 4096, 0}");
        std::memset(arena, 0, sizeof arena);
        prefill(arena, sizeof arena);
        void *p = arena + 256;
        // (Not under valgrind: its --error-exitcode replaces the child's exit
        // code when the process had reported any error before the fork.)
        if (!codes::under_valgrind()) {
            EXPECT_EXIT(std::_Exit(int(slab_free(p))), ::testing::ExitedWithCode(SLAB_EBADPTR), "")
                << "slab_free of a pointer into a foreign arena page";
            EXPECT_EXIT(std::_Exit(int(slab_cache_free(cache, p))), ::testing::ExitedWithCode(SLAB_EBADPTR), "")
                << "slab_cache_free of a pointer into a foreign arena page";
            if (HasFailure()) {
                continue; // not in this process: it would crash or corrupt the cache
            }
        }
        expect_refused_to(nullptr, SLAB_EBADPTR, p, "slab_free(foreign)", [&] { return slab_free(p); });
        expect_refused(SLAB_EBADPTR, p, "slab_cache_free(foreign)", [&] { return slab_cache_free(cache, p); });
    }
    expect_still_works();
}
