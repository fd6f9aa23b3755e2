// Page provider of the heap fuzz target (fuzz_heap.cpp): the page hooks, with
// what the model needs to see and the input needs to break; an adapter over
// the shared test provider (test/support/test_pages.h: padded placement, plans,
// quarantine), keeping the owners, events and dup choice itself.
//
//   - Every page sits in a host region of its own (test_pages' padded
//     placement, pad_below = D) that also owns the D bytes below
//     the page's D-block (D = SLAB_DEFAULT_SLAB_SIZE), filled with kFiller:
//     slab_heap_free() of any pointer p into a page, or one past its end,
//     reads only (p - 1) masked with D, so every such read stays in memory
//     the provider owns, and the filler is a readable "foreign" region.
//   - Pages are counted per owner (the heap the target is calling, set with
//     set_owner()): live pages, bytes, and the peak of the bytes since
//     reset_peak(), which the heap's stats must equal.
//   - Faults the input arms for the next call: no page, a page that is
//     already live (a hook handing a page out twice), a refused give-back.
//   - Pages given back go to a quarantine: poisoned (kPoison) or kept as the
//     library left them (a large block's freed mark), and checked untouched
//     when they leave it (the library must not write a page it gave back).
//   - Every hook call of the current operation is logged (take_events()).
#ifndef SLAB_TEST_FUZZ_HFUZZ_PAGES_HPP
#define SLAB_TEST_FUZZ_HFUZZ_PAGES_HPP

#include <cstddef>
#include <cstdint>

namespace hpages {

constexpr unsigned char kFiller = 0x5A;
constexpr unsigned char kPoison = 0xA5;
constexpr int kOwners = 4;
constexpr int kNoOwner = -1;       // no page may move while this is the owner
constexpr size_t kLargestPage = size_t(1) << 20; // larger requests get NULL (a host without memory)

// The hook calls of one operation.
struct Events {
    uint32_t alloc_calls;     // slab_page_alloc calls
    uint32_t alloc_null;      // of which returned NULL (fault, or larger than kLargestPage)
    uint32_t dups_served;     // of which returned a live page
    uint32_t pages_new;       // of which returned a fresh page
    uint32_t free_calls;
    uint32_t frees_refused;
    uint32_t wrong_owner;     // a page moved while no owner was set, or freed by another owner
    size_t last_alloc_size;
    uintptr_t last_refused;   // base of the last page whose give-back was refused
    uintptr_t last_freed;     // base of the last page given back
};

struct Page {
    uintptr_t base;
    size_t size;
    int owner;
    uint64_t serial; // unique per page handed out
};

enum class State { live, kept, poisoned, gone };

void set_owner(int owner);
Events take_events();                 // the calls since the last take, then clears them
void fail_next_alloc();
void dup_next_alloc(uint32_t pick);   // a live page of the size asked, the pick-th (mod count)
void refuse_next_free();
// Pages a dup_next_alloc() may serve: those the filter accepts (all when none is set).
void set_dup_filter(bool (*ok)(uintptr_t base, size_t size));
void set_poison(bool on);             // pages given back from now on are poisoned (default) or kept
void clear_faults();
bool fault_pending();

size_t live_pages(int owner);
size_t live_bytes(int owner);
size_t peak_bytes(int owner);
void reset_peak(int owner);
size_t live_total();

bool page_at(uintptr_t addr, Page *out);   // the live page holding addr
bool live_page(uint32_t pick, Page *out);  // the pick-th live page (mod count); false when none
State state_of(uint64_t serial);
bool readable(uintptr_t addr, size_t n);   // [addr, addr + n) lies in a host region the provider holds
// Releases the pick-th quarantined page (mod count) to the host now.
void release_one(uint32_t pick);
// Releases every quarantined page; false when one was written after it went back.
bool release_all();

}  // namespace hpages

#endif  // SLAB_TEST_FUZZ_HFUZZ_PAGES_HPP
