/* The RTOS-feature firmware's tests (firmware/rtos/), run by main.c with the
 * on-target runner's EXPECT (firmware/tests/runner.h). */
#ifndef FW_RTOS_RUNNER_H
#define FW_RTOS_RUNNER_H

#include "tests/runner.h"

void test_basepri_masks_lower_priorities(void);
void test_basepri_nests_in_a_stricter_mask(void);
void test_program_lock_from_thread_and_isr(void);
void test_wait_times_out_in_a_thread(void);
void test_wait_never_blocks_in_an_isr(void);
void test_two_regions_two_caches(void);
void test_static_cache_in_dma_section(void);

#endif /* FW_RTOS_RUNNER_H */
