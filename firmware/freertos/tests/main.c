/* The runner of the FreeRTOS tests (see runner.h). */
#include "runner.h"

#include "cmsdk_timer.h"
#include "console.h"
#include "mpu_guard.h"
#include "rtos_glue.h"

/* The tests (test_lock.c, test_wait.c, test_alloc_wait.c). */
void test_mpu_guard(void);
void test_lock_excludes_tasks_and_isr(void);
void test_lock_unlocked_control_loses_updates(void);
void test_lock_basepri(void);
void test_lock_nests(void);
void test_wait_times_out(void);
void test_wait_woken_by_task(void);
void test_wait_woken_by_isr(void);
void test_wait_wake_before_wait(void);
void test_wait_in_isr(void);
void test_alloc_wait_wakes_on_free(void);
void test_alloc_wait_woken_by_isr_free(void);
void test_alloc_wait_times_out(void);
void test_alloc_wait_isr_never_blocks(void);
void test_alloc_wait_priority_order(void);
void test_cache_lock_tasks_and_isr(void);

static const t_case cases[] = {
    {"mpu: a write to NULL faults", test_mpu_guard},
    {"lock: tasks and an interrupt exclude each other", test_lock_excludes_tasks_and_isr},
    {"lock: (control) without it, the same loop loses updates", test_lock_unlocked_control_loses_updates},
    {"lock: masks up to configMAX_SYSCALL_INTERRUPT_PRIORITY only", test_lock_basepri},
    {"lock: nests in a task", test_lock_nests},
    {"wait: times out, ticks counted down", test_wait_times_out},
    {"wait: woken by a task, ticks left", test_wait_woken_by_task},
    {"wait: woken from an interrupt", test_wait_woken_by_isr},
    {"wait: a wake before the wait is kept", test_wait_wake_before_wait},
    {"wait: in_isr tells the contexts apart", test_wait_in_isr},
    {"slab_alloc_wait: a waiter wakes on a free", test_alloc_wait_wakes_on_free},
    {"slab_alloc_wait: a waiter wakes on a free in an interrupt", test_alloc_wait_woken_by_isr_free},
    {"slab_alloc_wait: times out with SLAB_ETIMEDOUT", test_alloc_wait_times_out},
    {"slab_alloc_wait: in an interrupt, NULL at once", test_alloc_wait_isr_never_blocks},
    {"slab_alloc_wait: a free wakes one waiter, the most urgent", test_alloc_wait_priority_order},
    {"cache with the FreeRTOS lock: tasks and an interrupt", test_cache_lock_tasks_and_isr},
};

static const char *failed_check;

void t_check(int ok, const char *what)
{
    if (!ok && failed_check == NULL) {
        failed_check = what;
    }
}

/* ---- helpers ------------------------------------------------------------ */

enum { HELPERS = 16, HELPER_WORDS = 256 };
static StaticTask_t helper_tcb[HELPERS];
static StackType_t helper_stack[HELPERS][HELPER_WORDS];
static unsigned helpers_used;
static TaskHandle_t runner_task;

TaskHandle_t t_spawn(TaskFunction_t fn, void *arg, UBaseType_t prio)
{
    if (helpers_used == HELPERS) {
        t_check(0, "out of helper tasks");
        return NULL;
    }
    unsigned i = helpers_used++;
    return xTaskCreateStatic(fn, "helper", HELPER_WORDS, arg, prio, helper_stack[i], &helper_tcb[i]);
}

void t_helper_done(void)
{
    xTaskNotifyGive(runner_task);
    for (;;) {
        vTaskSuspend(NULL);
    }
}

void t_join(int n, TickType_t ticks)
{
    for (int i = 0; i < n; i++) {
        if (ulTaskNotifyTake(pdFALSE, ticks) == 0) {
            t_check(0, "a helper task did not finish");
            return;
        }
    }
}

/* ---- timer interrupts --------------------------------------------------- */

static t_isr_fn isr_fn[2];

void t_set_isr(unsigned n, t_isr_fn fn)
{
    isr_fn[n & 1u] = fn;
}

void Timer0_IRQHandler(void)
{
    cmsdk_timer_ack(0);
    if (isr_fn[0] != NULL) {
        isr_fn[0]();
    }
}

void Timer1_IRQHandler(void)
{
    cmsdk_timer_ack(1);
    if (isr_fn[1] != NULL) {
        isr_fn[1]();
    }
}

/* ---- the run ------------------------------------------------------------ */

void test_mpu_guard(void)
{
    t_check(mpu_guard_active(), "the MPU guard region is not set");
    t_check(mpu_guard_probe(0, 0xDEADu) == 1, "a write to 0 went through");
    t_check(mpu_guard_probe(MPU_GUARD_BYTES - 4, 0) == 1, "a write to 252 went through");
}

static void runner(void *arg)
{
    (void)arg;
    unsigned passed = 0, failed = 0;
    cmsdk_timer_irq_enable(0, IRQ_PRIO_KERNEL_OK);
    cmsdk_timer_irq_enable(1, IRQ_PRIO_ABOVE);
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        failed_check = NULL;
        cases[i].run();
        cmsdk_timer_stop(0);
        cmsdk_timer_stop(1);
        cmsdk_timer_irq_enable(0, IRQ_PRIO_KERNEL_OK);
        cmsdk_timer_irq_enable(1, IRQ_PRIO_ABOVE);
        t_set_isr(0, NULL);
        t_set_isr(1, NULL);
        con_lock();
        con_str(failed_check == NULL ? "ok   " : "FAIL ");
        con_str(cases[i].name);
        if (failed_check != NULL) {
            con_str(": ");
            con_str(failed_check);
        }
        con_str("\n");
        con_unlock();
        if (failed_check == NULL) {
            passed++;
        } else {
            failed++;
        }
    }
    con_lock();
    con_uint(passed);
    con_str(" passed, ");
    con_uint(failed);
    con_str(" failed\n");
    con_unlock();
    rtos_exit(failed == 0 ? 0 : 1);
}

int main(void)
{
    static StaticTask_t tcb;
    static StackType_t stack[512];
    runner_task = xTaskCreateStatic(runner, "runner", 512, NULL, PRIO_RUNNER, stack, &tcb);
    vTaskStartScheduler();
    return 1;
}
