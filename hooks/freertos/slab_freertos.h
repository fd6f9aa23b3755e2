/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief libslab on FreeRTOS (ARMv7-M ports: GCC/ARM_CM3, ARM_CM4F): the kernel's
 * critical section as a cache's lock, and a counting semaphore as a cache's
 * wait interface (include/slab/slab.h: slab_lock_ops, slab_wait_ops).
 *
 * docs/freertos.md has the demo that uses both.
 * @code
 *   slab_cache *pool;
 *   static slab_freertos_waiter pool_waiter;           // static storage
 *   slab_cache_create_with_lock(&pool, 64, 0, 0, &slab_freertos_lock_ops);
 *   slab_cache_set_wait(pool, slab_freertos_waiter_init(&pool_waiter));
 *   void *p = slab_alloc_wait(pool, pdMS_TO_TICKS(10)); // blocks up to 10 ms
 * @endcode
 * Lock: in a task, taskENTER_CRITICAL() / taskEXIT_CRITICAL() (nests, by
 * the kernel's per-task nesting count); in an interrupt,
 * taskENTER_CRITICAL_FROM_ISR() / taskEXIT_CRITICAL_FROM_ISR() with the
 * saved BASEPRI as the token. Both raise BASEPRI to
 * configMAX_SYSCALL_INTERRUPT_PRIORITY: interrupts at that priority value or
 * above it (numerically) may use the cache; more urgent ones must not (with
 * configASSERT on, the port's priority check catches them). Tasks and ISRs
 * are told apart by IPSR (xPortIsInsideInterrupt()). Before the scheduler
 * starts the task path leaves BASEPRI raised until it starts (FreeRTOS's
 * own rule for critical sections at that time).
 *
 * Wait: one slab_freertos_waiter per cache, a counting semaphore in static
 * storage (no FreeRTOS heap), with the slab_wait_ops that lead to it (the
 * cache keeps a pointer to them: the waiter must outlive the cache). Waiters queue on it in priority order, so a
 * wake() releases the highest-priority one. A wake() with nobody waiting
 * leaves a count behind: the next wait() returns at once, the cache finds
 * no slot and waits again with the ticks left (wait() counts them down
 * through vTaskSetTimeOutState() / xTaskCheckForTimeOut()).
 */
#ifndef SLAB_FREERTOS_H
#define SLAB_FREERTOS_H

#include <stdint.h>

#include "FreeRTOS.h"
#include "semphr.h"
#include "slab/slab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the lock ---------------------------------------------------------- */

/** @brief Token of the task path: above any BASEPRI value (0..255) the ISR path
 *  returns, so unlock() knows which exit to take without reading IPSR. */
#define SLAB_FREERTOS_TASK_TOKEN 0x100UL

/**
 * @brief The lock's lock(): taskENTER_CRITICAL() in a task,
 * taskENTER_CRITICAL_FROM_ISR() in an interrupt.
 * @param ctx  unused
 * @return SLAB_FREERTOS_TASK_TOKEN in a task, the saved BASEPRI in an interrupt.
 */
unsigned long slab_freertos_lock(void *ctx);
/**
 * @brief The lock's unlock(): the exit that matches the token.
 * @param ctx    unused
 * @param token  what slab_freertos_lock() returned
 */
void slab_freertos_unlock(void *ctx, unsigned long token);

/** @brief {slab_freertos_lock, slab_freertos_unlock, NULL}: pass its address to
 *  slab_cache_create_with_lock() or slab_cache_config.lock. */
extern const slab_lock_ops slab_freertos_lock_ops;

/* ---- the wait interface ------------------------------------------------ */

/** @brief The wait interface of one cache: a counting semaphore in static
 *  storage (slab_freertos_waiter_init()). */
typedef struct slab_freertos_waiter {
    slab_wait_ops ops;         /**< what slab_cache_set_wait() is given */
    StaticSemaphore_t storage; /**< the semaphore's control block */
    SemaphoreHandle_t sem;     /**< counting, 0 at start */
    uint32_t wakes;            /**< wake() calls (statistics; grows only) */
    uint32_t waits;            /**< wait() calls that blocked or took a count */
    uint32_t timeouts;         /**< wait() calls that ran out of ticks */
} slab_freertos_waiter;

/** @brief Largest count a waiter keeps (wakes that found nobody waiting). */
#define SLAB_FREERTOS_WAKE_MAX 0xFFFFu

/**
 * @brief Builds the semaphore in *w.
 *
 * Thread context, once per waiter, before any cache uses it.
 * @param w  the waiter, in static storage
 * @return &w->ops for slab_cache_set_wait() (NULL when w is NULL).
 */
const slab_wait_ops *slab_freertos_waiter_init(slab_freertos_waiter *w);

/* The three functions *ops points to (ctx is the slab_freertos_waiter). */
/**
 * @brief slab_wait_ops.wait: blocks on the semaphore for at most *ticks.
 * @param ctx    the slab_freertos_waiter
 * @param ticks  in: ticks to wait at most (SLAB_WAIT_FOREVER: no limit);
 *               out: lowered by the ticks this call waited (0 on timeout)
 * @return 0 when woken, non-zero when the ticks ran out.
 */
int slab_freertos_wait(void *ctx, uint32_t *ticks);
/**
 * @brief slab_wait_ops.wake: gives the semaphore (from a task or an ISR),
 * which releases the highest-priority waiter.
 * @param ctx  the slab_freertos_waiter
 */
void slab_freertos_wake(void *ctx);
/**
 * @brief slab_wait_ops.in_isr: xPortIsInsideInterrupt().
 * @param ctx  unused
 * @return non-zero in an interrupt.
 */
int slab_freertos_in_isr(void *ctx);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SLAB_FREERTOS_H */
