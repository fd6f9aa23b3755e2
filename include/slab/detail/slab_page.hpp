// SPDX-License-Identifier: MIT
// One slab's slot bookkeeping: the header at the base of every slab, the
// address-bound magic that lets a masked pointer trust it, and the O(1) pop and
// push of one slot. Internal: included by the core (src/) and by slab.hpp so
// that the C++ fast path inlines. Not a public API.
#ifndef SLAB_DETAIL_SLAB_PAGE_HPP
#define SLAB_DETAIL_SLAB_PAGE_HPP

#include <stddef.h>
#include <stdint.h>

#include "slab/config.h"
#include "slab/hooks.h"

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
inline namespace SLAB_ABI_TAG {

// Node of a circular doubly linked list with a sentinel in the cache: unlink
// and push are O(1) and need no NULL test.
struct link {
    link *prev;
    link *next;
};

SLAB_INLINE void list_init(link *head) { head->prev = head->next = head; }
SLAB_INLINE bool list_empty(const link *head) { return head->next == head; }
SLAB_INLINE void list_unlink(link *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
}
// Unlinks n and leaves it linked to itself, as a slab on no list is.
SLAB_INLINE void list_detach(link *n)
{
    list_unlink(n);
    list_init(n);
}
SLAB_INLINE void list_push(link *head, link *n)
{
    n->prev = head;
    n->next = head->next;
    head->next->prev = n;
    head->next = n;
}

// A slab is a page of S bytes (a power of two) aligned to S:
//
//   base                                                               base + S
//   +-----------+----------+--------------------------+--------+------+------+
//   | slab_page | slot map | master only: padding,    | (pad,  | slot | slot |
//   | header    | map[1..n]| slab_cache, its lock     | fresh) |  n.. |  1   |
//   +-----------+----------+--------------------------+--------+------+------+
//
// Slot k (k = 1..n, n = the slab's slots) starts at base + S - k * stride.
// S and the stride are multiples of the object alignment, so every slot is
// aligned, and master and slaves share one slot grid: the master only has
// fewer slots. (uintptr_t)obj & ~(S - 1) is the header of the slab holding
// obj, found in O(1) with no table, so free needs no cache argument.
//
// The slot map: one entry per slot, a byte when n <= 253, else two bytes
// (struct slab_cache, `wide`). It is the free list, kept out of band: no
// byte an object can write is ever read by the allocator, so a write after
// free cannot steer alloc, and every free is checked against it exactly.
//   map[k] == kLive          slot k is handed out
//   map[k] == next in 1..n   slot k is free; the next free slot is `next`
//   map[k] == kEnd (0)       slot k is the last free slot
//   map[k] == kParked        slot k is in a core's magazine (below: kParked)
// Slots k > handed were never handed out (fresh). A byte map has an entry
// for every k that a pointer into the slab can give, 1..S / stride, so the
// inline free reads map[k] with no bounds test: the entries of fresh slots
// and of the k that land in the header, map or control block are kEnd
// (written when the slab is taken into service, at most 255 bytes), never
// kLive. A two-byte map (slow path only) is bounded by `handed` instead, and
// its entries are written only as slots are handed out.
//
// Counting invariant of every slab (checked by slab_cache_validate):
//   objects + length(list from head) == handed,   handed <= n
//   avail == length(list) + (n - handed)          (free slots)
//   cap == n + pin                                (the master's pin: cache.hpp)
// The slab keeps `avail` rather than the objects: taking a slot is `--avail`,
// whose zero flag says "now full"; giving one back is `++avail`, which
// reaches 1 (was full) or cap (now empty) on the two transitions.
struct slab_page {
    link node;            // on the cache's partial list; self-linked when full or spare
    uintptr_t magic;      // slab_magic(this, cache, S) while the slab belongs to cache
    ::slab_cache *cache;  // owning cache
    uint16_t head;        // first slot of the free list, or kEnd
    uint16_t handed;      // slots 1..handed were handed out at least once
    uint16_t avail;       // free slots: the list and the fresh ones
    uint16_t cap;         // slots, plus the master's pin
};
static_assert(offsetof(slab_page, node) == 0, "a list node must convert to its slab");
static_assert(sizeof(slab_page) == 4 * sizeof(void *) + 8, "slab_page layout changed: update the overhead figures");

// Map entries. A byte map has slots 1..253, a wide map 1..65533.
//   kParked  the slot was handed out, then freed by the program into a
//            core's magazine (a heap's per-core layer, src/heap_cores.cpp):
//            its slab still counts it as used, nothing hands it out but that
//            magazine, and any free of it is refused (SLAB_EDOUBLEFREE), as a
//            free of a free slot is. Only a heap's class caches hold such slots.
constexpr uint32_t kEnd = 0;
template <class Idx>
constexpr uint32_t kLive = Idx(~Idx(0));
template <class Idx>
constexpr uint32_t kParked = kLive<Idx> - 1u;
template <class Idx>
constexpr uint32_t kMaxSlots = kLive<Idx> - 2u;

// Entry k of the map is at map[k] (the map starts right after the header).
template <class Idx>
SLAB_INLINE Idx *slot_map(slab_page *s)
{
    return reinterpret_cast<Idx *>(s + 1) - 1;
}
template <class Idx>
SLAB_INLINE const Idx *slot_map(const slab_page *s)
{
    return reinterpret_cast<const Idx *>(s + 1) - 1;
}

// The magic binds the header to its own address and the slab size (through
// the slab's top, base + S), its cache, and the program's secret
// (slab/hooks.h, slab_secret). Object bytes at a masked address (a pointer
// masked with a smaller size than its slab's, so that the mask lands inside
// the slab) pass for a header only if they hold this function of their own
// address: with the secret unknown, no one can compute it, whatever they
// know of the layout and the addresses (README, "Threat model"). XOR is
// injective in each operand: a header of one size, cache or address never
// validates as another. A slab with a two-byte map stores the magic with its
// lowest bit flipped (kWideMagic): the inline free path accepts only the
// byte-map form, so that one compare checks both "genuine" and "byte map".
// Cost on the free path: a load of the secret, a load of `cache`, three
// xors and a compare.
// kMagicKey keeps the magic off the values memory holds by itself: without
// it, with the secret left at 0, a page whose words happen to hold an end
// pointer (base + S) beside a NULL would pass for a header. Its 32-bit
// pattern is one instruction on both machines (a Thumb-2 modified immediate;
// an x86-64 sign-extended imm32) and makes the magic a non-canonical address
// on x86-64.
constexpr uintptr_t kWideMagic = 1;
constexpr uintptr_t kMagicKey = static_cast<uintptr_t>(static_cast<intptr_t>(static_cast<int32_t>(0xA5A5A5A5u)));

SLAB_INLINE uintptr_t slab_magic(const void *hdr, const void *cache, size_t slab_size)
{
    return (reinterpret_cast<uintptr_t>(hdr) + slab_size) ^ reinterpret_cast<uintptr_t>(cache) ^ slab_secret ^
           kMagicKey;
}

// False when no page can lie at obj (slab/config.h, SLAB_ADDR_MIN and
// SLAB_ADDR_END): a free refuses it before reading anything. One subtract
// and a compare; none when both are 0.
SLAB_INLINE bool addr_possible(const void *obj)
{
#if SLAB_ADDR_MIN != 0 || SLAB_ADDR_END != 0
    // Unsigned wrap: below MIN becomes huge, so one compare tests both ends
    // (END 0 stands for the top of the address space).
    constexpr uintptr_t kSpan = uintptr_t(SLAB_ADDR_END) - uintptr_t(SLAB_ADDR_MIN);
    return reinterpret_cast<uintptr_t>(obj) - uintptr_t(SLAB_ADDR_MIN) < kSpan;
#else
    (void)obj;
    return true;
#endif
}

SLAB_INLINE slab_page *page_of(const void *obj, size_t slab_size)
{
    return reinterpret_cast<slab_page *>(reinterpret_cast<uintptr_t>(obj) & ~uintptr_t(slab_size - 1u));
}

// True when the header at `s` carries the magic of a slab of this size (with
// either map width).
SLAB_INLINE bool page_valid(const slab_page *s, size_t slab_size)
{
    return (s->magic ^ slab_magic(s, s->cache, slab_size)) <= kWideMagic;
}

// The slab of obj for a given slab size, or NULL when the header at the
// masked address is not a genuine slab header of that size.
SLAB_INLINE slab_page *find_slab(const void *obj, size_t slab_size)
{
    slab_page *s = page_of(obj, slab_size);
    return SLAB_LIKELY(page_valid(s, slab_size)) ? s : nullptr;
}

SLAB_INLINE bool page_full(const slab_page *s) { return s->avail == 0; }
SLAB_INLINE uint32_t page_used(const slab_page *s) { return uint32_t(s->cap) - s->avail; }

SLAB_INLINE void *slot_at(slab_page *s, size_t slab_size, size_t stride, uint32_t k)
{
    return reinterpret_cast<char *>(s) + slab_size - size_t(k) * stride;
}

// Takes one slot: the head of the free list, else the lowest fresh one; the
// caller counts it (--avail). Precondition: !page_full(s).
template <class Idx>
SLAB_INLINE uint32_t page_take(slab_page *s)
{
    Idx *map = slot_map<Idx>(s);
    uint32_t k = s->head;
    if (SLAB_LIKELY(k != kEnd)) {
        s->head = map[k];
    } else {
        k = ++s->handed;
    }
    SLAB_ASSERT(k >= 1 && k <= s->handed);
    map[k] = Idx(kLive<Idx>);
    return k;
}

// Slot number k of the pointer `off` bytes below the slab's top (slot k
// starts at off == k * stride), by one multiply with recip = ceil(2^32 /
// stride) instead of a divide. With stride * recip == 2^32 + e, e < stride:
// for off == k * stride, off * recip == k * 2^32 + k * e and k * e < off <=
// S <= 2^30, so the high word is exactly k. For any other off the result is
// some k with k * stride != off, which the caller tests.
SLAB_INLINE uint32_t slot_number(uint32_t off, uint32_t recip)
{
    return static_cast<uint32_t>((uint64_t(off) * recip) >> 32);
}

// The same multiply, telling the grid too, for slabs with S * stride <= 2^31
// (every byte-map slab: geometry.cpp): *k is the slot number, and the result
// is true exactly when off == *k * stride. With off == q * stride + r (r <
// stride) and stride * recip == 2^32 + e (e < stride):
//   off * recip == q * 2^32 + q * e + r * recip.
// q * e < off <= S <= 2^32 / stride <= recip, and r * recip < 2^32 - q * e
// (because (q + 1) * e < 2S <= 2^32 / stride <= recip), so the high word is
// q and the low word is q * e < recip on the grid (r == 0), or at least
// recip off it. One compare instead of a second multiply. With recip 0 it
// is false for every off (slab_cache::recip_nolock of a cache with a lock).
SLAB_INLINE bool slot_on_grid(uint32_t off, uint32_t recip, uint32_t *k)
{
    uint64_t prod = uint64_t(off) * recip;
    *k = static_cast<uint32_t>(prod >> 32);
    return static_cast<uint32_t>(prod) < recip;
}

// Gives slot k back; the caller counts it (++avail). Precondition: slot k
// is live (the caller checked map[k] == kLive).
template <class Idx>
SLAB_INLINE void page_give(slab_page *s, uint32_t k)
{
    Idx *map = slot_map<Idx>(s);
    SLAB_ASSERT(map[k] == kLive<Idx> && s->avail < s->cap);
    map[k] = Idx(s->head);
    s->head = static_cast<uint16_t>(k);
}

// Compiled in src/slab_page.cpp (slow paths: taking a slab into service).
void page_init(slab_page *s, ::slab_cache *cache, size_t slab_size, uint32_t slots);
void page_retire(slab_page *s);

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_DETAIL_SLAB_PAGE_HPP
