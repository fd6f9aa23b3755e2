/* SPDX-License-Identifier: MIT */
/* ARM semihosting over BKPT 0xAB (the M-profile trap): see semihost.h. */
#include "semihost.h"

#include <stdint.h>

#define SYS_WRITE0 0x04u
#define SYS_EXIT 0x18u
#define SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u /* angel_SWIReason_ReportException: "the program ended" */
#define ADP_STOPPED_RUN_TIME_ERROR 0x20023u

/* r0 = operation, r1 = argument; the host answers in r0. The memory clobber
 * makes the compiler store what r1 points to before the trap. */
static uint32_t semihost_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void semihost_write0(const char *s)
{
    (void)semihost_call(SYS_WRITE0, s);
}

void semihost_exit(int status)
{
    /* SYS_EXIT_EXTENDED carries the status (QEMU exits with it); plain
     * SYS_EXIT on 32-bit ARM can only say success or failure. */
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    (void)semihost_call(SYS_EXIT_EXTENDED, block);
    (void)semihost_call(SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT
                                                                        : ADP_STOPPED_RUN_TIME_ERROR));
    for (;;) {
    }
}
