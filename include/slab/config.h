/*
 * libslab build-time options. Each has a default here, a comment, and a row in
 * README.md ("Options"). Set them on the compiler command line (-DNAME=value)
 * for the library and for every file that includes slab.hpp: the C++ front
 * inlines the fast path, so both sides must agree.
 */
#ifndef SLAB_CONFIG_H
#define SLAB_CONFIG_H

/* Slab size of caches created with slab_size == 0, and the only slab size that
 * the cache-less slab_free() accepts. A power of two. */
#ifndef SLAB_DEFAULT_SLAB_SIZE
#define SLAB_DEFAULT_SLAB_SIZE 4096u
#endif

/* Smallest and largest slab size a cache may ask for. The smallest must hold
 * the master's header, control block and lock plus one slot. */
#ifndef SLAB_MIN_SLAB_SIZE
#define SLAB_MIN_SLAB_SIZE 256u
#endif
#ifndef SLAB_MAX_SLAB_SIZE
#define SLAB_MAX_SLAB_SIZE (1ul << 30)
#endif

/* The high-water mark of objects in use, kept by every allocation. 0 removes
 * its compare (one instruction per pair on x86-64); slab_cache_stats() then
 * reports 0 for objs_peak. Objects in use and the page counters are always
 * kept: destroy needs the first, and the others are off the fast path. */
#ifndef SLAB_STATS
#define SLAB_STATS 1
#endif

/* Checked mode: exact double-free detection (a bitmap of slots in use per
 * slab), interior/misaligned pointer detection, poisoning of free slots
 * (use-after-free writes reported by the next alloc), red zones (overruns
 * reported by free). Costs memory (the bitmap, the red zones) and time on
 * every operation. See src/checked.cpp. Unset, it is 0 and the slab header
 * check below stays on; set to 0 explicitly, it turns that check off too. */
#ifndef SLAB_CHECKS
#define SLAB_CHECKS 0
#define SLAB_CHECKS_DEFAULTED_ 1
#endif

/* The slab header check on free (the address-bound magic, see
 * slab/detail/slab_page.hpp): 6 to 8 instructions per free on x86-64. On
 * unless SLAB_CHECKS=0 is asked for explicitly (make CHECKS=0), which removes
 * every check on a freed pointer: a foreign or stale pointer is then freed
 * into whatever its masked address holds. Handle checks of the C API
 * (slab_cache_* on a cache pointer) are not affected. */
#ifndef SLAB_HEADER_CHECK
#if defined(SLAB_CHECKS_DEFAULTED_) || SLAB_CHECKS != 0
#define SLAB_HEADER_CHECK 1
#else
#define SLAB_HEADER_CHECK 0
#endif
#endif

/* Checked mode only: bytes of red zone behind every object (rounded up with
 * the object to its alignment), filled on alloc and verified on free. 0 turns
 * red zones off; checked mode keeps its bitmap and poisoning. */
#ifndef SLAB_REDZONE
#define SLAB_REDZONE (SLAB_CHECKS ? 8u : 0u)
#endif

/* Internal precondition checks. The library never aborts on its own: by
 * default SLAB_ASSERT compiles to nothing. Test builds set SLAB_ASSERT_TRAP=1
 * (trap on a broken precondition) or define SLAB_ASSERT themselves. */
#ifndef SLAB_ASSERT
#if defined(SLAB_ASSERT_TRAP) && SLAB_ASSERT_TRAP
#define SLAB_ASSERT(x) ((x) ? (void)0 : __builtin_trap())
#else
#define SLAB_ASSERT(x) ((void)0)
#endif /* SLAB_ASSERT_TRAP */
#endif /* SLAB_ASSERT */

#if (SLAB_DEFAULT_SLAB_SIZE & (SLAB_DEFAULT_SLAB_SIZE - 1u)) != 0
#error "SLAB_DEFAULT_SLAB_SIZE must be a power of two"
#endif
#if SLAB_DEFAULT_SLAB_SIZE < SLAB_MIN_SLAB_SIZE || SLAB_DEFAULT_SLAB_SIZE > SLAB_MAX_SLAB_SIZE
#error "SLAB_DEFAULT_SLAB_SIZE must lie in [SLAB_MIN_SLAB_SIZE, SLAB_MAX_SLAB_SIZE]"
#endif

#endif /* SLAB_CONFIG_H */
