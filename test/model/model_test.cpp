// Model-based randomized test: thousands of mixed alloc/free sequences on the
// C API (several seeds, several geometries including custom slab sizes, and a
// hook that now and then gives no page, a misaligned page, or refuses a page
// back), each call checked against the reference model (reference_model.hpp):
//   - no two live objects overlap; each is aligned, on its slab's slot grid,
//     inside a live page of this cache, clear of the header/control block;
//   - each object keeps the bytes written at alloc (derived from its model
//     id) until it is freed;
//   - the slab it comes from is the one the rules predict (an in-service slab
//     with room, the spare, or the page the hook just gave);
//   - stats (objs_in_use, objs_peak, slabs_in_use, slabs_peak, pages_taken,
//     pages_given, hook_failures) and the provider's live pages match the
//     model, and slab_cache_validate() == SLAB_OK, after every step.
// A failure prints the geometry, seed, step and operation, the cache dump,
// and the command that replays it (SLAB_MODEL_SEED selects one seed).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <cstring>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "counting_pages.hpp"
#include "geometries.hpp"
#include "reference_model.hpp"
#include "sizing_formula.hpp"
#include "slab_dump.hpp"

namespace pages = slabtest::pages;
using slabtest::Geo;
using slabtest::kGeos;
using slabtest::kSeeds;
using slabtest::kSteps;

namespace {

unsigned char fill_byte(uint64_t id, size_t j)
{
    return static_cast<unsigned char>(((id * 2654435761u) >> 11) ^ (j * 151u) ^ id);
}

class ModelRun {
public:
    ModelRun(const Geo &g, unsigned seed) : g_(g), seed_(seed), rng_(seed * 7919u + 17u) {}

    // Runs the sequence; false with why() set at the first divergence.
    bool go(int steps)
    {
        S_ = g_.slab == 0 ? SLAB_DEFAULT_SLAB_SIZE : g_.slab;
        z_ = slabtest::expected_sizing(g_.size, g_.align, g_.slab);
        for (uintptr_t p : pages::live_pages()) {
            foreign_.insert(p);
        }
        if (slab_cache_create(&c_, g_.size, g_.align, g_.slab, 0) != SLAB_OK) {
            return fail("create");
        }
        slab_cache_stats(c_, &geometry_);
        if (geometry_.slot_size != z_.stride || geometry_.objs_per_slab != z_.cap_slave ||
            geometry_.objs_in_master != z_.cap_master) {
            return fail("geometry differs from the sizing formula");
        }
        model_.reset(new slabtest::RefModel(slabtest::master_base(c_), z_.cap_master, z_.cap_slave));
        // Phases walk the live count toward a random target in [0, max_live],
        // so slabs fill, empty, go back and come back many times per run.
        const size_t max_live = z_.cap_master + 4 * size_t(z_.cap_slave);
        size_t target = 0;
        for (step_ = 0; step_ < steps; step_++) {
            const size_t n = order_.size();
            if (n == target || step_ % 400 == 0) {
                target = rng_() % (max_live + 1);
            }
            const unsigned alloc_pct = n < target ? 85 : 15;
            bool ok;
            if (rng_() % 200 == 0) {
                op_ = "reset_peak";
                ok = slab_cache_reset_peak(c_) == SLAB_OK || fail("reset_peak status");
                model_->reset_peak();
            } else if (n == 0 || (n < max_live && rng_() % 100 < alloc_pct)) {
                ok = do_alloc();
            } else {
                // Half the frees take the newest object (stack-like, empties
                // slabs), half a random one (fragments them).
                ok = do_free(rng_() % 2 == 0 ? n - 1 : rng_() % n);
            }
            if (!ok || !compare() || (step_ % 128 == 0 && !check_all_contents())) {
                return false;
            }
        }
        op_ = "drain";
        while (!order_.empty()) {
            if (!do_free(order_.size() - 1) || !compare()) {
                return false;
            }
        }
        op_ = "destroy";
        if (slab_cache_destroy(c_) != SLAB_OK) {
            return fail("destroy of an empty cache");
        }
        c_ = nullptr;
        return true;
    }

    const std::string &why() const { return why_; }

    // How often each rule of the model was exercised (a run that never grows,
    // shrinks or meets a fault proves little).
    struct Coverage {
        unsigned fresh_pages, spare_reuses, alloc_faults, pages_given, refused_gives, frees_by_mask, unused;
    };
    const Coverage &coverage() const { return cov_; }

    // A failed run leaks its cache on purpose: its state is not trusted, and
    // freeing into it could crash the test binary before the report.
    ~ModelRun() { pages::clear_faults(); }

private:
    bool fail(const std::string &what)
    {
        std::ostringstream m;
        m << "model divergence: " << what << "\n  geometry " << g_.name << " seed " << seed_ << " step " << step_
          << " op " << op_ << "\n  replay: SLAB_MODEL_SEED=" << seed_
          << " build/test-unit/model_tests --gtest_filter='*" << g_.name << "*'\n"
          << slabtest::dump(c_);
        why_ = m.str();
        return false;
    }

    bool do_alloc()
    {
        op_ = "alloc";
        const bool need = model_->needs_slab();
        const bool via_hook = need && !model_->has_spare();
        // Faults mostly where the hook is reached, sometimes where it must not be.
        const int fault = rng_() % 100 < (via_hook ? 35u : 3u) ? 1 + static_cast<int>(rng_() % 2) : 0;
        if (fault == 1) {
            pages::fail_next_allocs(1); // NULL
        } else if (fault == 2) {
            pages::misalign_next_allocs(1);
        }
        const uint64_t calls = pages::alloc_calls();
        std::vector<uintptr_t> before = pages::live_pages();
        slab_status st = SLAB_ECORRUPT;
        void *p = slab_alloc_status(c_, &st);
        const bool consumed = fault != 0 && pages::pending_alloc_faults() == 0;
        pages::clear_faults();
        if (pages::alloc_calls() - calls != (via_hook ? 1u : 0u)) {
            return fail(via_hook ? "the hook was not called for a new slab" : "the hook was called needlessly");
        }
        if (fault != 0 && consumed != via_hook) {
            return fail("an injected fault was consumed by the wrong call");
        }
        if (via_hook && fault != 0) {
            if (p != nullptr || st != (fault == 1 ? SLAB_ENOMEM : SLAB_EHOOKALIGN)) {
                return fail(std::string("hook fault not reported: ") + slab_status_str(st));
            }
            model_->alloc_failed();
            cov_.alloc_faults++;
            return true;
        }
        if (p == nullptr || st != SLAB_OK) {
            return fail(std::string("alloc returned NULL: ") + slab_status_str(st));
        }
        const uintptr_t a = reinterpret_cast<uintptr_t>(p);
        const uintptr_t base = slabtest::slab_base(p, S_);
        bool fresh = std::find(before.begin(), before.end(), base) == before.end();
        if (via_hook ? !fresh : fresh) {
            return fail(via_hook ? "object not in the page just taken" : "object in an unknown page");
        }
        if (need && !via_hook && base != model_->spare()) {
            return fail("object not in the spare");
        }
        if (!need && (!model_->in_service(base) || model_->used(base) >= model_->capacity(base))) {
            return fail("object in a slab that is full or not in service");
        }
        if (!place_ok(a, base)) {
            return false;
        }
        const uint64_t id = next_id_++;
        unsigned char *b = static_cast<unsigned char *>(p);
        for (size_t j = 0; j < g_.size; j++) {
            b[j] = fill_byte(id, j);
        }
        model_->allocated(a, base, id, via_hook);
        order_.push_back(a);
        (via_hook ? cov_.fresh_pages : need ? cov_.spare_reuses : cov_.unused)++;
        return true;
    }

    // Alignment, slot grid, slab bounds, owner, and no overlap with neighbours.
    bool place_ok(uintptr_t a, uintptr_t base)
    {
        const size_t low = base == model_->master() ? z_.floor : sizeof(slab::detail::slab_page);
        if (a % z_.align != 0) {
            return fail("misaligned object");
        }
        if (a < base + low || a + g_.size > base + S_ || (base + S_ - a) % z_.stride != 0) {
            return fail("object outside its slab's slots");
        }
        if (reinterpret_cast<const slab::detail::slab_page *>(base)->cache != c_) {
            return fail("object in another cache's slab");
        }
        const auto &live = model_->live();
        auto next = live.lower_bound(a);
        if (next != live.end() && next->first < a + g_.size) {
            return fail("object overlaps a live object above it");
        }
        if (next != live.begin() && std::prev(next)->first + g_.size > a) {
            return fail("object overlaps a live object below it");
        }
        return true;
    }

    bool contents_ok(uintptr_t a, uint64_t id)
    {
        const unsigned char *b = reinterpret_cast<const unsigned char *>(a);
        for (size_t j = 0; j < g_.size; j++) {
            if (b[j] != fill_byte(id, j)) {
                return fail("object " + std::to_string(id) + " byte " + std::to_string(j) + " changed");
            }
        }
        return true;
    }

    bool check_all_contents()
    {
        for (const auto &o : model_->live()) {
            if (!contents_ok(o.first, o.second)) {
                return false;
            }
        }
        return true;
    }

    // Frees the k-th live object in allocation order (not address order, so
    // that a seed replays the same calls whatever addresses the pages get).
    bool do_free(size_t k)
    {
        op_ = "free";
        const uintptr_t a = order_[k];
        order_[k] = order_.back();
        order_.pop_back();
        if (!contents_ok(a, model_->live().at(a))) {
            return false;
        }
        void *p = reinterpret_cast<void *>(a);
        const uintptr_t base = slabtest::slab_base(p, S_);
        const bool offers = model_->free_offers_page(base);
        const bool refuse = rng_() % 100 < (offers ? 30u : 3u);
        if (refuse) {
            pages::refuse_next_frees(1);
        }
        const uint64_t calls = pages::free_calls();
        const bool by_mask = S_ == SLAB_DEFAULT_SLAB_SIZE && rng_() % 2 == 0;
        slab_status st = by_mask ? slab_free(p) : slab_cache_free(c_, p);
        pages::clear_faults();
        if (pages::free_calls() - calls != (offers ? 1u : 0u)) {
            return fail(offers ? "an empty slave beyond the spare was not offered back" : "a page was offered needlessly");
        }
        if (st != (offers && refuse ? SLAB_EHOOKFREE : SLAB_OK)) {
            return fail(std::string("free status ") + slab_status_str(st));
        }
        model_->freed(a, base, !(offers && refuse));
        (offers ? (refuse ? cov_.refused_gives : cov_.pages_given) : cov_.unused)++;
        cov_.frees_by_mask += by_mask;
        return true;
    }

    // Stats, provider pages and the full invariant walk against the model.
    bool compare()
    {
        slab_stats got{};
        if (slab_cache_stats(c_, &got) != SLAB_OK) {
            return fail("stats refused");
        }
        slab_stats want = model_->expected(geometry_);
        std::ostringstream d;
#define SLAB_MODEL_FIELD(f)                                                                                    \
    if (got.f != want.f) d << " " #f " got " << got.f << " want " << want.f;
        SLAB_MODEL_FIELD(objs_in_use)
        SLAB_MODEL_FIELD(objs_peak)
        SLAB_MODEL_FIELD(slabs_in_use)
        SLAB_MODEL_FIELD(slabs_peak)
        SLAB_MODEL_FIELD(pages_taken)
        SLAB_MODEL_FIELD(pages_given)
        SLAB_MODEL_FIELD(hook_failures)
#undef SLAB_MODEL_FIELD
        if (!d.str().empty()) {
            return fail("stats differ:" + d.str());
        }
        if (got.pages_taken - got.pages_given != got.slabs_in_use) {
            return fail("pages_taken - pages_given != slabs_in_use");
        }
        std::set<uintptr_t> held;
        for (uintptr_t p : pages::live_pages()) {
            if (foreign_.count(p) == 0) {
                held.insert(p);
            }
        }
        std::set<uintptr_t> modelled;
        for (const auto &s : model_->slabs()) {
            modelled.insert(s.first);
        }
        if (model_->has_spare()) {
            modelled.insert(model_->spare());
        }
        if (held != modelled) {
            return fail("the provider's live pages are not the model's slabs");
        }
        slab_status v = slab_cache_validate(c_);
        return v == SLAB_OK || fail(std::string("validate: ") + slab_status_str(v));
    }

    const Geo &g_;
    unsigned seed_;
    std::mt19937_64 rng_;
    size_t S_ = 0;
    slabtest::Sizing z_{};
    slab_cache *c_ = nullptr;
    slab_stats geometry_{};
    std::unique_ptr<slabtest::RefModel> model_;
    std::set<uintptr_t> foreign_; // pages live before this run (none expected)
    std::vector<uintptr_t> order_; // live objects in allocation order (swap-removed)
    uint64_t next_id_ = 1;
    int step_ = 0;
    const char *op_ = "create";
    std::string why_;
    Coverage cov_{};
};

struct Case {
    unsigned geo, seed;
};

class Model : public testing::TestWithParam<Case> {};

ModelRun::Coverage coverage_sum[sizeof(kGeos) / sizeof(kGeos[0])];

TEST_P(Model, MatchesTheReferenceModel)
{
    const Case k = GetParam();
    const char *only = std::getenv("SLAB_MODEL_SEED");
    if (only != nullptr && std::strtoul(only, nullptr, 10) != k.seed) {
        GTEST_SKIP() << "SLAB_MODEL_SEED selects another seed";
    }
    const char *steps = std::getenv("SLAB_MODEL_STEPS");
    const long before = pages::outstanding();
    {
        ModelRun run(kGeos[k.geo], k.seed);
        ASSERT_TRUE(run.go(steps != nullptr ? std::atoi(steps) : kSteps)) << run.why();
        // Every rule of the model must have been exercised by the seeds of
        // each geometry together (checked with its last seed).
        const ModelRun::Coverage &c = run.coverage();
        ModelRun::Coverage &sum = coverage_sum[k.geo];
        sum.fresh_pages += c.fresh_pages;
        sum.spare_reuses += c.spare_reuses;
        sum.alloc_faults += c.alloc_faults;
        sum.pages_given += c.pages_given;
        sum.refused_gives += c.refused_gives;
        sum.frees_by_mask += c.frees_by_mask;
        if (only == nullptr && steps == nullptr && k.seed == kSeeds) {
            EXPECT_GT(sum.fresh_pages, kSeeds) << "seldom grew";
            EXPECT_GT(sum.spare_reuses, 0u) << "never reused the spare";
            EXPECT_GT(sum.alloc_faults, 0u) << "never met a failing alloc hook";
            EXPECT_GT(sum.pages_given, 0u) << "never gave a page back";
            EXPECT_GT(sum.refused_gives, 0u) << "never met a refusing free hook";
            if (kGeos[k.geo].slab == 0) {
                EXPECT_GT(sum.frees_by_mask, 0u) << "never freed through slab_free()";
            }
        }
    }
    EXPECT_EQ(pages::outstanding(), before) << "pages left behind after destroy";
}

std::vector<Case> all_cases()
{
    std::vector<Case> out;
    for (unsigned g = 0; g < sizeof(kGeos) / sizeof(kGeos[0]); g++) {
        for (unsigned s = 1; s <= kSeeds; s++) {
            out.push_back({g, s});
        }
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(Seeds, Model, testing::ValuesIn(all_cases()),
                         [](const testing::TestParamInfo<Case> &info) {
                             return std::string(kGeos[info.param.geo].name) + "_seed" +
                                    std::to_string(info.param.seed);
                         });

}  // namespace
