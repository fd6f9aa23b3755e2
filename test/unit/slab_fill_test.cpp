// Every slot of a slab is usable and well placed: for each slab size, object
// size and alignment, fill the master and k slaves exactly (objs_in_master +
// k * objs_per_slab objects) and check that every slot is aligned, on the
// slot grid, inside a live page of the cache, clear of the header (and of the
// master's control block), distinct from every other, and that the slab
// counts are exactly what that many objects need.
#include <gtest/gtest.h>

#include <cstring>
#include <unordered_map>
#include <vector>

#include "page_leak_test.hpp"
#include "sizing_formula.hpp"
#include "slab/slab.h"
#include "slab_dump.hpp"

using slabtest::expected_sizing;
using slabtest::largest_object;
namespace pages = slabtest::pages;

namespace {

class SlabFill : public slabtest::PageLeakTest, public testing::WithParamInterface<size_t> {};

unsigned char stamp(size_t i) { return static_cast<unsigned char>(i * 131u + 7u); }

// Fills a cache of (n, a, S) with k full slaves plus one object, checks every
// placement rule, then frees everything. Returns through gtest assertions.
void fill_and_check(size_t n, size_t a, size_t S, unsigned k)
{
    SCOPED_TRACE(testing::Message() << "obj_size=" << n << " align=" << a << " S=" << S);
    slabtest::Sizing z = expected_sizing(n, a, S);
    ASSERT_EQ(z.status, SLAB_OK);
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, n, a, S, 0), SLAB_OK);
    const uintptr_t master = slabtest::master_base(c);
    const size_t total = z.cap_master + size_t(k) * z.cap_slave;
    // Slot k (1-based) of a slab is at base + S - k * stride: one bit per slot.
    std::unordered_map<uintptr_t, std::vector<bool>> taken;
    std::vector<void *> objs;
    objs.reserve(total + 1);
    for (size_t i = 0; i <= total; i++) {
        void *p = slab_alloc(c);
        ASSERT_NE(p, nullptr) << "object " << i;
        uintptr_t addr = reinterpret_cast<uintptr_t>(p);
        uintptr_t base = slabtest::slab_base(p, S);
        ASSERT_EQ(addr % z.align, 0u) << "object " << i << " misaligned";
        ASSERT_TRUE(pages::is_live_page(reinterpret_cast<void *>(base), S)) << "object " << i << " outside any page";
        const auto *hdr = reinterpret_cast<const slab::detail::slab_page *>(base);
        ASSERT_EQ(hdr->cache, c) << "object " << i << " in a slab of another cache";
        size_t low = base == master ? z.floor : sizeof(slab::detail::slab_page);
        ASSERT_GE(addr, base + low) << "object " << i << " overlaps the header/control block";
        ASSERT_LE(addr + n, base + S) << "object " << i << " runs past its slab";
        ASSERT_EQ((base + S - addr) % z.stride, 0u) << "object " << i << " off the slot grid";
        size_t slot = (base + S - addr) / z.stride;
        std::vector<bool> &bits = taken[base];
        bits.resize(z.cap_slave + 1);
        ASSERT_FALSE(bits[slot]) << "object " << i << " handed out twice";
        bits[slot] = true;
        // The master fills first, then each slave in turn.
        if (i < z.cap_master) {
            ASSERT_EQ(base, master) << "object " << i << " should come from the master";
        } else {
            ASSERT_NE(base, master) << "object " << i << " beyond the master's capacity";
        }
        std::memset(p, stamp(i), n);
        objs.push_back(p);
        if (i + 1 == total) {
            slab_stats st;
            ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
            ASSERT_EQ(st.objs_in_use, total);
            ASSERT_EQ(st.slabs_in_use, 1 + k) << "exactly master + k slaves for a full fill";
            ASSERT_EQ(st.pages_taken, 1 + k);
            ASSERT_EQ(slab_cache_validate(c), SLAB_OK) << slabtest::dump(c);
        }
    }
    slab_stats st;
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    EXPECT_EQ(st.slabs_in_use, 2 + k) << "one object past a full fill takes one more slab";
    EXPECT_EQ(taken.size(), (z.cap_master > 0 ? 2u : 1u) + k) << "objects spread over exactly these slabs";
    // Every slab was filled completely: the master to cap_master, slaves to cap_slave.
    for (const auto &kv : taken) {
        size_t count = 0;
        for (bool b : kv.second) {
            count += b;
        }
        size_t want = kv.first == master ? z.cap_master : z.cap_slave;
        if (kv.first != slabtest::slab_base(objs.back(), S)) {
            EXPECT_EQ(count, want) << "slab " << kv.first;
        }
    }
    // No object overlapped another or the headers: every byte is as written.
    ASSERT_EQ(slab_cache_validate(c), SLAB_OK) << slabtest::dump(c);
    for (size_t i = 0; i < objs.size(); i++) {
        const unsigned char *b = static_cast<const unsigned char *>(objs[i]);
        for (size_t j = 0; j < n; j++) {
            ASSERT_EQ(b[j], stamp(i)) << "object " << i << " byte " << j << " overwritten";
        }
    }
    // The lone object of the last slave goes: its slab becomes the spare.
    ASSERT_EQ(S == SLAB_DEFAULT_SLAB_SIZE ? slab_free(objs.back()) : slab_cache_free(c, objs.back()), SLAB_OK);
    objs.pop_back();
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    EXPECT_EQ(st.slabs_in_use, 2 + k) << "an emptied slave is kept as the spare";
    EXPECT_EQ(st.pages_given, 0u);
    for (size_t i = objs.size(); i-- > 0;) {
        ASSERT_EQ(slab_cache_free(c, objs[i]), SLAB_OK);
    }
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, 0u);
    EXPECT_EQ(st.slabs_in_use, 2u) << "master and one spare stay";
    EXPECT_EQ(st.pages_taken - st.pages_given, st.slabs_in_use);
    ASSERT_EQ(slab_cache_validate(c), SLAB_OK) << slabtest::dump(c);
    ASSERT_EQ(slab_cache_destroy(c), SLAB_OK);
}

TEST_P(SlabFill, EverySlotAlignedDistinctInsideAndUsable)
{
    const size_t S = GetParam();
    // Two slaves on small slabs, one on large ones (the object count grows with S).
    const unsigned k = S <= 16384 ? 2 : 1;
    const size_t sizes[] = {1,  2,  3,   7,   8,   9,   15,  16,   17,   24,   31,
                            32, 33, 48, 64, 100, 128, 255, 256, 1000, 2000, 4000};
    for (size_t a = 0; a <= S / 2; a = a == 0 ? 1 : a * 2) {
        std::vector<size_t> ns(std::begin(sizes), std::end(sizes));
        ns.push_back(S / 4);
        ns.push_back(largest_object(a, S));
        for (size_t n : ns) {
            if (n <= largest_object(a, S)) {
                fill_and_check(n, a, S, k);
                if (HasFatalFailure()) {
                    return;
                }
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(SlabSizes, SlabFill,
                         testing::Values(256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144,
                                         524288, 1048576),
                         [](const testing::TestParamInfo<size_t> &info) {
                             return "S" + std::to_string(info.param);
                         });

}  // namespace
