/* Growth into slave slabs and the return of empty ones. 512-byte slabs keep
 * the test within the micro:bit's 8 KiB pool. */
#include <stdint.h>

#include "runner.h"
#include "slab/slab.h"

#define SLAB 512u
#define MAX_OBJS 64u

typedef struct {
    uint32_t stamp;
    uint32_t body[9];
} item; /* 40 bytes */

/* Allocates objs[first .. n-1], each stamped with its index. */
static unsigned fill_from(slab_cache *c, item **objs, unsigned first, unsigned n)
{
    unsigned got = first;
    while (got < n && got < MAX_OBJS) {
        item *it = slab_alloc(c);
        if (it == NULL) break;
        for (unsigned w = 0; w < 9; w++) it->body[w] = got * 16u + w;
        it->stamp = got;
        objs[got++] = it;
    }
    return got;
}
static unsigned fill(slab_cache *c, item **objs, unsigned n) { return fill_from(c, objs, 0, n); }

static int intact(item *const *objs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (objs[i]->stamp != i) return 0;
        for (unsigned w = 0; w < 9; w++) {
            if (objs[i]->body[w] != i * 16u + w) return 0;
        }
    }
    return 1;
}

void test_growth(void)
{
    slab_cache *c;
    slab_stats s;
    item *objs[MAX_OBJS];
    EXPECT(slab_cache_create(&c, sizeof(item), _Alignof(item), SLAB, 0) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK);
    unsigned want = s.objs_in_master + 2u * s.objs_per_slab;
    EXPECT(want <= MAX_OBJS);

    /* The master alone until it is full, then one slave per objs_per_slab. */
    unsigned n = fill(c, objs, s.objs_in_master);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.slabs_in_use == 1u);
    n = fill_from(c, objs, n, n + 1u);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.slabs_in_use == 2u && s.pages_taken == 2u);
    for (unsigned i = n; i < want; i++) objs[i] = NULL;
    while (n < want) {
        item *it = slab_alloc(c);
        if (it == NULL) break;
        it->stamp = n;
        for (unsigned w = 0; w < 9; w++) it->body[w] = n * 16u + w;
        objs[n++] = it;
    }
    EXPECT(n == want);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK);
    EXPECT(s.slabs_in_use == 3u && s.slabs_peak == 3u && s.objs_in_use == want && s.objs_peak == want);
    EXPECT(s.pages_taken == 3u && s.pages_given == 0u && s.hook_failures == 0u);

    /* Distinct, aligned, inside a slab of this cache, no overlap. */
    for (unsigned i = 0; i < n; i++) {
        EXPECT(((uintptr_t)objs[i] & (_Alignof(item) - 1u)) == 0);
        EXPECT(((uintptr_t)objs[i] & (SLAB - 1u)) != 0); /* never the header */
        EXPECT(((uintptr_t)objs[i] & (SLAB - 1u)) + sizeof(item) <= SLAB);
        for (unsigned j = 0; j < i; j++) {
            EXPECT(objs[i] != objs[j]);
        }
    }
    EXPECT(intact(objs, n));
    EXPECT(slab_cache_validate(c) == SLAB_OK);
    for (unsigned i = 0; i < n; i++) EXPECT(slab_cache_free(c, objs[i]) == SLAB_OK);
    EXPECT(slab_cache_destroy(c) == SLAB_OK);
}

void test_empty_slabs_return(void)
{
    slab_cache *c;
    slab_stats s;
    item *objs[MAX_OBJS];
    EXPECT(slab_cache_create(&c, sizeof(item), _Alignof(item), SLAB, 0) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK);
    unsigned per = s.objs_per_slab, want = s.objs_in_master + 3u * per;
    unsigned n = fill(c, objs, want);
    EXPECT(n == want);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.slabs_in_use == 4u);

    /* Free newest first: each slave empties in turn. The first empty slave
     * is kept as the spare, the next ones go back to the hook. */
    unsigned i = n;
    while (i > n - per) EXPECT(slab_cache_free(c, objs[--i]) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.slabs_in_use == 4u && s.pages_given == 0u);
    while (i > n - 2u * per) EXPECT(slab_cache_free(c, objs[--i]) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.slabs_in_use == 3u && s.pages_given == 1u);
    EXPECT(slab_cache_validate(c) == SLAB_OK);

    /* Growing again takes the spare first: no hook call. */
    item *again = slab_alloc(c);
    EXPECT(again != NULL);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.pages_taken == 4u && s.slabs_in_use == 3u);
    EXPECT(slab_cache_free(c, again) == SLAB_OK);

    EXPECT(intact(objs, i));
    while (i > 0) EXPECT(slab_cache_free(c, objs[--i]) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK);
    EXPECT(s.objs_in_use == 0u && s.objs_peak == want && s.slabs_in_use == 2u); /* master + spare */
    EXPECT(s.pages_taken - s.pages_given == s.slabs_in_use);
    EXPECT(slab_cache_reset_peak(c) == SLAB_OK && slab_cache_stats(c, &s) == SLAB_OK && s.objs_peak == 0u);
    EXPECT(slab_cache_validate(c) == SLAB_OK);
    EXPECT(slab_cache_destroy(c) == SLAB_OK);
}
