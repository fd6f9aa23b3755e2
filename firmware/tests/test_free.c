/* Location-independent free: slab_free() finds the slab and the cache from
 * the object's address alone. Default-size (4 KiB) caches; at most two pages
 * at a time, the micro:bit's whole pool. */
#include <stdint.h>

#include "runner.h"
#include "slab/slab.h"

#define MAX_OBJS 200u

void test_free_anywhere(void)
{
    slab_cache *a, *b;
    slab_stats s;
    EXPECT(slab_cache_create(&a, 32, 0, 0, 0) == SLAB_OK);
    EXPECT(slab_cache_create(&b, 32, 0, 0, 0) == SLAB_OK);
    void *pa = slab_alloc(a), *pb = slab_alloc(b);
    EXPECT(pa != NULL && pb != NULL);

    /* The wrong cache is detected and nothing changes. */
    EXPECT(slab_cache_free(b, pa) == SLAB_EWRONGCACHE);
    EXPECT(slab_cache_stats(a, &s) == SLAB_OK && s.objs_in_use == 1u);
    /* Freed with no cache named: each goes back to its own cache. */
    EXPECT(slab_free(pb) == SLAB_OK);
    EXPECT(slab_cache_stats(b, &s) == SLAB_OK && s.objs_in_use == 0u);
    EXPECT(slab_cache_stats(a, &s) == SLAB_OK && s.objs_in_use == 1u);
    EXPECT(slab_free(pa) == SLAB_OK);
    EXPECT(slab_cache_stats(a, &s) == SLAB_OK && s.objs_in_use == 0u);
    EXPECT(slab_cache_destroy(b) == SLAB_OK);

    /* Not from libslab: refused, never written. */
    uint32_t local[4] = {1, 2, 3, 4};
    EXPECT(slab_free(NULL) == SLAB_EINVAL);
    EXPECT(slab_free(&local[1]) == SLAB_EBADPTR);
    EXPECT(local[0] == 1u && local[1] == 2u && local[2] == 3u && local[3] == 4u);

    /* Objects of a slave slab, freed in an order unrelated to their slabs. */
    void *objs[MAX_OBJS];
    EXPECT(slab_cache_stats(a, &s) == SLAB_OK);
    unsigned n = s.objs_in_master + 20u;
    EXPECT(n <= MAX_OBJS);
    for (unsigned i = 0; i < n; i++) {
        objs[i] = slab_alloc(a);
        EXPECT(objs[i] != NULL);
    }
    EXPECT(slab_cache_stats(a, &s) == SLAB_OK && s.slabs_in_use == 2u);
    for (unsigned i = 0; i < n; i += 2) EXPECT(slab_free(objs[i]) == SLAB_OK);
    EXPECT(slab_cache_validate(a) == SLAB_OK);
    for (unsigned i = 1; i < n; i += 2) EXPECT(slab_free(objs[i]) == SLAB_OK);
    EXPECT(slab_cache_stats(a, &s) == SLAB_OK && s.objs_in_use == 0u);
    EXPECT(slab_cache_validate(a) == SLAB_OK);
    EXPECT(slab_cache_destroy(a) == SLAB_OK);

    /* A smaller slab size: slab_free finds the slab by the smaller masks
     * and frees; a second free is refused. (Larger slabs, which slab_free
     * refuses, are tested on the host: this pool's pages stop at the
     * default size.) */
    slab_cache *c;
    EXPECT(slab_cache_create(&c, 32, 0, 512, 0) == SLAB_OK);
    void *pc = slab_alloc(c);
    EXPECT(slab_free(pc) == SLAB_OK);
    EXPECT(slab_free(pc) == SLAB_EDOUBLEFREE);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK && s.objs_in_use == 0u);
    EXPECT(slab_cache_destroy(c) == SLAB_OK);
}
