// libFuzzer target (issues 4 and 11): the input is a sequence of operations
// on up to four caches of random geometries; after every operation the
// library is compared with the reference model (model.hpp): status codes, the
// object handed out (a free slot of a slab the model knows, never one still
// live), the report hook's calls, every counter of slab_cache_stats, the
// provider's live pages, and slab_cache_validate(). Any difference aborts:
// that is a divergence, and libFuzzer saves the input.
//
// Misuse is generated in every build (issue 11: the default build refuses it
// all, always on): double frees (of any free slot, immediate, A-B-A, in any
// slab including the spare), interior pointers, pointers into a slab's
// header, slot map, control block, lock and padding, slots never handed out,
// frees into the wrong cache, foreign pointers, slab_free() of objects of
// other slab sizes, and use-after-free writes of any bytes at any offset into
// free slots (freed or fresh) and past the end of live objects. The model
// expects every refused free to return its status, to be reported exactly
// once (cache, status, pointer) when a cache is known and has a report hook,
// and to change nothing: counters, validate, the objects, the free slots'
// bytes in checked mode. A write after free changes nothing the allocator
// does (no report, and no later alloc returns a live slot or a non-slot); in
// checked mode (SLAB_CHECKS=1) the alloc that hands such a slot out again
// reports SLAB_EPOISON and still succeeds, validate says SLAB_ECORRUPT while
// the slot sits written on a free list, and a red zone overrun makes its
// free report SLAB_EREDZONE.
//
// Reads through a mask never leave memory the target owns: slabs smaller
// than the default size lie in default-size blocks the provider owns whole
// (fuzz_pages.hpp), and foreign pointers lie in a 64 KiB block aligned to
// 64 KiB. (slab_cache_free of an object of a small slab into a cache of large
// slabs reads only inside the object's own slab: op_wrong_cache covers it.)
// Input bytes do go into the library's memory (writes after free), so the
// program's secret (slab/hooks.h, slab_secret) is drawn afresh for every
// input: an input cannot carry a forged header, even one libFuzzer learned
// from the comparisons of an earlier run.
//
// At exit the target prints the inputs, operations and misuse operations it
// checked, by kind ("fuzz_slab:" lines, which make test-fuzz shows).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "fuzz_check.hpp"
#include "fuzz_reader.hpp"
#include "fuzz_pages.hpp"
#include "model.hpp"

namespace {

constexpr int kCaches = 4;
constexpr size_t kForeignSize = 65536;
constexpr int kStatuses = SLAB_EHOOKDUP + 1;

struct Report {
    slab_cache *cache;
    slab_status status;
    void *ptr;
    bool operator==(const Report &o) const { return cache == o.cache && status == o.status && ptr == o.ptr; }
};

model::Cache g_cache[kCaches];
bool g_present[kCaches];
std::vector<Report> g_reports;  // what the hook received during this operation
std::vector<Report> g_expected; // what the model says it should have
unsigned char *g_foreign;
uint32_t g_next_id;
uint64_t g_seed;

// What was checked, printed at exit.
struct Totals {
    uint64_t inputs, ops, misuse, divergences;
    uint64_t refused[kStatuses]; // refused calls by the status the model expected
    uint64_t df_slot, df_immediate, df_aba; // how the double frees were made
    uint64_t handle_frees;                  // frees of a cache handle (its control block)
    uint64_t waf_freed, waf_fresh, overruns, null_calls;
    uint64_t reported[kStatuses];           // reports received (and expected)
    uint64_t enomem, ehookdup;
} g_n;

void print_totals()
{
    const uint64_t *f = g_n.refused;
    std::printf("fuzz_slab: %llu inputs, %llu operations checked against the model, %llu misuse operations, "
                "%llu divergences (%s mode)\n",
                (unsigned long long)g_n.inputs, (unsigned long long)g_n.ops, (unsigned long long)g_n.misuse,
                (unsigned long long)g_n.divergences, model::kChecked ? "checked" : "normal");
    std::printf("fuzz_slab: misuse by kind: double free %llu (of a free slot %llu, immediate %llu, A-B-A %llu), "
                "interior %llu, header/map/control block %llu (cache handle %llu), never handed out %llu, "
                "wrong cache %llu, EBADPTR %llu, slab_free of another slab size %llu, null arguments %llu, "
                "write after free %llu (freed slots %llu, fresh slots %llu), overrun %llu\n",
                (unsigned long long)f[SLAB_EDOUBLEFREE], (unsigned long long)g_n.df_slot,
                (unsigned long long)g_n.df_immediate, (unsigned long long)g_n.df_aba,
                (unsigned long long)f[SLAB_ENOTSLOT], (unsigned long long)f[SLAB_EHEADER],
                (unsigned long long)g_n.handle_frees, (unsigned long long)f[SLAB_ENEVERALLOC],
                (unsigned long long)f[SLAB_EWRONGCACHE], (unsigned long long)f[SLAB_EBADPTR],
                (unsigned long long)f[SLAB_ESLABSIZEFREE], (unsigned long long)g_n.null_calls,
                (unsigned long long)(g_n.waf_freed + g_n.waf_fresh), (unsigned long long)g_n.waf_freed,
                (unsigned long long)g_n.waf_fresh, (unsigned long long)g_n.overruns);
    std::printf("fuzz_slab: reports received: EDOUBLEFREE %llu, ENOTSLOT %llu, EHEADER %llu, ENEVERALLOC %llu, "
                "EWRONGCACHE %llu, EBADPTR %llu, EPOISON %llu, EREDZONE %llu; hook faults: ENOMEM %llu, EHOOKDUP %llu\n",
                (unsigned long long)g_n.reported[SLAB_EDOUBLEFREE], (unsigned long long)g_n.reported[SLAB_ENOTSLOT],
                (unsigned long long)g_n.reported[SLAB_EHEADER], (unsigned long long)g_n.reported[SLAB_ENEVERALLOC],
                (unsigned long long)g_n.reported[SLAB_EWRONGCACHE], (unsigned long long)g_n.reported[SLAB_EBADPTR],
                (unsigned long long)g_n.reported[SLAB_EPOISON], (unsigned long long)g_n.reported[SLAB_EREDZONE],
                (unsigned long long)g_n.enomem,
                (unsigned long long)g_n.ehookdup);
    std::fflush(stdout);
}

}  // namespace

[[noreturn]] void fuzz_diverge(int line, const char *what)
{
    g_n.divergences++;
    std::fprintf(stderr, "fuzz_slab: DIVERGENCE at line %d, operation %llu: %s\n", line, (unsigned long long)g_n.ops,
                 what);
    print_totals();
    std::abort();
}

namespace {

void on_report(void *ctx, slab_cache *c, slab_status st, void *p)
{
    CHECK(ctx == c); // the context given to slab_cache_set_error_handler
    CHECK(st > SLAB_OK && st < kStatuses);
    g_reports.push_back(Report{c, st, p});
}

void expect_report(const model::Cache &m, slab_status st, uintptr_t p)
{
    if (m.handler) {
        g_expected.push_back(Report{m.handle, st, reinterpret_cast<void *>(p)});
    }
}

using fuzzio::Reader;

unsigned char pattern(uint32_t id) { return (unsigned char)(id * 167u + 11u); }

// n bytes at p all equal b.
bool all_are(const void *p, size_t n, unsigned char b)
{
    const unsigned char *c = static_cast<const unsigned char *>(p);
    return n == 0 || (c[0] == b && std::memcmp(c, c + 1, n - 1) == 0);
}

// The library agrees with the model on cache i.
void verify_cache(const model::Cache &m)
{
    CHECK(slab_cache_validate(m.handle) == (model::kChecked && m.any_dirty() ? SLAB_ECORRUPT : SLAB_OK));
    slab_stats s{};
    CHECK(slab_cache_stats(m.handle, &s) == SLAB_OK);
    CHECK(s.obj_size == m.obj_size && s.slot_size == m.stride && s.slab_size == m.slab_size);
    CHECK(s.objs_per_slab == m.cap_slave && s.objs_in_master == m.cap_master);
    CHECK(s.objs_in_use == m.live.size());
    CHECK(s.objs_peak == m.peak);
    CHECK(s.slabs_in_use == m.held());
    CHECK(s.slabs_peak == m.slabs_peak);
    CHECK(s.pages_taken == m.taken && s.pages_given == m.given);
    CHECK(s.hook_failures == m.failures);
    for (const auto &kv : m.slabs) {
        CHECK(fuzzpages::live_size(kv.first) == m.slab_size);
    }
}

void verify_all()
{
    size_t held = 0;
    for (int i = 0; i < kCaches; i++) {
        if (g_present[i]) {
            verify_cache(g_cache[i]);
            held += g_cache[i].held();
        }
    }
    CHECK(held == fuzzpages::live());
    CHECK(g_reports == g_expected);
    for (const Report &rep : g_reports) {
        g_n.reported[rep.status]++;
    }
    g_reports.clear();
    g_expected.clear();
    g_n.ops++;
}

// Every slot of one slab holds what it must: a live object its pattern (and,
// in checked mode, its red zone), a free slot in checked mode its poison and
// what the input wrote into it since. Run after every misuse: a refusal
// writes nothing.
void verify_slab(const model::Cache &m, uintptr_t base)
{
    const model::Slab &sl = m.slabs.at(base);
    for (uint32_t k = 1; k <= sl.cap; k++) {
        uintptr_t q = m.slot(base, k);
        const unsigned char *b = reinterpret_cast<const unsigned char *>(q);
        auto w = m.written.find(q);
        if (sl.st[k] == model::kLive) {
            CHECK(all_are(b, m.obj_size, pattern(m.live.at(q).id))); // no other object overlapped it
            if (model::kChecked) {
                CHECK(w != m.written.end() ? std::memcmp(b + m.obj_size, w->second.data() + m.obj_size,
                                                         m.stride - m.obj_size) == 0
                                           : all_are(b + m.obj_size, m.stride - m.obj_size, model::kRedzoneByte));
            }
        } else if (model::kChecked && sl.st[k] == model::kFree) {
            CHECK(w != m.written.end() ? std::memcmp(b, w->second.data(), m.stride) == 0
                                       : all_are(b, m.stride, model::kPoisonByte));
        }
    }
}

// Picks a present cache from a byte; -1 when there is none.
int pick(Reader &r)
{
    int start = r.u8() % kCaches;
    for (int k = 0; k < kCaches; k++) {
        int i = (start + k) % kCaches;
        if (g_present[i]) {
            return i;
        }
    }
    return -1;
}

// A live object of m, or 0.
uintptr_t pick_live(const model::Cache &m, Reader &r)
{
    if (m.live.empty()) {
        return 0;
    }
    size_t skip = r.u16() % m.live.size();
    auto it = m.live.begin();
    std::advance(it, skip);
    return it->first;
}

// A slab m holds (spare included).
uintptr_t pick_slab(const model::Cache &m, Reader &r)
{
    auto it = m.slabs.begin();
    std::advance(it, r.u8() % m.slabs.size());
    return it->first;
}

// A slot in state `want` of any slab m holds, searched from a slab and slot
// the input picks; 0 when there is none.
uintptr_t pick_slot(const model::Cache &m, Reader &r, uint8_t want)
{
    auto it = m.slabs.begin();
    std::advance(it, r.u8() % m.slabs.size());
    uint32_t from = 1 + r.u16();
    for (size_t n = 0; n < m.slabs.size(); n++) {
        uint32_t k = it->second.find(want, from);
        if (k != 0) {
            return m.slot(it->first, k);
        }
        if (++it == m.slabs.end()) {
            it = m.slabs.begin();
        }
    }
    return 0;
}

// An address in one of m's slabs, chosen among every kind of place a free
// can be handed: slot starts, interiors, the header, the slot map, the
// control block, edges.
uintptr_t pick_address(const model::Cache &m, Reader &r)
{
    uintptr_t base = pick_slab(m, r);
    uintptr_t floor = m.floor(base);
    uint32_t cap = m.slabs.at(base).cap;
    uint16_t v = r.u16();
    switch (r.u8() % 8) {
    case 0: return base + v % (floor - base);                     // below the slots
    case 1: return cap ? m.slot(base, 1 + v % cap) + 1 + r.u16() % (m.stride - 1) : base; // interior
    case 2: return cap ? m.slot(base, 1 + v % cap) : base;        // a slot start
    case 3: return base;
    case 4: return floor - 1 - v % 8;                             // just below the lowest slot
    case 5: return base + m.slab_size - 1 - v % m.stride;         // the top slot's last bytes
    case 6: return base == m.master ? reinterpret_cast<uintptr_t>(m.handle) + v % 128 : floor - 1;
    default: return base + v % m.slab_size;
    }
}

// Frees through slab_free() when asked and the cache's slabs are at most the
// default size (the sizes it takes: an address in one of m's slabs gets
// what slab_cache_free(m) gives it), else through slab_cache_free().
slab_status free_call(const model::Cache &m, uintptr_t p, bool cacheless)
{
    void *q = reinterpret_cast<void *>(p);
    return cacheless && m.slab_size <= SLAB_DEFAULT_SLAB_SIZE ? slab_free(q) : slab_cache_free(m.handle, q);
}

void count_misuse(slab_status refused)
{
    g_n.misuse++;
    g_n.refused[refused]++;
}

// ------------------------------------------------------------ operations

void op_create(Reader &r)
{
    static const size_t kSlabSizes[] = {0, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536, 100, 128, 3000};
    static const size_t kBadAligns[] = {3, 5, 6, 7, 12, 24, 100};
    int i = r.u8() % kCaches;
    if (g_present[i]) {
        return;
    }
    size_t slab_size = kSlabSizes[r.u8() % (sizeof(kSlabSizes) / sizeof(kSlabSizes[0]))];
    uint8_t a = r.u8();
    size_t align = a < 64 ? 0 : a < 240 ? (size_t)1 << (a % 11) : kBadAligns[a % 7];
    size_t range = slab_size == 0 ? SLAB_DEFAULT_SLAB_SIZE : slab_size;
    size_t size;
    switch (r.u8() % 4) {
    case 0: size = 1 + r.u8() % 16; break;
    case 1: size = 1 + r.u16() % 256; break;
    case 2: size = r.u16() % (range / 4 + 1); break;
    default: size = r.u16() % (range + 64); break;
    }
    uint8_t f = r.u8();
    unsigned flags = f < 240 ? (f & 1u ? SLAB_LOCK_SPIN : 0u) : f < 248 ? SLAB_LOCK_IRQ : 0x10u | (f & 3u);

    model::Geometry g = model::plan(size, align, slab_size, flags);
    bool oom = g.status == SLAB_OK && fuzzpages::fail_pending();
    bool dup = g.status == SLAB_OK && fuzzpages::dup_pending() && fuzzpages::has_live_of_size(g.slab_size);
    slab_cache *c = nullptr;
    slab_status st = slab_cache_create(&c, size, align, slab_size, flags);
    if (g.status != SLAB_OK || oom || dup) {
        CHECK(st == (oom ? SLAB_ENOMEM : dup ? SLAB_EHOOKDUP : g.status));
        CHECK(c == nullptr);
        CHECK(g.status != SLAB_OK || (!fuzzpages::fail_pending() && !fuzzpages::dup_pending())); // one hook call
        g_n.enomem += oom;
        g_n.ehookdup += dup;
        verify_all();
        return;
    }
    fuzzpages::clear_fault(); // a dup with no page of that size to give: served as a normal page
    CHECK(st == SLAB_OK && c != nullptr);
    model::Cache &m = g_cache[i];
    m = model::Cache{};
    m.handle = c;
    m.obj_size = size;
    m.align = g.align;
    m.slab_size = g.slab_size;
    m.stride = g.stride;
    m.cap_slave = (uint32_t)g.cap_slave;
    slab_stats s{};
    CHECK(slab_cache_stats(c, &s) == SLAB_OK);
    CHECK(s.objs_in_master <= s.objs_per_slab);
    m.cap_master = s.objs_in_master;
    m.master = m.base_of(reinterpret_cast<uintptr_t>(c));
    CHECK(fuzzpages::live_size(m.master) == m.slab_size);
    m.slabs[m.master].init(m.cap_master);
    CHECK(m.floor(m.master) > reinterpret_cast<uintptr_t>(c)); // the control block lies below the slots
    CHECK(slab_cache_set_error_handler(c, on_report, c) == SLAB_OK);
    g_present[i] = true;
    verify_all();
}

void op_alloc(int i)
{
    model::Cache &m = g_cache[i];
    bool need_page = m.free_in_service() == 0;
    bool hook = need_page && m.spare == 0;
    bool expect_oom = hook && fuzzpages::fail_pending();
    bool expect_dup = hook && fuzzpages::dup_pending() && fuzzpages::has_live_of_size(m.slab_size);
    slab_status st = SLAB_ECORRUPT;
    void *vp = slab_alloc_status(m.handle, &st);
    uintptr_t p = reinterpret_cast<uintptr_t>(vp);
    if (expect_oom || expect_dup) {
        CHECK(vp == nullptr && st == (expect_oom ? SLAB_ENOMEM : SLAB_EHOOKDUP));
        CHECK(!fuzzpages::fail_pending() && !fuzzpages::dup_pending());
        m.failures++;
        g_n.enomem += expect_oom;
        g_n.ehookdup += expect_dup;
        verify_all();
        return;
    }
    if (hook) {
        fuzzpages::clear_fault();
    }
    CHECK(vp != nullptr && st == SLAB_OK);
    uintptr_t base = m.base_of(p);
    if (need_page && m.spare != 0) {
        CHECK(base == m.spare); // the spare goes back into service first
        m.spare = 0;
    } else if (need_page) {
        CHECK(m.slabs.count(base) == 0); // a new page from the hook
        CHECK(fuzzpages::live_size(base) == m.slab_size);
        m.slabs[base].init(m.cap_slave);
        m.taken++;
        m.note_slabs();
    } else {
        CHECK(m.slabs.count(base) == 1 && base != m.spare); // a slab in service with room
    }
    model::Slab &sl = m.slabs[base];
    CHECK(sl.used < sl.cap);
    uint32_t k = m.slot_number(p);
    CHECK(k != 0); // a slot start of that slab
    CHECK(p % m.align == 0);
    CHECK(sl.st[k] != model::kLive && m.live.count(p) == 0); // never handed out twice
    if (model::kChecked && m.dirty(p)) {
        expect_report(m, SLAB_EPOISON, p); // written after free; handed out all the same
    }
    m.forget(p);
    sl.st[k] = model::kLive;
    sl.used++;
    uint32_t id = g_next_id++;
    m.live[p] = model::Obj{id, false};
    if (m.live.size() > m.peak) {
        m.peak = (uint32_t)m.live.size();
    }
    if (model::kChecked) {
        CHECK(all_are(static_cast<char *>(vp) + m.obj_size, m.stride - m.obj_size, model::kRedzoneByte));
    }
    std::memset(vp, pattern(id), m.obj_size);
    verify_all();
}

// Frees a live object; the model gives its slab back as slab.h says.
void free_live(int i, uintptr_t p, bool cacheless)
{
    model::Cache &m = g_cache[i];
    model::Obj o = m.live.at(p);
    const unsigned char *b = reinterpret_cast<const unsigned char *>(p);
    CHECK(all_are(b, m.obj_size, pattern(o.id))); // no other object overlapped it
    slab_status expected = o.overrun ? SLAB_EREDZONE : SLAB_OK;
    if (o.overrun) {
        expect_report(m, SLAB_EREDZONE, p);
    }
    m.live.erase(p);
    m.forget(p);
    uintptr_t base = m.base_of(p);
    model::Slab &sl = m.slabs.at(base);
    sl.st[m.slot_number(p)] = model::kFree;
    sl.used--;
    bool dropped = false;
    if (sl.used == 0 && base != m.master) {
        if (m.spare == 0) {
            m.spare = base;
        } else {
            m.drop_slab(base);
            dropped = true;
        }
    }
    CHECK(free_call(m, p, cacheless) == expected);
    if (model::kChecked && !dropped) {
        CHECK(all_are(b, m.stride, model::kPoisonByte)); // poisoned whole
    }
    verify_all();
}

// A free of q, an address in one of m's slabs that is not a live object:
// refused as classify() says, reported, nothing changed.
void refused_free(int i, uintptr_t q, bool cacheless)
{
    model::Cache &m = g_cache[i];
    slab_status expected = m.classify(q);
    CHECK(expected != SLAB_OK);
    expect_report(m, expected, q);
    CHECK(free_call(m, q, cacheless) == expected);
    count_misuse(expected);
    verify_slab(m, m.base_of(q));
    verify_all();
}

// Any address of m's slabs handed to a free: a live object's start is freed,
// everything else refused.
void free_any(int i, uintptr_t q, bool cacheless)
{
    if (g_cache[i].classify(q) == SLAB_OK) {
        free_live(i, q, cacheless);
    } else {
        refused_free(i, q, cacheless);
    }
}

// The misuse frees; (op >> 4) & 7 says which.
void op_misuse_free(int i, Reader &r, uint8_t op, bool cacheless)
{
    model::Cache &m = g_cache[i];
    switch ((op >> 4) & 7u) {
    case 0: { // a slot freed already, in any slab (the spare too)
        uintptr_t q = pick_slot(m, r, model::kFree);
        if (q != 0) {
            g_n.df_slot++;
            refused_free(i, q, cacheless);
        }
        break;
    }
    case 1: { // A, A
        uintptr_t p = pick_live(m, r);
        if (p != 0) {
            free_live(i, p, cacheless);
            if (m.slabs.count(m.base_of(p)) != 0) { // (else its page went back to the hook)
                g_n.df_immediate++;
                refused_free(i, p, cacheless);
            }
        }
        break;
    }
    case 2: { // A, B, A
        uintptr_t a = pick_live(m, r);
        if (a == 0) {
            break;
        }
        free_live(i, a, cacheless);
        uintptr_t b = pick_live(m, r);
        if (b != 0) {
            free_live(i, b, cacheless);
        }
        if (m.slabs.count(m.base_of(a)) != 0) {
            g_n.df_aba++;
            refused_free(i, a, cacheless);
        }
        break;
    }
    case 3: { // a slot never handed out
        uintptr_t q = pick_slot(m, r, model::kFresh);
        if (q != 0) {
            refused_free(i, q, cacheless);
        }
        break;
    }
    case 4: // the cache handle (its control block, in the master's header area), or anywhere
        if ((r.u8() & 3u) == 0) {
            g_n.handle_frees++;
            refused_free(i, reinterpret_cast<uintptr_t>(m.handle), cacheless);
        } else {
            free_any(i, pick_address(m, r), cacheless);
        }
        break;
    default: // anywhere in a slab
        free_any(i, pick_address(m, r), cacheless);
        break;
    }
}

// slab_free() of an address in a slab of a cache whose slabs are not of the
// default size (slab.h). Smaller slabs: found by the smaller masks, freed or
// refused as slab_cache_free() would. Larger slabs: refused, no cache named,
// nothing changes; the header at the address masked with the default size
// decides: the object's own slab's -> SLAB_ESLABSIZEFREE; none (object
// bytes) -> SLAB_EBADPTR.
void op_cacheless_other_size(int i, Reader &r)
{
    model::Cache &m = g_cache[i];
    if (m.slab_size == SLAB_DEFAULT_SLAB_SIZE) {
        return;
    }
    uintptr_t q = (r.u8() & 1u) != 0 ? pick_live(m, r) : pick_address(m, r);
    if (q == 0) {
        return;
    }
    if (m.slab_size < SLAB_DEFAULT_SLAB_SIZE) {
        free_any(i, q, true);
        return;
    }
    uintptr_t block = q & ~(uintptr_t)(SLAB_DEFAULT_SLAB_SIZE - 1);
    slab_status st = slab_free(reinterpret_cast<void *>(q));
    CHECK(st == (block == m.base_of(q) ? SLAB_ESLABSIZEFREE : SLAB_EBADPTR));
    count_misuse(st);
    if (m.slabs.count(m.base_of(q)) != 0) {
        verify_slab(m, m.base_of(q));
    }
    verify_all();
}

// slab_cache_free() with another cache, of any address of a cache's slabs.
void op_wrong_cache(int i, Reader &r)
{
    model::Cache &m = g_cache[i];
    uintptr_t p = (r.u8() & 3u) != 0 ? pick_live(m, r) : pick_address(m, r);
    int j = pick(r);
    if (p == 0 || j < 0 || j == i) {
        return;
    }
    model::Cache &o = g_cache[j];
    size_t sm = m.slab_size, so = o.slab_size;
    slab_status st = slab_cache_free(o.handle, reinterpret_cast<void *>(p));
    if (so < sm) {
        CHECK(st == SLAB_EBADPTR); // o's masks all land inside p's slab: no header of o's size there
    } else {
        // Same size, or a larger one: the walk from the smallest size finds
        // p's own header first, and never reads outside p's slab.
        CHECK(st == SLAB_EWRONGCACHE);
    }
    expect_report(o, st, p);
    count_misuse(st);
    verify_slab(m, m.base_of(p));
    verify_all();
}

// A pointer into memory libslab never saw.
void op_foreign(Reader &r)
{
    uintptr_t q = reinterpret_cast<uintptr_t>(g_foreign) + r.u16() % kForeignSize;
    int i = pick(r);
    if (i >= 0 && (r.u8() & 1u) != 0) {
        expect_report(g_cache[i], SLAB_EBADPTR, q);
        CHECK(slab_cache_free(g_cache[i].handle, reinterpret_cast<void *>(q)) == SLAB_EBADPTR);
    } else {
        CHECK(slab_free(reinterpret_cast<void *>(q)) == SLAB_EBADPTR);
    }
    count_misuse(SLAB_EBADPTR);
    verify_all();
}

void op_destroy(int i)
{
    model::Cache &m = g_cache[i];
    if (!m.live.empty()) {
        CHECK(slab_cache_destroy(m.handle) == SLAB_EBUSY);
        verify_all();
        return;
    }
    CHECK(slab_cache_destroy(m.handle) == SLAB_OK);
    g_present[i] = false;
    verify_all(); // the provider's live pages dropped by every slab it held
}

void op_misc(int i, Reader &r)
{
    model::Cache &m = g_cache[i];
    slab_status st = SLAB_ECORRUPT;
    switch (r.u8() % 5) {
    case 0:
        CHECK(slab_cache_reset_peak(m.handle) == SLAB_OK);
        m.peak = (uint32_t)m.live.size();
        m.slabs_peak = m.held();
        break;
    case 1:
        m.handler = !m.handler;
        CHECK(slab_cache_set_error_handler(m.handle, m.handler ? on_report : nullptr, m.handle) == SLAB_OK);
        break;
    case 2:
        fuzzpages::fail_next_alloc();
        break;
    case 3:
        fuzzpages::dup_next_alloc();
        break;
    default: // NULL arguments: refused, nothing reported
        CHECK(slab_free(nullptr) == SLAB_EINVAL);
        CHECK(slab_cache_free(m.handle, nullptr) == SLAB_EINVAL);
        CHECK(slab_cache_free(nullptr, g_foreign) == SLAB_EINVAL);
        CHECK(slab_alloc_status(nullptr, &st) == nullptr && st == SLAB_EINVAL);
        CHECK(slab_cache_destroy(nullptr) == SLAB_EINVAL);
        g_n.null_calls += 5;
        g_n.misuse += 5;
        break;
    }
    verify_all();
}

// A write into a free slot of a held slab (freed, or never handed out), at
// any offset, of any bytes: input bytes, or a pointer-sized value a forger
// would try (a live slot, the slot itself, its neighbour, the slab's header,
// the control block, a foreign address). The allocator reads nothing there:
// no effect, but in checked mode on a freed slot the poison is broken (the
// next alloc of it reports SLAB_EPOISON; validate says SLAB_ECORRUPT until
// then).
void op_write_after_free(int i, Reader &r)
{
    model::Cache &m = g_cache[i];
    uint8_t how = r.u8();
    uintptr_t q = pick_slot(m, r, (how & 1u) != 0 ? model::kFresh : model::kFree);
    if (q == 0) {
        return;
    }
    size_t off = r.u16() % m.stride;
    unsigned char bytes[16];
    size_t n;
    if ((how & 6u) == 0) { // input bytes
        n = 1 + r.u8() % sizeof bytes;
        for (size_t k = 0; k < n; k++) {
            bytes[k] = r.u8();
        }
    } else {
        uintptr_t live = pick_live(m, r);
        uintptr_t vals[] = {q, live, q + m.stride, q - m.stride, m.base_of(q), reinterpret_cast<uintptr_t>(m.handle),
                            reinterpret_cast<uintptr_t>(g_foreign), m.floor(m.base_of(q)), (uintptr_t)r.u64()};
        uintptr_t v = vals[r.u8() % (sizeof vals / sizeof vals[0])];
        n = sizeof v;
        std::memcpy(bytes, &v, n);
        off &= ~(sizeof(void *) - 1u); // where a link would be
    }
    if (n > m.stride - off) {
        n = m.stride - off;
    }
    unsigned char *b = reinterpret_cast<unsigned char *>(q);
    if (m.state(q) == model::kFree) {
        if (model::kChecked) {
            std::vector<uint8_t> &sh = m.shadow(q);
            CHECK(std::memcmp(b, sh.data(), m.stride) == 0); // poison plus what was written before
            std::memcpy(sh.data() + off, bytes, n);
        }
        g_n.waf_freed++;
    } else {
        g_n.waf_fresh++;
    }
    std::memcpy(b + off, bytes, n);
    g_n.misuse++;
    verify_slab(m, m.base_of(q));
    verify_all();
}

// A write past the end of a live object, into its slot's last bytes (the
// red zone in checked mode): its free reports SLAB_EREDZONE and still frees
// it if the red zone no longer holds 0xFE only; no effect otherwise.
void op_overrun(int i, Reader &r)
{
    model::Cache &m = g_cache[i];
    uintptr_t p = pick_live(m, r);
    if (p == 0 || m.stride == m.obj_size) {
        return;
    }
    size_t off = m.obj_size + r.u16() % (m.stride - m.obj_size);
    unsigned char v = r.u8();
    if (model::kChecked) {
        std::vector<uint8_t> &sh = m.shadow(p);
        sh[off] = v;
        m.live.at(p).overrun = !all_are(sh.data() + m.obj_size, m.stride - m.obj_size, model::kRedzoneByte);
    }
    reinterpret_cast<unsigned char *>(p)[off] = v;
    g_n.overruns++;
    g_n.misuse++;
    verify_slab(m, m.base_of(p));
    verify_all();
}

// ------------------------------------------------------------ driver

void run(Reader &r)
{
    while (r.more()) {
        uint8_t op = r.u8();
        if (op % 16 == 0) {
            op_create(r);
            continue;
        }
        if (op % 16 == 1) {
            op_foreign(r);
            continue;
        }
        int i = pick(r);
        if (i < 0) {
            continue;
        }
        bool cacheless = (op & 0x80u) != 0;
        switch (op % 16) {
        case 2: case 3: case 4: case 5: op_alloc(i); break;
        case 6: case 7: case 8: {
            uintptr_t p = pick_live(g_cache[i], r);
            if (p != 0) {
                free_live(i, p, cacheless);
            }
            break;
        }
        case 9: op_cacheless_other_size(i, r); break;
        case 10: op_wrong_cache(i, r); break;
        case 11: op_destroy(i); break;
        case 12: op_misc(i, r); break;
        case 13: op_misuse_free(i, r, op, cacheless); break;
        case 14: op_write_after_free(i, r); break;
        default: (op & 0x40u) != 0 ? op_write_after_free(i, r) : op_overrun(i, r); break;
        }
    }
}

// Frees what is left (through the model, so every free is checked too) and
// destroys every cache: every page must be back with the provider.
void teardown()
{
    for (int i = 0; i < kCaches; i++) {
        while (g_present[i] && !g_cache[i].live.empty()) {
            free_live(i, g_cache[i].live.begin()->first, false);
        }
        if (g_present[i]) {
            op_destroy(i);
        }
    }
    CHECK(fuzzpages::live() == 0);
}

uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    g_foreign = static_cast<unsigned char *>(std::aligned_alloc(kForeignSize, kForeignSize));
    std::memset(g_foreign, 0xA5, kForeignSize);
    std::random_device rd;
    g_seed = (uint64_t)rd() << 32 | rd();
    std::atexit(print_totals);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_n.inputs++;
    slab_secret = (uintptr_t)splitmix64(g_seed + g_n.inputs); // no cache lives between inputs
    fuzzpages::clear_fault();
    g_reports.clear();
    g_expected.clear();
    Reader r{data, size, 0};
    run(r);
    fuzzpages::clear_fault();
    teardown();
    return 0;
}
