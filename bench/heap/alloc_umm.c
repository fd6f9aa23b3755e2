/* umm_malloc (../shared/peers/umm_malloc, unmodified; configuration in
 * umm/umm_malloc_cfgport.h): umm_malloc(size) and umm_free(ptr), the heap
 * over the arena by umm_init_heap(). Its block numbers are 15 bits of
 * 8-byte blocks: at most 256 KiB of heap. */
#include "hb.h"
#include "umm_malloc.h"

/* umm_init() (not called) names these; umm_init_heap() is used instead. */
void *UMM_MALLOC_CFG_HEAP_ADDR;
uint32_t UMM_MALLOC_CFG_HEAP_SIZE;

enum { UMM_MAX_HEAP = 32767u * 8u };

static int init(void *arena, size_t size)
{
    if (size > UMM_MAX_HEAP) {
        size = UMM_MAX_HEAP;
    }
    umm_init_heap(arena, size);
    return 0;
}

static int fini(void) { return 0; }

hb_alloc hb_umm = {"umm_malloc", init, fini, (hb_fn)umm_malloc, (hb_fn)umm_free, 0, 0, 0, 0, 0, 0};
