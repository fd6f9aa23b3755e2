/* o1heap (../shared/peers/o1heap, unmodified): o1heapAllocate(instance,
 * size) and o1heapFree(instance, ptr) over the arena. */
#include "hb.h"
#include "o1heap.h"

static int init(void *arena, size_t size)
{
    O1HeapInstance *h = o1heapInit(arena, size);
    hb_o1heap.ctx = (uintptr_t)h;
    return h != NULL ? 0 : 1;
}

static int fini(void)
{
    O1HeapInstance *h = (O1HeapInstance *)hb_o1heap.ctx;
    return o1heapDoInvariantsHold(h) && o1heapGetDiagnostics(h).allocated == 0 ? 0 : 1;
}

hb_alloc hb_o1heap = {"o1heap", init, fini, (hb_fn)o1heapAllocate, (hb_fn)o1heapFree, 1, 1, 0, 0, 0, 0};
