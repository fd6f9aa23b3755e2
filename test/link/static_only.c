/*
 * A program whose only cache is a static one (slab/static.h), using only the
 * untagged C calls (slab_alloc, slab_free). run.sh builds it with
 * -DSLAB_DEFAULT_SLAB_SIZE=2048 against the default (4096) library: the
 * macro's pages would then be sized and aligned for 2048-byte slabs while
 * the library masks with 4096, so the link must fail on the option tag
 * (issue 18, item 6), as every other mismatch does. Built with the
 * library's own options it links and runs (exit 0). It defines its hooks
 * with DEFINE_SLAB_NO_PAGES (slab/hooks.h): it takes no page.
 */
#include "slab/static.h"

/* A static cache calls no hook: the program says it takes no page. */
DEFINE_SLAB_NO_PAGES();

SLAB_CACHE_DEFINE_STATIC(st, 64, 8, 200);

int main(void)
{
    void *objs[200];
    for (int i = 0; i < 200; i++) {
        objs[i] = slab_alloc(st);
        if (objs[i] == NULL) {
            return 1;
        }
    }
    for (int i = 0; i < 200; i++) {
        if (slab_free(objs[i]) != SLAB_OK) {
            return 2;
        }
    }
    return slab_cache_validate(st) == SLAB_OK ? 0 : 3;
}
