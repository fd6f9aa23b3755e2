/* The heap's C header from C (C11, -Werror): every function of the issue's
 * API with its exact signature, called once with a checked result. Returns
 * 0, or the line of the first check that failed. */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "slab/heap.h"

#define CHECK(x)              \
    do {                      \
        if (!(x)) {           \
            return __LINE__;  \
        }                     \
    } while (0)

int heap_c_api_check(void);

int heap_c_api_check(void)
{
    /* The signatures, as function pointer types. */
    slab_status (*create)(slab_heap **, unsigned) = slab_heap_create;
    slab_status (*destroy)(slab_heap *) = slab_heap_destroy;
    void *(*alloc)(slab_heap *, size_t) = slab_heap_alloc;
    void *(*aligned)(slab_heap *, size_t, size_t) = slab_heap_aligned_alloc;
    void *(*calloc_)(slab_heap *, size_t, size_t) = slab_heap_calloc;
    void *(*realloc_)(slab_heap *, void *, size_t) = slab_heap_realloc;
    slab_status (*free_)(void *) = slab_heap_free;
    size_t (*usable)(const void *) = slab_heap_usable_size;
    slab_status (*stats)(const slab_heap *, slab_heap_usage *) = slab_heap_stats;

    slab_heap *h = NULL;
    CHECK(create(&h, 0) == SLAB_OK && h != NULL);
    char *p = alloc(h, 100);
    CHECK(p != NULL && usable(p) >= 100);
    memset(p, 7, 100);
    char *q = realloc_(h, p, 5000);
    CHECK(q != NULL && q[99] == 7);
    int *z = calloc_(h, 10, sizeof(int));
    CHECK(z != NULL && z[9] == 0);
    void *a = aligned(h, 256, 10);
    CHECK(a != NULL && (uintptr_t)a % 256 == 0);
    slab_heap_usage u;
    CHECK(stats(h, &u) == SLAB_OK && u.blocks_in_use == 3 && u.bytes_in_use >= 5000 + 40 + 10);
    CHECK(u.bytes_peak >= u.bytes_in_use && u.pages >= 2 && u.page_bytes >= u.pages * 256);
    CHECK(u.page_bytes_peak >= u.page_bytes && u.hook_failures == 0);
    CHECK(destroy(h) == SLAB_EBUSY);
    CHECK(free_(q) == SLAB_OK && free_(z) == SLAB_OK && free_(a) == SLAB_OK);
    CHECK(free_(a) == SLAB_EDOUBLEFREE || free_(a) == SLAB_EBADPTR);
    CHECK(free_(NULL) == SLAB_OK && usable(NULL) == 0);
    CHECK(destroy(h) == SLAB_OK);
    return 0;
}
