/* Replay of an allocation trace (trace/convert.c's format: uint32 pairs
 * {op << 30 | slot, size}; op 0 alloc, 1 free, 2 realloc). A realloc is an
 * alloc of the new size, then the free of the old block (no allocator's
 * in-place growth: o1heap and heap_4 have none). Every block is filled and
 * checked as in the random workload. */
#ifndef BENCH_HEAP_REPLAY_H
#define BENCH_HEAP_REPLAY_H

#include "hb.h"

enum { HB_REPLAY_SLOTS = 8192 };

/* 0 when every alloc succeeded and no block changed; 2 when the trace
 * needs more slots than HB_REPLAY_SLOTS. Frees every block at the end. */
int hb_replay(const hb_alloc *a, const uint32_t *trace, size_t records, hb_result *r);

#endif
