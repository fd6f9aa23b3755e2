/* The default build's refusals on the target: every misuse of slab_free and
 * slab_cache_free comes back with its own status, once through the cache's
 * report hook, and changes nothing (objects in use, validate, the next
 * allocations hand out no live slot twice). One default-size cache of
 * 48-byte objects: at most two pages, the micro:bit's whole pool. */
#include <stdint.h>

#include "runner.h"
#include "slab/slab.h"

#define LIVE 6u

static unsigned reports;
static slab_status last_code;
static void *last_ptr;

static void record(void *ctx, slab_cache *cache, slab_status code, void *ptr)
{
    (void)cache;
    (void)ctx;
    reports++;
    last_code = code;
    last_ptr = ptr;
}

static slab_cache *cache;
static uint32_t in_use;

/* `p` is refused with `want`, reported once with (want, p), and the cache
 * is as it was. */
static void expect_refused(void *p, slab_status want)
{
    unsigned before = reports;
    slab_stats s;
    EXPECT(slab_free(p) == want);
    EXPECT(reports == before + 1u && last_code == want && last_ptr == p);
    EXPECT(slab_cache_free(cache, p) == want);
    EXPECT(reports == before + 2u && last_code == want && last_ptr == p);
    EXPECT(slab_cache_stats(cache, &s) == SLAB_OK && s.objs_in_use == in_use);
    EXPECT(slab_cache_validate(cache) == SLAB_OK);
}

void test_misuse(void)
{
    void *obj[LIVE];
    slab_stats s;
    EXPECT(slab_cache_create(&cache, 48, 0, 0, 0) == SLAB_OK);
    EXPECT(slab_cache_set_error_handler(cache, record, 0) == SLAB_OK);
    for (unsigned i = 0; i < LIVE; i++) {
        obj[i] = slab_alloc(cache);
        EXPECT(obj[i] != 0);
    }
    in_use = LIVE;
    EXPECT(slab_cache_stats(cache, &s) == SLAB_OK);
    char *a = (char *)obj[0], *b = (char *)obj[1];

    /* Double free, immediate and A, B, A. */
    EXPECT(slab_free(a) == SLAB_OK);
    in_use--;
    expect_refused(a, SLAB_EDOUBLEFREE);
    EXPECT(slab_free(b) == SLAB_OK);
    in_use--;
    expect_refused(a, SLAB_EDOUBLEFREE);
    expect_refused(b, SLAB_EDOUBLEFREE);

    /* Interior pointers, the header and control block, a slot never used. */
    char *c = (char *)obj[2];
    expect_refused(c + 1, SLAB_ENOTSLOT);
    expect_refused(c + 8, SLAB_ENOTSLOT);
    uintptr_t base = (uintptr_t)c & ~(uintptr_t)(SLAB_DEFAULT_SLAB_SIZE - 1u);
    expect_refused((void *)(base + 4u * sizeof(void *)), SLAB_EHEADER);
    expect_refused((void *)cache, SLAB_EHEADER);
    char *lowest = (char *)obj[LIVE - 1];
    expect_refused(lowest - s.slot_size, SLAB_ENEVERALLOC);

    /* A write after free into a freed slot steers nothing: the next two
     * allocations are the two free slots, never the written address. */
    *(void **)a = c;
    *(void **)b = (void *)0;
    void *x = slab_alloc(cache), *y = slab_alloc(cache);
    EXPECT((x == a && y == b) || (x == b && y == a));
    in_use += 2u;
    EXPECT(slab_cache_validate(cache) == SLAB_OK);

    for (unsigned i = 0; i < LIVE; i++) {
        EXPECT(slab_free(obj[i]) == SLAB_OK);
    }
    EXPECT(slab_cache_stats(cache, &s) == SLAB_OK && s.objs_in_use == 0u);
    EXPECT(slab_cache_destroy(cache) == SLAB_OK);
}
