/* SPDX-License-Identifier: MIT */
/* FreeRTOS lock and wait interface for libslab (see slab_freertos.h). */
#include "slab_freertos.h"

#include "task.h"

/* slab_alloc_wait() counts uint32_t ticks and SLAB_WAIT_FOREVER is
 * 0xFFFFFFFF: both match FreeRTOS only with 32-bit ticks. */
_Static_assert(sizeof(TickType_t) == sizeof(uint32_t), "slab_freertos needs configTICK_TYPE_WIDTH_IN_BITS 32");
_Static_assert(portMAX_DELAY == SLAB_WAIT_FOREVER, "portMAX_DELAY is not SLAB_WAIT_FOREVER");

/* ---- the lock ---------------------------------------------------------- */

unsigned long slab_freertos_lock(void *ctx)
{
    (void)ctx;
    if (xPortIsInsideInterrupt() == pdFALSE) {
        taskENTER_CRITICAL();
        return SLAB_FREERTOS_TASK_TOKEN;
    }
    /* An interrupt above configMAX_SYSCALL_INTERRUPT_PRIORITY would not be
     * masked by the section it is about to rely on. */
    portASSERT_IF_INTERRUPT_PRIORITY_INVALID();
    return (unsigned long)taskENTER_CRITICAL_FROM_ISR();
}

void slab_freertos_unlock(void *ctx, unsigned long token)
{
    (void)ctx;
    if (token == SLAB_FREERTOS_TASK_TOKEN) {
        taskEXIT_CRITICAL();
    } else {
        taskEXIT_CRITICAL_FROM_ISR((UBaseType_t)token);
    }
}

const slab_lock_ops slab_freertos_lock_ops = {slab_freertos_lock, slab_freertos_unlock, NULL};

/* ---- the wait interface ------------------------------------------------ */

const slab_wait_ops *slab_freertos_waiter_init(slab_freertos_waiter *w)
{
    if (w == NULL) {
        return NULL;
    }
    w->sem = xSemaphoreCreateCountingStatic(SLAB_FREERTOS_WAKE_MAX, 0, &w->storage);
    w->wakes = 0;
    w->waits = 0;
    w->timeouts = 0;
    w->ops.wait = slab_freertos_wait;
    w->ops.wake = slab_freertos_wake;
    w->ops.in_isr = slab_freertos_in_isr;
    w->ops.ctx = w;
    return &w->ops;
}

/* Blocks on the semaphore for at most *ticks. Woken: 0, and *ticks lowered
 * by the ticks this call waited (so a caller that finds no slot after a
 * wake waits again only for what is left). Timed out: 1, *ticks 0. */
int slab_freertos_wait(void *ctx, uint32_t *ticks)
{
    slab_freertos_waiter *w = ctx;
    __atomic_fetch_add(&w->waits, 1u, __ATOMIC_RELAXED);
    if (*ticks == SLAB_WAIT_FOREVER) {
        (void)xSemaphoreTake(w->sem, portMAX_DELAY); /* INCLUDE_vTaskSuspend: no limit */
        return 0;
    }
    TimeOut_t start;
    TickType_t left = (TickType_t)*ticks;
    vTaskSetTimeOutState(&start);
    if (xSemaphoreTake(w->sem, left) != pdTRUE) {
        __atomic_fetch_add(&w->timeouts, 1u, __ATOMIC_RELAXED);
        *ticks = 0;
        return 1;
    }
    /* Lowers `left` by the ticks since `start`; pdTRUE (left 0) when they
     * are all spent: still a wake, with nothing left for another wait. */
    (void)xTaskCheckForTimeOut(&start, &left);
    *ticks = (uint32_t)left;
    return 0;
}

void slab_freertos_wake(void *ctx)
{
    slab_freertos_waiter *w = ctx;
    __atomic_fetch_add(&w->wakes, 1u, __ATOMIC_RELAXED); /* tasks and ISRs */
    if (xPortIsInsideInterrupt() == pdFALSE) {
        (void)xSemaphoreGive(w->sem);
        return;
    }
    BaseType_t woken = pdFALSE;
    (void)xSemaphoreGiveFromISR(w->sem, &woken);
    portYIELD_FROM_ISR(woken); /* the woken task runs as soon as the ISR ends */
}

int slab_freertos_in_isr(void *ctx)
{
    (void)ctx;
    return xPortIsInsideInterrupt() != pdFALSE;
}
