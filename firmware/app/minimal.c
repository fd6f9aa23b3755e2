/*
 * Footprint probe (make size): the smallest useful firmware, one cache of
 * one object type through the C API. Its link map tells how much flash the
 * library costs a real program once --gc-sections has dropped what is unused.
 */
#include "slab/slab.h"

typedef struct {
    unsigned id;
    unsigned char data[28];
} event;

int main(void)
{
    slab_cache *events;
    if (slab_cache_create(&events, sizeof(event), _Alignof(event), 0, 0) != SLAB_OK) {
        return 1;
    }
    event *e = slab_alloc(events);
    int ok = e != NULL;
    if (ok) {
        e->id = 1;
        ok = slab_free(e) == SLAB_OK;
    }
    ok = ok && slab_cache_destroy(events) == SLAB_OK;
    return ok ? 0 : 1;
}
