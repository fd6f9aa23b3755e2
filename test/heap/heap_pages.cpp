// Page provider of the heap suites (heap_pages.hpp): an adapter over the
// shared test provider (test/support/test_pages.h), configured with fresh
// pages filled with 0x5C (calloc must clear), and a poisoned quarantine of
// at most 64 MiB whose oldest pages are checked as they are released.
// Faults are plans in fixed slots: refusing every alloc first, so that it
// consumes none of the counted faults.
#include "heap_pages.hpp"

#include <atomic>
#include <random>

#include "slab/hooks.h"
#include "test_pages.h"

namespace heaptest {

namespace {

enum Slot : unsigned { kRefuseAll = 0, kEvery = 1, kRefuseFrees = 2 };
std::atomic<uintptr_t> g_again{0}; // hand_out_again
constexpr size_t kQuarantineCap = size_t(64) << 20;

// The heap suites' configuration, with or without poison on free.
void configure(bool poison)
{
    tp_config c = test_pages_config();
    c.fresh_byte = 0x5C;
    c.fresh_limit = 4096;
    c.quarantine = 1;
    c.poison = poison ? 1 : 0;
    c.quarantine_cap = kQuarantineCap;
    test_pages_configure(&c);
}

// Configured before any test (and before the first page any static
// constructor could take).
const bool g_configured = [] {
    static_assert(kPoison == TP_POISON, "one poison byte");
    configure(true);
    return true;
}();

}  // namespace

long outstanding() { return static_cast<long>(test_pages_stats().live); }
size_t outstanding_bytes() { return test_pages_stats().live_bytes; }
uint64_t alloc_calls() { return test_pages_stats().alloc_calls_total; }
uint64_t free_calls() { return test_pages_stats().free_calls_total; }
size_t page_of(const void *p) { return test_pages_page_of(p); }
bool is_live_page(const void *base, size_t size) { return test_pages_is_live_page(base, size) != 0; }

void fail_every(unsigned n)
{
    tp_plan every_nth = {TP_NULL, n != 0 ? test_pages_next_alloc() + n - 1 : 0, n, 0};
    test_pages_set_plan(kEvery, every_nth);
}

void refuse_next_frees(int n) { test_pages_fault_next(kRefuseFrees, TP_REFUSE, n > 0 ? uint64_t(n) : 0); }

void refuse_all_allocs(bool on)
{
    tp_plan every_call = {TP_NULL, on ? test_pages_next_alloc() : 0, 1, 0};
    test_pages_set_plan(kRefuseAll, every_call);
}

void poison_on_free(bool on) { configure(on); }

void clear_faults()
{
    g_again.store(0);
    test_pages_clear_plans();
    configure(true);
}

bool check_quarantine() { return test_pages_check_quarantine() == 0; }

// hand_out_again: one specific live page, for the next alloc of its size
// (the shared provider's TP_DUPLICATE repeats the latest page of a size;
// test_pages_alloc_again answers a numbered call with the page named).
void hand_out_again(const void *page) { g_again.store(reinterpret_cast<uintptr_t>(page)); }

void *pages_alloc(size_t size, size_t align)
{
    uintptr_t again = g_again.load();
    const void *page = reinterpret_cast<const void *>(again);
    if (again != 0 && test_pages_is_live_page(page, size) && g_again.compare_exchange_strong(again, 0)) {
        return test_pages_alloc_again(size, align, page); // live already: not recorded again
    }
    return test_pages_alloc(size, align);
}

}  // namespace heaptest

DEFINE_SLAB_HOOKS(heaptest::pages_alloc, test_pages_free);

// The program's secret, as a program seeds it: once, before any heap, from
// a source nobody predicts (slab/hooks.h).
namespace {
const bool g_seeded = [] {
    std::random_device rd;
    slab_secret = (static_cast<uintptr_t>(rd()) << 16) ^ rd();
    return true;
}();
}  // namespace
