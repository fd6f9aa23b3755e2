// SPDX-License-Identifier: MIT
// Reports of misuse. report() hands a detected misuse to the cache's report
// hook (slab_cache_set_error_handler), with the lock held. report_bad_free()
// is for a C++ Box or free_slot() freeing a pointer whose slab header is not
// genuine: no status can be returned and no cache is known, so the object
// is not freed (and nothing is written).
#include "slab/detail/cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

void report(slab_cache *c, slab_status status, void *ptr)
{
    SLAB_TRACE_REFUSE(c, ptr, status);
    if (c->on_error != nullptr) {
        c->on_error(c->error_ctx, c, status, ptr);
    }
}

void report_bad_free(void *obj) noexcept
{
    (void)obj;
    SLAB_ASSERT(!"Box freed a pointer whose slab header is not genuine");
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
