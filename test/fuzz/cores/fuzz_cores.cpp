// libFuzzer target for the heap's per-core magazines (slab_heap_use_cores,
// docs/heap.md "Several cores"): every input is a program of operations on
// one heap by three simulated cores (a byte picks the calling core: the
// slot slab_core_ops::enter returns), checked against a model after each
// operation. The model knows, from the documentation alone, what each
// core's magazine of each class holds (a stack of at most mag_cap(class) blocks; a
// free pushes, and a full one gives its older half back first; an alloc
// pops, and an empty one takes its block and half its capacity more from the class,
// which the model cannot name), so it checks:
//   - an alloc from a magazine the model knows returns exactly its top;
//   - every block is distinct from every live one, keeps its bytes, and has
//     the usable size of its class;
//   - a second free of a block the model knows is parked, from any core,
//     is SLAB_EDOUBLEFREE; an interior pointer of a live small block is
//     SLAB_ENOTSLOT; a foreign pointer SLAB_EBADPTR; each reported once,
//     with slab_heap_stats() unchanged;
//   - slab_heap_stats(): blocks, bytes, allocs and frees exact after every
//     operation; slab_heap_validate() SLAB_OK;
//   - at the end, every core flushed and the heap destroyed: no page left.
// make fuzz-cores (mk/heap-fuzz.mk) builds it twice (normal, SLAB_CHECKS),
// as the other targets; with SLAB_CHECKS no block is parked (the model's
// magazines stay empty).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "../fuzz_check.hpp"
#include "../fuzz_reader.hpp"
#include "heap_magazines.hpp"
#include "slab/heap.h"
#include "slab/hooks.h"
#include "test_pages.h"

namespace {

constexpr int kCores = 3;
constexpr bool kKeeps = !SLAB_CHECKS;


void *g_slots[kCores];
int g_core;
void **core_slot(void *, unsigned long *) { return &g_slots[g_core]; }
const slab_core_ops kCoresOps = {core_slot, nullptr, nullptr, 0u};

struct Live {
    size_t cls;
    size_t usable;
    uint8_t tag;
};

// One entry of a model magazine: a block the model names, or one of the
// blocks a refill took, which it cannot name (0).
using Mag = std::vector<uintptr_t>;

struct Model {
    slab_heap *h = nullptr;
    std::map<uintptr_t, Live> live;
    std::map<uintptr_t, size_t> parked; // named blocks in a magazine: their class
    Mag mag[kCores][64];
    size_t allocs = 0, frees = 0, bytes = 0;
    int reports = 0, expected = 0;
    slab_status last = SLAB_OK;
};
Model g;
// No heap's memory, in whole D-blocks: a free reads the header at its pointer's D-block.
alignas(SLAB_DEFAULT_SLAB_SIZE) unsigned char g_foreign[2 * SLAB_DEFAULT_SLAB_SIZE];
uint64_t g_ops, g_misuse, g_inputs, g_hits;

void on_report(void *, slab_heap *, slab_status st, void *) { g.reports++, g.last = st; }

// A magazine's capacity (test/support/heap_magazines.hpp).
uint32_t mag_cap(size_t cls) { return heap_mag_cap(slab_heap_class_size(cls)); }

size_t class_of(size_t size)
{
    size_t want = size == 0 ? 1 : size;
    for (size_t i = 0; i < slab_heap_class_count(); i++) {
        if (slab_heap_class_size(i) >= want) {
            return i;
        }
    }
    return ~size_t(0);
}

void fill(uintptr_t p, size_t n, uint8_t tag)
{
    for (size_t i = 0; i < n; i += 7) {
        reinterpret_cast<uint8_t *>(p)[i] = static_cast<uint8_t>(tag + i);
    }
}
bool holds(uintptr_t p, size_t n, uint8_t tag)
{
    for (size_t i = 0; i < n; i += 7) {
        if (reinterpret_cast<uint8_t *>(p)[i] != static_cast<uint8_t>(tag + i)) {
            return false;
        }
    }
    return true;
}

void check_stats()
{
    slab_heap_usage u{};
    CHECK(slab_heap_stats(g.h, &u) == SLAB_OK);
    CHECK(u.blocks_in_use == g.live.size());
    CHECK(u.bytes_in_use == g.bytes);
    CHECK(u.allocs == g.allocs);
    CHECK(u.frees == g.frees);
    CHECK(u.bytes_peak >= u.bytes_in_use);
    CHECK(slab_heap_validate(g.h) == SLAB_OK);
    CHECK(g.reports == g.expected);
}

// The model's side of a free of live block p (class cls) by the calling core.
void model_free(uintptr_t p, size_t cls)
{
    if (!kKeeps) {
        return;
    }
    Mag &m = g.mag[g_core][cls];
    uint32_t half = mag_cap(cls) / 2u;
    if (m.size() == mag_cap(cls)) { // the older half back to the class
        for (uint32_t j = 0; j < half; j++) {
            g.parked.erase(m[j]);
        }
        m.erase(m.begin(), m.begin() + half);
    }
    m.push_back(p);
    g.parked[p] = cls;
}

void op_alloc(fuzzio::Reader &r)
{
    size_t size = r.u16() % (slab_heap_max_small() + 64); // mostly small, a few large
    size_t cls = class_of(size);
    uintptr_t p = reinterpret_cast<uintptr_t>(slab_heap_alloc(g.h, size));
    CHECK(p != 0);
    CHECK(g.live.count(p) == 0);
    size_t usable = slab_heap_usable_size(reinterpret_cast<void *>(p));
    if (cls != ~size_t(0)) {
        CHECK(usable == slab_heap_class_size(cls));
        Mag &m = g.mag[g_core][cls];
        if (kKeeps && !m.empty()) {
            uintptr_t top = m.back();
            m.pop_back();
            CHECK(top == 0 || top == p); // last freed, first handed out
            g_hits += top != 0;
            g.parked.erase(p);
        } else if (kKeeps) {
            m.assign(mag_cap(cls) / 2u, 0); // the refill: blocks the model cannot name
        }
    } else {
        CHECK(usable >= size);
    }
    CHECK(g.parked.count(p) == 0);
    uint8_t tag = r.u8();
    fill(p, usable, tag);
    g.live[p] = Live{cls, usable, tag};
    g.allocs++;
    g.bytes += usable;
}

uintptr_t pick(fuzzio::Reader &r, const std::map<uintptr_t, Live> &m)
{
    if (m.empty()) {
        return 0;
    }
    auto it = m.begin();
    std::advance(it, r.u16() % m.size());
    return it->first;
}

void op_free(fuzzio::Reader &r)
{
    uintptr_t p = pick(r, g.live);
    if (p == 0) {
        return;
    }
    Live b = g.live[p];
    CHECK(holds(p, b.usable, b.tag));
    CHECK((r.u8() & 1 ? slab_heap_free(reinterpret_cast<void *>(p))
                      : slab_heap_free_in(g.h, reinterpret_cast<void *>(p))) == SLAB_OK);
    g.live.erase(p);
    g.frees++;
    g.bytes -= b.usable;
    if (b.cls != ~size_t(0)) {
        model_free(p, b.cls);
    }
}

// A refused call: one report of `want`, nothing else changed.
void refused(slab_status got, slab_status want)
{
    g_misuse++;
    CHECK(got == want);
    g.expected++;
    CHECK(g.last == want);
}

void op_misuse(fuzzio::Reader &r)
{
    switch (r.u8() % 4) {
    case 0: { // a block parked in some core's magazine, freed again
        if (g.parked.empty()) {
            return;
        }
        auto it = g.parked.begin();
        std::advance(it, r.u16() % g.parked.size());
        void *p = reinterpret_cast<void *>(it->first);
        CHECK(slab_heap_usable_size(p) == 0);
        refused(slab_heap_free(p), SLAB_EDOUBLEFREE);
        return;
    }
    case 1: { // inside a live small block
        uintptr_t p = pick(r, g.live);
        if (p == 0 || g.live[p].cls == ~size_t(0)) {
            return;
        }
        size_t off = 1 + r.u8() % (g.live[p].usable - 1);
        refused(slab_heap_free(reinterpret_cast<void *>(p + off)), SLAB_ENOTSLOT);
        return;
    }
    case 2: // memory that is no heap's: refused with no heap to report to
        g_misuse++;
        CHECK(slab_heap_free_in(g.h, g_foreign + SLAB_DEFAULT_SLAB_SIZE + 64 + 16 * (r.u8() % 64)) == SLAB_EBADPTR);
        g.expected++;
        return;
    default: { // realloc of a parked block
        if (g.parked.empty()) {
            return;
        }
        auto it = g.parked.begin();
        std::advance(it, r.u16() % g.parked.size());
        g_misuse++;
        CHECK(slab_heap_realloc(g.h, reinterpret_cast<void *>(it->first), 8) == nullptr);
        g.expected++;
        CHECK(g.last == SLAB_EDOUBLEFREE);
        return;
    }
    }
}

void flush_core()
{
    CHECK(slab_heap_flush_core(g.h) == SLAB_OK);
    CHECK(g_slots[g_core] == nullptr);
    for (auto &m : g.mag[g_core]) {
        for (uintptr_t p : m) {
            g.parked.erase(p);
        }
        m.clear();
    }
}

void run(fuzzio::Reader &r)
{
    g = Model();
    for (auto &s : g_slots) {
        s = nullptr;
    }
    g_core = 0;
    CHECK(slab_heap_create(&g.h, SLAB_LOCK_SPIN) == SLAB_OK);
    CHECK(slab_heap_set_error_handler(g.h, on_report, nullptr) == SLAB_OK);
    CHECK(slab_heap_use_cores(g.h, &kCoresOps) == SLAB_OK);
    while (r.more()) {
        g_ops++;
        switch (r.u8() % 8) {
        case 0:
            g_core = r.u8() % kCores;
            break;
        case 1:
        case 2:
        case 3:
            op_alloc(r);
            break;
        case 4:
        case 5:
            op_free(r);
            break;
        case 6:
            op_misuse(r);
            break;
        default:
            if (r.u8() % 4 == 0) {
                CHECK(slab_heap_trim(g.h) == SLAB_OK); // the caller's magazines first
                flush_core();
            } else {
                flush_core();
            }
            break;
        }
        check_stats();
    }
    for (auto &kv : g.live) {
        CHECK(holds(kv.first, kv.second.usable, kv.second.tag));
        CHECK(slab_heap_free(reinterpret_cast<void *>(kv.first)) == SLAB_OK);
    }
    for (g_core = 0; g_core < kCores; g_core++) {
        if (r.i % 2 == 0) {
            flush_core(); // (else destroy gives them back)
        }
    }
    CHECK(slab_heap_destroy(g.h) == SLAB_OK);
    CHECK(test_pages_stats().live == 0);
    CHECK(test_pages_check_quarantine() == 0);
}

}  // namespace

[[noreturn]] void fuzz_diverge(int line, const char *what)
{
    std::fprintf(stderr, "fuzz_cores: DIVERGENCE at line %d: %s\n", line, what);
    std::abort();
}

DEFINE_SLAB_HOOKS(test_pages_alloc, test_pages_free);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const bool configured = [] {
        tp_config c = test_pages_config();
        c.quarantine = 1; // pages given back stay readable: a stale read finds poison
        c.poison = 1;
        c.quarantine_cap = size_t(8) << 20;
        test_pages_configure(&c);
        std::atexit([] {
            std::printf("fuzz_cores: %llu inputs, %llu operations checked against the model, %llu misuse, "
                        "%llu allocs from a magazine the model named%s\n",
                        (unsigned long long)g_inputs, (unsigned long long)g_ops, (unsigned long long)g_misuse,
                        (unsigned long long)g_hits, SLAB_CHECKS ? " (checked mode: nothing parked)" : "");
        });
        return true;
    }();
    (void)configured;
    g_inputs++;
    slab_secret = static_cast<uintptr_t>(0x9E3779B97F4A7C15ULL * (g_inputs + 1));
    fuzzio::Reader r{data, size, 0};
    run(r);
    return 0;
}
