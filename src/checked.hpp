// Checked mode's helpers for the rest of the core (src/checked.cpp).
#ifndef SLAB_SRC_CHECKED_HPP
#define SLAB_SRC_CHECKED_HPP

#include "slab/detail/cache.hpp"

namespace slab {
namespace detail {

// Clears the slot bitmap of a slab taken into service.
void checked_page_init(const slab_cache *c, slab_page *s);
// popcount(bitmap) == objects in the slab; free-list and fresh slots unmarked.
bool checked_page_ok(const slab_cache *c, const slab_page *s, uint32_t objects);

}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_CHECKED_HPP
