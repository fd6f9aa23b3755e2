/* The random workload and the block bookkeeping (see hb.h). */
#include <string.h>

#include "hb.h"

static void *slot_ptr[HB_MAX_LIVE];
static uint16_t slot_size[HB_MAX_LIVE];
static uint32_t slot_tag[HB_MAX_LIVE];

static uint32_t rng;
static uint32_t rnd(void)
{
    rng ^= rng << 13; /* xorshift32: never 0 from a non-zero seed */
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* 8 << (u / 4096) times 2^((u % 4096) / 4096), u uniform in [0, 6 * 4096):
 * 8..511 bytes, log-uniform. 2^x = 1 + 0.6565x + 0.3435x^2 on [0, 1) in
 * fixed point (16 fraction bits; within 0.3% of 2^x, exact at both ends). */
static size_t pick_size(void)
{
    uint32_t u = rnd() % (6u * 4096u);
    uint32_t f = u & 4095u;
    uint32_t q16 = 65536u + (f * 43024u) / 4096u + (uint32_t)(((uint64_t)f * f * 22512u) / (4096u * 4096u));
    return (size_t)(((8u << (u >> 12)) * (uint64_t)q16) >> 16);
}

static void tally(hb_tally *t, uint32_t n)
{
    t->count++;
    t->sum += n;
    if (n > t->max) {
        t->max = n;
    }
}

/* 0: no page moved, 1: a page taken, 2: a page given back, 3: a size
 * class created (its first pages taken). */
static unsigned path_of(const hb_alloc *a, size_t before, size_t classes_before)
{
    size_t after = a->pages != NULL ? a->pages() : 0;
    if (a->classes != NULL && a->classes() != classes_before) {
        return 3u;
    }
    return after > before ? 1u : after < before ? 2u : 0u;
}

static size_t live_bytes;

void hb_result_init(hb_result *r)
{
    live_bytes = 0;
    memset(r, 0, sizeof *r);
    r->checksum = 2166136261u;
    r->min_align = 1u << 30;
}

void *hb_alloc_block(const hb_alloc *a, size_t size, uint32_t tag, int record, hb_result *r)
{
    uintptr_t p = 0;
    size_t before = a->pages != NULL ? a->pages() : 0;
    size_t classes = a->classes != NULL ? a->classes() : 0;
    uint32_t n = a->alloc_takes_ctx ? hb_measure(a->alloc, a->ctx, size, &p) : hb_measure(a->alloc, size, 0, &p);
    if (p == 0) {
        r->failed++;
        return NULL;
    }
    if (record) {
        tally(&r->alloc, n);
        tally(&r->path[0][path_of(a, before, classes)], n);
    }
    while ((p & (r->min_align - 1u)) != 0) {
        r->min_align >>= 1;
    }
    unsigned char *b = (unsigned char *)p;
    for (size_t j = 0; j < size; j++) {
        b[j] = (unsigned char)(tag + j * 7u);
    }
    live_bytes += size;
    if (live_bytes > r->peak_live) {
        r->peak_live = live_bytes;
    }
    return b;
}

void hb_free_block(const hb_alloc *a, void *p, size_t size, uint32_t tag, int record, hb_result *r)
{
    const unsigned char *b = (const unsigned char *)p;
    for (size_t j = 0; j < size; j++) {
        if (b[j] != (unsigned char)(tag + j * 7u)) {
            r->corrupt++;
        }
        r->checksum = (r->checksum ^ b[j]) * 16777619u;
    }
    uintptr_t ret = 0;
    size_t before = a->pages != NULL ? a->pages() : 0;
    size_t classes = a->classes != NULL ? a->classes() : 0;
    uint32_t n = a->free_takes_ctx ? hb_measure(a->free, a->ctx, (uintptr_t)p, &ret)
                                   : hb_measure(a->free, (uintptr_t)p, 0, &ret);
    if (record) {
        tally(&r->free, n);
        tally(&r->path[1][path_of(a, before, classes)], n);
    }
    live_bytes -= size;
}

/* Frees live block i, moving the last one into its slot. */
static void free_slot(const hb_alloc *a, uint32_t i, uint32_t *live, int record, hb_result *r)
{
    hb_free_block(a, slot_ptr[i], slot_size[i], slot_tag[i], record, r);
    (*live)--;
    slot_ptr[i] = slot_ptr[*live];
    slot_size[i] = slot_size[*live];
    slot_tag[i] = slot_tag[*live];
}

int hb_run(const hb_alloc *a, const hb_shape *s, int record, hb_result *r)
{
    hb_result_init(r);
    rng = s->seed;
    uint32_t live = 0;
    uint32_t cap = s->cap < HB_MAX_LIVE ? s->cap : HB_MAX_LIVE;
    for (uint32_t op = 0; op < s->ops; op++) {
        uint32_t coin = rnd();
        int do_alloc = live == 0 || (live < cap && (op < cap || (coin & 1u) != 0));
        if (do_alloc) {
            size_t size = pick_size();
            uint32_t tag = op * 2654435761u;
            void *p = hb_alloc_block(a, size, tag, record, r);
            if (p != NULL) {
                slot_ptr[live] = p;
                slot_size[live] = (uint16_t)size;
                slot_tag[live] = tag;
                live++;
            }
        } else {
            free_slot(a, rnd() % live, &live, record, r);
        }
    }
    while (live > 0) {
        free_slot(a, live - 1, &live, 0, r);
    }
    return r->failed == 0 && r->corrupt == 0 ? 0 : 1;
}
