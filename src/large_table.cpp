// SPDX-License-Identifier: MIT
// The heap's table of live large blocks (large_table.hpp).
#include "large_table.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

namespace {

bool holds_large(const void *at)
{
    const large_hdr *l = static_cast<const large_hdr *>(at);
    return large_is(l, kLargeLive) || large_is(l, kLargeFreed);
}

}  // namespace

// The heap's marks (page_marks.hpp). Here, with the heap's large blocks, so
// that only a program with a heap links it.
bool heap_page_marked(const void *page, size_t size)
{
    constexpr size_t kD = SLAB_DEFAULT_SLAB_SIZE;
    uintptr_t first = *static_cast<const uintptr_t *>(page);
    if (holds_large(page) || first == heap_magic_at(page) || first == (heap_magic_at(page) ^ kTableKey)) {
        return true;
    }
    for (size_t align = 2u * kD; align <= size / 2u; align <<= 1) {
        if (holds_large(static_cast<const char *>(page) + (align - kD))) {
            return true;
        }
    }
    return false;
}

namespace {

constexpr size_t kHeadWords = 2; // magic, and one word so that slots stay two-word aligned

size_t cap_of(size_t page_size) { return (page_size / sizeof(uintptr_t) - kHeadWords) / 2u; }

// The slot a block's probe run starts at: a multiplicative hash of its
// address, scaled to [0, cap) by a multiply (cap need not be a power of two).
size_t home(size_t cap, uintptr_t user)
{
    uint64_t h = uint64_t(user >> 3) * 0x9E3779B97F4A7C15ULL;
    return static_cast<size_t>(((h >> 32) * uint64_t(cap)) >> 32);
}

size_t next(size_t cap, size_t i) { return i + 1u == cap ? 0u : i + 1u; }

void place(large_slot *slots, size_t cap, uintptr_t user, uintptr_t geo)
{
    size_t i = home(cap, user);
    while (slots[i].user != 0) {
        SLAB_ASSERT(slots[i].user != user);
        i = next(cap, i);
    }
    slots[i].user = user;
    slots[i].geo = geo;
}

// An old page the source refused: kept, with the table's magic in its
// first word (page_marks.hpp: a source that hands it out again is caught),
// linked through its second, its size in its third.
void keep(large_table *t, uintptr_t *page, size_t size)
{
    page[0] = table_magic(page);
    page[1] = reinterpret_cast<uintptr_t>(t->kept);
    page[2] = size;
    t->kept = page;
    t->kept_pages++;
    t->kept_bytes += size;
}

// Moves every entry into a page of twice the size (the first: the smallest
// page that holds twice the control page's slots). False: no page.
bool grow(large_table *t, const slab_page_source *src, size_t *failures)
{
    size_t size = t->page != nullptr ? 2u * t->page_size : size_t(SLAB_MIN_SLAB_SIZE);
    while (t->page == nullptr && cap_of(size) < 2u * t->home_cap) {
        size <<= 1;
    }
    if (size > SLAB_MAX_SLAB_SIZE || size <= t->page_size) {
        return false;
    }
    auto *page = static_cast<uintptr_t *>(src->alloc(src->ctx, size, size));
    if (page == nullptr) {
        return false;
    }
    size_t cap = cap_of(size);
    auto *slots = reinterpret_cast<large_slot *>(page + kHeadWords);
    for (size_t i = 0; i < cap; i++) {
        slots[i].user = 0;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i].user != 0) {
            place(slots, cap, t->slots[i].user, t->slots[i].geo);
        }
    }
    if (t->page != nullptr) {
        t->page[0] = 0; // no secret-derived word stays in a page given back
        if (src->free(src->ctx, t->page, t->page_size, t->page_size) != 0) {
            (*failures)++;
            keep(t, t->page, t->page_size);
        }
    }
    page[0] = table_magic(page);
    page[1] = 0;
    t->page = page;
    t->page_size = size;
    t->slots = slots;
    t->cap = cap;
    return true;
}

}  // namespace

void table_init(large_table *t, large_slot *slots, size_t cap)
{
    for (size_t i = 0; i < cap; i++) {
        slots[i].user = 0;
    }
    t->slots = slots;
    t->cap = cap;
    t->count = 0;
    t->page = nullptr;
    t->page_size = 0;
    t->home_slots = slots;
    t->home_cap = cap;
    t->kept = nullptr;
    t->kept_pages = 0;
    t->kept_bytes = 0;
}

large_slot *table_find(const large_table *t, const void *user)
{
    uintptr_t u = reinterpret_cast<uintptr_t>(user);
    if (t->count == 0 || u == 0) {
        return nullptr;
    }
    large_slot *slots = t->slots;
    for (size_t i = home(t->cap, u);; i = next(t->cap, i)) {
        if (slots[i].user == u) {
            return &slots[i];
        }
        if (slots[i].user == 0) {
            return nullptr; // load <= 3/4: every run ends
        }
    }
}

bool table_reserve(large_table *t, const slab_page_source *src, size_t *failures)
{
    bool full = t->page != nullptr ? (t->count + 1u) * 4u > t->cap * 3u : t->count + 1u >= t->cap;
    return !full || grow(t, src, failures);
}

void table_insert(large_table *t, const void *user, uintptr_t geo)
{
    SLAB_ASSERT(user != nullptr && table_find(t, user) == nullptr && t->count + 1u < t->cap);
    place(t->slots, t->cap, reinterpret_cast<uintptr_t>(user), geo);
    t->count++;
}

void table_remove(large_table *t, const large_slot *slot)
{
    SLAB_ASSERT(t->count > 0 && slot->user != 0);
    large_slot *slots = t->slots;
    size_t cap = t->cap;
    size_t i = static_cast<size_t>(slot - slots);
    // Backward shift: an entry after the hole moves into it unless its home
    // lies cyclically in (i, j], where the hole does not break its run.
    //   [ .. hole i .. j (home k) .. ]  =>  j moves to i when k is not in (i, j]
    for (size_t j = next(cap, i); slots[j].user != 0; j = next(cap, j)) {
        size_t k = home(cap, slots[j].user);
        bool stays = i < j ? (k > i && k <= j) : (k > i || k <= j);
        if (!stays) {
            slots[i] = slots[j];
            i = j;
        }
    }
    slots[i].user = 0;
    t->count--;
}

bool table_release(large_table *t, const slab_page_source *src, size_t *failures)
{
    bool ok = true;
    uintptr_t *page = t->kept;
    t->kept = nullptr;
    t->kept_pages = 0;
    t->kept_bytes = 0;
    while (page != nullptr) {
        auto *next = reinterpret_cast<uintptr_t *>(page[1]);
        size_t size = page[2];
        page[0] = 0; // no secret-derived word stays in a page given back
        if (src->free(src->ctx, page, size, size) != 0) {
            (*failures)++;
            keep(t, page, size);
            ok = false;
        }
        page = next;
    }
    if (t->page == nullptr || t->count != 0) {
        return ok;
    }
    page = t->page;
    uintptr_t magic = page[0];
    page[0] = 0;
    if (src->free(src->ctx, page, t->page_size, t->page_size) != 0) {
        (*failures)++;
        page[0] = magic;
        return false;
    }
    uintptr_t *kept = t->kept;
    size_t kept_pages = t->kept_pages;
    size_t kept_bytes = t->kept_bytes;
    table_init(t, t->home_slots, t->home_cap);
    t->kept = kept;
    t->kept_pages = kept_pages;
    t->kept_bytes = kept_bytes;
    return ok;
}

bool table_ok(const large_table *t)
{
    if (t->page == nullptr) {
        if (t->slots != t->home_slots || t->cap != t->home_cap || t->count >= t->cap) {
            return false;
        }
    } else if (t->page[0] != table_magic(t->page) || t->cap != cap_of(t->page_size) || t->count * 4u > t->cap * 3u ||
               t->slots != reinterpret_cast<const large_slot *>(t->page + kHeadWords)) {
        return false;
    }
    const large_slot *slots = t->slots;
    size_t n = 0;
    for (size_t i = 0; i < t->cap; i++) {
        if (slots[i].user == 0) {
            continue;
        }
        n++;
        // Reachable from its home: no empty slot between home and here.
        for (size_t j = home(t->cap, slots[i].user); j != i; j = next(t->cap, j)) {
            if (slots[j].user == 0) {
                return false;
            }
        }
    }
    return n == t->count;
}

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab
