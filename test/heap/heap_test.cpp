// The heap's C API, call by call: the class table, small and large blocks,
// alignment, calloc, realloc, statistics, destroy, trim, and every refusal of
// a pointer that is not a live block (with the report hook, and nothing
// changed). Each test ends with every page back (HeapTest, heap_support.hpp).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "heap_support.hpp"

using namespace heaptest;

namespace {

constexpr size_t kD = SLAB_DEFAULT_SLAB_SIZE;
constexpr size_t kA = alignof(max_align_t);
constexpr size_t kHeader = 4 * sizeof(void *) + 8; // sizeof(slab_page)
constexpr size_t kRedzone = SLAB_CHECKS ? SLAB_REDZONE : 0;

// A class's slot stride (src/geometry.cpp): the red zone in checked mode.
size_t stride_of(size_t cls) { return (cls + kRedzone + kA - 1) / kA * kA; }

// The model's idea of the smallest class holding `size`, by a scan of the table.
size_t class_for(size_t size)
{
    for (size_t i = 0; i < slab_heap_class_count(); i++) {
        if (slab_heap_class_size(i) >= (size == 0 ? 1 : size)) {
            return slab_heap_class_size(i);
        }
    }
    return 0;
}

void fill(void *p, size_t n, unsigned char b) { std::memset(p, b, n); }
bool holds(const void *p, size_t n, unsigned char b)
{
    const unsigned char *c = static_cast<const unsigned char *>(p);
    for (size_t i = 0; i < n; i++) {
        if (c[i] != b) {
            return false;
        }
    }
    return true;
}

bool same_usage(const slab_heap_usage &a, const slab_heap_usage &b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// A D-aligned region that belongs to no heap: masks land inside it.
alignas(kD) unsigned char g_foreign[2 * kD];

}  // namespace

// ---- the class table ------------------------------------------------------

TEST(HeapClasses, TableIsIncreasingAlignedAndWastesAtMostAQuarterAbove64)
{
    size_t n = slab_heap_class_count();
    ASSERT_GE(n, 8u);
    EXPECT_EQ(slab_heap_class_size(n), 0u);
    EXPECT_EQ(slab_heap_max_small(), slab_heap_class_size(n - 1));
    EXPECT_EQ(slab_heap_class_size(0), kA);
    for (size_t i = 0; i < n; i++) {
        size_t c = slab_heap_class_size(i);
        EXPECT_EQ(c % kA, 0u) << "class " << i;
        if (i == 0) {
            continue;
        }
        size_t prev = slab_heap_class_size(i - 1);
        ASSERT_GT(c, prev);
        if (prev >= 64) {
            // the worst request of class c is prev + 1
            EXPECT_LE(4 * (c - prev - 1), prev + 1) << "class " << c << " wastes more than 25%";
        } else {
            EXPECT_EQ(c - prev, kA);
        }
    }
    // A class exists while a slave slab holds two of its slots; the next
    // quarter step would not (or would not be below D).
    size_t last = slab_heap_max_small();
    size_t step = (last & (last - 1)) == 0 ? last / 4 : size_t(1) << (61 - __builtin_clzll(last - 1));
    EXPECT_GE((kD - kHeader) / (stride_of(last) + 1), 2u);
    size_t next = last + step;
    EXPECT_TRUE(next >= kD || (kD - kHeader) / (stride_of(next) + 1) < 2u) << "class " << next << " would fit";
}

TEST_F(HeapTest, EverySizeGetsTheSmallestClassThatHoldsIt)
{
    slab_heap *h = make();
    for (size_t size = 0; size <= slab_heap_max_small(); size++) {
        void *p = slab_heap_alloc(h, size);
        ASSERT_NE(p, nullptr) << size;
        ASSERT_EQ(slab_heap_usable_size(p), class_for(size)) << size;
        ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % kA, 0u);
        ASSERT_EQ(slab_heap_free(p), SLAB_OK);
    }
    void *big = slab_heap_alloc(h, slab_heap_max_small() + 1);
    ASSERT_NE(big, nullptr);
    EXPECT_GE(slab_heap_usable_size(big), slab_heap_max_small() + 1);
    EXPECT_EQ(usage(h).large_blocks, 1u);
    EXPECT_EQ(slab_heap_free(big), SLAB_OK);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// ---- creation ---------------------------------------------------------------

TEST_F(HeapTest, CreateRefusesBadArgumentsAndMissingPages)
{
    slab_heap *h = reinterpret_cast<slab_heap *>(&g_foreign);
    EXPECT_EQ(slab_heap_create(nullptr, 0), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_create(&h, 0x4u), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_create(&h, SLAB_LOCK_SPIN | SLAB_LOCK_IRQ), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_create(&h, SLAB_LOCK_IRQ), SLAB_EUNSUPPORTED); // host: no PRIMASK
    refuse_all_allocs(true);
    EXPECT_EQ(slab_heap_create(&h, 0), SLAB_ENOMEM);
    refuse_all_allocs(false);
    EXPECT_EQ(h, reinterpret_cast<slab_heap *>(&g_foreign)) << "*out written on error";
    EXPECT_EQ(outstanding(), 0);
    h = make(SLAB_LOCK_SPIN);
    slab_heap_usage u = usage(h);
    EXPECT_EQ(u.pages, 1u);
    EXPECT_EQ(u.page_bytes, outstanding_bytes());
    EXPECT_GE(u.page_bytes, 256u);
    EXPECT_EQ(u.blocks_in_use + u.bytes_in_use + u.classes_live, 0u);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_heap_destroy(reinterpret_cast<slab_heap *>(&g_foreign)), SLAB_EBADPTR);
    EXPECT_EQ(slab_heap_stats(reinterpret_cast<slab_heap *>(&g_foreign), &u), SLAB_EBADPTR);
    EXPECT_EQ(slab_heap_alloc(nullptr, 8), nullptr);
}

// ---- small and large blocks -------------------------------------------------

TEST_F(HeapTest, BlocksAreDistinctAlignedAndKeepTheirBytes)
{
    slab_heap *h = make();
    std::mt19937 rng(7);
    std::vector<std::pair<unsigned char *, size_t>> blocks;
    for (int i = 0; i < 3000; i++) {
        size_t size = i % 50 == 0 ? rng() % (8 * kD) : rng() % (slab_heap_max_small() + 1);
        unsigned char *p = static_cast<unsigned char *>(slab_heap_alloc(h, size));
        ASSERT_NE(p, nullptr);
        ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % kA, 0u);
        size_t usable = slab_heap_usable_size(p);
        ASSERT_GE(usable, size);
        ASSERT_NE(page_of(p), 0u);
        ASSERT_EQ(page_of(p), page_of(p + usable - 1)) << "a block crosses its page";
        fill(p, usable, static_cast<unsigned char>(i));
        blocks.emplace_back(p, usable);
    }
    for (size_t i = 0; i < blocks.size(); i++) {
        ASSERT_TRUE(holds(blocks[i].first, blocks[i].second, static_cast<unsigned char>(i))) << "block " << i;
    }
    slab_heap_usage u = usage(h);
    size_t bytes = 0;
    for (auto &b : blocks) {
        bytes += b.second;
    }
    EXPECT_EQ(u.blocks_in_use, blocks.size());
    EXPECT_EQ(u.bytes_in_use, bytes);
    EXPECT_EQ(u.bytes_peak, bytes);
    EXPECT_EQ(u.allocs, blocks.size());
    EXPECT_EQ(u.pages, static_cast<size_t>(outstanding()));
    EXPECT_EQ(u.page_bytes, outstanding_bytes());
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_EBUSY);
    std::shuffle(blocks.begin(), blocks.end(), rng);
    for (auto &b : blocks) {
        ASSERT_EQ(slab_heap_free(b.first), SLAB_OK);
    }
    u = usage(h);
    EXPECT_EQ(u.blocks_in_use, 0u);
    EXPECT_EQ(u.bytes_in_use, 0u);
    EXPECT_EQ(u.bytes_peak, bytes);
    EXPECT_EQ(u.frees, blocks.size());
    EXPECT_EQ(u.large_blocks, 0u);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, LargeBlockIsOnePageOfTheNextPowerOfTwo)
{
    slab_heap *h = make();
    long before = outstanding();
    const size_t sizes[] = {slab_heap_max_small() + 1, kD, kD + 1, 3 * kD, 100000, size_t(1) << 20};
    for (size_t size : sizes) {
        char *p = static_cast<char *>(slab_heap_alloc(h, size));
        ASSERT_NE(p, nullptr) << size;
        size_t page = page_of(p);
        ASSERT_GE(page, kD);
        ASSERT_GE(page, size);
        EXPECT_TRUE(page == kD || page / 2 < size + 64) << "not the next power of two for " << size;
        size_t usable = slab_heap_usable_size(p);
        EXPECT_GE(usable, size);
        EXPECT_EQ(page_of(p + usable - 1), page);
        EXPECT_TRUE(is_live_page(p - (reinterpret_cast<uintptr_t>(p) & (page - 1)), page));
        EXPECT_EQ(outstanding(), before + 1);
        fill(p, usable, 0x11);
        EXPECT_EQ(usage(h).large_blocks, 1u);
        EXPECT_EQ(usage(h).bytes_in_use, usable);
        EXPECT_EQ(slab_heap_free(p), SLAB_OK);
        EXPECT_EQ(outstanding(), before) << "a large page stays after its free";
    }
    // the header is two words: a block of D minus two words (perl's 4080-byte
    // arenas on x86-64) takes one page of D, not two
    void *arena = slab_heap_alloc(h, kD - 2 * sizeof(void *));
    ASSERT_NE(arena, nullptr);
    EXPECT_EQ(page_of(arena), kD);
    EXPECT_EQ(slab_heap_usable_size(arena), kD - 2 * sizeof(void *));
    EXPECT_EQ(slab_heap_free(arena), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, TooLargeIsNullWithTheHeapUnchanged)
{
    slab_heap *h = make();
    void *keep = slab_heap_alloc(h, 40);
    slab_heap_usage before = usage(h);
    EXPECT_EQ(slab_heap_alloc(h, SIZE_MAX), nullptr);
    EXPECT_EQ(slab_heap_alloc(h, SIZE_MAX - 8), nullptr);
    EXPECT_EQ(slab_heap_alloc(h, SLAB_MAX_SLAB_SIZE), nullptr); // no room for the header
    EXPECT_EQ(slab_heap_aligned_alloc(h, SLAB_MAX_SLAB_SIZE, 1), nullptr);
    EXPECT_EQ(slab_heap_calloc(h, SIZE_MAX / 2 + 1, 2), nullptr);
    EXPECT_EQ(slab_heap_calloc(h, SIZE_MAX, SIZE_MAX), nullptr);
    EXPECT_EQ(slab_heap_calloc(h, 3, SIZE_MAX / 2), nullptr);
    EXPECT_TRUE(same_usage(before, usage(h)));
    EXPECT_EQ(slab_heap_free(keep), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, ZeroSizeGivesUniqueFreeableBlocks)
{
    slab_heap *h = make();
    void *a = slab_heap_alloc(h, 0);
    void *b = slab_heap_alloc(h, 0);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_NE(a, b);
    EXPECT_EQ(slab_heap_usable_size(a), kA);
    void *c = slab_heap_calloc(h, 0, 5);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(slab_heap_free(a), SLAB_OK);
    EXPECT_EQ(slab_heap_free(b), SLAB_OK);
    EXPECT_EQ(slab_heap_free(c), SLAB_OK);
    EXPECT_EQ(slab_heap_free(nullptr), SLAB_OK);
    EXPECT_EQ(slab_heap_usable_size(nullptr), 0u);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// ---- alignment ----------------------------------------------------------------

TEST_F(HeapTest, AlignedAllocHonoursEveryPowerOfTwoUpTo64KiB)
{
    slab_heap *h = make();
    const size_t sizes[] = {0, 1, 24, 100, 700, 1500, 3000, 5000, 70000};
    for (size_t align = 1; align <= (size_t(64) << 10); align <<= 1) {
        for (size_t size : sizes) {
            char *p = static_cast<char *>(slab_heap_aligned_alloc(h, align, size));
            ASSERT_NE(p, nullptr) << align << " " << size;
            ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % align, 0u) << align << " " << size;
            ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % kA, 0u);
            size_t usable = slab_heap_usable_size(p);
            ASSERT_GE(usable, size);
            ASSERT_EQ(page_of(p), page_of(p + usable - 1));
            fill(p, usable, 0x3C);
            ASSERT_EQ(slab_heap_free(p), SLAB_OK) << align << " " << size;
        }
    }
    EXPECT_EQ(slab_heap_aligned_alloc(h, 0, 8), nullptr);
    EXPECT_EQ(slab_heap_aligned_alloc(h, 3, 8), nullptr);
    EXPECT_EQ(slab_heap_aligned_alloc(h, 48, 8), nullptr);
    EXPECT_EQ(usage(h).blocks_in_use, 0u);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, SmallAlignedBlocksComeFromAClassWhoseStrideIsAligned)
{
    slab_heap *h = make();
    // 64-aligned 100 bytes: the first class >= 100 whose slot stride is a
    // multiple of 64: 128 in the default build (112's stride is 112), 112 in
    // checked mode (its stride with the red zone is 128).
    void *p = slab_heap_aligned_alloc(h, 64, 100);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(usage(h).large_blocks, 0u);
    EXPECT_EQ(slab_heap_usable_size(p), SLAB_CHECKS ? 112u : 128u);
    EXPECT_EQ(stride_of(slab_heap_usable_size(p)) % 64, 0u);
    // 4096-aligned: no class stride is a multiple of D: a page
    void *q = slab_heap_aligned_alloc(h, kD, 100);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(usage(h).large_blocks, 1u);
    EXPECT_EQ(slab_heap_free(p), SLAB_OK);
    EXPECT_EQ(slab_heap_free(q), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// ---- calloc -------------------------------------------------------------------

TEST_F(HeapTest, CallocZeroesReusedAndLargeBlocks)
{
    slab_heap *h = make();
    for (size_t size : {size_t(8), size_t(200), size_t(1500), size_t(3 * kD)}) {
        void *dirty = slab_heap_alloc(h, size);
        ASSERT_NE(dirty, nullptr);
        fill(dirty, slab_heap_usable_size(dirty), 0xFF);
        ASSERT_EQ(slab_heap_free(dirty), SLAB_OK);
        void *p = slab_heap_calloc(h, size / 4, 4);
        ASSERT_NE(p, nullptr);
        EXPECT_TRUE(holds(p, size / 4 * 4, 0)) << size;
        ASSERT_EQ(slab_heap_free(p), SLAB_OK);
    }
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// ---- realloc ------------------------------------------------------------------

TEST_F(HeapTest, ReallocKeepsTheClassInPlaceAndMovesOtherwise)
{
    slab_heap *h = make();
    char *p = static_cast<char *>(slab_heap_realloc(h, nullptr, 70));
    ASSERT_NE(p, nullptr);
    size_t cls = slab_heap_usable_size(p);
    ASSERT_EQ(cls, class_for(70));
    fill(p, cls, 0x21);
    EXPECT_EQ(slab_heap_realloc(h, p, cls), p);       // same class: in place
    EXPECT_EQ(slab_heap_realloc(h, p, cls - 10), p);
    char *q = static_cast<char *>(slab_heap_realloc(h, p, 300)); // grow: moves
    ASSERT_NE(q, nullptr);
    ASSERT_NE(q, p);
    EXPECT_TRUE(holds(q, cls, 0x21));
    EXPECT_EQ(slab_heap_usable_size(p), 0u) << "the old block is still live";
    EXPECT_EQ(usage(h).blocks_in_use, 1u);
    fill(q, 300, 0x22);
    char *r = static_cast<char *>(slab_heap_realloc(h, q, 10)); // shrink to a smaller class: moves
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(holds(r, 10, 0x22));
    EXPECT_EQ(slab_heap_usable_size(r), class_for(10));
    // small -> large -> larger (in place while the page fits) -> small
    char *l = static_cast<char *>(slab_heap_realloc(h, r, 2 * kD));
    ASSERT_NE(l, nullptr);
    EXPECT_TRUE(holds(l, 10, 0x22));
    size_t lu = slab_heap_usable_size(l);
    fill(l, lu, 0x23);
    EXPECT_EQ(slab_heap_realloc(h, l, lu), l);
    char *l2 = static_cast<char *>(slab_heap_realloc(h, l, 5 * kD));
    ASSERT_NE(l2, nullptr);
    EXPECT_NE(l2, l);
    EXPECT_TRUE(holds(l2, lu, 0x23));
    char *s = static_cast<char *>(slab_heap_realloc(h, l2, 50));
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(holds(s, 50, 0x23));
    EXPECT_EQ(usage(h).large_blocks, 0u);
    // size 0: a minimal block, never free-and-NULL
    void *z = slab_heap_realloc(h, s, 0);
    ASSERT_NE(z, nullptr);
    EXPECT_GE(slab_heap_usable_size(z), 1u);
    slab_heap_usage u = usage(h);
    EXPECT_EQ(u.blocks_in_use, 1u);
    EXPECT_EQ(u.allocs - u.frees, 1u);
    EXPECT_EQ(slab_heap_free(z), SLAB_OK);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, ReallocWithoutMemoryLeavesTheBlockOrKeepsItOnAShrink)
{
    slab_heap *h = make();
    char *p = static_cast<char *>(slab_heap_alloc(h, 3 * kD));
    ASSERT_NE(p, nullptr);
    size_t usable = slab_heap_usable_size(p);
    fill(p, usable, 0x31);
    slab_heap_usage before = usage(h);
    refuse_all_allocs(true);
    EXPECT_EQ(slab_heap_realloc(h, p, 9 * kD), nullptr);
    EXPECT_EQ(slab_heap_realloc(h, p, 100), p) << "a shrink with no memory keeps its block";
    refuse_all_allocs(false);
    EXPECT_TRUE(holds(p, usable, 0x31));
    EXPECT_EQ(slab_heap_usable_size(p), usable);
    slab_heap_usage after = usage(h);
    EXPECT_EQ(after.blocks_in_use, before.blocks_in_use);
    EXPECT_EQ(after.bytes_in_use, before.bytes_in_use);
    EXPECT_EQ(after.pages, before.pages);
    EXPECT_GT(after.hook_failures, before.hook_failures);
    EXPECT_EQ(slab_heap_free(p), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, ReallocRefusesFreedAndOtherHeapsBlocks)
{
    slab_heap *h = make();
    slab_heap *other = make();
    Reports seen;
    seen.attach(h);
    void *mine = slab_heap_alloc(h, 40);
    void *theirs = slab_heap_alloc(other, 40);
    ASSERT_EQ(slab_heap_free(mine), SLAB_OK);
    slab_heap_usage before = usage(h);
    EXPECT_EQ(slab_heap_realloc(h, mine, 80), nullptr);
    EXPECT_EQ(slab_heap_realloc(h, theirs, 80), nullptr);
    EXPECT_EQ(slab_heap_realloc(h, g_foreign + 64, 80), nullptr);
    ASSERT_EQ(seen.seen.size(), 3u);
    EXPECT_EQ(seen.seen[0].status, SLAB_EDOUBLEFREE);
    EXPECT_EQ(seen.seen[0].ptr, mine);
    EXPECT_EQ(seen.seen[1].status, SLAB_EWRONGCACHE);
    EXPECT_EQ(seen.seen[1].ptr, theirs);
    EXPECT_EQ(seen.seen[2].status, SLAB_EBADPTR);
    EXPECT_TRUE(same_usage(before, usage(h)));
    EXPECT_EQ(slab_heap_usable_size(theirs), class_for(40));
    EXPECT_EQ(slab_heap_free(theirs), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(other), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// ---- refusals of free -----------------------------------------------------------

class HeapMisuse : public HeapTest {
protected:
    void SetUp() override
    {
        HeapTest::SetUp();
        h = make();
        seen.attach(h);
    }
    void TearDown() override
    {
        EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
        EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
        HeapTest::TearDown();
    }
    // free(p) is refused with `want`, reported (or not), and changes nothing.
    void refused(void *p, slab_status want, bool reported)
    {
        slab_heap_usage before = usage(h);
        long pages = outstanding();
        size_t n = seen.seen.size();
        EXPECT_EQ(slab_heap_free(p), want);
        EXPECT_TRUE(same_usage(before, usage(h))) << "a refused free changed the heap";
        EXPECT_EQ(outstanding(), pages);
        EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
        if (reported) {
            ASSERT_EQ(seen.seen.size(), n + 1) << "not reported";
            EXPECT_EQ(seen.seen.back().heap, h);
            EXPECT_EQ(seen.seen.back().status, want);
            EXPECT_EQ(seen.seen.back().ptr, p);
        } else {
            EXPECT_EQ(seen.seen.size(), n) << "reported, with no heap to name";
        }
    }
    slab_heap *h = nullptr;
    Reports seen;
};

TEST_F(HeapMisuse, DoubleFreeOfASmallBlock)
{
    void *a = slab_heap_alloc(h, 50);
    void *b = slab_heap_alloc(h, 50);
    ASSERT_EQ(slab_heap_free(a), SLAB_OK);
    refused(a, SLAB_EDOUBLEFREE, true);
    ASSERT_EQ(slab_heap_free(b), SLAB_OK);
    refused(a, SLAB_EDOUBLEFREE, true); // A, B, A
    refused(b, SLAB_EDOUBLEFREE, true);
}

TEST_F(HeapMisuse, InteriorHeaderAndNeverAllocatedSmallPointers)
{
    char *p = static_cast<char *>(slab_heap_alloc(h, 100)); // class 112
    ASSERT_NE(p, nullptr);
    refused(p + 8, SLAB_ENOTSLOT, true);
    refused(p + 1, SLAB_ENOTSLOT, true);
    char *base = p - (reinterpret_cast<uintptr_t>(p) & (kD - 1));
    refused(base + 8, SLAB_EHEADER, true);
    // the first slot of this fresh class is the top one; the one below it
    // was never handed out
    size_t stride = static_cast<size_t>(base + kD - p);
    refused(p - stride, SLAB_ENEVERALLOC, true);
    refused(base + kD, SLAB_EBADPTR, false); // the D-block above the slab: not its slot
    EXPECT_EQ(slab_heap_free(p), SLAB_OK);
}

TEST_F(HeapMisuse, ForeignPointersAreRefusedWithoutAReport)
{
    refused(g_foreign + 64, SLAB_EBADPTR, false);
    refused(g_foreign + kD, SLAB_EBADPTR, false); // D-aligned: the block below is read
    int on_stack = 0;
    refused(&on_stack, SLAB_EBADPTR, false);
    refused(reinterpret_cast<void *>(16), SLAB_EBADPTR, false);
    std::vector<char> hosted(100);
    refused(hosted.data(), SLAB_EBADPTR, false);
    EXPECT_EQ(slab_heap_usable_size(g_foreign + 64), 0u);
}

TEST_F(HeapMisuse, AnObjectOfAPlainCacheIsNotAHeapBlock)
{
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, 48, 0, 0, 0), SLAB_OK);
    void *o = slab_alloc(c);
    ASSERT_NE(o, nullptr);
    refused(o, SLAB_EWRONGCACHE, false);
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, 1u);
    EXPECT_EQ(slab_heap_usable_size(o), 0u);
    EXPECT_EQ(slab_free(o), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}

TEST_F(HeapMisuse, LargeBlockInteriorHeaderAndDoubleFree)
{
    char *p = static_cast<char *>(slab_heap_alloc(h, 3 * kD));
    ASSERT_NE(p, nullptr);
    fill(p, slab_heap_usable_size(p), 0); // its bytes are the program's (a recycled page holds anything)
    refused(p + kA, SLAB_ENOTSLOT, true);
    refused(p + 1, SLAB_ENOTSLOT, true);
    refused(p - 8, SLAB_EHEADER, true);
    refused(p + kD, SLAB_EBADPTR, false); // beyond its first D-block: block bytes, no header
    poison_on_free(false); // the page keeps the gone mark
    ASSERT_EQ(slab_heap_free(p), SLAB_OK);
    refused(p, SLAB_EDOUBLEFREE, false); // not reported: its heap is not read once the page went back
    poison_on_free(true);
    // A page the hook refused stays with the heap (retained, freed mark):
    // the heap is alive, so a second free is reported.
    char *r = static_cast<char *>(slab_heap_alloc(h, 3 * kD));
    ASSERT_NE(r, nullptr);
    refuse_next_frees(1);
    ASSERT_EQ(slab_heap_free(r), SLAB_EHOOKFREE);
    refused(r, SLAB_EDOUBLEFREE, true);
    char *q = static_cast<char *>(slab_heap_alloc(h, 3 * kD));
    ASSERT_NE(q, nullptr);
    ASSERT_EQ(slab_heap_free(q), SLAB_OK);
    // the hook overwrote the page (poison): nothing says it was ours any more
    refused(q, SLAB_EBADPTR, false);
}

TEST_F(HeapMisuse, LargeBlockAlignedToTwiceDHasItsHeaderBelowIt)
{
    char *p = static_cast<char *>(slab_heap_aligned_alloc(h, 2 * kD, 100));
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % (2 * kD), 0u);
    // The block's bytes are the program's: filled first, since a page the
    // hook recycles may hold anything there (a stale mark of an earlier
    // block at that address reads as a double free).
    fill(p, slab_heap_usable_size(p), 0);
    refused(p + 16, SLAB_EBADPTR, false); // masks to the block itself
    refused(p - kD + 8, SLAB_EHEADER, true);
    EXPECT_EQ(slab_heap_free(p), SLAB_OK);
}

// ---- pages, statistics, destroy, trim -------------------------------------------

TEST_F(HeapTest, StatisticsFollowThePagesAndThePeaks)
{
    slab_heap *h = make();
    std::vector<void *> v;
    for (int i = 0; i < 200; i++) {
        v.push_back(slab_heap_alloc(h, 64));
    }
    v.push_back(slab_heap_alloc(h, 5 * kD));
    slab_heap_usage full = usage(h);
    EXPECT_EQ(full.bytes_in_use, 200 * 64 + slab_heap_usable_size(v.back()));
    EXPECT_EQ(full.pages, static_cast<size_t>(outstanding()));
    EXPECT_EQ(full.page_bytes, outstanding_bytes());
    EXPECT_EQ(full.page_bytes_peak, full.page_bytes);
    EXPECT_EQ(full.classes_live, 1u);
    for (void *p : v) {
        ASSERT_EQ(slab_heap_free(p), SLAB_OK);
    }
    slab_heap_usage empty = usage(h);
    EXPECT_EQ(empty.bytes_in_use, 0u);
    EXPECT_EQ(empty.bytes_peak, full.bytes_in_use);
    EXPECT_EQ(empty.page_bytes_peak, full.page_bytes);
    EXPECT_LT(empty.page_bytes, full.page_bytes);
    EXPECT_EQ(empty.pages, static_cast<size_t>(outstanding()));
    EXPECT_EQ(empty.page_bytes, outstanding_bytes());
    EXPECT_EQ(empty.allocs, 201u);
    EXPECT_EQ(empty.frees, 201u);
    EXPECT_EQ(slab_heap_reset_peak(h), SLAB_OK);
    slab_heap_usage reset = usage(h);
    EXPECT_EQ(reset.bytes_peak, 0u);
    EXPECT_EQ(reset.page_bytes_peak, empty.page_bytes);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, TrimGivesBackEveryEmptyClass)
{
    slab_heap *h = make();
    void *keep = slab_heap_alloc(h, 500);
    for (size_t size = 1; size < 1500; size += 97) {
        ASSERT_EQ(slab_heap_free(slab_heap_alloc(h, size)), SLAB_OK);
    }
    EXPECT_GT(usage(h).classes_live, 5u);
    EXPECT_EQ(slab_heap_trim(h), SLAB_OK);
    slab_heap_usage u = usage(h);
    EXPECT_EQ(u.classes_live, 1u);
    EXPECT_EQ(u.pages, 2u); // the heap's page and the master of 500's class
    EXPECT_EQ(u.pages, static_cast<size_t>(outstanding()));
    EXPECT_EQ(slab_heap_free(keep), SLAB_OK);
    void *again = slab_heap_alloc(h, 30); // a class comes back on demand
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(slab_heap_free(again), SLAB_OK);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, DestroyIsRefusedWhileABlockIsLive)
{
    slab_heap *h = make();
    void *small = slab_heap_alloc(h, 10);
    void *large = slab_heap_alloc(h, 2 * kD);
    slab_heap_usage before = usage(h);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_EBUSY);
    EXPECT_EQ(slab_heap_free(small), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_EBUSY);
    EXPECT_EQ(usage(h).pages, before.pages);
    EXPECT_EQ(slab_heap_free(large), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, PagesTheHookRefusesBackStayUntilTrimOrDestroy)
{
    slab_heap *h = make();
    poison_on_free(false);
    void *large = slab_heap_alloc(h, 2 * kD);
    void *small = slab_heap_alloc(h, 10);
    refuse_next_frees(1);
    EXPECT_EQ(slab_heap_free(large), SLAB_EHOOKFREE); // freed; its page stays
    slab_heap_usage u = usage(h);
    EXPECT_EQ(u.blocks_in_use, 1u);
    EXPECT_EQ(u.large_blocks, 0u);
    EXPECT_EQ(u.pages, static_cast<size_t>(outstanding()));
    EXPECT_EQ(u.hook_failures, 1u);
    EXPECT_EQ(slab_heap_free(large), SLAB_EDOUBLEFREE);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_free(small), SLAB_OK);
    refuse_next_frees(1);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_EHOOKFREE);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_GT(outstanding(), 1);
    refuse_next_frees(1);
    EXPECT_EQ(slab_heap_trim(h), SLAB_EHOOKFREE);
    EXPECT_EQ(slab_heap_trim(h), SLAB_OK);
    EXPECT_EQ(usage(h).pages, 1u);
    EXPECT_EQ(usage(h).hook_failures, 3u);
    refuse_next_frees(1);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_EHOOKFREE); // the heap's own page
    EXPECT_EQ(outstanding(), 1);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, HookFailuresAreCountedAndChangeNothingElse)
{
    slab_heap *h = make();
    void *keep = slab_heap_alloc(h, 24);
    slab_heap_usage before = usage(h);
    refuse_all_allocs(true);
    EXPECT_EQ(slab_heap_alloc(h, 700), nullptr);    // new class: no master
    EXPECT_EQ(slab_heap_alloc(h, 3 * kD), nullptr); // large: no page
    std::vector<void *> v;
    for (void *p; (p = slab_heap_alloc(h, 24)) != nullptr;) { // fills the master, then no slave
        v.push_back(p);
    }
    refuse_all_allocs(false);
    slab_heap_usage after = usage(h);
    EXPECT_EQ(after.hook_failures, before.hook_failures + 3);
    EXPECT_EQ(after.pages, before.pages);
    EXPECT_EQ(after.blocks_in_use, before.blocks_in_use + v.size());
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    for (void *p : v) {
        ASSERT_EQ(slab_heap_free(p), SLAB_OK);
    }
    EXPECT_EQ(slab_heap_free(keep), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// ---- locking --------------------------------------------------------------------

TEST_F(HeapTest, SpinLockedHeapUnderFourThreadsWithCrossThreadFrees)
{
    slab_heap *h = make(SLAB_LOCK_SPIN);
    std::mutex mu;
    std::vector<void *> handed; // blocks another thread frees
    auto worker = [&](unsigned seed, bool *ok) {
        std::mt19937 rng(seed);
        std::vector<std::pair<unsigned char *, unsigned char>> mine;
        for (int i = 0; i < 20000; i++) {
            unsigned r = rng() % 100;
            if (r < 55 || mine.empty()) {
                size_t size = rng() % 20 == 0 ? rng() % (3 * kD) : rng() % 600;
                unsigned char *p = static_cast<unsigned char *>(slab_heap_alloc(h, size));
                if (p == nullptr) {
                    *ok = false;
                    return;
                }
                unsigned char b = static_cast<unsigned char>(rng());
                std::memset(p, b, size < 64 ? size : 64);
                *p = b;
                mine.emplace_back(p, b);
            } else {
                size_t k = rng() % mine.size();
                auto blk = mine[k];
                mine[k] = mine.back();
                mine.pop_back();
                if (*blk.first != blk.second) {
                    *ok = false;
                    return;
                }
                if (r < 70) {
                    std::lock_guard<std::mutex> hold(mu);
                    handed.push_back(blk.first);
                } else if (slab_heap_free(blk.first) != SLAB_OK) {
                    *ok = false;
                    return;
                }
            }
        }
        std::lock_guard<std::mutex> hold(mu);
        for (auto &b : mine) {
            handed.push_back(b.first);
        }
    };
    bool ok[4] = {true, true, true, true};
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < 4; t++) {
        threads.emplace_back(worker, t + 1, &ok[t]);
    }
    for (auto &t : threads) {
        t.join();
    }
    for (bool b : ok) {
        EXPECT_TRUE(b);
    }
    EXPECT_EQ(usage(h).blocks_in_use, handed.size());
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    for (void *p : handed) {
        ASSERT_EQ(slab_heap_free(p), SLAB_OK);
    }
    slab_heap_usage u = usage(h);
    EXPECT_EQ(u.blocks_in_use, 0u);
    EXPECT_EQ(u.allocs, u.frees);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

TEST_F(HeapTest, AcquireHoldsOffOtherThreadsUntilRelease)
{
    slab_heap *h = make(SLAB_LOCK_SPIN);
    ASSERT_EQ(slab_heap_acquire(h), SLAB_OK);
    std::atomic<void *> got{nullptr};
    std::thread t([&] { got = slab_heap_alloc(h, 32); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(got.load(), nullptr) << "an alloc ran while the lock was held";
    ASSERT_EQ(slab_heap_release(h), SLAB_OK);
    t.join();
    ASSERT_NE(got.load(), nullptr);
    EXPECT_EQ(slab_heap_free(got.load()), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// ---- the C header from C ----------------------------------------------------------

extern "C" int heap_c_api_check(void);

TEST_F(HeapTest, TheCHeaderWorksFromC)
{
    EXPECT_EQ(heap_c_api_check(), 0) << "line of the failed check in c_api_check.c";
}

// A slab that empties while its class keeps a spare already, and that the
// hook refuses back, goes into service again as a fresh slab
// (src/cache.cpp, give_slave): its page stays the heap's. A second free of
// a block the program had freed there is refused with nothing changed, and
// says SLAB_ENEVERALLOC: the fresh slab handed none of its slots out. (The
// heap fuzzer's model expects SLAB_EDOUBLEFREE for a freed block whose page
// the heap still holds: docs/heap.md, "Open finding".)
TEST_F(HeapTest, AFreedBlockOfASlabTheHookRefusedBackIsRefusedAsNeverHandedOut)
{
    slab_heap *h = make();
    std::map<uintptr_t, std::vector<void *>> by_slab;
    for (int i = 0; i < 600; i++) {
        void *p = slab_heap_alloc(h, 64);
        ASSERT_NE(p, nullptr);
        by_slab[reinterpret_cast<uintptr_t>(p) & ~uintptr_t(kD - 1)].push_back(p);
    }
    size_t most = 0;
    for (const auto &s : by_slab) {
        most = std::max(most, s.second.size());
    }
    std::vector<std::vector<void *> *> slaves; // full slaves: every block in them is ours
    for (auto &s : by_slab) {
        if (s.second.size() == most) {
            slaves.push_back(&s.second);
        }
    }
    ASSERT_GE(slaves.size(), 3u);
    for (void *p : *slaves[0]) { // empties: the class's spare
        ASSERT_EQ(slab_heap_free(p), SLAB_OK);
    }
    std::vector<void *> &second = *slaves[1];
    for (size_t i = 0; i + 1 < second.size(); i++) {
        ASSERT_EQ(slab_heap_free(second[i]), SLAB_OK);
    }
    {
        FaultScope faults;
        refuse_next_frees(1);
        EXPECT_EQ(slab_heap_free(second.back()), SLAB_EHOOKFREE) << "the hook refused the empty slab back";
    }
    slab_heap_usage before = usage(h);
    EXPECT_EQ(slab_heap_free(second[0]), SLAB_ENEVERALLOC);
    EXPECT_EQ(slab_heap_free(second.back()), SLAB_ENEVERALLOC);
    EXPECT_TRUE(same_usage(before, usage(h))) << "refused: nothing changed";
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    for (size_t k = 2; k < slaves.size(); k++) {
        for (void *p : *slaves[k]) {
            ASSERT_EQ(slab_heap_free(p), SLAB_OK);
        }
    }
    for (auto &s : by_slab) {
        if (s.second.size() != most) {
            for (void *p : s.second) {
                ASSERT_EQ(slab_heap_free(p), SLAB_OK);
            }
        }
    }
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}
