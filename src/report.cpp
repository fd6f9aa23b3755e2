// Reports of misuse that cannot return a status (a C++ destructor freeing a
// pointer whose slab header is not genuine). The object is not freed: leaking
// one slot is recoverable, freeing into a wrong slab is not.
#include "slab/slab.hpp"

namespace slab {
namespace detail {

void report_bad_free(void *obj) noexcept
{
    (void)obj;
    SLAB_ASSERT(!"Box freed a pointer whose slab header is not genuine");
}

}  // namespace detail
}  // namespace slab
