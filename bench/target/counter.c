/* SysTick as an instruction counter under QEMU -icount (see counter.h). */
#include "counter.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u) /* control and status */
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u) /* reload value */
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u) /* current value */

enum { CSR_ENABLE = 1u << 0, CSR_CLKSOURCE_CPU = 1u << 2 };
enum { COUNTER_MASK = 0xFFFFFFu };

void counter_start(void)
{
    SYST_CSR = 0;
    /* Reload 2^24 - 1: the period is 2^24 ticks, so a difference taken mod
     * 2^24 is exact across a reload, for windows under 2^24 ticks. */
    SYST_RVR = COUNTER_MASK;
    SYST_CVR = 0;
    SYST_CSR = CSR_ENABLE | CSR_CLKSOURCE_CPU; /* no TICKINT: never interrupts */
}

/*
 * The measurement window, in assembly so that it is the same instructions
 * for every callee (a compiler could schedule C differently around each
 * call). r7 holds the first read, r6 the register's address; the callee's
 * arguments are shifted down into r0..r2; `ret` is the fifth argument, on
 * the stack (at sp + 24 once six registers are pushed: an even number, so
 * the stack stays 8-byte aligned at the call, as AAPCS wants).
 * Thumb-2: ARMv7-M and ARMv8-M mainline.
 *   window = [ldr r7 (first read)] blx, callee..., [ldr r1 (second read)]
 */
/* The parameters are used by the assembly only (naked: no prologue). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
__attribute__((naked)) uint32_t counter_ticks(counter_fn fn, uintptr_t a0, uintptr_t a1, uintptr_t a2,
                                              uintptr_t *ret)
{
    __asm__ volatile(
        "push {r4, r5, r6, r7, r8, lr}\n\t"
        "mov r4, r0\n\t"
        "mov r0, r1\n\t"
        "mov r1, r2\n\t"
        "mov r2, r3\n\t"
        "movw r6, #0xE018\n\t"
        "movt r6, #0xE000\n\t"
        "ldr r7, [r6]\n\t"
        "blx r4\n\t"
        "ldr r1, [r6]\n\t"
        "ldr r2, [sp, #24]\n\t"
        "str r0, [r2]\n\t"
        "subs r0, r7, r1\n\t"
        "bic r0, r0, #0xFF000000\n\t"
        "pop {r4, r5, r6, r7, r8, pc}\n\t");
}
#pragma GCC diagnostic pop

/* Probes of known length: n NOPs and the return, n + 1 instructions. */
#define SLED(name, n)                                                          \
    __asm__(".text\n\t.balign 4\n\t.global " #name "\n\t.thumb_func\n\t"      \
            ".type " #name ", %function\n" #name ":\n\t.rept " #n "\n\tnop\n\t" \
            ".endr\n\tbx lr\n\t.size " #name ", .-" #name "\n");
SLED(sled_0, 0)
SLED(sled_1, 1)
SLED(sled_2, 2)
SLED(sled_4, 4)
SLED(sled_9, 9)
SLED(sled_39, 39)
SLED(sled_99, 99)
SLED(sled_999, 999)
SLED(sled_3999, 3999)
void sled_0(void), sled_1(void), sled_2(void), sled_4(void), sled_9(void), sled_39(void), sled_99(void),
    sled_999(void), sled_3999(void);

/* A loop of r0 rounds, 2 * r0 + 1 instructions (r0 >= 1): a long probe that
 * is not straight-line code, to check that the ratio holds far out. */
__asm__(".text\n\t.balign 4\n\t.global loop_probe\n\t.thumb_func\n\t.type loop_probe, %function\n"
        "loop_probe:\n1:\n\tsubs r0, r0, #1\n\tbne 1b\n\tbx lr\n\t.size loop_probe, .-loop_probe\n");
void loop_probe(void);

/* Mean ticks of one call, in thousandths. One reading is off by up to a
 * tick either way (two reads of a counter whose ticks do not fall on
 * instruction boundaries), the mean of several is not. */
enum { CAL_REPEAT = 16 };
static uint32_t milli_ticks_of(counter_fn fn, uintptr_t a0)
{
    uintptr_t ret;
    uint64_t sum = 0;
    for (int i = 0; i < CAL_REPEAT; i++) {
        sum += counter_ticks(fn, a0, 0, 0, &ret);
    }
    return (uint32_t)(sum * 1000u / CAL_REPEAT);
}

static uint32_t abs_diff(uint32_t a, uint32_t b) { return a > b ? a - b : b - a; }

int counter_calibrate(counter_calibration *cal)
{
    counter_start();
    cal->sled_short = 100;
    cal->sled_long = 4000;
    uint32_t empty = milli_ticks_of(sled_0, 0);
    uint32_t shrt = milli_ticks_of(sled_99, 0);
    uint32_t lng = milli_ticks_of(sled_3999, 0);
    cal->ticks_empty = (empty + 500u) / 1000u;
    cal->ticks_short = (shrt + 500u) / 1000u;
    cal->ticks_long = (lng + 500u) / 1000u;
    if (lng <= shrt) {
        return 1; /* the counter does not move: SysTick absent or stopped */
    }
    cal->milli_ticks_per_insn = (lng - shrt) / (cal->sled_long - cal->sled_short);
    if (cal->milli_ticks_per_insn < 2000u) {
        /* Under two ticks per instruction, the one-tick error of a reading
         * can round to the wrong instruction count: raise the -icount shift. */
        return 2;
    }
    /* The empty probe is the window plus its one `bx lr`. */
    cal->overhead_milli_ticks = empty - cal->milli_ticks_per_insn;
    cal->overhead_insns = (cal->overhead_milli_ticks + cal->milli_ticks_per_insn / 2) / cal->milli_ticks_per_insn;

    /* Every probe, measured one call at a time, must convert to its exact
     * length, every time. */
    static const struct {
        counter_fn fn;
        uint32_t arg, insns;
    } probes[] = {
        {sled_0, 0, 1},       {sled_1, 0, 2},       {sled_2, 0, 3},       {sled_4, 0, 5},
        {sled_9, 0, 10},      {sled_39, 0, 40},     {sled_99, 0, 100},    {sled_999, 0, 1000},
        {sled_3999, 0, 4000}, {loop_probe, 1, 3},   {loop_probe, 20, 41}, {loop_probe, 50000, 100001},
    };
    cal->max_error_insns = 0;
    for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        for (int k = 0; k < CAL_REPEAT; k++) {
            uintptr_t ret;
            uint32_t got = counter_call(cal, probes[i].fn, probes[i].arg, 0, 0, &ret);
            uint32_t err = abs_diff(got, probes[i].insns);
            if (err > cal->max_error_insns) {
                cal->max_error_insns = err;
            }
        }
    }
    return cal->max_error_insns != 0 ? 3 : 0;
}

uint32_t counter_insns(const counter_calibration *cal, uint32_t ticks)
{
    uint64_t mt = 1000ull * ticks;
    if (mt <= cal->overhead_milli_ticks) {
        return 0;
    }
    return (uint32_t)((mt - cal->overhead_milli_ticks + cal->milli_ticks_per_insn / 2) / cal->milli_ticks_per_insn);
}

uint32_t counter_call(const counter_calibration *cal, counter_fn fn, uintptr_t a0, uintptr_t a1, uintptr_t a2,
                      uintptr_t *ret)
{
    return counter_insns(cal, counter_ticks(fn, a0, a1, a2, ret));
}
