/* The host's malloc and free: glibc's, or jemalloc's or mimalloc's when
 * the binary links -ljemalloc or -lmimalloc (they replace the symbols).
 * The arena is unused. HB_MALLOC_NAME names it in the output. */
#include <stdlib.h>

#include "hb.h"

#ifndef HB_MALLOC_NAME
#define HB_MALLOC_NAME "glibc"
#endif

static int init(void *arena, size_t size)
{
    (void)arena;
    (void)size;
    return 0;
}

static int fini(void) { return 0; }

hb_alloc hb_malloc = {HB_MALLOC_NAME, init, fini, (hb_fn)malloc, (hb_fn)free, 0, 0, 0, 0, 0, 0};
