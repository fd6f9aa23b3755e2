/*
 * The RTOS features on a Cortex-M3 (QEMU mps2-an385, linker script with three
 * data regions): the BASEPRI lock against two interrupt priorities, a lock
 * the program supplies, slab_alloc_wait in a thread and in an interrupt,
 * caches over two regions, a static cache in the DMA section. Closes with
 * "N passed, N failed"; the exit status is the failure count.
 */
#include "runner.h"

static const test_case tests[] = {
    {"BASEPRI lock: a more urgent interrupt runs inside it, a less urgent one waits", test_basepri_masks_lower_priorities},
    {"BASEPRI lock: taken inside a stricter mask, keeps it and restores it", test_basepri_nests_in_a_stricter_mask},
    {"program lock (slab_lock_ops): once per call, from a thread and an ISR", test_program_lock_from_thread_and_isr},
    {"slab_alloc_wait: a thread waits, times out with SLAB_ETIMEDOUT", test_wait_times_out_in_a_thread},
    {"slab_alloc_wait: an ISR never waits", test_wait_never_blocks_in_an_isr},
    {"two regions: each cache's pages from its own pool, global hooks untouched", test_two_regions_two_caches},
    {"static cache in .dma_pool: no hook call, objects in the section", test_static_cache_in_dma_section},
};

int main(void) { return run_tests(tests, sizeof tests / sizeof tests[0]); }
