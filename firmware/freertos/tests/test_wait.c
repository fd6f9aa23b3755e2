/*
 * The FreeRTOS wait interface of hooks/freertos (slab_freertos_wait, wake,
 * in_isr) on its own, as slab_alloc_wait() drives it: wait(ctx, &ticks)
 * returns 0 when woken with ticks lowered by the time waited, non-zero
 * with ticks 0 on timeout; wake() works from a task and from an interrupt,
 * and a wake that comes first is not lost.
 */
#include "cmsdk_timer.h"
#include "runner.h"
#include "slab_freertos.h"

enum { TIMER_TICKS_PER_MS = 25000 };

static slab_freertos_waiter waiter;
static slab_wait_ops ops;

static void fresh_waiter(void)
{
    const slab_wait_ops *o = slab_freertos_waiter_init(&waiter);
    t_check(o == &waiter.ops && o->ctx == &waiter, "slab_freertos_waiter_init");
    ops = *o;
}

void test_wait_times_out(void)
{
    fresh_waiter();
    uint32_t ticks = 3;
    TickType_t t0 = xTaskGetTickCount();
    int r = ops.wait(ops.ctx, &ticks);
    TickType_t took = xTaskGetTickCount() - t0;
    t_check(r != 0, "wait() did not report the timeout");
    t_check(ticks == 0, "ticks not 0 after a timeout");
    t_check(took >= 3 && took <= 4, "the timeout did not take 3 ticks");
    t_check(waiter.timeouts == 1 && waiter.waits == 1, "the waiter's counters");
}

static void wake_after_4(void *arg)
{
    (void)arg;
    vTaskDelay(4);
    ops.wake(ops.ctx);
    t_helper_done();
}

void test_wait_woken_by_task(void)
{
    fresh_waiter();
    t_spawn(wake_after_4, NULL, PRIO_LOW);
    uint32_t ticks = 50;
    TickType_t t0 = xTaskGetTickCount();
    int r = ops.wait(ops.ctx, &ticks);
    TickType_t took = xTaskGetTickCount() - t0;
    t_check(r == 0, "wait() timed out instead of waking");
    t_check(took >= 4 && took <= 5, "not woken when the task woke it");
    t_check(ticks == 50 - took, "ticks not lowered by the ticks waited");
    t_join(1, 100);
}

static volatile TickType_t isr_tick;
static void isr_wakes(void)
{
    cmsdk_timer_stop(0);
    isr_tick = xTaskGetTickCountFromISR();
    ops.wake(ops.ctx);
}

void test_wait_woken_by_isr(void)
{
    fresh_waiter();
    t_set_isr(0, isr_wakes);
    cmsdk_timer_start(0, 2u * TIMER_TICKS_PER_MS - 1u, IRQ_PRIO_KERNEL_OK); /* in 2 ms */
    uint32_t ticks = 50;
    int r = ops.wait(ops.ctx, &ticks);
    TickType_t now = xTaskGetTickCount();
    t_check(r == 0 && ticks > 40, "not woken from the interrupt");
    t_check(waiter.wakes == 1, "the waiter's wake counter");
    /* portYIELD_FROM_ISR: the waiter ran as the interrupt ended, not at
     * the next tick (only the idle task was running). */
    t_check(now == isr_tick, "the woken task waited for a tick: no yield from the ISR");
}

void test_wait_wake_before_wait(void)
{
    fresh_waiter();
    ops.wake(ops.ctx);
    uint32_t ticks = 5;
    TickType_t t0 = xTaskGetTickCount();
    int r = ops.wait(ops.ctx, &ticks);
    t_check(r == 0 && ticks == 5 && xTaskGetTickCount() == t0, "the earlier wake was lost");
    ticks = 0;
    t_check(ops.wait(ops.ctx, &ticks) != 0, "a second wait() found a wake nobody gave");
}

static volatile int isr_in_isr = -1;
static void isr_asks(void)
{
    isr_in_isr = ops.in_isr(ops.ctx);
}

void test_wait_in_isr(void)
{
    fresh_waiter();
    t_check(ops.in_isr != NULL && ops.in_isr(ops.ctx) == 0, "in_isr() in a task");
    t_set_isr(0, isr_asks);
    cmsdk_timer_pend(0);
    t_check(isr_in_isr == 1, "in_isr() in an interrupt");
}
