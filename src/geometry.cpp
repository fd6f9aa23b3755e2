// Slab geometry. Sizing formula (README "Sizing"):
//   stride     = round_up(max(obj_size + R, sizeof(void *)), align)
//   cap_slave  = floor((S - sizeof(slab_page)) / stride)
//   cap_master = floor((S - master_floor) / stride)
// where R = SLAB_REDZONE in checked mode, else 0. Slots are laid from the top
// of the slab down (see slab_page.hpp), so the only padding is the remainder
// of each division, below the lowest slot. Checked mode also keeps one bit
// per slot below the slots (the largest cap with cap * stride + bitmap <= room).
#include "geometry.hpp"

namespace slab {
namespace detail {

// Counters (avail, cap, in_use) are 32-bit: the most slots a slab can hold,
// SLAB_MAX_SLAB_SIZE / sizeof(void *), must fit.
static_assert(SLAB_MAX_SLAB_SIZE / sizeof(void *) <= 0xFFFFFFFFu, "SLAB_MAX_SLAB_SIZE too large for 32-bit slot counts");

namespace {

constexpr bool is_pow2(size_t x) { return x != 0 && (x & (x - 1u)) == 0; }
constexpr size_t round_up(size_t x, size_t a) { return (x + a - 1u) & ~(a - 1u); }

// A slot holds the freelist link while free, so it is at least a pointer wide
// and pointer aligned; in checked mode also the link's check copy
// (src/checked.cpp), so two pointers.
constexpr size_t kMinSlot = (SLAB_CHECKS ? 2u : 1u) * sizeof(void *);
constexpr size_t kMinAlign = alignof(void *);

// Slots that fit in `room` bytes, with a bitmap word per 32 slots in checked mode.
size_t capacity(size_t room, size_t stride)
{
    size_t cap = room / stride;
    while (SLAB_CHECKS && cap > 0 && cap * stride + checked_bitmap_bytes(cap) > room) {
        cap--; // at most a few steps: the bitmap is 1/(8 * stride) of the room
    }
    return cap;
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
    if (align >= slab_size || obj_size > slab_size) {
        return SLAB_ETOOBIG;
    }
    size_t slot = obj_size + (SLAB_CHECKS ? SLAB_REDZONE : 0u);
    size_t stride = round_up(slot < kMinSlot ? kMinSlot : slot, align);
    size_t room = slab_size - sizeof(slab_page);
    size_t cap_slave = capacity(room, stride);
    if (cap_slave == 0) {
        return SLAB_ETOOBIG;
    }
    // The lock's address must be aligned as its type says. The master base is
    // aligned to S, so align its offset from the base (not from the control
    // block, which starts at sizeof(slab_page): only pointer-aligned).
    if (lock_align > slab_size) {
        return SLAB_ETOOBIG;
    }
    size_t lock_abs = round_up(sizeof(slab_page) + sizeof(slab_cache), lock_align);
    size_t lock_at = lock_abs - sizeof(slab_page);
    size_t floor = round_up(lock_abs + lock_size, sizeof(uint32_t)); // bitmap alignment
    if (floor > slab_size || lock_at > 0xFFFFu) {
        return SLAB_ETOOBIG;
    }
    out->stride = stride;
    out->slab_size = slab_size;
    out->master_floor = floor;
    out->lock_offset = static_cast<uint16_t>(lock_at);
    out->cap_slave = static_cast<uint32_t>(cap_slave);
    out->cap_master = static_cast<uint32_t>(capacity(slab_size - floor, stride));
    return SLAB_OK;
}

}  // namespace detail
}  // namespace slab
