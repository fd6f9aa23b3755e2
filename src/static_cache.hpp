// SPDX-License-Identifier: MIT
// Statically defined caches (slab/static.h): the image the macros write in
// .data, as the core reads it. Internal.
#ifndef SLAB_SRC_STATIC_CACHE_HPP
#define SLAB_SRC_STATIC_CACHE_HPP

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

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_STATIC_CACHE_HPP
