/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief libslab build-time options.
 *
 * Each has a default here, a comment, and a row in
 * README.md ("Options"). Set them on the compiler command line (-DNAME=value)
 * for the library and for every file that includes slab.hpp: the C++ front
 * inlines the fast path, so both sides must agree (SLAB_ABI_TAG).
 */
#ifndef SLAB_CONFIG_H
#define SLAB_CONFIG_H

/**
 * @brief Slab size of caches created with slab_size == 0, and the only slab
 * size that the cache-less slab_free() accepts. A power of two.
 */
#ifndef SLAB_DEFAULT_SLAB_SIZE
#define SLAB_DEFAULT_SLAB_SIZE 4096u
#endif

/**
 * @brief Smallest slab size a cache may ask for. It must hold the master's
 * header, control block and lock plus one slot.
 */
#ifndef SLAB_MIN_SLAB_SIZE
#define SLAB_MIN_SLAB_SIZE 256u
#endif
/** @brief Largest slab size a cache may ask for. */
#ifndef SLAB_MAX_SLAB_SIZE
#define SLAB_MAX_SLAB_SIZE (1UL << 30)
#endif

/**
 * @brief 1: slab_cache_stats() reports the high-water mark of objects in use.
 *
 * The mark costs the fast path nothing: the cache keeps the peak and its
 * headroom (the peak less the live objects), and only an allocation that
 * raises the peak runs out of line. 0 makes slab_cache_stats() report 0 for
 * objs_peak; the code is the same.
 */
#ifndef SLAB_STATS
#define SLAB_STATS 1
#endif

/**
 * @brief Checked mode: 0 (the default) or 1.
 *
 * What costs more than the always-on refusals of the default
 * build (see slab.h, @ref slab_refusals "What every build refuses"): poisoning of free slots
 * (a use-after-free write is reported by the next alloc of that slot) and red
 * zones (an overrun is reported by free). Costs memory (the red zones) and
 * time on every operation. See src/checked.cpp.
 */
#ifndef SLAB_CHECKS
#define SLAB_CHECKS 0
#endif
#if SLAB_CHECKS != 0 && SLAB_CHECKS != 1
#error "SLAB_CHECKS must be 0 or 1"
#endif

/**
 * @brief Trace hooks (slab/trace.h): 0 (the default) or 1.
 *
 * 1 makes every alloc, free, page taken or given
 * back, refusal and wait call the program's slab_trace(). 0:
 * no trace code at all.
 */
#ifndef SLAB_TRACE
#define SLAB_TRACE 0
#endif
#if SLAB_TRACE != 0 && SLAB_TRACE != 1
#error "SLAB_TRACE must be 0 or 1"
#endif

/**
 * @brief Checked mode only: bytes of red zone behind every object.
 *
 * Rounded up with
 * the object to its alignment, filled on alloc and verified on free. 0 turns
 * red zones off; checked mode keeps its poisoning. Default: 8 in checked
 * mode (SLAB_CHECKS 1), else 0.
 */
#ifndef SLAB_REDZONE
#define SLAB_REDZONE (SLAB_CHECKS ? 8u : 0u)
#endif

/**
 * @def SLAB_ASSERT
 * @brief Internal precondition checks.
 *
 * The library never aborts on its own: by
 * default SLAB_ASSERT compiles to nothing. Test builds set SLAB_ASSERT_TRAP=1
 * (trap on a broken precondition) or define SLAB_ASSERT themselves.
 * @param x  the precondition
 */
#ifndef SLAB_ASSERT
#if defined(SLAB_ASSERT_TRAP) && SLAB_ASSERT_TRAP
#define SLAB_ASSERT(x) ((x) ? (void)0 : __builtin_trap())
#else
#define SLAB_ASSERT(x) ((void)0)
#endif /* SLAB_ASSERT_TRAP */
#endif /* SLAB_ASSERT */

/**
 * @def SLAB_ADDR_MIN
 * @brief Start of the range of addresses where a page can lie,
 * [SLAB_ADDR_MIN, SLAB_ADDR_END).
 *
 * A free of a pointer outside it is refused (SLAB_EBADPTR) before anything
 * is read (docs/hardening.md, "Pointers that may fault"). 0 and 0: no check,
 * no instruction. Defaults: on Linux user space, 64 KiB (vm.mmap_min_addr's
 * default: nothing is mapped below it) up to the end of the user half of a
 * 48-bit (x86-64) or 49-bit (AArch64) address space, so that NULL-page and
 * non-canonical pointers never fault; elsewhere (bare metal, where address 0
 * is often flash or TCM) no check.
 */
#ifndef SLAB_ADDR_MIN
#if defined(__linux__)
#define SLAB_ADDR_MIN 0x10000u
#else
#define SLAB_ADDR_MIN 0u
#endif
#endif
/**
 * @def SLAB_ADDR_END
 * @brief End (excluded) of the range of addresses where a page can lie: see
 * SLAB_ADDR_MIN.
 */
#ifndef SLAB_ADDR_END
#if defined(__linux__) && defined(__x86_64__)
#define SLAB_ADDR_END (1ULL << 47)
#elif defined(__linux__) && defined(__aarch64__)
#define SLAB_ADDR_END (1ULL << 48)
#else
#define SLAB_ADDR_END 0u
#endif
#endif

#if (SLAB_DEFAULT_SLAB_SIZE & (SLAB_DEFAULT_SLAB_SIZE - 1u)) != 0
#error "SLAB_DEFAULT_SLAB_SIZE must be a power of two"
#endif
#if SLAB_DEFAULT_SLAB_SIZE < SLAB_MIN_SLAB_SIZE || SLAB_DEFAULT_SLAB_SIZE > SLAB_MAX_SLAB_SIZE
#error "SLAB_DEFAULT_SLAB_SIZE must lie in [SLAB_MIN_SLAB_SIZE, SLAB_MAX_SLAB_SIZE]"
#endif

/**
 * @def SLAB_ABI_TAG
 * @brief The build's option set, as one name.
 *
 * The options above change inline code
 * and layouts (the C++ front inlines the fast path; slab_free masks with the
 * default size), so a file compiled with other values than libslab.a would
 * corrupt it silently. Instead, the names the headers make a file link
 * against carry the tag, and libslab.a defines only its own: the C++
 * front's internal functions live in an inline namespace of that name (so
 * every inlined fast path references it), and slab_cache_create's symbol
 * ends with it (slab.h). A mismatch is a link error naming the tag the file
 * expected, e.g.
 * @code{.unparsed}
 *   undefined reference to `slab_cache_create__slab_abi_v3_s4096_c1_t1_r8'
 * @endcode
 * (v: layout version, s: SLAB_DEFAULT_SLAB_SIZE, c: SLAB_CHECKS,
 *  t: SLAB_STATS, r: SLAB_REDZONE; a traced build, SLAB_TRACE 1, ends
 *  with _e1).
 */
#define SLAB_CAT2_(a, b) a##b
#define SLAB_CAT_(a, b) SLAB_CAT2_(a, b)
#define SLAB_STR2_(x) #x
#define SLAB_STR_(x) SLAB_STR2_(x)
#if SLAB_DEFAULT_SLAB_SIZE == 256u
#define SLAB_ABI_S_ 256
#elif SLAB_DEFAULT_SLAB_SIZE == 512u
#define SLAB_ABI_S_ 512
#elif SLAB_DEFAULT_SLAB_SIZE == 1024u
#define SLAB_ABI_S_ 1024
#elif SLAB_DEFAULT_SLAB_SIZE == 2048u
#define SLAB_ABI_S_ 2048
#elif SLAB_DEFAULT_SLAB_SIZE == 4096u
#define SLAB_ABI_S_ 4096
#elif SLAB_DEFAULT_SLAB_SIZE == 8192u
#define SLAB_ABI_S_ 8192
#elif SLAB_DEFAULT_SLAB_SIZE == 16384u
#define SLAB_ABI_S_ 16384
#elif SLAB_DEFAULT_SLAB_SIZE == 32768u
#define SLAB_ABI_S_ 32768
#elif SLAB_DEFAULT_SLAB_SIZE == 65536u
#define SLAB_ABI_S_ 65536
#elif SLAB_DEFAULT_SLAB_SIZE == 131072u
#define SLAB_ABI_S_ 131072
#elif SLAB_DEFAULT_SLAB_SIZE == 262144u
#define SLAB_ABI_S_ 262144
#elif SLAB_DEFAULT_SLAB_SIZE == 524288u
#define SLAB_ABI_S_ 524288
#elif SLAB_DEFAULT_SLAB_SIZE == 1048576u
#define SLAB_ABI_S_ 1048576
#elif SLAB_DEFAULT_SLAB_SIZE == 2097152u
#define SLAB_ABI_S_ 2097152
#elif SLAB_DEFAULT_SLAB_SIZE == 4194304u
#define SLAB_ABI_S_ 4194304
#elif SLAB_DEFAULT_SLAB_SIZE == 8388608u
#define SLAB_ABI_S_ 8388608
#elif SLAB_DEFAULT_SLAB_SIZE == 16777216u
#define SLAB_ABI_S_ 16777216
#elif SLAB_DEFAULT_SLAB_SIZE == 33554432u
#define SLAB_ABI_S_ 33554432
#elif SLAB_DEFAULT_SLAB_SIZE == 67108864u
#define SLAB_ABI_S_ 67108864
#elif SLAB_DEFAULT_SLAB_SIZE == 134217728u
#define SLAB_ABI_S_ 134217728
#elif SLAB_DEFAULT_SLAB_SIZE == 268435456u
#define SLAB_ABI_S_ 268435456
#elif SLAB_DEFAULT_SLAB_SIZE == 536870912u
#define SLAB_ABI_S_ 536870912
#elif SLAB_DEFAULT_SLAB_SIZE == 1073741824u
#define SLAB_ABI_S_ 1073741824
#endif
#if SLAB_STATS
#define SLAB_ABI_T_ 1
#else
#define SLAB_ABI_T_ 0
#endif
#if SLAB_CHECKS && SLAB_REDZONE == 0
#define SLAB_ABI_R_ 0
#elif SLAB_CHECKS && SLAB_REDZONE == 8
#define SLAB_ABI_R_ 8
#elif SLAB_CHECKS
#define SLAB_ABI_R_ x
#else
#define SLAB_ABI_R_ 0
#endif
#define SLAB_ABI_TAG3_                                                                                        \
    SLAB_CAT_(SLAB_CAT_(SLAB_CAT_(SLAB_CAT_(slab_abi_v3_s, SLAB_ABI_S_), SLAB_CAT_(_c, SLAB_CHECKS)),         \
                        SLAB_CAT_(_t, SLAB_ABI_T_)),                                                          \
              SLAB_CAT_(_r, SLAB_ABI_R_))
#if SLAB_TRACE
#define SLAB_ABI_TAG SLAB_CAT_(SLAB_ABI_TAG3_, _e1)
#else
#define SLAB_ABI_TAG SLAB_ABI_TAG3_
#endif

#endif /* SLAB_CONFIG_H */
