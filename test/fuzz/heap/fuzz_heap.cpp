// libFuzzer target of the heap (issue 12; include/slab/heap.h, docs/heap.md):
// the input is a sequence of operations on up to two heaps and one plain
// slab_cache; after every operation the library is compared with the model
// (fuzz_heap.hpp, heap_model.hpp). Any difference aborts: a divergence, whose
// input libFuzzer saves.
//
// Operations: slab_heap_alloc, aligned_alloc (valid and invalid alignments up
// to SLAB_MAX_SLAB_SIZE), calloc (overflowing n * size too), realloc (NULL,
// to 0, grow, shrink, in place, moved, failing), free, usable_size, stats,
// reset_peak, trim, validate, destroy (busy, refused), create (bad flags,
// faults), with sizes from 0 to 64 D and beyond (large blocks on pages of
// their own, up to requests no page can hold), page-hook faults armed by the
// input for the next call (no page, a live page handed out again, a refused
// give-back), and misuse (heap_misuse.cpp).
//
// The model expects: every block aligned as asked, with the usable size the
// class table or the large-page rule gives (>= the size asked), in a live page
// the hook handed to its heap, overlapping no other block, holding its bytes
// (a pattern of its id, written over its whole usable size) until freed, and
// across realloc its first min(old usable, size) bytes; a NULL exactly when
// the hook gave no page (or a duplicate), or no page can hold the request;
// every counter of slab_heap_stats exact (pages, page bytes and their peak
// against the hook's own count per heap); slab_heap_validate() OK; the
// report hook called exactly as expected; every misuse refused with its
// status and nothing changed; every page back after destroy, and no page
// written after it went back (the quarantine of hfuzz_pages).
//
// At exit the target prints what it checked ("fuzz_heap:" lines).
// Environment: HFUZZ_TRACE prints every operation (to replay a crash).
// HFUZZ_NO_DUP_LIVE_LARGE leaves out duplicates of pages the heap still holds
// (live or retained large pages): they found the heap's duplicate-page bugs
// (test/heap/dup_page_test.cpp), fixed since, and are served by default.
#include "fuzz_heap.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <random>

namespace hfuzz {

HeapM g_heap[kHeaps];
std::map<uintptr_t, Block> g_live;
std::vector<Freed> g_freed;
std::vector<Report> g_reports, g_expected;
unsigned char *g_foreign;
slab_cache *g_plain;
std::vector<void *> g_plain_objs;
uint32_t g_next_id;
Totals g_n;
bool g_trace;

namespace {

uint64_t g_seed;

void print_totals()
{
    const Totals &n = g_n;
    const uint64_t *f = n.refused;
    std::printf("fuzz_heap: %llu inputs, %llu operations checked against the model, %llu misuse operations, "
                "%llu divergences (%s mode)\n",
                (unsigned long long)n.inputs, (unsigned long long)n.ops, (unsigned long long)n.misuse,
                (unsigned long long)n.divergences, SLAB_CHECKS ? "checked" : "normal");
    std::printf("fuzz_heap: allocs %llu (aligned %llu, calloc %llu, calloc overflow %llu, too large %llu, large "
                "%llu), reallocs %llu (in place %llu, moved %llu, no memory %llu, from NULL %llu, to 0 %llu), "
                "frees %llu, trims %llu, destroys %llu (busy %llu), creates %llu\n",
                (unsigned long long)n.allocs, (unsigned long long)n.aligned, (unsigned long long)n.callocs,
                (unsigned long long)n.calloc_overflow, (unsigned long long)n.too_large,
                (unsigned long long)n.large_allocs, (unsigned long long)n.reallocs,
                (unsigned long long)n.realloc_kept, (unsigned long long)n.realloc_moved,
                (unsigned long long)n.realloc_failed, (unsigned long long)n.realloc_null,
                (unsigned long long)n.realloc_zero, (unsigned long long)n.frees, (unsigned long long)n.trims,
                (unsigned long long)n.destroys, (unsigned long long)n.busy, (unsigned long long)n.creates);
    std::printf("fuzz_heap: hook faults: no page %llu, duplicate page %llu, refused give-back %llu "
                "(SLAB_EHOOKFREE %llu)\n",
                (unsigned long long)n.hook_null, (unsigned long long)n.hook_dup, (unsigned long long)n.hook_refused,
                (unsigned long long)n.ehookfree);
    std::printf("fuzz_heap: misuse refused: EDOUBLEFREE %llu (large page kept by the hook %llu, slab still held "
                "%llu), ENOTSLOT %llu, EHEADER %llu, EWRONGCACHE %llu, EBADPTR %llu (stale, page gone back %llu); "
                "through realloc %llu, usable_size %llu; reports %llu\n",
                (unsigned long long)f[SLAB_EDOUBLEFREE], (unsigned long long)n.stale_large_kept,
                (unsigned long long)n.stale_small_held, (unsigned long long)f[SLAB_ENOTSLOT],
                (unsigned long long)f[SLAB_EHEADER], (unsigned long long)f[SLAB_EWRONGCACHE],
                (unsigned long long)f[SLAB_EBADPTR], (unsigned long long)n.stale_gone_page,
                (unsigned long long)n.realloc_misuse, (unsigned long long)n.usable_misuse,
                (unsigned long long)n.reports);
    std::fflush(stdout);
}

uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Byte k of block id's pattern: differs between neighbouring ids and offsets.
inline unsigned char pat(uint32_t id, size_t k) { return (unsigned char)(id * 167u + 11u + k * 13u + (k >> 8)); }

void verify_heap(int i)
{
    const HeapM &m = g_heap[i];
    CHECK(slab_heap_validate(m.h) == SLAB_OK);
    slab_heap_usage u = usage(i);
    CHECK(u.bytes_in_use == m.bytes && u.bytes_peak == m.bytes_peak);
    CHECK(u.blocks_in_use == m.blocks && u.large_blocks == m.large);
    CHECK(u.allocs == m.allocs && u.frees == m.frees);
    CHECK(u.hook_failures == m.failures);
    CHECK(u.pages == hpages::live_pages(i) && u.page_bytes == hpages::live_bytes(i));
    CHECK(u.page_bytes_peak == hpages::peak_bytes(i));
    CHECK(u.classes_live >= (size_t)__builtin_popcountll(m.classes) &&
          u.classes_live <= (size_t)__builtin_popcountll(m.classes | m.maybe));
}

}  // namespace
}  // namespace hfuzz

[[noreturn]] void fuzz_diverge(int line, const char *what)
{
    hfuzz::g_n.divergences++;
    std::fprintf(stderr, "fuzz_heap: DIVERGENCE at line %d, operation %llu: %s\n", line,
                 (unsigned long long)hfuzz::g_n.ops, what);
    hfuzz::print_totals();
    std::abort();
}

namespace hfuzz {

void on_report(void *ctx, slab_heap *heap, slab_status st, void *p)
{
    CHECK(ctx == heap); // the context given to slab_heap_set_error_handler
    g_reports.push_back(Report{heap, st, p});
}

void expect_report(int i, slab_status st, uintptr_t p)
{
    if (i >= 0 && g_heap[i].present && g_heap[i].handler) {
        g_expected.push_back(Report{g_heap[i].h, st, reinterpret_cast<void *>(p)});
    }
}

int heap_of_handle(const slab_heap *h)
{
    for (int i = 0; i < kHeaps; i++) {
        if (g_heap[i].present && g_heap[i].h == h) {
            return i;
        }
    }
    return -1;
}

void begin(int owner)
{
    (void)hpages::take_events();
    hpages::set_owner(owner);
}

hpages::Events end()
{
    hpages::Events e = hpages::take_events();
    hpages::set_owner(hpages::kNoOwner);
    CHECK(e.wrong_owner == 0); // pages moved only for the heap called, and came back to their owner
    g_n.hook_null += e.alloc_null;
    g_n.hook_dup += e.dups_served;
    g_n.hook_refused += e.frees_refused;
    return e;
}

void fill(uintptr_t p, uint32_t id, size_t from, size_t n)
{
    unsigned char *b = reinterpret_cast<unsigned char *>(p);
    for (size_t k = from; k < from + n; k++) {
        b[k] = pat(id, k);
    }
}

bool holds(uintptr_t p, uint32_t id, size_t from, size_t n)
{
    const unsigned char *b = reinterpret_cast<const unsigned char *>(p);
    for (size_t k = from; k < from + n; k++) {
        if (b[k] != pat(id, k)) {
            return false;
        }
    }
    return true;
}

void check_block(uintptr_t p)
{
    const Block &b = g_live.at(p);
    CHECK(holds(p, b.id, 0, b.usable)); // no other block overlapped it, nothing wrote it
    CHECK(slab_heap_usable_size(reinterpret_cast<void *>(p)) == b.usable);
}

slab_heap_usage usage(int i)
{
    slab_heap_usage u{};
    CHECK(slab_heap_stats(g_heap[i].h, &u) == SLAB_OK);
    return u;
}

bool same_usage(const slab_heap_usage &a, const slab_heap_usage &b) { return std::memcmp(&a, &b, sizeof a) == 0; }

size_t class_live(int i, size_t cls)
{
    size_t n = 0;
    for (const auto &kv : g_live) {
        n += kv.second.heap == i && !kv.second.large && kv.second.cls == cls;
    }
    return n;
}

void verify_all()
{
    for (int i = 0; i < kHeaps; i++) {
        if (g_heap[i].present) {
            verify_heap(i);
        }
    }
    CHECK(g_reports == g_expected);
    g_n.reports += g_reports.size();
    g_reports.clear();
    g_expected.clear();
    g_n.ops++;
}

uintptr_t pick_live(Reader &r, int heap)
{
    if (g_live.empty()) {
        return 0;
    }
    auto it = g_live.begin();
    std::advance(it, r.u16() % g_live.size());
    for (size_t n = 0; n < g_live.size(); n++) {
        if (heap < 0 || it->second.heap == heap) {
            return it->first;
        }
        if (++it == g_live.end()) {
            it = g_live.begin();
        }
    }
    return 0;
}

int pick_heap(Reader &r)
{
    int start = r.u8() % kHeaps;
    for (int k = 0; k < kHeaps; k++) {
        int i = (start + k) % kHeaps;
        if (g_heap[i].present) {
            return i;
        }
    }
    return -1;
}

namespace {

// Pages that hold a live large block or a retained one: once taken over by a
// class cache or a large block (fixed heap bugs, test/heap/dup_page_test.cpp).
// Left out of the duplicates only when HFUZZ_NO_DUP_LIVE_LARGE is set.
bool not_large_page(uintptr_t base, size_t)
{
    for (const auto &kv : g_live) {
        if (kv.second.large && kv.second.base == base) {
            return false;
        }
    }
    for (const HeapM &m : g_heap) {
        for (uintptr_t r : m.retained) {
            if (m.present && r == base) {
                return false;
            }
        }
    }
    return true;
}

void run(Reader &r)
{
    while (r.more()) {
        uint8_t op = r.u8();
        if (g_trace) {
            std::fprintf(stderr, "op %llu: %u (kind %u) at byte %zu\n", (unsigned long long)g_n.ops, op, op % 16u,
                         r.i - 1);
        }
        if (op % 16 == 0) {
            op_create(r);
            continue;
        }
        if (op % 16 == 1) {
            op_plain(r);
            continue;
        }
        int i = pick_heap(r);
        if (i < 0) {
            continue;
        }
        switch (op % 16) {
        case 2: case 3: case 4: op_alloc(i, r, op >> 4); break;
        case 5: case 6: op_realloc(i, r); break;
        case 7: case 8: case 9: {
            uintptr_t p = pick_live(r, -1);
            if (p != 0) {
                free_live(p);
            }
            break;
        }
        case 10: case 11: case 12: op_misuse(i, r); break;
        case 13: op_misc(i, r); break;
        case 14: (op & 0x80u) != 0 ? op_destroy(i) : op_trim(i); break;
        default: {
            uintptr_t p = pick_live(r, -1);
            if (p != 0) {
                check_block(p);
            }
            break;
        }
        }
    }
}

// Frees what is left (each free checked), destroys every heap and the plain
// cache: every page must be back, and none written after it went back.
void teardown()
{
    hpages::clear_faults();
    while (!g_live.empty()) {
        free_live(g_live.begin()->first);
    }
    for (int i = 0; i < kHeaps; i++) {
        while (g_heap[i].present) {
            op_destroy(i); // again after a refused page (no fault is armed now)
        }
        CHECK(hpages::live_pages(i) == 0 && hpages::live_bytes(i) == 0);
    }
    begin(kPlainOwner);
    for (void *o : g_plain_objs) {
        CHECK(slab_free(o) == SLAB_OK);
    }
    g_plain_objs.clear();
    CHECK(slab_cache_destroy(g_plain) == SLAB_OK);
    (void)end();
    g_plain = nullptr;
    CHECK(hpages::live_total() == 0);
    CHECK(hpages::release_all());
    g_freed.clear();
}

}  // namespace
}  // namespace hfuzz

using namespace hfuzz;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    g_foreign = static_cast<unsigned char *>(std::aligned_alloc(kForeignSize, kForeignSize));
    std::memset(g_foreign, 0xC3, kForeignSize);
    // Each input's secret is splitmix64(g_seed + its number in the run): a
    // divergence that needs the inputs before it is replayed with the same
    // HFUZZ_SEED (printed here), the same corpus and libFuzzer's -seed.
    const char *seed = std::getenv("HFUZZ_SEED");
    if (seed != nullptr) {
        g_seed = std::strtoull(seed, nullptr, 0);
    } else {
        std::random_device rd;
        g_seed = (uint64_t)rd() << 32 | rd();
    }
    std::fprintf(stderr, "fuzz_heap: HFUZZ_SEED=%llu\n", (unsigned long long)g_seed);
    CHECK(slab_heap_class_count() <= 64); // the model's class masks
    std::atexit(print_totals);
    g_trace = std::getenv("HFUZZ_TRACE") != nullptr;
    if (std::getenv("HFUZZ_NO_DUP_LIVE_LARGE") != nullptr) {
        hpages::set_dup_filter(not_large_page);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_n.inputs++;
    slab_secret = (uintptr_t)splitmix64(g_seed + g_n.inputs); // no heap lives between inputs
    hpages::clear_faults();
    hpages::set_poison((size & 1u) == 0); // pages given back: poisoned, or kept with what the heap left
    g_reports.clear();
    g_expected.clear();
    begin(kPlainOwner);
    CHECK(slab_cache_create(&g_plain, 48, 0, 0, 0) == SLAB_OK);
    (void)end();
    Reader r{data, size, 0};
    run(r);
    teardown();
    return 0;
}
