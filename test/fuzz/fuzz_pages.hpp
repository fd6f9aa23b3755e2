// Page provider of the fuzz target: aligned_alloc() pages, every live one
// recorded (so the model can ask whether an object lies in a page the
// provider handed out with its cache's slab size), and an out-of-memory
// switch the input turns on for the next call.
#ifndef SLAB_TEST_FUZZ_PAGES_HPP
#define SLAB_TEST_FUZZ_PAGES_HPP

#include <cstddef>
#include <cstdint>

namespace fuzzpages {

// The next slab_page_alloc() call returns NULL (then the switch is off).
void fail_next_alloc();
void clear_fail();
bool fail_pending();
// Pages handed out and not yet taken back.
size_t live();
// Size of the live page starting at base, or 0 if none starts there.
size_t live_size(uintptr_t base);

}  // namespace fuzzpages

#endif  // SLAB_TEST_FUZZ_PAGES_HPP
