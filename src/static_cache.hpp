// SPDX-License-Identifier: MIT
// Statically defined caches (slab/static.h): the image the macros write in
// .data, as the core reads it. Internal.
#ifndef SLAB_SRC_STATIC_CACHE_HPP
#define SLAB_SRC_STATIC_CACHE_HPP

#include "geometry.hpp"
#include "slab/detail/cache.hpp"
#include "slab/static.h"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

// The image's first-use data, behind the control block and its lock.
SLAB_INLINE slab_static_info_ *static_info(slab_cache *c)
{
    return &reinterpret_cast<slab_static_cache_ *>(c)->info;
}

// Puts a dormant static cache (cache_dormant) in service, with its lock held:
// through the image's `wake` (slab_static_wake_, src/static_cache.cpp), so
// that a program without static caches links none of their code.
SLAB_INLINE slab_status cache_wake(slab_cache *c) { return static_info(c)->wake(c); }

// Compiled in src/cache.cpp: fills the control block of a cache whose first
// page (the master) is `master`, holding cap_master slots, and puts the
// master in service.
void cache_setup(slab_cache *c, const geometry &g, size_t obj_size, slab_page *master, uint32_t cap_master,
                 const slab_page_source *src, uint8_t lock_kind, const slab_lock_class_ *cls);

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_STATIC_CACHE_HPP
