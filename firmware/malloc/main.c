/*
 * The drop-in malloc on a Cortex-M (make run-malloc; docs/heap.md): newlib's
 * stdio, strdup and asprintf, and the application's malloc/calloc/realloc/
 * aligned_alloc/free, all on one libslab heap (hooks/malloc/slab_malloc.c)
 * whose pages come from the linker's pool under a budget (budget_pages.c).
 *   1. newlib allocates: printf (stdout's buffer), strdup, asprintf.
 *   2. the workload: 20,000 random operations, sizes log-uniform in
 *      8..512 bytes, up to 200 live blocks, a fixed seed; every block is
 *      filled and checked before it is freed.
 *   3. calloc, realloc growth into a large block, aligned_alloc(64).
 *   4. everything freed, stdout closed (its buffer freed): the heap has no
 *      live block, is destroyed, and every page is back in the pool.
 * Prints the class table of this build, the heap's statistics and the page
 * peak against the live peak; exits 0 only when every check held and
 * newlib's own allocator never ran (_sbrk never called, no newlib malloc
 * linked: the link map is checked by the make target).
 */
#define _GNU_SOURCE /* asprintf, strdup */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "slab/heap.h"
#include "static_pages.h"

extern unsigned fw_sbrk_calls;
extern size_t fw_pages_held, fw_pages_peak;
extern const size_t fw_pages_budget;
extern unsigned fw_pages_refused;
slab_heap *slab_malloc_heap(void);

static unsigned failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        con_str("CHECK FAILED: ");
        con_str(what);
        con_str("\n");
    }
}

static uint32_t rng = 0x2545F491u;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* log-uniform in [8, 512]: 8 << (6 * u), u uniform, in fixed point */
static size_t pick_size(void)
{
    uint32_t u = next() % 6000u;           /* 6 octaves, 1000 steps each */
    size_t base = (size_t)8 << (u / 1000u);
    return base + base * (u % 1000u) / 1000u;
}

#define LIVE 200
static unsigned char *live[LIVE];
static size_t live_size[LIVE];

static void stats_line(const char *label)
{
    slab_heap_usage u;
    if (slab_heap_stats(slab_malloc_heap(), &u) != SLAB_OK) {
        check(0, "stats");
        return;
    }
    con_str(label);
    con_str(": blocks ");
    con_uint(u.blocks_in_use);
    con_str(", bytes ");
    con_uint(u.bytes_in_use);
    con_str(", peak bytes ");
    con_uint(u.bytes_peak);
    con_str(", pages ");
    con_uint(u.pages);
    con_str(" (");
    con_uint(u.page_bytes);
    con_str(" B), page peak ");
    con_uint(u.page_bytes_peak);
    con_str(" B, allocs ");
    con_uint(u.allocs);
    con_str(", frees ");
    con_uint(u.frees);
    con_str(", hook failures ");
    con_uint(u.hook_failures);
    con_str("\n");
}

int main(void)
{
    static_pages_stats pool0;
    static_pages_get_stats(&pool0);
    con_str("malloc firmware: slab size ");
    con_uint(SLAB_DEFAULT_SLAB_SIZE);
    con_str(", page budget ");
    con_uint(fw_pages_budget);
    con_str(" B; classes:");
    for (size_t i = 0; i < slab_heap_class_count(); i++) {
        con_str(" ");
        con_uint(slab_heap_class_size(i));
    }
    con_str("\n");

    /* 1. newlib's own allocations */
    printf("newlib printf: %d %s %u\n", 42, "through libslab", 7u);
    check(slab_malloc_heap() != NULL, "printf allocated from the heap");
    char *dup = strdup("a string newlib copies");
    check(dup != NULL && slab_heap_usable_size(dup) >= 23, "strdup's block is a heap block");
    char *fmt = NULL;
    check(asprintf(&fmt, "asprintf %d-%d-%d", 1, 22, 333) > 0 && fmt != NULL, "asprintf");
    check(fmt != NULL && strcmp(fmt, "asprintf 1-22-333") == 0 && slab_heap_usable_size(fmt) > 0,
          "asprintf's block is a heap block");
    printf("%s / %s\n", dup, fmt);
    fflush(stdout);
    free(dup);
    free(fmt);
    stats_line("after newlib");

    /* 2. the random workload */
    size_t live_bytes = 0, live_peak = 0;
    unsigned ops = 0, nulls = 0;
    for (; ops < 20000u; ops++) {
        unsigned k = next() % LIVE;
        if (live[k] != NULL) {
            for (size_t j = 0; j < live_size[k]; j++) {
                if (live[k][j] != (unsigned char)(k + live_size[k])) {
                    check(0, "a block lost its bytes");
                    break;
                }
            }
            live_bytes -= live_size[k];
            free(live[k]);
            live[k] = NULL;
        } else {
            size_t n = pick_size();
            live[k] = malloc(n);
            if (live[k] == NULL) {
                nulls++;
                continue;
            }
            memset(live[k], (int)(k + n), n);
            live_size[k] = n;
            live_bytes += n;
            if (live_bytes > live_peak) {
                live_peak = live_bytes;
            }
        }
    }
    check(nulls == 0, "the workload ran out of pages within the budget");
    con_str("workload: 20000 operations, peak ");
    con_uint(live_peak);
    con_str(" bytes live (asked), page peak ");
    con_uint(fw_pages_peak);
    con_str(" B (budget ");
    con_uint(fw_pages_budget);
    con_str(" B) = ");
    con_uint(fw_pages_peak * 100u / live_peak);
    con_str("% of the live peak, pages refused ");
    con_uint(fw_pages_refused);
    con_str("\n");
    stats_line("workload");
    for (unsigned k = 0; k < LIVE; k++) {
        free(live[k]);
        live[k] = NULL;
    }

    /* 3. calloc, realloc into a large block, aligned_alloc */
    unsigned *z = calloc(100, sizeof(unsigned));
    check(z != NULL && z[0] == 0 && z[99] == 0, "calloc");
    char *g = malloc(16);
    check(g != NULL, "malloc 16");
    for (size_t n = 32; g != NULL && n <= 3 * SLAB_DEFAULT_SLAB_SIZE; n *= 2) {
        memset(g, 'g', n / 2);
        char *bigger = realloc(g, n);
        check(bigger != NULL && bigger[n / 2 - 1] == 'g', "realloc keeps the bytes");
        if (bigger == NULL) {
            break;
        }
        g = bigger;
    }
    void *a = aligned_alloc(64, 100);
    check(a != NULL && ((uintptr_t)a & 63u) == 0, "aligned_alloc(64)");
    volatile size_t huge = (size_t)-1; /* (volatile: the compiler would refuse the call outright) */
    check(calloc(huge, 2) == NULL, "calloc overflow is NULL");
    free(z);
    free(g);
    free(a);

    /* 4. everything back */
    printf("newlib printf again, then stdout closes\n");
    fclose(stdout); /* frees stdout's buffer */
    stats_line("end");
    slab_heap_usage u;
    check(slab_heap_stats(slab_malloc_heap(), &u) == SLAB_OK && u.blocks_in_use == 0, "no live block left");
    check(slab_heap_destroy(slab_malloc_heap()) == SLAB_OK, "destroy");
    static_pages_stats pool1;
    static_pages_get_stats(&pool1);
    check(fw_pages_held == 0 && pool1.free_bytes == pool0.free_bytes, "every page back in the pool");
    check(fw_sbrk_calls == 0, "newlib never called _sbrk");
    con_str("malloc firmware: ");
    con_str(failures == 0 ? "every page back, newlib's allocations on libslab, 0 failed checks\n"
                          : "FAILED\n");
    return failures == 0 ? 0 : 1;
}
