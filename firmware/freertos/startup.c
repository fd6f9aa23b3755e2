/*
 * Start-up of the FreeRTOS firmware on mps2-an385 (Cortex-M3): two vector
 * tables, the reset handler and the fault handler (the reset path and the
 * fault exit are firmware/reset.h's, as for firmware/startup.c).
 *
 * Why two tables: address 0 is writable RAM on this board, so the MPU guard
 * (mpu_guard.h) forbids every access to bytes 0..255, which is where the core
 * fetches its boot table. The boot table fills exactly those 256 bytes (code
 * starts at 0x100, outside the guard); the reset handler points VTOR at the
 * run-time table, elsewhere in flash, which FreeRTOS reads (its first word is
 * the initial MSP, read back when the scheduler starts; entries 11 and 14
 * are checked against vPortSVCHandler and xPortPendSVHandler).
 * Exception entry reads vectors through VTOR with the default memory map,
 * so the guard never blocks them.
 *
 * SVC, PendSV and SysTick go straight to the port's handlers; device
 * interrupts 8 and 9 are the CMSDK timers 0 and 1 (cmsdk_timer.h).
 */
#include <stdint.h>

#include "console.h"
#include "mpu_guard.h"
#include "reset.h"
#include "semihost.h"

void Reset_Handler(void) __attribute__((noreturn));
void Fault_Handler(void);
void MemManage_Handler(void);
void vPortSVCHandler(void);
void xPortPendSVHandler(void);
void xPortSysTickHandler(void);

/* Device interrupts a firmware may define; the default is a fault. */
void Timer0_IRQHandler(void) __attribute__((weak, alias("Fault_Handler")));
void Timer1_IRQHandler(void) __attribute__((weak, alias("Fault_Handler")));

typedef void (*vector)(void);
enum { VECTORS = 64 }; /* 16 system + 48 device slots: 256 bytes */
enum { TIMER0_IRQ = 8, TIMER1_IRQ = 9 };

/* Boot table: what the core reads at reset, and nothing else. */
__attribute__((section(".vectors"), used)) static const vector boot_vectors[VECTORS] = {
    (vector)__stack_top, Reset_Handler, Fault_Handler, Fault_Handler,
};

/* Run-time table, aligned to its size as VTOR requires. */
__attribute__((aligned(256), used)) static const vector vectors[VECTORS] = {
    [0] = (vector)__stack_top,
    [1] = Reset_Handler,
    [2] = Fault_Handler,     /* NMI */
    [3] = Fault_Handler,     /* HardFault */
    [4] = MemManage_Handler, /* the MPU guard (mpu_guard.c) */
    [5] = Fault_Handler,     /* BusFault */
    [6] = Fault_Handler,     /* UsageFault */
    [11] = vPortSVCHandler,
    [14] = xPortPendSVHandler,
    [15] = xPortSysTickHandler,
    [16 + TIMER0_IRQ] = Timer0_IRQHandler,
    [16 + TIMER1_IRQ] = Timer1_IRQHandler,
};

#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)

/* Any exception without a handler: print its number, exit 128 + number. */
void Fault_Handler(void)
{
    con_flush();
    reset_fault_exit();
}

/* The shared reset path (reset.h), then the run-time table and the guard. */
void Reset_Handler(void)
{
    reset_init();
    SCB_VTOR = (uint32_t)(uintptr_t)vectors;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    mpu_guard_enable();
    int status = main(); /* starts the scheduler: returns only if it fails */
    con_flush();
    semihost_exit(status);
}
