/*
 * Page hooks of the malloc firmware: the buddy pool of hooks/static_pages,
 * with a budget. MALLOC_FW_BUDGET bytes of pages at most may be held at
 * once, as on a part with that much RAM left for the heap (64 KiB of RAM
 * minus 8 KiB of stack and data: 56 KiB by default). Counts the peak held.
 */
#include "static_pages.h"

#ifndef MALLOC_FW_BUDGET
#define MALLOC_FW_BUDGET (56u * 1024u)
#endif

const size_t fw_pages_budget = MALLOC_FW_BUDGET;
size_t fw_pages_held;
size_t fw_pages_peak;
unsigned fw_pages_refused;

static void *budget_page_alloc(size_t size, size_t align)
{
    if (fw_pages_held + size > MALLOC_FW_BUDGET) {
        fw_pages_refused++;
        return NULL;
    }
    void *p = static_page_alloc(size, align);
    if (p != NULL) {
        fw_pages_held += size;
        if (fw_pages_held > fw_pages_peak) {
            fw_pages_peak = fw_pages_held;
        }
    }
    return p;
}

static int budget_page_free(void *page, size_t size, size_t align)
{
    int r = static_page_free(page, size, align);
    if (r == 0) {
        fw_pages_held -= size;
    }
    return r;
}

DEFINE_SLAB_HOOKS(budget_page_alloc, budget_page_free);
