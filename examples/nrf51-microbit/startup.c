/* SPDX-License-Identifier: MIT */
/*
 * nRF51822 start-up (Cortex-M0): the vector table and the reset handler.
 * No libc, no CMSIS: the symbols come from nrf51822.ld.
 *
 * Reset: copy .data from flash, zero .bss, run static constructors, call
 * main(), and end the program with main's return value as the semihosting
 * exit status. Every exception or interrupt nobody handles prints its
 * number and exits with 128 + that number, so a crash under QEMU fails the
 * run instead of hanging it.
 */
#include <stdint.h>

#include "semihost.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
typedef void (*init_fn)(void);
extern init_fn __init_array_start[], __init_array_end[];

int main(void);
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

/* "\nunhandled exception N\n", then exit 128 + N. */
void Default_Handler(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    uint32_t n = ipsr & 0x3Fu;
    static char msg[] = "\nunhandled exception 00\n"; /* static: no memcpy, no libc */
    msg[21] = (char)('0' + n / 10);
    msg[22] = (char)('0' + n % 10);
    semihost_write0(msg);
    semihost_exit(128 + (int)n);
}

void Reset_Handler(void)
{
    for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end;) {
        *dst++ = 0;
    }
    for (init_fn *f = __init_array_start; f < __init_array_end; f++) {
        (*f)();
    }
    semihost_exit(main());
}
