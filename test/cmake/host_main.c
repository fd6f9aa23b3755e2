/*
 * make test-cmake: the host consumer, built through FetchContent
 * (fetch-content/CMakeLists.txt), find_package(slab CONFIG)
 * (find-package/CMakeLists.txt) and pkg-config (mk/test-cmake.mk), the last
 * two against the tree make install wrote. Its pages come from the page
 * provider slab::buffer_pages (pkg-config: slab-buffer-pages), included as
 * in libslab's tree. Exits 0 when every check of checks.c held and the
 * pages came from the provider.
 */
#include <stdio.h>

#include "buffer_pages.h"
#include "checks.h"

#ifndef CONSUMER_NAME
#define CONSUMER_NAME "test-cmake host consumer"
#endif

DEFINE_SLAB_BUFFER_HOOKS(pages, 256 * 1024);

int main(void)
{
    /* slab/hooks.h: the build's random secret (installed with the headers,
     * or written in CMake's build tree), never 0. */
    if (slab_secret == 0) {
        fprintf(stderr, "%s: FAILED: DEFINE_SLAB_HOOKS left slab_secret at 0\n", CONSUMER_NAME);
        return 1;
    }
    const char *failed = consumer_checks();
    if (failed != NULL) {
        fprintf(stderr, "%s: FAILED: %s\n", CONSUMER_NAME, failed);
        return 1;
    }
    buffer_pool_stats stats;
    buffer_pool_get_stats(pages(), &stats);
    if (stats.allocs == 0 || stats.frees != stats.allocs) {
        fprintf(stderr, "%s: FAILED: buffer pages: %lu allocs, %lu frees\n", CONSUMER_NAME, stats.allocs,
                stats.frees);
        return 1;
    }
    printf("%s: create, alloc, free, destroy OK; options agree with the library; "
           "pages from slab::buffer_pages: %lu, all back\n",
           CONSUMER_NAME, stats.allocs);
    return 0;
}
