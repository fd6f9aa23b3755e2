/* SPDX-License-Identifier: MIT */
/*
 * ARM semihosting, the two calls the firmware needs: print a string on the
 * host's console and end the program with an exit status. The repository's
 * firmware and the boards of examples/ share it. Works under
 * `qemu-system-arm -semihosting-config enable=on,target=native` and under a
 * debug probe that implements semihosting (OpenOCD: `arm semihosting
 * enable`; pyOCD: `-O enable_semihosting=1`). Without a host (on a board
 * with no debugger attached) the BKPT instruction faults (HardFault, then
 * lockup): do not ship it; write to a UART instead.
 * No libc: this is the firmware's whole I/O layer.
 */
#ifndef FW_SEMIHOST_H
#define FW_SEMIHOST_H

#ifdef __cplusplus
extern "C" {
#endif

/* SYS_WRITE0: writes a NUL-terminated string to the host's stdout. */
void semihost_write0(const char *s);

/* SYS_EXIT_EXTENDED: ends the emulation; QEMU exits with `status`.
 * Never returns. */
void semihost_exit(int status) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* FW_SEMIHOST_H */
