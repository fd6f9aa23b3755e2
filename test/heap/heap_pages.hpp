// Page provider of the heap suites (test/heap/): the slab_page_alloc() and
// slab_page_free() hooks, over the shared test provider
// (test/support/test_pages.h), with what the tests need to see and to break:
//   - the set of live pages (every page back after destroy; which page holds
//     a block);
//   - fault injection: every Nth alloc call gives no page, the next N frees
//     are refused, every alloc is refused, or a live page is handed out again;
//   - a quarantine: pages given back are filled with kPoison and kept until
//     check_quarantine(), which verifies that nothing wrote them after they
//     went back (the library must not touch a page once the hook has it).
//     Poisoning can be turned off, so that a page keeps what the library
//     left in it (the freed mark of a large block).
// Thread-safe (one mutex).
#ifndef SLAB_TEST_HEAP_PAGES_HPP
#define SLAB_TEST_HEAP_PAGES_HPP

#include <cstddef>
#include <cstdint>

namespace heaptest {

constexpr unsigned char kPoison = 0xA5;

long outstanding();                 // pages handed out, not yet back
size_t outstanding_bytes();
uint64_t alloc_calls();
uint64_t free_calls();
size_t page_of(const void *p);      // size of the live page holding p, 0 if none
bool is_live_page(const void *base, size_t size);

void fail_every(unsigned n);        // every nth alloc call (counted from now) returns NULL; 0: never
void refuse_next_frees(int n);      // the next n free calls return non-zero
void refuse_all_allocs(bool on);
void poison_on_free(bool on);       // default on
// The next alloc call of the live page's size returns that page again (a
// hook handing a page out twice), without recording it; other sizes are
// served as usual.
void hand_out_again(const void *page);
void clear_faults();
// Verifies every quarantined page still holds its poison and releases them.
// False when one was written after it went back.
bool check_quarantine();

struct FaultScope {
    FaultScope() = default;
    FaultScope(const FaultScope &) = delete;
    FaultScope &operator=(const FaultScope &) = delete;
    ~FaultScope() { clear_faults(); }
};

}  // namespace heaptest

#endif  // SLAB_TEST_HEAP_PAGES_HPP
