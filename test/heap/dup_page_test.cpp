// A page hook that hands out a page which still holds a live large block
// (a hook handing a page out twice) must be refused, whoever asks for the
// page, with one hook failure counted and the live block untouched: heap.h
// counts "duplicate pages" in hook_failures, and docs/heap.md says a page
// from the hook is checked to be "not a live slab or live large block of
// ours". Found by the heap fuzz target (test/fuzz/heap, make fuzz-heap).
//
// Each case runs in a child process (EXPECT_EXIT): when the heap takes the
// page, its state is corrupt and cannot be torn down, so the child exits
// with its verdict and the parent's pages stay untouched.
#include <cstdlib>
#include <cstring>

#include "heap_support.hpp"

using namespace heaptest;

namespace {

constexpr size_t kD = SLAB_DEFAULT_SLAB_SIZE;

enum Verdict {
    kRefused = 0,   // NULL, one hook failure counted, the block intact
    kTaken = 1,     // the alloc returned a block: the live page was used again
    kCorrupted = 2, // refused, but the live block's bytes changed
    kUncounted = 3, // refused, but hook_failures did not grow by one
    kSetup = 4,
};

// In the child: a heap with one live large block of `block` bytes aligned to
// `align`, filled; the hook hands that block's page out again to the next
// slab_heap_alloc(next). The verdict of that alloc.
int dup_verdict(size_t block, size_t align, size_t next)
{
    slab_heap *h = nullptr;
    if (slab_heap_create(&h, 0) != SLAB_OK) {
        return kSetup;
    }
    unsigned char *p = static_cast<unsigned char *>(slab_heap_aligned_alloc(h, align, block));
    size_t page = page_of(p);
    if (p == nullptr || page == 0) {
        return kSetup;
    }
    std::memset(p, 0x11, block);
    slab_heap_usage before{}, after{};
    (void)slab_heap_stats(h, &before);
    hand_out_again(reinterpret_cast<void *>(reinterpret_cast<uintptr_t>(p) & ~(uintptr_t)(page - 1)));
    void *q = slab_heap_alloc(h, next);
    (void)slab_heap_stats(h, &after);
    if (q != nullptr) {
        return kTaken;
    }
    for (size_t i = 0; i < block; i++) {
        if (p[i] != 0x11) {
            return kCorrupted;
        }
    }
    return after.hook_failures == before.hook_failures + 1 ? kRefused : kUncounted;
}

}  // namespace

// A large block's live page, asked for again by a large block: refused
// (take_page sees the live large header at the page's base). Passes.
TEST(HeapDuplicatePage, LiveLargePageRefusedForALargeBlock)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(std::_Exit(dup_verdict(kD - 2 * sizeof(void *), alignof(max_align_t), 3000)),
                ::testing::ExitedWithCode(kRefused), "");
}

// The same page asked for by a class cache (the first block of a class
// creates its cache, whose master slab is a page of D): the core's
// page check looks for a slab header only, so the page is taken, a slab
// header is written over the large block's header, and the alloc returns a
// block inside the live large block. (Fixed: the class caches take their
// pages through the heap's check, page_in_use in src/heap.cpp.)
TEST(HeapDuplicatePage, LiveLargePageRefusedForAClassCache)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(std::_Exit(dup_verdict(kD - 2 * sizeof(void *), alignof(max_align_t), 16)),
                ::testing::ExitedWithCode(kRefused), "");
}

// A block aligned to 2 D: its page is 4 D with the header at base + D (heap.md,
// "Large blocks"), not at the page's base, where take_page looks. Asked for
// again by a large block of the same page size, the page is taken over the
// live block. (Fixed: page_in_use looks at every header place.)
TEST(HeapDuplicatePage, LiveAlignedLargePageRefusedForALargeBlock)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(std::_Exit(dup_verdict(100, 2 * kD, 3 * kD)), ::testing::ExitedWithCode(kRefused), "");
}

// A large page the hook refused back stays with the heap (heap.md: "on a
// list linked through the freed block") with the freed mark. Handed out again
// by the hook, take_page sees no live header there and takes it: the new
// block overwrites the retained list's link, and the heap holds the page
// twice. (Fixed: page_in_use refuses retained pages too.)
namespace {

int retained_dup_verdict()
{
    slab_heap *h = nullptr;
    void *p = slab_heap_create(&h, 0) == SLAB_OK ? slab_heap_alloc(h, 3000) : nullptr;
    void *page = reinterpret_cast<void *>(reinterpret_cast<uintptr_t>(p) & ~(uintptr_t)(kD - 1));
    refuse_next_frees(1);
    if (p == nullptr || slab_heap_free(p) != SLAB_EHOOKFREE || !is_live_page(page, kD)) {
        return kSetup;
    }
    slab_heap_usage before{}, after{};
    (void)slab_heap_stats(h, &before);
    hand_out_again(page);
    void *q = slab_heap_alloc(h, 3000);
    (void)slab_heap_stats(h, &after);
    if (q != nullptr) {
        return kTaken;
    }
    return after.hook_failures == before.hook_failures + 1 ? kRefused : kUncounted;
}

}  // namespace

TEST(HeapDuplicatePage, RetainedLargePageRefusedForALargeBlock)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(std::_Exit(retained_dup_verdict()), ::testing::ExitedWithCode(kRefused), "");
}
