/*
 * -nostdlib link probe (make test-target, step fw-nostdlib): a firmware that
 * uses both fronts, linked with -nostdlib and libgcc only (no libc: no
 * memset, no memcpy), for every CPU. It runs too: the C front with the
 * no-lock and the interrupt-masking lock, the C++ front (cxx.cpp) with
 * NoLock and IrqLock, stats() included; exit status 0 only when every call
 * returned what it must. Pages: the board's linker pool (firmware/board.c).
 */
#include "console.h"
#include "slab/slab.h"

int nostdlib_cxx(void); /* cxx.cpp: 0, or the number of the first failed check */

/* 0, or the number of the first failed check. */
static int c_front(unsigned flags)
{
    slab_cache *c;
    if (slab_cache_create(&c, 24, 0, 0, flags) != SLAB_OK) {
        return 1;
    }
    void *a = slab_alloc(c);
    void *b = slab_alloc(c);
    slab_stats st;
    int fail = 0;
    if (a == NULL || b == NULL || a == b) {
        fail = 2;
    } else if (slab_cache_stats(c, &st) != SLAB_OK || st.objs_in_use != 2u || st.obj_size != 24u) {
        fail = 3;
    } else if (slab_free(a) != SLAB_OK || slab_free(a) != SLAB_EDOUBLEFREE || slab_free(b) != SLAB_OK) {
        fail = 4;
    }
    if (slab_cache_destroy(c) != SLAB_OK && fail == 0) {
        fail = 5;
    }
    return fail;
}

static int report(const char *what, int fail)
{
    con_str("nostdlib: ");
    con_str(what);
    if (fail == 0) {
        con_str(": ok\n");
    } else {
        con_str(": FAILED check ");
        con_uint((unsigned long)fail);
        con_str("\n");
    }
    return fail != 0;
}

int main(void)
{
    int failed = report("C front, no lock", c_front(0));
    failed += report("C front, SLAB_LOCK_IRQ", c_front(SLAB_LOCK_IRQ));
    failed += report("C++ front, NoLock and IrqLock", nostdlib_cxx());
    con_str(failed == 0 ? "nostdlib: all passed\n" : "nostdlib: FAILED\n");
    return failed;
}
