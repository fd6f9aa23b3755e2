/*
 * NULL guard for mps2-an385, where address 0 is writable RAM: MPU region 0
 * forbids every access (read, write, execute, privileged or not) to bytes
 * 0..255, so a write through a NULL pointer (or a small offset from one)
 * faults instead of silently rewriting the boot vector table. The rest of
 * the map stays the default one (PRIVDEFENA).
 *
 * A MemManage fault on the guard ends the run with status 132 (128 + 4)
 * after printing the faulting address; mpu_guard_probe() arms a one-shot
 * recovery instead, for the demo's own check that the guard is live.
 */
#ifndef FW_FREERTOS_MPU_GUARD_H
#define FW_FREERTOS_MPU_GUARD_H

#include <stdint.h>

enum { MPU_GUARD_BYTES = 256 };

/* Programs region 0 and enables the MPU and the MemManage fault. Call once,
 * before anything may dereference NULL (the reset handler does). */
void mpu_guard_enable(void);

/* 1 when the MPU is on and region 0 is the guard as mpu_guard_enable() set
 * it, read back from the MPU's registers; else 0. */
int mpu_guard_active(void);

/* Writes `value` to address `addr` (< MPU_GUARD_BYTES) and reports whether
 * the write faulted on the guard: 1 faulted (the store was skipped, nothing
 * written), 0 it went through. Thread or handler context. */
int mpu_guard_probe(uintptr_t addr, uint32_t value);

#endif /* FW_FREERTOS_MPU_GUARD_H */
