/*
 * On-target test runner: runs every allocator behaviour test on the emulated
 * CPU and closes with "N passed, N failed". The exit status (semihosting) is
 * the number of failed tests, so the run fails if any test does, and a crash
 * (startup.c's fault handler) fails it too. Each test leaves the page pool
 * as it found it; the runner checks that after every test.
 */
#include "runner.h"

static const test_case tests[] = {
    {"static_pages: buddy split, merge, exhaustion, foreign free", test_static_pages},
    {"geometry: slot size, slots per slab, argument errors", test_geometry},
    {"growth: slaves taken when full, distinct aligned slots", test_growth},
    {"empty slabs: given back, one spare kept", test_empty_slabs_return},
    {"free anywhere: slab_free without the cache, wrong cache", test_free_anywhere},
    {"misuse: double, interior, header, never-used frees refused and reported", test_misuse},
    {"threat model: a forged header in object bytes is refused with the secret seeded", test_forged_header},
    {"hook NULL: SLAB_ENOMEM, cache still usable", test_hook_null},
    {"hook misaligned: SLAB_EHOOKALIGN, page given back", test_hook_misaligned},
    {"hook refuses free: SLAB_EHOOKFREE, destroy retried", test_hook_free_refused},
    {"locks: IRQ lock works, spin lock per architecture", test_locks},
    {"C++ Box: construct, destroy, move, out of memory", test_cxx_box},
    {"C++ Cache: handles, last one ends the cache", test_cxx_cache_lifetime},
};

int main(void) { return run_tests(tests, sizeof tests / sizeof tests[0]); }
