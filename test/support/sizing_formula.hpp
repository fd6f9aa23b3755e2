// The sizing formula of src/geometry.cpp and README "Sizing", restated
// independently for tests: what a cache of (obj_size, obj_align, S) must
// report, computed from the public layout types only.
//   align      = max(obj_align, alignof(void *))
//   stride     = round_up(max(obj_size, sizeof(void *)), align)
//   room       = S - sizeof(slab_page)
//   byte map   (room - S / stride) / stride slots if that is <= 253 and
//              S * stride <= 2^31 (the inline free's one-multiply grid test), and a
//              map of S / stride bytes;
//   else       min(room / (stride + 2), 65533) slots and 2 bytes per slot
//   cache_at   = round_up(sizeof(slab_page) + map bytes, alignof(slab_cache))
//   floor      = round_up(cache_at + sizeof(slab_cache), lock_align) + lock_size
//   cap_master = the largest n <= cap_slave with floor(n) + n * stride <= S
// Refused: obj_size 0 (EINVAL), align not a power of two (EALIGN), S not a
// power of two in [MIN, MAX] (ESLABSIZE), align >= S or cap_slave == 0
// (ETOOBIG). Non-checked builds only (no red zone).
#ifndef SLAB_TEST_SIZING_FORMULA_HPP
#define SLAB_TEST_SIZING_FORMULA_HPP

#include <cstddef>
#include <cstdint>

#include "slab/detail/cache.hpp"
#include "slab/slab.h"

namespace slabtest {

struct Sizing {
    slab_status status;
    size_t align;  // effective alignment of every slot
    size_t stride;
    size_t slab_size;
    size_t map_width; // bytes per slot map entry
    size_t cache_at;  // control block offset in the master
    size_t floor;     // master bytes below any slot
    uint32_t cap_slave;
    uint32_t cap_master;
};

constexpr bool is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }
constexpr size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

inline Sizing expected_sizing(size_t obj_size, size_t obj_align, size_t slab_size, size_t lock_size = 1,
                              size_t lock_align = 1)
{
    static_assert(SLAB_CHECKS == 0, "the formula below has no red zone");
    Sizing z{};
    size_t hdr = sizeof(slab::detail::slab_page);
    z.slab_size = slab_size == 0 ? SLAB_DEFAULT_SLAB_SIZE : slab_size;
    if (obj_size == 0) {
        z.status = SLAB_EINVAL;
    } else if (obj_align != 0 && !is_pow2(obj_align)) {
        z.status = SLAB_EALIGN;
    } else if (!is_pow2(z.slab_size) || z.slab_size < SLAB_MIN_SLAB_SIZE || z.slab_size > SLAB_MAX_SLAB_SIZE) {
        z.status = SLAB_ESLABSIZE;
    } else {
        z.align = obj_align < alignof(void *) ? alignof(void *) : obj_align;
        size_t room = z.slab_size - hdr;
        if (z.align >= z.slab_size || obj_size >= room) {
            z.status = SLAB_ETOOBIG;
            return z;
        }
        z.stride = round_up(obj_size < sizeof(void *) ? sizeof(void *) : obj_size, z.align);
        size_t kmax = z.slab_size / z.stride;
        size_t narrow = room > kmax ? (room - kmax) / z.stride : 0;
        z.map_width = narrow <= 253 && uint64_t(z.slab_size) * z.stride <= (uint64_t(1) << 31) ? 1 : 2;
        size_t wide = room / (z.stride + 2);
        z.cap_slave = static_cast<uint32_t>(z.map_width == 1 ? narrow : wide < 65533 ? wide : 65533);
        auto floor_of = [&](size_t n, size_t *cache_at) {
            *cache_at = round_up(hdr + (z.map_width == 1 ? kmax : 2 * n), alignof(slab_cache));
            return round_up(*cache_at + sizeof(slab_cache), lock_align) + lock_size;
        };
        size_t n = 0;
        while (n < z.cap_slave && floor_of(n + 1, &z.cache_at) + (n + 1) * z.stride <= z.slab_size) {
            n++;
        }
        z.cap_master = static_cast<uint32_t>(n);
        z.floor = floor_of(n, &z.cache_at);
        z.status = z.cap_slave == 0 || z.floor > z.slab_size ? SLAB_ETOOBIG : SLAB_OK;
    }
    return z;
}

// Largest object size a slab of S holds at alignment obj_align: a slave
// must fit one slot and its byte map (S / stride bytes: one, for a slot of
// more than S / 2).
inline size_t largest_object(size_t obj_align, size_t slab_size)
{
    size_t a = obj_align < alignof(void *) ? alignof(void *) : obj_align;
    return (slab_size - sizeof(slab::detail::slab_page) - 1) / a * a;
}

}  // namespace slabtest

#endif  // SLAB_TEST_SIZING_FORMULA_HPP
