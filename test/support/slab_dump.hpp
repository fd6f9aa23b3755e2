// Slab-state dumper and layout helpers for tests. dump() prints a cache's
// control block and every slab (where it is, its counters, the length of its
// freelist), so a failed check shows the state that broke it.
// Reads the control block directly: call it where no other context uses the
// cache (the same condition as slab_cache_validate).
#ifndef SLAB_TEST_SLAB_DUMP_HPP
#define SLAB_TEST_SLAB_DUMP_HPP

#include <cstdint>
#include <string>

#include "slab/detail/cache.hpp"
#include "slab/slab.h"

namespace slabtest {

// Base address of the slab holding obj, for a cache of slab size S.
inline uintptr_t slab_base(const void *obj, size_t slab_size)
{
    return reinterpret_cast<uintptr_t>(obj) & ~static_cast<uintptr_t>(slab_size - 1u);
}

// Base address of a cache's master slab (the control block lies in it).
inline uintptr_t master_base(const slab_cache *c) { return slab_base(c, c->slab_size); }

// Offset of the control block in its master (after the header and map).
inline size_t cache_offset(const slab_cache *c) { return reinterpret_cast<uintptr_t>(c) - master_base(c); }

std::string dump(const slab_cache *c);

}  // namespace slabtest

#endif  // SLAB_TEST_SLAB_DUMP_HPP
