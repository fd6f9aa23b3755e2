/*
 * Several memory regions in one program: a page pool over the DMA region and
 * one over the external region (linker/mps2-an385-regions.ld), each the page
 * source of its own cache, while the global hooks (static_pages) serve the
 * others; and a statically defined cache in the DMA section.
 */
#include <stddef.h>
#include <stdint.h>

#include "buffer_pages.h"
#include "runner.h"
#include "slab/static.h"
#include "static_pages.h"

extern char __dma_pool_start[], __dma_pool_end[];
extern char __ext_pool_start[], __ext_pool_end[];

static unsigned char dma_area[32 * 1024] __attribute__((section(".dma_pool"), aligned(4096)));
static unsigned char ext_area[32 * 1024] __attribute__((section(".ext_pool"), aligned(4096)));

static int in(const void *p, size_t n, const char *lo, const char *hi)
{
    return (const char *)p >= lo && (const char *)p + n <= hi;
}

void test_two_regions_two_caches(void)
{
    static_pages_stats global_before, global_after;
    static_pages_get_stats(&global_before);
    /* The sources outlive the caches (kept by pointer). */
    static slab_page_source dma_pages, ext_pages;
    dma_pages.alloc = ext_pages.alloc = buffer_pool_page_alloc;
    dma_pages.free = ext_pages.free = buffer_pool_page_free;
    dma_pages.ctx = buffer_pool_init(dma_area, sizeof dma_area, 256, 0);
    ext_pages.ctx = buffer_pool_init(ext_area, sizeof ext_area, 256, 0);
    EXPECT(dma_pages.ctx != NULL && ext_pages.ctx != NULL);
    size_t dma_free = buffer_pool_free_bytes(dma_pages.ctx);
    size_t ext_free = buffer_pool_free_bytes(ext_pages.ctx);

    slab_cache *rx = NULL, *big = NULL, *local = NULL;
    slab_cache_config rx_cfg = {256, 32, 2048, SLAB_LOCK_IRQ, NULL, &dma_pages};
    slab_cache_config big_cfg = {1000, 8, 4096, 0, NULL, &ext_pages};
    EXPECT(slab_cache_create_ex(&rx, &rx_cfg) == SLAB_OK);
    EXPECT(slab_cache_create_ex(&big, &big_cfg) == SLAB_OK);
    EXPECT(slab_cache_create(&local, 48, 0, 0, 0) == SLAB_OK);
    void *r[20], *b[10], *l[10];
    for (int i = 0; i < 20; i++) {
        r[i] = slab_alloc(rx);
        EXPECT(r[i] != NULL && in(r[i], 256, __dma_pool_start, __dma_pool_end));
        EXPECT(((uintptr_t)r[i] & 31u) == 0);
    }
    for (int i = 0; i < 10; i++) {
        b[i] = slab_alloc(big);
        l[i] = slab_alloc(local);
        EXPECT(b[i] != NULL && in(b[i], 1000, __ext_pool_start, __ext_pool_end));
        EXPECT(l[i] != NULL && !in(l[i], 48, __dma_pool_start, __dma_pool_end) &&
               !in(l[i], 48, __ext_pool_start, __ext_pool_end));
    }
    EXPECT(buffer_pool_free_bytes(dma_pages.ctx) < dma_free);
    EXPECT(buffer_pool_free_bytes(ext_pages.ctx) < ext_free);
    for (int i = 0; i < 20; i++) {
        EXPECT(slab_cache_free(rx, r[i]) == SLAB_OK);
    }
    for (int i = 0; i < 10; i++) {
        EXPECT(slab_free(b[i]) == SLAB_OK);
        EXPECT(slab_free(l[i]) == SLAB_OK);
    }
    EXPECT(slab_cache_destroy(rx) == SLAB_OK);
    EXPECT(slab_cache_destroy(big) == SLAB_OK);
    EXPECT(slab_cache_destroy(local) == SLAB_OK);
    EXPECT(buffer_pool_free_bytes(dma_pages.ctx) == dma_free); /* every page back to its own pool */
    EXPECT(buffer_pool_free_bytes(ext_pages.ctx) == ext_free);
    static_pages_get_stats(&global_after);
    EXPECT(global_after.free_bytes == global_before.free_bytes);
}

/* 20 DMA buffers of 128 B aligned to 32, defined at compile time. */
SLAB_CACHE_DEFINE(dma_bufs, 128, 32, 20, ".dma_pool");

void test_static_cache_in_dma_section(void)
{
    static_pages_stats before, during;
    static_pages_get_stats(&before);
    void *p[20];
    for (int i = 0; i < 20; i++) {
        p[i] = slab_alloc(dma_bufs);
        EXPECT(p[i] != NULL && in(p[i], 128, __dma_pool_start, __dma_pool_end));
        EXPECT(((uintptr_t)p[i] & 31u) == 0);
    }
    static_pages_get_stats(&during);
    EXPECT(during.free_bytes == before.free_bytes); /* no global page taken */
    slab_stats st;
    EXPECT(slab_cache_stats(dma_bufs, &st) == SLAB_OK);
    EXPECT(st.objs_in_use == 20 && st.slabs_in_use == SLAB_STATIC_PAGES(128, 32, 20));
    EXPECT(slab_cache_destroy(dma_bufs) == SLAB_EUNSUPPORTED);
    for (int i = 0; i < 20; i++) {
        EXPECT(slab_free(p[i]) == SLAB_OK);
    }
    EXPECT(slab_cache_validate(dma_bufs) == SLAB_OK);
}
