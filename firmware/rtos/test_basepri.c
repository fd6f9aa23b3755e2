/*
 * The BASEPRI lock (SLAB_LOCK_BASEPRI): while a cache operation holds it, an
 * interrupt more urgent than its priority runs and a less urgent one waits
 * until the unlock. The cache's page source runs under the lock (a growth),
 * so it is where the test pends both interrupts and looks.
 */
#include <stddef.h>

#include "exceptions.h"
#include "runner.h"
#include "slab/slab.h"

enum { URGENT = 0x20, MASK = 0x40, LATER = 0x80 };

static unsigned urgent_in_lock, later_in_lock, source_calls;
static uint32_t basepri_in_lock;

static void *pending_alloc(void *ctx, size_t size, size_t align)
{
    (void)ctx;
    unsigned u = exc_systick_runs, l = exc_pendsv_runs;
    basepri_in_lock = exc_basepri();
    exc_pend_systick();
    exc_pend_pendsv();
    urgent_in_lock = exc_systick_runs - u;
    later_in_lock = exc_pendsv_runs - l;
    source_calls++;
    return slab_page_alloc(size, align);
}

static int pending_free(void *ctx, void *page, size_t size, size_t align)
{
    (void)ctx;
    return slab_page_free(page, size, align);
}

static const slab_page_source pending_source = {pending_alloc, pending_free, NULL};
static slab_cache *shared;
static void *isr_obj;

/* The less urgent interrupt uses the cache: it runs only outside the lock. */
static void later_uses_cache(void)
{
    isr_obj = slab_alloc(shared);
    if (isr_obj != NULL && slab_cache_free(shared, isr_obj) != SLAB_OK) {
        isr_obj = NULL; /* (never: the object is live and the cache's) */
    }
}

/* Fills the master, then one more alloc: a growth, under the lock. */
static void *grow(slab_cache *c, void **objs, unsigned max, unsigned *n)
{
    slab_stats st;
    EXPECT(slab_cache_stats(c, &st) == SLAB_OK);
    *n = 0;
    while (*n < st.objs_in_master && *n < max) {
        objs[(*n)++] = slab_alloc(c);
    }
    unsigned before = source_calls;
    void *p = slab_alloc(c);
    EXPECT(source_calls == before + 1);
    return p;
}

void test_basepri_masks_lower_priorities(void)
{
    exc_set_priorities(URGENT, LATER);
    slab_cache_config cfg = {32, 0, 1024, SLAB_LOCK_BASEPRI(MASK), NULL, &pending_source};
    EXPECT(slab_cache_create_ex(&shared, &cfg) == SLAB_OK);
    EXPECT(urgent_in_lock == 1 && later_in_lock == 1); /* creation takes no lock */
    exc_on_pendsv(later_uses_cache);
    void *objs[64];
    unsigned n = 0;
    unsigned later_before = exc_pendsv_runs;
    void *p = grow(shared, objs, 64, &n);
    EXPECT(p != NULL);
    EXPECT(basepri_in_lock == MASK);
    EXPECT(urgent_in_lock == 1); /* ran while the lock was held */
    EXPECT(later_in_lock == 0);  /* waited ... */
    EXPECT(exc_pendsv_runs == later_before + 1); /* ... and ran at the unlock */
    EXPECT(isr_obj != NULL);     /* and used the cache there */
    EXPECT(exc_basepri() == 0);  /* restored */
    exc_on_pendsv(NULL);
    EXPECT(slab_cache_free(shared, p) == SLAB_OK);
    for (unsigned i = 0; i < n; i++) {
        EXPECT(slab_cache_free(shared, objs[i]) == SLAB_OK);
    }
    EXPECT(slab_cache_validate(shared) == SLAB_OK);
    EXPECT(slab_cache_destroy(shared) == SLAB_OK);
    shared = NULL;
}

/* BASEPRI_MAX never lowers the mask: inside a stricter one (0x20) the lock
 * keeps 0x20, the urgent interrupt waits too, and 0x20 is what comes back. */
void test_basepri_nests_in_a_stricter_mask(void)
{
    exc_set_priorities(URGENT, LATER);
    slab_cache *c = NULL;
    slab_cache_config cfg = {32, 0, 1024, SLAB_LOCK_BASEPRI(MASK), NULL, &pending_source};
    EXPECT(slab_cache_create_ex(&c, &cfg) == SLAB_OK);
    void *objs[64];
    unsigned n = 0;
    unsigned urgent_before = exc_systick_runs;
    exc_set_basepri(0x10);
    void *p = grow(c, objs, 64, &n);
    EXPECT(basepri_in_lock == 0x10);
    EXPECT(urgent_in_lock == 0);
    EXPECT(exc_basepri() == 0x10);
    EXPECT(exc_systick_runs == urgent_before); /* still masked by the caller's mask */
    exc_set_basepri(0);
    EXPECT(exc_systick_runs == urgent_before + 1);
    EXPECT(slab_cache_free(c, p) == SLAB_OK);
    for (unsigned i = 0; i < n; i++) {
        EXPECT(slab_cache_free(c, objs[i]) == SLAB_OK);
    }
    EXPECT(slab_cache_destroy(c) == SLAB_OK);
}
