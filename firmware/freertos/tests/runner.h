/*
 * A small test runner for the FreeRTOS firmware (firmware/freertos/tests/):
 * each test is a function run in the runner task (priority PRIO_RUNNER);
 * it may start helper tasks and hook the two CMSDK timer interrupts. The
 * runner prints "ok <name>" or "FAIL <name>: <first failed check>" per
 * test and ends with "N passed, M failed" (mk/freertos.mk checks it).
 */
#ifndef FW_FREERTOS_TESTS_RUNNER_H
#define FW_FREERTOS_TESTS_RUNNER_H

#include <stdint.h>

#include "FreeRTOS.h"
#include "task.h"

enum {
    PRIO_LOW = 1,
    PRIO_RUNNER = 2,
    PRIO_MID = 3,
    PRIO_HIGH = 4,
    /* NVIC byte priorities (FreeRTOSConfig.h). */
    IRQ_PRIO_KERNEL_OK = 0x80, /* timer 0: may use FreeRTOS and the lock */
    IRQ_PRIO_ABOVE = 0x20,     /* timer 1: above the kernel, never masked by it */
};

/* Records a failed check of the running test (the first one is printed). */
void t_check(int ok, const char *what);

/* Starts a helper task; helpers end with t_helper_done(), which tells the
 * runner (t_join) and suspends the task for good (its storage is never
 * reused, so no deletion is pending). At most 16 helpers in a run. */
TaskHandle_t t_spawn(TaskFunction_t fn, void *arg, UBaseType_t prio);
void t_helper_done(void) __attribute__((noreturn));
/* Waits until n helpers have called t_helper_done(), at most `ticks`;
 * a check fails on timeout. */
void t_join(int n, TickType_t ticks);

/* The handler of timer n's interrupt (NULL: just acknowledge it). */
typedef void (*t_isr_fn)(void);
void t_set_isr(unsigned n, t_isr_fn fn);

/* The tests, one function each (test_*.c); the table is in main.c. */
typedef struct {
    const char *name;
    void (*run)(void);
} t_case;

#endif /* FW_FREERTOS_TESTS_RUNNER_H */
