/*
 * slab_alloc / slab_alloc_status / slab_free / slab_cache_free and the report
 * hook: what they hand out, and every pointer they refuse. After each refusal
 * the cache is as it was (ASSERT_UNCHANGED, see harness.h).
 */
#include <string.h>

#include "harness.h"

/* A 4096-aligned buffer of zeros that no cache owns: slab_free() masks a
 * pointer into it down to its start and reads a would-be header there, which
 * stays inside this buffer. */
static _Alignas(4096) unsigned char not_a_slab[2 * 4096];

/* Small deterministic generator for free orders (xorshift32). */
static uint32_t rng_state = 0x12345678u;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void shuffle(void **v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rng() % i;
        void *t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* Objects handed out are distinct, aligned, inside a live page, and do not
 * overlap: each is filled with its own byte and re-read before it is freed. */
static void alloc_free_distinct_objects(void **state)
{
    (void)state;
    enum { N = 600, SIZE = 40, ALIGN = 16 };
    static void *objs[N];
    slab_cache *c = MAKE_CACHE(SIZE, ALIGN, 0, 0);
    for (size_t i = 0; i < N; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
        assert_int_equal((uintptr_t)objs[i] % ALIGN, 0);
        assert_true(mock_is_live(objs[i]));
        assert_true(mock_is_live((char *)objs[i] + SIZE - 1)); /* the whole object in one page */
        memset(objs[i], (int)(i & 0xFF), SIZE);
        assert_int_equal(STATS(c).objs_in_use, i + 1);
    }
    ASSERT_VALID(c);
    for (size_t i = 0; i < N; i++) {
        const unsigned char *b = objs[i];
        for (size_t k = 0; k < SIZE; k++) {
            assert_int_equal(b[k], i & 0xFF);
        }
    }
    shuffle(objs, N);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
        assert_int_equal(STATS(c).objs_in_use, N - 1 - i);
    }
    ASSERT_VALID(c);
    DESTROY(c);
}

/* slab_alloc_status: "*status (if status is not NULL) is SLAB_OK on success,
 * else SLAB_EINVAL (NULL cache) ..." */
static void alloc_status_codes(void **state)
{
    (void)state;
    slab_status st = SLAB_ECORRUPT;
    assert_null(slab_alloc(NULL));
    assert_null(slab_alloc_status(NULL, &st));
    assert_int_equal(st, SLAB_EINVAL);
    assert_null(slab_alloc_status(NULL, NULL));
    slab_cache *c = MAKE_CACHE(8, 0, 0, 0);
    st = SLAB_ECORRUPT;
    void *p = slab_alloc_status(c, &st);
    assert_non_null(p);
    assert_int_equal(st, SLAB_OK);
    void *q = slab_alloc_status(c, NULL);
    assert_non_null(q);
    assert_ptr_not_equal(p, q);
    assert_int_equal(STATS(c).objs_in_use, 2);
    assert_int_equal(slab_free(p), SLAB_OK);
    assert_int_equal(slab_free(q), SLAB_OK);
    DESTROY(c);
    assert_int_equal(mock_pages.alloc_calls, 1);
}

static void free_null(void **state)
{
    (void)state;
    slab_cache *c = MAKE_CACHE(8, 0, 0, 0);
    void *p = slab_alloc(c);
    snapshot before;
    SNAP(c, &before);
    assert_int_equal(slab_free(NULL), SLAB_EINVAL);
    ASSERT_UNCHANGED(c, &before);
    assert_int_equal(slab_cache_free(NULL, p), SLAB_EINVAL);
    ASSERT_UNCHANGED(c, &before);
    assert_int_equal(slab_cache_free(c, NULL), SLAB_EINVAL);
    ASSERT_UNCHANGED(c, &before);
    assert_int_equal(slab_cache_free(NULL, NULL), SLAB_EINVAL);
    ASSERT_UNCHANGED(c, &before);
    assert_int_equal(slab_cache_free(c, p), SLAB_OK);
    DESTROY(c);
}

/* A pointer into memory libslab never handed out: no genuine header at the
 * masked address, so SLAB_EBADPTR, and nothing is written there. */
static void free_foreign_pointer(void **state)
{
    (void)state;
    slab_cache *c = MAKE_CACHE(64, 0, 0, 0);
    void *p = slab_alloc(c);
    snapshot before;
    SNAP(c, &before);
    static const size_t offsets[] = {0, 8, 64, 100, 4088, 4096, 4096 + 512};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        void *bad = not_a_slab + offsets[i];
        assert_int_equal(slab_free(bad), SLAB_EBADPTR);
        ASSERT_UNCHANGED(c, &before);
        assert_int_equal(slab_cache_free(c, bad), SLAB_EBADPTR);
        ASSERT_UNCHANGED(c, &before);
    }
    for (size_t k = 0; k < sizeof not_a_slab; k++) {
        assert_int_equal(not_a_slab[k], 0);
    }
    assert_int_equal(slab_free(p), SLAB_OK);
    DESTROY(c);
}

/* slab_free() of an object of a cache with slabs smaller than the default:
 * freed, as slab_cache_free() would (the smaller masks find its slab);
 * freed again: SLAB_EDOUBLEFREE, reported to its cache, nothing changed. */
static void free_smaller_slab_size(void **state)
{
    (void)state;
    static const size_t sizes[] = {256, 512, 1024, 2048};
    enum { N = 80 }; /* the master and slaves */
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t S = sizes[i];
        slab_cache *c = MAKE_CACHE(32, 0, S, 0);
        void *objs[N];
        for (size_t k = 0; k < N; k++) {
            objs[k] = slab_alloc(c);
            assert_non_null(objs[k]);
        }
        for (size_t k = 0; k < N; k++) {
            assert_int_equal(slab_free(objs[k]), SLAB_OK);
            assert_int_equal(STATS(c).objs_in_use, N - 1 - k);
            if (k == 0) {
                snapshot before;
                SNAP(c, &before);
                assert_int_equal(slab_free(objs[k]), SLAB_EDOUBLEFREE);
                assert_int_equal(slab_free((char *)objs[k + 1] + 8), SLAB_ENOTSLOT);
                ASSERT_UNCHANGED(c, &before);
            }
        }
        assert_int_equal(slab_cache_validate(c), SLAB_OK);
        DESTROY(c);
    }
}

/* slab_free() of an object of a cache with larger slabs: SLAB_ESLABSIZEFREE
 * when it lies in the first 4096 bytes of its slab (the masked address is
 * its own slab's header), else SLAB_EBADPTR; "never freed into the wrong
 * slab". The cache is unchanged, and slab_cache_free() then frees it. */
static void free_custom_slab_size(void **state)
{
    (void)state;
    static const size_t sizes[] = {8192, 65536};
    enum { N = 80 }; /* fills the master and a whole slave */
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t S = sizes[i];
        size_t obj = S >= 8192 ? S / 32 : 32; /* the lowest slots lie below 4096 */
        slab_cache *c = MAKE_CACHE(obj, 0, S, 0);
        void *objs[N];
        unsigned low = 0, high = 0;
        for (size_t k = 0; k < N; k++) {
            objs[k] = slab_alloc(c);
            assert_non_null(objs[k]);
        }
        for (size_t k = 0; k < N; k++) {
            snapshot before;
            SNAP(c, &before);
            size_t offset = (uintptr_t)objs[k] & (S - 1);
            slab_status want = offset < 4096 ? SLAB_ESLABSIZEFREE : SLAB_EBADPTR;
            *(offset < 4096 ? &low : &high) += 1;
            assert_int_equal(slab_free(objs[k]), want);
            ASSERT_UNCHANGED(c, &before);
            /* Never SLAB_ESLABSIZEFREE from slab_cache_free. */
            assert_int_equal(slab_cache_free(c, objs[k]), SLAB_OK);
            assert_int_equal(STATS(c).objs_in_use, N - 1 - k);
        }
        assert_true(low > 0); /* both cases were met */
        assert_true(high > 0);
        DESTROY(c);
    }
}

/* slab_cache_free() with another cache's object: SLAB_EWRONGCACHE, both
 * caches unchanged, reported to the named cache's report hook. */
struct report {
    unsigned calls;
    void *ctx;
    slab_cache *cache;
    slab_status status;
    void *ptr;
};

static void on_error(void *ctx, slab_cache *cache, slab_status status, void *ptr)
{
    struct report *r = ctx;
    r->calls++;
    r->ctx = ctx;
    r->cache = cache;
    r->status = status;
    r->ptr = ptr;
}

static void cache_free_wrong_cache(void **state)
{
    (void)state;
    slab_cache *a = MAKE_CACHE(32, 0, 0, 0);
    slab_cache *b = MAKE_CACHE(32, 0, 0, 0);
    slab_cache *big = MAKE_CACHE(32, 0, 8192, 0);
    void *pa = slab_alloc(a);
    void *pb = slab_alloc(b);
    void *pbig = slab_alloc(big);
    snapshot sa, sb, sbig;
    SNAP(a, &sa);
    SNAP(b, &sb);
    SNAP(big, &sbig);
    assert_int_equal(slab_cache_free(a, pb), SLAB_EWRONGCACHE);
    assert_int_equal(slab_cache_free(b, pa), SLAB_EWRONGCACHE);
    /* A slab of another size has no header of a's size: not a's pointer. */
    assert_int_equal(slab_cache_free(a, pbig), SLAB_EBADPTR);
    ASSERT_UNCHANGED(a, &sa);
    ASSERT_UNCHANGED(b, &sb);
    ASSERT_UNCHANGED(big, &sbig);

    /* With a report hook on a: called once per misuse, with its context,
     * the cache, the status and the pointer; the status is still returned. */
    struct report r = {0, NULL, NULL, SLAB_OK, NULL};
    assert_int_equal(slab_cache_set_error_handler(a, on_error, &r), SLAB_OK);
    assert_int_equal(slab_cache_free(a, pb), SLAB_EWRONGCACHE);
    assert_int_equal(r.calls, 1);
    assert_ptr_equal(r.ctx, &r);
    assert_ptr_equal(r.cache, a);
    assert_int_equal(r.status, SLAB_EWRONGCACHE);
    assert_ptr_equal(r.ptr, pb);
    assert_int_equal(slab_cache_free(a, not_a_slab + 16), SLAB_EBADPTR);
    assert_int_equal(r.calls, 2);
    assert_int_equal(r.status, SLAB_EBADPTR);
    assert_ptr_equal(r.ptr, not_a_slab + 16);
    /* b has no hook: a's is not called for b's misuse. */
    assert_int_equal(slab_cache_free(b, pa), SLAB_EWRONGCACHE);
    assert_int_equal(r.calls, 2);
    /* Cleared: no more calls. */
    assert_int_equal(slab_cache_set_error_handler(a, NULL, &r), SLAB_OK);
    assert_int_equal(slab_cache_free(a, pb), SLAB_EWRONGCACHE);
    assert_int_equal(r.calls, 2);
    ASSERT_UNCHANGED(a, &sa);
    ASSERT_UNCHANGED(b, &sb);

    assert_int_equal(slab_cache_free(a, pa), SLAB_OK);
    assert_int_equal(slab_cache_free(b, pb), SLAB_OK);
    assert_int_equal(slab_cache_free(big, pbig), SLAB_OK);
    DESTROY(a);
    DESTROY(b);
    DESTROY(big);
}

static void set_error_handler_codes(void **state)
{
    (void)state;
    struct report r = {0, NULL, NULL, SLAB_OK, NULL};
    assert_int_equal(slab_cache_set_error_handler(NULL, on_error, &r), SLAB_EINVAL);
    assert_int_equal(slab_cache_set_error_handler(NULL, NULL, NULL), SLAB_EINVAL);
    /* A handle that does not lead to a genuine control block. */
    slab_cache *fake = (slab_cache *)(void *)(not_a_slab + 64);
    assert_int_equal(slab_cache_set_error_handler(fake, on_error, &r), SLAB_EBADPTR);
    assert_int_equal(r.calls, 0);
}

/* "Frees an object of any cache created with slab_size 0": objects of three
 * caches, spread over many slabs each, freed in a random order through
 * slab_free() alone; each lands back in its own cache. */
static void free_location_independent(void **state)
{
    (void)state;
    enum { PER = 300, NCACHE = 3 };
    static const size_t size[NCACHE] = {16, 72, 200};
    static const size_t align[NCACHE] = {0, 8, 64};
    static void *objs[NCACHE * PER];
    slab_cache *c[NCACHE];
    for (size_t k = 0; k < NCACHE; k++) {
        c[k] = MAKE_CACHE(size[k], align[k], 0, 0);
    }
    for (size_t i = 0; i < PER; i++) {
        for (size_t k = 0; k < NCACHE; k++) {
            void *p = slab_alloc(c[k]);
            assert_non_null(p);
            memset(p, (int)k, size[k]);
            objs[i * NCACHE + k] = p;
        }
    }
    uint32_t left[NCACHE] = {PER, PER, PER};
    for (size_t k = 0; k < NCACHE; k++) {
        assert_true(STATS(c[k]).slabs_in_use > 1);
    }
    shuffle(objs, NCACHE * PER);
    for (size_t i = 0; i < NCACHE * PER; i++) {
        size_t k = *(unsigned char *)objs[i]; /* which cache it came from */
        assert_in_range(k, 0, NCACHE - 1);
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
        left[k]--;
        for (size_t j = 0; j < NCACHE; j++) {
            assert_int_equal(STATS(c[j]).objs_in_use, left[j]);
        }
    }
    for (size_t k = 0; k < NCACHE; k++) {
        ASSERT_VALID(c[k]);
        DESTROY(c[k]);
    }
}

/* A stale pointer into a slab that went back to the hook finds no magic:
 * SLAB_EBADPTR, nothing written there (the mock's quarantine checks that at
 * teardown), the cache unchanged. */
static void free_stale_pointer(void **state)
{
    (void)state;
    slab_cache *c = MAKE_CACHE(1024, 0, 0, 0);
    slab_stats st = STATS(c);
    uint32_t n = st.objs_in_master + 2 * st.objs_per_slab;
    void *objs[16];
    assert_true(n <= 16);
    for (uint32_t i = 0; i < n; i++) {
        objs[i] = slab_alloc(c);
        assert_non_null(objs[i]);
    }
    assert_int_equal(STATS(c).slabs_in_use, 3);
    /* Free in allocation order: the first slave to empty is kept as the
     * spare, the second goes back to the hook. */
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(slab_free(objs[i]), SLAB_OK);
    }
    assert_int_equal(STATS(c).pages_given, 1);
    void *stale = objs[n - 1];
    assert_true(mock_is_quarantined(stale));
    snapshot before;
    SNAP(c, &before);
    assert_int_equal(slab_free(stale), SLAB_EBADPTR);
    ASSERT_UNCHANGED(c, &before);
    assert_int_equal(slab_cache_free(c, stale), SLAB_EBADPTR);
    ASSERT_UNCHANGED(c, &before);
    DESTROY(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SLAB_TEST(alloc_free_distinct_objects),
        SLAB_TEST(alloc_status_codes),
        SLAB_TEST(free_null),
        SLAB_TEST(free_foreign_pointer),
        SLAB_TEST(free_smaller_slab_size),
        SLAB_TEST(free_custom_slab_size),
        SLAB_TEST(cache_free_wrong_cache),
        SLAB_TEST(set_error_handler_codes),
        SLAB_TEST(free_location_independent),
        SLAB_TEST(free_stale_pointer),
    };
    return cmocka_run_group_tests_name("C API: alloc and free", tests, NULL, NULL);
}
