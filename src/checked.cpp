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
// A free slot in checked mode:
//
//   | link | ~link | 0xDB 0xDB ... 0xDB |     (stride >= 2 pointers: geometry)
//
// The second word is the link's check copy: a link that a use-after-free
// overwrote no longer matches it, whatever was written (NULL, the slot
// itself, another free slot), so the corruption is caught on the pop of the
// very slot that was written, and the list is rebuilt from the bitmap.
//
// Fill bytes, in one place:
//   kPoison  0xDB  ("dead byte") every byte of a free slot after its two link
//                  words; verified when the slot is handed out again
//   kRedzone 0xFE  bytes [obj_size, stride) of a handed-out slot; verified by
//                  free (overrun). The link words overlap it when obj_size <
//                  2 pointers; they are written only while the slot is free.
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
    return page_slot(s, c->slab_size, c->stride, capacity_of(c, s), p);
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

// The check copy of a free slot's link (the slot's second word).
void *check_copy(const void *link) { return reinterpret_cast<void *>(~reinterpret_cast<uintptr_t>(link)); }

void set_link(void *slot, void *next)
{
    void **w = static_cast<void **>(slot);
    w[0] = next;
    w[1] = check_copy(next);
}

// The link read from a slot being handed out is trusted only if it matches
// its check copy (so a use-after-free write is caught on the slot it hit),
// ends the list exactly when the counts say the list ends (a NULL cannot cut
// slots off it), or else leads to a free, handed-out-before slot of the same
// slab (no link can lead to a slot in use: a self-link or a cycle meets a set
// bit, since the popped slot's bit is set before its link is read). `listed`
// counts the free list before the pop.
bool link_ok(const slab_cache *c, slab_page *s, const void *slot, const void *next, uint32_t listed)
{
    if (static_cast<void *const *>(slot)[1] != check_copy(next)) {
        return false;
    }
    if (next == nullptr) {
        return listed == 1;
    }
    uint32_t k = slot_number(c, s, next);
    return k != 0 && (uintptr_t)next >= (uintptr_t)s->bump && !bit_get(bitmap_of(c, s), k);
}

// A use-after-free wrote over a link: rebuild the free list from the bitmap
// (every slot above bump whose bit is clear; the slot being handed out has
// its bit set already). O(capacity), on this error path only.
void rebuild_free_list(const slab_cache *c, slab_page *s)
{
    const uint32_t *map = bitmap_of(c, s);
    uint32_t handed_before = page_handed(s, c->slab_size, c->stride);
    s->free = nullptr;
    for (uint32_t k = handed_before; k >= 1; k--) {
        char *slot = reinterpret_cast<char *>(s) + c->slab_size - (size_t)k * c->stride;
        if (!bit_get(map, k)) {
            set_link(slot, s->free); // slots are pointer-aligned
            s->free = slot;
        }
    }
}

}  // namespace

void *checked_pop(slab_cache *c, slab_page *s)
{
    void *p = s->free;
    uint32_t *map = bitmap_of(c, s);
    if (p == nullptr) {
        // The list is empty only when the counts say so (link_ok): a fresh
        // slot exists below bump (page_pop's precondition).
        s->bump -= c->stride;
        p = s->bump;
        bit_set(map, slot_number(c, s, p));
        fill(p, c->obj_size, c->stride, kRedzone);
        return p;
    }
    // The head is always a slot link_ok accepted, or one checked_free pushed.
    uint32_t k = slot_number(c, s, p);
    SLAB_ASSERT(k != 0 && !bit_get(map, k));
    bit_set(map, k);
    // Free-list length by the counting invariant (struct slab_page):
    // avail = listed + fresh, fresh = capacity - handed.
    uint32_t listed = s->avail - (capacity_of(c, s) - page_handed(s, c->slab_size, c->stride));
    void *next = *static_cast<void **>(p);
    bool poisoned = !filled(p, 2 * sizeof(void *), c->stride, kPoison);
    if (link_ok(c, s, p, next, listed)) {
        s->free = next;
    } else {
        rebuild_free_list(c, s);
        poisoned = true;
    }
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

// After page_push wrote the link: its check copy, then the poison.
void checked_poison(const slab_cache *c, void *obj)
{
    set_link(obj, *static_cast<void **>(obj));
    fill(obj, 2 * sizeof(void *), c->stride, kPoison);
}

// Part of slab_cache_validate in checked mode: popcount(bitmap) == objects, no
// slot on the free list or below bump is marked in use, and every free slot's
// link matches its check copy (a use-after-free write is found here first).
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
        if (k == 0 || bit_get(map, k) || static_cast<void *const *>(p)[1] != check_copy(*(void *const *)p)) {
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
