// SPDX-License-Identifier: MIT
// The heap's table of its live large blocks: what a large free is checked
// against, so that no free reads a large page before the heap knows the
// page is still its own (issue 18, item 3), and an in-band header, even one
// built with the secret, names no block the table does not hold.
//
// An open-addressing hash set (linear probing) of {user, geo} slots, user 0
// when empty. It starts in the slack of the heap's own control page (5
// slots on 32-bit ARM, 7 on x86-64: a firmware with a few large blocks takes
// no page for it), and moves to a page of the heap's source when it passes
// 3/4 full, doubling from there:
//
//   page (P bytes, aligned to P)
//   +-------+------+------------------------------------------+
//   | magic | (0)  | slot 0 | slot 1 | ...       | slot cap-1 |
//   +-------+------+------------------------------------------+
//   magic == table_magic(page) while the heap holds it (page_marks.hpp
//   checks it, so that a source that hands the page out again is caught);
//   0 once it goes back, when the table is empty again (back to its slots
//   in the control page).
//
// Invariants (asserted at each change, checked by slab_heap_validate):
//   count == slots with user != 0 == the heap's live large blocks
//   count * 4 <= cap * 3 once in a page (so every probe run ends at an
//     empty slot; the control page's slots may fill to cap - 1)
//   every entry lies in the probe run from its home slot (removal shifts
//   the run back: no tombstones)
// Find and remove: O(1) expected; insert: O(1) expected, O(count) when the
// table moves or doubles (a new page, every entry moved, the old page back).
#ifndef SLAB_SRC_LARGE_TABLE_HPP
#define SLAB_SRC_LARGE_TABLE_HPP

#include "page_marks.hpp"

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

struct large_slot {
    uintptr_t user; // the block's address; 0: empty
    uintptr_t geo;  // its geometry: the low 11 bits of its header's tag (page_marks.hpp)
};

struct large_table {
    large_slot *slots; // the control page's slots, or those of `page`
    size_t cap;        // slots there
    size_t count;      // live entries
    uintptr_t *page;   // the page holding the slots; NULL: the control page's
    size_t page_size;  // its bytes (0 with no page)
    large_slot *home_slots; // the control page's slots
    size_t home_cap;        // how many
    uintptr_t *kept;        // old table pages whose give-back the source refused, linked
                            // through their second word; offered again by table_release
    size_t kept_pages;      // how many
    size_t kept_bytes;      // their bytes
};

SLAB_INLINE uintptr_t table_magic(const void *page) { return heap_magic_at(page) ^ kTableKey; }

// Empty, on the `cap` slots at `slots` (in the heap's control page).
void table_init(large_table *t, large_slot *slots, size_t cap);
// The entry of block `user`, or NULL.
large_slot *table_find(const large_table *t, const void *user);
// Makes room for one more entry: grows the table when it is full (3/4 in a
// page; all but one slot in the control page). False when no page could be
// had (nothing changed). A refused give-back of the old page when it grows
// counts one in *failures and keeps the page (kept), offered again by
// table_release.
bool table_reserve(large_table *t, const slab_page_source *src, size_t *failures);
// Adds block `user`. Precondition: table_reserve succeeded since the last
// insert.
void table_insert(large_table *t, const void *user, uintptr_t geo);
// Removes a slot table_find returned.
void table_remove(large_table *t, const large_slot *slot);
// Offers the kept old pages back, and the table's page when the table is
// empty (back to the control page's slots). False when the source refused
// one (kept, the table still valid); each refusal counts in *failures.
bool table_release(large_table *t, const slab_page_source *src, size_t *failures);
// The invariants above, walked: O(cap).
bool table_ok(const large_table *t);

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_LARGE_TABLE_HPP
