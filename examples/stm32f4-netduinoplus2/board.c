/* SPDX-License-Identifier: MIT */
/*
 * STM32F405: slab_secret from the RNG (RM0090, "True random number
 * generator"), the part's TRNG at 0x50060800 on AHB2. It is clocked by
 * PLL48CLK, the main PLL's Q output, which is off after reset: this starts
 * the PLL from the 16 MHz HSI (M 8, N 96, Q 4: 48 MHz; P 2: 96 MHz, unused,
 * the core stays on the HSI), takes two words (RM0090 asks to compare each
 * word with the one before and to use neither the first nor a repeat), and
 * stops the RNG, its clock and the PLL again. A firmware whose clock set-up
 * already runs the PLL with a 48 MHz Q output keeps it as it is.
 *
 * QEMU 7.2's `netduinoplus2` models neither the RCC nor the RNG (both are
 * "unimplemented devices": reads return 0, writes are dropped), so there
 * the PLL never reports lock, the bounded wait gives up, and the secret
 * stays the build's (SLAB_BUILD_SECRET, written by CMake when the build tree
 * was configured); the log says so. On the board the same code seeds it.
 */
#include <stdint.h>

#include "board.h"
#include "slab/hooks.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define RCC_CR REG(0x40023800u)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)
#define RCC_PLLCFGR REG(0x40023804u)
#define RCC_PLLCFGR_FIELDS 0x0F437FFFu /* PLLM, PLLN, PLLP, PLLSRC, PLLQ */
#define RCC_PLLCFGR_48MHZ_FROM_HSI ((8u << 0) | (96u << 6) | (0u << 16) | (0u << 22) | (4u << 24))
#define RCC_AHB2ENR REG(0x40023834u)
#define RCC_AHB2ENR_RNGEN (1u << 6)
#define RNG_CR REG(0x50060800u)
#define RNG_CR_RNGEN (1u << 2)
#define RNG_SR REG(0x50060804u)
#define RNG_SR_DRDY (1u << 0)
#define RNG_SR_CECS (1u << 1) /* clock error */
#define RNG_SR_SECS (1u << 2) /* seed error */
#define RNG_DR REG(0x50060808u)

/* The PLL locks within 200 us, a word takes 40 PLL48CLK cycles (under 1 us);
 * a poll costs several cycles of the 16 MHz core, so these bounds are tens
 * of milliseconds on the board. */
#define PLL_POLLS 100000u
#define RNG_POLLS 100000u

/* 0 and the word, or -1 (no word in time, or a clock or seed error). */
static int rng_word(uint32_t *out)
{
    for (uint32_t polls = RNG_POLLS; polls != 0u; polls--) {
        uint32_t sr = RNG_SR;
        if ((sr & (RNG_SR_CECS | RNG_SR_SECS)) != 0u) {
            return -1;
        }
        if ((sr & RNG_SR_DRDY) != 0u) {
            *out = RNG_DR;
            return 0;
        }
    }
    return -1;
}

const char *board_seed_secret(void)
{
    const int pll_was_on = (RCC_CR & RCC_CR_PLLON) != 0u;
    if (!pll_was_on) {
        RCC_PLLCFGR = (RCC_PLLCFGR & ~RCC_PLLCFGR_FIELDS) | RCC_PLLCFGR_48MHZ_FROM_HSI;
        RCC_CR |= RCC_CR_PLLON;
    }
    uint32_t polls = PLL_POLLS;
    while ((RCC_CR & RCC_CR_PLLRDY) == 0u && --polls != 0u) {
    }
    if (polls == 0u) {
        if (!pll_was_on) {
            RCC_CR &= ~RCC_CR_PLLON;
        }
        return "the build (the PLL never locked: no clock for the RNG)";
    }

    RCC_AHB2ENR |= RCC_AHB2ENR_RNGEN;
    (void)RCC_AHB2ENR; /* read back: the clock is on before the RNG is touched */
    RNG_CR |= RNG_CR_RNGEN;
    uint32_t first = 0, word = 0;
    const char *failed = NULL;
    if (rng_word(&first) != 0 || rng_word(&word) != 0) {
        failed = "the build (the RNG gave no word, or reported a clock or seed error)";
    } else if (word == first) {
        failed = "the build (the RNG repeated a word)";
    } else if ((slab_secret ^ word) == 0u) {
        failed = "the build (the RNG's word would have made it 0)";
    }
    RNG_CR &= ~RNG_CR_RNGEN;
    RCC_AHB2ENR &= ~RCC_AHB2ENR_RNGEN;
    if (!pll_was_on) {
        RCC_CR &= ~RCC_CR_PLLON;
    }
    if (failed != NULL) {
        return failed;
    }
    slab_secret ^= word; /* keeps the build's bits too (docs/hardening.md) */
    return "the RNG";
}
