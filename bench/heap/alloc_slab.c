/* libslab's heap: slab_heap_alloc(heap, size) and slab_heap_free(ptr),
 * no lock (the peers have none), pages from pages.c. HB_SLAB_PAGES picks
 * the provider: the O(1) stack (timing, default) or the buddy pool. */
#include "hb.h"
#include "pages.h"
#include "slab/heap.h"

#ifndef HB_SLAB_PAGES
#define HB_SLAB_PAGES PAGES_STACK
#endif

static slab_heap *heap;

static int init(void *arena, size_t size)
{
    if (pages_init(HB_SLAB_PAGES, arena, size) != 0 || slab_heap_create(&heap, 0) != SLAB_OK) {
        return 1;
    }
    hb_slab.ctx = (uintptr_t)heap;
    return 0;
}

/* Every page back to the provider after the run. */
static int fini(void)
{
    return slab_heap_destroy(heap) == SLAB_OK && pages_held() == 0 ? 0 : 1;
}

static size_t needed(void) { return pages_peak(); }

static size_t classes(void)
{
    slab_heap_usage u;
    return slab_heap_stats(heap, &u) == SLAB_OK ? u.classes_live : 0;
}

hb_alloc hb_slab = {"libslab", init, fini, (hb_fn)slab_heap_alloc, (hb_fn)slab_heap_free, 1, 0, 0, needed, pages_held, classes};
