// The heap fuzz target's page provider (see hfuzz_pages.hpp).
#include "hfuzz_pages.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <unordered_map>
#include <vector>

#include "slab/hooks.h"
#include "slab/slab.h"

namespace hpages {

namespace {

constexpr size_t kD = SLAB_DEFAULT_SLAB_SIZE;
constexpr size_t kQuarantinePages = 48;

struct Host {
    Page page;
    void *raw;      // what aligned_alloc returned
    uintptr_t lo;   // first byte the page's reads may touch: its D-block's base - D
    uintptr_t hi;   // one past the host block
    bool poisoned;  // (quarantine) filled with kPoison, else hash holds its bytes' hash
    uint64_t hash;
};

enum class Fault { none, fail, dup };

struct State_ {
    std::map<uintptr_t, Host> live; // by page base
    std::vector<Host> quarantine;
    std::unordered_map<uint64_t, State> states;
    size_t pages[kOwners], bytes[kOwners], peak[kOwners];
    int owner = kNoOwner;
    Events ev{};
    Fault fault = Fault::none;
    uint32_t dup_pick = 0;
    bool (*dup_ok)(uintptr_t, size_t) = nullptr;
    bool refuse = false;
    bool poison = true;
    uint64_t serial = 0;
};

State_ &st()
{
    static State_ s;
    return s;
}

[[noreturn]] void broken(const char *what, void *p, size_t size, size_t align)
{
    std::fprintf(stderr, "hfuzz_pages: %s(%p, %zu, %zu) breaks the hook contract\n", what, p, size, align);
    std::abort();
}

uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *b = static_cast<const unsigned char *>(p);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ b[i]) * 1099511628211ull;
    }
    return h;
}

bool owner_ok(int o) { return o >= 0 && o < kOwners; }

void *new_page(size_t size)
{
    State_ &s = st();
    size_t unit = size < kD ? kD : size;
    void *raw = std::aligned_alloc(unit, 2 * unit);
    if (raw == nullptr) {
        std::abort(); // host exhausted: not a finding about libslab
    }
    uintptr_t r = reinterpret_cast<uintptr_t>(raw);
    uint64_t serial = ++s.serial;
    uintptr_t base = r + unit + (size < kD ? (serial % (kD / size)) * size : 0);
    uintptr_t dblock = base & ~uintptr_t(kD - 1);
    std::memset(reinterpret_cast<void *>(dblock - kD), kFiller, kD);
    // The page, and for a small one its whole D-block: no stale header of
    // an earlier host block can be where a mask leads.
    std::memset(reinterpret_cast<void *>(dblock), 0, unit);
    Host h{Page{base, size, s.owner, serial}, raw, dblock - kD, r + 2 * unit, false, 0};
    s.live[base] = h;
    s.states[serial] = State::live;
    if (owner_ok(s.owner)) {
        s.pages[s.owner]++;
        s.bytes[s.owner] += size;
        if (s.bytes[s.owner] > s.peak[s.owner]) {
            s.peak[s.owner] = s.bytes[s.owner];
        }
    }
    return reinterpret_cast<void *>(base);
}

void *serve_dup(size_t size)
{
    State_ &s = st();
    std::vector<uintptr_t> same;
    for (const auto &kv : s.live) {
        if (kv.second.page.size == size && (s.dup_ok == nullptr || s.dup_ok(kv.first, size))) {
            same.push_back(kv.first);
        }
    }
    if (same.empty()) {
        return nullptr;
    }
    s.ev.dups_served++;
    return reinterpret_cast<void *>(same[s.dup_pick % same.size()]); // not recorded: not a new page
}

void *page_alloc(size_t size, size_t align)
{
    State_ &s = st();
    if (align != size || size < SLAB_MIN_SLAB_SIZE || (size & (size - 1)) != 0) {
        broken("alloc", nullptr, size, align);
    }
    s.ev.alloc_calls++;
    s.ev.last_alloc_size = size;
    if (!owner_ok(s.owner)) {
        s.ev.wrong_owner++;
    }
    Fault f = s.fault;
    s.fault = Fault::none;
    void *p = nullptr;
    if (f == Fault::dup) {
        p = serve_dup(size);
    }
    if (p == nullptr && f != Fault::fail && size <= kLargestPage) {
        p = new_page(size);
        s.ev.pages_new++;
    }
    if (p == nullptr) {
        s.ev.alloc_null++;
    }
    return p;
}

void quarantine(Host h)
{
    State_ &s = st();
    void *p = reinterpret_cast<void *>(h.page.base);
    h.poisoned = s.poison;
    if (h.poisoned) {
        std::memset(p, kPoison, h.page.size);
    } else {
        h.hash = hash_bytes(p, h.page.size);
    }
    s.states[h.page.serial] = h.poisoned ? State::poisoned : State::kept;
    s.quarantine.push_back(h);
    if (s.quarantine.size() > kQuarantinePages) {
        release_one(0);
    }
}

int page_free(void *page, size_t size, size_t align)
{
    State_ &s = st();
    auto it = s.live.find(reinterpret_cast<uintptr_t>(page));
    if (it == s.live.end() || it->second.page.size != size || align != size) {
        broken("free (of a page not handed out)", page, size, align);
    }
    s.ev.free_calls++;
    if (s.owner != it->second.page.owner) {
        s.ev.wrong_owner++;
    }
    if (s.refuse) {
        s.refuse = false;
        s.ev.frees_refused++;
        s.ev.last_refused = it->first;
        return 1;
    }
    Host h = it->second;
    s.live.erase(it);
    if (owner_ok(h.page.owner)) {
        s.pages[h.page.owner]--;
        s.bytes[h.page.owner] -= size;
    }
    s.ev.last_freed = h.page.base;
    quarantine(h);
    return 0;
}

}  // namespace

void set_owner(int owner) { st().owner = owner; }
Events take_events()
{
    Events e = st().ev;
    st().ev = Events{};
    return e;
}
void fail_next_alloc() { st().fault = Fault::fail; }
void dup_next_alloc(uint32_t pick)
{
    st().fault = Fault::dup;
    st().dup_pick = pick;
}
void refuse_next_free() { st().refuse = true; }
void set_dup_filter(bool (*ok)(uintptr_t, size_t)) { st().dup_ok = ok; }
void set_poison(bool on) { st().poison = on; }
void clear_faults()
{
    st().fault = Fault::none;
    st().refuse = false;
}
bool fault_pending() { return st().fault != Fault::none || st().refuse; }

size_t live_pages(int owner) { return st().pages[owner]; }
size_t live_bytes(int owner) { return st().bytes[owner]; }
size_t peak_bytes(int owner) { return st().peak[owner]; }
void reset_peak(int owner) { st().peak[owner] = st().bytes[owner]; }
size_t live_total() { return st().live.size(); }

bool page_at(uintptr_t addr, Page *out)
{
    auto &live = st().live;
    auto it = live.upper_bound(addr);
    if (it == live.begin()) {
        return false;
    }
    --it;
    if (addr - it->first >= it->second.page.size) {
        return false;
    }
    *out = it->second.page;
    return true;
}

bool live_page(uint32_t pick, Page *out)
{
    auto &live = st().live;
    if (live.empty()) {
        return false;
    }
    auto it = live.begin();
    std::advance(it, pick % live.size());
    *out = it->second.page;
    return true;
}

State state_of(uint64_t serial)
{
    auto it = st().states.find(serial);
    return it == st().states.end() ? State::gone : it->second;
}

bool readable(uintptr_t addr, size_t n)
{
    for (const auto &kv : st().live) {
        if (addr >= kv.second.lo && addr + n <= kv.second.hi) {
            return true;
        }
    }
    for (const Host &h : st().quarantine) {
        if (addr >= h.lo && addr + n <= h.hi) {
            return true;
        }
    }
    return false;
}

void release_one(uint32_t pick)
{
    State_ &s = st();
    if (s.quarantine.empty()) {
        return;
    }
    size_t i = pick % s.quarantine.size();
    Host h = s.quarantine[i];
    s.quarantine.erase(s.quarantine.begin() + long(i));
    const unsigned char *b = reinterpret_cast<const unsigned char *>(h.page.base);
    bool intact = h.poisoned ? (b[0] == kPoison && std::memcmp(b, b + 1, h.page.size - 1) == 0)
                             : hash_bytes(b, h.page.size) == h.hash;
    if (!intact) {
        std::fprintf(stderr, "hfuzz_pages: page %p (%zu B) was written after it went back to the hook\n",
                     static_cast<const void *>(b), h.page.size);
        std::abort();
    }
    s.states[h.page.serial] = State::gone;
    std::free(h.raw);
}

bool release_all()
{
    while (!st().quarantine.empty()) {
        release_one(0); // aborts on a written page
    }
    st().states.clear();
    return true;
}

}  // namespace hpages

DEFINE_SLAB_HOOKS(hpages::page_alloc, hpages::page_free);
