// glibc malloc/free: what a hosted program gets by default. Only in the
// binaries where no other allocator replaces malloc process-wide.
#ifndef BENCH_ADAPTERS_LIBC_HPP
#define BENCH_ADAPTERS_LIBC_HPP

#include <stdlib.h>

#include "obj.hpp"

namespace bench {

template <size_t N>
struct Glibc {
    static const char *name() { return "glibc"; }
    bool ok() const { return true; }
    BENCH_INLINE void *alloc() { return ::malloc(N); }
    BENCH_INLINE void free(void *p) { ::free(p); }
};

} // namespace bench

#endif // BENCH_ADAPTERS_LIBC_HPP
