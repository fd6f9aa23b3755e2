// Model-based randomized test of the heap's C API. Random sequences of
// alloc, calloc, aligned_alloc, realloc (grow, shrink, in place, moved),
// unsized free, and refused frees (double, interior, foreign), with mixed
// sizes from 0 to 64 D (D = SLAB_DEFAULT_SLAB_SIZE: large blocks included),
// run under a page hook that gives no page at every Nth call (N = never, 2,
// 5, 17). After every step the heap agrees with the model:
//   - a block's usable size is the one the class table or the large-page
//     rule predicts (computed here independently of src/);
//   - blocks are aligned as asked, lie in one live page, never overlap, and
//     keep their bytes until freed (checked in full at free, sampled between);
//   - a NULL only when a page was refused, with the heap unchanged; realloc
//     keeps, moves or refuses exactly as heap.h says;
//   - blocks_in_use, bytes_in_use, bytes_peak, allocs, frees, large_blocks,
//     pages and page_bytes (against the hook's own count) are exact;
//   - slab_heap_validate() every 64 steps; at the end every block is freed,
//     the heap destroyed, and every page is back (the fixture).
// A failure names the seed, the fault period and the step.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "heap_support.hpp"

using namespace heaptest;

namespace {

constexpr size_t kD = SLAB_DEFAULT_SLAB_SIZE;
constexpr size_t kA = alignof(max_align_t);
constexpr size_t kRedzone = SLAB_CHECKS ? SLAB_REDZONE : 0;
constexpr size_t kLargeHeader = 2 * sizeof(void *);
constexpr size_t kSlabHeader = 4 * sizeof(void *) + 8; // slab_page.hpp
constexpr size_t kMaxPage = SLAB_MAX_SLAB_SIZE;

size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }
size_t stride_of(size_t cls) { return round_up(cls + kRedzone, kA); }

// What the heap should hand out for (size, align): a class size, or the
// usable bytes of a large page. 0 when nothing can hold it.
struct Expect {
    size_t usable;
    bool large;
    size_t page; // large: the page size
};

Expect expect(size_t size, size_t align)
{
    if (size == 0) {
        size = 1;
    }
    if (align < kA) {
        align = kA;
    }
    size_t want = std::max(size, align == kA ? size : align);
    for (size_t i = 0; i < slab_heap_class_count(); i++) {
        size_t c = slab_heap_class_size(i);
        if (c >= want && stride_of(c) % align == 0) {
            return Expect{c, false, 0};
        }
    }
    // heap.h: a large block starts right after its two-word header, or, when
    // its alignment would put it at or past a slab header's size into its
    // D-block (where a slot could start), D above its header (align >= D:
    // at align).
    size_t off = round_up(kLargeHeader, align);
    if (off >= kSlabHeader) {
        off = align < kD ? kD : align;
    }
    size_t need = off + size;
    if (need < off || need > kMaxPage || align > kMaxPage / 2) {
        return Expect{0, true, 0};
    }
    size_t page = kD;
    while (page < need) {
        page *= 2;
    }
    return Expect{page - off, true, page};
}

// What a run did, so that the test can insist every path was taken.
struct Seen {
    size_t large = 0, aligned_large = 0, calloc = 0, nulls = 0;
    size_t realloc_in_place = 0, realloc_moved = 0, realloc_kept_or_null = 0;
    size_t double_frees = 0, interior = 0, foreign = 0;
};

struct Block {
    size_t usable;
    size_t align;
    bool large;
    size_t page;
    unsigned char fill;
};

class Model {
public:
    Model(unsigned seed, unsigned every, Seen *seen)
        : seed_(seed), every_(every), rng_(seed * 2654435761u + every), seen_(*seen)
    {
    }

    ::testing::AssertionResult run(int steps)
    {
        if (slab_heap_create(&h_, 0) != SLAB_OK) {
            return fail("create");
        }
        fail_every(every_);
        for (step_ = 0; step_ < steps; step_++) {
            if (!one_step()) {
                return result_;
            }
            if (!check_counters()) {
                return result_;
            }
            if (step_ % 64 == 0 && !check_all()) {
                return result_;
            }
        }
        fail_every(0);
        std::vector<uintptr_t> order;
        for (auto &kv : live_) {
            order.push_back(kv.first);
        }
        std::shuffle(order.begin(), order.end(), rng_);
        for (uintptr_t p : order) {
            if (!free_one(p)) {
                return result_;
            }
        }
        if (!check_counters() || !check_all()) {
            return result_;
        }
        slab_status st = slab_heap_destroy(h_);
        if (st != SLAB_OK) {
            return fail("destroy: " + std::string(slab_status_str(st)));
        }
        return ::testing::AssertionSuccess();
    }

private:
    ::testing::AssertionResult fail(const std::string &what)
    {
        std::ostringstream s;
        s << "seed " << seed_ << ", a page refused every " << every_ << " calls, step " << step_ << ": " << what;
        result_ = ::testing::AssertionFailure() << s.str();
        return result_;
    }

    size_t pick_size()
    {
        unsigned r = rng_() % 100;
        if (r < 2) {
            return 0;
        }
        // log-uniform: mostly small, a tail of large blocks up to 64 D
        double top = r < 90 ? 2.0 * kD : r < 99 ? 16.0 * kD : 64.0 * kD;
        std::uniform_real_distribution<double> e(0.0, std::log(top));
        return static_cast<size_t>(std::exp(e(rng_)));
    }

    unsigned char next_fill() { return static_cast<unsigned char>(1 + rng_() % 254); }

    bool faults() const { return every_ != 0; }

    // A new block p for (size, align) from the heap: checks it against the
    // model and records it. NULL is fine only under faults.
    bool took(void *p, size_t size, size_t align, const char *op, bool zeroed = false)
    {
        Expect e = expect(size, align);
        if (p == nullptr) {
            seen_.nulls++;
            if (!faults() && e.usable != 0) {
                return fail(std::string(op) + " returned NULL with pages to spare, size " + std::to_string(size));
            }
            return true;
        }
        if (e.usable == 0) {
            return fail(std::string(op) + ": a block for an impossible size");
        }
        uintptr_t a = reinterpret_cast<uintptr_t>(p);
        size_t usable = slab_heap_usable_size(p);
        if (usable != e.usable) {
            return fail(std::string(op) + ": usable " + std::to_string(usable) + ", expected " +
                        std::to_string(e.usable) + " for size " + std::to_string(size) + " align " +
                        std::to_string(align));
        }
        if (a % std::max(align, kA) != 0) {
            return fail(std::string(op) + ": misaligned");
        }
        size_t page = page_of(p);
        if (page == 0 || page_of(static_cast<char *>(p) + usable - 1) != page || (e.large && page != e.page)) {
            return fail(std::string(op) + ": not inside one live page of the predicted size");
        }
        auto next = live_.lower_bound(a);
        if (next != live_.end() && next->first < a + usable) {
            return fail(std::string(op) + ": overlaps the next live block");
        }
        if (next != live_.begin()) {
            auto prev = std::prev(next);
            if (prev->first + prev->second.usable > a) {
                return fail(std::string(op) + ": overlaps the previous live block");
            }
        }
        if (zeroed) {
            const unsigned char *c = static_cast<const unsigned char *>(p);
            for (size_t i = 0; i < size; i++) {
                if (c[i] != 0) {
                    return fail("calloc: byte " + std::to_string(i) + " not zero");
                }
            }
        }
        seen_.large += e.large ? 1 : 0;
        seen_.aligned_large += e.large && align > kA ? 1 : 0;
        seen_.calloc += zeroed ? 1 : 0;
        Block b{usable, align, e.large, e.page, next_fill()};
        std::memset(p, b.fill, usable);
        live_[a] = b;
        bytes_ += usable;
        large_ += e.large ? 1 : 0;
        allocs_++;
        peak_ = std::max(peak_, bytes_);
        return true;
    }

    bool intact(uintptr_t a, const Block &b, bool full)
    {
        const unsigned char *c = reinterpret_cast<const unsigned char *>(a);
        size_t stepby = full ? 1 : std::max<size_t>(1, b.usable / 32);
        for (size_t i = 0; i < b.usable; i += stepby) {
            if (c[i] != b.fill) {
                return fail("block " + std::to_string(a) + " lost its byte " + std::to_string(i));
            }
        }
        return c[b.usable - 1] == b.fill || fail("block lost its last byte");
    }

    void forget(uintptr_t a)
    {
        const Block &b = live_[a];
        bytes_ -= b.usable;
        large_ -= b.large ? 1 : 0;
        frees_++;
        live_.erase(a);
    }

    bool free_one(uintptr_t a)
    {
        if (!intact(a, live_[a], true)) {
            return false;
        }
        slab_status st = slab_heap_free(reinterpret_cast<void *>(a));
        if (st != SLAB_OK) {
            return fail("free: " + std::string(slab_status_str(st)));
        }
        bool large = live_[a].large;
        forget(a);
        last_freed_ = a;
        last_freed_large_ = large;
        return true;
    }

    uintptr_t any_live()
    {
        auto it = live_.begin();
        std::advance(it, rng_() % live_.size());
        return it->first;
    }

    bool one_step()
    {
        unsigned r = rng_() % 100;
        bool full = live_.size() > 300;
        if (!live_.empty() && (r < 35 || (full && r < 70))) {
            return free_one(any_live());
        }
        if (r >= 95) {
            return misuse_step();
        }
        last_freed_ = 0; // an allocation may reuse the slot freed last
        if (r < 65) {
            size_t size = pick_size();
            return took(slab_heap_alloc(h_, size), size, kA, "alloc");
        }
        if (r < 72) {
            size_t n = 1 + rng_() % 16;
            size_t size = pick_size() / n;
            return took(slab_heap_calloc(h_, n, size), n * size, kA, "calloc", true);
        }
        if (r < 80) {
            size_t align = size_t(1) << (rng_() % 15); // up to 16 KiB (4 D)
            size_t size = pick_size();
            return took(slab_heap_aligned_alloc(h_, align, size), size, align, "aligned_alloc");
        }
        return realloc_step();
    }

    bool realloc_step()
    {
        if (live_.empty()) {
            size_t size = pick_size();
            return took(slab_heap_realloc(h_, nullptr, size), size, kA, "realloc(NULL)");
        }
        uintptr_t a = any_live();
        Block old = live_[a];
        size_t size = rng_() % 3 == 0 ? old.usable / (1 + rng_() % 4) : pick_size();
        size_t asked = size == 0 ? 1 : size;
        Expect e = expect(size, kA);
        bool in_place = !old.large ? e.usable == old.usable && !e.large
                                   : e.large && asked <= old.usable && e.page == old.page;
        slab_heap_usage before{};
        slab_heap_stats(h_, &before);
        void *q = slab_heap_realloc(h_, reinterpret_cast<void *>(a), size);
        if (in_place) {
            if (q != reinterpret_cast<void *>(a)) {
                return fail("realloc " + std::to_string(old.usable) + " -> " + std::to_string(size) +
                            " should stay in place");
            }
            seen_.realloc_in_place++;
            return intact(a, old, true);
        }
        if (q == nullptr || q == reinterpret_cast<void *>(a)) {
            // no page: NULL (or the block kept on a shrink), the block untouched
            if (!faults()) {
                return fail("realloc failed with pages to spare");
            }
            if (q != nullptr && asked > old.usable) {
                return fail("realloc grew in place past the usable size");
            }
            seen_.realloc_kept_or_null++;
            slab_heap_usage after{};
            slab_heap_stats(h_, &after);
            if (after.blocks_in_use != before.blocks_in_use || after.bytes_in_use != before.bytes_in_use) {
                return fail("a failed realloc changed the heap");
            }
            return intact(a, old, true);
        }
        // moved: the prefix came along, the old block is free
        const unsigned char *c = static_cast<const unsigned char *>(q);
        size_t kept = std::min(asked, old.usable);
        for (size_t i = 0; i < kept; i++) {
            if (c[i] != old.fill) {
                return fail("realloc lost byte " + std::to_string(i) + " of " + std::to_string(kept));
            }
        }
        seen_.realloc_moved++;
        // (the new block is counted before the old one goes: the peak saw both)
        if (!took(q, size, kA, "realloc")) {
            return false;
        }
        forget(a);
        if (slab_heap_usable_size(reinterpret_cast<void *>(a)) != 0) {
            return fail("realloc left the old block live");
        }
        return true;
    }

    bool refused(void *p, slab_status want, const char *what)
    {
        slab_heap_usage before{};
        slab_heap_stats(h_, &before);
        slab_status st = slab_heap_free(p);
        slab_heap_usage after{};
        slab_heap_stats(h_, &after);
        if (st != want) {
            return fail(std::string(what) + ": " + slab_status_str(st) + ", expected " + slab_status_str(want));
        }
        if (std::memcmp(&before, &after, sizeof before) != 0) {
            return fail(std::string(what) + ": a refused free changed the heap");
        }
        return true;
    }

    bool misuse_step()
    {
        unsigned r = rng_() % 3;
        if (r == 0 && last_freed_ != 0 && !last_freed_large_) {
            // right after its free (no alloc since): the slot is still free,
            // unless its slab emptied and went back to the hook (poisoned)
            void *p = reinterpret_cast<void *>(last_freed_);
            seen_.double_frees++;
            return refused(p, page_of(p) != 0 ? SLAB_EDOUBLEFREE : SLAB_EBADPTR, "double free");
        }
        if (r == 1 && !live_.empty()) {
            uintptr_t a = any_live();
            const Block &b = live_[a];
            size_t off = std::max<size_t>(8, rng_() % std::min<size_t>(b.usable, kD - 64) / 8 * 8);
            if (!b.large && off >= b.usable) {
                return true;
            }
            // inside the block: ENOTSLOT, except a large block's bytes past
            // its first D-block, which hold no header (EBADPTR)
            uintptr_t p = a + off;
            bool same_dblock = (p - 1) / kD == (a - 1) / kD;
            slab_status want = !b.large || same_dblock ? SLAB_ENOTSLOT : SLAB_EBADPTR;
            seen_.interior++;
            return refused(reinterpret_cast<void *>(p), want, "interior free") && intact(a, b, false);
        }
        alignas(4096) static unsigned char foreign[2 * 4096];
        seen_.foreign++;
        return refused(foreign + 8 * (1 + rng_() % 500), SLAB_EBADPTR, "foreign free");
    }

    bool check_counters()
    {
        slab_heap_usage u{};
        if (slab_heap_stats(h_, &u) != SLAB_OK) {
            return fail("stats");
        }
        if (u.blocks_in_use != live_.size() || u.bytes_in_use != bytes_ || u.large_blocks != large_ ||
            u.allocs != allocs_ || u.frees != frees_ || u.bytes_peak != peak_) {
            std::ostringstream s;
            s << "counters: blocks " << u.blocks_in_use << "/" << live_.size() << " bytes " << u.bytes_in_use << "/"
              << bytes_ << " large " << u.large_blocks << "/" << large_ << " allocs " << u.allocs << "/" << allocs_
              << " frees " << u.frees << "/" << frees_ << " peak " << u.bytes_peak << "/" << peak_;
            return fail(s.str());
        }
        if (u.pages != static_cast<size_t>(outstanding()) || u.page_bytes != outstanding_bytes() ||
            u.page_bytes_peak < u.page_bytes) {
            return fail("pages: the heap says " + std::to_string(u.pages) + " pages, " + std::to_string(u.page_bytes) +
                        " bytes; the hook " + std::to_string(outstanding()) + ", " +
                        std::to_string(outstanding_bytes()));
        }
        return true;
    }

    bool check_all()
    {
        for (auto &kv : live_) {
            if (!intact(kv.first, kv.second, false)) {
                return false;
            }
        }
        slab_status st = slab_heap_validate(h_);
        return st == SLAB_OK || fail("validate: " + std::string(slab_status_str(st)));
    }

    unsigned seed_;
    unsigned every_;
    std::mt19937 rng_;
    int step_ = 0;
    slab_heap *h_ = nullptr;
    std::map<uintptr_t, Block> live_;
    size_t bytes_ = 0, peak_ = 0, large_ = 0, allocs_ = 0, frees_ = 0;
    uintptr_t last_freed_ = 0;
    bool last_freed_large_ = false;
    Seen &seen_;
    ::testing::AssertionResult result_ = ::testing::AssertionSuccess();
};

}  // namespace

class HeapModel : public HeapTest, public ::testing::WithParamInterface<unsigned> {};

TEST_P(HeapModel, RandomSequencesAgreeWithTheModel)
{
    Seen seen;
    for (unsigned seed = 1; seed <= 4; seed++) {
        Model m(seed, GetParam(), &seen);
        ASSERT_TRUE(m.run(6000));
        ASSERT_EQ(outstanding(), 0) << "seed " << seed << ": pages left after destroy";
    }
    // every path was taken (else the run proves less than it says)
    EXPECT_GT(seen.large, 100u);
    EXPECT_GT(seen.aligned_large, 10u);
    EXPECT_GT(seen.calloc, 100u);
    EXPECT_GT(seen.realloc_in_place, 50u);
    EXPECT_GT(seen.realloc_moved, 100u);
    EXPECT_GT(seen.double_frees, 10u);
    EXPECT_GT(seen.interior, 10u);
    EXPECT_GT(seen.foreign, 10u);
    if (GetParam() != 0) {
        EXPECT_GT(seen.nulls, 20u);
        EXPECT_GT(seen.realloc_kept_or_null, 5u);
    } else {
        EXPECT_EQ(seen.nulls, 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(PageRefusedEvery, HeapModel, ::testing::Values(0u, 2u, 5u, 17u),
                         [](const ::testing::TestParamInfo<unsigned> &i) {
                             return i.param == 0 ? std::string("Never") : "Every" + std::to_string(i.param);
                         });
