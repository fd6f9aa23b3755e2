/*
 * make test-cmake: the host consumer, built once through find_package(slab
 * CONFIG) (find-package/CMakeLists.txt) and once through pkg-config
 * (mk/test-cmake.mk), both against the tree make install wrote. Exits 0 when
 * every check of checks.c held.
 */
#include <stdio.h>
#include <stdlib.h>

#include "checks.h"
#include "slab/hooks.h"

#ifndef CONSUMER_NAME
#define CONSUMER_NAME "test-cmake host consumer"
#endif

/* Pages from the C library: aligned_alloc takes (alignment, size). */
static void *page_alloc(size_t size, size_t align)
{
    return aligned_alloc(align, size);
}

static int page_free(void *page, size_t size, size_t align)
{
    (void)size;
    (void)align;
    free(page);
    return 0;
}

DEFINE_SLAB_HOOKS(page_alloc, page_free);

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
    printf("%s: create, alloc, free, destroy OK; options agree with the library\n", CONSUMER_NAME);
    return 0;
}
