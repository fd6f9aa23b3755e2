// Test page provider: the slab_page_alloc()/slab_page_free() hooks of every
// test binary (test/unit, test/model), defined in counting_pages.cpp through
// DEFINE_SLAB_HOOKS from C++, over the shared test provider
// (test/support/test_pages.h): this header is the suites' view of it.
//
// It does what hooks/hosted does (aligned_alloc/free) and also:
//   - keeps the set of pages it handed out, so a test can ask whether an
//     address lies in a live page of a given size (objects inside a slab),
//     and count what is outstanding (nothing may leak at the end of a test);
//   - injects faults on demand: the next N allocations return NULL or a
//     misaligned page, every allocation is refused, the next N frees fail.
// Thread-safe (one mutex): the stress test's caches call it from 16 threads.
#ifndef SLAB_TEST_COUNTING_PAGES_HPP
#define SLAB_TEST_COUNTING_PAGES_HPP

#include <cstddef>
#include <cstdint>
#include <vector>

namespace slabtest {
namespace pages {

// Pages handed out and not yet taken back.
long outstanding();
// Calls of each hook so far (successful or not), since the program started.
uint64_t alloc_calls();
uint64_t free_calls();

// True when [base, base + size) is exactly a live page handed out by the
// alloc hook with that size.
bool is_live_page(const void *base, size_t size);
// Bases of every live aligned page, ascending.
std::vector<uintptr_t> live_pages();

// Faults. Each counter is consumed by the hook calls it affects.
void fail_next_allocs(int n);     // the next n alloc calls return NULL
void misalign_next_allocs(int n); // the next n alloc calls return a page off by size/2
void refuse_next_frees(int n);    // the next n free calls return non-zero (page kept)
void refuse_all_allocs(bool on);  // every alloc call returns NULL while on
int pending_alloc_faults();       // fail + misalign counts not yet consumed
void clear_faults();              // back to a well-behaved provider

// Restores a well-behaved provider when a test leaves its scope, even when an
// assertion returned early.
struct FaultScope {
    FaultScope() = default;
    FaultScope(const FaultScope &) = delete;
    FaultScope &operator=(const FaultScope &) = delete;
    ~FaultScope() { clear_faults(); }
};

}  // namespace pages
}  // namespace slabtest

#endif  // SLAB_TEST_COUNTING_PAGES_HPP
