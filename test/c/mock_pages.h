/*
 * CMocka mock of the page hooks (slab/hooks.h) for the C API suites.
 *
 * Every test binary in test/c/ links mock_pages.c, which defines
 * slab_page_alloc() and slab_page_free() itself (no DEFINE_SLAB_HOOKS, no
 * hosted provider), so a test sees every hook call the library makes.
 *
 * Two ways a hook call is answered:
 *   scripted  the test queued it with mock_expect_alloc()/mock_expect_free():
 *             the mock runs check_expected(size) and check_expected(align)
 *             against the queued values and takes its action from mock().
 *             A queued call that never happens is a CMocka leftover and fails
 *             the test; so does a call the script did not foresee, when the
 *             test set mock_pages.strict.
 *   free run  nothing queued: the page is given (alloc) or taken back (free).
 *             The contract is still enforced on every call: align == size, a
 *             power of two in [SLAB_MIN_SLAB_SIZE, SLAB_MAX_SLAB_SIZE], equal
 *             to mock_pages.slab_size when the test set it, and a free must
 *             name a block the mock handed out, with the size it had.
 *
 * Pages given back are not released at once: they are filled with a poison
 * byte and quarantined until the test ends, when mock_pages_teardown()
 * verifies the poison (the library never writes a page it gave back) and
 * that no page is still live (every page taken was given back).
 */
#ifndef SLAB_TEST_C_MOCK_PAGES_H
#define SLAB_TEST_C_MOCK_PAGES_H

#include <stddef.h>

/* What a scripted slab_page_alloc() call does. */
enum mock_alloc_action {
    MOCK_GIVE = 0,     /* an aligned page of the size asked */
    MOCK_NULL = 1,     /* NULL: out of pages */
    MOCK_MISALIGN = 2, /* a block of the size asked, off by size / 2 */
};

/* Values a scripted slab_page_free() call returns. */
#define MOCK_FREE_OK 0
#define MOCK_FREE_REFUSE 1

struct mock_pages_state {
    /* Set by tests. */
    size_t slab_size; /* 0: any valid size; else every call must ask for it */
    int strict;       /* 1: every hook call must have been scripted */
    int refuse_frees; /* 1: unscripted slab_page_free() calls are refused */
    /* Counted by the mock. */
    unsigned alloc_calls;  /* slab_page_alloc() calls, whatever they returned */
    unsigned free_calls;   /* slab_page_free() calls, whatever they returned */
    unsigned given;        /* aligned pages handed to the library */
    unsigned misaligned;   /* misaligned blocks handed to the library */
    unsigned taken_back;   /* blocks the mock accepted back */
    unsigned refused;      /* frees the mock refused */
    size_t live;           /* blocks handed out and not accepted back */
    const void *last_freed; /* page of the last slab_page_free() call */
    /* Script bookkeeping: queued calls not yet made. */
    unsigned scripted_allocs;
    unsigned scripted_frees;
};

extern struct mock_pages_state mock_pages;

/* CMocka setup/teardown of every test: fresh state; then every page back,
 * no quarantined page written, every script consumed. */
int mock_pages_setup(void **state);
int mock_pages_teardown(void **state);

/* Queues the next slab_page_alloc() call: it must ask for size (== align);
 * it does `action`. */
void mock_expect_alloc(size_t size, enum mock_alloc_action action);

/* Queues the next slab_page_free() call: it must give back a block of size
 * (== align); it returns ret (MOCK_FREE_OK takes the block back). */
void mock_expect_free(size_t size, int ret);

/* Takes back every live misaligned block without a slab_page_free() call,
 * poisoning it as usual; returns how many there were. For the one case where
 * the library cannot give a block back by design (a misaligned block whose
 * give-back the hook refused: it was never the cache's). */
size_t mock_drop_misaligned(void);

/* 1 when p lies inside a block the mock handed out and still holds live. */
int mock_is_live(const void *p);

/* 1 when p lies inside a block that was taken back (quarantined). */
int mock_is_quarantined(const void *p);

#endif /* SLAB_TEST_C_MOCK_PAGES_H */
