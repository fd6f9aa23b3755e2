/*
 * The x86-64 side of bench/heap (make bench-heap-host), counted by
 * callgrind from outside (bench/heap/report_host.sh):
 *   hb_host ALLOC random     the random workload of the firmware (cap 200,
 *                            20,000 operations, same seed); prints
 *                            "random|<alloc>|<allocs>|<frees, all>|<checksum>|<peak>"
 *   hb_host ALLOC hot N      N rounds of alloc(64) and free of that block;
 *                            prints "hot|<alloc>|<N>"
 *   hb_host ALLOC smoke      a few hundred operations; prints the random line
 * ALLOC: libslab o1heap TLSF umm_malloc heap_4 malloc (glibc's, jemalloc's
 * or mimalloc's: whichever the binary links). Exit status 0 when the run
 * completed and the allocator is whole after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb.h"

enum { ARENA = 16u << 20 };
static unsigned char arena[ARENA] __attribute__((aligned(4096)));

static hb_alloc *find(const char *name)
{
    static hb_alloc *const all[] = {&hb_slab, &hb_o1heap, &hb_tlsf, &hb_umm, &hb_heap4, &hb_malloc};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(all[i]->name, name) == 0 || (all[i] == &hb_malloc && strcmp(name, "malloc") == 0)) {
            return all[i];
        }
    }
    return NULL;
}

static int hot(hb_alloc *a, unsigned long n)
{
    hb_result r;
    hb_result_init(&r);
    for (unsigned long i = 0; i < n; i++) {
        void *p = hb_alloc_block(a, 64, (uint32_t)i, 0, &r);
        if (p == NULL) {
            return 1;
        }
        hb_free_block(a, p, 64, (uint32_t)i, 0, &r);
    }
    printf("hot|%s|%lu\n", a->name, n);
    return r.corrupt != 0;
}

int main(int argc, char **argv)
{
    hb_alloc *a = argc >= 3 ? find(argv[1]) : NULL;
    if (a == NULL) {
        fprintf(stderr, "usage: %s libslab|o1heap|TLSF|umm_malloc|heap_4|malloc random|smoke|hot N\n", argv[0]);
        return 2;
    }
    if (a->init(arena, sizeof arena) != 0) {
        fprintf(stderr, "hb_host: %s: init failed\n", a->name);
        return 1;
    }
    int st;
    if (strcmp(argv[2], "hot") == 0) {
        st = hot(a, argc > 3 ? strtoul(argv[3], NULL, 10) : 100000ul);
    } else {
        hb_shape s = {strcmp(argv[2], "smoke") == 0 ? 400u : 20000u, 200, 0x2545F491u};
        hb_result r;
        st = hb_run(a, &s, 1, &r);
        /* every block is freed (the last ones after the workload) */
        printf("random|%s|%u|%u|%u|%zu\n", a->name, r.alloc.count, r.alloc.count, r.checksum, r.peak_live);
    }
    if (st != 0 || a->fini() != 0) {
        fprintf(stderr, "hb_host: %s: the run failed or left the allocator broken\n", a->name);
        return 1;
    }
    return 0;
}
