/*
 * Padded placement of the test page provider (tp_config.pad_below = P, see
 * test_pages.h): each page in a region of its own, 2 * max(size, P) bytes
 * aligned to max(size, P); the page in the upper half, at offset
 * (seq mod P / size) * size of it when smaller than P, so the lower half
 * ends with the P bytes below the page's P-block, filled with pad_byte.
 * A read masked with P from any pointer into the page, or one past its end
 * (minus one), stays inside the region. Called with tp_mu held.
 */
#include <stdlib.h>
#include <string.h>

#include "test_pages_state.h"

void tp_pad_place(tp_block *b)
{
    size_t pad = tp_cfg.pad_below, size = b->size;
    size_t unit = size < pad ? pad : size;
    b->region = (unsigned char *)aligned_alloc(unit, 2 * unit);
    if (b->region == NULL) {
        abort();
    }
    b->region_size = 2 * unit;
    b->padded = 1;
    uintptr_t r = (uintptr_t)b->region;
    b->page = r + unit + (size < pad ? (size_t)(b->seq % (pad / size)) * size : 0);
    uintptr_t block = b->page & ~(uintptr_t)(pad - 1);
    memset((void *)(block - pad), tp_cfg.pad_byte, pad);
    if (tp_cfg.fresh_byte >= 0) {
        /* The page's whole P-block: no stale header of an earlier region
         * where a mask from the page leads. */
        memset((void *)block, tp_cfg.fresh_byte, unit);
    }
}
