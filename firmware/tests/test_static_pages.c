/* The buddy page provider (hooks/static_pages), called directly. */
#include <stdint.h>

#include "runner.h"
#include "static_pages.h"

#define MAX_BLOCKS 64u

static int aligned(const void *p, size_t a) { return ((uintptr_t)p & (a - 1u)) == 0; }
static int disjoint(const void *p, size_t np, const void *q, size_t nq)
{
    return (uintptr_t)p + np <= (uintptr_t)q || (uintptr_t)q + nq <= (uintptr_t)p;
}

void test_static_pages(void)
{
    static_pages_stats s0, s;
    static_pages_get_stats(&s0);
    EXPECT(s0.pool_bytes >= 8192u && s0.free_bytes == s0.pool_bytes);
    EXPECT(s0.largest_free >= 4096u);

    /* Requests it does not serve. */
    EXPECT(static_page_alloc(0, 0) == NULL);
    EXPECT(static_page_alloc(768, 256) == NULL);  /* not a power of two */
    EXPECT(static_page_alloc(512, 1024) == NULL); /* align > size */

    /* Split: a small block comes out of a large one, self-aligned. */
    void *a = static_page_alloc(256, 256);
    void *b = static_page_alloc(1024, 1024);
    void *c = static_page_alloc(64, 64); /* below the unit: served with a unit */
    EXPECT(a != NULL && b != NULL && c != NULL);
    EXPECT(aligned(a, 256) && aligned(b, 1024) && aligned(c, 256));
    EXPECT(disjoint(a, 256, b, 1024) && disjoint(a, 256, c, 256) && disjoint(b, 1024, c, 256));
    static_pages_get_stats(&s);
    EXPECT(s.free_bytes == s0.pool_bytes - 256u - 1024u - 256u);

    /* Frees it must refuse, changing nothing. */
    int local;
    EXPECT(static_page_free(&local, 256, 256) != 0);               /* not in the pool */
    EXPECT(static_page_free((char *)b + 256, 256, 256) != 0);      /* inside a block */
    EXPECT(static_page_free(b, 512, 512) != 0);                    /* wrong size */
    EXPECT(static_page_free(a, 300, 256) != 0);                    /* bad size */
    static_pages_get_stats(&s);
    EXPECT(s.free_bytes == s0.pool_bytes - 256u - 1024u - 256u && s.refused >= 4u);

    /* Merge: everything back gives the original large blocks. */
    EXPECT(static_page_free(a, 256, 256) == 0);
    EXPECT(static_page_free(a, 256, 256) != 0); /* double free */
    EXPECT(static_page_free(c, 64, 64) == 0);
    EXPECT(static_page_free(b, 1024, 1024) == 0);
    static_pages_get_stats(&s);
    EXPECT(s.free_bytes == s0.pool_bytes && s.largest_free == s0.largest_free);

    /* Exhaustion: the pool (a multiple of 4 KiB) holds exactly pool / 4 KiB
     * blocks of 4 KiB, then nothing, not even a unit. */
    void *blocks[MAX_BLOCKS];
    unsigned n = 0;
    EXPECT(s0.pool_bytes / 4096u <= MAX_BLOCKS);
    while (n < MAX_BLOCKS && (blocks[n] = static_page_alloc(4096, 4096)) != NULL) {
        EXPECT(aligned(blocks[n], 4096));
        n++;
    }
    EXPECT(n == s0.pool_bytes / 4096u);
    EXPECT(static_page_alloc(256, 256) == NULL);
    static_pages_get_stats(&s);
    EXPECT(s.free_bytes == 0 && s.largest_free == 0);
    while (n != 0) {
        n--;
        EXPECT(static_page_free(blocks[n], 4096, 4096) == 0);
    }

    /* Many units, freed in another order, merge back completely and never
     * overlap while held. */
    for (n = 0; n < 24u; n++) {
        blocks[n] = static_page_alloc(256, 256);
        EXPECT(blocks[n] != NULL);
        if (blocks[n] != NULL) *(uint32_t *)blocks[n] = n;
    }
    for (n = 0; n < 24u; n++) {
        EXPECT(blocks[n] == NULL || *(uint32_t *)blocks[n] == n);
    }
    for (n = 0; n < 24u; n += 2) EXPECT(static_page_free(blocks[n], 256, 256) == 0);
    for (n = 1; n < 24u; n += 2) EXPECT(static_page_free(blocks[n], 256, 256) == 0);
    static_pages_get_stats(&s);
    EXPECT(s.free_bytes == s0.pool_bytes && s.largest_free == s0.largest_free);
}
