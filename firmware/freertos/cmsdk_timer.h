/*
 * The CMSDK APB timers of mps2-an385 (timer 0 at 0x40000000 on IRQ 8,
 * timer 1 at 0x40001000 on IRQ 9), clocked at 25 MHz like the core: under
 * `-icount shift=0` (1 ns per instruction) one timer tick is 40
 * instructions, so a timer fires at the same instruction on every run.
 */
#ifndef FW_FREERTOS_CMSDK_TIMER_H
#define FW_FREERTOS_CMSDK_TIMER_H

#include <stdint.h>

/* Starts timer n (0 or 1) with an interrupt every reload + 1 ticks, at NVIC
 * priority `prio` (the byte value, FreeRTOSConfig.h). */
void cmsdk_timer_start(unsigned n, uint32_t reload, uint8_t prio);

/* Only the interrupt line of timer n, at NVIC priority `prio`, the timer
 * itself stopped: for cmsdk_timer_pend(). */
void cmsdk_timer_irq_enable(unsigned n, uint8_t prio);

/* Stops timer n and its interrupt (nothing pending stays). */
void cmsdk_timer_stop(unsigned n);

/* Acknowledges timer n's interrupt: first thing in its handler. */
void cmsdk_timer_ack(unsigned n);

/* Makes timer n's interrupt pending now, from thread context, whatever
 * the timer does: the tests' way to run the handler at a chosen point. */
void cmsdk_timer_pend(unsigned n);

#endif /* FW_FREERTOS_CMSDK_TIMER_H */
