/*
 * slab_cache_create(): every argument it refuses, every slab size it accepts,
 * and the page it asks the hook for. slab.h: "Takes one page (the master)
 * from slab_page_alloc(slab_size, slab_size). On success *out is the cache;
 * on error *out is untouched and no page is kept."
 */
#include <string.h>

#include "harness.h"

/* A value *out must keep when create fails. */
static char untouched_target;
#define UNTOUCHED ((slab_cache *)(void *)&untouched_target)

/* Expects create to fail with `want` without calling any hook. */
static void refused_without_hooks(size_t obj_size, size_t obj_align, size_t slab_size, unsigned flags,
                                  slab_status want)
{
    slab_cache *c = UNTOUCHED;
    mock_pages.strict = 1; /* any hook call fails the test */
    assert_int_equal(slab_cache_create(&c, obj_size, obj_align, slab_size, flags), want);
    assert_ptr_equal(c, UNTOUCHED);
    assert_int_equal(mock_pages.alloc_calls, 0);
    assert_int_equal(mock_pages.live, 0);
    mock_pages.strict = 0;
}

/* "slab_size 0 means SLAB_DEFAULT_SLAB_SIZE": one hook call of 4096, 4096. */
static void create_default_slab_size(void **state)
{
    (void)state;
    mock_pages.strict = 1;
    mock_expect_alloc(4096, MOCK_GIVE);
    slab_cache *c = MAKE_CACHE(24, 0, 0, 0);
    slab_stats st = STATS(c);
    assert_int_equal(st.slab_size, 4096);
    assert_int_equal(st.obj_size, 24);
    assert_int_equal(st.slot_size, 24);
    assert_int_equal(st.pages_taken, 1);
    assert_int_equal(st.pages_given, 0);
    assert_int_equal(st.slabs_in_use, 1);
    assert_int_equal(st.objs_in_use, 0);
    assert_int_equal(st.hook_failures, 0);
    assert_int_equal(mock_pages.live, 1);
    mock_expect_free(4096, MOCK_FREE_OK);
    DESTROY(c);
    assert_int_equal(mock_pages.alloc_calls, 1);
    assert_int_equal(mock_pages.free_calls, 1);
}

/* Every slab size from SLAB_MIN_SLAB_SIZE (256) to 1 MiB: the master and the
 * first slave are asked with align == size == S, and given back with it. */
static void create_every_slab_size(void **state)
{
    (void)state;
    mock_pages.strict = 1;
    for (size_t S = SLAB_MIN_SLAB_SIZE; S <= ((size_t)1 << 20); S <<= 1) {
        mock_expect_alloc(S, MOCK_GIVE);
        slab_cache *c = MAKE_CACHE(S / 8, 0, S, 0);
        slab_stats st = STATS(c);
        assert_int_equal(st.slab_size, S);
        assert_int_equal(st.objs_per_slab, TEST_CAP_SLAVE(S, S / 8));
        void *objs[16];
        /* The master's slots take no page; the next object takes a slave. */
        for (uint32_t i = 0; i < st.objs_in_master; i++) {
            objs[i] = slab_alloc(c);
            assert_non_null(objs[i]);
        }
        assert_int_equal(mock_pages.alloc_calls, 1);
        mock_expect_alloc(S, MOCK_GIVE);
        objs[st.objs_in_master] = slab_alloc(c);
        assert_non_null(objs[st.objs_in_master]);
        assert_int_equal(mock_pages.alloc_calls, 2);
        for (uint32_t i = 0; i <= st.objs_in_master; i++) {
            /* Objects are aligned and inside a page of the mock. */
            assert_int_equal((uintptr_t)objs[i] % sizeof(void *), 0);
            assert_true(mock_is_live(objs[i]));
            assert_int_equal(slab_cache_free(c, objs[i]), SLAB_OK);
        }
        ASSERT_VALID(c);
        /* The empty slave stays as the spare: it goes back at destroy. */
        mock_expect_free(S, MOCK_FREE_OK);
        mock_expect_free(S, MOCK_FREE_OK);
        DESTROY(c);
        assert_int_equal(mock_pages.live, 0);
        mock_pages.alloc_calls = mock_pages.free_calls = 0;
    }
}

static void create_null_out(void **state)
{
    (void)state;
    mock_pages.strict = 1;
    assert_int_equal(slab_cache_create(NULL, 16, 0, 0, 0), SLAB_EINVAL);
    assert_int_equal(slab_cache_create(NULL, 16, 0, 0, SLAB_LOCK_SPIN), SLAB_EINVAL);
    assert_int_equal(mock_pages.alloc_calls, 0);
}

static void create_obj_size_zero(void **state)
{
    (void)state;
    refused_without_hooks(0, 0, 0, 0, SLAB_EINVAL);
    refused_without_hooks(0, 8, 4096, 0, SLAB_EINVAL);
}

/* "obj_align 0 means alignof(void *); otherwise a power of two" */
static void create_bad_align(void **state)
{
    (void)state;
    static const size_t bad[] = {3, 5, 6, 12, 24, 100, 4095, 4097, 0x30000, SIZE_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        refused_without_hooks(16, bad[i], 0, 0, SLAB_EALIGN);
    }
    /* Every power of two below the slab size is fine, and honoured. */
    for (size_t a = 1; a <= 2048; a <<= 1) {
        slab_cache *c = MAKE_CACHE(8, a, 0, 0);
        void *p = slab_alloc(c);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % a, 0);
        assert_int_equal((uintptr_t)p % sizeof(void *), 0);
        assert_int_equal(slab_free(p), SLAB_OK);
        DESTROY(c);
    }
}

/* slab_size not 0, not a power of two, or outside [MIN, MAX]. */
static void create_bad_slab_size(void **state)
{
    (void)state;
    static const size_t bad[] = {
        1, 2, 64, 128, SLAB_MIN_SLAB_SIZE / 2, SLAB_MIN_SLAB_SIZE - 1, 300, 4095, 4097, 3 * 4096, 65535,
        (size_t)SLAB_MAX_SLAB_SIZE * 2, (size_t)SLAB_MAX_SLAB_SIZE + 1, SIZE_MAX, ((size_t)1 << 63),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        refused_without_hooks(16, 0, bad[i], 0, SLAB_ESLABSIZE);
    }
    /* The bounds themselves are accepted: MIN builds a cache; MAX reaches the
     * hook (which has no gigabyte to give here). */
    slab_cache *c = MAKE_CACHE(16, 0, SLAB_MIN_SLAB_SIZE, 0);
    DESTROY(c);
    mock_pages.strict = 1;
    mock_expect_alloc(SLAB_MAX_SLAB_SIZE, MOCK_NULL);
    c = UNTOUCHED;
    assert_int_equal(slab_cache_create(&c, 16, 0, SLAB_MAX_SLAB_SIZE, 0), SLAB_ENOMEM);
    assert_ptr_equal(c, UNTOUCHED);
}

/* "no slot of this size and alignment fits in a slab beside its header" */
static void create_too_big(void **state)
{
    (void)state;
    refused_without_hooks(4097, 0, 0, 0, SLAB_ETOOBIG);
    refused_without_hooks(SIZE_MAX, 0, 0, 0, SLAB_ETOOBIG);
    refused_without_hooks(SIZE_MAX, 1, 256, 0, SLAB_ETOOBIG);
    refused_without_hooks(8, 4096, 0, 0, SLAB_ETOOBIG);   /* align == slab size */
    refused_without_hooks(8, 8192, 4096, 0, SLAB_ETOOBIG); /* align > slab size */
    refused_without_hooks(8, 256, 256, 0, SLAB_ETOOBIG);
    refused_without_hooks(TEST_LARGEST(4096) + 1, 1, 0, 0, SLAB_ETOOBIG);
    refused_without_hooks(TEST_LARGEST(256) + 1, 1, 256, 0, SLAB_ETOOBIG);
    /* Just fits: one slot (and its map byte) per slave, none in the master
     * (its control block takes the room), so the first object takes a slave. */
    slab_cache *c = MAKE_CACHE(TEST_LARGEST(4096), 0, 0, 0);
    slab_stats st = STATS(c);
    assert_int_equal(st.objs_per_slab, 1);
    assert_int_equal(st.objs_in_master, 0);
    void *p = slab_alloc(c);
    assert_non_null(p);
    assert_int_equal(STATS(c).slabs_in_use, 2);
    assert_int_equal(slab_free(p), SLAB_OK);
    DESTROY(c);
    /* "at most slab_size / 2" */
    c = MAKE_CACHE(8, 2048, 4096, 0);
    assert_int_equal(STATS(c).slot_size, 2048);
    DESTROY(c);
}

/* "flags 0 or one SLAB_LOCK_* bit"; SLAB_LOCK_IRQ: "ARM targets only:
 * SLAB_EUNSUPPORTED elsewhere". */
static void create_flags(void **state)
{
    (void)state;
    static const unsigned bad[] = {SLAB_LOCK_SPIN | SLAB_LOCK_IRQ, 0x4, 0x8, 0x100, 0x80000000u, ~0u};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        refused_without_hooks(16, 0, 0, bad[i], SLAB_EINVAL);
    }
    refused_without_hooks(16, 0, 0, SLAB_LOCK_IRQ, SLAB_EUNSUPPORTED);
    /* The spin lock exists on the host: a cache with it works. */
    slab_cache *c = MAKE_CACHE(16, 0, 0, SLAB_LOCK_SPIN);
    void *p = slab_alloc(c);
    assert_non_null(p);
    assert_int_equal(STATS(c).objs_in_use, 1);
    assert_int_equal(slab_cache_free(c, p), SLAB_OK);
    p = slab_alloc(c);
    assert_int_equal(slab_free(p), SLAB_OK);
    DESTROY(c);
}

/* Hook returns NULL for the master: SLAB_ENOMEM, nothing kept; the next
 * create works. */
static void create_hook_null(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 256, 4096, 65536};
    mock_pages.strict = 1;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t S = sizes[i] ? sizes[i] : 4096;
        slab_cache *c = UNTOUCHED;
        unsigned frees = mock_pages.free_calls;
        mock_expect_alloc(S, MOCK_NULL);
        assert_int_equal(slab_cache_create(&c, 32, 0, sizes[i], 0), SLAB_ENOMEM);
        assert_ptr_equal(c, UNTOUCHED);
        assert_int_equal(mock_pages.live, 0);
        assert_int_equal(mock_pages.free_calls, frees);
        mock_expect_alloc(S, MOCK_GIVE);
        c = MAKE_CACHE(32, 0, sizes[i], 0);
        assert_int_equal(STATS(c).hook_failures, 0); /* the failed attempt had no cache to count in */
        mock_expect_free(S, MOCK_FREE_OK);
        DESTROY(c);
    }
}

/* Hook returns a misaligned block: SLAB_EHOOKALIGN, and that very block goes
 * straight back through slab_page_free with the same size and align (the
 * mock checks both, and that the pointer is the block it handed out). */
static void create_hook_misaligned(void **state)
{
    (void)state;
    static const size_t sizes[] = {256, 4096, 65536, (size_t)1 << 20};
    mock_pages.strict = 1;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        slab_cache *c = UNTOUCHED;
        mock_expect_alloc(sizes[i], MOCK_MISALIGN);
        mock_expect_free(sizes[i], MOCK_FREE_OK);
        assert_int_equal(slab_cache_create(&c, 32, 0, sizes[i], 0), SLAB_EHOOKALIGN);
        assert_ptr_equal(c, UNTOUCHED);
        assert_int_equal(mock_pages.misaligned, i + 1);
        assert_int_equal(mock_pages.taken_back, i + 1);
        assert_int_equal(mock_pages.live, 0);
    }
}

/* Even when the hook refuses the misaligned block back, create reports
 * SLAB_EHOOKALIGN and keeps nothing: the block was never the cache's. */
static void create_hook_misaligned_refused_back(void **state)
{
    (void)state;
    mock_pages.strict = 1;
    slab_cache *c = UNTOUCHED;
    mock_expect_alloc(4096, MOCK_MISALIGN);
    mock_expect_free(4096, MOCK_FREE_REFUSE);
    assert_int_equal(slab_cache_create(&c, 32, 0, 0, 0), SLAB_EHOOKALIGN);
    assert_ptr_equal(c, UNTOUCHED);
    assert_int_equal(mock_pages.free_calls, 1);
    assert_int_equal(mock_drop_misaligned(), 1); /* the hook's own block, still its own */
}

/* slab_status_str: the constant's own name for every code, never NULL. */
static void status_str_every_code(void **state)
{
    (void)state;
    static const struct {
        slab_status s;
        const char *name;
    } names[] = {
        {SLAB_OK, "SLAB_OK"},
        {SLAB_EINVAL, "SLAB_EINVAL"},
        {SLAB_EALIGN, "SLAB_EALIGN"},
        {SLAB_ESLABSIZE, "SLAB_ESLABSIZE"},
        {SLAB_ETOOBIG, "SLAB_ETOOBIG"},
        {SLAB_ENOMEM, "SLAB_ENOMEM"},
        {SLAB_EHOOKALIGN, "SLAB_EHOOKALIGN"},
        {SLAB_EHOOKFREE, "SLAB_EHOOKFREE"},
        {SLAB_EBUSY, "SLAB_EBUSY"},
        {SLAB_EBADPTR, "SLAB_EBADPTR"},
        {SLAB_EWRONGCACHE, "SLAB_EWRONGCACHE"},
        {SLAB_ESLABSIZEFREE, "SLAB_ESLABSIZEFREE"},
        {SLAB_EUNSUPPORTED, "SLAB_EUNSUPPORTED"},
        {SLAB_ENOTSLOT, "SLAB_ENOTSLOT"},
        {SLAB_EDOUBLEFREE, "SLAB_EDOUBLEFREE"},
        {SLAB_EPOISON, "SLAB_EPOISON"},
        {SLAB_EREDZONE, "SLAB_EREDZONE"},
        {SLAB_ECORRUPT, "SLAB_ECORRUPT"},
    };
    size_t n = sizeof names / sizeof names[0];
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(names[i].s, i); /* the table covers 0..17 in order */
        assert_string_equal(slab_status_str(names[i].s), names[i].name);
    }
    /* Out of range: still a string, and not the name of a real code. */
    static const int outside[] = {18, 19, 255, 0x100, 100000, -1};
    for (size_t k = 0; k < sizeof outside / sizeof outside[0]; k++) {
        const char *s = slab_status_str((slab_status)outside[k]);
        assert_non_null(s);
        for (size_t i = 0; i < n; i++) {
            assert_string_not_equal(s, names[i].name);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SLAB_TEST(create_default_slab_size),
        SLAB_TEST(create_every_slab_size),
        SLAB_TEST(create_null_out),
        SLAB_TEST(create_obj_size_zero),
        SLAB_TEST(create_bad_align),
        SLAB_TEST(create_bad_slab_size),
        SLAB_TEST(create_too_big),
        SLAB_TEST(create_flags),
        SLAB_TEST(create_hook_null),
        SLAB_TEST(create_hook_misaligned),
        SLAB_TEST(create_hook_misaligned_refused_back),
        SLAB_TEST(status_str_every_code),
    };
    return cmocka_run_group_tests_name("C API: slab_cache_create", tests, NULL, NULL);
}
