// Slab geometry. Sizing formula (README "Sizing"):
//   stride     = round_up(max(obj_size, sizeof(void *)), align)
//   cap_slave  = floor((S - sizeof(slab_page)) / stride)
//   cap_master = floor((S - master_floor) / stride)
// Slots are laid from the top of the slab down (see slab_page.hpp), so the
// only padding is the remainder of each division, below the lowest slot.
#include "geometry.hpp"

namespace slab {
namespace detail {

namespace {

constexpr bool is_pow2(size_t x) { return x != 0 && (x & (x - 1u)) == 0; }
constexpr size_t round_up(size_t x, size_t a) { return (x + a - 1u) & ~(a - 1u); }

// A slot holds the freelist link while free, so it is at least a pointer wide
// and pointer aligned.
constexpr size_t kMinSlot = sizeof(void *);
constexpr size_t kMinAlign = alignof(void *);

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
    size_t stride = round_up(obj_size < kMinSlot ? kMinSlot : obj_size, align);
    size_t room = slab_size - sizeof(slab_page);
    if (stride > room) {
        return SLAB_ETOOBIG;
    }
    size_t lock_at = round_up(sizeof(slab_cache), lock_align);
    size_t floor = sizeof(slab_page) + lock_at + lock_size;
    if (floor > slab_size || lock_at > 0xFFFFu) {
        return SLAB_ETOOBIG;
    }
    size_t cap_slave = room / stride;
    if (cap_slave > 0xFFFFFFFFu) {
        return SLAB_ETOOBIG; // counters are 32-bit
    }
    out->stride = stride;
    out->slab_size = slab_size;
    out->master_floor = floor;
    out->lock_offset = static_cast<uint16_t>(lock_at);
    out->cap_slave = static_cast<uint32_t>(cap_slave);
    out->cap_master = static_cast<uint32_t>((slab_size - floor) / stride);
    return SLAB_OK;
}

}  // namespace detail
}  // namespace slab
