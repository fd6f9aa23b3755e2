/*
 * SysTick, the Cortex-M core timer: periodic interrupts every `reload` + 1
 * processor clock cycles. Present on every Cortex-M (optional on M0, present
 * on QEMU's). Under QEMU with -icount the processor clock follows the
 * instruction count, so interrupts land at the same instructions on every run.
 */
#ifndef FW_SYSTICK_H
#define FW_SYSTICK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void systick_start(uint32_t reload); /* reload in 1 .. 0xFFFFFF */
void systick_stop(void);

#ifdef __cplusplus
}
#endif

#endif /* FW_SYSTICK_H */
