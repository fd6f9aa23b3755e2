/* SPDX-License-Identifier: MIT */
/* Page provider over aligned_alloc()/free() for hosted builds. Its first
 * page seeds slab_secret from the OS (os_secret.h). */
#include "hosted_pages.h"

#include <stdlib.h>

#include "os_secret.h"

static long outstanding;

void *hosted_page_alloc(size_t size, size_t align)
{
    if (align == 0 || (align & (align - 1)) != 0 || size % align != 0) {
        return NULL;
    }
    slab_os_secret_seed();
    void *page = aligned_alloc(align, size);
    if (page != NULL) {
        __atomic_add_fetch(&outstanding, 1, __ATOMIC_RELAXED);
    }
    return page;
}

int hosted_page_free(void *page, size_t size, size_t align)
{
    (void)size;
    (void)align;
    if (page == NULL) {
        return 1;
    }
    free(page);
    __atomic_sub_fetch(&outstanding, 1, __ATOMIC_RELAXED);
    return 0;
}

long hosted_pages_outstanding(void) { return __atomic_load_n(&outstanding, __ATOMIC_RELAXED); }
