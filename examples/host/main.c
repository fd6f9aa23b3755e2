/* SPDX-License-Identifier: MIT */
/*
 * make run: a host program using libslab through its page hooks. A packet
 * pool under a message-queue pattern: a producer allocates bursts of packets,
 * a consumer frees them in arrival order, and a few long-lived packets are
 * held back. Exits 0 when every check holds and every page came back.
 */
#include <stdio.h>
#include <string.h>

#include "hosted_pages.h"
#include "slab/slab.h"

DEFINE_SLAB_HOOKS(hosted_page_alloc, hosted_page_free);

typedef struct {
    unsigned seq;
    unsigned char payload[92];
} packet;

#define QUEUE_LEN 512u

static int check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "FAILED: %s\n", what);
    }
    return ok;
}

int main(void)
{
    slab_cache *pool = NULL;
    slab_status st = slab_cache_create(&pool, sizeof(packet), _Alignof(packet), 0, 0);
    if (!check(st == SLAB_OK, "create")) {
        return 1;
    }
    packet *queue[QUEUE_LEN];
    unsigned head = 0, tail = 0, seq = 0, ok = 1;
    for (unsigned round = 0; round < 2000 && ok; round++) {
        unsigned burst = 1u + (round * 7u) % 40u; /* producer: a burst of packets */
        for (unsigned i = 0; i < burst && tail - head < QUEUE_LEN; i++) {
            packet *p = slab_alloc(pool);
            ok &= check(p != NULL, "alloc");
            if (p == NULL) break;
            p->seq = seq++;
            memset(p->payload, (int)(p->seq & 0xFF), sizeof p->payload);
            queue[tail++ % QUEUE_LEN] = p;
        }
        unsigned drain = 1u + (round * 5u) % 37u; /* consumer: in arrival order */
        for (unsigned i = 0; i < drain && head < tail; i++) {
            packet *p = queue[head++ % QUEUE_LEN];
            ok &= check(p->payload[0] == (p->seq & 0xFF) && p->payload[91] == (p->seq & 0xFF), "payload intact");
            ok &= check(slab_free(p) == SLAB_OK, "free");
        }
    }
    slab_stats s;
    slab_cache_stats(pool, &s);
    printf("libslab packet pool: %u packets, slot %zu B in %zu B slabs (%u per slab, %u in master)\n", seq,
           s.slot_size, s.slab_size, s.objs_per_slab, s.objs_in_master);
    printf("  live now %u, peak %u; slabs now %u, peak %u; pages taken %u, given %u; hook failures %u\n",
           s.objs_in_use, s.objs_peak, s.slabs_in_use, s.slabs_peak, s.pages_taken, s.pages_given,
           s.hook_failures);
    ok &= check(slab_cache_validate(pool) == SLAB_OK, "validate");
    ok &= check(slab_cache_destroy(pool) == SLAB_EBUSY, "destroy refused while packets are queued");
    while (head < tail) {
        ok &= check(slab_free(queue[head++ % QUEUE_LEN]) == SLAB_OK, "drain");
    }
    ok &= check(slab_cache_destroy(pool) == SLAB_OK, "destroy");
    ok &= check(hosted_pages_outstanding() == 0, "every page given back");
    printf("%s\n", ok ? "OK: every packet checked, every page given back" : "FAILED");
    return ok ? 0 : 1;
}
