/*
 * Positive control: the hooks of main.c defined from C with DEFINE_SLAB_HOOKS.
 * Counts pages; at exit, any page not given back, or no hook call at all,
 * turns the exit status into 3.
 */
#include <stdio.h>
#include <stdlib.h>

#include "slab/hooks.h"

static long outstanding;
static long calls;

static void *board_page_alloc(size_t size, size_t align)
{
    calls++;
    void *p = aligned_alloc(align, size);
    if (p != NULL) {
        outstanding++;
    }
    return p;
}

static int board_page_free(void *page, size_t size, size_t align)
{
    (void)size;
    (void)align;
    calls++;
    free(page);
    outstanding--;
    return 0;
}

DEFINE_SLAB_HOOKS(board_page_alloc, board_page_free);

static void check_at_exit(void)
{
    printf("link test (C hooks): %ld hook calls, %ld pages outstanding\n", calls, outstanding);
    if (outstanding != 0 || calls < 4) {
        fflush(stdout);
        _Exit(3);
    }
}

__attribute__((constructor)) static void install_check(void) { atexit(check_at_exit); }
