// Two edges of the C++ front:
//   - the geometry's lock limits (src/geometry.cpp): a user lock too aligned
//     or too large for the slab size is refused with SLAB_ETOOBIG before any
//     page is taken;
//   - a Box whose slab header was overwritten (src/report.cpp): the object is
//     leaked, never freed into a slab it may not belong to. In this test
//     build (SLAB_ASSERT_TRAP=1) report_bad_free() also traps, on purpose; the
//     test catches the trap (SIGILL from __builtin_trap) and checks that the
//     cache is untouched: same objects, same pages.
#include <gtest/gtest.h>

#include <csetjmp>
#include <csignal>

#include "page_leak_test.hpp"
#include "slab/slab.hpp"
#include "slab_dump.hpp"

namespace pages = slabtest::pages;

namespace {

class CoverageLimits : public slabtest::PageLeakTest {};

struct Small {
    uint64_t v;
};

// User locks shaped to break one geometry limit each.
template <size_t Align, size_t Size>
struct ShapedLock {
    using token = int;
    static constexpr uint8_t kind = SLAB_LOCK_KIND_CUSTOM;
    alignas(Align) unsigned char bytes[Size];
    token lock() noexcept { return 0; }
    void unlock(token) noexcept {}
};

template <class Lock, size_t S>
void expect_too_big()
{
    const uint64_t calls = pages::alloc_calls();
    auto r = slab::Cache<Small, Lock, S>::create();
    EXPECT_FALSE(r);
    EXPECT_EQ(r.status(), SLAB_ETOOBIG) << "lock align " << alignof(Lock) << " size " << sizeof(Lock) << " slab " << S;
    EXPECT_FALSE(*r);
    EXPECT_EQ(pages::alloc_calls(), calls) << "refused before any page is taken";
}

TEST_F(CoverageLimits, LockTooAlignedOrTooLargeForTheSlab)
{
    // Aligned beyond the slab itself.
    expect_too_big<ShapedLock<2 * SLAB_MIN_SLAB_SIZE, 8>, SLAB_MIN_SLAB_SIZE>();
    // Header + control block + lock past the end of the master.
    expect_too_big<ShapedLock<8, SLAB_MIN_SLAB_SIZE>, SLAB_MIN_SLAB_SIZE>();
    // Aligned to 128 KiB, stored in its box (ops, then the lock at 128 KiB:
    // 256 KiB in all), it runs past the end of a 256 KiB master ...
    expect_too_big<ShapedLock<(size_t)1 << 17, 8>, (size_t)1 << 18>();
    // ... and fits in a 512 KiB one, but its offset from the control block
    // (about 128 KiB) does not fit the 16-bit lock_offset.
    expect_too_big<ShapedLock<(size_t)1 << 17, 8>, (size_t)1 << 19>();
    // Aligned to half the slab, a custom lock no longer fits: it is stored
    // behind its slab_lock_ops thunks (lock.hpp, lock_box), which take a
    // whole alignment unit before it.
    expect_too_big<ShapedLock<SLAB_MIN_SLAB_SIZE, 8>, 2 * SLAB_MIN_SLAB_SIZE>();
    // Shapes just inside the limits work: a lock aligned to an eighth of the
    // slab (thunks and lock take the master's third quarter, slots the
    // fourth), an offset just below 64 KiB.
    auto ok = slab::Cache<Small, ShapedLock<SLAB_MIN_SLAB_SIZE / 4, 8>, 2 * SLAB_MIN_SLAB_SIZE>::create();
    ASSERT_TRUE(ok) << slab_status_str(ok.status());
    EXPECT_EQ(slab_cache_validate(ok->raw()), SLAB_OK);
    auto ok2 = slab::Cache<Small, ShapedLock<(size_t)1 << 15, 8>, (size_t)1 << 18>::create();
    ASSERT_TRUE(ok2) << slab_status_str(ok2.status());
    EXPECT_EQ(slab_cache_validate(ok2->raw()), SLAB_OK);
}

// ---------------------------------------------------------------- bad free

sigjmp_buf trap_return;
volatile sig_atomic_t traps = 0;

void on_trap(int)
{
    traps = traps + 1;
    siglongjmp(trap_return, 1);
}

// Runs f(); true when it trapped (SIGILL), which is caught and survived.
template <class F>
bool traps_in(F f)
{
    struct sigaction act = {}, old = {};
    act.sa_handler = on_trap;
    sigemptyset(&act.sa_mask);
    sigaction(SIGILL, &act, &old);
    const sig_atomic_t before = traps;
    if (sigsetjmp(trap_return, 1) == 0) {
        f();
    }
    sigaction(SIGILL, &old, nullptr);
    return traps != before;
}

struct Tracked {
    static int destroyed;
    uint64_t v[3];
    ~Tracked() { destroyed++; }
};
int Tracked::destroyed = 0;

TEST_F(CoverageLimits, BoxWithAnOverwrittenSlabHeaderLeaksItsObject)
{
    using TCache = slab::Cache<Tracked>;
    TCache cache = TCache::create().take();
    ASSERT_TRUE(cache);
    auto made = cache.make();
    ASSERT_TRUE(made);
    slab::Box<Tracked> box = made.take();
    Tracked *obj = box.get();
    slab::detail::slab_page *hdr = slab::detail::master_of(cache.raw());
    ASSERT_EQ(slabtest::slab_base(obj, SLAB_DEFAULT_SLAB_SIZE), reinterpret_cast<uintptr_t>(hdr));
    const slab_stats before = cache.stats();
    const long outstanding = pages::outstanding();
    Tracked::destroyed = 0;

    const uintptr_t magic = hdr->magic;
    hdr->magic = ~magic; // a stray write over the header
    bool trapped = traps_in([&] { box.reset(); });
    hdr->magic = magic;
#if defined(SLAB_ASSERT_TRAP) && SLAB_ASSERT_TRAP
    EXPECT_TRUE(trapped) << "report_bad_free traps in test builds";
#else
    EXPECT_FALSE(trapped);
#endif
    EXPECT_FALSE(box) << "the Box lets go of the pointer";
    EXPECT_EQ(Tracked::destroyed, 1) << "the object is destroyed before its slot is freed";

    // Leaked: still counted as in use, no page moved, the cache is sound.
    const slab_stats after = cache.stats();
    EXPECT_EQ(after.objs_in_use, before.objs_in_use);
    EXPECT_EQ(after.objs_in_use, 1u);
    EXPECT_EQ(after.pages_taken, before.pages_taken);
    EXPECT_EQ(after.pages_given, before.pages_given);
    EXPECT_EQ(pages::outstanding(), outstanding);
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK) << slabtest::dump(cache.raw());

    // With the header repaired the slot can go back (it holds no live T).
    TCache::free_slot(obj);
    EXPECT_EQ(cache.stats().objs_in_use, 0u);
    EXPECT_EQ(slab_cache_validate(cache.raw()), SLAB_OK);
}

}  // namespace
