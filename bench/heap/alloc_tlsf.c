/* TLSF (../shared/peers/tlsf, unmodified): tlsf_malloc(tlsf, size) and
 * tlsf_free(tlsf, ptr), control structure and pool in the arena. */
#include "hb.h"
#include "tlsf.h"

static int init(void *arena, size_t size)
{
    tlsf_t t = tlsf_create_with_pool(arena, size);
    hb_tlsf.ctx = (uintptr_t)t;
    return t != NULL ? 0 : 1;
}

static int fini(void) { return tlsf_check((tlsf_t)hb_tlsf.ctx) == 0 ? 0 : 1; }

hb_alloc hb_tlsf = {"TLSF", init, fini, (hb_fn)tlsf_malloc, (hb_fn)tlsf_free, 1, 1, 0, 0, 0, 0};
