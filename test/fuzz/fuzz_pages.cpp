// Fuzz target's page provider (see fuzz_pages.hpp): an adapter over the
// shared test provider (test/support/test_pages.h), configured with carved
// placement (carve_block = SLAB_DEFAULT_SLAB_SIZE: pages below it cut, first
// fit, from shared blocks of that size) and fresh pages zeroed (at most one
// default-size block of each; a carved block's base is always its first page
// handed out, so it never holds bytes the host left there). The one fault the
// input arms is a one-call plan in slot kFault at the next alloc call: TP_NULL
// or TP_DUPLICATE, the later arming replacing the earlier.
#include "fuzz_pages.hpp"

#include <cstdio>
#include <cstdlib>

#include "slab/hooks.h"
#include "slab/slab.h"
#include "test_pages.h"

namespace fuzzpages {

namespace {

constexpr size_t kBlock = SLAB_DEFAULT_SLAB_SIZE;
constexpr unsigned kFault = 0;
static_assert(SLAB_MIN_SLAB_SIZE >= kBlock / 64, "no page smaller than a carve unit");

// Configured before the first input (and before any page is taken).
const bool g_configured = [] {
    tp_config c = test_pages_config();
    c.carve_block = kBlock;
    c.fresh_byte = 0;
    c.fresh_limit = kBlock;
    test_pages_configure(&c);
    return true;
}();

void arm(tp_kind kind)
{
    tp_plan next_call = {kind, test_pages_next_alloc(), 0, 1};
    test_pages_set_plan(kFault, next_call);
}

// The shared provider checks align == size, a power of two; the library
// never asks below its smallest slab.
void *fuzz_page_alloc(size_t size, size_t align)
{
    if (size < SLAB_MIN_SLAB_SIZE) {
        std::fprintf(stderr, "fuzz_pages: alloc(%zu, %zu) below SLAB_MIN_SLAB_SIZE\n", size, align);
        std::abort();
    }
    return test_pages_alloc(size, align);
}

}  // namespace

void fail_next_alloc() { arm(TP_NULL); }
void dup_next_alloc() { arm(TP_DUPLICATE); }
void clear_fault() { test_pages_clear_plans(); }
bool fail_pending() { return test_pages_pending(TP_NULL) != 0; }
bool dup_pending() { return test_pages_pending(TP_DUPLICATE) != 0; }
bool has_live_of_size(size_t size) { return test_pages_latest(size) != nullptr; }
size_t live() { return test_pages_stats().live; }
size_t live_size(uintptr_t base) { return test_pages_live_size(reinterpret_cast<const void *>(base)); }
uint64_t dups_served() { return test_pages_stats().faults_of[TP_DUPLICATE]; }

}  // namespace fuzzpages

DEFINE_SLAB_HOOKS(fuzzpages::fuzz_page_alloc, test_pages_free);
