// Page provider of the heap suites (heap_pages.hpp).
#include "heap_pages.hpp"

#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <random>

#include "slab/hooks.h"

namespace heaptest {

namespace {

struct Quarantined {
    unsigned char *page;
    size_t size;
    bool poisoned;
};

struct State {
    std::mutex mu;
    std::map<uintptr_t, size_t> live;
    size_t live_bytes = 0;
    uint64_t allocs = 0;
    uint64_t frees = 0;
    unsigned every = 0;
    unsigned since = 0;
    int refuse_frees = 0;
    bool refuse_all = false;
    bool poison = true;
    uintptr_t again = 0; // hand_out_again
    std::deque<Quarantined> quarantine;
    size_t quarantine_bytes = 0;
    bool written_after_free = false;
};

State &state()
{
    static State s;
    return s;
}

constexpr size_t kQuarantineCap = size_t(64) << 20;

bool still_poisoned(const Quarantined &q)
{
    if (!q.poisoned) {
        return true;
    }
    for (size_t i = 0; i < q.size; i++) {
        if (q.page[i] != kPoison) {
            return false;
        }
    }
    return true;
}

void release_oldest(State &s)
{
    Quarantined q = s.quarantine.front();
    s.quarantine.pop_front();
    if (!still_poisoned(q)) {
        s.written_after_free = true;
    }
    s.quarantine_bytes -= q.size;
    std::free(q.page);
}

void *heap_page_alloc(size_t size, size_t align)
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    s.allocs++;
    if (size == 0 || (size & (size - 1)) != 0 || align != size || s.refuse_all) {
        return nullptr;
    }
    if (s.every != 0 && ++s.since % s.every == 0) {
        return nullptr;
    }
    auto dup = s.live.find(s.again);
    if (dup != s.live.end() && dup->second == size) {
        s.again = 0;
        return reinterpret_cast<void *>(dup->first); // live already: not recorded again
    }
    void *page = std::aligned_alloc(align, size);
    if (page == nullptr) {
        return nullptr;
    }
    std::memset(page, 0x5C, size < 4096 ? size : 4096); // not zero: calloc must clear
    s.live[reinterpret_cast<uintptr_t>(page)] = size;
    s.live_bytes += size;
    return page;
}

int heap_page_free(void *page, size_t size, size_t align)
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    s.frees++;
    auto it = s.live.find(reinterpret_cast<uintptr_t>(page));
    if (it == s.live.end() || it->second != size || align != size) {
        std::abort(); // a breach of the hook contract: nothing can go on
    }
    if (s.refuse_frees > 0) {
        s.refuse_frees--;
        return 1;
    }
    s.live.erase(it);
    s.live_bytes -= size;
    if (s.poison) {
        std::memset(page, kPoison, size);
    }
    s.quarantine.push_back(Quarantined{static_cast<unsigned char *>(page), size, s.poison});
    s.quarantine_bytes += size;
    while (s.quarantine_bytes > kQuarantineCap) {
        release_oldest(s);
    }
    return 0;
}

}  // namespace

long outstanding()
{
    std::lock_guard<std::mutex> hold(state().mu);
    return static_cast<long>(state().live.size());
}

size_t outstanding_bytes()
{
    std::lock_guard<std::mutex> hold(state().mu);
    return state().live_bytes;
}

uint64_t alloc_calls()
{
    std::lock_guard<std::mutex> hold(state().mu);
    return state().allocs;
}

uint64_t free_calls()
{
    std::lock_guard<std::mutex> hold(state().mu);
    return state().frees;
}

size_t page_of(const void *p)
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    auto it = s.live.upper_bound(a);
    if (it == s.live.begin()) {
        return 0;
    }
    --it;
    return a < it->first + it->second ? it->second : 0;
}

bool is_live_page(const void *base, size_t size)
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    auto it = s.live.find(reinterpret_cast<uintptr_t>(base));
    return it != s.live.end() && it->second == size;
}

void fail_every(unsigned n)
{
    std::lock_guard<std::mutex> hold(state().mu);
    state().every = n;
    state().since = 0;
}

void refuse_next_frees(int n)
{
    std::lock_guard<std::mutex> hold(state().mu);
    state().refuse_frees = n;
}

void refuse_all_allocs(bool on)
{
    std::lock_guard<std::mutex> hold(state().mu);
    state().refuse_all = on;
}

void poison_on_free(bool on)
{
    std::lock_guard<std::mutex> hold(state().mu);
    state().poison = on;
}

void hand_out_again(const void *page)
{
    std::lock_guard<std::mutex> hold(state().mu);
    state().again = reinterpret_cast<uintptr_t>(page);
}

void clear_faults()
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    s.again = 0;
    s.every = 0;
    s.refuse_frees = 0;
    s.refuse_all = false;
    s.poison = true;
}

bool check_quarantine()
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    while (!s.quarantine.empty()) {
        release_oldest(s);
    }
    bool ok = !s.written_after_free;
    s.written_after_free = false;
    return ok;
}

}  // namespace heaptest

using heaptest::heap_page_alloc;
using heaptest::heap_page_free;
DEFINE_SLAB_HOOKS(heap_page_alloc, heap_page_free);

// The program's secret, as a program seeds it: once, before any heap, from
// a source nobody predicts (slab/hooks.h).
namespace {
const bool g_seeded = [] {
    std::random_device rd;
    slab_secret = (static_cast<uintptr_t>(rd()) << 16) ^ rd();
    return true;
}();
}  // namespace
