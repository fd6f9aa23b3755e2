/*
 * Shared checks of the C API suites: the state of a cache as the C API shows
 * it (stats + the mock's page counts), taken before a call and compared after.
 *
 * slab.h promises: "After any error the cache is as it was before the call:
 * nothing leaked, nothing handed out twice." SNAP() before the failing call
 * and ASSERT_UNCHANGED() after it check exactly that: slab_cache_check and
 * slab_cache_validate give SLAB_OK, every stats field is equal, and the mock
 * holds the same number of live pages.
 *
 * The helpers are macros so that a failure names the test's line.
 */
#ifndef SLAB_TEST_C_HARNESS_H
#define SLAB_TEST_C_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mock_pages.h"
#include "slab/slab.h"

/* sizeof(slab_page) in include/slab/detail/slab_page.hpp (a C++ header: the C
 * tests mirror it). Its static_assert pins it to 4 pointers + 8 bytes. */
#define TEST_SLAB_HEADER (4 * sizeof(void *) + 8)
/* Slots per slave with a byte map of S / stride bytes (src/geometry.cpp). */
#define TEST_CAP_NARROW(S, stride) (((S) - TEST_SLAB_HEADER - (S) / (stride)) / (stride))
/* Bytes per slot map entry for a slot stride in a slab of S (slab_page.hpp):
 * one while a slave holds at most 253 slots, else two. */
#define TEST_MAP_WIDTH(S, stride) (TEST_CAP_NARROW(S, stride) <= 253 ? 1u : 2u)
/* Slots per slave (src/geometry.cpp). */
#define TEST_CAP_SLAVE(S, stride)                                                                                 \
    (TEST_MAP_WIDTH(S, stride) == 1u ? TEST_CAP_NARROW(S, stride)                                                 \
     : ((S) - TEST_SLAB_HEADER) / ((stride) + 2u) < 65533u ? ((S) - TEST_SLAB_HEADER) / ((stride) + 2u) : 65533u)
/* Bytes of the slot map (a byte map covers every k up to S / stride). */
#define TEST_MAP_BYTES(S, stride, n) (TEST_MAP_WIDTH(S, stride) == 1u ? (S) / (stride) : 2u * (n))
/* The largest object of default alignment a slab of S holds. */
#define TEST_LARGEST(S) (((S) - TEST_SLAB_HEADER - 1) / sizeof(void *) * sizeof(void *))

typedef struct {
    slab_stats st;
    size_t live;          /* mock_pages.live */
    unsigned alloc_calls; /* mock_pages.alloc_calls */
    unsigned free_calls;  /* mock_pages.free_calls */
} snapshot;

void snap_at(const slab_cache *c, snapshot *s, const char *file, int line);
void assert_unchanged_at(const slab_cache *c, const snapshot *before, const char *file, int line);
void assert_valid_at(const slab_cache *c, const char *file, int line);
slab_stats stats_at(const slab_cache *c, const char *file, int line);
slab_cache *make_cache_at(size_t obj_size, size_t obj_align, size_t slab_size, unsigned flags,
                          const char *file, int line);
void destroy_at(slab_cache *c, const char *file, int line);
void assert_stats_equal_at(const slab_stats *a, const slab_stats *b, const char *file, int line);

#define SNAP(c, s) snap_at((c), (s), __FILE__, __LINE__)
#define ASSERT_UNCHANGED(c, s) assert_unchanged_at((c), (s), __FILE__, __LINE__)
#define ASSERT_VALID(c) assert_valid_at((c), __FILE__, __LINE__)
#define STATS(c) stats_at((c), __FILE__, __LINE__)
#define MAKE_CACHE(size, align, slab, flags) make_cache_at((size), (align), (slab), (flags), __FILE__, __LINE__)
#define DESTROY(c) destroy_at((c), __FILE__, __LINE__)
#define ASSERT_STATS_EQUAL(a, b) assert_stats_equal_at((a), (b), __FILE__, __LINE__)

/* Every test runs between the mock's setup and teardown. */
#define SLAB_TEST(f) cmocka_unit_test_setup_teardown(f, mock_pages_setup, mock_pages_teardown)

#endif /* SLAB_TEST_C_HARNESS_H */
