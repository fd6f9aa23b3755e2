/*
 * Carved placement of the test page provider (tp_config.carve_block = B,
 * see test_pages.h): a page smaller than B is cut, first fit, from blocks
 * of B bytes aligned to B that the provider owns whole. Pages of several
 * small sizes then share a block, and a block's base is sometimes a live
 * page and sometimes not: what slab_free() reads when it masks an object of
 * a small-slab cache with the default slab size (README "Design": the
 * enclosing default-size block must be readable). A block goes back to the
 * host with its last page. Every page is self-aligned: it starts at a
 * multiple of its size inside a B-aligned block.
 * Called with tp_mu held.
 */
#include <stdlib.h>
#include <string.h>

#include "test_pages_state.h"

typedef struct {
    uintptr_t base;
    size_t size;   /* B when the block was made */
    uint64_t used; /* bit i: the i-th of 64 units of size / 64 bytes */
} carve_block;

static carve_block *blocks;
static size_t nblocks, cap_blocks;

/* The units [off, off + len) of a block of `size` bytes. */
static uint64_t units(size_t off, size_t len, size_t size)
{
    size_t unit = size / 64, n = len / unit;
    uint64_t m = n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
    return m << (off / unit);
}

/* First fit in block b for a page of `step` bytes (>= a unit); 0 if none. */
static uintptr_t fit(carve_block *b, size_t step)
{
    for (size_t off = 0; off + step <= b->size; off += step) {
        uint64_t m = units(off, step, b->size);
        if ((b->used & m) == 0) {
            b->used |= m;
            return b->base + off;
        }
    }
    return 0;
}

uintptr_t tp_carve(size_t size)
{
    size_t block = tp_cfg.carve_block;
    size_t step = size > block / 64 ? size : block / 64;
    for (size_t i = 0; i < nblocks; i++) {
        uintptr_t p = blocks[i].size == block ? fit(&blocks[i], step) : 0;
        if (p != 0) {
            return p;
        }
    }
    if (nblocks == cap_blocks) {
        cap_blocks = cap_blocks != 0 ? 2 * cap_blocks : 16;
        blocks = (carve_block *)realloc(blocks, cap_blocks * sizeof *blocks);
        if (blocks == NULL) {
            abort();
        }
    }
    carve_block *b = &blocks[nblocks++];
    b->base = (uintptr_t)aligned_alloc(block, block);
    if (b->base == 0) {
        abort();
    }
    b->size = block;
    b->used = 0;
    return fit(b, step);
}

void tp_uncarve(uintptr_t page, size_t size)
{
    for (size_t i = 0; i < nblocks; i++) {
        carve_block *b = &blocks[i];
        if (page < b->base || page >= b->base + b->size) {
            continue;
        }
        size_t step = size > b->size / 64 ? size : b->size / 64;
        b->used &= ~units(page - b->base, step, b->size);
        if (b->used == 0) {
            free((void *)b->base);
            *b = blocks[--nblocks];
        }
        return;
    }
    abort(); /* not a carved page: the provider's own bookkeeping is broken */
}
