/*
 * Two configurable-priority exceptions as test interrupts: SysTick and PendSV
 * are pended by software (ICSR) and masked by BASEPRI like any device
 * interrupt, so the tests need no device. Each runs the action a test set.
 */
#ifndef FW_RTOS_EXCEPTIONS_H
#define FW_RTOS_EXCEPTIONS_H

#include <stdint.h>

typedef void (*isr_action)(void);

/* Priorities (the 8-bit field as the NVIC stores it; QEMU's an385 keeps 8 bits). */
void exc_set_priorities(uint8_t systick, uint8_t pendsv);
void exc_on_systick(isr_action fn);
void exc_on_pendsv(isr_action fn);
void exc_pend_systick(void);
void exc_pend_pendsv(void);
extern volatile unsigned exc_systick_runs;
extern volatile unsigned exc_pendsv_runs;

uint32_t exc_basepri(void);
void exc_set_basepri(uint32_t v);

#endif /* FW_RTOS_EXCEPTIONS_H */
