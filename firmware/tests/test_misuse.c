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

/* The threat model on the target: with the program's secret seeded, bytes a
 * program stores in its objects cannot pass for a slab header, even when
 * they are the header's exact layout with the magic computed by the public
 * formula (slab/detail/slab_page.hpp: (base + S) ^ cache ^ secret ^ key) for
 * a guessed secret. The fake lies in the objects of a full 4 KiB slab, at a
 * 256-aligned address, where the mask of a cache of 256-byte slabs lands. */
struct fake_header {
    void *prev, *next;
    uintptr_t magic;
    void *cache;
    uint16_t head, handed, avail, cap;
};

void test_forged_header(void)
{
    const uintptr_t seeded = (uintptr_t)0x6C8E9CF5u, guessed = 0;
    uintptr_t saved = slab_secret;
    slab_secret = seeded;
    slab_cache *big, *small;
    slab_stats s;
    EXPECT(slab_cache_create(&big, 200, 0, 0, 0) == SLAB_OK);
    EXPECT(slab_cache_create(&small, 16, 0, 256, 0) == SLAB_OK);
    EXPECT(slab_cache_set_error_handler(small, record, 0) == SLAB_OK);
    EXPECT(slab_cache_stats(big, &s) == SLAB_OK);
    void *objs[32];
    unsigned n = s.objs_in_master < 32u ? s.objs_in_master : 32u;
    for (unsigned i = 0; i < n; i++) {
        objs[i] = slab_alloc(big);
        EXPECT(objs[i] != 0);
    }
    /* The lowest object of the full master; a 256-aligned address above it,
     * inside the objects, for the fake. */
    uintptr_t lowest = (uintptr_t)objs[n - 1];
    uintptr_t at = (lowest + 255u) & ~(uintptr_t)255u;
    EXPECT(at + sizeof(struct fake_header) <= (uintptr_t)objs[0] + 200u);
    static uint32_t canary[8];
    for (unsigned i = 0; i < 8; i++) canary[i] = 0xC0FFEE00u + i;
    struct fake_header *f = (struct fake_header *)at;
    f->prev = f->next = canary;
    f->cache = canary;
    f->magic = (at + 256u) ^ (uintptr_t)canary ^ guessed ^ (uintptr_t)(intptr_t)(int32_t)0xA5A5A5A5u;
    f->head = 1;
    f->handed = f->avail = f->cap = 8;
    struct fake_header copy = *f;
    unsigned before = reports;
    EXPECT(slab_cache_free(small, (void *)(at + 64u)) == SLAB_EBADPTR);
    /* reported to the cache named, as a foreign pointer */
    EXPECT(reports == before + 1u && last_code == SLAB_EBADPTR && last_ptr == (void *)(at + 64u));
    EXPECT(slab_cache_validate(small) == SLAB_OK && slab_cache_validate(big) == SLAB_OK);
    const unsigned char *a = (const unsigned char *)f, *b = (const unsigned char *)&copy;
    for (unsigned i = 0; i < sizeof copy; i++) EXPECT(a[i] == b[i]);
    for (unsigned i = 0; i < 8; i++) EXPECT(canary[i] == 0xC0FFEE00u + i);
    for (unsigned i = 0; i < n; i++) EXPECT(slab_free(objs[i]) == SLAB_OK);
    EXPECT(slab_cache_destroy(small) == SLAB_OK && slab_cache_destroy(big) == SLAB_OK);
    slab_secret = saved;
}
