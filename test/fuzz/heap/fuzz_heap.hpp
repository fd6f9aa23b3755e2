// Shared state of the heap fuzz target (fuzz_heap.cpp, heap_ops.cpp,
// heap_misuse.cpp): the model of every heap, every live block, recently freed
// blocks, and the checks run after each operation.
#ifndef SLAB_TEST_FUZZ_HEAP_FUZZ_HEAP_HPP
#define SLAB_TEST_FUZZ_HEAP_FUZZ_HEAP_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <vector>

#include "../fuzz_check.hpp"
#include "../fuzz_reader.hpp"
#include "heap_model.hpp"
#include "hfuzz_pages.hpp"
#include "slab/heap.h"

namespace hfuzz {

constexpr int kHeaps = 2;
constexpr int kPlainOwner = 2; // the plain slab_cache's pages
constexpr size_t kForeignSize = 65536;
constexpr int kStatuses = 32;

using fuzzio::Reader;

// The model of one heap: its expected counters and what it holds.
struct HeapM {
    slab_heap *h = nullptr;
    bool present = false;
    bool handler = false;
    size_t bytes = 0, bytes_peak = 0, allocs = 0, frees = 0, failures = 0, large = 0, blocks = 0;
    uint64_t classes = 0;         // class caches that must exist
    uint64_t maybe = 0;           // class caches that may exist (a trim or destroy was refused a page)
    std::vector<uintptr_t> retained; // large pages whose give-back the hook refused
};

// A live block: where it is and what it must hold.
struct Block {
    int heap;
    uint32_t id;
    size_t usable;
    bool large;
    size_t cls;      // small: class index
    size_t page;     // large: page size
    uintptr_t base;  // its page's base
    size_t off;      // large: offset of the block in its page
    size_t hdr_off;  // large: offset of its header
    uint64_t serial; // its page's serial (hfuzz_pages)
};

// A block freed: a stale pointer for the double frees.
struct Freed {
    uintptr_t p;
    Block b;
    slab_heap *handle;
};

struct Report {
    slab_heap *heap;
    slab_status status;
    void *ptr;
    bool operator==(const Report &o) const { return heap == o.heap && status == o.status && ptr == o.ptr; }
};

struct Totals {
    uint64_t inputs, ops, misuse, divergences;
    uint64_t allocs, aligned, callocs, calloc_overflow, too_large, large_allocs, reallocs, realloc_kept,
        realloc_moved, realloc_failed, realloc_null, realloc_zero, frees, trims, destroys, busy, creates;
    uint64_t hook_null, hook_dup, hook_refused, ehookfree;
    uint64_t refused[kStatuses];  // misuse frees and reallocs by the status expected
    uint64_t stale_large_kept, stale_small_held, stale_gone_page, realloc_misuse, usable_misuse, reports;
};

extern HeapM g_heap[kHeaps];
extern std::map<uintptr_t, Block> g_live; // every heap's live blocks, by address
extern std::vector<Freed> g_freed;
extern std::vector<Report> g_reports, g_expected;
extern unsigned char *g_foreign;
extern slab_cache *g_plain;
extern std::vector<void *> g_plain_objs;
extern uint32_t g_next_id;
extern Totals g_n;
extern bool g_trace; // HFUZZ_TRACE set: every operation to stderr (replaying a crash)
#define TRACE(...)                                                                                                     \
    do {                                                                                                               \
        if (::hfuzz::g_trace) {                                                                                        \
            std::fprintf(stderr, __VA_ARGS__);                                                                         \
        }                                                                                                              \
    } while (0)

void on_report(void *ctx, slab_heap *heap, slab_status st, void *p);
void expect_report(int i, slab_status st, uintptr_t p);
int heap_of_handle(const slab_heap *h); // the present heap with this handle, or -1

// Calls of one operation on heap `owner`: begin, then end() returns the hook calls made.
void begin(int owner);
hpages::Events end();

void fill(uintptr_t p, uint32_t id, size_t from, size_t n);
bool holds(uintptr_t p, uint32_t id, size_t from, size_t n);
void check_block(uintptr_t p);
void verify_all();
slab_heap_usage usage(int i);
bool same_usage(const slab_heap_usage &a, const slab_heap_usage &b);
size_t class_live(int i, size_t cls);
uintptr_t pick_live(Reader &r, int heap); // heap -1: any; 0 when none
int pick_heap(Reader &r);                 // a present heap, or -1

// heap_ops.cpp
void op_create(Reader &r);
void op_alloc(int i, Reader &r, int kind);
void op_realloc(int i, Reader &r);
void free_live(uintptr_t p);
void op_trim(int i);
void op_destroy(int i);
void op_misc(int i, Reader &r);
void op_plain(Reader &r);
size_t pick_size(Reader &r);

// heap_misuse.cpp
void op_misuse(int i, Reader &r);

}  // namespace hfuzz

#endif  // SLAB_TEST_FUZZ_HEAP_FUZZ_HEAP_HPP
