// SPDX-License-Identifier: MIT
// The fuzzers' check (fuzz_slab.cpp, heap/, cores/): CHECK(cond) calls the
// target's fuzz_diverge with the line and the condition's text when cond is
// false. Each target defines fuzz_diverge: it says what diverged (with its
// counts so far) and aborts, so that libFuzzer keeps the input.
#ifndef SLAB_TEST_FUZZ_CHECK_HPP
#define SLAB_TEST_FUZZ_CHECK_HPP

[[noreturn]] void fuzz_diverge(int line, const char *what);

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fuzz_diverge(__LINE__, #cond);                                                                             \
        }                                                                                                              \
    } while (0)

#endif  // SLAB_TEST_FUZZ_CHECK_HPP
