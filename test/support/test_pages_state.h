/*
 * The test page provider's shared state (private to test_pages.c and
 * test_pages_admin.c; tests include test_pages.h). Every access holds
 * tp_mu.
 */
#ifndef SLAB_TEST_TEST_PAGES_STATE_H
#define SLAB_TEST_TEST_PAGES_STATE_H

#include <pthread.h>

#include "test_pages.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uintptr_t page;        /* the address handed out (the key) */
    unsigned char *region; /* what aligned_alloc / mmap returned */
    size_t region_size;
    size_t size;   /* as asked */
    uint64_t seq;  /* order of hand-out (TP_DUPLICATE repeats the latest) */
    int aligned;   /* 0: a TP_MISALIGN block */
    int guarded;   /* region is a mapping (munmap) */
    int carved;    /* region is the page, cut from a carve block */
    int padded;    /* region of padded placement: fills cover the page only */
    int poisoned;  /* in quarantine: filled with TP_POISON */
    int hashed;    /* in quarantine, not poisoned: hash holds the page's hash */
    uint64_t hash;
} tp_block;

typedef struct {
    tp_plan plan;
    uint64_t done; /* faults this plan gave */
} tp_slot;

extern pthread_mutex_t tp_mu;
extern tp_config tp_cfg;
extern tp_slot tp_slots[TP_PLANS];
extern tp_stats tp_st;
extern tp_block *tp_live; /* live blocks, sorted by page: [0, tp_nlive) */
extern size_t tp_nlive;
extern tp_block *tp_quar; /* quarantine FIFO: [tp_qhead, tp_nquar) */
extern size_t tp_qhead, tp_nquar, tp_quar_bytes;
extern size_t tp_written_after_free; /* found by releases not yet reported */
extern void (*tp_on_breach)(const char *message);

size_t tp_lower_bound(uintptr_t a); /* first live block with page >= a */
tp_block *tp_find_live(uintptr_t a);
void tp_release(const tp_block *b);  /* gives the region back to the host */
void tp_release_oldest(void);        /* first quarantined region, poison checked */
void tp_release_at(size_t i);        /* quarantined region i (tp_quar index), checked */
void tp_retire(tp_block *b);         /* out of the live set: quarantined or released */
uintptr_t tp_carve(size_t size);              /* test_pages_carve.c */
void tp_uncarve(uintptr_t page, size_t size);
void tp_pad_place(tp_block *b);               /* test_pages_padded.c */

#ifdef __cplusplus
}
#endif

#endif /* SLAB_TEST_TEST_PAGES_STATE_H */
