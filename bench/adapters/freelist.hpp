// The lower bound: a bare intrusive free list of N-byte slots carved from
// 64 KiB blocks. Pop and push, nothing else: no statistics, no pointer check,
// memory never given back until destruction, no slab to find on free.
#ifndef BENCH_ADAPTERS_FREELIST_HPP
#define BENCH_ADAPTERS_FREELIST_HPP

#include <stdlib.h>

#include <vector>

#include "obj.hpp"

namespace bench {

template <size_t N>
struct FreeList {
    static const char *name() { return "freelist"; }
    static constexpr size_t kBlock = 64 * 1024;
    static constexpr size_t kSlot = N < sizeof(void *) ? sizeof(void *) : N;
    void *head = nullptr;
    std::vector<void *> blocks;

    ~FreeList()
    {
        for (void *b : blocks) {
            ::free(b);
        }
    }
    bool ok() const { return true; }
    BENCH_INLINE void *alloc()
    {
        if (__builtin_expect(head == nullptr, 0)) {
            refill();
        }
        void *p = head;
        head = *static_cast<void **>(p);
        return p;
    }
    BENCH_INLINE void free(void *p)
    {
        *static_cast<void **>(p) = head;
        head = p;
    }
    __attribute__((noinline)) void refill()
    {
        char *b = static_cast<char *>(::malloc(kBlock));
        blocks.push_back(b);
        for (size_t off = 0; off + kSlot <= kBlock; off += kSlot) {
            free(b + off);
        }
    }
};

} // namespace bench

#endif // BENCH_ADAPTERS_FREELIST_HPP
