// slab_cache_check and slab_cache_validate catch every broken invariant they
// claim to check (slab/detail/cache.hpp, slab/detail/slab_page.hpp): each test
// breaks exactly one field of a consistent cache, expects the exact status,
// restores the field and expects the cache to validate again. The corruption
// is undone by a scope guard (Poke), so a failed expectation cannot leave a
// broken cache behind for the teardown. Nothing here allocates or frees while
// a field is broken: check and validate only read.
#include <gtest/gtest.h>

#include <vector>

#include "page_leak_test.hpp"
#include "slab/slab.h"
#include "slab_dump.hpp"

namespace {

using slab::detail::link;
using slab::detail::slab_page;

constexpr size_t kS = SLAB_DEFAULT_SLAB_SIZE;

// Writes v into *p for one scope, then puts the old value back.
template <class T>
class Poke {
public:
    Poke(T *p, T v) : p_(p), old_(*p) { *p_ = v; }
    ~Poke() { *p_ = old_; }
    Poke(const Poke &) = delete;
    Poke &operator=(const Poke &) = delete;

private:
    T *p_;
    T old_;
};

slab_page *page_at(const void *obj) { return reinterpret_cast<slab_page *>(slabtest::slab_base(obj, kS)); }

// A cache of 256-byte objects in every state validate distinguishes:
//   partial  master (two free slots), slave2 (one free slot on its free list)
//   no list  slave1, full (validate counts it, `full`, and cannot reach it)
//   spare    slave3 (empty, every slot on its free list)
// Objects still live are freed by the destructor, which then destroys the cache.
class Validate : public slabtest::PageLeakTest {
protected:
    void SetUp() override
    {
        PageLeakTest::SetUp();
        ASSERT_EQ(slab_cache_create(&c_, 256, 0, 0, 0), SLAB_OK);
        slab_stats st{};
        ASSERT_EQ(slab_cache_stats(c_, &st), SLAB_OK);
        cap_master_ = st.objs_in_master;
        cap_slave_ = st.objs_per_slab;
        ASSERT_GE(cap_master_, 3u);
        ASSERT_GE(cap_slave_, 4u);
        size_t n = cap_master_ + 3 * cap_slave_;
        for (size_t i = 0; i < n; i++) {
            void *p = slab_alloc(c_);
            ASSERT_NE(p, nullptr);
            objs_.push_back(p);
        }
        master_ = slab::detail::master_of(c_);
        slave1_ = page_at(objs_[cap_master_]);
        slave2_ = page_at(objs_[cap_master_ + cap_slave_]);
        slave3_ = page_at(objs_[cap_master_ + 2 * cap_slave_]);
        for (size_t i = 0; i < cap_slave_; i++) { // slave3 empties: the spare
            ASSERT_EQ(slab_free(objs_.back()), SLAB_OK);
            objs_.pop_back();
        }
        ASSERT_EQ(slab_free(objs_.back()), SLAB_OK); // slave2: one free slot ...
        objs_.pop_back();
        ASSERT_NE(c_->hot, nullptr); // ... parked (struct slab_cache, hot): slave2 still counts it
        ASSERT_EQ(slab_cache_reset_peak(c_), SLAB_OK); // puts it back for real: slave2 on the partial list
        ASSERT_EQ(c_->hot, nullptr);
        for (int i = 0; i < 2; i++) { // master: two free slots
            ASSERT_EQ(slab_free(objs_.front()), SLAB_OK);
            objs_.erase(objs_.begin());
        }
        ASSERT_EQ(c_->spare, slave3_);
        ASSERT_EQ(c_->full, 1u);
        ASSERT_EQ(slave1_->node.next, &slave1_->node);
        ASSERT_EQ(c_->partial.next, &master_->node); // the last to get a free slot
        ASSERT_EQ(c_->partial.next->next, &slave2_->node);
        ASSERT_EQ(slab_cache_validate(c_), SLAB_OK) << slabtest::dump(c_);
    }
    void TearDown() override
    {
        if (c_ != nullptr) {
            EXPECT_EQ(slab_cache_validate(c_), SLAB_OK) << "a corruption was not undone\n" << slabtest::dump(c_);
            for (void *p : objs_) {
                EXPECT_EQ(slab_free(p), SLAB_OK);
            }
            EXPECT_EQ(slab_cache_destroy(c_), SLAB_OK);
        }
        PageLeakTest::TearDown();
    }
    // The status validate gives now, and that the cache is sound again once
    // the caller's Poke scope has ended is checked by the next expectation.
    slab_status validate() const { return slab_cache_validate(c_); }
    slab_status check() const { return slab_cache_check(c_); }

    slab_cache *c_ = nullptr;
    std::vector<void *> objs_;
    uint32_t cap_master_ = 0, cap_slave_ = 0;
    slab_page *master_ = nullptr, *slave1_ = nullptr, *slave2_ = nullptr, *slave3_ = nullptr;
};

// ---------------------------------------------------------------- cache_check

TEST_F(Validate, CheckRefusesAControlBlockThatIsNotGenuine)
{
    {
        Poke<uintptr_t> bad(&c_->magic, c_->magic ^ 1u);
        EXPECT_EQ(check(), SLAB_EBADPTR);
        EXPECT_EQ(validate(), SLAB_EBADPTR);
    }
    {
        Poke<slab_cache *> bad(&master_->cache, nullptr); // master no longer names the cache
        EXPECT_EQ(check(), SLAB_EBADPTR);
        EXPECT_EQ(validate(), SLAB_EBADPTR);
    }
    EXPECT_EQ(check(), SLAB_OK);
    EXPECT_EQ(validate(), SLAB_OK);
}

// Each clause of cache_check's counter test, broken alone.
TEST_F(Validate, CheckDetectsEachCorruptedCounter)
{
    const uint32_t slabs = c_->slabs;
    ASSERT_EQ(slabs, 4u);
    {
        Poke<uint32_t> bad(&c_->slabs, 0);
        EXPECT_EQ(check(), SLAB_ECORRUPT);
    }
    {
        Poke<uint32_t> bad(&c_->slabs_peak, slabs - 1);
        EXPECT_EQ(check(), SLAB_ECORRUPT);
    }
    {
        Poke<uint32_t> bad(&c_->hooks.given, c_->hooks.given + 1);
        EXPECT_EQ(check(), SLAB_ECORRUPT);
    }
    {
        Poke<uint32_t> bad(&c_->cap_slave, 0);
        EXPECT_EQ(check(), SLAB_ECORRUPT);
    }
    {
        Poke<uint32_t> bad(&c_->cap_master, cap_slave_ + 1);
        EXPECT_EQ(check(), SLAB_ECORRUPT);
    }
    {
        uint32_t bound = (slabs - 1) * cap_slave_ + cap_master_;
        Poke<uint32_t> peak(&c_->in_use_peak, bound + 1);
        Poke<uint32_t> bad(&c_->headroom, 0); // more objects than slots
        EXPECT_EQ(check(), SLAB_ECORRUPT);
    }
    {
        Poke<uint32_t> bad(&c_->headroom, c_->in_use_peak + 1); // fewer than no objects
        EXPECT_EQ(check(), SLAB_ECORRUPT);
        EXPECT_EQ(validate(), SLAB_ECORRUPT); // validate starts with check
    }
    EXPECT_EQ(check(), SLAB_OK);
    EXPECT_EQ(validate(), SLAB_OK);
}

// ---------------------------------------------------------------- cache totals

TEST_F(Validate, DetectsWrongObjectCount)
{
    ASSERT_GT(slab::detail::cache_in_use(c_), 0u);
    Poke<uint32_t> bad(&c_->headroom, c_->headroom + 1); // one object less, still within check's bounds
    EXPECT_EQ(check(), SLAB_OK);
    EXPECT_EQ(validate(), SLAB_ECORRUPT);
}

TEST_F(Validate, DetectsMoreSlabsCountedThanLinked)
{
    // slabs, peak and the hook count agree (check passes), the lists hold one less.
    Poke<uint32_t> taken(&c_->hooks.taken, c_->hooks.taken + 1);
    Poke<uint32_t> peak(&c_->slabs_peak, c_->slabs_peak + 1);
    Poke<uint32_t> bad(&c_->slabs, c_->slabs + 1);
    EXPECT_EQ(check(), SLAB_OK);
    EXPECT_EQ(validate(), SLAB_ECORRUPT);
}

TEST_F(Validate, DetectsMoreSlabsLinkedThanCounted)
{
    // One slab counted, two on the partial list: the walk stops at the second (slave2).
    uint32_t extra = c_->slabs - 1;
    Poke<uint32_t> given(&c_->hooks.given, c_->hooks.given + extra);
    Poke<uint32_t> objects(&c_->headroom, c_->in_use_peak); // no object
    Poke<uint32_t> bad(&c_->slabs, 1);
    EXPECT_EQ(check(), SLAB_OK);
    EXPECT_EQ(validate(), SLAB_ECORRUPT);
}

// ---------------------------------------------------------------- lists

TEST_F(Validate, DetectsBrokenListLinks)
{
    {
        Poke<link *> bad(&c_->partial.prev, &master_->node); // slave2->next->prev != slave2
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<link *> bad(&slave2_->node.prev, &slave1_->node); // master->next->prev != master
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        // The first node's back link: unlinking the master would write
        // through it. (validate used to miss this one.)
        Poke<link *> bad(&master_->node.prev, &slave2_->node);
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<link *> bad(&slave3_->node.next, &master_->node); // the spare must be on no list
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    EXPECT_EQ(validate(), SLAB_OK);
}

TEST_F(Validate, DetectsASlabOnTheWrongList)
{
    using slab::detail::list_push;
    using slab::detail::list_unlink;
    using slab::detail::list_detach;
    // The full slave on the partial list (and no longer counted as full).
    list_push(&c_->partial, &slave1_->node);
    c_->full--;
    EXPECT_EQ(check(), SLAB_OK);
    EXPECT_EQ(validate(), SLAB_ECORRUPT);
    list_detach(&slave1_->node);
    c_->full++;
    EXPECT_EQ(validate(), SLAB_OK);
    // A partial slave taken off the list and counted as full: the slab count
    // agrees, the object count does not (it has a free slot).
    list_detach(&slave2_->node);
    c_->full++;
    EXPECT_EQ(validate(), SLAB_ECORRUPT);
    list_push(&c_->partial, &slave2_->node);
    c_->full--;
    EXPECT_EQ(validate(), SLAB_OK);
}

TEST_F(Validate, DetectsWrongFullCount)
{
    {
        Poke<uint32_t> bad(&c_->full, c_->full + 1);
        EXPECT_EQ(check(), SLAB_OK);
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<uint32_t> bad(&c_->full, c_->full - 1);
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    EXPECT_EQ(validate(), SLAB_OK);
}

// A full master is on no list either; validate reaches it through the cache
// and checks it whole.
TEST_F(Validate, ChecksAFullMaster)
{
    for (int i = 0; i < 2; i++) { // the master's two free slots
        void *p = slab_alloc(c_);
        ASSERT_NE(p, nullptr);
        ASSERT_EQ(page_at(p), master_);
        objs_.push_back(p);
    }
    ASSERT_EQ(c_->full, 2u);
    ASSERT_EQ(master_->node.next, &master_->node);
    ASSERT_EQ(c_->partial.next, &slave2_->node);
    EXPECT_EQ(validate(), SLAB_OK) << slabtest::dump(c_);
    {
        Poke<link *> bad(&master_->node.next, &slave2_->node); // full, yet linked
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<uint32_t> bad(&c_->full, 0); // full, yet not counted
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<uint16_t> bad(&master_->cap, uint16_t(cap_master_)); // the pin lost: a header fault in a full master
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    EXPECT_EQ(validate(), SLAB_OK);
}

// ---------------------------------------------------------------- slab headers

TEST_F(Validate, DetectsAForeignOrBrokenSlabHeader)
{
    {
        Poke<uintptr_t> bad(&slave2_->magic, slave2_->magic ^ 1u);
        EXPECT_EQ(check(), SLAB_OK); // O(1): reads no slab but the master
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        // A genuine header, of another cache.
        slab_cache *other = nullptr;
        ASSERT_EQ(slab_cache_create(&other, 256, 0, 0, 0), SLAB_OK);
        {
            Poke<slab_cache *> owner(&slave2_->cache, other);
            Poke<uintptr_t> magic(&slave2_->magic, slab::detail::slab_magic(slave2_, other, kS));
            EXPECT_EQ(validate(), SLAB_ECORRUPT);
        }
        EXPECT_EQ(slab_cache_validate(other), SLAB_OK);
        EXPECT_EQ(slab_cache_destroy(other), SLAB_OK);
    }
    EXPECT_EQ(validate(), SLAB_OK);
}

// Each clause of page_ok's header test, broken alone.
TEST_F(Validate, DetectsEachBrokenSlabCounter)
{
    {
        Poke<uint16_t> bad(&slave2_->cap, uint16_t(slave2_->cap + 1)); // wrong cap
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<uint16_t> bad(&master_->cap, uint16_t(cap_master_)); // the master's pin lost
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<uint16_t> bad(&slave2_->avail, uint16_t(slave2_->cap + 1)); // more free than slots
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<uint16_t> bad(&master_->avail, master_->cap); // used 0 < pin 1
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<uint16_t> bad(&slave2_->avail, uint16_t(slave2_->avail - 1)); // objects + listed > handed
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    EXPECT_EQ(validate(), SLAB_OK);
}

TEST_F(Validate, DetectsHandedBeyondTheSlots)
{
    {
        Poke<uint16_t> bad(&master_->handed, uint16_t(cap_master_ + 1)); // more than the master has
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<uint16_t> bad(&slave2_->handed, uint16_t(slave2_->handed - 1)); // a handed slot called fresh
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    EXPECT_EQ(validate(), SLAB_OK);
}

// ---------------------------------------------------------------- slot maps

uint8_t *map_of(slab_page *s) { return slab::detail::slot_map<uint8_t>(s); }

TEST_F(Validate, DetectsAListHeadThatIsNotAFreeHandedSlot)
{
    ASSERT_EQ(c_->wide, 0u);
    ASSERT_NE(master_->head, slab::detail::kEnd);
    uint16_t live = 0; // a slot of the master still handed out
    for (uint16_t k = 1; k <= master_->handed && live == 0; k++) {
        live = map_of(master_)[k] == slab::detail::kLive<uint8_t> ? k : 0;
    }
    ASSERT_NE(live, 0u);
    const uint16_t bad_heads[] = {
        uint16_t(master_->handed + 1), // a fresh slot
        uint16_t(cap_master_ + 7),     // past the last slot
        live,                          // a live slot
    };
    for (uint16_t h : bad_heads) {
        Poke<uint16_t> bad(&master_->head, h);
        EXPECT_EQ(validate(), SLAB_ECORRUPT) << h;
    }
    EXPECT_EQ(validate(), SLAB_OK);
}

// The entries past `handed` (fresh slots, and the k that land in the header,
// map or control block) must stay kEnd: the inline free reads them with no
// bounds test (slab_page.hpp), so one that read "live" would let a bad
// pointer through.
TEST_F(Validate, DetectsAByteMapEntryPastHandedThatIsNotEnd)
{
    ASSERT_EQ(c_->wide, 0u);
    const uint16_t past[] = {uint16_t(master_->handed + 1), uint16_t(kS / c_->stride)};
    for (uint16_t k : past) {
        ASSERT_GT(k, master_->handed);
        Poke<uint8_t> bad(&map_of(master_)[k], uint8_t(slab::detail::kLive<uint8_t>));
        EXPECT_EQ(validate(), SLAB_ECORRUPT) << k;
    }
    EXPECT_EQ(validate(), SLAB_OK);
}

TEST_F(Validate, DetectsAListCycle)
{
    uint16_t head = slave2_->head;
    ASSERT_NE(head, slab::detail::kEnd);
    Poke<uint8_t> bad(&map_of(slave2_)[head], uint8_t(head)); // the only free slot links to itself
    EXPECT_EQ(validate(), SLAB_ECORRUPT);
}

TEST_F(Validate, DetectsALiveSlotMarkedFree)
{
    // Slot 1 of slave1 (full) is live; slave2's slot 1 too. Marking one of
    // slave2's live slots free (not on the list) breaks live + listed == handed.
    ASSERT_EQ(map_of(slave2_)[1], slab::detail::kLive<uint8_t>);
    Poke<uint8_t> bad(&map_of(slave2_)[1], uint8_t(slab::detail::kEnd));
    EXPECT_EQ(validate(), SLAB_ECORRUPT);
}

// ---------------------------------------------------------------- spare

TEST_F(Validate, DetectsABrokenSpare)
{
    Poke<uintptr_t> bad(&slave3_->magic, 0);
    EXPECT_EQ(check(), SLAB_OK);
    EXPECT_EQ(validate(), SLAB_ECORRUPT);
}

// A spare that is consistent as a slab (one object, the rest free) but not
// empty, which a spare must be.
TEST_F(Validate, DetectsASpareThatIsNotEmpty)
{
    uint16_t head = slave3_->head;
    ASSERT_NE(head, slab::detail::kEnd);
    Poke<uint16_t> freelist(&slave3_->head, map_of(slave3_)[head]); // head slot "handed out"
    Poke<uint8_t> live(&map_of(slave3_)[head], uint8_t(slab::detail::kLive<uint8_t>));
    Poke<uint16_t> avail(&slave3_->avail, uint16_t(slave3_->avail - 1));
    EXPECT_EQ(check(), SLAB_OK);
    EXPECT_EQ(validate(), SLAB_ECORRUPT);
}

// ---------------------------------------------------------------- parked object

// The parked object (struct slab_cache, hot) must be a live slot of a full
// byte-map slab of the cache's: validate counts it in its slab and checks
// where it points. Each pointer below breaks that alone; the counts still
// agree, so only the parked object's own check can tell.
TEST_F(Validate, DetectsAParkedObjectOutsideAFullSlabOfItsOwn)
{
    void *parked = nullptr; // an object of slave1, the full slab
    for (size_t i = 0; i < objs_.size() && parked == nullptr; i++) {
        if (page_at(objs_[i]) == slave1_) {
            parked = objs_[i];
            objs_.erase(objs_.begin() + static_cast<long>(i));
        }
    }
    ASSERT_NE(parked, nullptr);
    ASSERT_EQ(slab_free(parked), SLAB_OK);
    ASSERT_EQ(c_->hot, parked); // freed into a full slab of a cache with no lock: parked
    ASSERT_EQ(c_->full, 1u);
    EXPECT_EQ(validate(), SLAB_OK) << slabtest::dump(c_);
    void *in_master = nullptr; // a live object of the master (not full)
    void *in_slave2 = nullptr; // a live object of slave2 (not full)
    for (void *p : objs_) {
        in_master = in_master == nullptr && page_at(p) == master_ ? p : in_master;
        in_slave2 = in_slave2 == nullptr && page_at(p) == slave2_ ? p : in_slave2;
    }
    ASSERT_NE(in_master, nullptr);
    ASSERT_NE(in_slave2, nullptr);
    for (void *elsewhere : {in_master, in_slave2}) {
        Poke<void *> bad(&c_->hot, elsewhere); // a live slot, of a slab that is not full
        EXPECT_EQ(check(), SLAB_OK);
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<uintptr_t> bad(&slave1_->magic, slave1_->magic ^ 1u); // its slab's header broken
        EXPECT_EQ(check(), SLAB_OK); // (slave1 is full: on no list, only the parked object reaches it)
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    {
        Poke<void *> bad(&c_->hot, static_cast<char *>(parked) + 8); // inside its slot, not at its start
        EXPECT_EQ(validate(), SLAB_ECORRUPT);
    }
    EXPECT_EQ(validate(), SLAB_OK);
    void *again = slab_alloc(c_); // handed out again first: it was the parked object all along
    EXPECT_EQ(again, parked);
    objs_.push_back(again);
    EXPECT_EQ(c_->hot, nullptr);
}

}  // namespace
