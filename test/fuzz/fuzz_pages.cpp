// Fuzz target's page provider (see fuzz_pages.hpp).
#include "fuzz_pages.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <unordered_map>

#include "slab/hooks.h"
#include "slab/slab.h"

namespace fuzzpages {

namespace {

constexpr size_t kBlock = SLAB_DEFAULT_SLAB_SIZE;
constexpr size_t kUnit = SLAB_MIN_SLAB_SIZE;
static_assert(kBlock / kUnit <= 64, "a block's units must fit a 64-bit mask");

enum class Fault { none, fail, dup };
Fault g_fault = Fault::none;
uint64_t g_dups;

std::unordered_map<uintptr_t, size_t> &pages()
{
    static std::unordered_map<uintptr_t, size_t> live;
    return live;
}

// Blocks small pages are carved from: base -> units in use (bit i: the
// kUnit bytes at base + i * kUnit).
std::map<uintptr_t, uint64_t> &blocks()
{
    static std::map<uintptr_t, uint64_t> b;
    return b;
}

uint64_t units_mask(size_t off, size_t size)
{
    size_t n = size / kUnit;
    uint64_t run = n >= 64 ? ~uint64_t(0) : (uint64_t(1) << n) - 1u;
    return run << (off / kUnit);
}

[[noreturn]] void broken(const char *what, void *p, size_t size, size_t align)
{
    std::fprintf(stderr, "fuzz_pages: %s(%p, %zu, %zu) breaks the hook contract\n", what, p, size, align);
    std::abort();
}

void *carve(size_t size)
{
    for (auto &kv : blocks()) {
        for (size_t off = 0; off + size <= kBlock; off += size) {
            uint64_t m = units_mask(off, size);
            if ((kv.second & m) == 0) {
                kv.second |= m;
                return reinterpret_cast<void *>(kv.first + off);
            }
        }
    }
    void *b = std::aligned_alloc(kBlock, kBlock);
    if (b == nullptr) {
        std::abort(); // host exhausted: not a finding about libslab
    }
    std::memset(b, 0, kBlock);
    blocks()[reinterpret_cast<uintptr_t>(b)] = units_mask(0, size);
    return b;
}

void uncarve(uintptr_t page, size_t size)
{
    uintptr_t base = page & ~uintptr_t(kBlock - 1u);
    auto it = blocks().find(base);
    if (it == blocks().end()) {
        std::abort();
    }
    it->second &= ~units_mask(page - base, size);
    if (it->second == 0) {
        std::free(reinterpret_cast<void *>(base));
        blocks().erase(it);
    }
}

void *fuzz_page_alloc(size_t size, size_t align)
{
    if (align != size || size < kUnit || (size & (size - 1)) != 0) {
        broken("alloc", nullptr, size, align);
    }
    Fault f = g_fault;
    g_fault = Fault::none;
    if (f == Fault::fail) {
        return nullptr;
    }
    if (f == Fault::dup) {
        for (const auto &kv : pages()) {
            if (kv.second == size) {
                g_dups++;
                return reinterpret_cast<void *>(kv.first); // not recorded: it is not a new page
            }
        }
    }
    void *p = size < kBlock ? carve(size) : std::aligned_alloc(align, size);
    if (p == nullptr) {
        std::abort();
    }
    pages()[reinterpret_cast<uintptr_t>(p)] = size;
    return p;
}

int fuzz_page_free(void *page, size_t size, size_t align)
{
    auto it = pages().find(reinterpret_cast<uintptr_t>(page));
    if (it == pages().end() || it->second != size || align != size) {
        broken("free (of a page not handed out)", page, size, align);
    }
    pages().erase(it);
    if (size < kBlock) {
        uncarve(reinterpret_cast<uintptr_t>(page), size);
    } else {
        std::free(page);
    }
    return 0;
}

}  // namespace

void fail_next_alloc() { g_fault = Fault::fail; }
void dup_next_alloc() { g_fault = Fault::dup; }
void clear_fault() { g_fault = Fault::none; }
bool fail_pending() { return g_fault == Fault::fail; }
bool dup_pending() { return g_fault == Fault::dup; }
bool has_live_of_size(size_t size)
{
    for (const auto &kv : pages()) {
        if (kv.second == size) {
            return true;
        }
    }
    return false;
}
size_t live() { return pages().size(); }
size_t live_size(uintptr_t base)
{
    auto it = pages().find(base);
    return it == pages().end() ? 0 : it->second;
}
uint64_t dups_served() { return g_dups; }

}  // namespace fuzzpages

DEFINE_SLAB_HOOKS(fuzzpages::fuzz_page_alloc, fuzzpages::fuzz_page_free);
