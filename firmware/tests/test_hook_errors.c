/* Error paths with a failing page hook (test_hooks.c injects the faults). */
#include "runner.h"
#include "slab/slab.h"
#include "test_hooks.h"

#define SLAB 512u
#define MAX_OBJS 64u

static unsigned fill_master(slab_cache *c, void **objs)
{
    slab_stats s;
    slab_cache_stats(c, &s);
    unsigned n = 0;
    while (n < s.objs_in_master && n < MAX_OBJS) objs[n++] = slab_alloc(c);
    return n;
}

static void free_all(slab_cache *c, void **objs, unsigned n)
{
    while (n != 0) EXPECT(slab_cache_free(c, objs[--n]) == SLAB_OK);
}

void test_hook_null(void)
{
    slab_cache *c = NULL;
    slab_stats s;
    void *objs[MAX_OBJS];
    slab_status st;

    test_hooks_inject(FAULT_ALLOC_NULL, 1);
    EXPECT(slab_cache_create(&c, 48, 0, SLAB, 0) == SLAB_ENOMEM && c == NULL);
    EXPECT(slab_cache_create(&c, 48, 0, SLAB, 0) == SLAB_OK);
    unsigned n = fill_master(c, objs);

    test_hooks_inject(FAULT_ALLOC_NULL, 1);
    EXPECT(slab_alloc_status(c, &st) == NULL && st == SLAB_ENOMEM);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.hook_failures == 1u && s.slabs_in_use == 1u);
    EXPECT(s.objs_in_use == n);
    EXPECT(slab_cache_validate(c) == SLAB_OK);
    /* Still usable: the next alloc takes a page. */
    objs[n] = slab_alloc_status(c, &st);
    EXPECT(objs[n] != NULL && st == SLAB_OK);
    n++;
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.slabs_in_use == 2u && s.pages_taken == 2u);
    free_all(c, objs, n);
    EXPECT(slab_cache_destroy(c) == SLAB_OK);
}

void test_hook_misaligned(void)
{
    slab_cache *c = NULL;
    slab_stats s;
    void *objs[MAX_OBJS];
    slab_status st;
    test_hook_counts h0, h;
    test_hooks_counts(&h0);

    test_hooks_inject(FAULT_ALLOC_MISALIGNED, 1);
    EXPECT(slab_cache_create(&c, 48, 0, SLAB, 0) == SLAB_EHOOKALIGN && c == NULL);
    test_hooks_counts(&h);
    EXPECT(h.misaligned_back == h0.misaligned_back + 1u); /* given straight back */

    EXPECT(slab_cache_create(&c, 48, 0, SLAB, 0) == SLAB_OK);
    unsigned n = fill_master(c, objs);
    test_hooks_inject(FAULT_ALLOC_MISALIGNED, 1);
    EXPECT(slab_alloc_status(c, &st) == NULL && st == SLAB_EHOOKALIGN);
    test_hooks_counts(&h);
    EXPECT(h.misaligned_back == h0.misaligned_back + 2u);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.hook_failures == 1u && s.slabs_in_use == 1u);
    EXPECT(slab_cache_validate(c) == SLAB_OK);
    free_all(c, objs, n);
    EXPECT(slab_cache_destroy(c) == SLAB_OK);
}

void test_hook_free_refused(void)
{
    slab_cache *c;
    slab_stats s;
    void *objs[MAX_OBJS];
    EXPECT(slab_cache_create(&c, 48, 0, SLAB, 0) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK);
    unsigned n = 0, want = s.objs_in_master + 2u * s.objs_per_slab;
    while (n < want && n < MAX_OBJS) objs[n++] = slab_alloc(c);
    EXPECT(n == want && slab_cache_stats(c, &s) == SLAB_OK && s.slabs_in_use == 3u);

    /* The second slave to empty goes back to the hook, which refuses once:
     * the object is still freed, the page stays with the cache. */
    test_hooks_inject(FAULT_FREE_REFUSED, 1);
    unsigned refused = 0;
    while (n != 0) {
        slab_status st = slab_cache_free(c, objs[--n]);
        EXPECT(st == SLAB_OK || st == SLAB_EHOOKFREE);
        refused += st == SLAB_EHOOKFREE;
    }
    EXPECT(refused == 1u);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK);
    EXPECT(s.objs_in_use == 0u && s.hook_failures == 1u && s.slabs_in_use == 3u);
    EXPECT(slab_cache_validate(c) == SLAB_OK);

    /* Destroy with the next two give-backs refused: SLAB_EHOOKFREE, the
     * cache stays valid with the refused pages (the empty slave and the
     * spare, each offered once: cache_teardown offers the spare after its
     * walk of the partial list); the next destroy succeeds. */
    test_hooks_inject(FAULT_FREE_REFUSED, 2);
    EXPECT(slab_cache_destroy(c) == SLAB_EHOOKFREE);
    EXPECT(slab_cache_validate(c) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK);
    EXPECT(s.slabs_in_use == 3u && s.hook_failures == 3u && s.pages_taken - s.pages_given == s.slabs_in_use);
    EXPECT(slab_cache_destroy(c) == SLAB_OK);

    /* The master itself refused: the cache survives its failed destroy. */
    EXPECT(slab_cache_create(&c, 48, 0, SLAB, 0) == SLAB_OK);
    void *p = slab_alloc(c);
    EXPECT(p != NULL && slab_cache_free(c, p) == SLAB_OK);
    test_hooks_inject(FAULT_FREE_REFUSED, 1);
    EXPECT(slab_cache_destroy(c) == SLAB_EHOOKFREE);
    EXPECT(slab_cache_validate(c) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.slabs_in_use == 1u && s.hook_failures == 1u);
    p = slab_alloc(c);
    EXPECT(p != NULL && slab_cache_free(c, p) == SLAB_OK);
    EXPECT(slab_cache_destroy(c) == SLAB_OK);
}
