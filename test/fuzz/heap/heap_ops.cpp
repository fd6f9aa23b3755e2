// The heap fuzz target's well-formed operations (fuzz_heap.cpp says what the
// model expects of them).
#include <algorithm>
#include <cstring>

#include "fuzz_heap.hpp"
#include "slab/detail/slab_page.hpp"
#include "slab/lock.hpp"

namespace hfuzz {

namespace {

using hmodel::kA;
using hmodel::kD;
constexpr size_t kSlabHeader = sizeof(slab::detail::slab_page);
constexpr size_t kControlPage = sizeof(void *) == 8 ? 512 : 256; // heap.h: the heap's own page
constexpr size_t kFreedKept = 64;

// The hook calls an allocation planned as pl on heap i made (e), as the
// model allows them; true when it must have succeeded (it got its page, or
// needed none). Counts the hook's failures.
bool expect_alloc(int i, const hmodel::Plan &pl, const hpages::Events &e, bool count_frees)
{
    HeapM &m = g_heap[i];
    if (!pl.ok) {
        CHECK(e.alloc_calls == 0); // refused before any page is asked
        g_n.too_large++;
        return false;
    }
    if (pl.large) {
        // One page of the planned size, the last asked for; before it, at
        // most one for the heap's table of large blocks (heap.h), which
        // may fail the allocation on its own.
        CHECK(e.alloc_calls == 1 || e.alloc_calls == 2);
        CHECK(e.last_alloc_size == pl.page || e.alloc_null + e.dups_served != 0);
    } else {
        CHECK(e.alloc_calls <= 1);
        uint64_t bit = uint64_t(1) << pl.cls;
        if (((m.classes | m.maybe) & bit) == 0) {
            CHECK(e.alloc_calls == 1); // the class cache is created, with its master slab
        }
        CHECK(e.alloc_calls == 0 || e.last_alloc_size == kD);
    }
    // A large block's table may have moved to a bigger page, giving its old
    // one back (refusals counted here, or by retire for a realloc).
    m.failures += e.alloc_null + e.dups_served + (count_frees ? e.frees_refused : 0u);
    return e.alloc_null + e.dups_served == 0;
}

// A block the heap handed out for plan pl: where it must be; then recorded
// and filled with its pattern.
void accept_block(int i, uintptr_t p, const hmodel::Plan &pl, size_t align)
{
    HeapM &m = g_heap[i];
    CHECK(p != 0);
    CHECK(p % std::max(align, kA) == 0);
    hpages::Page pg{};
    CHECK(hpages::page_at(p, &pg) && pg.owner == i); // in a live page the hook gave this heap
    if (pl.large) {
        CHECK(pg.size == pl.page && p == pg.base + pl.off);
    } else {
        CHECK(pg.size == kD && p - pg.base >= kSlabHeader && p + pl.usable <= pg.base + kD);
        m.classes |= uint64_t(1) << pl.cls;
        m.maybe &= ~(uint64_t(1) << pl.cls);
    }
    auto next = g_live.lower_bound(p);
    CHECK(next == g_live.end() || next->first >= p + pl.usable); // overlaps no live block
    if (next != g_live.begin()) {
        auto prev = std::prev(next);
        CHECK(prev->first + prev->second.usable <= p);
    }
    CHECK(slab_heap_usable_size(reinterpret_cast<void *>(p)) == pl.usable);
    Block b{i, g_next_id++, pl.usable, pl.large, pl.cls, pl.page, pg.base, pl.off, pl.hdr_off, pg.serial};
    g_live[p] = b;
    m.blocks++;
    m.allocs++;
    m.large += pl.large;
    m.bytes += pl.usable;
    m.bytes_peak = std::max(m.bytes_peak, m.bytes);
    g_n.large_allocs += pl.large;
    fill(p, b.id, 0, b.usable);
}

// Block p is no longer live (freed, or moved by realloc): the model follows,
// with the hook calls e of the operation that freed it.
void retire(uintptr_t p, const hpages::Events &e)
{
    Block b = g_live.at(p);
    HeapM &m = g_heap[b.heap];
    g_live.erase(p);
    m.blocks--;
    m.frees++;
    m.bytes -= b.usable;
    m.large -= b.large;
    m.failures += e.frees_refused;
    g_n.ehookfree += e.frees_refused;
    if (b.large) {
        // Its page goes back, the last one (a realloc's new block may have
        // moved the heap's table first, giving back the table's old page).
        CHECK(e.free_calls >= 1);
        bool kept = e.frees_refused != 0 && e.last_refused == b.base;
        CHECK(kept || e.last_freed == b.base);
        if (kept) {
            m.retained.push_back(b.base);
        }
    } else {
        CHECK(e.free_calls <= 2); // at most its slab (and a realloc's table move)
    }
    if (g_freed.size() >= kFreedKept) {
        g_freed.erase(g_freed.begin());
    }
    g_freed.push_back(Freed{p, b, m.h});
}

// After a trim or a destroy that gave back every idle class cache and the
// retained large pages, but for the one page the hook may have refused.
void settle_pages(int i, const hpages::Events &e)
{
    HeapM &m = g_heap[i];
    uint64_t with_live = 0;
    for (const auto &kv : g_live) {
        if (kv.second.heap == i && !kv.second.large) {
            with_live |= uint64_t(1) << kv.second.cls;
        }
    }
    uint64_t idle = (m.classes | m.maybe) & ~with_live;
    bool kept_large = e.frees_refused != 0 &&
                      std::find(m.retained.begin(), m.retained.end(), e.last_refused) != m.retained.end();
    m.classes &= with_live;
    m.maybe = e.frees_refused != 0 && !kept_large ? idle : 0; // one idle class cache kept its refused page
    m.retained.clear();
    if (kept_large) {
        m.retained.push_back(e.last_refused);
    }
}

hmodel::Plan alloc_call(int i, Reader &r, int kind, void **out, size_t *align_out, size_t *zeroed)
{
    slab_heap *h = g_heap[i].h;
    *align_out = kA;
    *zeroed = 0;
    if (kind == 2) { // aligned_alloc
        static const size_t kOdd[] = {0, 3, 6, 24, 100, 48, hmodel::kMaxPage / 2, hmodel::kMaxPage};
        uint8_t a = r.u8();
        size_t align = a < 200 ? size_t(1) << (a % 17) : kOdd[a % 8];
        size_t size = pick_size(r);
        g_n.aligned++;
        begin(i);
        *out = slab_heap_aligned_alloc(h, align, size);
        if (!hmodel::pow2(align)) {
            return hmodel::Plan{};
        }
        *align_out = align;
        return hmodel::plan(size, align);
    }
    if (kind == 3) { // calloc
        static const size_t kOver[][2] = {{SIZE_MAX, 2}, {SIZE_MAX / 2 + 1, 2}, {size_t(1) << 32, size_t(1) << 32},
                                          {3, SIZE_MAX / 3 + 1}, {SIZE_MAX, SIZE_MAX}};
        uint8_t o = r.u8();
        size_t n = o < 40 ? kOver[o % 5][0] : o % 33;
        size_t size = o < 40 ? kOver[o % 5][1] : pick_size(r) / (1 + o % 4);
        size_t bytes = 0;
        bool over = __builtin_mul_overflow(n, size, &bytes);
        g_n.callocs++;
        g_n.calloc_overflow += over;
        begin(i);
        *out = slab_heap_calloc(h, n, size);
        if (over) {
            return hmodel::Plan{};
        }
        *zeroed = bytes;
        return hmodel::plan(bytes, kA);
    }
    size_t size = pick_size(r);
    begin(i);
    *out = slab_heap_alloc(h, size);
    return hmodel::plan(size, kA);
}

}  // namespace

size_t pick_size(Reader &r)
{
    static const size_t kHuge[] = {SIZE_MAX,
                                   SIZE_MAX - 15,
                                   hmodel::kMaxPage,
                                   hmodel::kMaxPage - hmodel::kLargeHeader,     // a page of the largest size
                                   hmodel::kMaxPage - hmodel::kLargeHeader + 1, // no page holds it
                                   hmodel::kMaxPage / 2 + 1,
                                   hpages::kLargestPage - hmodel::kLargeHeader, // the largest page the hook gives
                                   hpages::kLargestPage};
    switch (r.u8() % 8) {
    case 0: return r.u8() % 65;
    case 1: return r.u16() % (slab_heap_max_small() + 1);
    case 2: return slab_heap_class_size(r.u8() % slab_heap_class_count()) + r.u8() % 3 - 1; // a class edge
    case 3: return slab_heap_max_small() + 1 + r.u16() % (2 * kD);
    case 4: return (kD << (r.u8() % 7)) - hmodel::kLargeHeader + r.u8() % 33 - 16; // a page edge
    case 5: return r.u32() % (64 * kD);
    case 6: return (r.u8() & 7u) == 0 ? kHuge[r.u8() % 8] : r.u8();
    default: return r.u16() % 512;
    }
}

void op_alloc(int i, Reader &r, int kind)
{
    void *p = nullptr;
    size_t align = kA, zeroed = 0;
    kind &= 3;
    hmodel::Plan pl = alloc_call(i, r, kind, &p, &align, &zeroed);
    hpages::Events e = end();
    TRACE("  alloc kind %d heap %d align %zu -> %p (plan ok %d large %d usable %zu page %zu)\n", kind, i, align, p,
          pl.ok, pl.large, pl.usable, pl.page);
    g_n.allocs++;
    CHECK(e.free_calls == 0 || (pl.large && e.free_calls == 1)); // (the table's old page)
    if (!expect_alloc(i, pl, e, true)) {
        CHECK(p == nullptr);
        verify_all();
        return;
    }
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    if (kind == 3) {
        const unsigned char *b = static_cast<const unsigned char *>(p);
        CHECK(p != nullptr && (zeroed == 0 || (b[0] == 0 && std::memcmp(b, b + 1, zeroed - 1) == 0)));
    }
    accept_block(i, a, pl, align);
    verify_all();
}

void op_realloc(int i, Reader &r)
{
    uint8_t how = r.u8();
    uintptr_t p = how % 8 == 1 ? 0 : pick_live(r, i);
    size_t size = pick_size(r);
    if (p != 0 && how % 8 == 2) {
        size = g_live.at(p).usable + 1 + r.u8(); // grow just past the block
    } else if (p != 0 && how % 8 == 3) {
        size = g_live.at(p).usable / (2 + r.u8() % 4); // shrink
    } else if (p != 0 && how % 8 == 4) {
        size = g_live.at(p).usable - r.u8() % 16; // stay
    } else if (how % 8 == 5) {
        size = 0;
    }
    g_n.reallocs++;
    g_n.realloc_zero += size == 0;
    g_n.realloc_null += p == 0;
    size_t s1 = size == 0 ? 1 : size;
    Block b{};
    bool keep = false;
    if (p != 0) {
        check_block(p);
        b = g_live.at(p);
        keep = hmodel::realloc_keeps(s1, b.large, b.usable, b.page);
    }
    begin(i);
    uintptr_t q = reinterpret_cast<uintptr_t>(slab_heap_realloc(g_heap[i].h, reinterpret_cast<void *>(p), size));
    hpages::Events e = end();
    TRACE("  realloc heap %d %#zx (usable %zu) to %zu -> %#zx\n", i, (size_t)p, b.usable, size, (size_t)q);
    if (keep) {
        CHECK(q == p && e.alloc_calls == 0 && e.free_calls == 0); // in place
        CHECK(holds(p, b.id, 0, b.usable));
        g_n.realloc_kept++;
        verify_all();
        return;
    }
    hmodel::Plan pl = hmodel::plan(p == 0 ? size : s1, kA);
    if (!expect_alloc(i, pl, e, false)) {
        CHECK(e.free_calls <= (pl.large ? 1u : 0u)); // (the table's old page)
        g_heap[i].failures += e.frees_refused;
        CHECK(q == (p != 0 && s1 <= b.usable ? p : 0)); // a shrink keeps its block, else NULL
        CHECK(p == 0 || holds(p, b.id, 0, b.usable));   // untouched
        g_n.realloc_failed++;
        verify_all();
        return;
    }
    CHECK(q != 0 && q != p);
    if (p != 0) {
        CHECK(holds(q, b.id, 0, std::min(b.usable, s1))); // the bytes moved with the block
    }
    accept_block(i, q, pl, kA);
    if (p != 0) {
        retire(p, e);
        g_n.realloc_moved++;
    } else {
        CHECK(e.free_calls <= (pl.large ? 1u : 0u)); // (the table's old page)
        g_heap[i].failures += e.frees_refused;
    }
    verify_all();
}

void free_live(uintptr_t p)
{
    check_block(p);
    int i = g_live.at(p).heap;
    TRACE("  free %#zx heap %d usable %zu large %d\n", (size_t)p, i, g_live.at(p).usable, g_live.at(p).large);
    begin(i);
    // Every other free names its heap (slab_heap_free_in: the large table's
    // lookup without a read of the page, the heap-checked fast path).
    void *q = reinterpret_cast<void *>(p);
    slab_status st = (g_n.frees & 1u) != 0 ? slab_heap_free_in(g_heap[i].h, q) : slab_heap_free(q);
    hpages::Events e = end();
    CHECK(e.alloc_calls == 0);
    CHECK(st == (e.frees_refused != 0 ? SLAB_EHOOKFREE : SLAB_OK));
    retire(p, e);
    g_n.frees++;
    verify_all();
}

void op_trim(int i)
{
    begin(i);
    slab_status st = slab_heap_trim(g_heap[i].h);
    hpages::Events e = end();
    CHECK(e.alloc_calls == 0);
    CHECK(st == (e.frees_refused != 0 ? SLAB_EHOOKFREE : SLAB_OK));
    g_heap[i].failures += e.frees_refused;
    g_n.ehookfree += e.frees_refused;
    settle_pages(i, e);
    g_n.trims++;
    verify_all();
}

void op_destroy(int i)
{
    HeapM &m = g_heap[i];
    if (m.blocks != 0) {
        slab_heap_usage before = usage(i);
        begin(i);
        CHECK(slab_heap_destroy(m.h) == SLAB_EBUSY);
        hpages::Events e = end();
        CHECK(e.alloc_calls == 0 && e.free_calls == 0 && same_usage(before, usage(i))); // nothing changed
        g_n.busy++;
        verify_all();
        return;
    }
    begin(i);
    slab_status st = slab_heap_destroy(m.h);
    hpages::Events e = end();
    CHECK(e.alloc_calls == 0);
    if (e.frees_refused != 0) { // the heap stays, with the page refused
        CHECK(st == SLAB_EHOOKFREE);
        m.failures += e.frees_refused;
        g_n.ehookfree++;
        if (e.last_refused == reinterpret_cast<uintptr_t>(m.h)) {
            m.classes = m.maybe = 0; // everything else went back
            m.retained.clear();
        } else {
            settle_pages(i, e);
        }
        verify_all();
        return;
    }
    CHECK(st == SLAB_OK);
    m.present = false;
    CHECK(hpages::live_pages(i) == 0 && hpages::live_bytes(i) == 0); // every page back
    g_n.destroys++;
    verify_all();
}

void op_create(Reader &r)
{
    int i = r.u8() % kHeaps;
    uint8_t f = r.u8();
    if (g_heap[i].present) {
        return;
    }
    unsigned flags = f < 200 ? ((f & 1u) != 0 ? SLAB_LOCK_SPIN : 0u) : f < 228 ? SLAB_LOCK_IRQ : f < 240 ? 0x40u : 0x3u;
    slab_status want = SLAB_OK;
    if (flags == SLAB_LOCK_IRQ) {
        want = SLAB_HAVE_IRQ_LOCK ? SLAB_OK : SLAB_EUNSUPPORTED;
    } else if (flags != 0 && flags != SLAB_LOCK_SPIN) {
        want = SLAB_EINVAL;
    }
    hpages::reset_peak(i); // (no page of this owner is live)
    slab_heap *sentinel = reinterpret_cast<slab_heap *>(g_foreign);
    slab_heap *h = sentinel;
    begin(i);
    slab_status st = slab_heap_create(&h, flags);
    hpages::Events e = end();
    g_n.creates++;
    if (want != SLAB_OK) {
        CHECK(st == want && h == sentinel && e.alloc_calls == 0);
        verify_all();
        return;
    }
    CHECK(e.alloc_calls == 1 && e.last_alloc_size == kControlPage);
    if (e.alloc_null + e.dups_served != 0) {
        // Only heaps take pages of that size here: a duplicate is a live heap's.
        CHECK(st == (e.alloc_null != 0 ? SLAB_ENOMEM : SLAB_EHOOKDUP) && h == sentinel);
        verify_all();
        return;
    }
    CHECK(st == SLAB_OK && h != sentinel);
    HeapM &m = g_heap[i];
    m = HeapM{};
    m.h = h;
    m.present = true;
    m.handler = (f & 2u) != 0;
    if (m.handler) {
        CHECK(slab_heap_set_error_handler(h, on_report, h) == SLAB_OK);
    }
    verify_all();
}

}  // namespace hfuzz
