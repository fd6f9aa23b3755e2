/* Fault-injecting page hooks over static_pages (see test_hooks.h).
 * Not the hosted suites' shared provider (test/support/test_pages): that one
 * needs a hosted C library (aligned_alloc, realloc, pthread, mmap) and this
 * runs bare metal under QEMU, its pages from the static pool of
 * hooks/static_pages, its faults counted down per call (test_hooks_inject). */
#include "test_hooks.h"

#include <stdint.h>

#include "static_pages.h"

static test_fault fault;
static unsigned fault_count;
static test_hook_counts counts;

/* A misaligned block is a real pool block shifted by 64 bytes, so the
 * library may touch nothing outside memory we own; we remember the real one
 * to give it back when the library returns the shifted pointer. */
#define MISALIGN 64u
static uintptr_t misaligned_real;

void test_hooks_inject(test_fault f, unsigned count)
{
    fault = f;
    fault_count = count;
}

void test_hooks_counts(test_hook_counts *out)
{
    *out = counts;
    out->outstanding = counts.allocs - counts.frees;
}

static int take_fault(test_fault f)
{
    if (fault == f && fault_count != 0) {
        if (--fault_count == 0) fault = FAULT_NONE;
        return 1;
    }
    return 0;
}

static void *test_page_alloc(size_t size, size_t align)
{
    if (take_fault(FAULT_ALLOC_NULL)) return NULL;
    if (take_fault(FAULT_ALLOC_MISALIGNED)) {
        void *real = static_page_alloc(size, align);
        if (real == NULL) return NULL;
        misaligned_real = (uintptr_t)real;
        return (void *)(misaligned_real + MISALIGN);
    }
    void *page = static_page_alloc(size, align);
    if (page != NULL) counts.allocs++;
    return page;
}

static int test_page_free(void *page, size_t size, size_t align)
{
    if (misaligned_real != 0 && (uintptr_t)page == misaligned_real + MISALIGN) {
        misaligned_real = 0;
        counts.misaligned_back++;
        return static_page_free((void *)((uintptr_t)page - MISALIGN), size, align);
    }
    if (take_fault(FAULT_FREE_REFUSED)) return 1;
    int rc = static_page_free(page, size, align);
    if (rc == 0) counts.frees++;
    return rc;
}

DEFINE_SLAB_HOOKS(test_page_alloc, test_page_free);
