/*
 * On-target test runner: runs every allocator behaviour test on the emulated
 * CPU and closes with "N passed, N failed". The exit status (semihosting) is
 * the number of failed tests, so the run fails if any test does, and a crash
 * (startup.c's fault handler) fails it too. Each test leaves the page pool
 * as it found it; the runner checks that after every test.
 */
#include "console.h"
#include "runner.h"
#include "static_pages.h"

typedef struct {
    const char *name;
    void (*run)(void);
} test_case;

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

static const char *first_failure;
static const char *failure_file;
static int failure_line;
static unsigned failed_checks;

void test_fail(const char *file, int line, const char *what)
{
    if (failed_checks++ == 0) {
        first_failure = what;
        failure_file = file;
        failure_line = line;
    }
}

int main(void)
{
    unsigned passed = 0, failed = 0;
    static_pages_stats before, after;
    for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        failed_checks = 0;
        static_pages_get_stats(&before);
        tests[i].run();
        static_pages_get_stats(&after);
        if (after.free_bytes != before.free_bytes) {
            test_fail(__FILE__, __LINE__, "the test gave every page back to the pool");
        }
        if (failed_checks == 0) {
            passed++;
            con_str("[ ok ] ");
            con_str(tests[i].name);
            con_str("\n");
        } else {
            failed++;
            con_str("[FAIL] ");
            con_str(tests[i].name);
            con_str("\n       ");
            con_str(failure_file);
            con_str(":");
            con_uint((unsigned long)failure_line);
            con_str(": ");
            con_str(first_failure);
            con_str("\n");
        }
    }
    con_uint(passed);
    con_str(" passed, ");
    con_uint(failed);
    con_str(" failed\n");
    return (int)failed;
}
