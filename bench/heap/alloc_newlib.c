/* newlib's malloc (the toolchain's libc.a, dlmalloc-based mallocr):
 * malloc(size) and free(ptr), growing its heap through _sbrk, defined here
 * over the arena. Its state cannot be reset: one run per firmware. Its need
 * is the highest break it asked for (it asks in 4 KiB steps, and fails when
 * such a step is refused, so that is what it needs). */
#include <stdlib.h>

#include "hb.h"

void *_sbrk(ptrdiff_t incr);

static unsigned char *base, *brk, *limit, *brk_max;

void *_sbrk(ptrdiff_t incr)
{
    if (brk == NULL || incr > limit - brk || incr < base - brk) {
        return (void *)-1;
    }
    unsigned char *old = brk;
    brk += incr;
    brk_max = brk > brk_max ? brk : brk_max;
    return old;
}

static int init(void *arena, size_t size)
{
    base = brk = brk_max = (unsigned char *)arena;
    limit = base + size;
    return 0;
}

static int fini(void) { return 0; }

static size_t needed(void) { return (size_t)(brk_max - base); }

hb_alloc hb_malloc = {"newlib", init, fini, (hb_fn)malloc, (hb_fn)free, 0, 0, 0, needed, 0, 0};
