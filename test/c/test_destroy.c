/*
 * slab_cache_destroy(): "Gives every page of the cache back to the hook.
 * Refused with SLAB_EBUSY while objects are allocated (nothing changes). If
 * slab_page_free() fails for a page, the cache stays valid with that page,
 * and SLAB_EHOOKFREE is returned: call destroy again later. The master is
 * given back last, so the cache is gone only when SLAB_OK is returned."
 */
#include "harness.h"

static _Alignas(4096) unsigned char not_a_slab[4096];

/* The master is the page that holds the control block (the handle). */
static uintptr_t page_base(const void *p, size_t S) { return (uintptr_t)p & ~(uintptr_t)(S - 1); }

/* Creates a cache holding the master and a spare slave, no object live. */
static slab_cache *cache_with_spare(size_t S)
{
    slab_cache *c = MAKE_CACHE(S / 4, 0, S, 0);
    slab_stats geo = STATS(c);
    void *objs[8];
    uint32_t n = geo.objs_in_master + 1;
    assert_true(n <= 8);
    for (uint32_t i = 0; i < n; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
    }
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(slab_cache_free(c, objs[i]), SLAB_OK);
    }
    assert_int_equal(STATS(c).slabs_in_use, 2);
    return c;
}

static void destroy_null_and_fake(void **state)
{
    (void)state;
    mock_pages.strict = 1;
    assert_int_equal(slab_cache_destroy(NULL), SLAB_EINVAL);
    assert_int_equal(slab_cache_destroy((slab_cache *)(void *)(not_a_slab + 64)), SLAB_EBADPTR);
    assert_int_equal(slab_cache_destroy((slab_cache *)(void *)(not_a_slab + 1024)), SLAB_EBADPTR);
    assert_int_equal(mock_pages.free_calls, 0);
    for (size_t k = 0; k < sizeof not_a_slab; k++) {
        assert_int_equal(not_a_slab[k], 0);
    }
}

/* Live objects (in the master, in slaves, with a lock): SLAB_EBUSY, no hook
 * call, nothing changed; once they are freed destroy works. */
static void destroy_busy(void **state)
{
    (void)state;
    static const unsigned flags[] = {0, SLAB_LOCK_SPIN};
    for (size_t f = 0; f < 2; f++) {
        slab_cache *c = MAKE_CACHE(128, 0, 0, flags[f]);
        void *objs[100];
        for (int i = 0; i < 100; i++) {
            objs[i] = slab_alloc(c);
            assert_non_null(objs[i]);
        }
        for (int i = 0; i < 100; i++) {
            snapshot before;
            SNAP(c, &before);
            mock_pages.strict = 1;
            assert_int_equal(slab_cache_destroy(c), SLAB_EBUSY);
            mock_pages.strict = 0;
            ASSERT_UNCHANGED(c, &before);
            assert_int_equal(mock_pages.free_calls, before.free_calls);
            assert_int_equal(slab_free(objs[i]), SLAB_OK);
        }
        DESTROY(c);
    }
}

/* Destroy of an idle cache: exactly its pages go back, each with its own
 * size and align, the master last. */
static void destroy_gives_every_page_master_last(void **state)
{
    (void)state;
    static const size_t sizes[] = {256, 4096, 65536, (size_t)1 << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t S = sizes[i];
        slab_cache *c = cache_with_spare(S);
        slab_stats st = STATS(c);
        assert_int_equal(st.pages_taken, 2);
        assert_int_equal(st.pages_given, 0);
        mock_pages.strict = 1;
        mock_expect_free(S, MOCK_FREE_OK);
        mock_expect_free(S, MOCK_FREE_OK);
        uintptr_t master = page_base(c, S);
        DESTROY(c);
        mock_pages.strict = 0;
        assert_int_equal((uintptr_t)mock_pages.last_freed, master);
        assert_int_equal(mock_pages.live, 0);
    }
}

/* The hook refuses the spare: SLAB_EHOOKFREE, the cache valid and usable
 * with that page; destroy again later succeeds.
 * KNOWN BUG (src/cache.cpp, cache_teardown): a refused spare is put back on
 * the partial list by give_slave() before the partial list is walked, so the
 * same destroy call offers it to the hook a second time. The hook here
 * refuses every free during the call, so the test holds either way; it
 * asserts that each refused call counts one hook failure;
 * destroy_offers_each_page_once() below pins the one-offer behaviour. */
static void destroy_refused_spare(void **state)
{
    (void)state;
    slab_cache *c = cache_with_spare(4096);
    snapshot before;
    SNAP(c, &before);
    mock_pages.refuse_frees = 1;
    assert_int_equal(slab_cache_destroy(c), SLAB_EHOOKFREE);
    mock_pages.refuse_frees = 0;
    assert_true(mock_pages.refused >= 1);
    ASSERT_VALID(c);
    slab_stats st = STATS(c);
    assert_int_equal(st.slabs_in_use, 2);
    assert_int_equal(st.pages_given, 0);
    assert_int_equal(st.hook_failures, before.st.hook_failures + mock_pages.refused);
    assert_int_equal(mock_pages.live, 2);
    mock_pages.strict = 1;
    /* Usable: fill the master and one slave, with no new page (strict). */
    void *objs[8];
    uint32_t n = st.objs_in_master + st.objs_per_slab;
    assert_true(n <= 8);
    for (uint32_t i = 0; i < n; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
    }
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
    }
    ASSERT_VALID(c);
    mock_expect_free(4096, MOCK_FREE_OK);
    mock_expect_free(4096, MOCK_FREE_OK);
    DESTROY(c);
    assert_int_equal(mock_pages.live, 0);
}

/* The hook takes the spare but refuses the master: SLAB_EHOOKFREE, the cache
 * intact (its control block is in the master) and usable; destroy again. */
static void destroy_refused_master(void **state)
{
    (void)state;
    slab_cache *c = cache_with_spare(4096);
    snapshot before;
    SNAP(c, &before);
    mock_pages.strict = 1;
    mock_expect_free(4096, MOCK_FREE_OK);
    mock_expect_free(4096, MOCK_FREE_REFUSE);
    assert_int_equal(slab_cache_destroy(c), SLAB_EHOOKFREE);
    assert_int_equal((uintptr_t)mock_pages.last_freed, page_base(c, 4096));
    ASSERT_VALID(c);
    slab_stats st = STATS(c);
    assert_int_equal(st.slabs_in_use, 1);
    assert_int_equal(st.pages_given, 1);
    assert_int_equal(st.hook_failures, before.st.hook_failures + 1);
    assert_int_equal(mock_pages.live, 1);
    void *p = slab_alloc(c);
    assert_non_null(p);
    assert_int_equal(STATS(c).objs_in_use, 1);
    assert_int_equal(slab_cache_destroy(c), SLAB_EBUSY);
    assert_int_equal(slab_free(p), SLAB_OK);
    mock_expect_free(4096, MOCK_FREE_OK);
    DESTROY(c);
    assert_int_equal(mock_pages.live, 0);
}

/* One destroy call offers each page to the hook at most once: a refused
 * spare is not offered again within the same call.
 * (A regression test: the spare used to be offered twice, once on its own
 * and once more from the partial list it was put back on.) */
static void destroy_offers_each_page_once(void **state)
{
    (void)state;
    slab_cache *c = cache_with_spare(4096);
    unsigned frees = mock_pages.free_calls;
    mock_pages.refuse_frees = 1;
    assert_int_equal(slab_cache_destroy(c), SLAB_EHOOKFREE);
    mock_pages.refuse_frees = 0;
    assert_int_equal(mock_pages.free_calls - frees, 1);
    assert_int_equal(STATS(c).hook_failures, 1);
    DESTROY(c);
}

/* Empty slaves the hook refused earlier (on slab_free) are offered again by
 * destroy; if refused once more, destroy says so and can be called again. */
static void destroy_offers_refused_slaves_again(void **state)
{
    (void)state;
    slab_cache *c = MAKE_CACHE(1024, 0, 0, 0);
    slab_stats geo = STATS(c);
    void *objs[16];
    uint32_t n = geo.objs_in_master + 3 * geo.objs_per_slab;
    assert_true(n <= 16);
    for (uint32_t i = 0; i < n; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
    }
    assert_int_equal(STATS(c).slabs_in_use, 4);
    mock_pages.strict = 1;
    /* Slave 1 empties: spare. Slaves 2 and 3 empty: offered, refused. */
    uint32_t refused = 0;
    for (uint32_t i = 0; i < n; i++) {
        int last_of_slave = i >= geo.objs_in_master && (i + 1 - geo.objs_in_master) % geo.objs_per_slab == 0;
        int spare_taken = i + 1 > geo.objs_in_master + geo.objs_per_slab;
        if (last_of_slave && spare_taken) {
            mock_expect_free(4096, MOCK_FREE_REFUSE);
            assert_int_equal(slab_free(objs[i]), SLAB_EHOOKFREE);
            refused++;
        } else {
            assert_int_equal(slab_free(objs[i]), SLAB_OK);
        }
        ASSERT_VALID(c);
    }
    assert_int_equal(refused, 2);
    slab_stats st = STATS(c);
    assert_int_equal(st.objs_in_use, 0);
    assert_int_equal(st.slabs_in_use, 4);
    assert_int_equal(st.hook_failures, 2);
    /* Destroy: the spare goes, one refused slave is refused again. */
    mock_expect_free(4096, MOCK_FREE_OK);
    mock_expect_free(4096, MOCK_FREE_REFUSE);
    mock_expect_free(4096, MOCK_FREE_OK);
    assert_int_equal(slab_cache_destroy(c), SLAB_EHOOKFREE);
    ASSERT_VALID(c);
    st = STATS(c);
    assert_int_equal(st.slabs_in_use, 2);
    assert_int_equal(st.pages_given, 2);
    assert_int_equal(st.hook_failures, 3);
    /* Again: the last slave, then the master. */
    mock_expect_free(4096, MOCK_FREE_OK);
    mock_expect_free(4096, MOCK_FREE_OK);
    uintptr_t master = page_base(c, 4096);
    DESTROY(c);
    assert_int_equal((uintptr_t)mock_pages.last_freed, master);
    assert_int_equal(mock_pages.live, 0);
    assert_int_equal(mock_pages.taken_back, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SLAB_TEST(destroy_null_and_fake),
        SLAB_TEST(destroy_busy),
        SLAB_TEST(destroy_gives_every_page_master_last),
        SLAB_TEST(destroy_refused_spare),
        SLAB_TEST(destroy_refused_master),
        SLAB_TEST(destroy_offers_each_page_once),
        SLAB_TEST(destroy_offers_refused_slaves_again),
    };
    return cmocka_run_group_tests_name("C API: slab_cache_destroy", tests, NULL, NULL);
}
