// One slab's slot bookkeeping: the header at the base of every slab, the
// address-bound magic that lets a masked pointer trust it, and the O(1) pop and
// push of one slot. Internal: included by the core (src/) and by slab.hpp so
// that the C++ fast path inlines. Not a public API.
#ifndef SLAB_DETAIL_SLAB_PAGE_HPP
#define SLAB_DETAIL_SLAB_PAGE_HPP

#include <stddef.h>
#include <stdint.h>

#include "slab/config.h"

#if defined(__GNUC__)
#define SLAB_LIKELY(x) __builtin_expect(!!(x), 1)
#define SLAB_UNLIKELY(x) __builtin_expect(!!(x), 0)
// The fast path must inline into the caller whatever the optimizer's size
// heuristics say (issue 7: no call on alloc or free with NoLock); the slow
// paths must not, so they stay out of the caller's hot code.
#define SLAB_INLINE inline __attribute__((always_inline))
#define SLAB_INLINE_LAMBDA __attribute__((always_inline)) // after a lambda's ()
#define SLAB_COLD __attribute__((cold, noinline))
#else
#define SLAB_LIKELY(x) (x)
#define SLAB_UNLIKELY(x) (x)
#define SLAB_INLINE inline
#define SLAB_INLINE_LAMBDA
#define SLAB_COLD
#endif

struct slab_cache;

namespace slab {
namespace detail {

// Node of a circular doubly linked list with a sentinel in the cache: unlink
// and push are O(1) and need no NULL test.
struct link {
    link *prev;
    link *next;
};

inline void list_init(link *head) { head->prev = head->next = head; }
inline bool list_empty(const link *head) { return head->next == head; }
inline void list_unlink(link *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
}
// Unlinks n and leaves it linked to itself, as a slab on no list is.
inline void list_detach(link *n)
{
    list_unlink(n);
    list_init(n);
}
inline void list_push(link *head, link *n)
{
    n->prev = head;
    n->next = head->next;
    head->next->prev = n;
    head->next = n;
}

// A slab is a page of S bytes (a power of two) aligned to S:
//
//   base                                                              base + S
//   +-----------+------------------------+---------------+------+-----+------+
//   | slab_page | master only:           |  untouched    | slot | ... | slot |
//   | header    | slab_cache + its lock  |  (fresh)      |  c   |     |  1   |
//   +-----------+------------------------+---------------+------+-----+------+
//                                                        ^ bump moves down
//
// Slot k (k = 1..capacity) starts at base + S - k * stride. S and the stride
// are multiples of the object alignment, so every slot is aligned, and master
// and slaves share one slot grid: the master only has fewer slots, since its
// control block sits where the lowest slots of a slave would be.
//
// Why alignment == size: (uintptr_t)obj & ~(S - 1) is the header of the slab
// holding obj, found in O(1) with no table, so free needs no cache argument.
// Reading that header never leaves the S-byte block the pointer lies in.
//
// Counting invariant of every slab (checked by slab_cache_validate):
//   used + length(free) + fresh == cap,  used = cap - avail,
//   fresh = (bump - lowest slot) / stride
// The slab keeps `avail` (free slots) rather than `used`: taking a slot is
// `--avail` whose zero flag says "now full", so alloc needs no compare; when
// the slab is not full and the free list is empty, a fresh slot exists below
// bump, so the fresh count itself need not be stored. The freelist is built
// lazily: a new slab has bump at its top and an empty list, so taking a slab
// costs O(1), never a loop over its slots.
struct slab_page {
    link node;            // on the cache's partial list; self-linked when full or spare
    uintptr_t magic;      // slab_magic(this, cache, S) while the slab belongs to cache
    ::slab_cache *cache;  // owning cache
    void *free;           // freed slots, linked through their first word
    char *bump;           // lowest slot handed out fresh; below it only fresh slots
    uint32_t avail;       // free slots: cap - used
    uint32_t cap;         // slots in this slab (the master has fewer than a slave)
};
static_assert(offsetof(slab_page, node) == 0, "a list node must convert to its slab");
static_assert(sizeof(slab_page) == 6 * sizeof(void *) + 8 || sizeof(slab_page) == 8 * sizeof(void *),
              "slab_page layout changed: update the overhead figures in README.md");

// The magic binds the header to its own address, its cache and the slab size.
// (It is an integrity check, not a secret: see README, "Header check".)
// Object bytes never sit at a slab's base (the header does), so a genuine
// object can only be mistaken for a header when a pointer is masked with the
// wrong size (slab_free() on an object of a large custom-size slab): then
// the bytes at the masked address would have to equal this function of their
// own address, which copied data (a received packet) does not contain unless
// built for it by someone who knows the address. A check always compares
// the stored magic with this function of the same address and the same
// stored cache pointer, and XOR is injective in what is left, the slab size:
// a header of one size never validates as a header of another.
// Cost on the free path: one load of `cache`, two xors, a compare.
constexpr uintptr_t kMagicKey = sizeof(uintptr_t) == 8 ? uintptr_t(0x9E3779B97F4A7C15ull) : uintptr_t(0x9E3779B1u);

SLAB_INLINE uintptr_t slab_magic(const void *hdr, const void *cache, size_t slab_size)
{
    return reinterpret_cast<uintptr_t>(hdr) ^ reinterpret_cast<uintptr_t>(cache) ^ (kMagicKey ^ slab_size);
}

SLAB_INLINE slab_page *page_of(const void *obj, size_t slab_size)
{
    return reinterpret_cast<slab_page *>(reinterpret_cast<uintptr_t>(obj) & ~uintptr_t(slab_size - 1u));
}

// True when the header at `s` carries the magic of a slab of this size.
SLAB_INLINE bool page_valid(const slab_page *s, size_t slab_size)
{
    return s->magic == slab_magic(s, s->cache, slab_size);
}

SLAB_INLINE bool page_full(const slab_page *s) { return s->avail == 0; }
SLAB_INLINE uint32_t page_used(const slab_page *s) { return s->cap - s->avail; }

// Unlinks one slot; the caller counts it (--avail). Precondition:
// !page_full(s), so with an empty free list a fresh slot exists below bump.
SLAB_INLINE void *page_pop(slab_page *s, size_t stride)
{
    void *p = s->free;
    if (SLAB_LIKELY(p != nullptr)) {
        s->free = *static_cast<void **>(p);
    } else {
        s->bump -= stride;
        p = s->bump;
    }
    return p;
}

// 1-based number k of the slot starting at p (slot k starts at base + S -
// k * stride, k = 1..capacity), or 0 when p is not the start of one: the
// header, the control block, padding, the middle of a slot, or another slab.
// For checks only (it divides).
inline uint32_t page_slot(const slab_page *s, size_t slab_size, size_t stride, uint32_t capacity, const void *p)
{
    uintptr_t top = reinterpret_cast<uintptr_t>(s) + slab_size;
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    if (a >= top || (top - a) % stride != 0) {
        return 0;
    }
    uintptr_t k = (top - a) / stride;
    return k <= capacity ? static_cast<uint32_t>(k) : 0;
}

// Slots handed out at least once: those from bump to the top. The fresh
// slots are the other cap - page_handed(). For checks only (it divides).
inline uint32_t page_handed(const slab_page *s, size_t slab_size, size_t stride)
{
    return static_cast<uint32_t>((reinterpret_cast<uintptr_t>(s) + slab_size - reinterpret_cast<uintptr_t>(s->bump)) /
                                 stride);
}

// Links one slot back; the caller counts it (++avail). Precondition: p is a
// handed-out slot of s (checked mode verifies it).
SLAB_INLINE void page_push(slab_page *s, void *p)
{
    SLAB_ASSERT(s->avail < s->cap);
    *static_cast<void **>(p) = s->free;
    s->free = p;
}

// Compiled in src/slab_page.cpp (slow paths: taking a slab into service).
void page_init(slab_page *s, ::slab_cache *cache, size_t slab_size, uint32_t capacity);
void page_retire(slab_page *s);

}  // namespace detail
}  // namespace slab

#endif  // SLAB_DETAIL_SLAB_PAGE_HPP
