// Fuzz target's page provider (see fuzz_pages.hpp).
#include "fuzz_pages.hpp"

#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "slab/hooks.h"

namespace fuzzpages {

namespace {

bool g_fail_next = false;

std::unordered_map<uintptr_t, size_t> &pages()
{
    static std::unordered_map<uintptr_t, size_t> live;
    return live;
}

void *fuzz_page_alloc(size_t size, size_t align)
{
    if (align != size || size == 0 || (size & (size - 1)) != 0) {
        std::fprintf(stderr, "fuzz_pages: alloc(%zu, %zu) breaks the hook contract\n", size, align);
        std::abort();
    }
    if (g_fail_next) {
        g_fail_next = false;
        return nullptr;
    }
    void *p = std::aligned_alloc(align, size);
    if (p == nullptr) {
        std::abort(); // host exhausted: not a finding about libslab
    }
    pages()[reinterpret_cast<uintptr_t>(p)] = size;
    return p;
}

int fuzz_page_free(void *page, size_t size, size_t align)
{
    auto it = pages().find(reinterpret_cast<uintptr_t>(page));
    if (it == pages().end() || it->second != size || align != size) {
        std::fprintf(stderr, "fuzz_pages: free(%p, %zu, %zu) of a page not handed out\n", page, size, align);
        std::abort();
    }
    pages().erase(it);
    std::free(page);
    return 0;
}

}  // namespace

void fail_next_alloc() { g_fail_next = true; }
void clear_fail() { g_fail_next = false; }
bool fail_pending() { return g_fail_next; }
size_t live() { return pages().size(); }
size_t live_size(uintptr_t base)
{
    auto it = pages().find(base);
    return it == pages().end() ? 0 : it->second;
}

}  // namespace fuzzpages

DEFINE_SLAB_HOOKS(fuzzpages::fuzz_page_alloc, fuzzpages::fuzz_page_free);
