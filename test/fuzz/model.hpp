// Reference model of libslab for the fuzz target: what every cache should
// hold, computed from the documented behaviour only (slab.h, the sizing
// formula in src/geometry.cpp, the spare rule in slab.h, the refusals and
// checked mode's fills of docs and notes), never from the library's own data
// structures. The fuzz target compares the library with it after every
// operation (fuzz_slab.cpp).
//
// Per cache the model keeps every slab it holds (base address -> capacity and
// the state of each slot: fresh, live, or free after having been handed out),
// the spare, the live objects with their fill pattern, and the expected
// counters. Because it knows every slab's fill, it knows whether an alloc must
// take a new page (every slab in service full, no spare), and exactly when a
// free gives one back (a slave emptied while a spare is already kept). Because
// it knows every slot's state, it knows what a free of any address inside a
// slab must be refused with (classify()).
//
// Checked mode (SLAB_CHECKS=1) also keeps, for the free slots and live
// objects the input wrote into, what their bytes must be: a free slot is
// poison (0xDB) whole, a live object's red zone 0xFE, plus what was written.
#ifndef SLAB_TEST_FUZZ_MODEL_HPP
#define SLAB_TEST_FUZZ_MODEL_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <unordered_map>
#include <vector>

#include "slab/detail/slab_page.hpp"
#include "slab/slab.h"

namespace model {

constexpr bool kChecked = SLAB_CHECKS != 0;
constexpr size_t kHeader = sizeof(slab::detail::slab_page);
constexpr size_t kRedzone = kChecked ? SLAB_REDZONE : 0;
constexpr unsigned char kPoisonByte = 0xDB;  // checked mode: a free slot, whole
constexpr unsigned char kRedzoneByte = 0xFE; // checked mode: [obj_size, stride) of a live slot

inline bool pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }
inline size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

struct Geometry {
    slab_status status; // what slab_cache_create must return
    size_t slab_size, align, stride, cap_slave;
};

// slab.h's documented refusals, in the order the arguments are checked, and
// the sizing formula (README, "Sizing"): a byte map of M = S / stride entries
// while cap_slave = (S - H - M) / stride <= 253, else two bytes per slot and
// cap_slave = min((S - H) / (stride + 2), 65533).
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
        size_t room = g.slab_size - kHeader;
        size_t byte_map = g.slab_size / g.stride;
        g.cap_slave = room > byte_map ? (room - byte_map) / g.stride : 0;
        if (g.cap_slave > 253) {
            g.cap_slave = room / (g.stride + 2);
            g.cap_slave = g.cap_slave < 65533 ? g.cap_slave : 65533;
        }
        if (g.stride > room || g.cap_slave == 0) {
            g.status = SLAB_ETOOBIG;
        }
    }
    return g;
}

// State of one slot of a slab.
enum : uint8_t {
    kFresh = 0, // never handed out since the slab was taken from the hook
    kLive = 1,  // handed out, not freed
    kFree = 2,  // handed out, then freed
};

struct Slab {
    uint32_t cap = 0;
    uint32_t used = 0;
    std::vector<uint8_t> st; // st[k], k = 1..cap; st[0] unused

    void init(uint32_t slots)
    {
        cap = slots;
        used = 0;
        st.assign(size_t(slots) + 1, kFresh);
    }
    // A slot in state `want`, searched from slot `from` (1-based, wrapping);
    // 0 when there is none.
    uint32_t find(uint8_t want, uint32_t from) const
    {
        if (cap == 0) {
            return 0;
        }
        from = 1 + (from - 1) % cap;
        const uint8_t *p = static_cast<const uint8_t *>(std::memchr(&st[from], want, cap + 1 - from));
        if (p == nullptr && from > 1) {
            p = static_cast<const uint8_t *>(std::memchr(&st[1], want, from - 1));
        }
        return p == nullptr ? 0 : uint32_t(p - st.data());
    }
};

struct Obj {
    uint32_t id;
    bool overrun; // checked mode: its red zone no longer holds 0xFE only: free reports SLAB_EREDZONE
};

struct Cache {
    slab_cache *handle = nullptr;
    size_t obj_size = 0, align = 0, slab_size = 0, stride = 0;
    uint32_t cap_slave = 0, cap_master = 0;
    uintptr_t master = 0;
    std::map<uintptr_t, Slab> slabs; // every slab held, the spare included
    uintptr_t spare = 0;             // base of the spare, 0 when none
    std::unordered_map<uintptr_t, Obj> live;
    // Checked mode: the bytes a slot must hold, for the free slots (poison)
    // and the live red zones the input wrote into; absent: untouched.
    std::unordered_map<uintptr_t, std::vector<uint8_t>> written;
    uint32_t peak = 0, slabs_peak = 1, taken = 1, given = 0, failures = 0;
    bool handler = true;

    uintptr_t base_of(uintptr_t p) const { return p & ~(uintptr_t)(slab_size - 1); }
    uintptr_t slot(uintptr_t base, uint32_t k) const { return base + slab_size - k * stride; }
    // Lowest address of the slots of a slab: below it lie the header, the
    // slot map, (master) the control block and its lock, and padding.
    uintptr_t floor(uintptr_t base) const { return slot(base, slabs.at(base).cap); }
    // 1-based slot number of p in its slab, 0 when p is not a slot start of a
    // slab the model knows.
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
    uint8_t state(uintptr_t p) const { return slabs.at(base_of(p)).st[slot_number(p)]; }
    // What a free of q, an address inside a slab of this cache, must return
    // when it reaches that slab (slab_free of a default-size cache, or
    // slab_cache_free with this cache): SLAB_OK for a live slot, else the
    // refusal.
    slab_status classify(uintptr_t q) const
    {
        uintptr_t base = base_of(q);
        const Slab &sl = slabs.at(base);
        if (q < floor(base)) {
            return SLAB_EHEADER;
        }
        uintptr_t off = base + slab_size - q;
        if (off % stride != 0) {
            return SLAB_ENOTSLOT;
        }
        switch (sl.st[off / stride]) {
        case kLive: return SLAB_OK;
        case kFree: return SLAB_EDOUBLEFREE;
        default: return SLAB_ENEVERALLOC;
        }
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
    // Checked mode: a free slot whose bytes are not all poison any more.
    bool dirty(uintptr_t q) const
    {
        auto it = written.find(q);
        if (it == written.end() || state(q) != kFree) {
            return false;
        }
        for (uint8_t b : it->second) {
            if (b != kPoisonByte) {
                return true;
            }
        }
        return false;
    }
    // Checked mode: slab_cache_validate() checks the poison of every free
    // slot on a free list (every free slot of a held slab).
    bool any_dirty() const
    {
        for (const auto &kv : written) {
            if (dirty(kv.first)) {
                return true;
            }
        }
        return false;
    }
    // The bytes slot q must hold now (checked mode), created on first use.
    std::vector<uint8_t> &shadow(uintptr_t q)
    {
        auto it = written.find(q);
        if (it != written.end()) {
            return it->second;
        }
        std::vector<uint8_t> &v = written[q];
        if (state(q) == kFree) {
            v.assign(stride, kPoisonByte);
        } else { // live: only its red zone is known
            v.assign(stride, 0);
            std::memset(v.data() + obj_size, kRedzoneByte, stride - obj_size);
        }
        return v;
    }
    // Slot q changes state: what was known of its bytes is void.
    void forget(uintptr_t q) { written.erase(q); }
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
        for (auto it = written.begin(); it != written.end();) {
            it = base_of(it->first) == base ? written.erase(it) : std::next(it);
        }
        slabs.erase(base);
        given++;
    }
};

}  // namespace model

#endif  // SLAB_TEST_FUZZ_MODEL_HPP
