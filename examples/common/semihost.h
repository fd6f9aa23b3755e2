/* SPDX-License-Identifier: MIT */
/*
 * ARM semihosting: the demo's whole I/O. Two calls: write a string on the
 * host's console (SYS_WRITE0) and end the program with an exit status
 * (SYS_EXIT_EXTENDED). Works under QEMU with
 * `-semihosting-config enable=on,target=native` and under a debug probe that
 * implements semihosting (OpenOCD: `arm semihosting enable`; pyOCD:
 * `-O enable_semihosting=1`). Without a debugger attached the BKPT traps
 * (HardFault, then lockup): on a board running on its own, write to the
 * UART instead.
 */
#ifndef EXAMPLE_SEMIHOST_H
#define EXAMPLE_SEMIHOST_H

void semihost_write0(const char *s);
void semihost_exit(int status) __attribute__((noreturn));

#endif
