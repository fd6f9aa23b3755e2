// Reference model of libslab for the fuzz target: what every cache should
// hold, computed from the documented behaviour only (slab.h, the sizing
// formula in src/geometry.cpp, the spare rule in slab.h), never from the
// library's own data structures. The fuzz target compares the library with
// it after every operation (fuzz_slab.cpp).
//
// Per cache the model keeps every slab it holds (base address -> capacity,
// live objects, slots handed out since the slab was taken), the spare, the
// live objects with their fill pattern, and the expected counters. Because
// it knows every slab's fill, it knows whether an alloc must take a new page
// (every slab in service full, no spare), and exactly when a free gives one
// back (a slave emptied while a spare is already kept).
#ifndef SLAB_TEST_FUZZ_MODEL_HPP
#define SLAB_TEST_FUZZ_MODEL_HPP

#include <cstddef>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "slab/detail/slab_page.hpp"
#include "slab/slab.h"

namespace model {

constexpr bool kChecked = SLAB_CHECKS != 0;
constexpr size_t kHeader = sizeof(slab::detail::slab_page);
constexpr size_t kRedzone = kChecked ? SLAB_REDZONE : 0;

inline bool pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }
inline size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

// Slots of `stride` bytes that fit in `room`, with checked mode's bitmap (one
// 32-bit word per 32 slots) below them.
inline size_t slots_in(size_t room, size_t stride)
{
    size_t cap = room / stride;
    while (kChecked && cap > 0 && cap * stride + (cap + 31) / 32 * 4 > room) {
        cap--;
    }
    return cap;
}

struct Geometry {
    slab_status status; // what slab_cache_create must return
    size_t slab_size, align, stride, cap_slave;
};

// slab.h's documented refusals, in the order the arguments are checked.
inline Geometry plan(size_t size, size_t align, size_t slab_size, unsigned flags)
{
    Geometry g{SLAB_OK, slab_size ? slab_size : SLAB_DEFAULT_SLAB_SIZE, align < sizeof(void *) ? sizeof(void *) : align,
               0, 0};
    if (flags != 0 && flags != SLAB_LOCK_SPIN) {
        g.status = flags == SLAB_LOCK_IRQ ? SLAB_EUNSUPPORTED : SLAB_EINVAL; // no IRQ lock on the host
    } else if (size == 0) {
        g.status = SLAB_EINVAL;
    } else if (align != 0 && !pow2(align)) {
        g.status = SLAB_EALIGN;
    } else if (!pow2(g.slab_size) || g.slab_size < SLAB_MIN_SLAB_SIZE || g.slab_size > SLAB_MAX_SLAB_SIZE) {
        g.status = SLAB_ESLABSIZE;
    } else if (g.align >= g.slab_size || size > g.slab_size) {
        g.status = SLAB_ETOOBIG;
    } else {
        size_t slot = size + kRedzone;
        g.stride = round_up(slot < sizeof(void *) ? sizeof(void *) : slot, g.align);
        g.cap_slave = slots_in(g.slab_size - kHeader, g.stride);
        if (g.cap_slave == 0) {
            g.status = SLAB_ETOOBIG;
        }
    }
    return g;
}

struct Slab {
    uint32_t cap = 0;
    uint32_t used = 0;
    std::unordered_set<uintptr_t> handed; // slots handed out since the slab was taken
};

struct Obj {
    uint32_t id;
    bool overrun; // its red zone was written (checked mode): free reports SLAB_EREDZONE
};

struct Cache {
    slab_cache *handle = nullptr;
    size_t obj_size = 0, align = 0, slab_size = 0, stride = 0;
    uint32_t cap_slave = 0, cap_master = 0;
    uintptr_t master = 0;
    std::map<uintptr_t, Slab> slabs;   // every slab held, the spare included
    uintptr_t spare = 0;               // base of the spare, 0 when none
    std::unordered_map<uintptr_t, Obj> live;
    // Free slots written after free: kLinkBroken (the free-list link word was
    // overwritten; validate reports SLAB_ECORRUPT until the alloc that reaches
    // it rebuilds its slab's free list) and/or kBytesWritten (poison bytes).
    std::unordered_map<uintptr_t, unsigned> tainted;
    static constexpr unsigned kLinkBroken = 1, kBytesWritten = 2;
    uint32_t peak = 0, slabs_peak = 1, taken = 1, given = 0, failures = 0;
    bool handler = true;

    uintptr_t base_of(uintptr_t p) const { return p & ~(uintptr_t)(slab_size - 1); }
    uintptr_t slot(uintptr_t base, uint32_t k) const { return base + slab_size - k * stride; }
    // 1-based slot number of p in its slab, 0 when p is not a slot start.
    uint32_t slot_number(uintptr_t p) const
    {
        uintptr_t top = base_of(p) + slab_size;
        if ((top - p) % stride != 0) {
            return 0;
        }
        uintptr_t k = (top - p) / stride;
        auto it = slabs.find(base_of(p));
        return it != slabs.end() && k >= 1 && k <= it->second.cap ? (uint32_t)k : 0;
    }
    // Slots free in the slabs in service (the spare is not in service).
    uint64_t free_in_service() const
    {
        uint64_t n = 0;
        for (const auto &kv : slabs) {
            if (kv.first != spare) {
                n += kv.second.cap - kv.second.used;
            }
        }
        return n;
    }
    bool links_broken() const
    {
        for (const auto &kv : tainted) {
            if ((kv.second & kLinkBroken) != 0) {
                return true;
            }
        }
        return false;
    }
    // The alloc that hands out p reports SLAB_EPOISON iff p was tainted. A
    // broken link makes it rebuild the slab's free list, which rewrites the
    // links of every other free slot of that slab.
    bool take_taint(uintptr_t p)
    {
        auto it = tainted.find(p);
        if (it == tainted.end()) {
            return false;
        }
        if ((it->second & kLinkBroken) != 0) {
            for (auto &kv : tainted) {
                if (base_of(kv.first) == base_of(p)) {
                    kv.second &= ~kLinkBroken;
                }
            }
        }
        tainted.erase(p);
        for (auto t = tainted.begin(); t != tainted.end();) {
            t = t->second == 0 ? tainted.erase(t) : std::next(t);
        }
        return true;
    }
    uint32_t held() const { return (uint32_t)slabs.size(); }
    void note_slabs()
    {
        if (held() > slabs_peak) {
            slabs_peak = held();
        }
    }
    // A slab goes back to the hook: whatever was written in it is gone.
    void drop_slab(uintptr_t base)
    {
        for (auto it = tainted.begin(); it != tainted.end();) {
            it = base_of(it->first) == base ? tainted.erase(it) : std::next(it);
        }
        slabs.erase(base);
        given++;
    }
};

}  // namespace model

#endif  // SLAB_TEST_FUZZ_MODEL_HPP
