// The object every benchmark allocates, and the compiler barrier that keeps
// each allocation real.
#ifndef BENCH_OBJ_HPP
#define BENCH_OBJ_HPP

#include <stddef.h>

// On every adapter's alloc() and free(): the adapter adds no call of its own,
// so what a count measures is the allocator's code and its own inlining
// decisions (the library's functions are left as the compiler chose).
#define BENCH_INLINE __attribute__((always_inline)) inline

namespace bench {

// N bytes with a constructor that does nothing: slab::Cache::make() runs
// `new (p) T()`, and a value-initialized char array would be zero-filled,
// which would charge the C++ front for a memset the malloc peers never do.
template <size_t N>
struct Obj {
    char bytes[N];
    Obj() noexcept {} // NOLINT: deliberately leaves bytes uninitialized
};

// Makes p opaque to the optimizer and pretends memory was touched, as a real
// user does between alloc and free. Without it GCC may delete a malloc/free
// pair whose result is unused. Costs no instruction of its own.
inline void escape(void *&p) { __asm__ volatile("" : "+r"(p)::"memory"); }

// A small fast PRNG (xorshift64), the same for every allocator, so a random
// workload draws the same sequence whatever it measures.
struct Rng {
    unsigned long long s = 0x9E3779B97F4A7C15ull;
    unsigned long long next()
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
};

} // namespace bench

#endif // BENCH_OBJ_HPP
