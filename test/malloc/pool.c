/* The page provider's pool under the drop-in (test/malloc/api.sh): exit 0
 * when every check holds.
 *  - A block of 256 KiB allocated and freed 20,000 times costs no
 *    madvise (the pool keeps its page): malloc_info's madvise count.
 *  - Phases: PHASE bytes of blocks of one size (4, 8, 16 then 32 KiB),
 *    each written, then all freed, and the next size. Freed pages of one
 *    size serve the next (they merge): the peak RSS stays below
 *    1.5 times what the largest phase needs (the 4 KiB blocks, each on an
 *    8 KiB page: 2 * PHASE), where a pool kept per size, never merged,
 *    held every phase at once (3 * PHASE more). After each phase the pool
 *    keeps at most its bound (mallinfo2's keepcost). */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define PHASE ((size_t)64 << 20)
#define POOL_BOUND ((size_t)8 << 20) /* MMAP_PAGES_POOL_MIN: nothing else is live */

static int failed;

static void check(int ok, const char *what, size_t figure)
{
    if (!ok) {
        fprintf(stderr, "pool: FAILED: %s (%zu)\n", what, figure);
        failed = 1;
    }
}

static size_t xml_count(const char *key)
{
    char *xml = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&xml, &len);
    if (f == NULL) {
        return (size_t)-1;
    }
    malloc_info(0, f);
    fclose(f);
    const char *at = xml != NULL ? strstr(xml, key) : NULL;
    size_t n = at != NULL ? strtoul(at + strlen(key), NULL, 10) : (size_t)-1;
    free(xml);
    return n;
}

int main(void)
{
    size_t madvise_before = xml_count("madvise=\"");
    for (int i = 0; i < 20000; i++) {
        char *volatile p = malloc(256 << 10);
        if (p == NULL) {
            return 2;
        }
        p[i % (256 << 10)] = 1;
        free(p);
    }
    size_t madvise_after = xml_count("madvise=\"");
    check(madvise_before != (size_t)-1 && madvise_after == madvise_before, "no madvise in 20,000 malloc/free of 256 KiB",
          madvise_after - madvise_before);

    static const size_t sizes[] = {4096, 8192, 16384, 32768};
    size_t n_max = PHASE / 4096;
    char **blocks = malloc(n_max * sizeof *blocks);
    if (blocks == NULL) {
        return 2;
    }
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = PHASE / sizes[s];
        for (size_t i = 0; i < n; i++) {
            blocks[i] = malloc(sizes[s]);
            if (blocks[i] == NULL) {
                return 2;
            }
            memset(blocks[i], (int)i, sizes[s]);
        }
        for (size_t i = 0; i < n; i++) {
            free(blocks[i]);
        }
        struct mallinfo2 m = mallinfo2();
        check(m.keepcost <= POOL_BOUND, "the pool within its bound after a phase", m.keepcost);
    }
    free(blocks);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    size_t peak = (size_t)ru.ru_maxrss * 1024u;
    check(peak < 3 * PHASE, "peak RSS below 1.5 times the largest phase's pages", peak);
    printf("pool: peak RSS %zu KiB\n", peak / 1024u);
    return failed;
}
