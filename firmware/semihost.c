/* SPDX-License-Identifier: MIT */
/* ARM semihosting over BKPT 0xAB (the M-profile trap; see semihost.h). */
#include "semihost.h"

#include <stdint.h>

enum {
    SYS_WRITE0 = 0x04,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026, /* "the program ended", with a status */
    ADP_STOPPED_RUN_TIME_ERROR = 0x20023,   /* "the program failed" */
};

/* r0 = operation, r1 = argument; the host answers in r0. The memory clobber
 * makes the compiler store whatever r1 points to before the trap. */
static uintptr_t semihost_call(uintptr_t op, const void *arg)
{
    register uintptr_t r0 __asm__("r0") = op;
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
    /* SYS_EXIT_EXTENDED carries the status on 32-bit ARM, where plain
     * SYS_EXIT can only say "success" or "failure". */
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    (void)semihost_call(SYS_EXIT_EXTENDED, block);
    /* A host without the extension: fall back to success/failure. */
    (void)semihost_call(SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT
                                                                        : ADP_STOPPED_RUN_TIME_ERROR));
    for (;;) {
    }
}
