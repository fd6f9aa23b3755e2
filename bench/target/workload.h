/*
 * The measured operations: one cache, `live` resident objects allocated
 * first (not measured), then, on top of them, every alloc and free of these
 * phases measured one call at a time and tallied by the path it took
 * (classify.h):
 *
 *   hot     alloc one object, free it; `pairs` times (the fast path)
 *   batch   allocate `batch` objects, free them (in allocation order, in
 *           reverse, in a pseudo-random order, by turns); `rounds` times.
 *           A batch spans several slabs: slabs fill, the spare and the hook
 *           serve growth, emptied slaves go to the spare and to the hook.
 *   mix     `mix` steps of a pseudo-random walk between 0 and `batch` held
 *           objects (alloc or free of a random held one)
 *   hook    the page hook alone, `hook_pairs` times: slab_page_alloc() of a
 *           slab then slab_page_free() of it, on the pool as the cache left it
 *
 * Every call is checked: a non-NULL object, status SLAB_OK, the page
 * counters moved as the classification said, objs_in_use as expected; the
 * cache validates at the end and is destroyed. Any failure: non-zero return.
 */
#ifndef BENCH_TARGET_WORKLOAD_H
#define BENCH_TARGET_WORKLOAD_H

#include <stdint.h>

#include "api.h"
#include "classify.h"
#include "counter.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The rows beyond the paths of classify.h: the page hook measured alone. */
enum { OP_HOOK_ALLOC = OP_KINDS, OP_HOOK_FREE, OP_ROWS };

typedef struct {
    uint32_t count; /* operations measured */
    uint32_t max;   /* instructions of the longest */
    uint64_t sum;   /* instructions of all, for the mean */
} tally;

typedef struct {
    tally row[OP_ROWS];
} tally_set;

typedef struct {
    uint32_t pairs, rounds, batch, mix, hook_pairs;
} workload_size;

/* Largest `live` and `batch` the static arrays of workload.c hold. */
enum { WORKLOAD_MAX_LIVE = 1000, WORKLOAD_MAX_BATCH = 256 };

/* Runs the phases on a fresh cache of api; tallies into *out (cleared first).
 * 0 on success; otherwise a failure was printed. */
int workload_run(const counter_calibration *cal, const bench_api *api, uint32_t live, const workload_size *size,
                 tally_set *out);

const char *row_name(unsigned row); /* "alloc" / "free" */
const char *row_case(unsigned row); /* "fast", ..., "hook alone" */

#ifdef __cplusplus
}
#endif

#endif /* BENCH_TARGET_WORKLOAD_H */
