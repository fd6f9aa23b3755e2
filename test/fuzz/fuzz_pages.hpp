// Page provider of the fuzz target (an adapter over the shared test provider,
// test/support/test_pages.h): aligned pages, every live one recorded (so the model can ask whether an object lies in a page the
// provider handed out with its cache's slab size), and a fault the input
// arms for the next call: out of memory, or a duplicate page.
//
// Pages smaller than SLAB_DEFAULT_SLAB_SIZE are carved, first fit, from
// blocks of SLAB_DEFAULT_SLAB_SIZE bytes aligned to that size, which the
// provider owns whole (test_pages' carve_block): the README asks exactly that of a program with such
// slabs ("the enclosing default-size block must be readable memory", since
// slab_free() masks with the default size). So pages of several small sizes,
// of several caches, share a block, and the block's base is sometimes a
// live slab's header and sometimes not.
#ifndef SLAB_TEST_FUZZ_PAGES_HPP
#define SLAB_TEST_FUZZ_PAGES_HPP

#include <cstddef>
#include <cstdint>

namespace fuzzpages {

// The next slab_page_alloc() call returns NULL (then the switch is off).
void fail_next_alloc();
// The next slab_page_alloc() call returns a page that is already a live slab
// of the size asked (the hook handing a page out twice), if there is one;
// then the switch is off.
void dup_next_alloc();
void clear_fault();
bool fail_pending();
bool dup_pending();
// A live page of this size exists (a dup_next_alloc() would be served).
bool has_live_of_size(size_t size);
// Pages handed out and not yet taken back.
size_t live();
// Size of the live page starting at base, or 0 if none starts there.
size_t live_size(uintptr_t base);
// Duplicate pages handed out so far (never counted as live).
uint64_t dups_served();

}  // namespace fuzzpages

#endif  // SLAB_TEST_FUZZ_PAGES_HPP
