/* SPDX-License-Identifier: MIT */
/*
 * The reset path shared by every start-up file of this repository
 * (firmware/startup.c, firmware/freertos/startup.c and the boards of
 * examples/): what a Cortex-M firmware without the C library's start files
 * must do before main(), and how it ends on an exception nobody handles.
 *
 * Each start-up file keeps what is its own (its vector table, VTOR, the
 * MPU, flushing its console) and its handlers read:
 *
 *   Reset_Handler:    reset_init();            // FPU, .data, .bss, constructors
 *                     ...                      // its own set-up, if any
 *                     semihost_exit(main());
 *   its fault handler: reset_fault_exit();     // "FAULT: exception N", exit 128 + N
 *
 * The symbols come from the linker script (linker/sections.ld, the
 * examples' *.ld). One static inline function in a header, as CMSIS's
 * __cmsis_start: every start-up file has it, whichever build compiles it,
 * without one more source file to list.
 */
#ifndef FW_RESET_H
#define FW_RESET_H

#include <stdint.h>

#include "semihost.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
typedef void (*reset_init_fn)(void);
extern reset_init_fn __init_array_start[], __init_array_end[];

int main(void);

/* Enables the FPU when the firmware is built for one, copies .data from
 * flash, zeroes .bss and runs the static constructors, in that order. */
static inline void reset_init(void)
{
#if defined(__ARM_FP)
    /* CPACR: full access to CP10 and CP11 before any floating-point
     * instruction (the compiler may use FP registers anywhere, even in the
     * loops below), or the first one faults. */
    volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
    *cpacr |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end;) {
        *dst++ = 0;
    }
    for (reset_init_fn *f = __init_array_start; f < __init_array_end; f++) {
        (*f)();
    }
}

/* For every exception without a handler: prints "\nFAULT: exception N\n"
 * (N from IPSR) through semihosting and exits with status 128 + N, so that a
 * crash under QEMU fails the run instead of hanging it. No libc. */
static inline void reset_fault_exit(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    uint32_t n = ipsr & 0x1FFu;
    static char digits[] = "000\n"; /* static: no memcpy */
    unsigned i = 3u;
    uint32_t v = n;
    do {
        digits[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    semihost_write0("\nFAULT: exception ");
    semihost_write0(&digits[i]);
    semihost_exit(128 + (int)n);
}

#endif /* FW_RESET_H */
