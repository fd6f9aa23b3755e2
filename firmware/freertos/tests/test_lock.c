/*
 * The FreeRTOS lock of hooks/freertos (slab_freertos_lock/unlock) from
 * tasks and from an interrupt. A read-modify-write spread over a spin loop
 * (slow_increment) loses updates when a task switch or an interrupt lands
 * inside it; under the lock it must lose none. The control test runs the
 * same loop without the lock and must lose some, so the first test is not
 * passing for want of contention.
 */
#include "cmsdk_timer.h"
#include "runner.h"
#include "slab_freertos.h"

enum { ROUNDS = 4000, SPIN = 40, TASKS = 2, FAST_RELOAD = 99 /* 4000 instructions */ };

static volatile uint32_t shared, isr_runs;
static volatile int use_lock;

static void slow_increment(void)
{
    uint32_t v = shared;
    for (volatile int i = 0; i < SPIN; i++) {
    }
    shared = v + 1;
}

static void locked_increment(void)
{
    if (use_lock) {
        unsigned long token = slab_freertos_lock(NULL);
        slow_increment();
        slab_freertos_unlock(NULL, token);
    } else {
        slow_increment();
    }
}

static void isr_increment(void)
{
    isr_runs++;
    locked_increment();
}

static void incrementer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        locked_increment();
    }
    t_helper_done();
}

/* Two tasks of one priority (time-sliced by the tick) and the timer
 * interrupt every FAST_RELOAD + 1 timer ticks; returns updates lost. */
static uint32_t contend(int locked)
{
    shared = 0;
    isr_runs = 0;
    use_lock = locked;
    t_set_isr(0, isr_increment);
    cmsdk_timer_start(0, FAST_RELOAD, IRQ_PRIO_KERNEL_OK);
    for (int i = 0; i < TASKS; i++) {
        t_spawn(incrementer, NULL, PRIO_LOW);
    }
    t_join(TASKS, 1000);
    cmsdk_timer_stop(0);
    t_check(isr_runs > 100, "the interrupt hardly ran");
    return (uint32_t)TASKS * ROUNDS + isr_runs - shared;
}

void test_lock_excludes_tasks_and_isr(void)
{
    t_check(contend(1) == 0, "updates lost under the lock");
}

void test_lock_unlocked_control_loses_updates(void)
{
    t_check(contend(0) != 0, "no update lost without the lock: the test has no contention");
}

static uint32_t basepri(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, basepri" : "=r"(v)::"memory");
    return v;
}

static volatile int ran0, ran1;
static volatile uint32_t isr_token, isr_basepri_in, isr_basepri_after;

static void isr0_takes_lock(void)
{
    unsigned long token = slab_freertos_lock(NULL);
    isr_token = (uint32_t)token;
    isr_basepri_in = basepri();
    slab_freertos_unlock(NULL, token);
    isr_basepri_after = basepri();
    ran0 = 1;
}

static void isr1_above_kernel(void)
{
    ran1 = 1; /* above configMAX_SYSCALL_INTERRUPT_PRIORITY: no FreeRTOS here */
}

void test_lock_basepri(void)
{
    ran0 = ran1 = 0;
    isr_token = 0xFFu;
    t_set_isr(0, isr0_takes_lock);
    t_set_isr(1, isr1_above_kernel);
    unsigned long token = slab_freertos_lock(NULL);
    t_check(token == SLAB_FREERTOS_TASK_TOKEN, "the task path's token");
    t_check(basepri() == configMAX_SYSCALL_INTERRUPT_PRIORITY, "BASEPRI under the lock in a task");
    cmsdk_timer_pend(1);
    t_check(ran1 == 1, "an interrupt above the kernel's priority waited for the lock");
    cmsdk_timer_pend(0);
    t_check(ran0 == 0, "an interrupt at the kernel's priority ran inside the lock");
    slab_freertos_unlock(NULL, token);
    __asm__ volatile("isb" ::: "memory");
    t_check(ran0 == 1, "the masked interrupt did not run at unlock");
    t_check(basepri() == 0, "BASEPRI not restored in the task");
    t_check(isr_token == 0, "the ISR path's token is not the BASEPRI it found");
    t_check(isr_basepri_in == configMAX_SYSCALL_INTERRUPT_PRIORITY, "BASEPRI under the lock in the ISR");
    t_check(isr_basepri_after == 0, "BASEPRI not restored in the ISR");
}

void test_lock_nests(void)
{
    ran0 = 0;
    t_set_isr(0, isr0_takes_lock);
    unsigned long outer = slab_freertos_lock(NULL);
    unsigned long inner = slab_freertos_lock(NULL);
    slab_freertos_unlock(NULL, inner);
    t_check(basepri() == configMAX_SYSCALL_INTERRUPT_PRIORITY, "the inner unlock released the outer lock");
    cmsdk_timer_pend(0);
    t_check(ran0 == 0, "an interrupt ran inside the outer lock");
    slab_freertos_unlock(NULL, outer);
    __asm__ volatile("isb" ::: "memory");
    t_check(ran0 == 1 && basepri() == 0, "the outer unlock did not release");
}
