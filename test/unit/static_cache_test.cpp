// Statically defined caches (slab/static.h): no page hook ever, storage in
// the named section, the compile-time geometry equal to the library's, the
// first use under the lock, slab_free by masking, destroy refused.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "counting_pages.hpp"
#include "slab/static.h"

namespace {

struct Msg {
    uint32_t words[9]; // 36 B: stride 40 on 64-bit
};

SLAB_CACHE_DEFINE(dma_bufs, 200, 64, 40, "slab_test_dma");
SLAB_CACHE_DEFINE_STATIC(msgs, sizeof(Msg), alignof(Msg), 150);
SLAB_CACHE_DEFINE_STATIC(first_use, sizeof(Msg), alignof(Msg), 150); // FirstUseByStatsThenAllocs' alone
SLAB_CACHE_DEFINE_LOCKED(spun, 24, 8, 3, "slab_test_dma", SLAB_LOCK_SPIN);

extern "C" char __start_slab_test_dma[];
extern "C" char __stop_slab_test_dma[];

using slabtest::pages::alloc_calls;
using slabtest::pages::free_calls;

// Every object of the count is there, each in the named section, no hook is
// called, the pages are SLAB_STATIC_PAGES default-size pages.
TEST(StaticCache, HoldsCountObjectsInItsSectionWithoutAHook)
{
    const uint64_t hooks = alloc_calls() + free_calls();
    EXPECT_EQ(slab_cache_validate(dma_bufs), SLAB_OK) << "a dormant cache validates";
    const size_t pages = SLAB_STATIC_PAGES(200, 64, 40);
    const size_t capacity = pages * SLAB_STATIC_PER_PAGE(200, 64);
    EXPECT_GE(capacity, 40u);
    EXPECT_LT(capacity - SLAB_STATIC_PER_PAGE(200, 64), 40u) << "no page more than needed";
    std::vector<void *> objs;
    for (size_t i = 0; i < capacity; i++) {
        void *p = slab_alloc(dma_bufs);
        ASSERT_NE(p, nullptr) << i;
        EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
        EXPECT_GE(static_cast<char *>(p), __start_slab_test_dma);
        EXPECT_LE(static_cast<char *>(p) + 200, __stop_slab_test_dma);
        std::memset(p, 0xAB, 200);
        objs.push_back(p);
    }
    slab_status why = SLAB_OK;
    EXPECT_EQ(slab_alloc_status(dma_bufs, &why), nullptr);
    EXPECT_EQ(why, SLAB_ENOMEM) << "full: no hook to ask";
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(dma_bufs, &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, capacity);
    EXPECT_EQ(st.objs_per_slab, SLAB_STATIC_PER_PAGE(200, 64));
    EXPECT_EQ(st.objs_in_master, SLAB_STATIC_PER_PAGE(200, 64)) << "no control block in the first page";
    EXPECT_EQ(st.slabs_in_use, pages);
    EXPECT_EQ(st.pages_taken, pages);
    EXPECT_EQ(slab_cache_validate(dma_bufs), SLAB_OK);
    for (void *p : objs) {
        ASSERT_EQ(slab_free(p), SLAB_OK) << "found by masking";
    }
    EXPECT_EQ(slab_free(objs[0]), SLAB_EDOUBLEFREE);
    ASSERT_EQ(slab_cache_stats(dma_bufs, &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, 0u);
    EXPECT_EQ(st.slabs_in_use, pages) << "empty pages are kept";
    EXPECT_EQ(st.pages_given, 0u);
    EXPECT_EQ(slab_cache_destroy(dma_bufs), SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_cache_validate(dma_bufs), SLAB_OK);
    // Reused after being emptied: same capacity, still no hook.
    for (size_t i = 0; i < capacity; i++) {
        objs[i] = slab_alloc(dma_bufs);
        ASSERT_NE(objs[i], nullptr);
    }
    for (void *p : objs) {
        ASSERT_EQ(slab_cache_free(dma_bufs, p), SLAB_OK);
    }
    EXPECT_EQ(alloc_calls() + free_calls(), hooks) << "no page hook call, ever";
}

// The first call may be any call: stats puts the cache in service too. The
// cache is this test's alone, so that no other test's order changes its
// first use; a repeat of the test (--gtest_repeat) finds every page kept.
TEST(StaticCache, FirstUseByStatsThenAllocs)
{
    static bool ran_before = false;
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(first_use, &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, 0u);
    EXPECT_EQ(st.slot_size, sizeof(Msg) < sizeof(void *) ? sizeof(void *) : (sizeof(Msg) + 7) / 8 * 8);
    if (!ran_before) {
        EXPECT_EQ(st.slabs_in_use, 1u) << "one page in service at first";
    } else {
        EXPECT_EQ(st.slabs_in_use, SLAB_STATIC_PAGES(sizeof(Msg), alignof(Msg), 150)) << "empty pages are kept";
    }
    ran_before = true;
    std::vector<void *> objs;
    for (int i = 0; i < 150; i++) {
        objs.push_back(slab_alloc(first_use));
        ASSERT_NE(objs.back(), nullptr);
    }
    EXPECT_EQ(slab_cache_validate(first_use), SLAB_OK);
    for (void *p : objs) {
        ASSERT_EQ(slab_free(p), SLAB_OK);
    }
}

// A lock from the flags: the spin lock's byte is the image's.
TEST(StaticCache, LockedFormTakesItsLock)
{
    void *a = slab_alloc(spun);
    void *b = slab_alloc(spun);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_NE(a, b);
    EXPECT_EQ(slab_free(a), SLAB_OK);
    EXPECT_EQ(slab_free(b), SLAB_OK);
    EXPECT_EQ(slab_cache_validate(spun), SLAB_OK);
}

// The compile-time geometry is the library's: a static page holds exactly
// what a default-size slave of a cache of that shape holds.
TEST(StaticCache, CompileTimeGeometryMatchesTheLibrary)
{
    struct Shape {
        size_t size, align, per_page;
    };
    const Shape shapes[] = {
        {1, 0, SLAB_STATIC_PER_PAGE(1, 0)},         {8, 8, SLAB_STATIC_PER_PAGE(8, 8)},
        {12, 4, SLAB_STATIC_PER_PAGE(12, 4)},       {16, 16, SLAB_STATIC_PER_PAGE(16, 16)},
        {24, 0, SLAB_STATIC_PER_PAGE(24, 0)},       {33, 1, SLAB_STATIC_PER_PAGE(33, 1)},
        {64, 64, SLAB_STATIC_PER_PAGE(64, 64)},     {100, 4, SLAB_STATIC_PER_PAGE(100, 4)},
        {200, 64, SLAB_STATIC_PER_PAGE(200, 64)},   {500, 8, SLAB_STATIC_PER_PAGE(500, 8)},
        {1000, 0, SLAB_STATIC_PER_PAGE(1000, 0)},   {2000, 16, SLAB_STATIC_PER_PAGE(2000, 16)},
        {4000, 8, SLAB_STATIC_PER_PAGE(4000, 8)},   {3, 2, SLAB_STATIC_PER_PAGE(3, 2)},
        {40, 32, SLAB_STATIC_PER_PAGE(40, 32)},     {1024, 1024, SLAB_STATIC_PER_PAGE(1024, 1024)},
    };
    for (const Shape &s : shapes) {
        slab_cache *c = nullptr;
        ASSERT_EQ(slab_cache_create(&c, s.size, s.align, 0, 0), SLAB_OK) << s.size;
        slab_stats st{};
        ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
        EXPECT_EQ(s.per_page, st.objs_per_slab) << "size " << s.size << " align " << s.align;
        EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
    }
    EXPECT_EQ(SLAB_STATIC_PER_PAGE(SLAB_DEFAULT_SLAB_SIZE, 0), 0u) << "no room beside the header";
    EXPECT_EQ(SLAB_STATIC_PER_PAGE(8, SLAB_DEFAULT_SLAB_SIZE), 0u);
    EXPECT_EQ(SLAB_STATIC_PAGES(24, 8, 1), 1u);
}

// Misuse of a static cache's objects is refused as for any cache.
TEST(StaticCache, RefusesMisuse)
{
    char *p = static_cast<char *>(slab_alloc(msgs));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(slab_free(p + 4), SLAB_ENOTSLOT);
    EXPECT_EQ(slab_cache_free(dma_bufs, p), SLAB_EWRONGCACHE);
    EXPECT_EQ(slab_free(p), SLAB_OK);
    EXPECT_EQ(slab_free(p), SLAB_EDOUBLEFREE);
    EXPECT_EQ(slab_cache_validate(msgs), SLAB_OK);
}

}  // namespace

// ---------------------------------------------------------------- typed form

#include "slab/static.hpp"

namespace {

struct Frame {
    explicit Frame(int v) : value(v) { live++; }
    ~Frame() { live--; }
    int value;
    char bytes[60];
    static int live;
};
int Frame::live = 0;

SLAB_CACHE_DEFINE_TYPED(frames, Frame, slab::SpinLock, 5, "slab_test_dma");

TEST(StaticCache, TypedFormBuildsBoxesAndRunsDestructors)
{
    std::vector<slab::StaticCache<Frame, slab::SpinLock>::box_type> boxes;
    const size_t capacity = SLAB_STATIC_PAGES(sizeof(Frame), alignof(Frame), 5) *
                            SLAB_STATIC_PER_PAGE(sizeof(Frame), alignof(Frame));
    for (size_t i = 0; i < capacity; i++) {
        auto r = frames.make(static_cast<int>(i));
        ASSERT_TRUE(r) << slab_status_str(r.status());
        EXPECT_EQ(r->get()->value, static_cast<int>(i));
        boxes.push_back(r.take());
    }
    auto full = frames.make(99);
    EXPECT_FALSE(full);
    EXPECT_EQ(full.status(), SLAB_ENOMEM);
    EXPECT_EQ(Frame::live, static_cast<int>(capacity));
    boxes.clear();
    EXPECT_EQ(Frame::live, 0);
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(frames.raw(), &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, 0u);
    EXPECT_EQ(slab_cache_validate(frames.raw()), SLAB_OK);
}

}  // namespace

// ---------------------------------------------------------------- edges

namespace {

// A static image may name a lock this target cannot take (the interrupt
// lock on a host): every call refuses it with SLAB_EUNSUPPORTED, nothing is
// put in service.
SLAB_CACHE_DEFINE_LOCKED(irq_only, 16, 8, 4, "slab_test_dma", SLAB_LOCK_IRQ);

TEST(StaticCache, ALockKindNotBuiltHereIsRefusedEverywhere)
{
    slab_status st = SLAB_OK;
    EXPECT_EQ(slab_alloc(irq_only), nullptr) << "(its lock class: a kind this target does not build)";
    EXPECT_EQ(slab_alloc_status(irq_only, &st), nullptr);
    EXPECT_EQ(st, SLAB_EUNSUPPORTED);
    slab_stats s{};
    EXPECT_EQ(slab_cache_stats(irq_only, &s), SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_cache_set_wait(irq_only, nullptr), SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_alloc_wait_status(irq_only, 5, &st), nullptr);
    EXPECT_EQ(st, SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_cache_validate(irq_only), SLAB_OK) << "still a dormant image";
}

// The image lives in writable .data: a stray write may reach it before the
// first use. The first use plans the shape and takes its first page again,
// so an image whose shape fits no page (static.h refuses that at compile
// time), or whose page count says every page is already in service, is
// refused by every call with the reason, and nothing is written: the image
// stays dormant, the pages untouched. Put right, the cache starts as usual.
SLAB_CACHE_DEFINE_STATIC(spoiled, 32, 8, 2);
const slab_static_cache_ spoiled_as_built = spoiled_control_; // (copied before main: dormant)

TEST(StaticCache, AnImageCorruptedBeforeItsFirstUseIsRefusedAndStaysDormant)
{
    slab_static_cache_ &img = spoiled_control_;
    img = spoiled_as_built; // dormant even when the test is repeated
    ASSERT_EQ(img.info.npages, 1u);
    ASSERT_EQ(img.info.next, 0u);
    std::memset(spoiled_pages_, 0x5A, sizeof(spoiled_pages_)); // as a NOLOAD section may hold
    auto untouched = [] {
        for (unsigned char b : spoiled_pages_) {
            if (b != 0x5A) {
                return false;
            }
        }
        return true;
    };
    struct Case {
        const char *what;
        size_t obj_size;
        uint32_t next;
        slab_status expected;
    };
    const Case cases[] = {
        {"a shape no page holds", SLAB_DEFAULT_SLAB_SIZE, 0, SLAB_ETOOBIG},
        {"every page counted in service", 32, 1, SLAB_ENOMEM},
    };
    for (const Case &k : cases) {
        img.info.obj_size = k.obj_size;
        img.info.next = k.next;
        slab_status why = SLAB_OK;
        EXPECT_EQ(slab_alloc_status(spoiled, &why), nullptr) << k.what;
        EXPECT_EQ(why, k.expected) << k.what;
        EXPECT_EQ(slab_alloc(spoiled), nullptr) << k.what;
        slab_stats st{};
        EXPECT_EQ(slab_cache_stats(spoiled, &st), k.expected) << k.what;
        EXPECT_EQ(st.slabs_in_use, 0u) << k.what;
        EXPECT_EQ(img.magic, SLAB_DORMANT_MAGIC_) << k.what << ": still dormant";
        EXPECT_EQ(img.info.next, k.next) << k.what << ": no page taken";
        EXPECT_EQ(slab_cache_validate(spoiled), SLAB_OK) << k.what << ": a dormant image";
        EXPECT_TRUE(untouched()) << k.what << ": a page was written";
    }
    img.info.obj_size = 32;
    img.info.next = 0;
    void *p = slab_alloc(spoiled);
    ASSERT_NE(p, nullptr) << "put right, the first use succeeds";
    EXPECT_GE(static_cast<unsigned char *>(p), spoiled_pages_);
    EXPECT_LT(static_cast<unsigned char *>(p), spoiled_pages_ + sizeof(spoiled_pages_));
    EXPECT_EQ(img.info.next, 1u);
    EXPECT_EQ(slab_cache_validate(spoiled), SLAB_OK);
    EXPECT_EQ(slab_free(p), SLAB_OK);
}

// The static page source hands out its pages in order, only of the default
// size, and takes none back.
TEST(StaticCache, ItsPageSourceOnlyHandsOutItsOwnPages)
{
    alignas(SLAB_DEFAULT_SLAB_SIZE) static unsigned char pages[2 * SLAB_DEFAULT_SLAB_SIZE];
    slab_static_info_ info = {pages, 8, 8, 2, 0, {slab_static_take_, slab_static_give_, nullptr}, slab_static_wake_};
    info.source.ctx = &info;
    EXPECT_EQ(slab_static_take_(&info, SLAB_DEFAULT_SLAB_SIZE / 2, SLAB_DEFAULT_SLAB_SIZE / 2), nullptr);
    EXPECT_EQ(slab_static_take_(&info, SLAB_DEFAULT_SLAB_SIZE, SLAB_DEFAULT_SLAB_SIZE), pages);
    EXPECT_EQ(slab_static_take_(&info, SLAB_DEFAULT_SLAB_SIZE, SLAB_DEFAULT_SLAB_SIZE), pages + SLAB_DEFAULT_SLAB_SIZE);
    EXPECT_EQ(slab_static_take_(&info, SLAB_DEFAULT_SLAB_SIZE, SLAB_DEFAULT_SLAB_SIZE), nullptr) << "all in service";
    EXPECT_NE(slab_static_give_(&info, pages, SLAB_DEFAULT_SLAB_SIZE, SLAB_DEFAULT_SLAB_SIZE), 0);
    EXPECT_EQ(info.next, 2u);
}

}  // namespace

// A warm restart (a reset that reloads .data and keeps RAM): the image is
// dormant again while its pages, in a section that may be NOLOAD, still
// hold the slabs of the run before (slab/static.h). The cache takes its
// pages again: every object of the run before is there to be handed out.
SLAB_CACHE_DEFINE_STATIC(rebooted, 48, 8, 2 * SLAB_STATIC_PER_PAGE(48, 8));
const slab_static_cache_ rebooted_as_built = rebooted_control_; // (copied before main: dormant)

TEST(StaticCache, AWarmRestartTakesItsPagesAgain)
{
    std::vector<void *> run[2];
    for (auto &objs : run) {
        rebooted_control_ = rebooted_as_built; // the reset: .data reloaded, the pages kept
        for (void *p = slab_alloc(rebooted); p != nullptr; p = slab_alloc(rebooted)) {
            objs.push_back(p);
        }
        slab_stats st{};
        ASSERT_EQ(slab_cache_stats(rebooted, &st), SLAB_OK);
        EXPECT_EQ(st.slabs_in_use, 2u) << "both pages in service";
        EXPECT_EQ(st.hook_failures, 1u) << "the alloc past the last page only: no page refused as handed out twice";
        EXPECT_EQ(slab_cache_validate(rebooted), SLAB_OK);
    }
    EXPECT_EQ(run[1].size(), run[0].size());
    EXPECT_EQ(run[1].size(), 2 * SLAB_STATIC_PER_PAGE(48, 8));
    for (void *p : run[1]) {
        EXPECT_EQ(slab_free(p), SLAB_OK);
    }
}
