// The heap fuzz target's misuse: a pointer that is no live block of the heap
// handed to slab_heap_free, slab_heap_realloc or slab_heap_usable_size. The
// model says what each must return (heap.h, docs/heap.md "Refusals"), whom
// it must report to, and that nothing changes: no hook call, every heap's
// stats equal before and after, the block the pointer lies in intact.
//
// Pointers: a freed block (its slab still held: a freed slot; its page back
// with the hook: no magic left, or a large block's freed mark; a large page
// the hook refused back), inside a live block, into a slab's or a large
// block's header, a page's first byte and one past its end, the D bytes
// below a page (readable, not the library's), a foreign block, the heap's
// own control page, a plain slab_cache's objects and slab headers, and (for
// realloc) another heap's live block.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "fuzz_heap.hpp"
#include "slab/detail/slab_page.hpp"

namespace hfuzz {

namespace {

using hmodel::kD;
constexpr size_t kSlabHeader = sizeof(slab::detail::slab_page);

// A misuse pointer and what the model expects of it.
struct Target {
    uintptr_t q = 0;
    slab_status st = SLAB_EBADPTR; // what slab_heap_free returns
    int report = -1;               // the heap slab_heap_free reports to
    int slab_heap = -1;            // q lies in a class slab of this heap (realloc: EWRONGCACHE from another heap)
    bool other_live = false;       // q is another heap's live block (realloc only)
    uintptr_t inside = 0;          // the live block q lies in (or names), checked intact
};

int g_call_heap; // the heap realloc is called with

// A freed block: refused as a double free while its slab or its page (with
// the freed mark) is there, as a foreign pointer once the mark is gone.
bool stale(Reader &r, Target *t)
{
    if (g_freed.empty()) {
        return false;
    }
    const Freed &f = g_freed[r.u8() % g_freed.size()];
    if (g_live.count(f.p) != 0) {
        return false; // handed out again: a live block
    }
    hpages::Page pg{};
    bool held = hpages::page_at(f.p, &pg) && pg.serial == f.b.serial;
    hpages::State s = hpages::state_of(f.b.serial);
    t->q = f.p;
    if (held) { // a freed slot of a slab still held, or a large page the hook refused back
        t->st = SLAB_EDOUBLEFREE;
        t->report = f.b.heap;
        t->slab_heap = f.b.large ? -1 : f.b.heap;
        g_n.stale_small_held += !f.b.large;
        return true;
    }
    if (s == hpages::State::gone || s == hpages::State::live) {
        return false; // the host has the memory back (or it is a new page): anything may be there
    }
    if (f.b.large && s == hpages::State::kept) {
        // The page went back with the gone mark: a double free, refused
        // without reading (or telling) its heap, which may be gone too.
        t->st = SLAB_EDOUBLEFREE;
        t->report = -1;
        g_n.stale_large_kept++;
        return true;
    }
    t->st = SLAB_EBADPTR; // a slab retired (no magic) or a poisoned page
    g_n.stale_gone_page++;
    return true;
}

// Inside a live block, or in its header, or at its page's edges.
bool in_block(Reader &r, Target *t, int where)
{
    uintptr_t p = pick_live(r, -1);
    if (p == 0) {
        return false;
    }
    const Block &b = g_live.at(p);
    uint32_t v = r.u32();
    t->inside = p;
    uintptr_t hdr = b.base + b.hdr_off;
    size_t page = b.large ? b.page : kD;
    switch (where) {
    case 0: // interior
        if (b.usable < 2) {
            return false;
        }
        t->q = p + 1 + v % (b.usable - 1);
        if (!b.large) {
            t->st = SLAB_ENOTSLOT;
        } else if (b.hdr_off == 0 && t->q - b.base <= kD) {
            t->st = SLAB_ENOTSLOT; // the header's D-block
        } else {
            t->st = SLAB_EBADPTR; // the block's own bytes are where the mask leads
        }
        break;
    case 1: // the header
        if (!b.large) {
            t->q = b.base + 1 + v % (kSlabHeader - 1);
            t->st = SLAB_EHEADER;
        } else if ((v & 1u) != 0 || b.hdr_off == 0) {
            t->q = hdr + 1 + v % (p - hdr - 1);
            t->st = SLAB_EHEADER;
        } else { // below the header of a block aligned to D or more: bytes nobody wrote
            t->q = b.base + 1 + v % b.hdr_off;
            t->st = SLAB_EBADPTR;
        }
        break;
    default: // the page's first byte (the mask leads below it) or one past its end
        if ((v & 1u) != 0) {
            t->q = b.base;
            t->st = SLAB_EBADPTR;
        } else {
            t->q = b.base + page;
            bool header_block = b.large && b.hdr_off == 0 && page == kD;
            t->st = header_block ? SLAB_ENOTSLOT : SLAB_EBADPTR;
        }
        break;
    }
    if (t->st != SLAB_EBADPTR) {
        t->report = b.heap;
    }
    if (!b.large && t->st != SLAB_EBADPTR) {
        t->slab_heap = b.heap;
    }
    return true;
}

// Readable memory that is no heap's: the foreign block, the D bytes below a
// page, a heap's control page, a plain cache's objects and headers.
bool foreign(Reader &r, Target *t, int where)
{
    uint32_t v = r.u32();
    hpages::Page pg{};
    switch (where) {
    case 0:
        t->q = reinterpret_cast<uintptr_t>(g_foreign) + 1 + v % kForeignSize;
        return true;
    case 1: {
        if (!hpages::live_page(v, &pg)) {
            return false;
        }
        uintptr_t dblock = pg.base & ~uintptr_t(kD - 1);
        t->q = dblock - kD + 1 + (v >> 8) % kD;
        return true;
    }
    case 2: {
        int i = pick_heap(r);
        if (i < 0) {
            return false;
        }
        t->q = reinterpret_cast<uintptr_t>(g_heap[i].h) + v % 512;
        return true;
    }
    default: {
        if (g_plain_objs.empty()) {
            return false;
        }
        uintptr_t o = reinterpret_cast<uintptr_t>(g_plain_objs[v % g_plain_objs.size()]);
        uintptr_t slab = o & ~uintptr_t(kD - 1);
        t->q = (v & 0x100u) != 0 ? o + (v >> 9) % 48 : slab + 1 + (v >> 9) % (kD - 1);
        t->st = SLAB_EWRONGCACHE; // a libslab object of a cache that is not a heap's
        return true;
    }
    }
}

unsigned g_kind; // the last target's kind (pick_target's k % 10), for a divergence's message

bool pick_target(Reader &r, Target *t, bool for_realloc)
{
    uint8_t k = r.u8();
    g_kind = k % 10u;
    switch (k % 10) {
    case 0: case 1: return stale(r, t);
    case 2: case 3: return in_block(r, t, 0);
    case 4: return in_block(r, t, 1);
    case 5: return in_block(r, t, 2);
    case 6: return foreign(r, t, (k >> 4) % 4);
    case 7: return foreign(r, t, 3);
    default: {
        uintptr_t p = pick_live(r, -1);
        if (!for_realloc || p == 0 || g_live.at(p).heap == g_call_heap) {
            return in_block(r, t, 0);
        }
        t->q = p;
        t->other_live = true;
        t->inside = p;
        return true;
    }
    }
}

}  // namespace

void op_misuse(int i, Reader &r)
{
    uint8_t how = r.u8() % 4; // 0, 1: free; 2: realloc; 3: usable_size
    g_call_heap = i;
    Target t;
    if (!pick_target(r, &t, how == 2)) {
        return;
    }
    slab_heap_usage before[kHeaps];
    for (int j = 0; j < kHeaps; j++) {
        if (g_heap[j].present) {
            before[j] = usage(j);
        }
    }
    void *q = reinterpret_cast<void *>(t.q);
    TRACE("  misuse %d heap %d q %#zx expect %d report %d\n", how, i, (size_t)t.q, t.st, t.report);
    slab_status got;
    begin(hpages::kNoOwner); // no page may move
    if (how == 2) {
        // As free would say, to the heap called; another heap's block:
        // EWRONGCACHE. A pointer shaped like a large block (its offset in
        // its D-block below a slab header's size: heap.h) is looked up in
        // the called heap's table only, its page never read: EBADPTR.
        bool large_shaped = (t.q & (kD - 1)) < kSlabHeader;
        slab_status want = large_shaped ? SLAB_EBADPTR
                           : t.other_live || (t.slab_heap >= 0 && t.slab_heap != i) ? SLAB_EWRONGCACHE
                                                                                     : t.st;
        CHECK(slab_heap_realloc(g_heap[i].h, q, r.u8()) == nullptr);
        expect_report(i, want, t.q);
        got = want;
        g_n.realloc_misuse++;
    } else if (how == 3) {
        CHECK(slab_heap_usable_size(q) == 0);
        got = t.st;
        g_n.usable_misuse++;
    } else {
        got = slab_heap_free(q);
        if (got != t.st) {
            std::fprintf(stderr, "fuzz_heap: misuse free of %#zx (kind %u): got %d, the model expects %d\n",
                         (size_t)t.q, (unsigned)g_kind, got, t.st);
        }
        CHECK(got == t.st);
        expect_report(t.report, t.st, t.q);
    }
    hpages::Events e = end();
    CHECK(e.alloc_calls == 0 && e.free_calls == 0);
    for (int j = 0; j < kHeaps; j++) {
        if (g_heap[j].present) {
            CHECK(same_usage(before[j], usage(j))); // nothing changed
        }
    }
    if (t.inside != 0) {
        check_block(t.inside);
    }
    g_n.misuse++;
    g_n.refused[got]++;
    verify_all();
}

}  // namespace hfuzz
