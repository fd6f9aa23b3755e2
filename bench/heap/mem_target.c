/*
 * The memory half of bench/heap (make bench-heap-target): the smallest
 * arena (peers) or page pool (libslab's heap over hooks/buffer_pages) in
 * which a workload completes, against the workload's peak of live bytes.
 * HB_MEM_WORK 0: the random workload of the timing runs; 1: the lua5.4
 * trace linked in as hb_trace (trace/). Output, one line per allocator:
 *   mem|<work>|<allocator>|<smallest arena B>|<peak live B>|<page peak B>
 * (page peak: libslab's pages held at most, in that smallest pool).
 * Smallest: by bisection to 16 bytes between the peak live bytes and the
 * arena's size, for allocators re-built on each try; heap_4 and newlib,
 * which cannot be, report what one run needed (alloc_heap4.c,
 * alloc_newlib.c). Exit status 0 when every allocator completed the
 * workload in the full arena and the checksums agree.
 */
#include "console.h"
#include "hb.h"
#include "pages.h"
#include "replay.h"
#include "slab/slab.h"

#ifndef HB_MEM_WORK
#define HB_MEM_WORK 0
#endif
enum { ARENA = 2u << 20, STEP = 16 };

static unsigned char arena[ARENA] __attribute__((aligned(65536)));

#if HB_MEM_WORK == 1
extern const uint32_t hb_trace_start[], hb_trace_end[];
#define WORK_NAME "lua"
#else
#define WORK_NAME "random"
#endif

static hb_result last;

/* Builds `a` over `size` bytes and runs the workload: 0 when it completed
 * and the allocator is whole after it. */
static int attempt(hb_alloc *a, size_t size)
{
    if (a->init(arena, size) != 0) {
        return 1;
    }
#if HB_MEM_WORK == 1
    int st = hb_replay(a, hb_trace_start, (size_t)(hb_trace_end - hb_trace_start) / 2, &last);
#else
    static const hb_shape shape = {20000, 200, 0x2545F491u};
    int st = hb_run(a, &shape, 0, &last);
#endif
    int whole = a->fini();
    return st != 0 || whole != 0;
}

static void num(unsigned long v)
{
    con_str("|");
    con_uint(v);
}

static int measure(hb_alloc *a, int searched, uint32_t *checksum)
{
    if (attempt(a, ARENA) != 0) {
        con_str("bench-heap: FAILED: ");
        con_str(a->name);
        con_str(" did not complete the " WORK_NAME " workload in the whole arena\n");
        return 1;
    }
    if (*checksum != 0 && last.checksum != *checksum) {
        con_str("bench-heap: FAILED: checksums differ\n");
        return 1;
    }
    *checksum = last.checksum;
    size_t peak = last.peak_live, need = a->needed != NULL ? a->needed() : 0;
    if (searched) {
        size_t lo = peak, hi = ARENA; /* lo fails, hi completes */
        while (hi - lo > STEP) {
            size_t mid = lo + (hi - lo) / 2;
            *(attempt(a, mid) == 0 ? &hi : &lo) = mid;
        }
        need = hi;
        (void)attempt(a, hi); /* for the page peak of the smallest pool */
    }
    con_str("mem|" WORK_NAME "|");
    con_str(a->name);
    num(need);
    num(peak);
    num(a == &hb_slab ? pages_peak() : 0);
    con_str("\n");
    return 0;
}

int main(void)
{
    /* heap_4 and newlib read, not searched; newlib last (no reset). */
    static hb_alloc *const allocs[] = {&hb_slab, &hb_o1heap, &hb_tlsf, &hb_umm, &hb_heap4, &hb_malloc};
    uint32_t checksum = 0;
    unsigned bad = 0;
    con_str("slab|");
    con_uint(SLAB_DEFAULT_SLAB_SIZE);
    con_str("\n");
    for (unsigned i = 0; i < sizeof allocs / sizeof allocs[0]; i++) {
        bad += (unsigned)measure(allocs[i], allocs[i]->needed == NULL || allocs[i] == &hb_slab, &checksum);
    }
    if (bad != 0) {
        return 1;
    }
    con_str("bench-heap: done, memory (" WORK_NAME ")\n");
    return 0;
}
