/*
 * Instruction counter for the emulated Cortex-M: SysTick under QEMU -icount.
 *
 * With `-icount shift=N` QEMU's virtual clock advances by 2^N ns per guest
 * instruction, exactly, whatever the host does; SysTick, clocked from the
 * CPU clock, counts down with that virtual clock. So the difference of two
 * reads of SYST_CVR is a fixed function of the instructions executed between
 * them: ticks = instructions * (2^N ns / clock period), give or take the
 * rounding of one tick. counter_calibrate() measures that ratio against
 * code of known length, and the overhead of the measurement itself, so
 * counter_insns() can turn ticks into the instructions of the measured call.
 * (Instructions, not cycles: see docs/bench-target.md.)
 */
#ifndef BENCH_TARGET_COUNTER_H
#define BENCH_TARGET_COUNTER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Any function of up to three word-sized arguments, called by address
 * (cast to this type; only the assembly calls it). */
typedef void (*counter_fn)(void);

/* Starts SysTick free-running over its whole 24-bit range, no interrupt. */
void counter_start(void);

/*
 * Calls fn(a0, a1, a2) between two reads of SYST_CVR and returns the ticks
 * elapsed (mod 2^24); fn's return value (r0) goes to *ret. The window holds a
 * fixed instruction sequence around the call (the call, one load), written
 * in assembly so that it is the same for every fn: calibration removes it.
 */
uint32_t counter_ticks(counter_fn fn, uintptr_t a0, uintptr_t a1, uintptr_t a2, uintptr_t *ret);

/* Calibration, from calls to functions of known length (runs of NOPs). */
typedef struct {
    uint32_t sled_short;   /* instructions of the short probe (NOPs + return) */
    uint32_t sled_long;    /* instructions of the long probe */
    uint32_t ticks_short;  /* mean counter_ticks() of the short probe, rounded */
    uint32_t ticks_long;   /* mean counter_ticks() of the long probe, rounded */
    uint32_t ticks_empty;  /* mean counter_ticks() of a lone `bx lr`, rounded */
    uint32_t milli_ticks_per_insn; /* 1000 * (ticks_long - ticks_short) / (sled_long - sled_short) */
    uint32_t overhead_milli_ticks; /* 1000 * ticks of the window without the callee */
    uint32_t overhead_insns;       /* the same, in instructions (rounded) */
    uint32_t max_error_insns; /* worst |measured - known| over every probe length checked */
} counter_calibration;

/*
 * Measures the probes (the mean of 16 calls each, which removes the rounding
 * of single readings), fills *cal, then checks that single calls of 12
 * probes of known length (1 to 100001 instructions) convert exactly.
 * Returns 0, or: 1 the counter does not move (no -icount, no SysTick),
 * 2 fewer than 2 ticks per instruction (-icount shift below 7),
 * 3 a probe converted to a wrong count.
 */
int counter_calibrate(counter_calibration *cal);

/* Instructions of the callee (its return included) for a counter_ticks()
 * figure, rounded to the nearest. */
uint32_t counter_insns(const counter_calibration *cal, uint32_t ticks);

/* Shortcut: the instructions of one call fn(a0, a1, a2). */
uint32_t counter_call(const counter_calibration *cal, counter_fn fn, uintptr_t a0, uintptr_t a1, uintptr_t a2,
                      uintptr_t *ret);

#ifdef __cplusplus
}
#endif

#endif /* BENCH_TARGET_COUNTER_H */
