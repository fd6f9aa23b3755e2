// A long, deterministic workload over three caches of different geometries
// (hundreds of pages taken and given back), checked after every step against
// an ownership table, with the page provider of fault_pages.hpp answering one
// hook call (or every one from it on) with a fault.
//
// What every step verifies (gtest assertions; the first failure stops the run):
//   - a faulted call returns what slab.h promises: NULL + SLAB_ENOMEM,
//     SLAB_EHOOKALIGN or SLAB_EHOOKDUP (the hook repeated a live page) for
//     an alloc, SLAB_EHOOKFREE for a free or a destroy,
//     and a call that saw no fault succeeds;
//   - nothing is handed out twice: a new object is in no live entry of the
//     ownership table, lies in a live page of its cache's slab size at a
//     multiple of its alignment, and its fill pattern is intact when freed;
//   - slab_cache_validate() == SLAB_OK for the cache the step touched (every
//     cache at each phase end), objs_in_use == live objects in the table,
//     pages_taken - pages_given == slabs_in_use, and the sum of slabs_in_use
//     over the caches == the provider's live pages.
// At the end every cache is destroyed (frees work again for that, if the
// plan refused them) and every page taken was given back.
#ifndef SLAB_TEST_FAULT_WORKLOAD_HPP
#define SLAB_TEST_FAULT_WORKLOAD_HPP

#include <cstdint>

#include "fault_pages.hpp"

namespace fault {

struct RunResult {
    uint64_t alloc_calls = 0; // slab_page_alloc() calls the run made
    uint64_t free_calls = 0;  // slab_page_free() calls the run made
    uint64_t faults = 0;      // of them, answered with a fault
    uint64_t duplicates_missed = 0; // kDuplicate calls with no live page to repeat (answered normally)
    uint64_t steps = 0;       // workload steps checked
};

// Runs the whole workload under `plan`. Uses gtest assertions; the caller
// checks ::testing::Test::HasFatalFailure() afterwards.
RunResult run_workload(Plan plan);

}  // namespace fault

#endif  // SLAB_TEST_FAULT_WORKLOAD_HPP
