// A C++ file that only frees through the inline fast path (no cache created
// here): the case where a mismatch of options would corrupt a cache made by
// another file. Built with other options than the library, it must fail to
// link on the internal functions its inlined code calls, even with
// --gc-sections (test/link/run.sh, step 5).
#include "slab/slab.hpp"

extern "C" void box_only_free(void *obj)
{
    slab::Cache<long>::free_slot(obj);
}
