/*
 * make bench-heap-target: instructions per malloc and per free of libslab's
 * heap and of the embedded peers on a Cortex-M3 (QEMU -icount; the counter
 * of bench/target/). Output, one record per line (report.sh tabulates):
 *   run|<allocator>|<cap>|<ops>|<allocs>|<alloc sum>|<alloc max>|<frees>|
 *      <free sum>|<free max>|<peak live B>|<checksum>|<alignment>
 * Exit status 0 only when the counter calibrated exactly, every run
 * completed (no NULL, no block changed while live, the allocator whole
 * after it), every cap-200 run read back the same bytes (checksum) as
 * libslab's, and libslab's maxima at 10,000 live are not above those at 10.
 * -DHB_SMOKE=1: a few hundred operations per run (make test).
 */
#include "console.h"
#include "counter.h"
#include "hb.h"

#if defined(HB_SMOKE) && HB_SMOKE
enum { OPS = 400, CAP_MANY = 300 };
#else
enum { OPS = 20000, CAP_MANY = 10000 };
#endif
enum { SEED = 0x2545F491u, ARENA = 3u << 20 };

extern const counter_calibration *hb_cal;
static unsigned char arena[ARENA] __attribute__((aligned(4096)));

static void num(unsigned long v)
{
    con_str("|");
    con_uint(v);
}

static int run(hb_alloc *a, uint32_t cap, uint32_t ops, hb_result *r)
{
    hb_shape s = {ops, cap, SEED};
    if (a->init(arena, sizeof arena) != 0) {
        con_str("bench-heap: FAILED: init of ");
        con_str(a->name);
        con_str("\n");
        return 1;
    }
    int st = hb_run(a, &s, 1, r);
    int whole = a->fini();
    con_str("run|");
    con_str(a->name);
    num(cap);
    num(ops);
    num(r->alloc.count);
    num((unsigned long)r->alloc.sum);
    num(r->alloc.max);
    num(r->free.count);
    num((unsigned long)r->free.sum);
    num(r->free.max);
    num(r->peak_live);
    num(r->checksum);
    num(r->min_align);
    con_str("\n");
    static const char *const path_name[4] = {"no page", "page taken", "page given", "class created"};
    for (unsigned op = 0; a->pages != NULL && op < 2; op++) {
        for (unsigned p = 0; p < 4; p++) {
            con_str("path|");
            con_str(a->name);
            num(cap);
            con_str(op == 0 ? "|malloc|" : "|free|");
            con_str(path_name[p]);
            num(r->path[op][p].count);
            num((unsigned long)r->path[op][p].sum);
            num(r->path[op][p].max);
            con_str("\n");
        }
    }
    if (st != 0 || whole != 0) {
        con_str("bench-heap: FAILED: ");
        con_str(a->name);
        con_str(st != 0 ? ": a NULL or a changed block" : ": not whole after the run");
        con_str("\n");
        return 1;
    }
    return 0;
}

int main(void)
{
    static counter_calibration cal;
    if (counter_calibrate(&cal) != 0) {
        con_str("bench-heap: FAILED: the counter did not calibrate: run under -icount shift=10\n");
        return 10;
    }
    hb_cal = &cal;
    /* newlib last: its state cannot be reset. */
    static hb_alloc *const peers[] = {&hb_o1heap, &hb_tlsf, &hb_umm, &hb_heap4, &hb_malloc};
    static hb_result base, few, many, r;
    unsigned bad = 0;
    bad += (unsigned)run(&hb_slab, 200, OPS, &base);
    bad += (unsigned)run(&hb_slab, 10, OPS, &few);
    bad += (unsigned)run(&hb_slab, CAP_MANY, OPS, &many);
    for (unsigned i = 0; i < sizeof peers / sizeof peers[0]; i++) {
        bad += (unsigned)run(peers[i], 200, OPS, &r);
        if (r.checksum != base.checksum) {
            con_str("bench-heap: FAILED: ");
            con_str(peers[i]->name);
            con_str(" read back other bytes than libslab (checksum)\n");
            bad++;
        }
    }
    int o1 = many.alloc.max <= few.alloc.max && many.free.max <= few.free.max;
    con_str("o1|libslab|alloc max");
    num(few.alloc.max);
    num(many.alloc.max);
    con_str("|free max");
    num(few.free.max);
    num(many.free.max);
    con_str(o1 ? "|held\n" : "|GREW\n");
    bad += o1 ? 0u : 1u;
    if (bad != 0) {
        con_str("bench-heap: FAILED: ");
        con_uint(bad);
        con_str(" check(s)\n");
        return 1;
    }
    con_str("bench-heap: done, every run complete, checksums equal, O(1) held\n");
    return 0;
}
