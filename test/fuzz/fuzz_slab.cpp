// libFuzzer target (issue 4): the input is a sequence of operations on up to
// four caches of random geometries; after every operation the library is
// compared with the reference model (model.hpp): status codes, the object
// handed out (a free slot of a slab the model knows, never one still live),
// the report hook's calls, every counter of slab_cache_stats, the provider's
// live pages, and slab_cache_validate(). Any difference aborts: that is a
// divergence, and libFuzzer saves the input.
//
// Operations on bad pointers that are undefined without checked mode
// (interior, header, double free, writes after free, overruns) are only
// generated when the library is built with SLAB_CHECKS=1; foreign pointers and
// wrong-cache frees are defined in both builds. Reads through a wrong mask
// never leave memory the target owns: slab_free() only sees objects of slabs
// of at least SLAB_DEFAULT_SLAB_SIZE, a wrong cache only one whose slabs are
// no larger than the object's, and foreign pointers lie in a 64 KiB block
// aligned to 64 KiB. Bytes the target writes into the library's memory are
// fixed values (never input bytes), so an input cannot forge a slab header.
//
// At exit the target prints the inputs and operations it checked.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fuzz_pages.hpp"
#include "model.hpp"

namespace {

constexpr int kCaches = 4;
constexpr size_t kForeignSize = 65536;
constexpr unsigned char kWriteByte = 0x5A;                 // after-free and overrun writes
constexpr uintptr_t kBadLink = (uintptr_t)0x5A5A5A5A5A5A5A5Bull; // odd: never a slot

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
uint64_t g_ops, g_inputs, g_divergences;
uint32_t g_next_id;

void print_totals()
{
    std::printf("fuzz_slab: %llu inputs, %llu operations checked against the model, %llu divergences (%s mode)\n",
                (unsigned long long)g_inputs, (unsigned long long)g_ops, (unsigned long long)g_divergences,
                model::kChecked ? "checked" : "normal");
}

[[noreturn]] void diverge(int line, const char *what)
{
    g_divergences++;
    std::fprintf(stderr, "fuzz_slab: DIVERGENCE at line %d, operation %llu: %s\n", line, (unsigned long long)g_ops,
                 what);
    std::abort();
}
#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            diverge(__LINE__, #cond);                                                                                  \
        }                                                                                                              \
    } while (0)

void on_report(void *ctx, slab_cache *c, slab_status st, void *p)
{
    CHECK(ctx == c); // the context given to slab_cache_set_error_handler
    g_reports.push_back(Report{c, st, p});
}

void expect_report(const model::Cache &m, slab_status st, uintptr_t p)
{
    if (m.handler) {
        g_expected.push_back(Report{m.handle, st, reinterpret_cast<void *>(p)});
    }
}

struct Reader {
    const uint8_t *d;
    size_t n, i;
    bool more() const { return i < n; }
    uint8_t u8() { return i < n ? d[i++] : 0; }
    uint16_t u16() { return (uint16_t)(u8() | u8() << 8); }
};

unsigned char pattern(uint32_t id) { return (unsigned char)(id * 167u + 11u); }

// The library agrees with the model on cache i.
void verify_cache(const model::Cache &m)
{
    CHECK(slab_cache_validate(m.handle) == (m.links_broken() ? SLAB_ECORRUPT : SLAB_OK));
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
    g_reports.clear();
    g_expected.clear();
    g_ops++;
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

// A slab m holds (spare included), or 0.
uintptr_t pick_slab(const model::Cache &m, Reader &r)
{
    auto it = m.slabs.begin();
    std::advance(it, r.u8() % m.slabs.size());
    return it->first;
}

// A slot of a slab the cache holds that is not live (freed, or never handed
// out), or 0 when the slab picked has no slot or the slot picked is live.
uintptr_t pick_idle_slot(const model::Cache &m, Reader &r)
{
    uintptr_t base = pick_slab(m, r);
    const model::Slab &sl = m.slabs.at(base);
    if (sl.cap == 0) {
        return 0;
    }
    uintptr_t q = m.slot(base, 1 + r.u16() % sl.cap);
    return m.live.count(q) != 0 ? 0 : q;
}

// Frees through slab_free() when asked and the cache's slabs have the
// default size (the only size it accepts), else through slab_cache_free().
slab_status free_call(const model::Cache &m, uintptr_t p, bool cacheless)
{
    void *q = reinterpret_cast<void *>(p);
    return cacheless && m.slab_size == SLAB_DEFAULT_SLAB_SIZE ? slab_free(q) : slab_cache_free(m.handle, q);
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
    slab_cache *c = nullptr;
    slab_status st = slab_cache_create(&c, size, align, slab_size, flags);
    if (g.status != SLAB_OK || oom) {
        CHECK(st == (oom ? SLAB_ENOMEM : g.status));
        CHECK(c == nullptr);
        CHECK(!oom || !fuzzpages::fail_pending()); // an argument error calls no hook
        verify_all();
        return;
    }
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
    m.slabs[m.master].cap = m.cap_master;
    CHECK(slab_cache_set_error_handler(c, on_report, c) == SLAB_OK);
    g_present[i] = true;
    verify_all();
}

void op_alloc(int i)
{
    model::Cache &m = g_cache[i];
    bool need_page = m.free_in_service() == 0;
    bool expect_null = need_page && m.spare == 0 && fuzzpages::fail_pending();
    slab_status st = SLAB_ECORRUPT;
    void *vp = slab_alloc_status(m.handle, &st);
    uintptr_t p = reinterpret_cast<uintptr_t>(vp);
    if (expect_null) {
        CHECK(vp == nullptr && st == SLAB_ENOMEM);
        CHECK(!fuzzpages::fail_pending());
        m.failures++;
        verify_all();
        return;
    }
    CHECK(vp != nullptr && st == SLAB_OK);
    uintptr_t base = m.base_of(p);
    if (need_page && m.spare != 0) {
        CHECK(base == m.spare); // the spare goes back into service first
        m.spare = 0;
    } else if (need_page) {
        CHECK(m.slabs.count(base) == 0); // a new page from the hook
        CHECK(fuzzpages::live_size(base) == m.slab_size);
        m.slabs[base].cap = m.cap_slave;
        m.taken++;
        m.note_slabs();
    } else {
        CHECK(m.slabs.count(base) == 1 && base != m.spare); // a slab in service with room
    }
    model::Slab &sl = m.slabs[base];
    CHECK(sl.used < sl.cap);
    CHECK(m.slot_number(p) != 0); // a slot start of that slab
    CHECK(p % m.align == 0);
    CHECK(m.live.count(p) == 0); // never handed out twice
    sl.used++;
    sl.handed.insert(p);
    uint32_t id = g_next_id++;
    m.live[p] = model::Obj{id, false};
    if (m.live.size() > m.peak) {
        m.peak = (uint32_t)m.live.size();
    }
    if (m.take_taint(p)) {
        expect_report(m, SLAB_EPOISON, p);
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
    for (size_t k = 0; k < m.obj_size; k++) {
        CHECK(b[k] == pattern(o.id)); // no other object overlapped it
    }
    slab_status expected = o.overrun ? SLAB_EREDZONE : SLAB_OK;
    if (o.overrun) {
        expect_report(m, SLAB_EREDZONE, p);
    }
    m.live.erase(p);
    uintptr_t base = m.base_of(p);
    model::Slab &sl = m.slabs.at(base);
    sl.used--;
    if (sl.used == 0 && base != m.master) {
        if (m.spare == 0) {
            m.spare = base;
        } else {
            m.drop_slab(base);
        }
    }
    CHECK(free_call(m, p, cacheless) == expected);
    verify_all();
}

// slab_free() of an object of a cache whose slabs are larger than the
// default: refused, nothing changes.
void op_cacheless_wrong_size(int i, Reader &r)
{
    model::Cache &m = g_cache[i];
    uintptr_t p = pick_live(m, r);
    if (p == 0 || m.slab_size <= SLAB_DEFAULT_SLAB_SIZE) {
        return;
    }
    slab_status expected = p - m.base_of(p) < SLAB_DEFAULT_SLAB_SIZE ? SLAB_ESLABSIZEFREE : SLAB_EBADPTR;
    CHECK(slab_free(reinterpret_cast<void *>(p)) == expected);
    verify_all();
}

// slab_cache_free() with another cache whose slabs are no larger.
void op_wrong_cache(int i, Reader &r)
{
    model::Cache &m = g_cache[i];
    uintptr_t p = pick_live(m, r);
    int j = pick(r);
    if (p == 0 || j < 0 || j == i || g_cache[j].slab_size > m.slab_size) {
        return;
    }
    model::Cache &o = g_cache[j];
    slab_status expected = o.slab_size == m.slab_size ? SLAB_EWRONGCACHE : SLAB_EBADPTR;
    expect_report(o, expected, p);
    CHECK(slab_cache_free(o.handle, reinterpret_cast<void *>(p)) == expected);
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
    switch (r.u8() % 4) {
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
    default: // NULL arguments: refused, nothing reported
        CHECK(slab_free(nullptr) == SLAB_EINVAL);
        CHECK(slab_cache_free(m.handle, nullptr) == SLAB_EINVAL);
        CHECK(slab_cache_free(nullptr, g_foreign) == SLAB_EINVAL);
        CHECK(slab_alloc_status(nullptr, &st) == nullptr && st == SLAB_EINVAL);
        CHECK(slab_cache_destroy(nullptr) == SLAB_EINVAL);
        break;
    }
    verify_all();
}

// ------------------------------------------------ checked mode only

// Interior pointer of a live object, or a pointer below a slab's lowest slot
// (header, control block, bitmap, padding): SLAB_ENOTSLOT, nothing changes.
void op_not_a_slot(int i, Reader &r, bool cacheless)
{
    model::Cache &m = g_cache[i];
    uintptr_t q;
    if ((r.u8() & 1u) != 0) {
        uintptr_t p = pick_live(m, r);
        if (p == 0) {
            return;
        }
        q = p + 1 + r.u16() % (m.stride - 1);
    } else {
        uintptr_t base = pick_slab(m, r);
        q = base + r.u16() % (m.slab_size - m.slabs.at(base).cap * m.stride);
    }
    expect_report(m, SLAB_ENOTSLOT, q);
    CHECK(free_call(m, q, cacheless) == SLAB_ENOTSLOT);
    verify_all();
}

// A slot of a slab the cache holds that is not live: freed already, or never
// handed out. SLAB_EDOUBLEFREE, nothing changes.
void op_double_free(int i, Reader &r, bool cacheless)
{
    model::Cache &m = g_cache[i];
    uintptr_t q = pick_idle_slot(m, r);
    if (q == 0) {
        return;
    }
    expect_report(m, SLAB_EDOUBLEFREE, q);
    CHECK(free_call(m, q, cacheless) == SLAB_EDOUBLEFREE);
    verify_all();
}

// A write into a free slot that was handed out before (on a free list): the
// alloc that hands it out again reports SLAB_EPOISON and still succeeds. A
// write over the link word also breaks the free list, which checked mode
// rebuilds.
void op_write_after_free(int i, Reader &r)
{
    model::Cache &m = g_cache[i];
    uintptr_t q = pick_idle_slot(m, r);
    if (q == 0 || m.slabs.at(m.base_of(q)).handed.count(q) == 0) {
        return; // not on a free list: never handed out
    }
    if ((r.u8() & 1u) != 0 || m.stride <= sizeof(void *)) {
        std::memcpy(reinterpret_cast<void *>(q), &kBadLink, sizeof kBadLink);
        m.tainted[q] |= model::Cache::kLinkBroken;
    } else {
        size_t off = sizeof(void *) + r.u16() % (m.stride - sizeof(void *));
        unsigned char *b = reinterpret_cast<unsigned char *>(q) + off;
        if (off < 2 * sizeof(void *)) {
            // The link's check copy (src/checked.cpp) holds ~link: a byte of
            // it set to the link's own byte never matches, however often written.
            *b = reinterpret_cast<unsigned char *>(q)[off - sizeof(void *)];
            m.tainted[q] |= model::Cache::kLinkBroken;
        } else {
            *b = kWriteByte; // poison
            m.tainted[q] |= model::Cache::kBytesWritten;
        }
    }
    verify_all(); // a broken link: validate says SLAB_ECORRUPT until an alloc repairs it
}

// A write past the end of a live object, into its red zone: its free reports
// SLAB_EREDZONE and still frees it.
void op_overrun(int i, Reader &r)
{
    model::Cache &m = g_cache[i];
    uintptr_t p = pick_live(m, r);
    if (p == 0 || m.stride == m.obj_size) {
        return;
    }
    reinterpret_cast<unsigned char *>(p)[m.obj_size + r.u16() % (m.stride - m.obj_size)] = kWriteByte;
    m.live.at(p).overrun = true;
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
        case 9: op_cacheless_wrong_size(i, r); break;
        case 10: op_wrong_cache(i, r); break;
        case 11: op_destroy(i); break;
        case 12: op_misc(i, r); break;
        default: // 13..15: misuse only checked mode defines; plain allocs otherwise
            if (!model::kChecked) {
                op_alloc(i);
            } else if (op % 16 == 13) {
                (op & 0x40u) != 0 ? op_not_a_slot(i, r, cacheless) : op_double_free(i, r, cacheless);
            } else if (op % 16 == 14) {
                op_write_after_free(i, r);
            } else {
                op_overrun(i, r);
            }
            break;
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

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    g_foreign = static_cast<unsigned char *>(std::aligned_alloc(kForeignSize, kForeignSize));
    std::memset(g_foreign, 0xA5, kForeignSize);
    std::atexit(print_totals);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_inputs++;
    fuzzpages::clear_fault();
    g_reports.clear();
    g_expected.clear();
    Reader r{data, size, 0};
    run(r);
    fuzzpages::clear_fault();
    teardown();
    return 0;
}
