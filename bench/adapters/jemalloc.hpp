// jemalloc. Debian builds it without a symbol prefix: libjemalloc.so exports
// malloc/free and replaces glibc's for the whole process once linked. So these
// adapters live in their own binary (bench_jemalloc), where malloc/free ARE
// jemalloc's:
//   jemalloc        malloc/free: jemalloc 5.3's fast paths (thread cache)
//   jemalloc-mallocx  mallocx/dallocx, its own non-standard API: these skip
//                   the fast path and take the generic one, so they cost
//                   more (see docs/performance.md)
#ifndef BENCH_ADAPTERS_JEMALLOC_HPP
#define BENCH_ADAPTERS_JEMALLOC_HPP

#include <jemalloc/jemalloc.h>
#include <stdlib.h>

#include "obj.hpp"

namespace bench {

template <size_t N>
struct Jemalloc {
    static const char *name() { return "jemalloc"; }
    bool ok() const { return true; }
    BENCH_INLINE void *alloc() { return ::malloc(N); }
    BENCH_INLINE void free(void *p) { ::free(p); }
};

template <size_t N>
struct JemallocX {
    static const char *name() { return "jemalloc-mallocx"; }
    bool ok() const { return true; }
    BENCH_INLINE void *alloc() { return mallocx(N, 0); }
    BENCH_INLINE void free(void *p) { dallocx(p, 0); }
};

} // namespace bench

#endif // BENCH_ADAPTERS_JEMALLOC_HPP
