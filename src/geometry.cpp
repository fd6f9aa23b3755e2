// SPDX-License-Identifier: MIT
// Slab geometry. Sizing formula (README "Sizing"), with H = sizeof(slab_page):
//   stride     = round_up(max(obj_size + R, sizeof(void *)), align)
//   byte map   M = S / stride bytes (an entry for every k a pointer can give),
//              used while cap_slave = floor((S - H - M) / stride) <= 253;
//   else       two bytes per slot, M = 2 n: cap_slave = min(floor((S - H) /
//              (stride + 2)), 65533)
//   cap_master = the largest n with
//                round_up(H + M, alignof(slab_cache)) + sizeof(slab_cache)
//                (+ the lock, aligned) + n * stride <= S
// where R = SLAB_REDZONE in checked mode, else 0. Slots are laid from the top
// of the slab down (see slab_page.hpp), the map right after the header, so
// the only padding is what is left between the map (master: the lock) and
// the lowest slot.
#include "geometry.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

// Counters (avail, cap, head, handed) are 16-bit: a wide map holds at most
// 65533 slots, so they fit, and the in-use count (32-bit) too.
static_assert(kMaxSlots<uint16_t> + 1u <= 0xFFFFu, "slot counts must fit the header's 16-bit fields");
constexpr unsigned long long kSlotNumberLimit = 1ULL << 30; // slot_number is exact for S up to here
static_assert(SLAB_MAX_SLAB_SIZE <= kSlotNumberLimit, "slot_number needs S <= 2^30");

namespace {

constexpr bool is_pow2(size_t x) { return x != 0 && (x & (x - 1u)) == 0; }
constexpr size_t round_up(size_t x, size_t a) { return (x + a - 1u) & ~(a - 1u); }

// No free-list link lives in a slot any more (the map is out of band); a
// slot is still at least a pointer wide and pointer aligned, which keeps
// the slot count of a slab, and so the map, small.
constexpr size_t kMinSlot = sizeof(void *);
constexpr size_t kMinAlign = alignof(void *);

// Bytes of the slot map of a slab of n slots: a byte map has an entry for
// every k = 1..S / stride (slab_page.hpp), a two-byte map one per slot.
size_t map_bytes(size_t n, size_t w, size_t slab_size, size_t stride)
{
    return w == 1u ? slab_size / stride : n * w;
}

// Bytes at the master's base below its slots, for n slots: header, map,
// control block, lock. *cache_at and *lock_at receive the offsets.
size_t master_floor(size_t map, size_t lock_size, size_t lock_align, size_t *cache_at, size_t *lock_at)
{
    size_t cache = round_up(sizeof(slab_page) + map, alignof(slab_cache));
    size_t lock = round_up(cache + sizeof(slab_cache), lock_align);
    *cache_at = cache;
    *lock_at = lock;
    return lock + lock_size;
}

}  // namespace

slab_status geometry_plan(size_t obj_size, size_t obj_align, size_t slab_size, size_t lock_size,
                          size_t lock_align, geometry *out)
{
    SLAB_ASSERT(out != nullptr && is_pow2(lock_align));
    if (obj_size == 0) {
        return SLAB_EINVAL;
    }
    if (obj_align != 0 && !is_pow2(obj_align)) {
        return SLAB_EALIGN;
    }
    if (slab_size == 0) {
        slab_size = SLAB_DEFAULT_SLAB_SIZE;
    }
    if (!is_pow2(slab_size) || slab_size < SLAB_MIN_SLAB_SIZE || slab_size > SLAB_MAX_SLAB_SIZE) {
        return SLAB_ESLABSIZE;
    }
    size_t align = obj_align < kMinAlign ? kMinAlign : obj_align;
    // The header owns offset 0, so a slot aligned to S (or more) cannot exist;
    // the size test also keeps round_up() below from overflowing.
    if (align >= slab_size || obj_size > slab_size || lock_align > slab_size) {
        return SLAB_ETOOBIG;
    }
    size_t slot = obj_size + (SLAB_CHECKS ? SLAB_REDZONE : 0u);
    size_t stride = round_up(slot < kMinSlot ? kMinSlot : slot, align);
    size_t room = slab_size - sizeof(slab_page);
    if (stride > room) {
        return SLAB_ETOOBIG;
    }
    // A byte map while a slave holds at most 253 slots beside it, and while
    // S * stride <= 2^31, where the inline free's one multiply tells the slot
    // grid (slot_on_grid, slab_page.hpp); else two-byte entries, for which
    // every free takes the slow half.
    size_t w = 1u;
    size_t cap_slave = room > map_bytes(0, 1u, slab_size, stride) ? (room - slab_size / stride) / stride : 0u;
    if (cap_slave > kMaxSlots<uint8_t> || stride > (size_t(1) << 31) / slab_size) { // S * stride > 2^31
        w = 2u;
        cap_slave = room / (stride + w);
        cap_slave = cap_slave > kMaxSlots<uint16_t> ? kMaxSlots<uint16_t> : cap_slave;
    }
    if (cap_slave == 0) {
        return SLAB_ETOOBIG;
    }
    size_t cache_at = 0;
    size_t lock_at = 0;
    if (master_floor(map_bytes(0, w, slab_size, stride), lock_size, lock_align, &cache_at, &lock_at) > slab_size) {
        return SLAB_ETOOBIG;
    }
    // The master's floor grows with its slots when the map has one entry per
    // slot: start from the slave's count and step down; each step frees
    // stride + w bytes, so this ends after a few steps.
    size_t cap_master = cap_slave;
    while (cap_master > 0 && master_floor(map_bytes(cap_master, w, slab_size, stride), lock_size, lock_align,
                                          &cache_at, &lock_at) +
                                     cap_master * stride >
                                 slab_size) {
        cap_master--;
    }
    size_t floor = master_floor(map_bytes(cap_master, w, slab_size, stride), lock_size, lock_align, &cache_at, &lock_at);
    if (lock_at - cache_at > 0xFFFFu) {
        return SLAB_ETOOBIG;
    }
    out->stride = stride;
    out->slab_size = slab_size;
    out->cache_offset = cache_at;
    out->master_floor = floor;
    // ceil(2^32 / stride) in 32 bits, with no 64-bit divide (libgcc's
    // __udivmoddi4 would cost a firmware 700 bytes): for stride >= 2 it is
    // floor((2^32 - 1) / stride) + 1, stride a power of two or not.
    out->recip = uint32_t(0xFFFFFFFFu) / static_cast<uint32_t>(stride) + 1u;
    out->lock_offset = static_cast<uint16_t>(lock_at - cache_at);
    out->wide = w == 2u ? 1u : 0u;
    out->cap_slave = static_cast<uint32_t>(cap_slave);
    out->cap_master = static_cast<uint32_t>(cap_master);
    return SLAB_OK;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
