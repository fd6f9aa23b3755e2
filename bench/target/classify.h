/*
 * What one alloc or free is about to do, told from the cache's state before
 * the call (outside the measured window), so each measured instruction count
 * lands in the row of the path it took:
 *
 *   alloc fast    a slot from the head of the partial list, which keeps a
 *                 free slot after it
 *   alloc fill    the slot was the slab's last: the slab leaves the partial list
 *   alloc peak    a slab has a slot, but the live count is at its high-water
 *                 mark: this alloc raises it, out of line (cache.hpp)
 *   alloc spare   no slab had a slot: growth served by the kept spare (no hook)
 *   alloc hook    no slab had a slot and no spare: growth through
 *                 slab_page_alloc() (hook call included)
 *   alloc hot     the parked object (a cache with no lock: slab/detail/
 *                 cache.hpp, struct slab_cache, hot) is handed out again
 *   free fast     the slab was not full and does not become empty
 *   free unfull   the slab was full: it goes back on the partial list (and a
 *                 parked object of the same slab is put back first)
 *   free park     the slab was full and nothing was parked: the object is
 *                 parked (a cache with no lock)
 *   free spare    a slave became empty and is kept as the spare (no hook)
 *   free hook     a slave became empty with a spare already kept: given back
 *                 through slab_page_free() (hook call included)
 *
 * The workload cross-checks every classification against the page counters
 * (slab_cache_stats) after the call, so a wrong guess fails the run.
 */
#ifndef BENCH_TARGET_CLASSIFY_H
#define BENCH_TARGET_CLASSIFY_H

#include "slab/slab.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    OP_ALLOC_FAST,
    OP_ALLOC_FILL,
    OP_ALLOC_PEAK,
    OP_ALLOC_SPARE,
    OP_ALLOC_HOOK,
    OP_FREE_FAST,
    OP_FREE_UNFULL,
    OP_FREE_SPARE,
    OP_FREE_HOOK,
    OP_ALLOC_HOT,
    OP_FREE_PARK,
    OP_KINDS
} op_kind;

op_kind classify_alloc(const slab_cache *cache);
op_kind classify_free(const slab_cache *cache, const void *obj);

/* 1 when the slab holding obj has no free slot (by its count). */
int classify_slab_full(const slab_cache *cache, const void *obj);

/* Pages the op must take from (+1) or give to (-1) the hook: 0 otherwise. */
int classify_page_delta(op_kind kind);

const char *op_name(op_kind kind); /* "alloc" or "free" */
const char *op_case(op_kind kind); /* short name of the path, as above */

#ifdef __cplusplus
}
#endif

#endif /* BENCH_TARGET_CLASSIFY_H */
