/*
 * bench/heap: libslab's heap against the embedded peers (issue 12,
 * docs/heap.md "Against the embedded peers"). Shared by the Cortex-M3
 * firmware (QEMU -icount) and the x86-64 build (callgrind).
 *
 * An allocator under test is a pair of functions called by address, with
 * the allocator's own signature (no wrapper: the figures are the
 * allocator's functions and the call):
 *   ctx_first: alloc(ctx, size), free(ctx, ptr)     (o1heap, TLSF)
 *   else:      alloc(size),      free(ptr)          (umm, heap_4, malloc)
 * libslab's heap is alloc(heap, size) and free(ptr): ctx_first for the
 * alloc only (free_takes_ctx 0).
 */
#ifndef BENCH_HEAP_HB_H
#define BENCH_HEAP_HB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*hb_fn)(void);

typedef struct hb_alloc {
    const char *name;
    /* Builds the allocator over [arena, arena + size); 0 on success. */
    int (*init)(void *arena, size_t size);
    /* After the run (every block freed): 0 when the allocator is whole. */
    int (*fini)(void);
    hb_fn alloc, free;
    int alloc_takes_ctx, free_takes_ctx;
    uintptr_t ctx; /* set by init when a function takes it */
    /* Memory figure of the last run, or 0: the arena the run needed at
     * least (for allocators whose need is read, not searched). */
    size_t (*needed)(void);
    /* Bytes of pages held from the page hook, or NULL: a call that moved
     * it took (or gave back) a page, and is tallied on that path. */
    size_t (*pages)(void);
    /* Size classes live (libslab), or NULL: a call that created one is
     * tallied on the "class created" path instead. */
    size_t (*classes)(void);
} hb_alloc;

/* One workload: `ops` operations in all; the first `cap` (when cap < ops)
 * are allocations that fill up to cap live blocks, then each operation
 * frees a random live block when cap blocks are live, allocates when none
 * is, else either with probability 1/2. Sizes log-uniform in 8..512 (by
 * 2^(k/4096) steps). Every remaining block is freed at the end (not
 * recorded). Fixed seed: the same sequence for every allocator. */
typedef struct {
    uint32_t ops;
    uint32_t cap;
    uint32_t seed;
} hb_shape;

typedef struct {
    uint32_t count, max;
    uint64_t sum;
} hb_tally;

typedef struct {
    hb_tally alloc, free;
    uint32_t failed;     /* allocations that returned NULL */
    uint32_t corrupt;    /* blocks whose bytes changed while live */
    uint32_t checksum;   /* FNV-1a over every byte read back at free */
    uint32_t min_align;  /* largest power of two every block was aligned to */
    size_t peak_live;    /* peak of the sum of requested sizes */
    hb_tally path[2][4]; /* [alloc, free][no page move, page taken, page given, class created] */
} hb_result;

/* Instructions of one call (0 where nothing counts: the host build). */
uint32_t hb_measure(hb_fn fn, uintptr_t a0, uintptr_t a1, uintptr_t *ret);

/* Slots for up to HB_MAX_LIVE live blocks (the 10,000-live run). */
enum { HB_MAX_LIVE = 10000 };

/* Runs the workload on an initialised allocator; record: tally the calls.
 * Returns 0 when every alloc succeeded and no block was corrupted. */
int hb_run(const hb_alloc *a, const hb_shape *s, int record, hb_result *r);

/* Block bookkeeping shared by the random workload and the trace replay. */
void *hb_alloc_block(const hb_alloc *a, size_t size, uint32_t tag, int record, hb_result *r);
void hb_free_block(const hb_alloc *a, void *p, size_t size, uint32_t tag, int record, hb_result *r);
void hb_result_init(hb_result *r);

/* The allocators (hb_allocs.c); newlib's only in the firmware, the
 * hosted malloc (glibc, jemalloc or mimalloc, whichever is linked) only on
 * the host. */
extern hb_alloc hb_slab, hb_o1heap, hb_tlsf, hb_umm, hb_heap4, hb_malloc;

#ifdef __cplusplus
}
#endif

#endif /* BENCH_HEAP_HB_H */
