// mimalloc through its own API (mi_malloc/mi_free). Debian's libmimalloc.so
// also exports malloc/free (it overrides them process-wide once linked), so
// this adapter lives in its own binary (bench_mimalloc): glibc is measured in
// another process, never through mimalloc's override.
#ifndef BENCH_ADAPTERS_MIMALLOC_HPP
#define BENCH_ADAPTERS_MIMALLOC_HPP

#include <mimalloc.h>

#include "obj.hpp"

namespace bench {

template <size_t N>
struct Mimalloc {
    static const char *name() { return "mimalloc"; }
    bool ok() const { return true; }
    BENCH_INLINE void *alloc() { return mi_malloc(N); }
    BENCH_INLINE void free(void *p) { mi_free(p); }
};

} // namespace bench

#endif // BENCH_ADAPTERS_MIMALLOC_HPP
