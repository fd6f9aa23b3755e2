// The heap fuzz target's page provider (see hfuzz_pages.hpp): an adapter over
// the shared test provider (test/support/test_pages.h). test_pages places the
// pages (padded placement: pad_below = D, filler kFiller below, the page's
// D-block zeroed), numbers the calls, answers the armed faults (one-call
// TP_NULL and TP_REFUSE plans; a duplicate is test_pages_alloc_again of the
// page this adapter picks), and keeps the quarantine (poisoned, or kept and
// hashed, at most kQuarantinePages, checked as each page leaves it). This
// adapter keeps what only the heap fuzzer asks: the owner of each live page
// and the per-owner counts and peaks, the events of an operation, the dup
// pick and filter, and the refusal of pages above kLargestPage.
#include "hfuzz_pages.hpp"

#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <vector>

#include "slab/hooks.h"
#include "slab/slab.h"
#include "test_pages.h"

namespace hpages {

namespace {

constexpr size_t kD = SLAB_DEFAULT_SLAB_SIZE;
constexpr size_t kQuarantinePages = 48;
enum Slot : unsigned { kFail = 0, kRefuse = 1 };

struct State_ {
    std::map<uintptr_t, Page> live; // by page base: owner and serial (test_pages' seq)
    size_t pages[kOwners], bytes[kOwners], peak[kOwners];
    int owner = kNoOwner;
    Events ev{};
    bool dup = false; // the next alloc call serves a live page (dup_pick)
    uint32_t dup_pick = 0;
    bool (*dup_ok)(uintptr_t, size_t) = nullptr;
};

State_ &st()
{
    static State_ s;
    return s;
}

void configure(bool poison)
{
    static_assert(kPoison == TP_POISON, "one poison byte");
    tp_config c = test_pages_config();
    c.pad_below = kD;
    c.pad_byte = kFiller;
    c.fresh_byte = 0;
    c.quarantine = 1;
    c.poison = poison ? 1 : 0;
    c.check_kept = 1;
    c.quarantine_max = kQuarantinePages;
    test_pages_configure(&c);
}

// Configured before any input (and before the first page).
const bool g_configured = [] {
    configure(true);
    return true;
}();

// Aborts when a release found a page written after it went back.
void check_written(const char *when)
{
    if (test_pages_take_written() != 0) {
        std::fprintf(stderr, "hfuzz_pages: a page was written after it went back to the hook (%s)\n", when);
        std::abort();
    }
}

bool owner_ok(int o) { return o >= 0 && o < kOwners; }

void arm(unsigned slot, tp_kind kind)
{
    uint64_t next = kind == TP_REFUSE ? test_pages_next_free() : test_pages_next_alloc();
    test_pages_set_plan(slot, tp_plan{kind, next, 0, 1});
}

void record(void *p, size_t size)
{
    State_ &s = st();
    uintptr_t base = reinterpret_cast<uintptr_t>(p);
    s.live[base] = Page{base, size, s.owner, test_pages_seq_of(p)};
    if (owner_ok(s.owner)) {
        s.pages[s.owner]++;
        s.bytes[s.owner] += size;
        if (s.bytes[s.owner] > s.peak[s.owner]) {
            s.peak[s.owner] = s.bytes[s.owner];
        }
    }
}

// The dup_pick-th live page of that size the filter accepts, by address.
void *dup_candidate(size_t size)
{
    State_ &s = st();
    std::vector<uintptr_t> same;
    for (const auto &kv : s.live) {
        if (kv.second.size == size && (s.dup_ok == nullptr || s.dup_ok(kv.first, size))) {
            same.push_back(kv.first);
        }
    }
    return same.empty() ? nullptr : reinterpret_cast<void *>(same[s.dup_pick % same.size()]);
}

void *page_alloc(size_t size, size_t align)
{
    State_ &s = st();
    if (size < SLAB_MIN_SLAB_SIZE) {
        std::fprintf(stderr, "hfuzz_pages: alloc(%zu, %zu) below SLAB_MIN_SLAB_SIZE\n", size, align);
        std::abort();
    }
    s.ev.alloc_calls++;
    s.ev.last_alloc_size = size;
    s.ev.wrong_owner += owner_ok(s.owner) ? 0 : 1;
    void *again = s.dup ? dup_candidate(size) : nullptr;
    s.dup = false;
    void *p;
    if (again != nullptr) {
        p = test_pages_alloc_again(size, align, again); // not recorded: not a new page
        s.ev.dups_served++;
    } else if (size > kLargestPage) {
        p = test_pages_alloc_as(size, align, TP_NULL); // a host without that much memory
    } else {
        p = test_pages_alloc(size, align); // the kFail plan, if armed for this call
        if (p != nullptr) {
            record(p, size);
            s.ev.pages_new++;
        }
    }
    test_pages_set_plan(kFail, tp_plan{TP_NONE, 0, 0, 0}); // a fault armed is this call's only
    s.ev.alloc_null += p == nullptr ? 1 : 0;
    return p;
}

int page_free(void *page, size_t size, size_t align)
{
    State_ &s = st();
    uintptr_t base = reinterpret_cast<uintptr_t>(page);
    auto it = s.live.find(base);
    int owner = it != s.live.end() ? it->second.owner : kNoOwner;
    int r = test_pages_free(page, size, align); // a page not handed out: a breach (abort)
    s.ev.free_calls++;
    s.ev.wrong_owner += s.owner != owner ? 1 : 0;
    if (r != 0) {
        s.ev.frees_refused++;
        s.ev.last_refused = base;
        return r;
    }
    s.live.erase(it);
    if (owner_ok(owner)) {
        s.pages[owner]--;
        s.bytes[owner] -= size;
    }
    s.ev.last_freed = base;
    check_written("a quarantined page released past the cap");
    return 0;
}

}  // namespace

void set_owner(int owner) { st().owner = owner; }
Events take_events()
{
    Events e = st().ev;
    st().ev = Events{};
    return e;
}
void fail_next_alloc()
{
    st().dup = false;
    arm(kFail, TP_NULL);
}
void dup_next_alloc(uint32_t pick)
{
    test_pages_set_plan(kFail, tp_plan{TP_NONE, 0, 0, 0});
    st().dup = true;
    st().dup_pick = pick;
}
void refuse_next_free() { arm(kRefuse, TP_REFUSE); }
void set_dup_filter(bool (*ok)(uintptr_t, size_t)) { st().dup_ok = ok; }
void set_poison(bool on) { configure(on); }
void clear_faults()
{
    st().dup = false;
    test_pages_clear_plans();
}
bool fault_pending() { return st().dup || test_pages_pending(TP_NULL) != 0 || test_pages_pending(TP_REFUSE) != 0; }

size_t live_pages(int owner) { return st().pages[owner]; }
size_t live_bytes(int owner) { return st().bytes[owner]; }
size_t peak_bytes(int owner) { return st().peak[owner]; }
void reset_peak(int owner) { st().peak[owner] = st().bytes[owner]; }
size_t live_total() { return test_pages_stats().live; }

bool page_at(uintptr_t addr, Page *out)
{
    auto &live = st().live;
    auto it = live.upper_bound(addr);
    if (it == live.begin()) {
        return false;
    }
    --it;
    if (addr - it->first >= it->second.size) {
        return false;
    }
    *out = it->second;
    return true;
}

bool live_page(uint32_t pick, Page *out)
{
    auto &live = st().live;
    if (live.empty()) {
        return false;
    }
    auto it = live.begin();
    std::advance(it, pick % live.size());
    *out = it->second;
    return true;
}

State state_of(uint64_t serial)
{
    switch (test_pages_state_of(serial)) {
    case TPS_LIVE: return State::live;
    case TPS_POISONED: return State::poisoned;
    case TPS_KEPT: return State::kept;
    default: return State::gone;
    }
}

bool readable(uintptr_t addr, size_t n)
{
    return test_pages_region_holds(reinterpret_cast<const void *>(addr), n) != 0;
}

void release_one(uint32_t pick)
{
    test_pages_release_quarantined(pick);
    check_written("release_one");
}

bool release_all()
{
    check_written("release_all");
    return test_pages_check_quarantine() == 0;
}

}  // namespace hpages

DEFINE_SLAB_HOOKS(hpages::page_alloc, hpages::page_free);
