// Producer/consumer queue pattern, in one thread: a FIFO of kDepth live
// objects; each iteration the producer allocates a burst of kBurst objects at
// the tail and the consumer frees the kBurst oldest at the head (the order a
// message queue or a network stack frees its buffers). kBurst pairs per
// iteration. One thread because most peers (and libslab's NoLock) are not
// thread-safe; the locked variants pay their lock here all the same.
#ifndef BENCH_WORKLOADS_QUEUE_HPP
#define BENCH_WORKLOADS_QUEUE_HPP

#include <vector>

#include "obj.hpp"

namespace bench {

struct Queue {
    static const char *name() { return "queue"; }
    static constexpr size_t kDepth = 1024; // live objects, a power of two
    static constexpr size_t kBurst = 32;
    static constexpr size_t kPairs = kBurst;
    static constexpr size_t kLiveMax = kDepth;

    template <class A, class Loop>
    static bool run(A &a, Loop &loop)
    {
        std::vector<void *> ring(kDepth);
        size_t head = 0; // oldest
        size_t tail = 0; // next free ring entry
        bool ok = true;
        for (size_t i = 0; i < kDepth - kBurst; i++) {
            ring[tail++ % kDepth] = a.alloc();
        }
        for (auto _ : loop) {
            (void)_;
            for (size_t i = 0; i < kBurst; i++) {
                void *p = a.alloc();
                escape(p);
                ok &= p != nullptr;
                ring[tail++ % kDepth] = p;
            }
            for (size_t i = 0; i < kBurst; i++) {
                a.free(ring[head++ % kDepth]);
            }
        }
        while (head != tail) {
            a.free(ring[head++ % kDepth]);
        }
        return ok;
    }
};

} // namespace bench

#endif // BENCH_WORKLOADS_QUEUE_HPP
