// The fault-injection workload (see workload.hpp).
#include "workload.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <unordered_set>
#include <vector>

#include "slab/slab.h"

namespace fault {

namespace {

// Three geometries: tiny slabs (3 slots), a custom slab size with alignment,
// and the default slab size freed through the cache-less slab_free().
struct Geometry {
    size_t obj_size;
    size_t obj_align;
    size_t slab_size; // 0: SLAB_DEFAULT_SLAB_SIZE
};
constexpr Geometry kGeometries[] = {{64, 0, 256}, {200, 16, 512}, {1000, 0, 0}};
constexpr int kCaches = sizeof(kGeometries) / sizeof(kGeometries[0]);

struct Obj {
    unsigned char *p;
    uint32_t id;
};

unsigned char pattern(uint32_t id) { return static_cast<unsigned char>(id * 131u + 7u); }

class Workload {
public:
    explicit Workload(Plan plan) : plan_(plan) {}

    RunResult run()
    {
        reset(plan_);
        // Pages a failed run before left live are not this run's: each run
        // is judged on its own (a leak fails the run that made it).
        pages_at_start_ = live_pages();
        given_at_start_ = pages_given_out();
        taken_at_start_ = pages_taken_back();
        for (int i = 0; i < kCaches && ok(); i++) {
            create(i);
        }
        phase_end();
        for (int n = 0; n < 700 && ok(); n++) { // grow: ~250 pages
            alloc(pick_cache());
        }
        phase_end();
        for (int n = 0; n < 900 && ok(); n++) { // churn
            if (next() % 2 == 0) {
                alloc(pick_cache());
            } else {
                free_random(pick_cache());
            }
        }
        phase_end();
        drain();
        for (int n = 0; n < 200 && ok(); n++) { // grow again from spares and new pages
            alloc(pick_cache());
        }
        phase_end();
        drain();
        for (int i = 0; i < kCaches && ok(); i++) {
            destroy(i);
        }
        if (ok()) {
            EXPECT_EQ(live_pages(), pages_at_start_) << ctx() << "pages leaked";
            EXPECT_EQ(pages_given_out() - given_at_start_, pages_taken_back() - taken_at_start_) << ctx();
            EXPECT_TRUE(live_.empty()) << ctx();
        }
        RunResult r;
        r.alloc_calls = alloc_calls();
        r.free_calls = free_calls();
        r.faults = faults();
        r.duplicates_missed = duplicates_missed();
        r.steps = steps_;
        return r;
    }

private:
    static bool ok() { return !::testing::Test::HasFailure(); }

    std::string ctx() const
    {
        return "[plan kind " + std::to_string(static_cast<int>(plan_.kind)) + " at " + std::to_string(plan_.at) +
               (plan_.from_on ? " onwards" : " once") + ", step " + std::to_string(steps_) + "] ";
    }

    uint64_t next()
    {
        rng_ ^= rng_ << 13;
        rng_ ^= rng_ >> 7;
        rng_ ^= rng_ << 17;
        return rng_;
    }

    // What slab.h promises for an alloc or create whose page hook call faulted.
    slab_status faulted_alloc_status() const
    {
        switch (plan_.kind) {
        case Kind::kNull:
            return SLAB_ENOMEM;
        case Kind::kMisalign:
            return SLAB_EHOOKALIGN;
        case Kind::kDuplicate:
            return SLAB_EHOOKDUP;
        default:
            return SLAB_OK; // no other kind faults an alloc
        }
    }

    int pick_cache() { return static_cast<int>(next() % kCaches); }

    size_t slab_size(int i) const { return kGeometries[i].slab_size ? kGeometries[i].slab_size : SLAB_DEFAULT_SLAB_SIZE; }

    // Stats of cache i; counters consistent with the table and the provider.
    slab_stats check(int i, bool walk)
    {
        slab_stats st{};
        if (walk) {
            EXPECT_EQ(slab_cache_validate(cache_[i]), SLAB_OK) << ctx() << "cache " << i;
        }
        EXPECT_EQ(slab_cache_stats(cache_[i], &st), SLAB_OK) << ctx();
        EXPECT_EQ(st.objs_in_use, objs_[i].size()) << ctx() << "cache " << i;
        EXPECT_EQ(st.pages_taken - st.pages_given, st.slabs_in_use) << ctx() << "cache " << i;
        EXPECT_EQ(st.hook_failures, failures_[i]) << ctx() << "cache " << i;
        return st;
    }

    void check_pages()
    {
        long slabs = 0;
        for (int i = 0; i < kCaches; i++) {
            if (cache_[i] != nullptr) {
                slab_stats st{};
                slab_cache_stats(cache_[i], &st);
                slabs += st.slabs_in_use;
            }
        }
        EXPECT_EQ(slabs, live_pages() - pages_at_start_) << ctx() << "slabs held != provider's live pages";
    }

    void phase_end()
    {
        for (int i = 0; i < kCaches && ok(); i++) {
            if (cache_[i] != nullptr) {
                check(i, true);
            }
        }
        check_pages();
    }

    void create(int i)
    {
        const Geometry &g = kGeometries[i];
        for (int attempt = 0; attempt < 3 && cache_[i] == nullptr && ok(); attempt++) {
            steps_++;
            uint64_t f0 = faults();
            slab_cache *c = nullptr;
            slab_status st = slab_cache_create(&c, g.obj_size, g.obj_align, g.slab_size, 0);
            if (faults() != f0) {
                EXPECT_EQ(st, faulted_alloc_status()) << ctx();
                EXPECT_EQ(c, nullptr) << ctx() << "*out written on a failed create";
            } else {
                EXPECT_EQ(st, SLAB_OK) << ctx();
                cache_[i] = c;
                failures_[i] = 0;
            }
            check_pages();
        }
    }

    void alloc(int i)
    {
        if (cache_[i] == nullptr) {
            return;
        }
        steps_++;
        uint64_t f0 = faults();
        slab_stats before = check(i, false);
        slab_status st = SLAB_ECORRUPT;
        auto *p = static_cast<unsigned char *>(slab_alloc_status(cache_[i], &st));
        if (faults() != f0) {
            failures_[i] += faults() - f0;
            EXPECT_EQ(p, nullptr) << ctx() << "alloc succeeded although its page faulted";
            EXPECT_EQ(st, faulted_alloc_status()) << ctx();
        } else {
            ASSERT_NE(p, nullptr) << ctx() << "alloc failed with no fault: " << slab_status_str(st);
            EXPECT_EQ(st, SLAB_OK) << ctx();
            const Geometry &g = kGeometries[i];
            ASSERT_TRUE(live_.insert(p).second) << ctx() << "object handed out twice: " << (void *)p;
            ASSERT_TRUE(in_live_page(p, g.obj_size, slab_size(i))) << ctx() << "object outside the cache's pages";
            size_t align = g.obj_align ? g.obj_align : alignof(void *);
            EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % align, 0u) << ctx();
            uint32_t id = next_id_++;
            std::memset(p, pattern(id), g.obj_size);
            objs_[i].push_back(Obj{p, id});
        }
        slab_stats after = check(i, true);
        EXPECT_GE(after.pages_taken, before.pages_taken) << ctx();
        check_pages();
    }

    void free_at(int i, size_t k)
    {
        steps_++;
        Obj o = objs_[i][k];
        objs_[i][k] = objs_[i].back();
        objs_[i].pop_back();
        const Geometry &g = kGeometries[i];
        for (size_t b = 0; b < g.obj_size; b++) {
            ASSERT_EQ(o.p[b], pattern(o.id)) << ctx() << "object " << o.id << " overwritten at byte " << b;
        }
        live_.erase(o.p);
        uint64_t f0 = faults();
        slab_status st = g.slab_size == 0 ? slab_free(o.p) : slab_cache_free(cache_[i], o.p);
        if (faults() != f0) {
            failures_[i] += faults() - f0;
            EXPECT_EQ(st, SLAB_EHOOKFREE) << ctx() << "refused page give-back not reported";
        } else {
            EXPECT_EQ(st, SLAB_OK) << ctx();
        }
        check(i, true); // the object is freed either way: objs_in_use dropped
        check_pages();
    }

    void free_random(int i)
    {
        if (cache_[i] != nullptr && !objs_[i].empty()) {
            free_at(i, next() % objs_[i].size());
        }
    }

    void drain()
    {
        for (int i = 0; i < kCaches; i++) {
            while (cache_[i] != nullptr && !objs_[i].empty() && ok()) {
                free_at(i, next() % objs_[i].size());
            }
        }
        phase_end();
    }

    // Destroy; a refused page leaves a working cache that a second destroy,
    // with frees working again, ends.
    void destroy(int i)
    {
        if (cache_[i] == nullptr) {
            return;
        }
        steps_++;
        uint64_t f0 = faults();
        slab_status st = slab_cache_destroy(cache_[i]);
        if (faults() == f0) {
            EXPECT_EQ(st, SLAB_OK) << ctx();
            cache_[i] = nullptr;
            check_pages();
            return;
        }
        failures_[i] += faults() - f0;
        ASSERT_EQ(st, SLAB_EHOOKFREE) << ctx();
        check(i, true);
        check_pages();
        set_plan(Plan{});
        alloc(i); // still usable
        free_random(i);
        steps_++;
        ASSERT_EQ(slab_cache_destroy(cache_[i]), SLAB_OK) << ctx() << "second destroy";
        cache_[i] = nullptr;
        check_pages();
    }

    Plan plan_;
    long pages_at_start_ = 0;
    uint64_t given_at_start_ = 0;
    uint64_t taken_at_start_ = 0;
    uint64_t rng_ = 0x9E3779B97F4A7C15ull;
    uint64_t steps_ = 0;
    uint32_t next_id_ = 0;
    slab_cache *cache_[kCaches] = {};
    uint64_t failures_[kCaches] = {};
    std::vector<Obj> objs_[kCaches];
    std::unordered_set<const void *> live_;
};

}  // namespace

RunResult run_workload(Plan plan) { return Workload(plan).run(); }

}  // namespace fault
