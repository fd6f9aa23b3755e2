// Slab geometry: from what a user asks (object size, alignment, slab size) to
// the slot stride and the slots per slab, refusing what cannot work. Pure
// arithmetic, no memory touched, so every refusal leaves nothing behind.
#ifndef SLAB_SRC_GEOMETRY_HPP
#define SLAB_SRC_GEOMETRY_HPP

#include "slab/detail/cache.hpp"

namespace slab {
namespace detail {

struct geometry {
    size_t stride;        // slot size: max(obj_size, sizeof(void *)) rounded up to the alignment
    size_t slab_size;     // S, a power of two
    size_t master_floor;  // bytes at the master's base taken by header, control block and lock
    uint16_t lock_offset; // from the control block to the lock object
    uint32_t cap_slave;   // (S - sizeof(slab_page)) / stride, >= 1
    uint32_t cap_master;  // (S - master_floor) / stride, may be 0
};

// Bytes of the checked-mode bitmap for `cap` slots (one 32-bit word per 32).
constexpr size_t checked_bitmap_bytes(size_t cap) { return (cap + 31u) / 32u * sizeof(uint32_t); }

// @retval SLAB_OK, SLAB_EINVAL, SLAB_EALIGN, SLAB_ESLABSIZE, SLAB_ETOOBIG
slab_status geometry_plan(size_t obj_size, size_t obj_align, size_t slab_size, size_t lock_size,
                          size_t lock_align, geometry *out);

}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_GEOMETRY_HPP
