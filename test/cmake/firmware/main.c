/*
 * make test-cmake: a Cortex-M4 firmware that takes libslab by
 * add_subdirectory() (CMakeLists.txt beside this file) and runs on QEMU
 * mps2-an386. The pages come from the board's hooks (firmware/board.c over
 * slab::static_pages). Runs the C checks and the C++ ones, then one of
 * newlib's own allocating functions, whose _malloc_r must be slab::malloc's;
 * the exit status, through semihosting, is 0 when all held.
 */
#include <stddef.h>
#include <stdint.h>

#include "checks.h"
#include "console.h"
#include "slab/heap.h"
#include "static_pages.h"

const char *cxx_checks(void); /* box.cpp */

/* newlib's strdup (POSIX, which -std=c11 hides) allocates with _malloc_r. */
char *strdup(const char *s);
/* The pool of slab::static_pages (linker/sections.ld). */
extern unsigned char __slab_pages_start[], __slab_pages_end[];

/* Nothing here names malloc, free or another function of the drop-in: it is
 * linked only because slab::malloc asks for it (--undefined=malloc), and it
 * must then serve newlib's own allocations. Without it newlib's malloc would
 * be linked (and fail the link: this firmware has no _sbrk). */
static const char *malloc_checks(void)
{
    char *(*volatile dup)(const char *) = strdup;
    char *s = dup("test-cmake");
    uintptr_t at = (uintptr_t)s;
    if (s == NULL || at < (uintptr_t)__slab_pages_start || at >= (uintptr_t)__slab_pages_end) {
        return "newlib's strdup did not allocate from slab::malloc's heap over slab::static_pages";
    }
    if (s[0] != 't' || s[9] != 'e' || s[10] != '\0') {
        return "newlib's strdup: wrong copy";
    }
    if (slab_heap_free(s) != SLAB_OK) { /* the block's heap, from its header */
        return "slab_heap_free of strdup's block";
    }
    return NULL;
}

int main(void)
{
    const char *failed = consumer_checks();
    if (failed == NULL) {
        failed = cxx_checks();
    }
    if (failed == NULL) {
        failed = malloc_checks();
    }
    if (failed != NULL) {
        con_str("test-cmake firmware: FAILED: ");
        con_str(failed);
        con_str("\n");
        return 1;
    }
    con_str("test-cmake firmware: C and C++ checks passed, newlib allocates from slab::malloc\n");
    return 0;
}
