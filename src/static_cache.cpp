// SPDX-License-Identifier: MIT
// Statically defined caches (slab/static.h): the layout the macros' image
// shares with struct slab_cache, the dormant test, and the page source that
// hands out a static cache's pages. cache_wake (src/cache.cpp) does the rest.
//
//   image (.data, aligned 8)                 pages (section, aligned S)
//   | slab_cache | lock (8 B) | info |  -->  | page 0 | page 1 | ... |
//     magic: SLAB_DORMANT_MAGIC_ until the first use; master: NULL until then
//     lock_offset == sizeof(slab_cache), lock_kind: from the flags
//     info: pages, shape, npages, next (pages in service), the source
//
//   info.next <= info.npages; pages [0, next) belong to the cache for good.
#include <stddef.h>

#include "slab/lock.hpp"
#include "static_cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

static_assert(sizeof(slab_cache) == SLAB_CONTROL_BYTES_, "slab/static.h: SLAB_CONTROL_BYTES_ is the control block");
static_assert(offsetof(slab_cache, magic) == offsetof(slab_static_cache_, magic), "image: magic");
static_assert(offsetof(slab_cache, lock_offset) == offsetof(slab_static_cache_, lock_offset), "image: lock_offset");
static_assert(offsetof(slab_cache, lock_kind) == offsetof(slab_static_cache_, lock_kind), "image: lock_kind");
static_assert(offsetof(slab_static_cache_, lock_) == sizeof(slab_cache), "image: the lock follows the control block");
static_assert(alignof(slab_cache) <= 8, "image: aligned 8");
static_assert(sizeof(slab::SpinLock) <= SLAB_STATIC_LOCK_BYTES_ && sizeof(slab::NoLock) <= SLAB_STATIC_LOCK_BYTES_,
              "image: the lock bytes hold the built-in locks");

bool cache_dormant(const slab_cache *c)
{
    // Everything the image fixes, and nothing of a control block in service
    // (master is never NULL there).
    const slab_static_cache_ *img = reinterpret_cast<const slab_static_cache_ *>(c);
    return c->magic == SLAB_DORMANT_MAGIC_ && c->master == nullptr && c->lock_offset == sizeof(slab_cache) &&
           img->info.source.ctx == &img->info && img->info.npages > 0;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

extern "C" {

void *slab_static_take_(void *info_ptr, size_t size, size_t align)
{
    slab_static_info_ *info = static_cast<slab_static_info_ *>(info_ptr);
    if (size != SLAB_DEFAULT_SLAB_SIZE || align != size || info->next >= info->npages) {
        return nullptr; // every page in service: the cache is full
    }
    return info->pages + size_t(info->next++) * SLAB_DEFAULT_SLAB_SIZE;
}

int slab_static_give_(void *info_ptr, void *page, size_t size, size_t align)
{
    (void)info_ptr;
    (void)page;
    (void)size;
    (void)align;
    return 1; // a static cache keeps its pages (never called: pinned)
}

}  // extern "C"
