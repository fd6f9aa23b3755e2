// SPDX-License-Identifier: MIT
// Statically defined caches (slab/static.h): the layout the macros' image
// shares with struct slab_cache, the dormant test, and the page source that
// hands out a static cache's pages, and the first use (slab_static_wake_).
//
//   image (.data, aligned 8)                 pages (section, aligned S)
//   | slab_cache | lock (8 B) | info |  -->  | page 0 | page 1 | ... |
//     magic: SLAB_DORMANT_MAGIC_ until the first use; master: NULL until then
//     lock_offset == sizeof(slab_cache), lock_kind: from the flags
//     info: pages, shape, npages, next (pages in service), the source
//
//   info.next <= info.npages; pages [0, next) belong to the cache for good.
#include <stddef.h>

#include "page_bridge.hpp"
#include "slab/lock.hpp"
#include "static_cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

static_assert(sizeof(slab_cache) == SLAB_CONTROL_BYTES_, "slab/static.h: SLAB_CONTROL_BYTES_ is the control block");
static_assert(offsetof(slab_cache, magic) == offsetof(slab_static_cache_, magic), "image: magic");
static_assert(offsetof(slab_cache, lock_class) == offsetof(slab_static_cache_, lock_class), "image: lock_class");
static_assert(offsetof(slab_cache, lock_offset) == offsetof(slab_static_cache_, lock_offset), "image: lock_offset");
static_assert(offsetof(slab_cache, lock_kind) == offsetof(slab_static_cache_, lock_kind), "image: lock_kind");
static_assert(offsetof(slab_static_cache_, lock_) == sizeof(slab_cache), "image: the lock follows the control block");
static_assert(alignof(slab_cache) <= 8, "image: aligned 8");
static_assert(sizeof(slab::SpinLock) <= SLAB_STATIC_LOCK_BYTES_ && sizeof(slab::NoLock) <= SLAB_STATIC_LOCK_BYTES_,
              "image: the lock bytes hold the built-in locks");

bool cache_dormant(const slab_cache *c)
{
    // Everything the image fixes, and nothing of a control block in service
    // (a cache in service holds at least one slab).
    const slab_static_cache_ *img = reinterpret_cast<const slab_static_cache_ *>(c);
    return c->magic == SLAB_DORMANT_MAGIC_ && c->slabs == 0 && c->lock_offset == sizeof(slab_cache) &&
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
    void *page = info->pages + size_t(info->next++) * SLAB_DEFAULT_SLAB_SIZE; // (aligned to its size: static.h)
    // After a warm restart (a reset that reloads .data and keeps RAM) the
    // page, in a section that may be NOLOAD, still holds the slab of the
    // run before: its header would pass for a live slab's (page_marks.hpp)
    // and the page be refused as handed out twice, for good. It is this
    // cache's by construction, so the header's two words the check reads
    // are cleared first: the only write before the slab is set up.
    slab::detail::slab_page *s = static_cast<slab::detail::slab_page *>(page);
    s->magic = 0;
    s->cache = nullptr;
    return page;
}

// A static cache's first use (slab/static.h): its image names the pages and
// the object's shape; the control block lives outside them, so the first
// page is all slots, as a slave's. Its pages come from the image's own
// source, in order, and are never given back (pinned).
slab_status slab_static_wake_(slab_cache *c)
{
    using namespace slab::detail;
    SLAB_ASSERT(cache_dormant(c));
    const slab_static_info_ *info = static_info(c);
    geometry g; // NOLINT(cppcoreguidelines-pro-type-member-init)
    slab_status st = geometry_plan(info->obj_size, info->obj_align, SLAB_DEFAULT_SLAB_SIZE, 1, 1, &g);
    if (st != SLAB_OK) {
        return st; // static.h refuses such shapes at compile time
    }
    const slab_page_source *src = &info->source;
    hook_counts hooks = {0, 0, 0};
    void *page = bridge_take(src, g.slab_size, &hooks, &st);
    if (page == nullptr) {
        return st;
    }
    // The lock, its offset, kind and class are the image's.
    cache_setup(c, g, info->obj_size, static_cast<slab_page *>(page), g.cap_slave, src, c->lock_kind, c->lock_class);
    c->hooks = hooks;
    c->pinned = 1;
    return SLAB_OK;
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
