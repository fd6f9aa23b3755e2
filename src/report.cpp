// Reports of misuse. report() hands a detected misuse to the cache's report
// hook (slab_cache_set_error_handler), with the lock held. report_bad_free()
// is for a C++ destructor freeing a pointer whose slab header is not genuine:
// no status can be returned and no cache is known, so the object is not
// freed: leaking one slot is recoverable, freeing into a wrong slab is not.
#include "slab/slab.hpp"

namespace slab {
namespace detail {

void report(slab_cache *c, slab_status status, void *ptr)
{
    if (c->on_error != nullptr) {
        c->on_error(c->error_ctx, c, status, ptr);
    }
}

void report_bad_free(void *obj) noexcept
{
    (void)obj;
    SLAB_ASSERT(!"Box freed a pointer whose slab header is not genuine");
}

}  // namespace detail
}  // namespace slab
