/*
 * Cortex-M start-up: the vector table and the reset handler, for every board
 * of linker/ (they differ only in their memory map).
 *
 * Reset: copy .data from flash, zero .bss, enable the FPU when the firmware
 * is built for one, run static constructors, call main(), and report main's
 * return value as the exit status through semihosting. A fault prints its
 * name and exits with status 128 + exception number, so a crash under QEMU
 * fails the run instead of hanging it.
 */
#include <stdint.h>

#include "console.h"
#include "semihost.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
typedef void (*init_fn)(void);
extern init_fn __init_array_start[], __init_array_end[];

int main(void);
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
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    con_flush();
    con_str("\nFAULT: exception ");
    con_uint(ipsr & 0x1FFu);
    con_str("\n");
    semihost_exit(128 + (int)(ipsr & 0x1FFu));
}

void Reset_Handler(void)
{
    for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end;) {
        *dst++ = 0;
    }
#if defined(__ARM_FP)
    /* CPACR: full access to CP10 and CP11, or the first FP instruction faults. */
    volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
    *cpacr |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    for (init_fn *f = __init_array_start; f < __init_array_end; f++) {
        (*f)();
    }
    int status = main();
    con_flush();
    semihost_exit(status);
}
