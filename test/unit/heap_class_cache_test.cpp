// SPDX-License-Identifier: MIT
// The C front on a heap's class caches (src/lock_class.cpp,
// kHeapClassCacheLock): a heap serves its small blocks from one slab cache
// per size class, whose lock is the heap's. A cache call cannot take that
// lock, so every one of them refuses the class cache and changes nothing:
// slab_free() of a heap block SLAB_EHEAPBLOCK (slab.h), the calls on its
// handle SLAB_EUNSUPPORTED. The handle is not in the heap API; a traced
// build hands it to slab_trace() (slab/trace.h), and memory may hold it, so
// the C front checks for it. Here it is read from the block's slab header.
// (The heap's own suite is test/heap; this one checks the cache calls.)
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "page_leak_test.hpp"
#include "slab/detail/cache.hpp"
#include "slab/heap.h"
#include "slab/slab.h"

namespace {

// What the heap's report hook heard.
struct Heard {
    int calls = 0;
};

void hear(void *ctx, slab_heap *, slab_status, void *) { static_cast<Heard *>(ctx)->calls++; }
void hear_cache(void *ctx, slab_cache *, slab_status, void *) { static_cast<Heard *>(ctx)->calls++; }

// A wait interface that must never be used: the calls refuse first.
struct WaitUse {
    int waits = 0;
    int wakes = 0;
};
int wait_fn(void *ctx, uint32_t *)
{
    static_cast<WaitUse *>(ctx)->waits++;
    return 1;
}
void wake_fn(void *ctx) { static_cast<WaitUse *>(ctx)->wakes++; }

class HeapClassCache : public slabtest::PageLeakTest {
protected:
    void SetUp() override
    {
        PageLeakTest::SetUp();
        ASSERT_EQ(slab_heap_create(&h_, 0), SLAB_OK);
        ASSERT_EQ(slab_heap_set_error_handler(h_, hear, &heard_), SLAB_OK);
    }
    void TearDown() override
    {
        for (void *p : blocks_) {
            EXPECT_EQ(slab_heap_free(p), SLAB_OK) << "a block the cache calls refused is still the heap's";
        }
        EXPECT_EQ(slab_heap_validate(h_), SLAB_OK);
        EXPECT_EQ(slab_heap_destroy(h_), SLAB_OK);
        EXPECT_EQ(heard_.calls, 0) << "a refused cache call is not the heap's misuse to report";
        PageLeakTest::TearDown();
    }
    void *alloc(size_t size)
    {
        void *p = slab_heap_alloc(h_, size);
        EXPECT_NE(p, nullptr) << size;
        if (p != nullptr) {
            blocks_.push_back(p);
        }
        return p;
    }
    slab_heap_usage usage() const
    {
        slab_heap_usage u{};
        EXPECT_EQ(slab_heap_stats(h_, &u), SLAB_OK);
        return u;
    }
    // The class cache that serves small block p: the cache its slab header names.
    static slab_cache *class_cache_of(const void *p)
    {
        return slab::detail::page_of(p, SLAB_DEFAULT_SLAB_SIZE)->cache;
    }
    static void expect_same(const slab_heap_usage &a, const slab_heap_usage &b)
    {
        EXPECT_EQ(a.bytes_in_use, b.bytes_in_use);
        EXPECT_EQ(a.blocks_in_use, b.blocks_in_use);
        EXPECT_EQ(a.pages, b.pages);
        EXPECT_EQ(a.allocs, b.allocs);
        EXPECT_EQ(a.frees, b.frees);
        EXPECT_EQ(a.hook_failures, b.hook_failures);
        EXPECT_EQ(a.classes_live, b.classes_live);
    }

    slab_heap *h_ = nullptr;
    Heard heard_;
    std::vector<void *> blocks_;
};

// slab.h, slab_free(): "A block of a slab_heap is refused with
// SLAB_EHEAPBLOCK and left as it was ... The heap's report hook is not
// called." A block of every size class, smallest to largest.
TEST_F(HeapClassCache, SlabFreeRefusesABlockOfEveryClassAndChangesNothing)
{
    const size_t classes = slab_heap_class_count();
    ASSERT_GE(classes, 2u);
    for (size_t i = 0; i < classes; i++) {
        alloc(slab_heap_class_size(i));
    }
    ASSERT_EQ(blocks_.size(), classes);
    const slab_heap_usage before = usage();
    EXPECT_EQ(before.classes_live, classes);
    for (size_t i = 0; i < classes; i++) {
        void *p = blocks_[i];
        ASSERT_EQ(class_cache_of(p)->lock_kind, SLAB_LOCK_KIND_HEAP) << "class " << i;
        EXPECT_EQ(slab_free(p), SLAB_EHEAPBLOCK) << "class " << i;
        EXPECT_EQ(slab_free(p), SLAB_EHEAPBLOCK) << "class " << i << ": refused again, not a double free";
        EXPECT_EQ(slab_heap_usable_size(p), slab_heap_class_size(i)) << "still live";
    }
    expect_same(usage(), before);
    EXPECT_EQ(slab_heap_validate(h_), SLAB_OK);
}

// Every call on a class cache's handle is refused: it cannot take the heap's
// lock. Nothing of the cache or the heap changes, and the heap goes on
// serving and freeing that class.
TEST_F(HeapClassCache, EveryCallOnAClassCacheHandleIsRefused)
{
    void *p = alloc(48);
    void *q = alloc(48);
    ASSERT_NE(p, nullptr);
    ASSERT_NE(q, nullptr);
    slab_cache *c = class_cache_of(p);
    ASSERT_EQ(class_cache_of(q), c);
    const slab_heap_usage before = usage();
    const uint32_t slabs = c->slabs;

    slab_stats st{};
    EXPECT_EQ(slab_cache_stats(c, &st), SLAB_EUNSUPPORTED);
    EXPECT_EQ(st.objs_in_use, 0u) << "nothing written on a refusal";
    EXPECT_EQ(slab_cache_reset_peak(c), SLAB_EUNSUPPORTED);
    Heard cache_heard;
    EXPECT_EQ(slab_cache_set_error_handler(c, hear_cache, &cache_heard), SLAB_EUNSUPPORTED);
    EXPECT_NE(c->on_error, &hear_cache) << "the heap's trampoline stays";
    WaitUse use;
    const slab_wait_ops ops = {wait_fn, wake_fn, nullptr, &use};
    EXPECT_EQ(slab_cache_set_wait(c, &ops), SLAB_EUNSUPPORTED);
    EXPECT_EQ(c->wait, nullptr);
    EXPECT_EQ(slab_cache_free(c, q), SLAB_EHEAPBLOCK);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_EUNSUPPORTED);

    slab_status why = SLAB_OK;
    EXPECT_EQ(slab_alloc(c), nullptr);
    EXPECT_EQ(slab_alloc_status(c, &why), nullptr);
    EXPECT_EQ(why, SLAB_EUNSUPPORTED);
    why = SLAB_OK;
    EXPECT_EQ(slab_alloc_wait_status(c, 10, &why), nullptr);
    EXPECT_EQ(why, SLAB_EUNSUPPORTED);
    EXPECT_EQ(slab_alloc_wait(c, SLAB_WAIT_FOREVER), nullptr);
    EXPECT_EQ(use.waits + use.wakes, 0);
    EXPECT_EQ(cache_heard.calls, 0);

    // The read-only checks take no lock: they answer for a class cache too.
    EXPECT_EQ(slab_cache_check(c), SLAB_OK);
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
    EXPECT_EQ(c->slabs, slabs);
    expect_same(usage(), before);
    EXPECT_EQ(slab_heap_validate(h_), SLAB_OK);

    // The heap still frees and serves the class.
    EXPECT_EQ(slab_heap_free(q), SLAB_OK);
    blocks_.pop_back();
    EXPECT_EQ(usage().blocks_in_use, before.blocks_in_use - 1);
    void *r = alloc(48);
    EXPECT_EQ(class_cache_of(r), c);
}

// A large block has no slab header: slab_free finds none and refuses it as
// any pointer with no genuine header (slab.h), the block still the heap's.
TEST_F(HeapClassCache, SlabFreeRefusesALargeBlockAsNoSlabsObject)
{
    void *p = alloc(slab_heap_max_small() + 1u);
    ASSERT_NE(p, nullptr);
    // Its bytes from the third word on lie where a slab header keeps its
    // magic (src/heap.cpp): a program's data, written here.
    std::memset(p, 0x5A, slab_heap_max_small() + 1u);
    slab_heap_usage before = usage();
    EXPECT_EQ(usage().large_blocks, 1u);
    EXPECT_EQ(slab_free(p), SLAB_EBADPTR);
    expect_same(before, usage());
}

}  // namespace
