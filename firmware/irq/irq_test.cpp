// Interrupt test (make test, Cortex-M3 on QEMU mps2-an385 with -icount):
// the SysTick handler allocates and frees from the same cache as the main
// loop, for many thousands of interrupts, first through the C API with
// SLAB_LOCK_IRQ, then through the C++ front with slab::IrqLock.
//
// Every object carries an ownership stamp: its owner (main or interrupt), a
// serial number and the serial's complement. Owners stamp on alloc, check
// their stamp before free and clear it. So:
//   handed out twice  -> a fresh object already carries a live stamp, or a
//                        held object's stamp was overwritten by the other side
//   lost              -> objs_in_use != objects held by main + by the handler
// and slab_cache_validate() walks every slab (with interrupts masked) every
// 256 main-loop rounds and at the end. Exit status 0 only if all held.
#include <stdint.h>

#include "console.h"
#include "slab/slab.hpp"
#include "static_pages.h"
#include "systick.h"

namespace {

constexpr uint32_t kOwnerMain = 0x4D41494Eu; // "MAIN"
constexpr uint32_t kOwnerIsr = 0x49535221u;  // "ISR!"
constexpr uint32_t kTicks = 20000;           // interrupts per phase
constexpr uint32_t kReload = 499;            // SysTick period, CPU cycles - 1
constexpr unsigned kIsrHeld = 8;             // objects the handler keeps
constexpr unsigned kMainHeld = 96;           // objects the main loop keeps at most

struct Token {
    void *link_word; // not stamped (a free-list link lived here before the slot map; kept for the layout)
    uint32_t owner;
    uint32_t serial;
    uint32_t check; // ~serial
    uint8_t payload[112]; // 128-byte objects: ~31 per slab, so both sides
                          // take and give back slabs (hook calls in the handler)
};

// One phase's access to its cache: the C API or the C++ front.
struct Ops {
    void *(*alloc)();
    void (*release)(void *);
    const slab_cache *raw;
};

const Ops *volatile ops; // set before SysTick starts, read by the handler

struct Side {
    Token *held[kMainHeld];
    unsigned count;     // objects held now
    uint32_t allocs;    // successful allocations
    uint32_t frees;     // frees
    uint32_t errors;    // stamp violations and failed allocations
};

Side isr_side, main_side;
volatile uint32_t ticks;

void take(Side &side, uint32_t owner, uint32_t serial)
{
    auto *t = static_cast<Token *>(ops->alloc());
    if (t == nullptr || t->owner == kOwnerMain || t->owner == kOwnerIsr) {
        side.errors++; // out of memory, or handed out while someone holds it
        return;
    }
    t->owner = owner;
    t->serial = serial;
    t->check = ~serial;
    side.held[side.count++] = t;
    side.allocs++;
}

void give(Side &side, unsigned i, uint32_t owner)
{
    Token *t = side.held[i];
    if (t->owner != owner || t->check != ~t->serial) {
        side.errors++; // the other side wrote into an object we hold
    }
    t->owner = 0;
    side.held[i] = side.held[--side.count];
    ops->release(t);
    side.frees++;
}

}  // namespace

extern "C" void SysTick_Handler(void)
{
    uint32_t n = ++ticks;
    if (isr_side.count == kIsrHeld) {
        give(isr_side, n % kIsrHeld, kOwnerIsr);
    }
    take(isr_side, kOwnerIsr, n);
}

namespace {

uint32_t failures;

void check(bool ok, const char *what)
{
    if (!ok) {
        failures++;
        con_str("FAILED: ");
        con_str(what);
        con_str("\n");
    }
}

slab_status validate_masked(const slab_cache *c)
{
    __asm__ volatile("cpsid i" ::: "memory");
    slab_status st = slab_cache_validate(c);
    __asm__ volatile("cpsie i" ::: "memory");
    return st;
}

void run_phase(const char *name, const Ops &phase, slab_stats (*stats)())
{
    isr_side = Side{};
    main_side = Side{};
    ticks = 0;
    ops = &phase;
    uint32_t serial = 0, rounds = 0, rng = 0x1234567u;
    systick_start(kReload);
    while (ticks < kTicks) {
        rng = rng * 1103515245u + 12345u;
        unsigned burst = 1u + (rng >> 16) % 24u;
        for (unsigned i = 0; i < burst && main_side.count < kMainHeld; i++) {
            take(main_side, kOwnerMain, ++serial);
        }
        unsigned drop = (rng >> 8) % (main_side.count + 1u);
        while (drop-- != 0) {
            give(main_side, (rng >> 4) % main_side.count, kOwnerMain);
        }
        if (++rounds % 256u == 0) {
            check(validate_masked(phase.raw) == SLAB_OK, "validate while interrupts run");
        }
    }
    systick_stop();

    slab_stats s = stats();
    con_str(name);
    con_str(": ");
    con_uint(ticks);
    con_str(" interrupts, ");
    con_uint(rounds);
    con_str(" main rounds; handler ");
    con_uint(isr_side.allocs);
    con_str(" allocs/");
    con_uint(isr_side.frees);
    con_str(" frees, main ");
    con_uint(main_side.allocs);
    con_str("/");
    con_uint(main_side.frees);
    con_str("; live ");
    con_uint(s.objs_in_use);
    con_str(" (peak ");
    con_uint(s.objs_peak);
    con_str("), slabs peak ");
    con_uint(s.slabs_peak);
    con_str(", pages taken ");
    con_uint(s.pages_taken);
    con_str("/given ");
    con_uint(s.pages_given);
    con_str("; stamp errors ");
    con_uint(isr_side.errors + main_side.errors);
    con_str("\n");

    check(ticks >= kTicks && isr_side.allocs >= kTicks - 1u, "thousands of interrupts ran");
    check(isr_side.errors == 0 && main_side.errors == 0, "no object handed out twice or overwritten");
    check(s.objs_in_use == isr_side.count + main_side.count, "nothing lost: live == held by both sides");
    check(isr_side.allocs - isr_side.frees == isr_side.count, "handler's books balance");
    check(main_side.allocs - main_side.frees == main_side.count, "main's books balance");
    check(validate_masked(phase.raw) == SLAB_OK, "validate at the end");
    check(s.slabs_peak >= 3u && s.pages_given >= 1u, "slabs were taken and given back under interrupts");
    check(s.hook_failures == 0u && s.pages_taken - s.pages_given == s.slabs_in_use, "page books balance");
    while (isr_side.count != 0) give(isr_side, 0, kOwnerIsr);
    while (main_side.count != 0) give(main_side, 0, kOwnerMain);
    check(isr_side.errors == 0 && main_side.errors == 0, "stamps intact at the end");
    check(stats().objs_in_use == 0, "every object back");
}

// Phase 1: the C API with the interrupt-masking lock.
slab_cache *c_cache;
void *c_alloc() { return slab_alloc(c_cache); }
void c_release(void *p)
{
    if (slab_free(p) != SLAB_OK) isr_side.errors++;
}
slab_stats c_stats()
{
    slab_stats s{};
    slab_cache_stats(c_cache, &s);
    return s;
}

// Phase 2: the C++ front with slab::IrqLock.
using TokenCache = slab::Cache<Token, slab::IrqLock>;
TokenCache *cxx_cache;
void *cxx_alloc() { return cxx_cache->try_alloc(); }
void cxx_release(void *p) { TokenCache::free_slot(p); }
slab_stats cxx_stats() { return cxx_cache->stats(); }

}  // namespace

int main()
{
    static_pages_stats pool0, pool1;
    static_pages_get_stats(&pool0);
    con_str("libslab interrupt test: SysTick every ");
    con_uint(kReload + 1u);
    con_str(" cycles allocates and frees beside the main loop\n");

    check(slab_cache_create(&c_cache, sizeof(Token), alignof(Token), 0, SLAB_LOCK_IRQ) == SLAB_OK, "create C cache");
    if (failures == 0) {
        const Ops c_ops = {c_alloc, c_release, c_cache};
        run_phase("C API, SLAB_LOCK_IRQ", c_ops, c_stats);
        check(slab_cache_destroy(c_cache) == SLAB_OK, "destroy C cache");
    }
    {
        auto made = TokenCache::create();
        check(static_cast<bool>(made), "create C++ cache");
        if (made) {
            TokenCache cache = made.take();
            cxx_cache = &cache;
            const Ops cxx_ops = {cxx_alloc, cxx_release, cache.raw()};
            run_phase("C++ slab::IrqLock", cxx_ops, cxx_stats);
            cxx_cache = nullptr;
        }
    }
    static_pages_get_stats(&pool1);
    check(pool1.free_bytes == pool0.free_bytes, "every page back in the pool");
    con_str(failures == 0 ? "OK: interrupt test passed\n" : "FAILED: interrupt test\n");
    return failures == 0 ? 0 : 1;
}
