/* SPDX-License-Identifier: MIT */
/*
 * nRF51822 start-up (Cortex-M0): the vector table and the reset handler.
 * No libc, no CMSIS: the symbols come from nrf51822.ld.
 *
 * Reset: the repository's reset path (firmware/reset.h: copy .data from
 * flash, zero .bss, run static constructors), call main(), and end the
 * program with main's return value as the semihosting exit status
 * (firmware/semihost.c). Every exception or interrupt nobody handles prints
 * its number and exits with 128 + that number (reset.h), so a crash under
 * QEMU fails the run instead of hanging it.
 */
#include <stdint.h>

#include "reset.h"
#include "semihost.h"

void Reset_Handler(void) __attribute__((noreturn));
void Default_Handler(void);

/* Define a function of one of these names to handle it. */
#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("Default_Handler")))
WEAK_HANDLER(NMI_Handler);
WEAK_HANDLER(HardFault_Handler);
WEAK_HANDLER(SVC_Handler);
WEAK_HANDLER(PendSV_Handler);
WEAK_HANDLER(SysTick_Handler);
WEAK_HANDLER(POWER_CLOCK_IRQHandler);
WEAK_HANDLER(RADIO_IRQHandler);
WEAK_HANDLER(UART0_IRQHandler);
WEAK_HANDLER(SPI0_TWI0_IRQHandler);
WEAK_HANDLER(SPI1_TWI1_IRQHandler);
WEAK_HANDLER(GPIOTE_IRQHandler);
WEAK_HANDLER(ADC_IRQHandler);
WEAK_HANDLER(TIMER0_IRQHandler);
WEAK_HANDLER(TIMER1_IRQHandler);
WEAK_HANDLER(TIMER2_IRQHandler);
WEAK_HANDLER(RTC0_IRQHandler);
WEAK_HANDLER(TEMP_IRQHandler);
WEAK_HANDLER(RNG_IRQHandler);
WEAK_HANDLER(ECB_IRQHandler);
WEAK_HANDLER(CCM_AAR_IRQHandler);
WEAK_HANDLER(WDT_IRQHandler);
WEAK_HANDLER(RTC1_IRQHandler);
WEAK_HANDLER(QDEC_IRQHandler);
WEAK_HANDLER(LPCOMP_IRQHandler);
WEAK_HANDLER(SWI0_IRQHandler);
WEAK_HANDLER(SWI1_IRQHandler);
WEAK_HANDLER(SWI2_IRQHandler);
WEAK_HANDLER(SWI3_IRQHandler);
WEAK_HANDLER(SWI4_IRQHandler);
WEAK_HANDLER(SWI5_IRQHandler);

/* ARMv6-M: 16 system entries (no MemManage, BusFault, UsageFault or
 * DebugMonitor), then the nRF51's 32 interrupt lines (26 used). */
__attribute__((section(".vectors"), used)) static void (*const vectors[])(void) = {
    (void (*)(void))__stack_top, /* initial main stack pointer */
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    0, 0, 0, 0, 0, 0, 0, /* 4-10: reserved on ARMv6-M */
    SVC_Handler,
    0, 0, /* 12-13: reserved */
    PendSV_Handler,
    SysTick_Handler,
    /* IRQ 0.. (nRF51 Reference Manual, "Instantiation") */
    POWER_CLOCK_IRQHandler,
    RADIO_IRQHandler,
    UART0_IRQHandler,
    SPI0_TWI0_IRQHandler,
    SPI1_TWI1_IRQHandler,
    0, /* 5: reserved */
    GPIOTE_IRQHandler,
    ADC_IRQHandler,
    TIMER0_IRQHandler,
    TIMER1_IRQHandler,
    TIMER2_IRQHandler,
    RTC0_IRQHandler,
    TEMP_IRQHandler,
    RNG_IRQHandler,
    ECB_IRQHandler,
    CCM_AAR_IRQHandler,
    WDT_IRQHandler,
    RTC1_IRQHandler,
    QDEC_IRQHandler,
    LPCOMP_IRQHandler,
    SWI0_IRQHandler,
    SWI1_IRQHandler,
    SWI2_IRQHandler,
    SWI3_IRQHandler,
    SWI4_IRQHandler,
    SWI5_IRQHandler,
    0, 0, 0, 0, 0, 0, /* 26-31: reserved */
};
_Static_assert(sizeof vectors / sizeof vectors[0] == 16 + 32, "16 system entries and 32 interrupt lines");

/* Every exception nobody handles (reset.h): "FAULT: exception N", exit
 * 128 + N. */
void Default_Handler(void) { reset_fault_exit(); }

void Reset_Handler(void)
{
    reset_init(); /* .data, .bss, constructors */
    semihost_exit(main());
}
