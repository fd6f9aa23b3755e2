/*
 * A program that uses libslab and defines no page hooks. Linked alone with
 * libslab.a it must fail with exactly two undefined references,
 * slab_page_alloc and slab_page_free (slab/hooks.h: "a program that links the
 * library without defining them fails at link time"). Linked with
 * hooks_c.c or hooks_cxx.cpp (DEFINE_SLAB_HOOKS) it must build and run:
 * exit 0 when every call worked.
 */
#include <stdio.h>

#include "slab/slab.h"

int main(void)
{
    slab_cache *cache = NULL;
    if (slab_cache_create(&cache, 48, 0, 0, 0) != SLAB_OK) {
        fprintf(stderr, "link test: slab_cache_create failed\n");
        return 1;
    }
    void *objs[200];
    for (int i = 0; i < 200; i++) { /* several slabs: the hooks are called at growth */
        objs[i] = slab_alloc(cache);
        if (objs[i] == NULL) {
            fprintf(stderr, "link test: slab_alloc failed\n");
            return 1;
        }
    }
    for (int i = 0; i < 200; i++) {
        if (slab_free(objs[i]) != SLAB_OK) {
            fprintf(stderr, "link test: slab_free failed\n");
            return 1;
        }
    }
    if (slab_cache_destroy(cache) != SLAB_OK) {
        fprintf(stderr, "link test: slab_cache_destroy failed\n");
        return 1;
    }
    return 0;
}
