// SPDX-License-Identifier: MIT
// The heap's large blocks: their pages, headers and table entries
// (src/heap_large.hpp has the layout). Every function runs under the heap's
// lock.
#include "heap_large.hpp"
#include "page_bridge.hpp"

using namespace slab::detail;

namespace slab {
namespace detail {
namespace heap {

bool plan_large(size_t size, size_t align, large_plan *out)
{
    if (align > kMaxPage / 2u) {
        return false;
    }
    // A block's offset in its D-block is below sizeof(slab_page), where no
    // slot ever starts (slots lie above their slab's header), or 0: so a
    // pointer tells by its address alone that it can only be a large block,
    // and slab_heap_free_in() reads no page for it that its table does not
    // hold. An alignment whose header offset would not stay below that
    // starts the block D above its header, as alignments of D and more do.
    size_t off = round_up(sizeof(large_hdr), align);
    size_t hdr_off = 0;
    if (off >= sizeof(slab_page)) {
        off = align < kD ? kD : align;
        hdr_off = off - kD;
    }
    size_t need = off + (size == 0 ? 1u : size);
    if (need < off || need > kMaxPage) {
        return false;
    }
    size_t page = kD;
    if (need > kD) {
        page = size_t(1) << (floor_log2(need - 1u) + 1u);
    }
    out->page = page;
    out->off = off;
    out->hdr_off = hdr_off;
    return true;
}

// A page from the heap's source, checked as the core checks its slabs:
// aligned, and not a page the heap still uses. NULL otherwise; a duplicate
// page is not given back (it is live). Counts nothing: the callers do.
void *take_page_uncounted(slab_heap *h, size_t size)
{
    void *page = source_alloc(h->source, size);
    if (page == nullptr) {
        return nullptr;
    }
    if ((reinterpret_cast<uintptr_t>(page) & (size - 1u)) != 0) {
        if (source_free(h->source, page, size) != 0) {
            h->failures++;
        }
        return nullptr;
    }
    return page_in_use(page, size) ? nullptr : page;
}

// A page for a large block: one failure counted when there is none.
void *take_page(slab_heap *h, size_t size)
{
    void *page = take_page_uncounted(h, size);
    if (page == nullptr) {
        h->failures++;
    }
    return page;
}

// The page source of the heap's class caches (slab_heap::class_source): the
// heap's own source through the same check, so that a class cache never
// takes a page that holds a live large block. The core counts the failures
// of these calls in the class cache.
void *class_page_take(void *ctx, size_t size, size_t align)
{
    (void)align; // == size
    return take_page_uncounted(static_cast<slab_heap *>(ctx), size);
}

int class_page_give(void *ctx, void *page, size_t size, size_t align)
{
    (void)align;
    return source_free(static_cast<slab_heap *>(ctx)->source, page, size);
}

SLAB_COLD void *large_alloc(slab_heap *h, size_t size, size_t align)
{
    large_plan plan; // NOLINT(cppcoreguidelines-pro-type-member-init): set by plan_large when it returns true
    if (!plan_large(size, align, &plan)) {
        return nullptr;
    }
    // Room in the table first, so that the block's page is the last one
    // asked for, and a table that cannot grow costs no page of the block.
    size_t table_before = h->table.page_size;
    size_t kept_before = h->table.kept_bytes;
    if (!table_reserve(&h->table, &h->class_source, &h->failures)) {
        h->failures++;
        return nullptr;
    }
    if (h->table.page_size != table_before) { // both tables were held for a moment (unless the old is kept)
        note_peak_bytes(h, page_bytes_now(h) + (h->table.kept_bytes == kept_before ? table_before : 0u));
    }
    char *base = static_cast<char *>(take_page(h, plan.page));
    if (base == nullptr) {
        return nullptr;
    }
    large_hdr *l = static_cast<large_hdr *>(static_cast<void *>(base + plan.hdr_off));
    uintptr_t geo = uintptr_t(floor_log2(plan.page)) | (plan.off >= kD ? kGeoAligned : 0u) |
                    (uintptr_t(floor_log2(plan.off)) << 6);
    table_insert(&h->table, base + plan.off, geo);
    l->heap = h;
    l->tag = large_tag(l, h, kLargeLive, geo);
    h->large_live++;
    h->large_pages++;
    h->large_bytes += plan.page;
    note_pages(h);
    note_alloc(h, plan.page - plan.off);
    SLAB_ASSERT(large_user(l) == base + plan.off && large_base(l) == base && large_page(l) == plan.page);
    return base + plan.off;
}

// Gives a large page back; a refused one is kept on the retained list.
// The page goes with the gone mark: a second free of the block finds it
// (while the hook leaves the page alone) without reading the heap, which
// may be gone too by then.
bool give_large_page(slab_heap *h, large_hdr *l)
{
    size_t size = large_page(l); // (the page is the hook's once it took it back)
    char *base = large_base(l);
    uintptr_t freed = l->tag;
    l->tag = gone_tag(l, freed & kGeoMask);
    l->heap = nullptr;
    if (source_free(h->source, base, size) == 0) {
        h->large_pages--;
        h->large_bytes -= size;
        return true;
    }
    l->tag = freed;
    l->heap = h;
    h->failures++;
    *large_next(l) = h->retained;
    h->retained = l;
    return false;
}

// The header of the block a table entry names, from the entry alone.
large_hdr *entry_header(const large_slot *e)
{
    size_t off = size_t(1) << ((e->geo >> 6) & 31u);
    uintptr_t hdr = e->user - ((e->geo & kGeoAligned) != 0 ? kD : off);
    return reinterpret_cast<large_hdr *>(hdr);
}

// The table's entry of the live large block whose header is l, or NULL
// when the table holds no such block (a header forged or corrupted in
// memory: it names nothing the heap handed out). Under the lock.
large_slot *large_entry(slab_heap *h, const large_hdr *l)
{
    large_slot *e = table_find(&h->table, large_user(l));
    return e != nullptr && e->geo == (l->tag & kGeoMask) && entry_header(e) == l ? e : nullptr;
}

// Frees the live large block of table entry e, with the geometry the
// table holds: the freed mark while the heap holds the page (retained),
// the gone mark once the hook has it (give_large_page).
slab_status large_free(slab_heap *h, large_slot *e)
{
    large_hdr *l = entry_header(e);
    uintptr_t geo = e->geo;
    table_remove(&h->table, e); // (its page, once empty, goes back at trim or destroy)
    l->heap = h;
    l->tag = large_tag(l, h, kLargeFreed, geo);
    note_free(h, large_usable(l));
    h->large_live--;
    return give_large_page(h, l) ? SLAB_OK : SLAB_EHOOKFREE;
}

// Offers every retained page back again. False when one is still refused.
bool give_retained(slab_heap *h)
{
    large_hdr *l = h->retained;
    h->retained = nullptr;
    bool ok = true;
    while (l != nullptr) {
        large_hdr *next = *large_next(l);
        ok &= give_large_page(h, l);
        l = next;
    }
    return ok;
}

}  // namespace heap
}  // namespace detail
}  // namespace slab
