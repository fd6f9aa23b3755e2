// Test page provider of test/unit and test/model (see counting_pages.hpp):
// an adapter over the shared provider (test_pages.h), which hands out the
// pages, keeps the live set and answers the faults. The faults are plans in
// fixed slots; a call goes through them in this order, so that refusing
// every alloc consumes none of the counted faults.
#include "counting_pages.hpp"

#include "slab/hooks.h"
#include "test_pages.h"

namespace slabtest {
namespace pages {

namespace {

enum Slot : unsigned { kRefuseAll = 0, kFail = 1, kMisalign = 2, kRefuseFrees = 3 };

// The next n calls of the hook of `kind` (n <= 0: none).
void next_calls(Slot slot, tp_kind kind, int n) { test_pages_fault_next(slot, kind, n > 0 ? uint64_t(n) : 0); }

}  // namespace

long outstanding() { return static_cast<long>(test_pages_stats().live); }
uint64_t alloc_calls() { return test_pages_stats().alloc_calls_total; }
uint64_t free_calls() { return test_pages_stats().free_calls_total; }

bool is_live_page(const void *base, size_t size) { return test_pages_is_live_page(base, size) != 0; }

// The aligned pages (a misaligned block is given straight back by the
// library, so it is never one of its pages).
std::vector<uintptr_t> live_pages()
{
    std::vector<void *> pages(test_pages_list(nullptr, nullptr, 0));
    size_t n = test_pages_list(pages.data(), nullptr, pages.size());
    std::vector<uintptr_t> out;
    for (size_t i = 0; i < n && i < pages.size(); i++) {
        out.push_back(reinterpret_cast<uintptr_t>(pages[i]));
    }
    return out;
}

void fail_next_allocs(int n) { next_calls(kFail, TP_NULL, n); }
void misalign_next_allocs(int n) { next_calls(kMisalign, TP_MISALIGN, n); }
void refuse_next_frees(int n) { next_calls(kRefuseFrees, TP_REFUSE, n); }

void refuse_all_allocs(bool on)
{
    tp_plan every_call = {TP_NULL, on ? test_pages_next_alloc() : 0, 1, 0};
    test_pages_set_plan(kRefuseAll, every_call);
}

int pending_alloc_faults() { return static_cast<int>(test_pages_pending(TP_NULL) + test_pages_pending(TP_MISALIGN)); }

void clear_faults() { test_pages_clear_plans(); }

}  // namespace pages
}  // namespace slabtest

DEFINE_SLAB_HOOKS(test_pages_alloc, test_pages_free);
