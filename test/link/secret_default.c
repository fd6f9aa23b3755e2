/*
 * The secret DEFINE_SLAB_HOOKS leaves (slab/hooks.h), as run.sh builds it:
 *   default       SLAB_BUILD_SECRET from the build's generated header:
 *                 not 0, and the value that header holds (expect: argv[1])
 *   -DSLAB_SECRET_INIT=0   the program's explicit choice: 0
 *   hosted        with hooks/hosted's provider: after the first cache, a
 *                 value from the OS, neither 0 nor the build's default
 * Exit 0 when the secret is what run.sh expects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef WITH_HOSTED
#include "hosted_pages.h"
DEFINE_SLAB_HOOKS(hosted_page_alloc, hosted_page_free);
#else
#include "slab/hooks.h"
static void *no_page(size_t size, size_t align)
{
    (void)size;
    (void)align;
    return NULL;
}
static int no_free(void *page, size_t size, size_t align)
{
    (void)page;
    (void)size;
    (void)align;
    return 1;
}
DEFINE_SLAB_HOOKS(no_page, no_free);
#endif
#include "slab/slab.h"

int main(int argc, char **argv)
{
    const char *expect = argc > 1 ? argv[1] : "";
    uintptr_t first = slab_secret;
#ifdef WITH_HOSTED
    slab_cache *c = NULL;
    if (slab_cache_create(&c, 32, 0, 0, 0) != SLAB_OK || slab_cache_destroy(c) != SLAB_OK) {
        return 4;
    }
    printf("secret: %#lx at start, %#lx after the first page\n", (unsigned long)first, (unsigned long)slab_secret);
    if (strcmp(expect, "os") == 0) {
        return slab_secret != 0 && slab_secret != first ? 0 : 1;
    }
    return slab_secret == first ? 0 : 2; /* "kept": a value the program chose */
#else
    printf("secret: %#lx\n", (unsigned long)first);
    if (strcmp(expect, "zero") == 0) {
        return first == 0 ? 0 : 1;
    }
    return first != 0 && first == (uintptr_t)strtoull(expect, NULL, 0) ? 0 : 3;
#endif
}
