/* The MPU NULL guard and its MemManage handler (see mpu_guard.h). */
#include "mpu_guard.h"

#include "console.h"
#include "semihost.h"

#define MPU_TYPE (*(volatile uint32_t *)0xE000ED90u)
#define MPU_CTRL (*(volatile uint32_t *)0xE000ED94u)
#define MPU_RNR (*(volatile uint32_t *)0xE000ED98u)
#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9Cu)
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0u)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)

enum {
    CTRL_ENABLE = 1u << 0,
    CTRL_PRIVDEFENA = 1u << 2,
    RASR_ENABLE = 1u << 0,
    RASR_SIZE_256 = 7u << 1, /* 2^(SIZE + 1) bytes */
    RASR_AP_NONE = 0u << 24, /* no access, privileged or not */
    RASR_XN = 1u << 28,
    SHCSR_MEMFAULTENA = 1u << 16,
    CFSR_MMFSR = 0xFFu,      /* MemManage status bits, write 1 to clear */
    CFSR_MMARVALID = 1u << 7,
};
#define GUARD_RASR (RASR_XN | RASR_AP_NONE | RASR_SIZE_256 | RASR_ENABLE)

void mpu_guard_enable(void)
{
    MPU_CTRL = 0;
    MPU_RNR = 0;
    MPU_RBAR = 0; /* base 0, region number from RNR */
    MPU_RASR = GUARD_RASR;
    SCB_SHCSR |= SHCSR_MEMFAULTENA;
    MPU_CTRL = CTRL_PRIVDEFENA | CTRL_ENABLE;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

int mpu_guard_active(void)
{
    if (((MPU_TYPE >> 8) & 0xFFu) == 0 || (MPU_CTRL & CTRL_ENABLE) == 0) {
        return 0; /* no MPU, or off */
    }
    MPU_RNR = 0;
    return (MPU_RBAR & ~0x1Fu) == 0 && MPU_RASR == GUARD_RASR;
}

/* The probe's state: armed by mpu_guard_probe(), read by the handler. */
static volatile int probe_armed;
static volatile int probe_faulted;

int mpu_guard_probe(uintptr_t addr, uint32_t value)
{
    volatile uint32_t *volatile p = (volatile uint32_t *)addr;
    probe_faulted = 0;
    probe_armed = 1;
    __asm__ volatile("" ::: "memory");
    *p = value;
    __asm__ volatile("" ::: "memory");
    probe_armed = 0;
    return probe_faulted;
}

void mpu_guard_fault(uint32_t *frame);

/* Called with the stacked frame (r0-r3, r12, lr, pc, xpsr) of the faulting
 * context. A fault the probe armed for skips the store (16- or 32-bit
 * Thumb instruction) and returns; any other ends the run. */
void mpu_guard_fault(uint32_t *frame)
{
    uint32_t cfsr = SCB_CFSR;
    uint32_t addr = SCB_MMFAR;
    int valid = (cfsr & CFSR_MMARVALID) != 0;
    SCB_CFSR = cfsr & CFSR_MMFSR;
    if (probe_armed && valid && addr < MPU_GUARD_BYTES) {
        uint16_t first = *(const uint16_t *)(uintptr_t)frame[6];
        frame[6] += (first & 0xF800u) >= 0xE800u ? 4u : 2u;
        probe_faulted = 1;
        return;
    }
    con_flush();
    con_str("\nFAULT: MemManage (MPU), address ");
    con_hex(valid ? addr : 0xFFFFFFFFu);
    con_str(", pc ");
    con_hex(frame[6]);
    con_str("\n");
    semihost_exit(128 + 4);
}

/* Picks the stack the exception frame is on (EXC_RETURN bit 2: process
 * stack) and hands it to mpu_guard_fault(). */
__attribute__((naked)) void MemManage_Handler(void)
{
    __asm__ volatile("tst lr, #4\n\t"
                     "ite eq\n\t"
                     "mrseq r0, msp\n\t"
                     "mrsne r0, psp\n\t"
                     "b mpu_guard_fault\n\t");
}
