/*
 * On-target test of hooks/buffer_pages (make test-buffer-pages, QEMU
 * mps2-an385, Cortex-M3): libslab's pages come from a plain array through
 * the one-line macro (no linker-script pool, no board.c), and a second pool
 * over an unaligned array is used beside it through the explicit API.
 * Closes with "N passed, N failed"; the exit status is the failure count.
 */
#include <stdint.h>

#include "buffer_pages.h"
#include "console.h"
#include "slab/slab.h"

DEFINE_SLAB_BUFFER_HOOKS(fw_ram, 32 * 1024);

static unsigned char dma_ram[20 * 1024 + 77];

static unsigned checks_failed;
#define EXPECT(cond)                                                           \
    do {                                                                       \
        if (!(cond)) {                                                         \
            checks_failed++;                                                   \
            con_str("  failed: " #cond "\n");                                  \
        }                                                                      \
    } while (0)

static void test_cache_on_macro(void)
{
    buffer_pool_stats full;
    buffer_pool_get_stats(fw_ram(), &full);
    EXPECT(full.pool_bytes > 31 * 1024);
    EXPECT(full.free_bytes == full.pool_bytes);
    slab_cache *c = NULL;
    EXPECT(slab_cache_create(&c, 40, 0, 1024, 0) == SLAB_OK);
    if (c == NULL) {
        return;
    }
    static void *objs[1024];
    unsigned n = 0;
    slab_status st = SLAB_OK;
    while (n < 1024) {
        void *o = slab_alloc_status(c, &st);
        if (o == NULL) {
            break;
        }
        objs[n++] = o;
    }
    EXPECT(st == SLAB_ENOMEM);
    EXPECT(n > 500);
    EXPECT(buffer_pool_largest_free(fw_ram()) < 1024);
    for (unsigned i = 0; i < n; i++) {
        EXPECT(slab_cache_free(c, objs[i]) == SLAB_OK); /* custom slab size */
    }
    EXPECT(slab_cache_destroy(c) == SLAB_OK);
    buffer_pool_stats s;
    buffer_pool_get_stats(fw_ram(), &s);
    EXPECT(s.free_bytes == full.free_bytes);
    EXPECT(s.largest_free == full.largest_free);
    con_str("  fw_ram: ");
    con_uint((unsigned long)s.pool_bytes);
    con_str(" B pages, ");
    con_uint((unsigned long)s.overhead_bytes);
    con_str(" B overhead, ");
    con_uint(n);
    con_str(" objects, ");
    con_uint(s.frees);
    con_str(" pages given back\n");
}

static void test_second_pool(void)
{
    buffer_pool_status why = BUFFER_POOL_OK;
    EXPECT(buffer_pool_init_status(dma_ram + 3, sizeof dma_ram - 3, 256, 4096, &why) == NULL); /* buf + 3 */
    EXPECT(why == BUFFER_POOL_EALIGN);
    buffer_pool *dma = buffer_pool_init(dma_ram + 4, sizeof dma_ram - 4, 256, 4096); /* not page-aligned */
    EXPECT(dma != NULL);
    size_t before = buffer_pool_free_bytes(dma);
    static void *pages[128];
    unsigned n = 0;
    while (n < 128) {
        void *p = buffer_pool_alloc(dma, 1024, 1024);
        if (p == NULL) {
            break;
        }
        EXPECT(((uintptr_t)p & 1023u) == 0);
        EXPECT(buffer_pool_owns(dma, p) && !buffer_pool_owns(fw_ram(), p));
        EXPECT(buffer_pool_free(fw_ram(), p, 1024, 1024) != 0); /* other pool refuses */
        pages[n++] = p;
    }
    EXPECT(n >= 18);
    EXPECT(buffer_pool_free_bytes(dma) < 1024);
    for (unsigned i = 0; i < n; i++) {
        EXPECT(buffer_pool_free(dma, pages[i], 1024, 1024) == 0);
    }
    EXPECT(n == 0 || buffer_pool_free(dma, pages[0], 1024, 1024) != 0); /* double */
    EXPECT(buffer_pool_free_bytes(dma) == before);
}

int main(void)
{
    static const struct {
        const char *name;
        void (*run)(void);
    } tests[] = {
        {"buffer_pages: a libslab cache on DEFINE_SLAB_BUFFER_HOOKS, exhausted and given back", test_cache_on_macro},
        {"buffer_pages: a second pool over an unaligned array, beside the first", test_second_pool},
    };
    unsigned passed = 0, failed = 0;
    for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        checks_failed = 0;
        tests[i].run();
        con_str(checks_failed == 0 ? "[ ok ] " : "[FAIL] ");
        con_str(tests[i].name);
        con_str("\n");
        if (checks_failed == 0) {
            passed++;
        } else {
            failed++;
        }
    }
    con_uint(passed);
    con_str(" passed, ");
    con_uint(failed);
    con_str(" failed\n");
    return (int)failed;
}
