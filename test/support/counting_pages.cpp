// Test page provider (see counting_pages.hpp). Pages come from aligned_alloc.
// A misaligned page is carved from a block of twice the size, at offset
// size/2, so that it is still `size` usable bytes the library could (wrongly)
// write to: the library must give it straight back without touching it.
#include "counting_pages.hpp"

#include <cstdlib>
#include <map>
#include <mutex>

#include "slab/hooks.h"

namespace slabtest {
namespace pages {

namespace {

struct PageInfo {
    size_t size;
    void *block; // what aligned_alloc returned (differs for a misaligned page)
};

struct State {
    std::mutex mu;
    std::map<uintptr_t, PageInfo> live; // by the address handed out
    uint64_t allocs = 0;
    uint64_t frees = 0;
    int fail_allocs = 0;
    int misalign_allocs = 0;
    int refuse_frees = 0;
    bool refuse_all = false;
};

State &state()
{
    static State s; // function-local: usable from any static initializer
    return s;
}

bool pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

void *test_page_alloc(size_t size, size_t align)
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    s.allocs++;
    if (!pow2(align) || size % align != 0 || s.refuse_all) {
        return nullptr;
    }
    if (s.fail_allocs > 0) {
        s.fail_allocs--;
        return nullptr;
    }
    bool misalign = s.misalign_allocs > 0;
    if (misalign) {
        s.misalign_allocs--;
    }
    void *block = std::aligned_alloc(align, misalign ? 2 * size : size);
    if (block == nullptr) {
        return nullptr;
    }
    void *page = misalign ? static_cast<char *>(block) + size / 2 : block;
    s.live[reinterpret_cast<uintptr_t>(page)] = PageInfo{size, block};
    return page;
}

int test_page_free(void *page, size_t size, size_t align)
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    s.frees++;
    auto it = s.live.find(reinterpret_cast<uintptr_t>(page));
    if (it == s.live.end() || it->second.size != size || align != size) {
        std::abort(); // a hook-contract breach by the library: no test can go on
    }
    if (s.refuse_frees > 0) {
        s.refuse_frees--;
        return 1;
    }
    std::free(it->second.block);
    s.live.erase(it);
    return 0;
}

}  // namespace

long outstanding()
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    return static_cast<long>(s.live.size());
}

uint64_t alloc_calls()
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    return s.allocs;
}

uint64_t free_calls()
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    return s.frees;
}

bool is_live_page(const void *base, size_t size)
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    auto it = s.live.find(reinterpret_cast<uintptr_t>(base));
    return it != s.live.end() && it->second.size == size;
}

std::vector<uintptr_t> live_pages()
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    std::vector<uintptr_t> out;
    for (const auto &kv : s.live) {
        out.push_back(kv.first);
    }
    return out;
}

void fail_next_allocs(int n)
{
    std::lock_guard<std::mutex> hold(state().mu);
    state().fail_allocs = n;
}

void misalign_next_allocs(int n)
{
    std::lock_guard<std::mutex> hold(state().mu);
    state().misalign_allocs = n;
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

int pending_alloc_faults()
{
    std::lock_guard<std::mutex> hold(state().mu);
    return state().fail_allocs + state().misalign_allocs;
}

void clear_faults()
{
    State &s = state();
    std::lock_guard<std::mutex> hold(s.mu);
    s.fail_allocs = 0;
    s.misalign_allocs = 0;
    s.refuse_frees = 0;
    s.refuse_all = false;
}

}  // namespace pages
}  // namespace slabtest

using slabtest::pages::test_page_alloc;
using slabtest::pages::test_page_free;
DEFINE_SLAB_HOOKS(test_page_alloc, test_page_free);
