/*
 * hooks/buffer_pages on the host (CMocka): the explicit API over unaligned
 * buffers, several pools at once, and a real libslab cache on the one-line
 * macro. buffer_pages.h: "A block of `size` bytes aligned to `size` ... or
 * NULL"; "non-zero when refused, and nothing changes".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "buffer_pages.h"
#include "slab/slab.h"

/* The program's hooks and secret: one 256 KiB region, pool built on first use. */
DEFINE_SLAB_BUFFER_HOOKS(slab_ram, 256 * 1024);

#define MIN 256u
#define MAX (64u * 1024u)

static unsigned char big_a[512 * 1024] __attribute__((aligned(64 * 1024)));
static unsigned char big_b[300 * 1024 + 123];

static unsigned long rng = 12345;
static unsigned next_rand(void)
{
    rng = rng * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)(rng >> 33);
}

static buffer_pool_stats stats_of(const buffer_pool *p)
{
    buffer_pool_stats s;
    buffer_pool_get_stats(p, &s);
    return s;
}

static void init_refusals(void **state)
{
    (void)state;
    static unsigned char buf[4096] __attribute__((aligned(4096)));
    assert_null(buffer_pool_init(NULL, sizeof buf, MIN, 0));
    assert_null(buffer_pool_init(buf, sizeof buf, 0, 0));           /* min 0 */
    assert_null(buffer_pool_init(buf, sizeof buf, 384, 0));         /* min not a power of two */
    assert_null(buffer_pool_init(buf, sizeof buf, sizeof(void *), 0)); /* min < two pointers */
    assert_null(buffer_pool_init(buf, sizeof buf, MIN, 3000));      /* max not a power of two */
    assert_null(buffer_pool_init(buf, sizeof buf, MIN, 128));       /* max < min */
    assert_null(buffer_pool_init(buf, 0, MIN, 0));                  /* empty */
    assert_null(buffer_pool_init(buf, MIN, MIN, MIN));              /* no room for page + state */
    assert_null(buffer_pool_init(buf + 8, MIN, MIN, MIN));          /* alignment eats it */
    assert_null(buffer_pool_init(buf, SIZE_MAX, MIN, 0));           /* wraps around */
    assert_null(buffer_pool_init(buf, sizeof buf, 16, (size_t)16 << 32)); /* 33 orders */
    /* buffer_pages.h: a setup mistake is caught at init, with its reason. */
    buffer_pool_status why = BUFFER_POOL_OK;
    assert_null(buffer_pool_init_status(buf + 3, sizeof buf - 3, MIN, 0, &why));
    assert_int_equal(why, BUFFER_POOL_EALIGN); /* buf + 3: not even pointer-aligned */
    assert_null(buffer_pool_init_status(buf, sizeof buf, 4096, 4096, &why));
    assert_int_equal(why, BUFFER_POOL_ESMALL); /* a 4 KiB buffer holds no 4 KiB page beside the state */
    assert_null(buffer_pool_init_status(buf, sizeof buf, 0, 0, &why));
    assert_int_equal(why, BUFFER_POOL_EARGS);
    assert_null(buffer_pool_init(buf + 3, sizeof buf - 3, MIN, 0));
    /* BUFFER_POOL_BYTES_FOR(S) bytes, min_page-aligned, give a page of S
     * wherever the S boundaries fall in them. */
    static unsigned char room[BUFFER_POOL_BYTES_FOR(4096) + 4096] __attribute__((aligned(4096)));
    for (size_t at = 0; at < 4096; at += MIN) {
        buffer_pool *f = buffer_pool_init_status(room + at, BUFFER_POOL_BYTES_FOR(4096), MIN, 4096, &why);
        assert_non_null(f);
        assert_int_equal(why, BUFFER_POOL_OK);
        assert_non_null(buffer_pool_alloc(f, 4096, 4096));
    }
    /* The smallest that works: one page plus the state. */
    buffer_pool *p = buffer_pool_init(buf, 2 * MIN, MIN, MIN);
    assert_non_null(p);
    buffer_pool_stats s = stats_of(p);
    assert_int_equal(s.pool_bytes, MIN);
    assert_int_equal(s.free_bytes, MIN);
    assert_int_equal(s.pool_bytes + s.overhead_bytes, 2 * MIN);
    /* A NULL pool. */
    assert_null(buffer_pool_alloc(NULL, MIN, MIN));
    assert_int_not_equal(buffer_pool_free(NULL, buf, MIN, MIN), 0);
    assert_int_equal(buffer_pool_free_bytes(NULL), 0);
    assert_int_equal(buffer_pool_owns(NULL, buf), 0);
}

/* Overhead of an aligned buffer: state + map + tail rounding, nothing more. */
static void overhead_is_state_and_map(void **state)
{
    (void)state;
    buffer_pool *p = buffer_pool_init(big_a, 256 * 1024, MIN, MAX);
    assert_non_null(p);
    buffer_pool_stats s = stats_of(p);
    size_t map = 256 * 1024 / MIN;
    size_t state_max = 16 * sizeof(size_t) + 9 * sizeof(void *); /* struct + 9 list heads, generous */
    printf("buffer_pages: 256 KiB aligned, min 256, max 64 KiB: %zu B pages, %zu B overhead (%zu B map)\n",
           s.pool_bytes, s.overhead_bytes, map);
    assert_true(s.overhead_bytes <= state_max + map + MIN);
    assert_int_equal(s.free_bytes, s.pool_bytes);
    assert_int_equal(s.largest_free, MAX);
    assert_int_equal(s.min_page, MIN);
    assert_int_equal(s.max_page, MAX);
    /* Three 64 KiB blocks, then the rest in decreasing blocks. */
    for (int i = 0; i < 3; i++) {
        unsigned char *b = buffer_pool_alloc(p, MAX, MAX);
        assert_non_null(b);
        assert_int_equal((uintptr_t)b % MAX, 0);
        assert_true(b >= big_a && b + MAX <= big_a + 3 * MAX);
    }
    assert_null(buffer_pool_alloc(p, MAX, MAX));
    assert_int_equal(buffer_pool_largest_free(p), 32 * 1024);
    /* A start aligned to a pointer but not to a page: at most min_page - 1 more. */
    buffer_pool *q = buffer_pool_init(big_a + 8, 256 * 1024 - 8, MIN, MAX);
    assert_non_null(q);
    assert_true(stats_of(q).overhead_bytes <= state_max + map + 2 * MIN);
}

static void bad_requests(void **state)
{
    (void)state;
    buffer_pool *p = buffer_pool_init(big_a, 64 * 1024, MIN, 16 * 1024);
    assert_non_null(p);
    size_t before = buffer_pool_free_bytes(p);
    assert_null(buffer_pool_alloc(p, 0, 0));
    assert_null(buffer_pool_alloc(p, 768, 256));          /* not a power of two */
    assert_null(buffer_pool_alloc(p, 1024, 2048));        /* align > size */
    assert_null(buffer_pool_alloc(p, 1024, 3));           /* align not a power of two */
    assert_null(buffer_pool_alloc(p, 32 * 1024, 32 * 1024)); /* > max_page */
    assert_int_equal(buffer_pool_free_bytes(p), before);
    /* Below min_page: a whole min_page block, self-aligned. */
    void *small = buffer_pool_alloc(p, 64, 64);
    assert_non_null(small);
    assert_int_equal((uintptr_t)small % MIN, 0);
    assert_int_equal(buffer_pool_free_bytes(p), before - MIN);
    assert_int_equal(buffer_pool_free(p, small, 64, 64), 0);
    assert_int_equal(buffer_pool_free_bytes(p), before);
}

/* Mixed sizes until exhaustion: every page aligned to its size, inside the
 * pool, disjoint; then freed in random order: back to full capacity. */
#define MAXPAGES 4096
static void *pages[MAXPAGES];
static size_t sizes[MAXPAGES];

static void alignment_exhaustion_merge(void **state)
{
    (void)state;
    unsigned char *buf = big_b + 8; /* not page-aligned on purpose */
    size_t len = sizeof big_b - 8;
    buffer_pool *p = buffer_pool_init(buf, len, MIN, MAX);
    assert_non_null(p);
    buffer_pool_stats full = stats_of(p);
    assert_true(full.pool_bytes + full.overhead_bytes == len);
    size_t n = 0, used = 0;
    for (int round = 0; round < 3; round++) {
        for (;;) {
            size_t size = (size_t)MIN << (next_rand() % 9);
            void *b = buffer_pool_alloc(p, size, size);
            if (b == NULL) {
                if (size == MIN) {
                    break; /* not even the smallest: exhausted */
                }
                continue;
            }
            assert_true(n < MAXPAGES);
            assert_int_equal((uintptr_t)b % size, 0);
            assert_true((unsigned char *)b >= buf && (unsigned char *)b + size <= buf + len);
            assert_true(buffer_pool_owns(p, b));
            /* Disjoint: each page's bytes carry its index, checked below. */
            memset(b, (int)(n & 0xff), size);
            pages[n] = b;
            sizes[n] = size;
            n++;
            used += size;
        }
        assert_int_equal(buffer_pool_free_bytes(p), 0);
        assert_int_equal(used, full.pool_bytes);
        assert_null(buffer_pool_alloc(p, MIN, MIN));
        for (size_t i = 0; i < n; i++) {
            const unsigned char *c = pages[i];
            assert_true(c[0] == (unsigned char)(i & 0xff) && c[sizes[i] - 1] == (unsigned char)(i & 0xff));
            for (size_t j = i + 1; j < n; j++) { /* disjoint */
                uintptr_t a = (uintptr_t)pages[i], b = (uintptr_t)pages[j];
                assert_true(a + sizes[i] <= b || b + sizes[j] <= a);
            }
        }
        /* Reuse: one freed, the same one back. */
        assert_int_equal(buffer_pool_free(p, pages[0], sizes[0], sizes[0]), 0);
        assert_ptr_equal(buffer_pool_alloc(p, sizes[0], sizes[0]), pages[0]);
        /* Free all in random order. */
        for (size_t i = n; i > 1; i--) {
            size_t j = next_rand() % i;
            void *tp = pages[i - 1];
            size_t ts = sizes[i - 1];
            pages[i - 1] = pages[j];
            sizes[i - 1] = sizes[j];
            pages[j] = tp;
            sizes[j] = ts;
        }
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(buffer_pool_free(p, pages[i], sizes[i], sizes[i]), 0);
        }
        buffer_pool_stats s = stats_of(p);
        assert_int_equal(s.free_bytes, full.pool_bytes);
        assert_int_equal(s.largest_free, full.largest_free);
        n = 0;
        used = 0;
    }
    buffer_pool_stats s = stats_of(p);
    assert_int_equal(s.allocs, s.frees);
    assert_int_equal(s.refused, 0);
}

static void foreign_and_double_free_refused(void **state)
{
    (void)state;
    buffer_pool *p = buffer_pool_init(big_a, 128 * 1024, MIN, MAX);
    assert_non_null(p);
    size_t before = buffer_pool_free_bytes(p);
    unsigned char *a = buffer_pool_alloc(p, 4096, 4096);
    assert_non_null(a);
    size_t mid = buffer_pool_free_bytes(p);
    static unsigned char outside[4096] __attribute__((aligned(4096)));
    assert_int_not_equal(buffer_pool_free(p, outside, 4096, 4096), 0);   /* foreign */
    assert_int_not_equal(buffer_pool_free(p, a + 256, 256, 256), 0);      /* interior */
    assert_int_not_equal(buffer_pool_free(p, a + 1, 4096, 4096), 0);      /* misaligned */
    assert_int_not_equal(buffer_pool_free(p, a, 2048, 2048), 0);          /* other size */
    assert_int_not_equal(buffer_pool_free(p, a, 8192, 8192), 0);          /* other size */
    assert_int_not_equal(buffer_pool_free(p, a, 4096, 8192), 0);          /* align > size */
    assert_int_not_equal(buffer_pool_free(p, a + 8192, 4096, 4096), 0);   /* free block */
    assert_int_not_equal(buffer_pool_free(p, (unsigned char *)p, 256, 256), 0); /* the state */
    assert_int_not_equal(buffer_pool_free(p, NULL, 4096, 4096), 0);
    assert_int_equal(buffer_pool_free_bytes(p), mid);
    assert_int_equal(buffer_pool_free(p, a, 4096, 4096), 0);
    assert_int_not_equal(buffer_pool_free(p, a, 4096, 4096), 0);          /* double */
    assert_int_equal(buffer_pool_free_bytes(p), before);
    assert_int_equal(stats_of(p).refused, 10);
}

/* Two regions at once, both unaligned, one routing hook pair as documented. */
static buffer_pool *sram, *psram;
static void *route_alloc(size_t size, size_t align)
{
    void *b = buffer_pool_alloc(sram, size, align);
    return b != NULL ? b : buffer_pool_alloc(psram, size, align);
}
static int route_free(void *b, size_t size, size_t align)
{
    return buffer_pool_owns(sram, b) ? buffer_pool_free(sram, b, size, align)
                                     : buffer_pool_free(psram, b, size, align);
}

static void two_pools_unaligned(void **state)
{
    (void)state;
    sram = buffer_pool_init(big_a + 8, 40 * 1024, MIN, 8 * 1024);
    psram = buffer_pool_init(big_b + 104, 200 * 1024, MIN, MAX);
    assert_non_null(sram);
    assert_non_null(psram);
    size_t fs = buffer_pool_free_bytes(sram), fp = buffer_pool_free_bytes(psram);
    size_t n = 0, in_sram = 0, in_psram = 0;
    for (;;) {
        void *b = route_alloc(4096, 4096);
        if (b == NULL) {
            break;
        }
        assert_int_equal((uintptr_t)b % 4096, 0);
        assert_true(buffer_pool_owns(sram, b) != buffer_pool_owns(psram, b));
        if (buffer_pool_owns(sram, b)) {
            in_sram++;
            assert_int_equal(in_psram, 0); /* internal RAM first */
            assert_int_not_equal(buffer_pool_free(psram, b, 4096, 4096), 0); /* other pool refuses */
        } else {
            in_psram++;
            assert_int_not_equal(buffer_pool_free(sram, b, 4096, 4096), 0);
        }
        pages[n++] = b;
    }
    assert_true(in_sram >= 8 && in_psram >= 40);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(route_free(pages[i], 4096, 4096), 0);
    }
    assert_int_equal(buffer_pool_free_bytes(sram), fs);
    assert_int_equal(buffer_pool_free_bytes(psram), fp);
}

/* A real libslab cache over DEFINE_SLAB_BUFFER_HOOKS(slab_ram, 256 KiB). */
static void libslab_cache_on_macro(void **state)
{
    (void)state;
    assert_ptr_equal(slab_ram(), slab_ram()); /* built once */
    buffer_pool_stats full = stats_of(slab_ram());
    assert_true(full.pool_bytes > 250 * 1024);
    assert_int_equal(full.free_bytes, full.pool_bytes);
    slab_cache *c = NULL;
    assert_int_equal(slab_cache_create(&c, 48, 0, 4096, 0), SLAB_OK);
    size_t n = 0;
    slab_status st = SLAB_OK;
    for (;;) {
        void *o = slab_alloc_status(c, &st);
        if (o == NULL) {
            break;
        }
        assert_true(n < MAXPAGES * 4);
        memset(o, 0x5a, 48);
        if (n < MAXPAGES) {
            pages[n] = o;
        }
        n++;
        if (n == MAXPAGES) {
            break;
        }
    }
    assert_true(n > 1000);
    assert_true(buffer_pool_free_bytes(slab_ram()) < full.free_bytes);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(slab_free(pages[i]), SLAB_OK);
    }
    assert_int_equal(slab_cache_destroy(c), SLAB_OK);
    assert_int_equal(buffer_pool_free_bytes(slab_ram()), full.free_bytes);
    /* Exhaustion through libslab: SLAB_ENOMEM, then everything back. */
    assert_int_equal(slab_cache_create(&c, 1000, 0, 16384, 0), SLAB_OK);
    n = 0;
    for (;;) {
        void *o = slab_alloc_status(c, &st);
        if (o == NULL) {
            break;
        }
        pages[n++] = o;
        assert_true(n < MAXPAGES);
    }
    assert_int_equal(st, SLAB_ENOMEM);
    assert_true(buffer_pool_largest_free(slab_ram()) < 16384);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(slab_cache_free(c, pages[i]), SLAB_OK); /* custom slab size */
    }
    assert_int_equal(slab_cache_destroy(c), SLAB_OK);
    buffer_pool_stats s = stats_of(slab_ram());
    assert_int_equal(s.free_bytes, full.free_bytes);
    assert_int_equal(s.largest_free, full.largest_free);
    assert_int_equal(s.refused, 0);
    printf("buffer_pages: libslab on a 256 KiB array: %zu B pages, %zu B overhead, %lu pages taken and given back\n",
           s.pool_bytes, s.overhead_bytes, s.frees);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_refusals),
        cmocka_unit_test(overhead_is_state_and_map),
        cmocka_unit_test(bad_requests),
        cmocka_unit_test(alignment_exhaustion_merge),
        cmocka_unit_test(foreign_and_double_free_refused),
        cmocka_unit_test(two_pools_unaligned),
        cmocka_unit_test(libslab_cache_on_macro),
    };
    return cmocka_run_group_tests_name("buffer_pages", tests, NULL, NULL);
}
