// Slab geometry as slab_cache_create() plans it: for every object size,
// alignment and slab size, the stride and capacities follow the sizing
// formula (test/support/sizing_formula.hpp), and what cannot work is refused
// before any page is taken.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "page_leak_test.hpp"
#include "sizing_formula.hpp"
#include "slab/detail/cache.hpp"
#include "slab/slab.h"

using slabtest::expected_sizing;
using slabtest::largest_object;
namespace pages = slabtest::pages;

namespace {

// Slab sizes 256 B .. 1 MiB.
std::vector<size_t> slab_sizes()
{
    std::vector<size_t> out;
    for (size_t s = 256; s <= (size_t(1) << 20); s <<= 1) {
        out.push_back(s);
    }
    return out;
}

// 0 (the default) and every power of two up to S/2.
std::vector<size_t> alignments(size_t slab_size)
{
    std::vector<size_t> out{0};
    for (size_t a = 1; a <= slab_size / 2; a <<= 1) {
        out.push_back(a);
    }
    return out;
}

// The sizes of the brief, a few fractions of S, and the largest that fits.
std::vector<size_t> object_sizes(size_t align, size_t slab_size)
{
    std::vector<size_t> out{1,   2,   3,   7,   8,   9,   15,   16,   17,   24,   31,  32,
                            33,  48,  64,  100, 128, 255, 256,  1000, 2000, 4000, 4095, 4096};
    out.push_back(slab_size / 4);
    out.push_back(slab_size / 2 - 1);
    out.push_back(slab_size / 2);
    out.push_back(largest_object(align, slab_size));
    std::vector<size_t> fit;
    for (size_t n : out) {
        if (n >= 1 && n <= largest_object(align, slab_size)) {
            fit.push_back(n);
        }
    }
    return fit;
}

class Geometry : public slabtest::PageLeakTest {};

// "stride/capacity as the sizing formula says", for every combination.
TEST_F(Geometry, StatsFollowTheSizingFormula)
{
    unsigned checked = 0;
    for (size_t S : slab_sizes()) {
        for (size_t a : alignments(S)) {
            for (size_t n : object_sizes(a, S)) {
                SCOPED_TRACE(testing::Message() << "obj_size=" << n << " align=" << a << " S=" << S);
                slabtest::Sizing z = expected_sizing(n, a, S);
                ASSERT_EQ(z.status, SLAB_OK);
                slab_cache *c = nullptr;
                ASSERT_EQ(slab_cache_create(&c, n, a, S, 0), SLAB_OK);
                slab_stats st;
                ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
                EXPECT_EQ(st.obj_size, n);
                EXPECT_EQ(st.slot_size, z.stride);
                EXPECT_EQ(st.slot_size % z.align, 0u);
                EXPECT_GE(st.slot_size, n);
                EXPECT_EQ(st.slab_size, S);
                EXPECT_EQ(st.objs_per_slab, z.cap_slave);
                EXPECT_EQ(st.objs_in_master, z.cap_master);
                EXPECT_LE(st.objs_in_master, st.objs_per_slab);
                EXPECT_EQ(reinterpret_cast<uintptr_t>(c) & (S - 1), z.cache_at);
                EXPECT_EQ(c->wide, z.map_width == 2 ? 1u : 0u);
                EXPECT_EQ(st.objs_in_use, 0u);
                EXPECT_EQ(st.slabs_in_use, 1u);
                EXPECT_EQ(st.pages_taken, 1u);
                EXPECT_EQ(st.pages_given, 0u);
                EXPECT_EQ(st.hook_failures, 0u);
                EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
                ASSERT_EQ(slab_cache_destroy(c), SLAB_OK);
                checked++;
            }
        }
    }
    EXPECT_GT(checked, 1000u);
}

// One byte more than the largest object, at every alignment: refused.
TEST_F(Geometry, OneByteMoreThanTheLargestIsTooBig)
{
    for (size_t S : slab_sizes()) {
        for (size_t a : alignments(S)) {
            size_t n = largest_object(a, S) + 1;
            SCOPED_TRACE(testing::Message() << "obj_size=" << n << " align=" << a << " S=" << S);
            EXPECT_EQ(expected_sizing(n, a, S).status, SLAB_ETOOBIG);
            slab_cache *c = nullptr;
            uint64_t calls = pages::alloc_calls();
            EXPECT_EQ(slab_cache_create(&c, n, a, S, 0), SLAB_ETOOBIG);
            EXPECT_EQ(c, nullptr);
            EXPECT_EQ(pages::alloc_calls(), calls) << "a refused geometry must not touch the hook";
        }
    }
}

// slab_size 0 means SLAB_DEFAULT_SLAB_SIZE; obj_align 0 means alignof(void *).
TEST_F(Geometry, ZeroMeansTheDefaults)
{
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, 3, 0, 0, 0), SLAB_OK);
    slab_stats st;
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    EXPECT_EQ(st.slab_size, size_t(SLAB_DEFAULT_SLAB_SIZE));
    EXPECT_EQ(st.slot_size, sizeof(void *));
    EXPECT_EQ(st.objs_per_slab, expected_sizing(3, 0, 0).cap_slave);
    ASSERT_EQ(slab_cache_destroy(c), SLAB_OK);
}

struct Refusal {
    size_t obj_size, obj_align, slab_size;
    unsigned flags;
    slab_status want;
};

// Every refusal of slab_cache_create(): the right code, *out untouched, and
// no hook call.
TEST_F(Geometry, CreateRefusesWhatCannotWork)
{
    const Refusal cases[] = {
        {0, 0, 0, 0, SLAB_EINVAL},
        {8, 3, 0, 0, SLAB_EALIGN},
        {8, 6, 0, 0, SLAB_EALIGN},
        {8, 24, 0, 0, SLAB_EALIGN},
        {8, 100, 0, 0, SLAB_EALIGN},
        {8, 0, 128, 0, SLAB_ESLABSIZE},
        {8, 0, 100, 0, SLAB_ESLABSIZE},
        {8, 0, 3000, 0, SLAB_ESLABSIZE},
        {8, 0, 4097, 0, SLAB_ESLABSIZE},
        {8, 0, size_t(SLAB_MAX_SLAB_SIZE) * 2, 0, SLAB_ESLABSIZE},
        {8, 4096, 4096, 0, SLAB_ETOOBIG},
        {8, 8192, 4096, 0, SLAB_ETOOBIG},
        {8, 256, 256, 0, SLAB_ETOOBIG},
        {4097, 0, 4096, 0, SLAB_ETOOBIG},
        {SIZE_MAX, 0, 4096, 0, SLAB_ETOOBIG},
        {SIZE_MAX - 7, 8, 4096, 0, SLAB_ETOOBIG},
        {8, 0, 0, 0x4u, SLAB_EINVAL},
        {8, 0, 0, SLAB_LOCK_SPIN | SLAB_LOCK_IRQ, SLAB_EINVAL},
        {8, 0, 0, SLAB_LOCK_IRQ, SLAB_EUNSUPPORTED}, // host: no PRIMASK
    };
    for (const Refusal &r : cases) {
        SCOPED_TRACE(testing::Message() << "obj_size=" << r.obj_size << " align=" << r.obj_align
                                        << " S=" << r.slab_size << " flags=" << r.flags);
        slab_cache *sentinel = reinterpret_cast<slab_cache *>(uintptr_t(0x1234));
        slab_cache *c = sentinel;
        uint64_t calls = pages::alloc_calls();
        EXPECT_EQ(slab_cache_create(&c, r.obj_size, r.obj_align, r.slab_size, r.flags), r.want);
        EXPECT_EQ(c, sentinel) << "*out must stay untouched on error";
        EXPECT_EQ(pages::alloc_calls(), calls);
    }
    EXPECT_EQ(slab_cache_create(nullptr, 8, 0, 0, 0), SLAB_EINVAL);
}

// The hook giving no page, or a misaligned one, fails creation cleanly.
TEST_F(Geometry, CreateReportsHookFailures)
{
    pages::FaultScope faults;
    slab_cache *c = nullptr;
    pages::fail_next_allocs(1);
    EXPECT_EQ(slab_cache_create(&c, 8, 0, 0, 0), SLAB_ENOMEM);
    EXPECT_EQ(c, nullptr);
    pages::misalign_next_allocs(1);
    EXPECT_EQ(slab_cache_create(&c, 8, 0, 0, 0), SLAB_EHOOKALIGN);
    EXPECT_EQ(c, nullptr);
    EXPECT_EQ(pages::outstanding(), pages_before_) << "the misaligned page must go straight back";
}

}  // namespace

// The inline free's slot test (slot_on_grid, slab_page.hpp): one multiply
// gives the slot number and says whether the pointer is on the slot grid,
// for every offset of every stride of slabs where S * stride <= 2^31 (the
// byte-map slabs: geometry.cpp). Exhaustive for 4 KiB slabs, sampled above.
TEST(SlotGrid, OneMultiplyTellsTheSlotAndTheGridExactly)
{
    for (uint32_t S = 256; S <= (uint32_t(1) << 20); S <<= 1) {
        for (uint32_t stride = 8; stride <= S; stride += (S <= 4096 ? 8 : stride / 4 + 8)) {
            if (uint64_t(S) * stride > (uint64_t(1) << 31)) {
                break;
            }
            uint32_t recip = static_cast<uint32_t>(((uint64_t(1) << 32) + stride - 1u) / stride);
            uint32_t step = S <= 4096 ? 1 : 7;
            for (uint32_t off = 1; off <= S; off += step) {
                uint32_t k = 0;
                bool on = slab::detail::slot_on_grid(off, recip, &k);
                ASSERT_EQ(on, off % stride == 0) << "S " << S << " stride " << stride << " off " << off;
                if (on) {
                    ASSERT_EQ(k, off / stride);
                }
                ASSERT_LE(k, S / stride) << "a byte map covers every k a pointer into the slab gives";
            }
        }
    }
}

// Byte-map slabs are those where that test holds; the others get two-byte
// maps, whose frees all take the exact slow path.
TEST_F(Geometry, SlabsBeyondTheOneMultiplyRangeHaveWideMaps)
{
    slab_cache *c = nullptr;
    // 1 MiB slabs of 4 KiB objects: 255 slots would fit a byte map by count,
    // but S * stride == 2^32.
    ASSERT_EQ(slab_cache_create(&c, 4096, 0, size_t(1) << 20, 0), SLAB_OK);
    EXPECT_EQ(c->wide, 1u);
    void *p = slab_alloc(c);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(slab_cache_free(c, static_cast<char *>(p) + 8), SLAB_ENOTSLOT);
    EXPECT_EQ(slab_cache_free(c, p), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}
