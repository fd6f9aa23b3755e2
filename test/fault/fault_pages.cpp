// Fault-injecting page provider (see fault_pages.hpp).
#include "fault_pages.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>

#include "slab/hooks.h"

namespace fault {

namespace {

struct Page {
    size_t size;
    void *block;   // what aligned_alloc returned (differs for a misaligned page)
    bool aligned;  // counted as a page given out
};

struct State {
    Plan plan;
    uint64_t allocs = 0;
    uint64_t frees = 0;
    uint64_t faults = 0;
    uint64_t given_out = 0;
    uint64_t taken_back = 0;
    std::map<uintptr_t, Page> live; // by the address handed out
};

State &state()
{
    static State s;
    return s;
}

// Whether call number n of the hook the plan's kind applies to faults.
bool hits(const Plan &p, uint64_t n) { return p.kind != Kind::kNone && (n == p.at || (p.from_on && n > p.at)); }

// A breach of the hook contract by the library ends the test binary: no
// later result could be trusted.
[[noreturn]] void breach(const char *what, const void *page, size_t size, size_t align)
{
    std::fprintf(stderr, "fault_pages: contract breach: %s (page %p size %zu align %zu)\n", what, page, size, align);
    std::abort();
}

void *fault_page_alloc(size_t size, size_t align)
{
    State &s = state();
    uint64_t n = ++s.allocs;
    if (size != align || size == 0 || (size & (size - 1)) != 0) {
        breach("alloc with align != size or not a power of two", nullptr, size, align);
    }
    bool fault = hits(s.plan, n) && (s.plan.kind == Kind::kNull || s.plan.kind == Kind::kMisalign);
    if (fault) {
        s.faults++;
        if (s.plan.kind == Kind::kNull) {
            return nullptr;
        }
    }
    bool misalign = fault; // only kMisalign reaches here with fault set
    void *block = std::aligned_alloc(align, misalign ? 2 * size : size);
    if (block == nullptr) {
        breach("host out of memory", nullptr, size, align);
    }
    void *page = misalign ? static_cast<char *>(block) + size / 2 : block;
    s.live[reinterpret_cast<uintptr_t>(page)] = Page{size, block, !misalign};
    if (!misalign) {
        s.given_out++;
    }
    return page;
}

int fault_page_free(void *page, size_t size, size_t align)
{
    State &s = state();
    uint64_t n = ++s.frees;
    auto it = s.live.find(reinterpret_cast<uintptr_t>(page));
    if (it == s.live.end() || it->second.size != size || align != size) {
        breach("free of a page not handed out, or with another size", page, size, align);
    }
    if (s.plan.kind == Kind::kRefuse && hits(s.plan, n)) {
        s.faults++;
        return 1;
    }
    if (it->second.aligned) {
        s.taken_back++;
    }
    std::free(it->second.block);
    s.live.erase(it);
    return 0;
}

}  // namespace

void reset(Plan plan)
{
    State &s = state();
    s.plan = plan;
    s.allocs = s.frees = s.faults = 0;
}

void set_plan(Plan plan) { state().plan = plan; }
uint64_t alloc_calls() { return state().allocs; }
uint64_t free_calls() { return state().frees; }
uint64_t faults() { return state().faults; }
long live_pages()
{
    long n = 0;
    for (const auto &kv : state().live) {
        n += kv.second.aligned ? 1 : 0;
    }
    return n;
}
uint64_t pages_given_out() { return state().given_out; }
uint64_t pages_taken_back() { return state().taken_back; }

bool in_live_page(const void *p, size_t size, size_t slab_size)
{
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    uintptr_t base = a & ~(uintptr_t)(slab_size - 1);
    auto it = state().live.find(base);
    return it != state().live.end() && it->second.aligned && it->second.size == slab_size &&
           a + size <= base + slab_size;
}

}  // namespace fault

DEFINE_SLAB_HOOKS(fault::fault_page_alloc, fault::fault_page_free);
