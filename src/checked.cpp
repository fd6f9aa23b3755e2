// Checked mode (SLAB_CHECKS=1): what the library can tell a user who misuses
// it, without ever corrupting the cache while telling.
//
// Per slab, one bit per slot, kept below the slots (slaves: right after the
// header; master: after the control block and lock, at master_floor):
//
//   base
//   | slab_page | [master: control + lock] | bitmap | ...fresh... | slots |
//
//   bit k-1 set  <=>  slot k (base + S - k * stride) is handed out
// so a double free is caught exactly, in O(1), whatever the free list holds.
// Counting invariant: popcount(bitmap) == objects in the slab (used less the
// master's pin; checked by validate).
//
// Fill bytes, in one place:
//   kPoison  0xDB  ("dead byte") every byte of a free slot after its link word;
//                  verified when the slot is handed out again (use after free)
//   kRedzone 0xFE  bytes [obj_size, stride) of a handed-out slot; verified by
//                  free (overrun). The link word overlaps it when obj_size <
//                  sizeof(void *); it is written only while the slot is free.
// Fresh slots (never handed out) carry no fill: nothing can have used them.
#include "checked.hpp"
#include "geometry.hpp"

namespace slab {
namespace detail {

namespace {

constexpr unsigned char kPoison = 0xDB;
constexpr unsigned char kRedzone = 0xFE;

uint32_t capacity_of(const slab_cache *c, const slab_page *s)
{
    return s == master_of(const_cast<slab_cache *>(c)) ? c->cap_master : c->cap_slave;
}

uint32_t *bitmap_of(const slab_cache *c, slab_page *s)
{
    size_t off = s == master_of(const_cast<slab_cache *>(c)) ? c->master_floor : sizeof(slab_page);
    return static_cast<uint32_t *>(static_cast<void *>(reinterpret_cast<char *>(s) + off)); // off is 4-aligned
}

// 1-based slot number of p in s, or 0 when p is not the start of one of its
// slots (header, control block, bitmap, padding, or the middle of a slot).
uint32_t slot_number(const slab_cache *c, const slab_page *s, const void *p)
{
    uintptr_t top = (uintptr_t)s + c->slab_size;
    uintptr_t a = (uintptr_t)p;
    if (a >= top || (top - a) % c->stride != 0) {
        return 0;
    }
    uintptr_t k = (top - a) / c->stride;
    return k <= capacity_of(c, s) ? static_cast<uint32_t>(k) : 0;
}

bool bit_get(const uint32_t *map, uint32_t k) { return ((map[(k - 1) / 32] >> ((k - 1) % 32)) & 1u) != 0u; }
void bit_set(uint32_t *map, uint32_t k) { map[(k - 1) / 32] |= 1u << ((k - 1) % 32); }
void bit_clear(uint32_t *map, uint32_t k) { map[(k - 1) / 32] &= ~(1u << ((k - 1) % 32)); }

void fill(void *p, size_t from, size_t to, unsigned char byte)
{
    unsigned char *b = static_cast<unsigned char *>(p);
    for (size_t i = from; i < to; i++) {
        b[i] = byte;
    }
}

bool filled(const void *p, size_t from, size_t to, unsigned char byte)
{
    const unsigned char *b = static_cast<const unsigned char *>(p);
    for (size_t i = from; i < to; i++) {
        if (b[i] != byte) {
            return false;
        }
    }
    return true;
}

// A free-list link is trusted only if it leads to a free, handed-out-before
// slot of the same slab (or ends the list).
bool link_ok(const slab_cache *c, slab_page *s, const void *next)
{
    if (next == nullptr) {
        return true;
    }
    uint32_t k = slot_number(c, s, next);
    return k != 0 && (uintptr_t)next >= (uintptr_t)s->bump && !bit_get(bitmap_of(c, s), k);
}

// A use-after-free wrote over a link: rebuild the free list from the bitmap
// (every slot above bump whose bit is clear), except `taken`, which is being
// handed out. O(capacity), on this error path only.
void rebuild_free_list(const slab_cache *c, slab_page *s, const void *taken)
{
    const uint32_t *map = bitmap_of(c, s);
    uint32_t handed_before = page_handed(s, c->slab_size, c->stride);
    s->free = nullptr;
    for (uint32_t k = handed_before; k >= 1; k--) {
        char *slot = reinterpret_cast<char *>(s) + c->slab_size - (size_t)k * c->stride;
        if (!bit_get(map, k) && slot != taken) {
            *static_cast<void **>(static_cast<void *>(slot)) = s->free; // slots are pointer-aligned
            s->free = slot;
        }
    }
}

}  // namespace

void *checked_pop(slab_cache *c, slab_page *s)
{
    void *p = s->free;
    bool poisoned = false;
    if (p != nullptr) {
        void *next = *static_cast<void **>(p);
        poisoned = !filled(p, sizeof(void *), c->stride, kPoison);
        if (!link_ok(c, s, next)) {
            rebuild_free_list(c, s, p);
            poisoned = true;
        } else {
            s->free = next;
        }
    } else {
        p = page_pop(s, c->stride);
    }
    uint32_t k = slot_number(c, s, p);
    SLAB_ASSERT(k != 0 && !bit_get(bitmap_of(c, s), k));
    bit_set(bitmap_of(c, s), k);
    if (poisoned) {
        report(c, SLAB_EPOISON, p); // the slot is still handed out: it is ours
    }
    fill(p, c->obj_size, c->stride, kRedzone);
    return p;
}

slab_status checked_free(slab_cache *c, slab_page *s, void *obj)
{
    uint32_t k = slot_number(c, s, obj);
    slab_status st = SLAB_OK;
    if (k == 0) {
        st = SLAB_ENOTSLOT;
    } else if ((uintptr_t)obj < (uintptr_t)s->bump || !bit_get(bitmap_of(c, s), k)) {
        st = SLAB_EDOUBLEFREE; // free already, or never handed out
    } else {
        bit_clear(bitmap_of(c, s), k);
        if (!filled(obj, c->obj_size, c->stride, kRedzone)) {
            st = SLAB_EREDZONE; // reported, and the slot is still freed
        }
    }
    if (st != SLAB_OK) {
        report(c, st, obj);
    }
    return st;
}

void checked_poison(const slab_cache *c, void *obj) { fill(obj, sizeof(void *), c->stride, kPoison); }

// Part of slab_cache_validate in checked mode: popcount(bitmap) == objects, and
// no slot on the free list or below bump is marked in use.
bool checked_page_ok(const slab_cache *c, const slab_page *cs, uint32_t objects)
{
    slab_page *s = const_cast<slab_page *>(cs);
    const uint32_t *map = bitmap_of(c, s);
    uint32_t cap = capacity_of(c, s);
    uint32_t set = 0;
    for (uint32_t k = 1; k <= cap; k++) {
        set += bit_get(map, k) ? 1u : 0u;
    }
    for (const void *p = s->free; p != nullptr; p = *(void *const *)p) {
        uint32_t k = slot_number(c, s, p);
        if (k == 0 || bit_get(map, k)) {
            return false;
        }
    }
    for (uint32_t k = page_handed(s, c->slab_size, c->stride) + 1; k <= cap; k++) {
        if (bit_get(map, k)) {
            return false;
        }
    }
    return set == objects;
}

void checked_page_init(const slab_cache *c, slab_page *s)
{
    fill(bitmap_of(c, s), 0, checked_bitmap_bytes(capacity_of(c, s)), 0);
}

}  // namespace detail
}  // namespace slab
