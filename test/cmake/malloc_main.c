/*
 * make test-cmake: a host program on the drop-in malloc, built through
 * find_package(slab CONFIG) (slab::malloc and slab::buffer_pages,
 * find-package/CMakeLists.txt) and through pkg-config (slab-malloc and
 * slab-buffer-pages, mk/test-cmake.mk). mk/test-cmake.mk also checks that
 * the program defines malloc itself (nm), so that the C library's own calls
 * (stdio's buffers, strdup) reach the drop-in too. Exits 0 when the blocks
 * of malloc, calloc, realloc and the C library's strdup all lie in the
 * provider's buffer and go back to the heap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer_pages.h"
#include "slab/heap.h"

#ifndef CONSUMER_NAME
#define CONSUMER_NAME "test-cmake malloc consumer"
#endif

/* hooks/malloc/slab_malloc.c: the drop-in's heap (NULL before the first
 * allocation). The drop-in has no header. */
slab_heap *slab_malloc_heap(void);
/* POSIX, which -std=c11 hides: glibc's own, which allocates with malloc. */
char *strdup(const char *s);

DEFINE_SLAB_BUFFER_HOOKS(pages, 4 * 1024 * 1024);

static int fail(const char *what)
{
    fprintf(stderr, "%s: FAILED: %s\n", CONSUMER_NAME, what);
    return 1;
}

int main(void)
{
    char *a = malloc(100);
    if (a == NULL || slab_malloc_heap() == NULL || !buffer_pool_owns(pages(), a)) {
        return fail("malloc did not allocate from the libslab heap over slab::buffer_pages");
    }
    memset(a, 'x', 99);
    a[99] = '\0';
    unsigned *b = calloc(64, sizeof *b);
    if (b == NULL || !buffer_pool_owns(pages(), b) || b[63] != 0) {
        return fail("calloc");
    }
    /* The C library's strdup, which calls malloc (through a pointer: the
     * compiler may not expand it into its own malloc call). */
    char *(*volatile dup)(const char *) = strdup;
    char *c = dup(a);
    if (c == NULL || !buffer_pool_owns(pages(), c) || strcmp(a, c) != 0) {
        return fail("the C library's strdup did not allocate from the drop-in");
    }
    a = realloc(a, 20000);
    if (a == NULL || !buffer_pool_owns(pages(), a) || a[98] != 'x') {
        return fail("realloc");
    }
    slab_heap_usage before;
    if (slab_heap_stats(slab_malloc_heap(), &before) != SLAB_OK || before.blocks_in_use < 3) {
        return fail("slab_heap_stats of the drop-in's heap");
    }
    free(a);
    free(b);
    free(c);
    slab_heap_usage after;
    if (slab_heap_stats(slab_malloc_heap(), &after) != SLAB_OK || after.blocks_in_use + 3 != before.blocks_in_use) {
        return fail("free did not give the blocks back to the drop-in's heap");
    }
    printf("%s: malloc, calloc, realloc, free and the C library's strdup on the drop-in over "
           "slab::buffer_pages\n",
           CONSUMER_NAME);
    return 0;
}
