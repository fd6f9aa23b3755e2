// Fault-injecting page provider (see fault_pages.hpp).
#include "fault_pages.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include <sys/mman.h>

#include "slab/hooks.h"

namespace fault {

namespace {

struct Page {
    size_t size;
    void *block;   // what aligned_alloc returned (differs for a misaligned page); guarded: the page
    bool aligned;  // counted as a page given out
    uint64_t seq;  // order of hand-out (kDuplicate repeats the latest)
    bool guarded;  // block is a mapping of 2 * kGuardedMax bytes (set_guarded)
};

struct State {
    Plan plan;
    uint64_t allocs = 0;
    uint64_t frees = 0;
    uint64_t faults = 0;
    uint64_t duplicates_missed = 0;
    uint64_t seq = 0;
    uint64_t given_out = 0;
    uint64_t taken_back = 0;
    std::map<uintptr_t, Page> live; // by the address handed out
    bool guarded = false;
    void (*prefill)(void *page, size_t size) = nullptr;
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

// A page of `size` at offset kGuardedMax of a fresh mapping of 2 * kGuardedMax
// bytes aligned to that; everything else in the mapping is PROT_NONE.
void *guarded_page(size_t size)
{
    const size_t span = 2 * kGuardedMax;
    void *raw = mmap(nullptr, 2 * span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        breach("mmap failed", nullptr, size, size);
    }
    uintptr_t r = reinterpret_cast<uintptr_t>(raw);
    uintptr_t base = (r + span - 1) & ~(span - 1);
    if (base > r) {
        munmap(raw, base - r);
    }
    if (r + 2 * span > base + span) {
        munmap(reinterpret_cast<void *>(base + span), r + 2 * span - (base + span));
    }
    void *page = reinterpret_cast<void *>(base + kGuardedMax);
    if (mprotect(page, size, PROT_READ | PROT_WRITE) != 0) {
        breach("mprotect failed", page, size, size);
    }
    return page;
}

void *fault_page_alloc(size_t size, size_t align)
{
    State &s = state();
    uint64_t n = ++s.allocs;
    if (size != align || size == 0 || (size & (size - 1)) != 0) {
        breach("alloc with align != size or not a power of two", nullptr, size, align);
    }
    if (hits(s.plan, n) && s.plan.kind == Kind::kDuplicate) {
        const Page *latest = nullptr;
        uintptr_t at = 0;
        for (const auto &kv : s.live) {
            if (kv.second.aligned && kv.second.size == size && (latest == nullptr || kv.second.seq > latest->seq)) {
                latest = &kv.second;
                at = kv.first;
            }
        }
        if (latest != nullptr) {
            s.faults++;
            return reinterpret_cast<void *>(at); // still live: the provider's table is unchanged
        }
        s.duplicates_missed++;
    }
    bool fault = hits(s.plan, n) && (s.plan.kind == Kind::kNull || s.plan.kind == Kind::kMisalign);
    if (fault) {
        s.faults++;
        if (s.plan.kind == Kind::kNull) {
            return nullptr;
        }
    }
    bool misalign = fault; // only kMisalign reaches here with fault set
    if (s.guarded && !misalign && size <= kGuardedMax) {
        void *page = guarded_page(size);
        s.live[reinterpret_cast<uintptr_t>(page)] = Page{size, page, true, ++s.seq, true};
        s.given_out++;
        if (s.prefill != nullptr) {
            s.prefill(page, size);
        }
        return page;
    }
    void *block = std::aligned_alloc(align, misalign ? 2 * size : size);
    if (block == nullptr) {
        breach("host out of memory", nullptr, size, align);
    }
    void *page = misalign ? static_cast<char *>(block) + size / 2 : block;
    s.live[reinterpret_cast<uintptr_t>(page)] = Page{size, block, !misalign, ++s.seq, false};
    if (!misalign) {
        s.given_out++;
        if (s.prefill != nullptr) {
            s.prefill(page, size);
        }
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
    if (it->second.guarded) {
        munmap(reinterpret_cast<void *>(reinterpret_cast<uintptr_t>(page) - kGuardedMax), 2 * kGuardedMax);
    } else {
        std::free(it->second.block);
    }
    s.live.erase(it);
    return 0;
}

}  // namespace

void reset(Plan plan)
{
    State &s = state();
    s.plan = plan;
    s.allocs = s.frees = s.faults = s.duplicates_missed = 0;
}

void set_plan(Plan plan) { state().plan = plan; }
void set_guarded(bool on) { state().guarded = on; }
void set_prefill(void (*fn)(void *page, size_t size)) { state().prefill = fn; }

void *latest_page()
{
    const Page *latest = nullptr;
    uintptr_t at = 0;
    for (const auto &kv : state().live) {
        if (kv.second.aligned && (latest == nullptr || kv.second.seq > latest->seq)) {
            latest = &kv.second;
            at = kv.first;
        }
    }
    return reinterpret_cast<void *>(at);
}

void take_back(void *page)
{
    auto it = state().live.find(reinterpret_cast<uintptr_t>(page));
    if (it == state().live.end()) {
        breach("take_back of a page not live", page, 0, 0);
    }
    // Scrubbed, so that what it held does not outlive it in the host's heap.
    std::memset(page, 0, it->second.size);
    (void)fault_page_free(page, it->second.size, it->second.size);
}
uint64_t alloc_calls() { return state().allocs; }
uint64_t free_calls() { return state().frees; }
uint64_t faults() { return state().faults; }
uint64_t duplicates_missed() { return state().duplicates_missed; }
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

std::vector<LivePage> live_page_list()
{
    std::vector<LivePage> out;
    for (const auto &kv : state().live) {
        if (kv.second.aligned) {
            out.push_back(LivePage{reinterpret_cast<void *>(kv.first), kv.second.size});
        }
    }
    return out;
}

}  // namespace fault

DEFINE_SLAB_HOOKS(fault::fault_page_alloc, fault::fault_page_free);
