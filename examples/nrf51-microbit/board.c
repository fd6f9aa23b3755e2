/* SPDX-License-Identifier: MIT */
/*
 * nRF51822: slab_secret from the RNG peripheral (nRF51 Reference Manual,
 * "RNG": a thermal-noise generator, one byte per VALRDY event, bias
 * correction with CONFIG.DERCEN). QEMU 7.2's `microbit` machine models it
 * (nrf51_soc.rng at 0x4000D000, bytes from the host's random source), so
 * the same code seeds the secret on the board and under QEMU.
 *
 * Every wait is bounded: if the RNG never answers (a part or emulator
 * without it), the secret stays the build's (SLAB_BUILD_SECRET, written by
 * CMake when the build tree was configured) and the log says so.
 */
#include <stdint.h>

#include "board.h"
#include "slab/hooks.h"

#define RNG_BASE 0x4000D000u
#define RNG_REG(offset) (*(volatile uint32_t *)(RNG_BASE + (offset)))
#define RNG_TASKS_START 0x000u
#define RNG_TASKS_STOP 0x004u
#define RNG_EVENTS_VALRDY 0x100u
#define RNG_CONFIG 0x504u /* bit 0: DERCEN, bias correction */
#define RNG_VALUE 0x508u

/* One byte takes about 677 us with bias correction on the part (16 MHz
 * core), 660 us of virtual time in QEMU; a poll costs at least 4 cycles. */
#define RNG_POLLS_PER_BYTE 1000000u

const char *board_seed_secret(void)
{
    uintptr_t seed = 0;
    RNG_REG(RNG_CONFIG) = 1u;
    RNG_REG(RNG_EVENTS_VALRDY) = 0u;
    RNG_REG(RNG_TASKS_START) = 1u;
    for (unsigned i = 0; i < sizeof seed; i++) {
        uint32_t polls = RNG_POLLS_PER_BYTE;
        while (RNG_REG(RNG_EVENTS_VALRDY) == 0u) {
            if (--polls == 0u) {
                RNG_REG(RNG_TASKS_STOP) = 1u;
                return "the build (the RNG gave no byte)";
            }
        }
        seed = (seed << 8) | (RNG_REG(RNG_VALUE) & 0xFFu);
        RNG_REG(RNG_EVENTS_VALRDY) = 0u;
    }
    RNG_REG(RNG_TASKS_STOP) = 1u;
    /* Keep the build's bits too; never 0 (docs/hardening.md). */
    if ((slab_secret ^ seed) == 0u) {
        return "the build (the RNG's word would have made it 0)";
    }
    slab_secret ^= seed;
    return "the RNG";
}
