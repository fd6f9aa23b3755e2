// jemalloc through its non-standard API (mallocx/dallocx). Debian builds
// jemalloc without a symbol prefix: libjemalloc.so exports malloc/free and
// replaces glibc's for the whole process once linked. So this adapter lives
// in its own binary (bench_jemalloc), and mallocx/dallocx make sure the calls
// measured are jemalloc's own entry points.
#ifndef BENCH_ADAPTERS_JEMALLOC_HPP
#define BENCH_ADAPTERS_JEMALLOC_HPP

#include <jemalloc/jemalloc.h>

#include "obj.hpp"

namespace bench {

template <size_t N>
struct Jemalloc {
    static const char *name() { return "jemalloc"; }
    bool ok() const { return true; }
    void *alloc() { return mallocx(N, 0); }
    void free(void *p) { dallocx(p, 0); }
};

} // namespace bench

#endif // BENCH_ADAPTERS_JEMALLOC_HPP
