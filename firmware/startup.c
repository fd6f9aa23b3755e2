/*
 * Cortex-M start-up: the vector table and the reset handler, for every board
 * of linker/ (they differ only in their memory map).
 *
 * Reset: the shared reset path (reset.h: FPU, .data, .bss, constructors),
 * then main(), whose return value is the exit status through semihosting,
 * after the console's last line. A fault flushes the console, prints its
 * number and exits with status 128 + that number (reset.h), so a crash under
 * QEMU fails the run instead of hanging it.
 */
#include <stdint.h>

#include "console.h"
#include "reset.h"
#include "semihost.h"

void Reset_Handler(void) __attribute__((noreturn));
void Fault_Handler(void);

/* Handlers a firmware may define; the default is a fault. */
void NMI_Handler(void) __attribute__((weak, alias("Fault_Handler")));
void HardFault_Handler(void) __attribute__((weak, alias("Fault_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Fault_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Fault_Handler")));
void SysTick_Handler(void) __attribute__((weak, alias("Fault_Handler")));

/* The 16 system exceptions; the boards' device interrupts are not used. */
__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))__stack_top, /* 0: initial main stack pointer */
    Reset_Handler,               /* 1 */
    NMI_Handler,                 /* 2 */
    HardFault_Handler,           /* 3 */
    Fault_Handler,               /* 4: MemManage (ARMv7-M and later) */
    Fault_Handler,               /* 5: BusFault */
    Fault_Handler,               /* 6: UsageFault */
    Fault_Handler,               /* 7: SecureFault (ARMv8-M) */
    0, 0, 0,                     /* 8-10: reserved */
    SVC_Handler,                 /* 11 */
    0,                           /* 12: DebugMonitor */
    0,                           /* 13: reserved */
    PendSV_Handler,              /* 14 */
    SysTick_Handler,             /* 15 */
};

void Fault_Handler(void)
{
    con_flush();
    reset_fault_exit();
}

void Reset_Handler(void)
{
    reset_init();
    int status = main();
    con_flush();
    semihost_exit(status);
}
