// SPDX-License-Identifier: MIT
// Checked mode (SLAB_CHECKS=1): what costs more than the refusals every build
// makes (double free, interior and header pointers, never-used slots, wrong
// cache: slab/detail/cache.hpp, cache_free_map). Since the free list is out
// of band (the slot map), a free slot holds nothing the allocator needs, so
// checked mode fills it whole:
//
//   free slot:        | 0xDB 0xDB ... 0xDB |                 (stride bytes)
//   handed-out slot:  | object (obj_size) | 0xFE .. 0xFE |   (red zone)
//
//   kPoison  0xDB  ("dead byte") every byte of a slot freed by the program;
//                  verified when the slot is handed out again: a write
//                  after free is reported (SLAB_EPOISON) with the slot,
//                  which is handed out all the same (it is free: the write
//                  cannot have changed what the allocator knows)
//   kRedzone 0xFE  bytes [obj_size, stride) of a handed-out slot; verified
//                  by free: an overrun is reported (SLAB_EREDZONE) and the
//                  slot is still freed
// Fresh slots (never handed out) carry no fill: nothing can have used them.
#include "slab/detail/cache.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

namespace {

constexpr unsigned char kPoison = 0xDB;
constexpr unsigned char kRedzone = 0xFE;

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

}  // namespace

void checked_alloc(slab_cache *c, void *obj, bool reused)
{
    if (reused && !filled(obj, 0, c->stride, kPoison)) {
        report(c, SLAB_EPOISON, obj);
    }
    fill(obj, c->obj_size, c->stride, kRedzone);
}

slab_status checked_free(slab_cache *c, void *obj)
{
    slab_status st = SLAB_OK;
    if (!filled(obj, c->obj_size, c->stride, kRedzone)) {
        st = SLAB_EREDZONE;
        report(c, st, obj);
    }
    fill(obj, 0, c->stride, kPoison);
    return st;
}

// Part of slab_cache_validate in checked mode: every slot on the free list
// still holds its poison (a use-after-free write is found here first).
bool checked_slot_ok(const slab_cache *c, const void *slot) { return filled(slot, 0, c->stride, kPoison); }

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
