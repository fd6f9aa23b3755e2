/*
 * The RTOS features on a Cortex-M3 (QEMU mps2-an385, linker script with three
 * data regions): the BASEPRI lock against two interrupt priorities, a lock
 * the program supplies, slab_alloc_wait in a thread and in an interrupt,
 * caches over two regions, a static cache in the DMA section. Closes with
 * "N passed, N failed"; the exit status is the failure count.
 */
#include "console.h"
#include "runner.h"
#include "static_pages.h"

typedef struct {
    const char *name;
    void (*run)(void);
} test_case;

static const test_case tests[] = {
    {"BASEPRI lock: a more urgent interrupt runs inside it, a less urgent one waits", test_basepri_masks_lower_priorities},
    {"BASEPRI lock: taken inside a stricter mask, keeps it and restores it", test_basepri_nests_in_a_stricter_mask},
    {"program lock (slab_lock_ops): once per call, from a thread and an ISR", test_program_lock_from_thread_and_isr},
    {"slab_alloc_wait: a thread waits, times out with SLAB_ETIMEDOUT", test_wait_times_out_in_a_thread},
    {"slab_alloc_wait: an ISR never waits", test_wait_never_blocks_in_an_isr},
    {"two regions: each cache's pages from its own pool, global hooks untouched", test_two_regions_two_caches},
    {"static cache in .dma_pool: no hook call, objects in the section", test_static_cache_in_dma_section},
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
            test_fail(__FILE__, __LINE__, "every global page back after the test");
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
            con_uint((unsigned)failure_line);
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
