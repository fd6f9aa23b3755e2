// Issue 18 on the heap: what an adversarial suite broke, each as a test that
// failed before its fix (the caches' are in test/unit/security_test.cpp).
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "../../hooks/buffer_pages/buffer_pages.h"
#include "../../src/page_marks.hpp"
#include "heap_support.hpp"
#include "slab/slab.h"

namespace heaptest {
namespace {

using Security = HeapTest;

// slab.h: "A block of a slab_heap is refused with SLAB_EHEAPBLOCK and left
// as it was." Before: SLAB_OK, past the heap's lock and counters, and the
// heap's validate then said SLAB_ECORRUPT.
TEST_F(Security, SlabFreeRefusesAHeapBlockAndChangesNothing)
{
    slab_heap *h = make();
    void *p = slab_heap_alloc(h, 48);
    ASSERT_NE(p, nullptr);
    slab_heap_usage before = usage(h);
    EXPECT_EQ(slab_free(p), SLAB_EHEAPBLOCK);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    slab_heap_usage after = usage(h);
    EXPECT_EQ(after.blocks_in_use, before.blocks_in_use);
    EXPECT_EQ(after.frees, before.frees);
    EXPECT_EQ(slab_heap_free(p), SLAB_OK) << "still live: freed once, by its heap";
    EXPECT_EQ(slab_heap_free(p), SLAB_EDOUBLEFREE);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// A page source over mmap that unmaps what it takes back, as a hosted
// provider does with big pages (page sizes rounded up to the OS page).
void *map_alloc(void *, size_t size, size_t align)
{
    size_t len = size < 4096 ? 4096 : size;
    size_t span = len + align;
    auto *raw = static_cast<char *>(mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (raw == MAP_FAILED) {
        return nullptr;
    }
    uintptr_t a = (reinterpret_cast<uintptr_t>(raw) + align - 1) & ~(uintptr_t(align) - 1);
    char *page = reinterpret_cast<char *>(a);
    if (page > raw) {
        munmap(raw, static_cast<size_t>(page - raw));
    }
    size_t tail = static_cast<size_t>(raw + span - (page + len));
    if (tail != 0) {
        munmap(page + len, tail);
    }
    return page;
}
int map_free(void *, void *page, size_t size, size_t)
{
    return munmap(page, size < 4096 ? 4096 : size);
}

// heap.h, slab_heap_free_in: "a large block freed twice after its page went
// back to a source that unmapped it is refused (SLAB_EBADPTR), not a
// fault." Before: the second free read the unmapped header (SIGSEGV).
TEST_F(Security, ALargeBlockFreedTwiceAfterItsPageWasUnmappedIsRefused)
{
    slab_page_source src = {map_alloc, map_free, nullptr};
    slab_heap_config cfg = {0, nullptr, &src};
    slab_heap *h = nullptr;
    ASSERT_EQ(slab_heap_create_ex(&h, &cfg), SLAB_OK);
    Reports r;
    r.attach(h);
    void *keep = slab_heap_alloc(h, 40000); // another large block, live throughout
    void *p = slab_heap_alloc(h, size_t(1) << 20);
    ASSERT_NE(p, nullptr);
    ASSERT_NE(keep, nullptr);
    std::memset(p, 0x77, 4096);
    EXPECT_EQ(slab_heap_free_in(h, p), SLAB_OK);
    EXPECT_EQ(slab_heap_free_in(h, p), SLAB_EBADPTR) << "refused from the heap's table, the page not read";
    EXPECT_EQ(slab_heap_usable_size_in(h, p), 0u);
    EXPECT_EQ(slab_heap_realloc(h, p, 10), nullptr);
    ASSERT_GE(r.seen.size(), 2u);
    EXPECT_EQ(r.seen[0].status, SLAB_EBADPTR);
    EXPECT_EQ(r.seen[0].ptr, p);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(usage(h).large_blocks, 1u);
    EXPECT_EQ(slab_heap_free_in(h, keep), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// A buddy provider (hooks/buffer_pages) merges freed pages and hands them
// out again, whole, as one block.
struct Buddy {
    alignas(65536) static unsigned char buf[3 * 65536];
    buffer_pool *pool = nullptr;
    slab_page_source src{};
    Buddy()
    {
        std::memset(buf, 0, sizeof buf);
        pool = buffer_pool_init(buf, sizeof buf, 256, 65536);
        src = slab_page_source{buffer_pool_page_alloc, buffer_pool_page_free, pool};
    }
};
alignas(65536) unsigned char Buddy::buf[3 * 65536];

// The scenario of the report: two adjacent 4 KiB large blocks freed (lower
// first), then a 6000-byte block gets the merged 8 KiB; the words it holds
// must not depend on the secret. Returns them.
std::vector<uintptr_t> merged_block_words(uintptr_t secret)
{
    uintptr_t saved = slab_secret;
    slab_secret = secret; // no heap or cache lives here: a new secret is allowed
    std::vector<uintptr_t> words;
    Buddy b;
    slab_heap_config cfg = {0, nullptr, &b.src};
    slab_heap *h = nullptr;
    EXPECT_EQ(slab_heap_create_ex(&h, &cfg), SLAB_OK);
    // Blocks of 3000 B until two are buddies: adjacent 4 KiB pages, the
    // lower one 8 KiB-aligned.
    std::vector<char *> blocks;
    char *lo = nullptr;
    char *hi = nullptr;
    for (int i = 0; i < 8 && lo == nullptr; i++) {
        blocks.push_back(static_cast<char *>(slab_heap_alloc(h, 3000)));
        for (char *x : blocks) {
            for (char *y : blocks) {
                uintptr_t xb = reinterpret_cast<uintptr_t>(x) & ~uintptr_t(4095);
                if (y - x == 4096 && (xb & 8191) == 0) {
                    lo = x;
                    hi = y;
                }
            }
        }
    }
    EXPECT_NE(lo, nullptr) << "the buddy gave two adjacent pages";
    if (lo == nullptr) {
        return words;
    }
    EXPECT_EQ(slab_heap_free(lo), SLAB_OK);
    EXPECT_EQ(slab_heap_free(hi), SLAB_OK);
    auto *big = static_cast<uintptr_t *>(slab_heap_alloc(h, 6000));
    EXPECT_EQ(reinterpret_cast<char *>(big), lo) << "the merged 8 KiB came back";
    for (size_t i = 0; i < 6000 / sizeof(uintptr_t); i++) {
        words.push_back(big[i]);
    }
    EXPECT_EQ(slab_heap_free(big), SLAB_OK);
    for (char *x : blocks) {
        if (x != lo && x != hi) {
            EXPECT_EQ(slab_heap_free(x), SLAB_OK);
        }
    }
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
    slab_secret = saved;
    return words;
}

// slab/hooks.h: "libslab ... never leaves a word derived from [the secret]
// in memory it gives back." Before: the word at +4080 of the merged block
// was the old page's gone mark, which gave away bits 11-63 of the secret.
TEST_F(Security, MemoryGivenBackHoldsNoWordDerivedFromTheSecret)
{
    std::vector<uintptr_t> a = merged_block_words(uintptr_t(0x0123456789ABCDEFull));
    std::vector<uintptr_t> b = merged_block_words(uintptr_t(0xFEDCBA9876543210ull));
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); i++) {
        EXPECT_EQ(a[i], b[i]) << "word at +" << i * sizeof(uintptr_t) << " depends on the secret";
    }
}

// heap.h: "a header forged in memory names nothing the heap handed out."
// Even with the secret known (leaked), a large header forged inside a live
// block's data frees nothing. Before: slab_heap_free of the interior
// pointer was accepted as a large block (blocks 15 -> 14, validate OK).
TEST_F(Security, ALargeHeaderForgedWithTheSecretFreesNothing)
{
    using namespace slab::detail;
    slab_heap *h = make();
    auto *p = static_cast<char *>(slab_heap_alloc(h, 12000)); // a 16 KiB page
    ASSERT_NE(p, nullptr);
    char *base = p - (reinterpret_cast<uintptr_t>(p) & (16384 - 1));
    auto *fake = reinterpret_cast<large_hdr *>(base + 8192); // a D-block inside the block's data
    uintptr_t geo = 12u | (4u << 6); // a 4 KiB page, block 16 bytes above the header
    fake->heap = h;
    fake->tag = large_tag(fake, h, kLargeLive, geo);
    slab_heap_usage before = usage(h);
    EXPECT_EQ(slab_heap_free(base + 8192 + 16), SLAB_EBADPTR);
    EXPECT_EQ(slab_heap_usable_size(base + 8192 + 16), 0u);
    EXPECT_EQ(usage(h).blocks_in_use, before.blocks_in_use);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_free(p), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// page_marks.hpp: a page the source hands out again while a live heap block
// or a heap's control block lies in it is never given to a cache. Before:
// the cache took it (its objects inside the block, which then could not be
// freed), or crashed on the heap's control page.
TEST_F(Security, APageHoldingALiveHeapBlockOrHeapIsNotHandedToACache)
{
    slab_heap *h = make();
    auto *big = static_cast<char *>(slab_heap_alloc(h, 3000));
    ASSERT_NE(big, nullptr);
    char *page = big - (reinterpret_cast<uintptr_t>(big) & (SLAB_DEFAULT_SLAB_SIZE - 1));
    slab_cache *c = nullptr;
    {
        FaultScope f;
        hand_out_again(page);
        EXPECT_EQ(slab_cache_create(&c, 64, 0, 0, 0), SLAB_EHOOKDUP);
    }
    {
        FaultScope f;
        hand_out_again(h); // the heap's control page
        size_t size = page_of(h);
        ASSERT_GE(size, size_t(SLAB_MIN_SLAB_SIZE));
        EXPECT_EQ(slab_cache_create(&c, 16, 0, size, 0), SLAB_EHOOKDUP);
    }
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_free(big), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// A page source that records what it hands out and can hand one page out
// again (a misbehaving source).
struct Recorder {
    std::vector<std::pair<void *, size_t>> given;
    void *again = nullptr;
    static void *alloc(void *ctx, size_t size, size_t align)
    {
        auto *r = static_cast<Recorder *>(ctx);
        if (r->again != nullptr) {
            void *p = r->again;
            r->again = nullptr;
            return p;
        }
        void *p = std::aligned_alloc(align, size);
        r->given.emplace_back(p, size);
        return p;
    }
    static int free(void *ctx, void *page, size_t, size_t)
    {
        auto *r = static_cast<Recorder *>(ctx);
        for (auto it = r->given.begin(); it != r->given.end(); ++it) {
            if (it->first == page) {
                r->given.erase(it);
                std::free(page);
                return 0;
            }
        }
        return 1;
    }
};

// page_marks.hpp: a heap's table of large blocks, once in a page of its
// own, is a page of ours too: a source that hands it out again to a new
// heap is caught (SLAB_EHOOKDUP), and the first heap's table is intact.
// Found by the heap fuzzer: heap creation checked only for a heap's magic.
TEST_F(Security, ALargeTablePageHandedOutAgainIsNotTakenForAHeap)
{
    Recorder r;
    slab_page_source src = {Recorder::alloc, Recorder::free, &r};
    slab_heap_config cfg = {0, nullptr, &src};
    slab_heap *h = nullptr;
    ASSERT_EQ(slab_heap_create_ex(&h, &cfg), SLAB_OK);
    const size_t control = r.given.at(0).second;
    std::vector<void *> blocks;
    void *table = nullptr;
    for (int i = 0; i < 64 && table == nullptr; i++) {
        blocks.push_back(slab_heap_alloc(h, 3000));
        ASSERT_NE(blocks.back(), nullptr);
        for (size_t k = 1; k < r.given.size(); k++) { // a page of the control page's size: the table's
            if (r.given[k].second == control) {
                table = r.given[k].first;
            }
        }
    }
    ASSERT_NE(table, nullptr) << "the table never moved to a page of the control page's size";
    slab_heap *other = nullptr;
    r.again = table;
    EXPECT_EQ(slab_heap_create_ex(&other, &cfg), SLAB_EHOOKDUP);
    EXPECT_EQ(other, nullptr);
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK) << "the table was written";
    for (void *b : blocks) {
        EXPECT_EQ(slab_heap_free_in(h, b), SLAB_OK);
    }
    EXPECT_EQ(slab_heap_trim(h), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
    EXPECT_TRUE(r.given.empty()) << "every page back";
}

// slab/hooks.h: a heap made under another secret is refused with
// SLAB_ESECRET by every call that takes it; nothing changes.
TEST_F(Security, AHeapMadeUnderAnotherSecretIsRefusedWithItsOwnStatus)
{
    const uintptr_t made_with = slab_secret;
    slab_heap *h = make();
    void *p = slab_heap_alloc(h, 100);
    ASSERT_NE(p, nullptr);
    slab_secret = made_with ^ 0x33CC33CCu;
    slab_heap_usage u{};
    EXPECT_EQ(slab_heap_stats(h, &u), SLAB_ESECRET);
    EXPECT_EQ(slab_heap_validate(h), SLAB_ESECRET);
    EXPECT_EQ(slab_heap_free_in(h, p), SLAB_ESECRET);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_ESECRET);
    EXPECT_EQ(slab_heap_free(p), SLAB_EBADPTR);
    slab_secret = made_with;
    EXPECT_EQ(usage(h).blocks_in_use, 1u);
    EXPECT_EQ(slab_heap_free_in(h, p), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

// config.h (SLAB_ADDR_MIN, SLAB_ADDR_END): addresses where no page can lie
// are refused before anything is read. Before: SIGSEGV in slab_heap_free
// and slab_heap_usable_size for (void *)4096, 4097 and non-canonical ones.
TEST_F(Security, WildPointersAreRefusedWithoutBeingRead)
{
    if (SLAB_ADDR_MIN == 0 && SLAB_ADDR_END == 0) {
        GTEST_SKIP() << "no address range on this target";
    }
    slab_heap *h = make();
    std::vector<uintptr_t> wild = {1, 4096, 4097, 8193, 65535};
    if (SLAB_ADDR_END != 0) {
        wild.push_back(uintptr_t(SLAB_ADDR_END) + 16);
        wild.push_back(~uintptr_t(0) - 4095 + 16);
    }
    for (uintptr_t a : wild) {
        void *p = reinterpret_cast<void *>(a);
        EXPECT_EQ(slab_heap_free(p), SLAB_EBADPTR) << std::hex << a;
        EXPECT_EQ(slab_heap_free_in(h, p), SLAB_EBADPTR) << std::hex << a;
        EXPECT_EQ(slab_heap_usable_size(p), 0u) << std::hex << a;
        EXPECT_EQ(slab_heap_usable_size_in(h, p), 0u) << std::hex << a;
        EXPECT_EQ(slab_heap_realloc(h, p, 8), nullptr) << std::hex << a;
    }
    EXPECT_EQ(slab_heap_validate(h), SLAB_OK);
    EXPECT_EQ(slab_heap_destroy(h), SLAB_OK);
}

}  // namespace
}  // namespace heaptest
