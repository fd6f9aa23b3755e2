/*
 * The C API on caches made by the C++ front (slab.hpp), as slab.h states it:
 * "C++ caches with NoLock, SpinLock or IrqLock are usable from C too; with a
 * user-defined lock type, C calls on them return SLAB_EUNSUPPORTED
 * (slab_alloc: NULL), since C cannot take that lock." and slab_cache_destroy:
 * "SLAB_EUNSUPPORTED (a cache made by the C++ front: it ends with its last
 * handle)". The caches come from cxx_caches.cpp.
 */
#include "cxx_caches.h"
#include "harness.h"

static _Alignas(4096) unsigned char not_a_slab[4096];

/* A NoLock C++ cache: every C call works on it, but destroy is refused and
 * changes nothing; dropping the last C++ handle gives every page back. */
static void c_calls_on_cxx_nolock_cache(void **state)
{
    (void)state;
    slab_cache *c = cxx_plain_create();
    assert_non_null(c);
    ASSERT_VALID(c);
    assert_int_equal(STATS(c).obj_size, CXX_OBJ_SIZE);
    void *p = slab_alloc(c);
    void *q = slab_alloc(c);
    assert_non_null(p);
    assert_non_null(q);
    assert_int_equal(STATS(c).objs_in_use, 2);
    assert_int_equal(slab_cache_reset_peak(c), SLAB_OK);
    assert_int_equal(slab_cache_set_error_handler(c, NULL, NULL), SLAB_OK);
    snapshot before;
    SNAP(c, &before);
    assert_int_equal(slab_cache_destroy(c), SLAB_EUNSUPPORTED);
    ASSERT_UNCHANGED(c, &before);
    assert_int_equal(slab_free(p), SLAB_OK);
    assert_int_equal(slab_cache_free(c, q), SLAB_OK);
    SNAP(c, &before);
    assert_int_equal(slab_cache_destroy(c), SLAB_EUNSUPPORTED); /* even when idle */
    ASSERT_UNCHANGED(c, &before);
    cxx_plain_drop();
    assert_int_equal(mock_pages.live, 0);
}

/* A C++ cache whose last handle is gone while objects live ends when the
 * last of them is freed, here through the C slab_free(). */
static void orphaned_cxx_cache_ends_on_last_c_free(void **state)
{
    (void)state;
    slab_cache *c = cxx_plain_create();
    assert_non_null(c);
    slab_stats geo = STATS(c);
    uint32_t n = geo.objs_in_master + 1; /* master and one slave */
    void *objs[128];
    assert_true(n <= 128);
    for (uint32_t i = 0; i < n; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
    }
    cxx_plain_drop();
    assert_int_equal(mock_pages.live, 2); /* objects live: the cache stays */
    for (uint32_t i = 0; i + 1 < n; i++) {
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
    }
    assert_true(mock_pages.live >= 1);
    assert_int_equal(slab_free(objs[n - 1]), SLAB_OK);
    assert_int_equal(mock_pages.live, 0); /* the last free ended it */
    assert_int_equal(mock_pages.taken_back, mock_pages.given);
}

/* A C++ cache with a user lock type: every C call works on it, through the
 * lock's thunks (slab/lock.hpp), and leaves the lock balanced; destroy stays
 * the last C++ handle's. */
static void c_calls_on_cxx_user_lock_cache(void **state)
{
    (void)state;
    slab_cache *c = cxx_user_create();
    assert_non_null(c);
    void *p = cxx_user_alloc();
    assert_non_null(p);
    assert_int_equal(cxx_user_in_use(), 1);
    ASSERT_VALID(c);

    slab_status st = SLAB_EINVAL;
    void *q = slab_alloc_status(c, &st);
    assert_non_null(q);
    assert_int_equal(st, SLAB_OK);
    void *r = slab_alloc(c);
    assert_non_null(r);
    assert_int_equal(cxx_user_in_use(), 3);
    assert_int_equal(slab_free(q), SLAB_OK);
    assert_int_equal(slab_cache_free(c, r), SLAB_OK);
    assert_int_equal(slab_cache_free(c, r), SLAB_EDOUBLEFREE);
    assert_int_equal(slab_cache_free(c, not_a_slab + 8), SLAB_EBADPTR);
    slab_stats out;
    assert_int_equal(slab_cache_stats(c, &out), SLAB_OK);
    assert_int_equal(out.objs_in_use, 1);
    assert_int_equal(slab_cache_reset_peak(c), SLAB_OK);
    assert_int_equal(slab_cache_set_error_handler(c, NULL, NULL), SLAB_OK);
    assert_int_equal(slab_cache_destroy(c), SLAB_EUNSUPPORTED);

    ASSERT_VALID(c);
    assert_int_equal(cxx_user_in_use(), 1); /* p is still allocated */
    assert_true(cxx_user_lock_balanced());

    cxx_user_free(p);
    assert_int_equal(cxx_user_in_use(), 0);
    cxx_user_drop();
    assert_int_equal(mock_pages.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SLAB_TEST(c_calls_on_cxx_nolock_cache),
        SLAB_TEST(orphaned_cxx_cache_ends_on_last_c_free),
        SLAB_TEST(c_calls_on_cxx_user_lock_cache),
    };
    return cmocka_run_group_tests_name("C API on C++-front caches", tests, NULL, NULL);
}
