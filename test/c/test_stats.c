/*
 * slab_cache_stats / slab_cache_reset_peak / slab_cache_check /
 * slab_cache_validate: every counter against what the test did, the sizing
 * formula of src/geometry.cpp against what the cache reports and does, and
 * the out-of-band free list against use-after-free writes.
 */
#include <string.h>

#include "harness.h"

static _Alignas(4096) unsigned char not_a_slab[4096];

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }
static size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

/* Every entry point that takes a cache: NULL gives SLAB_EINVAL, a handle
 * that leads to no genuine control block gives SLAB_EBADPTR. */
static void stats_and_checks_bad_args(void **state)
{
    (void)state;
    slab_cache *fake = (slab_cache *)(void *)(not_a_slab + 64);
    slab_stats st;
    memset(&st, 0x5A, sizeof st);
    slab_stats copy = st;
    assert_int_equal(slab_cache_stats(NULL, &st), SLAB_EINVAL);
    assert_int_equal(slab_cache_stats(fake, &st), SLAB_EBADPTR); /* not a control block */
    assert_memory_equal(&st, &copy, sizeof st);                 /* *out untouched on error */
    assert_int_equal(slab_cache_reset_peak(NULL), SLAB_EINVAL);
    assert_int_equal(slab_cache_reset_peak(fake), SLAB_EBADPTR);
    assert_int_equal(slab_cache_check(NULL), SLAB_EINVAL);
    assert_int_equal(slab_cache_check(fake), SLAB_EBADPTR);
    assert_int_equal(slab_cache_validate(NULL), SLAB_EINVAL);
    assert_int_equal(slab_cache_validate(fake), SLAB_EBADPTR);
    slab_cache *c = MAKE_CACHE(8, 0, 0, 0);
    snapshot before;
    SNAP(c, &before);
    assert_int_equal(slab_cache_stats(c, NULL), SLAB_EINVAL);
    ASSERT_UNCHANGED(c, &before);
    DESTROY(c);
    for (size_t k = 0; k < sizeof not_a_slab; k++) {
        assert_int_equal(not_a_slab[k], 0);
    }
}

/* objs_in_use, objs_peak, slabs_in_use, slabs_peak follow the workload;
 * slab_cache_reset_peak restarts both marks at the current values and
 * touches nothing else. */
static void stats_counts_and_peaks(void **state)
{
    (void)state;
    enum { N = 200 };
    void *objs[N];
    slab_cache *c = MAKE_CACHE(64, 0, 0, 0);
    slab_stats st = STATS(c);
    assert_int_equal(st.objs_in_use, 0);
    assert_int_equal(st.objs_peak, 0);
    assert_int_equal(st.slabs_in_use, 1);
    assert_int_equal(st.slabs_peak, 1);
    uint32_t slabs_want = 1;
    for (uint32_t i = 0; i < N; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
        st = STATS(c);
        if (i + 1 > st.objs_in_master + (slabs_want - 1) * st.objs_per_slab) {
            slabs_want++; /* this object needed a new slave */
        }
        assert_int_equal(st.objs_in_use, i + 1);
        assert_int_equal(st.objs_peak, i + 1);
        assert_int_equal(st.slabs_in_use, slabs_want);
        assert_int_equal(st.slabs_peak, slabs_want);
        assert_int_equal(st.pages_taken, slabs_want);
        assert_int_equal(st.pages_given, 0);
    }
    uint32_t peak_slabs = slabs_want;
    /* Free the newest half: the marks stay, the counts drop. */
    for (uint32_t i = N; i > N / 2; i--) {
        assert_int_equal(slab_free(objs[i - 1]), SLAB_OK);
    }
    st = STATS(c);
    assert_int_equal(st.objs_in_use, N / 2);
    assert_int_equal(st.objs_peak, N);
    assert_int_equal(st.slabs_peak, peak_slabs);
    assert_true(st.slabs_in_use < peak_slabs);
    /* One spare kept, the other emptied slaves given back. */
    uint32_t full_slabs_needed = 1 + (N / 2 - st.objs_in_master + st.objs_per_slab - 1) / st.objs_per_slab;
    assert_int_equal(st.slabs_in_use, full_slabs_needed + 1);
    assert_int_equal(st.pages_taken - st.pages_given, st.slabs_in_use);

    slab_stats before = st;
    assert_int_equal(slab_cache_reset_peak(c), SLAB_OK);
    st = STATS(c);
    assert_int_equal(st.objs_peak, N / 2);
    assert_int_equal(st.slabs_peak, st.slabs_in_use);
    before.objs_peak = st.objs_peak;
    before.slabs_peak = st.slabs_peak;
    ASSERT_STATS_EQUAL(&st, &before);
    ASSERT_VALID(c);
    /* The marks climb again from there. */
    void *extra = slab_alloc(c);
    assert_int_equal(STATS(c).objs_peak, N / 2 + 1);
    assert_int_equal(slab_free(extra), SLAB_OK);
    assert_int_equal(STATS(c).objs_peak, N / 2 + 1);
    for (uint32_t i = 0; i < N / 2; i++) {
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
    }
    st = STATS(c);
    assert_int_equal(st.objs_in_use, 0);
    assert_int_equal(slab_cache_reset_peak(c), SLAB_OK);
    st = STATS(c);
    assert_int_equal(st.objs_peak, 0);
    assert_int_equal(st.slabs_peak, st.slabs_in_use);
    assert_int_equal(st.hook_failures, 0);
    DESTROY(c);
}

/* One cache's geometry against the formula of src/geometry.cpp:
 *   stride    = round_up(max(obj_size, sizeof(void *)), max(align, alignof(void *)))
 *   cap_slave = slots beside the header and the slot map (TEST_CAP_SLAVE)
 *   cap_master: the master's slots and map entries fit beside its header and
 *               control block (+ lock, C bytes in [c_lo, c_hi], the same for
 *               every cache of one lock kind), and one more would not
 * Then the cache is filled: the master holds cap_master objects, each slave
 * cap_slave, and each object lies in its slab above the floor on the slot
 * grid (S - offset a multiple of the stride). Returns cap_master. */
static uint32_t check_geometry(size_t obj, size_t align, size_t S, unsigned flags, size_t c_lo, size_t c_hi)
{
    slab_cache *c = MAKE_CACHE(obj, align, S, flags);
    slab_stats st = STATS(c);
    size_t stride = round_up(max_size(obj, sizeof(void *)), max_size(align, sizeof(void *)));
    assert_int_equal(st.obj_size, obj);
    assert_int_equal(st.slot_size, stride);
    assert_int_equal(st.slab_size, S);
    assert_int_equal(st.objs_per_slab, TEST_CAP_SLAVE(S, stride));
    /* Some control size in [c_lo, c_hi] (and alignment padding) explains cap_master. */
    size_t m = st.objs_in_master;
    assert_true(TEST_SLAB_HEADER + TEST_MAP_BYTES(S, stride, m) + m * stride + c_lo <= S);
    assert_true(m == st.objs_per_slab ||
                TEST_SLAB_HEADER + TEST_MAP_BYTES(S, stride, m + 1) + (m + 1) * stride + c_hi > S - 2 * sizeof(void *));
    assert_true(st.objs_in_master <= st.objs_per_slab);
    /* Fill the master and two slaves; count pages as they come. */
    uint32_t total = st.objs_in_master + 2 * st.objs_per_slab;
    void **objs = test_malloc(total * sizeof(void *));
    for (uint32_t i = 0; i < total; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
        uint32_t want = i < st.objs_in_master ? 1 : 2 + (i - st.objs_in_master) / st.objs_per_slab;
        assert_int_equal(STATS(c).slabs_in_use, want);
        uintptr_t base = (uintptr_t)objs[i] & ~(uintptr_t)(S - 1);
        size_t off = (uintptr_t)objs[i] - base;
        size_t floor = TEST_SLAB_HEADER + (i < st.objs_in_master ? TEST_MAP_BYTES(S, stride, m) + c_lo
                                                                 : TEST_MAP_BYTES(S, stride, st.objs_per_slab));
        assert_true(off >= floor);
        assert_true(off + obj <= S);
        assert_int_equal((S - off) % stride, 0);
        if (align != 0) {
            assert_int_equal((uintptr_t)objs[i] % align, 0);
        }
    }
    ASSERT_VALID(c);
    for (uint32_t i = 0; i < total; i++) {
        assert_int_equal(slab_cache_free(c, objs[i]), SLAB_OK);
    }
    test_free(objs);
    uint32_t cap_master = st.objs_in_master;
    DESTROY(c);
    return cap_master;
}

static void geometry_matches_formula(void **state)
{
    (void)state;
    static const unsigned flags[] = {0, SLAB_LOCK_SPIN};
    static const size_t objs[] = {1, 8, 13, 24, 100, 500, 1000, 3000};
    static const size_t aligns[] = {0, 1, 16, 64, 256};
    static const size_t slabs[] = {256, 4096, 65536};
    for (size_t f = 0; f < 2; f++) {
        /* Pin the control size C from a cache of 8-byte slots in a 64 KiB
         * slab (two-byte map): cap_master = (S - H - C) / (8 + 2) gives C
         * within 10 bytes (and the padding that aligns the control block). */
        size_t S = (size_t)1 << 16;
        slab_cache *c = MAKE_CACHE(8, 0, S, flags[f]);
        uint32_t cm = STATS(c).objs_in_master;
        DESTROY(c);
        size_t c_hi = S - TEST_SLAB_HEADER - (size_t)cm * 10, c_lo = c_hi - 10 - sizeof(void *);
        assert_true(c_lo > 64);  /* the control block is there */
        assert_true(c_hi < 256); /* SLAB_MIN_SLAB_SIZE holds it and a slot */
        for (size_t s = 0; s < sizeof slabs / sizeof slabs[0]; s++) {
            for (size_t o = 0; o < sizeof objs / sizeof objs[0]; o++) {
                for (size_t a = 0; a < sizeof aligns / sizeof aligns[0]; a++) {
                    size_t stride = round_up(max_size(objs[o], 8), max_size(aligns[a], 8));
                    if (stride > slabs[s] - TEST_SLAB_HEADER - slabs[s] / stride || aligns[a] >= slabs[s]) {
                        continue; /* SLAB_ETOOBIG: covered by test_create */
                    }
                    check_geometry(objs[o], aligns[a], slabs[s], flags[f], c_lo, c_hi);
                }
            }
        }
    }
}

/* The free list is out of band (the slot map): a use-after-free write into
 * freed objects, whatever it writes (an address outside any slab, inside a
 * slot, the slab header, the object itself, all ones), changes nothing the
 * allocator reads. slab_cache_validate stays SLAB_OK, and the next allocs
 * return the freed slots, never the written addresses. */
static void use_after_free_writes_do_not_steer_alloc(void **state)
{
    (void)state;
    slab_cache *c = MAKE_CACHE(32, 0, 0, 0);
    void *a = slab_alloc(c);
    void *b = slab_alloc(c);
    void *keep = slab_alloc(c);
    assert_int_equal(slab_free(a), SLAB_OK);
    assert_int_equal(slab_free(b), SLAB_OK);
    ASSERT_VALID(c);
    void *bad[] = {not_a_slab + 64, (char *)keep + 1, (void *)(((uintptr_t)a & ~(uintptr_t)4095) + 8), b, NULL,
                   (void *)~(uintptr_t)0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(a, &bad[i], sizeof bad[i]);
        memcpy(b, &bad[(i + 1) % (sizeof bad / sizeof bad[0])], sizeof bad[i]);
        ASSERT_VALID(c);
    }
    void *x = slab_alloc(c);
    void *y = slab_alloc(c);
    assert_true((x == a && y == b) || (x == b && y == a));
    ASSERT_VALID(c);
    assert_int_equal(slab_free(x), SLAB_OK);
    assert_int_equal(slab_free(y), SLAB_OK);
    assert_int_equal(slab_free(keep), SLAB_OK);
    DESTROY(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SLAB_TEST(stats_and_checks_bad_args),
        SLAB_TEST(stats_counts_and_peaks),
        SLAB_TEST(geometry_matches_formula),
        SLAB_TEST(use_after_free_writes_do_not_steer_alloc),
    };
    return cmocka_run_group_tests_name("C API: stats and invariant checks", tests, NULL, NULL);
}
