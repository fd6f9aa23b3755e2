// Location-independent free: slab_free() finds an object's slab and cache by
// masking its address, whatever cache it came from; slab_cache_free() checks
// the owner; neither ever frees into the wrong slab.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "page_leak_test.hpp"
#include "slab/slab.h"
#include "slab_dump.hpp"

namespace {

class Free : public slabtest::PageLeakTest {};

uint32_t in_use(const slab_cache *c)
{
    slab_stats st{};
    EXPECT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    return st.objs_in_use;
}

// Objects of five default-size caches, freed in a shuffled mix by slab_free()
// alone: each cache's count drops by exactly its own objects.
TEST_F(Free, SlabFreeFindsTheCacheOfAnyObject)
{
    struct Kind {
        size_t size, align;
    };
    const Kind kinds[] = {{8, 0}, {24, 8}, {100, 4}, {512, 64}, {2000, 16}};
    std::vector<slab_cache *> caches;
    std::vector<std::pair<void *, size_t>> objs; // object, cache index
    for (const Kind &k : kinds) {
        slab_cache *c = nullptr;
        ASSERT_EQ(slab_cache_create(&c, k.size, k.align, 0, 0), SLAB_OK);
        caches.push_back(c);
    }
    std::mt19937 rng(12345);
    for (int i = 0; i < 3000; i++) {
        size_t ci = rng() % caches.size();
        void *p = slab_alloc(caches[ci]);
        ASSERT_NE(p, nullptr);
        objs.emplace_back(p, ci);
    }
    std::shuffle(objs.begin(), objs.end(), rng);
    std::vector<uint32_t> left(caches.size());
    for (size_t ci = 0; ci < caches.size(); ci++) {
        left[ci] = in_use(caches[ci]);
    }
    for (const auto &o : objs) {
        ASSERT_EQ(slab_free(o.first), SLAB_OK);
        left[o.second]--;
        for (size_t ci = 0; ci < caches.size(); ci++) {
            ASSERT_EQ(in_use(caches[ci]), left[ci]) << "cache " << ci;
        }
    }
    for (slab_cache *c : caches) {
        ASSERT_EQ(slab_cache_validate(c), SLAB_OK) << slabtest::dump(c);
        slab_stats st{};
        ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
        EXPECT_LE(st.slabs_in_use, 2u) << "master and at most one spare once empty";
        EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
    }
}

// slab_cache_free() with another cache's object: refused, nothing changes,
// the report hook hears of it.
TEST_F(Free, CacheFreeRefusesAnotherCachesObject)
{
    slab_cache *a = nullptr, *b = nullptr;
    ASSERT_EQ(slab_cache_create(&a, 32, 0, 0, 0), SLAB_OK);
    ASSERT_EQ(slab_cache_create(&b, 32, 0, 0, 0), SLAB_OK);
    struct Heard {
        slab_cache *cache = nullptr;
        slab_status status = SLAB_OK;
        void *ptr = nullptr;
        int calls = 0;
    } heard;
    ASSERT_EQ(slab_cache_set_error_handler(
                  b,
                  [](void *ctx, slab_cache *c, slab_status st, void *p) {
                      Heard *h = static_cast<Heard *>(ctx);
                      h->cache = c;
                      h->status = st;
                      h->ptr = p;
                      h->calls++;
                  },
                  &heard),
              SLAB_OK);
    void *p = slab_alloc(a);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(slab_cache_free(b, p), SLAB_EWRONGCACHE);
    EXPECT_EQ(heard.calls, 1);
    EXPECT_EQ(heard.cache, b);
    EXPECT_EQ(heard.status, SLAB_EWRONGCACHE);
    EXPECT_EQ(heard.ptr, p);
    EXPECT_EQ(in_use(a), 1u);
    EXPECT_EQ(in_use(b), 0u);
    EXPECT_EQ(slab_cache_free(a, p), SLAB_OK);
    EXPECT_EQ(slab_cache_free(a, nullptr), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_free(nullptr, p), SLAB_EINVAL);
    EXPECT_EQ(slab_cache_validate(a), SLAB_OK);
    EXPECT_EQ(slab_cache_validate(b), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(a), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(b), SLAB_OK);
}

// A custom slab size: slab_free() refuses every object (ESLABSIZEFREE when
// the default-size mask lands on the slab's own header, else EBADPTR),
// slab_cache_free() frees them.
TEST_F(Free, CustomSlabSizeNeedsCacheFree)
{
    const size_t S = 4 * SLAB_DEFAULT_SLAB_SIZE;
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, 200, 0, S, 0), SLAB_OK);
    slab_stats st{};
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    std::vector<void *> objs;
    for (uint32_t i = 0; i < st.objs_in_master + st.objs_per_slab; i++) {
        void *p = slab_alloc(c);
        ASSERT_NE(p, nullptr);
        std::memset(p, 0x5A, 200); // object bytes that no header resembles
        objs.push_back(p);
    }
    unsigned near_header = 0, elsewhere = 0;
    for (void *p : objs) {
        uintptr_t off = reinterpret_cast<uintptr_t>(p) - slabtest::slab_base(p, S);
        slab_status want = off < SLAB_DEFAULT_SLAB_SIZE ? SLAB_ESLABSIZEFREE : SLAB_EBADPTR;
        (want == SLAB_ESLABSIZEFREE ? near_header : elsewhere)++;
        ASSERT_EQ(slab_free(p), want) << "offset " << off;
    }
    EXPECT_GT(near_header, 0u);
    EXPECT_GT(elsewhere, 0u);
    EXPECT_EQ(in_use(c), objs.size()) << "nothing freed by a refused slab_free";
    ASSERT_EQ(slab_cache_validate(c), SLAB_OK) << slabtest::dump(c);
    for (void *p : objs) {
        ASSERT_EQ(slab_cache_free(c, p), SLAB_OK);
    }
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}

// Pointers that lead to no slab header.
TEST_F(Free, ForeignPointersAreRefused)
{
    EXPECT_EQ(slab_free(nullptr), SLAB_EINVAL);
    void *block = std::aligned_alloc(SLAB_DEFAULT_SLAB_SIZE, SLAB_DEFAULT_SLAB_SIZE);
    ASSERT_NE(block, nullptr);
    std::memset(block, 0, SLAB_DEFAULT_SLAB_SIZE);
    EXPECT_EQ(slab_free(static_cast<char *>(block) + 512), SLAB_EBADPTR);
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, 16, 0, 0, 0), SLAB_OK);
    EXPECT_EQ(slab_cache_free(c, static_cast<char *>(block) + 512), SLAB_EBADPTR);
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
    std::free(block);
}

}  // namespace
