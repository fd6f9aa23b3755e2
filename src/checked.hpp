// SPDX-License-Identifier: MIT
// Checked mode's helper for validate (src/checked.cpp).
#ifndef SLAB_SRC_CHECKED_HPP
#define SLAB_SRC_CHECKED_HPP

#include "slab/detail/cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

// A free slot still holds its poison.
bool checked_slot_ok(const slab_cache *c, const void *slot);

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_CHECKED_HPP
