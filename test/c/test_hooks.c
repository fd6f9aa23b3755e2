/*
 * The hook contract (slab/hooks.h) seen from the hooks' side: what growth and
 * shrinking ask of them, and what the cache does when they fail.
 *   - NULL: "the allocator reports SLAB_ENOMEM and stays usable"
 *   - misaligned: "given straight back through slab_page_free(), counted as
 *     a hook failure, and reported as SLAB_EHOOKALIGN"
 *   - a failing slab_page_free: "libslab keeps the page (it stays usable and
 *     is offered back again later) and counts a hook failure"
 * Tests run with mock_pages.strict set where the exact hook traffic matters:
 * a hook call the test did not script fails it.
 */
#include <string.h>

#include "harness.h"

/* Stats now must equal `before`, except hook_failures grown by `failures`. */
static void assert_only_failures_grew(slab_cache *c, const snapshot *before, uint32_t failures)
{
    snapshot want = *before;
    want.st.hook_failures += failures;
    ASSERT_UNCHANGED(c, &want);
}

/* Growth into each new slave, for three slab sizes: at every boundary the
 * hook first says NULL, then gives a misaligned block, then a page. The
 * failures change nothing but hook_failures; the page makes the alloc work. */
static void growth_hook_failures_each_slave(void **state)
{
    (void)state;
    static const size_t sizes[] = {256, 4096, (size_t)1 << 20};
    enum { SLAVES = 6, MAXOBJ = 6 * 16 + 16 };
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t S = sizes[si];
        mock_pages.slab_size = S; /* every unscripted call must ask for S too */
        slab_cache *c = MAKE_CACHE(S / 16, 0, S, 0);
        slab_stats geo = STATS(c);
        assert_true(geo.objs_in_master + SLAVES * geo.objs_per_slab <= MAXOBJ);
        void *objs[MAXOBJ];
        uint32_t n = 0;
        mock_pages.strict = 1;
        for (uint32_t slave = 1; slave <= SLAVES; slave++) {
            /* Fill up to the boundary: no hook call. */
            while (n < geo.objs_in_master + (slave - 1) * geo.objs_per_slab) {
                objs[n] = slab_alloc(c);
                assert_non_null(objs[n]);
                n++;
            }
            snapshot before;
            SNAP(c, &before);
            slab_status st = SLAB_OK;

            mock_expect_alloc(S, MOCK_NULL);
            assert_null(slab_alloc_status(c, &st));
            assert_int_equal(st, SLAB_ENOMEM);
            assert_only_failures_grew(c, &before, 1);

            mock_expect_alloc(S, MOCK_NULL);
            assert_null(slab_alloc(c));
            assert_only_failures_grew(c, &before, 2);

            mock_expect_alloc(S, MOCK_MISALIGN);
            mock_expect_free(S, MOCK_FREE_OK); /* the same block, same size and align */
            assert_null(slab_alloc_status(c, &st));
            assert_int_equal(st, SLAB_EHOOKALIGN);
            assert_only_failures_grew(c, &before, 3);
            assert_int_equal(mock_pages.live, before.live);

            mock_expect_alloc(S, MOCK_GIVE);
            objs[n] = slab_alloc_status(c, &st);
            assert_non_null(objs[n]);
            assert_int_equal(st, SLAB_OK);
            n++;
            slab_stats now = STATS(c);
            assert_int_equal(now.slabs_in_use, before.st.slabs_in_use + 1);
            assert_int_equal(now.pages_taken, before.st.pages_taken + 1);
            assert_int_equal(now.objs_in_use, before.st.objs_in_use + 1);
            assert_int_equal(now.hook_failures, before.st.hook_failures + 3);
            ASSERT_VALID(c);
        }
        mock_pages.strict = 0;
        for (uint32_t i = 0; i < n; i++) {
            assert_int_equal(slab_cache_free(c, objs[i]), SLAB_OK);
        }
        slab_stats end = STATS(c);
        assert_int_equal(end.hook_failures, 3 * SLAVES);
        assert_int_equal(end.pages_taken, 1 + SLAVES);
        DESTROY(c);
        assert_int_equal(mock_pages.live, 0);
        assert_int_equal(mock_pages.taken_back, mock_pages.given + mock_pages.misaligned);
    }
}

/* A misaligned block whose give-back the hook refuses: two hook failures
 * (the block, then the refused free), SLAB_EHOOKALIGN, nothing else moves. */
static void growth_misaligned_refused_back(void **state)
{
    (void)state;
    slab_cache *c = MAKE_CACHE(2000, 0, 0, 0);
    slab_stats geo = STATS(c);
    void *objs[4];
    assert_true(geo.objs_in_master <= 4);
    for (uint32_t i = 0; i < geo.objs_in_master; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
    }
    snapshot before;
    SNAP(c, &before);
    mock_pages.strict = 1;
    mock_expect_alloc(4096, MOCK_MISALIGN);
    mock_expect_free(4096, MOCK_FREE_REFUSE);
    slab_status st = SLAB_OK;
    assert_null(slab_alloc_status(c, &st));
    assert_int_equal(st, SLAB_EHOOKALIGN);
    assert_int_equal(mock_drop_misaligned(), 1); /* the hook's block, never the cache's */
    assert_only_failures_grew(c, &before, 2);
    mock_pages.strict = 0;
    for (uint32_t i = 0; i < geo.objs_in_master; i++) {
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
    }
    DESTROY(c);
}

/* Fills the cache until it holds `slaves` slaves, all full, and returns the
 * number of objects in objs (master first, then slave by slave). */
static uint32_t fill_slaves(slab_cache *c, void **objs, uint32_t max, uint32_t slaves)
{
    slab_stats geo = STATS(c);
    uint32_t n = geo.objs_in_master + slaves * geo.objs_per_slab;
    assert_true(n <= max);
    for (uint32_t i = 0; i < n; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
    }
    assert_int_equal(STATS(c).slabs_in_use, 1 + slaves);
    return n;
}

/* An empty slave whose give-back the hook refuses: slab_free returns
 * SLAB_EHOOKFREE, the object is freed all the same, the slab stays with the
 * cache, is reused before any new page, and is offered back when it next
 * empties. */
static void release_empty_slave_refused(void **state)
{
    (void)state;
    void *objs[32];
    slab_cache *c = MAKE_CACHE(512, 0, 0, 0);
    slab_stats geo = STATS(c);
    uint32_t n = fill_slaves(c, objs, 32, 2);
    uint32_t first = geo.objs_in_master;          /* slave 1: [first, second) */
    uint32_t second = first + geo.objs_per_slab; /* slave 2: [second, n) */
    mock_pages.strict = 1;
    /* Slave 1 empties: it becomes the spare, no hook call. */
    for (uint32_t i = first; i < second; i++) {
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
    }
    for (uint32_t i = second; i < n - 1; i++) {
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
    }
    snapshot before;
    SNAP(c, &before);
    /* Slave 2 empties with a spare already kept: offered back, refused. */
    mock_expect_free(4096, MOCK_FREE_REFUSE);
    assert_int_equal(slab_free(objs[n - 1]), SLAB_EHOOKFREE);
    ASSERT_VALID(c);
    slab_stats now = STATS(c);
    assert_int_equal(now.objs_in_use, before.st.objs_in_use - 1); /* freed all the same */
    assert_int_equal(now.slabs_in_use, before.st.slabs_in_use);   /* kept */
    assert_int_equal(now.pages_given, before.st.pages_given);
    assert_int_equal(now.hook_failures, before.st.hook_failures + 1);
    assert_int_equal(mock_pages.live, before.live);
    assert_true(mock_is_live(objs[n - 1]));
    /* Reused before any new page (strict: a hook call would fail here). */
    uintptr_t refused_base = (uintptr_t)objs[n - 1] & ~(uintptr_t)4095;
    void *again = slab_alloc(c);
    assert_non_null(again);
    assert_int_equal((uintptr_t)again & ~(uintptr_t)4095, refused_base);
    /* Offered back again when it next empties; accepted this time. */
    mock_expect_free(4096, MOCK_FREE_OK);
    assert_int_equal(slab_free(again), SLAB_OK);
    now = STATS(c);
    assert_int_equal(now.slabs_in_use, before.st.slabs_in_use - 1);
    assert_int_equal(now.pages_given, before.st.pages_given + 1);
    assert_true(mock_is_quarantined(again));
    mock_pages.strict = 0;
    for (uint32_t i = 0; i < first; i++) {
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
    }
    DESTROY(c);
}

/* The same through slab_cache_free(), on a cache of a custom slab size:
 * SLAB_EHOOKFREE, object freed, slab kept; accepted on the next offer. */
static void release_refused_through_cache_free(void **state)
{
    (void)state;
    enum { S = 8192 };
    void *objs[64];
    mock_pages.slab_size = S;
    slab_cache *c = MAKE_CACHE(1000, 0, S, 0);
    uint32_t n = fill_slaves(c, objs, 64, 2);
    mock_pages.strict = 1;
    for (uint32_t i = n; i-- > 1;) { /* newest first: slave 2 becomes the spare */
        int last_of_slave1 = i == STATS(c).objs_in_master;
        if (last_of_slave1) {
            mock_expect_free(S, MOCK_FREE_REFUSE);
        }
        assert_int_equal(slab_cache_free(c, objs[i]), last_of_slave1 ? SLAB_EHOOKFREE : SLAB_OK);
        ASSERT_VALID(c);
    }
    slab_stats st = STATS(c);
    assert_int_equal(st.objs_in_use, 1);
    assert_int_equal(st.slabs_in_use, 3); /* master, spare, the refused slave */
    assert_int_equal(st.hook_failures, 1);
    /* Idle cache: destroy offers both slaves, then the master. */
    assert_int_equal(slab_cache_free(c, objs[0]), SLAB_OK);
    mock_expect_free(S, MOCK_FREE_OK);
    mock_expect_free(S, MOCK_FREE_OK);
    mock_expect_free(S, MOCK_FREE_OK);
    DESTROY(c);
}

/* "a slave that becomes empty is given back, except one kept as a spare":
 * a workload that crosses the master/slave boundary back and forth takes one
 * page once, then none; crossing into a second slave and back gives one page
 * back each time and keeps the other. */
static void spare_slave_kept(void **state)
{
    (void)state;
    void *objs[64];
    slab_cache *c = MAKE_CACHE(256, 0, 0, 0);
    slab_stats geo = STATS(c);
    uint32_t m = geo.objs_in_master;
    assert_true(m + 2 * geo.objs_per_slab <= 64);
    for (uint32_t i = 0; i < m; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
    }
    mock_expect_alloc(4096, MOCK_GIVE);
    mock_pages.strict = 1;
    for (int round = 0; round < 200; round++) {
        void *p = slab_alloc(c); /* into the slave (the spare after round 0) */
        assert_non_null(p);
        assert_int_equal(STATS(c).slabs_in_use, 2);
        assert_int_equal(slab_free(p), SLAB_OK); /* slave empty: kept */
        ASSERT_VALID(c);
    }
    slab_stats st = STATS(c);
    assert_int_equal(st.pages_taken, 2);
    assert_int_equal(st.pages_given, 0);
    assert_int_equal(st.slabs_in_use, 2); /* master + spare */
    assert_int_equal(mock_pages.alloc_calls, 2);
    assert_int_equal(mock_pages.free_calls, 0);
    /* Two slaves full, then both emptied, five times: the second to empty
     * goes back, the first stays as the spare and is reused. */
    for (int round = 0; round < 5; round++) {
        uint32_t n = m;
        mock_expect_alloc(4096, MOCK_GIVE); /* one new page: the spare covers the other */
        while (n < m + 2 * geo.objs_per_slab) {
            objs[n] = slab_alloc(c);
            assert_non_null(objs[n]);
            n++;
        }
        assert_int_equal(STATS(c).slabs_in_use, 3);
        mock_expect_free(4096, MOCK_FREE_OK);
        while (n > m) {
            assert_int_equal(slab_free(objs[--n]), SLAB_OK);
        }
        assert_int_equal(STATS(c).slabs_in_use, 2);
        ASSERT_VALID(c);
    }
    st = STATS(c);
    assert_int_equal(st.pages_taken, 2 + 5);
    assert_int_equal(st.pages_given, 5);
    assert_int_equal(st.slabs_peak, 3);
    mock_pages.strict = 0;
    for (uint32_t i = 0; i < m; i++) {
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
    }
    DESTROY(c);
}

/* A long mixed workload over many slabs: the stats' page counters equal what
 * the mock saw, and after destroy every page taken was given back. */
static void every_page_given_back(void **state)
{
    (void)state;
    enum { N = 3000 };
    static void *objs[N];
    uint32_t seed = 0xC0FFEEu;
    slab_cache *c = MAKE_CACHE(100, 4, 0, 0);
    uint32_t n = 0;
    for (int step = 0; step < 40000; step++) {
        seed = seed * 1103515245u + 12345u;
        /* Grow on average in the first half, shrink in the second. */
        int grow = (seed >> 16) % 100 < (step < 20000 ? 60u : 40u);
        if ((grow && n < N) || n == 0) {
            objs[n] = slab_alloc(c);
            assert_non_null(objs[n]);
            n++;
        } else {
            uint32_t k = (seed >> 8) % n;
            assert_int_equal(slab_free(objs[k]), SLAB_OK);
            objs[k] = objs[--n];
        }
        if (step % 1000 == 0) {
            ASSERT_VALID(c);
            slab_stats st = STATS(c);
            assert_int_equal(st.objs_in_use, n);
            assert_int_equal(st.pages_taken, mock_pages.given);
            assert_int_equal(st.pages_given, mock_pages.taken_back);
            assert_int_equal(st.slabs_in_use, mock_pages.live);
        }
    }
    while (n > 0) {
        assert_int_equal(slab_free(objs[--n]), SLAB_OK);
    }
    slab_stats st = STATS(c);
    assert_true(st.slabs_peak > 10);
    assert_true(st.slabs_in_use <= 2); /* master and the spare */
    assert_int_equal(st.pages_taken - st.pages_given, st.slabs_in_use);
    DESTROY(c);
    assert_int_equal(mock_pages.live, 0);
    assert_int_equal(mock_pages.taken_back, mock_pages.given);
    assert_int_equal(mock_pages.free_calls, mock_pages.alloc_calls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SLAB_TEST(growth_hook_failures_each_slave),
        SLAB_TEST(growth_misaligned_refused_back),
        SLAB_TEST(release_empty_slave_refused),
        SLAB_TEST(release_refused_through_cache_free),
        SLAB_TEST(spare_slave_kept),
        SLAB_TEST(every_page_given_back),
    };
    return cmocka_run_group_tests_name("C API: page hooks", tests, NULL, NULL);
}
