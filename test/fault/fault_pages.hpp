// Fault-injecting page provider for test/fault: the slab_page_alloc() and
// slab_page_free() hooks of the fault-injection binaries, over the shared
// test provider (test/support/test_pages.h): this is the suite's view of it.
//
// Pages come from aligned_alloc(). The provider numbers every hook call since
// the last reset() (1-based) and answers one of them, or every one from it on,
// with a fault chosen by the test:
//   kNull      slab_page_alloc() returns NULL (out of memory)
//   kMisalign  slab_page_alloc() returns a block of the size asked, off by
//              size / 2 (the library must give it straight back, unused)
//   kRefuse    slab_page_free() returns non-zero and keeps nothing: the
//              page stays the library's, as the contract says
//   kDuplicate slab_page_alloc() breaks the contract: it returns again the
//              page of that size it handed out last and that is still live
//              (a slab in use). The library must notice (SLAB_EHOOKDUP) and
//              neither use nor give back that page. A call that finds no
//              live page of the size asked is answered normally and counted
//              in duplicates_missed(), not in faults().
// Guarded placement (set_guarded): each page of at most kGuardedMax bytes
// is placed at offset kGuardedMax of a mapping of 2 * kGuardedMax bytes
// aligned to 2 * kGuardedMax, every byte of which but the page's own is
// PROT_NONE. A read through a mask larger than the page (e.g. at the
// 64 KiB-aligned address below a 4 KiB slab) then faults, whatever the
// sanitizer: a library that reads outside a slab crashes the test.
// It keeps every page it handed out, so a test can verify that each object
// lies in a live page, and that every page came back at the end (leak check).
// Single-threaded by design: the fault tests drive one cache at a time.
#ifndef SLAB_TEST_FAULT_PAGES_HPP
#define SLAB_TEST_FAULT_PAGES_HPP

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fault {

enum class Kind { kNone, kNull, kMisalign, kRefuse, kDuplicate };

struct Plan {
    Kind kind = Kind::kNone;
    uint64_t at = 0;        // 1-based number of the faulting call of that hook
    bool from_on = false;   // fault every call from `at` on, not only that one
};

constexpr size_t kGuardedMax = 32768; // TP_GUARDED_MAX of test_pages.h
void set_guarded(bool on);

// Prefill (set_prefill): each fresh page is passed to fn before it is handed
// out, to model what the memory held before (a hosted hook returns memory
// with whatever its last user left there). NULL: pages as aligned_alloc gives.
void set_prefill(void (*fn)(void *page, size_t size));

// The page handed out last (NULL if none is live), and a way to take back a
// page the library no longer knows (a test's clean-up after a page the
// library wrongly refused and so leaked); take_back zero-fills it first.
void *latest_page();
void take_back(void *page);

// Forgets the call numbering and the plan. Pages still live stay live.
void reset(Plan plan);
// Changes the plan without renumbering (e.g. frees work again for teardown).
void set_plan(Plan plan);

uint64_t alloc_calls();     // slab_page_alloc() calls since reset()
uint64_t free_calls();      // slab_page_free() calls since reset()
uint64_t faults();          // calls answered with a fault since reset()
uint64_t duplicates_missed(); // kDuplicate calls that found no live page to repeat, since reset()
long live_pages();          // pages handed out (aligned ones) and not taken back
uint64_t pages_given_out(); // aligned pages ever handed out (all time)
uint64_t pages_taken_back();// aligned pages ever taken back (all time)
// True when [p, p + size) lies inside a live page of exactly slab_size bytes.
bool in_live_page(const void *p, size_t size, size_t slab_size);

struct LivePage {
    void *page;
    size_t size;
};
// Every live page (aligned ones), by address.
std::vector<LivePage> live_page_list();

}  // namespace fault

#endif  // SLAB_TEST_FAULT_PAGES_HPP
