// Fault-injecting page provider (see fault_pages.hpp): an adapter over the
// shared test provider (test/support/test_pages.h). The fault plan is the
// provider's plan in slot 0; the guarded placement, the prefill and the
// contract checks are the provider's own.
#include "fault_pages.hpp"

#include <cstring>

#include "slab/hooks.h"
#include "test_pages.h"

namespace fault {

namespace {

// Plan{kind, at, from_on} as a call-numbered plan of the provider.
tp_plan to_plan(Plan p)
{
    tp_kind kinds[] = {TP_NONE, TP_NULL, TP_MISALIGN, TP_REFUSE, TP_DUPLICATE};
    tp_plan out = {kinds[static_cast<int>(p.kind)], p.at, p.from_on ? 1u : 0u, 0};
    if (p.at == 0) {
        out.first = p.from_on ? 1 : 0; // "from call 0 on" is every call
    }
    return out;
}

}  // namespace

void reset(Plan plan)
{
    test_pages_renumber();
    set_plan(plan);
}

void set_plan(Plan plan) { test_pages_set_plan(0, to_plan(plan)); }

void set_guarded(bool on)
{
    tp_config c = test_pages_config();
    c.guarded = on ? 1 : 0;
    test_pages_configure(&c);
}

void set_prefill(void (*fn)(void *page, size_t size))
{
    tp_config c = test_pages_config();
    c.prefill = fn;
    test_pages_configure(&c);
}

void *latest_page() { return test_pages_latest(0); }

void take_back(void *page)
{
    size_t size = test_pages_live_size(page);
    if (size == 0) {
        test_pages_free(page, 0, 0); // not live: the provider reports the breach
        return;
    }
    // Scrubbed, so that what it held does not outlive it in the host's heap.
    std::memset(page, 0, size);
    (void)test_pages_free(page, size, size);
}

uint64_t alloc_calls() { return test_pages_stats().alloc_calls; }
uint64_t free_calls() { return test_pages_stats().free_calls; }
uint64_t faults() { return test_pages_stats().faults; }
uint64_t duplicates_missed() { return test_pages_stats().duplicates_missed; }
long live_pages() { return static_cast<long>(test_pages_stats().live_aligned); }
uint64_t pages_given_out() { return test_pages_stats().given_total; }
uint64_t pages_taken_back() { return test_pages_stats().taken_back_total; }

bool in_live_page(const void *p, size_t size, size_t slab_size)
{
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    uintptr_t base = a & ~static_cast<uintptr_t>(slab_size - 1);
    return test_pages_is_live_page(reinterpret_cast<void *>(base), slab_size) && a + size <= base + slab_size;
}

std::vector<LivePage> live_page_list()
{
    size_t n = test_pages_list(nullptr, nullptr, 0);
    std::vector<void *> pages(n);
    std::vector<size_t> sizes(n);
    n = test_pages_list(pages.data(), sizes.data(), n);
    std::vector<LivePage> out;
    for (size_t i = 0; i < n && i < pages.size(); i++) {
        out.push_back(LivePage{pages[i], sizes[i]});
    }
    return out;
}

}  // namespace fault

DEFINE_SLAB_HOOKS(test_pages_alloc, test_pages_free);
