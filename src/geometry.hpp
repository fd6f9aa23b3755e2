// SPDX-License-Identifier: MIT
// Slab geometry: from what a user asks (object size, alignment, slab size) to
// the slot stride, the slot map's width and the slots per slab, refusing what
// cannot work. Pure arithmetic, no memory touched, so every refusal leaves
// nothing behind.
#ifndef SLAB_SRC_GEOMETRY_HPP
#define SLAB_SRC_GEOMETRY_HPP

#include "slab/detail/cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

struct geometry {
    size_t stride;        // slot size: max(obj_size (+ red zone), sizeof(void *)) rounded up to the alignment
    size_t slab_size;     // S, a power of two
    size_t cache_offset;  // from the master's base to its control block
    size_t master_floor;  // bytes at the master's base taken by header, map, control block and lock
    uint32_t recip;       // ceil(2^32 / stride)
    uint16_t lock_offset; // from the control block to the lock object
    uint8_t wide;         // 1: two-byte map entries
    uint32_t cap_slave;   // slots per slave, >= 1
    uint32_t cap_master;  // slots in the master, may be 0
};

// @retval SLAB_OK, SLAB_EINVAL, SLAB_EALIGN, SLAB_ESLABSIZE, SLAB_ETOOBIG
slab_status geometry_plan(size_t obj_size, size_t obj_align, size_t slab_size, size_t lock_size,
                          size_t lock_align, geometry *out);

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_GEOMETRY_HPP
