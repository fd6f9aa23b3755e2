/*
 * make bench-freertos: instructions per allocation and per free inside a
 * running FreeRTOS kernel, heap_4 against libslab (allocators.c), on the
 * same workloads, counted as bench/target does (counter.h: SysTick read
 * under QEMU -icount shift=10, calibrated against code of known length).
 *
 * The bench runs in a task after the scheduler has started. Counting takes
 * SysTick over from the kernel's tick (counter_start: no tick interrupt any
 * more), so no interrupt lands inside a measured call; the task never
 * blocks, so it needs no tick. The locks are the real ones: critical
 * sections nest through the port's uxCriticalNesting, heap_4's
 * vTaskSuspendAll/xTaskResumeAll run with the scheduler live.
 *
 * Workloads, the same operation sequence for every allocator (one LCG,
 * reseeded): STEPS random steps, each an allocation (55 %, while fewer
 * than MAX_LIVE blocks are live) or the free of a random live block, then
 * every remaining block freed.
 *   fixed   32-byte blocks (every allocator)
 *   mixed   8..512 bytes (the allocators that take any size)
 * Each row: mean and maximum instructions per call, and the maximum over
 * the calls that made no page-provider call (libslab's slab growth and
 * shrink paths, which heap_4 does not have: its pool is carved up front).
 * Built twice (mk/freertos.mk): kernel and program with configASSERT, as
 * in development, and without (FREERTOS_NO_ASSERT), as in a release.
 * Output: a markdown table (lines starting with '|'), collected into
 * build/freertos-bench.md by mk/freertos.mk. Exit 0 when the counter
 * calibrated exactly, no allocation failed and every byte went back.
 */
#include "FreeRTOS.h"
#include "allocators.h"
#include "console.h"
#include "rtos_glue.h"
#include "static_pages.h"
#include "task.h"

#if defined(FREERTOS_NO_ASSERT)
#define KERNEL_BUILD "configASSERT off"
#else
#define KERNEL_BUILD "configASSERT on"
#endif

enum { STEPS = 6000, MAX_LIVE = 150, MAX_ALLOCATORS = 4 };

typedef struct {
    uint32_t n, max;
    uint32_t max_no_page; /* max over the calls that took or gave no page */
    uint64_t sum;
} tally;

static const counter_calibration *cal_now;
static uint32_t rng;
static uintptr_t live[MAX_LIVE];
static int failures;

static uint32_t rnd(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

/* Page-provider calls so far (libslab's page hooks; heap_4 has none). */
static unsigned long page_calls(void)
{
    static_pages_stats ps;
    static_pages_get_stats(&ps);
    return ps.allocs + ps.frees;
}

static void add(tally *t, uint32_t insns, unsigned long pages_before)
{
    t->n++;
    t->sum += insns;
    t->max = insns > t->max ? insns : t->max;
    if (page_calls() == pages_before && insns > t->max_no_page) {
        t->max_no_page = insns;
    }
}

static void fail(const char *what)
{
    failures++;
    con_str("bench-freertos: FAILED: ");
    con_str(what);
    con_str("\n");
}

static void do_free(const bench_allocator *a, uintptr_t p, tally *t)
{
    uintptr_t ret;
    unsigned long pages = page_calls();
    add(t, counter_call(cal_now, a->free, a->arg, p, 0, &ret), pages);
}

/* One workload on one allocator: sizes drawn from [lo, hi]. */
static void run(const bench_allocator *a, uint32_t lo, uint32_t hi, tally *allocs, tally *frees)
{
    unsigned n = 0;
    rng = 12345u;
    for (int step = 0; step < STEPS; step++) {
        uint32_t r = rnd();
        if (n == 0 || (n < MAX_LIVE && r % 100u < 55u)) {
            uintptr_t size = lo + rnd() % (hi - lo + 1u), p = 0;
            unsigned long pages = page_calls();
            add(allocs, counter_call(cal_now, a->alloc, a->arg, size, 0, &p), pages);
            if (p == 0) {
                fail(a->name);
                return;
            }
            *(volatile uint8_t *)p = (uint8_t)step; /* the block is really there */
            live[n++] = p;
        } else {
            unsigned i = (r >> 8) % n;
            do_free(a, live[i], frees);
            live[i] = live[--n];
        }
    }
    while (n != 0) {
        do_free(a, live[--n], frees);
    }
}

static void mean(const tally *t)
{
    uint64_t tenths = t->n != 0 ? (t->sum * 10u + t->n / 2u) / t->n : 0;
    con_str(" | ");
    con_uint((unsigned long)(tenths / 10u));
    con_str(".");
    con_uint((unsigned long)(tenths % 10u));
    con_str(" | ");
    con_uint(t->max);
    con_str(" | ");
    con_uint(t->max_no_page);
}

static void row(const char *workload, const bench_allocator *a, const tally *al, const tally *fr)
{
    con_str("| " KERNEL_BUILD " | ");
    con_str(workload);
    con_str(" | ");
    con_str(a->name);
    con_str(" | ");
    con_str(a->lock);
    con_str(" | ");
    con_uint(al->n);
    mean(al);
    mean(fr);
    con_str(" |\n");
}

static void bench(void *arg)
{
    (void)arg;
    static counter_calibration cal;
    int c = counter_calibrate(&cal); /* SysTick is the counter from here on */
    cal_now = &cal;
    con_str("counter: ");
    con_uint(cal.milli_ticks_per_insn);
    con_str(" milli-ticks per instruction, window ");
    con_uint(cal.overhead_insns);
    con_str(" instructions, worst probe error ");
    con_uint(cal.max_error_insns);
    con_str("\n");
    if (c != 0) {
        fail("the counter did not calibrate");
        rtos_exit(2);
    }
    vPortFree(pvPortMalloc(8)); /* heap_4 builds its free list on first use */
    size_t heap4_before = xPortGetFreeHeapSize();
    bench_allocator a[MAX_ALLOCATORS];
    int count = bench_allocators(a, MAX_ALLOCATORS);
    if (count == 0) {
        fail("creating the libslab caches and heap");
    }
    con_str("| kernel | workload | allocator | lock | allocs | alloc mean | alloc max | alloc max, no page call "
            "| free mean | free max | free max, no page call |\n");
    con_str("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < count; i++) {
        tally al = {0, 0, 0, 0}, fr = {0, 0, 0, 0};
        run(&a[i], 32, 32, &al, &fr);
        row("fixed 32 B", &a[i], &al, &fr);
    }
    for (int i = 0; i < count; i++) {
        if (a[i].fixed_size == 0) {
            tally al = {0, 0, 0, 0}, fr = {0, 0, 0, 0};
            run(&a[i], 8, 512, &al, &fr);
            row("mixed 8..512 B", &a[i], &al, &fr);
        }
    }
    if (bench_allocators_destroy() != 0) {
        fail("a libslab destroy");
    }
    static_pages_stats ps;
    static_pages_get_stats(&ps);
    if (ps.free_bytes != ps.pool_bytes || xPortGetFreeHeapSize() != heap4_before) {
        fail("memory not all back (libslab pages or heap_4 bytes)");
    }
    con_str("heap_4: lowest free bytes ");
    con_uint((unsigned long)xPortGetMinimumEverFreeHeapSize());
    con_str(" of ");
    con_uint(configTOTAL_HEAP_SIZE);
    con_str("; libslab pages all back: ");
    con_uint(ps.free_bytes == ps.pool_bytes);
    con_str("\n");
    con_str(failures == 0 ? "bench-freertos: done\n" : "bench-freertos: FAILED\n");
    rtos_exit(failures == 0 ? 0 : 1);
}

int main(void)
{
    static StaticTask_t tcb;
    static StackType_t stack[1024];
    xTaskCreateStatic(bench, "bench", 1024, NULL, 2, stack, &tcb);
    vTaskStartScheduler();
    return 1;
}
