/*
 * The page hooks of the C test binaries, as CMocka mocks over the shared
 * test page provider (test/support/test_pages.h): this file does the
 * scripting (CMocka expectations, strict mode); the provider places, counts,
 * checks, poisons and quarantines the pages. See mock_pages.h for what a
 * test can script and what is checked on every call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mock_pages.h"
#include "slab/hooks.h"
#include "slab/slab.h"
#include "test_pages.h"

struct mock_pages_state mock_pages;

/* Byte a fresh block is filled with before the library gets it. Pages given
 * back are filled with TP_POISON (0xA5) and quarantined by the provider. */
#define FRESH 0xCD

static int is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* The provider's counters, copied where the tests read them. */
static void sync_counters(void)
{
    tp_stats s = test_pages_stats();
    mock_pages.given = (unsigned)s.given;
    mock_pages.misaligned = (unsigned)s.misaligned;
    mock_pages.taken_back = (unsigned)s.taken_back;
    mock_pages.refused = (unsigned)s.refused;
    mock_pages.live = s.live;
    mock_pages.last_freed = s.last_freed;
}

/* A contract breach the provider found fails the test. */
static void breach(const char *message) { fail_msg("%s", message); }

/* The half of the contract the library promises: align == size, a power of
 * two within the configured bounds, and the size the test set up. */
static void check_request(size_t size, size_t align)
{
    assert_int_equal(size, align);
    assert_true(is_pow2(size));
    assert_in_range(size, SLAB_MIN_SLAB_SIZE, SLAB_MAX_SLAB_SIZE);
    if (mock_pages.slab_size != 0) {
        assert_int_equal(size, mock_pages.slab_size);
    }
}

void *slab_page_alloc(size_t size, size_t align)
{
    mock_pages.alloc_calls++;
    check_request(size, align);
    int action = MOCK_GIVE;
    if (mock_pages.scripted_allocs > 0) {
        mock_pages.scripted_allocs--;
        check_expected(size);
        check_expected(align);
        action = mock_type(int);
    } else if (mock_pages.strict) {
        fail_msg("unscripted slab_page_alloc(%zu, %zu)", size, align);
    }
    tp_kind kind = action == MOCK_NULL ? TP_NULL : action == MOCK_MISALIGN ? TP_MISALIGN : TP_NONE;
    void *page = test_pages_alloc_as(size, align, kind);
    sync_counters();
    return page;
}

/* The program's secret (slab/hooks.h), defined by hand like the hooks. */
uintptr_t slab_secret;

int slab_page_free(void *page, size_t size, size_t align)
{
    mock_pages.free_calls++;
    /* Not a live block of this mock, or another size: the provider fails
     * the test (breach) before anything changes. */
    if (test_pages_live_size(page) == 0) {
        fail_msg("slab_page_free(%p): not a live block of this mock", page);
    }
    int ret = MOCK_FREE_OK;
    if (mock_pages.scripted_frees > 0) {
        mock_pages.scripted_frees--;
        check_expected(size);
        check_expected(align);
        ret = mock_type(int);
    } else if (mock_pages.strict) {
        fail_msg("unscripted slab_page_free(%p, %zu, %zu)", page, size, align);
    } else if (mock_pages.refuse_frees) {
        ret = MOCK_FREE_REFUSE;
    }
    int got = test_pages_free_as(page, size, align, ret != MOCK_FREE_OK ? TP_REFUSE : TP_NONE);
    sync_counters();
    return got != 0 ? ret : 0;
}

void mock_expect_alloc(size_t size, enum mock_alloc_action action)
{
    expect_value(slab_page_alloc, size, size);
    expect_value(slab_page_alloc, align, size);
    will_return(slab_page_alloc, action);
    mock_pages.scripted_allocs++;
}

void mock_expect_free(size_t size, int ret)
{
    expect_value(slab_page_free, size, size);
    expect_value(slab_page_free, align, size);
    will_return(slab_page_free, ret);
    mock_pages.scripted_frees++;
}

size_t mock_drop_misaligned(void)
{
    size_t n = test_pages_drop_misaligned();
    sync_counters();
    return n;
}

int mock_is_live(const void *p) { return test_pages_page_of(p) != 0; }

int mock_is_quarantined(const void *p) { return test_pages_in_quarantine(p); }

int mock_pages_setup(void **state)
{
    (void)state;
    memset(&mock_pages, 0, sizeof mock_pages);
    /* Regions aligned to at least the default slab size: over-alignment is
     * allowed by the contract (a multiple of align), and it makes the
     * 4096-mask that slab_free() applies to an object of a small custom-size
     * slab land on that slab's own base, inside memory the mock owns, so
     * reading it is safe. Fresh regions are not zeros: the library must not
     * rely on fresh pages being cleared, and reads of never-written bytes (a
     * masked header inside a big slab, see slab_free) see defined values.
     * Given-back regions are poisoned and kept until teardown. */
    tp_config cfg = {SLAB_DEFAULT_SLAB_SIZE, FRESH, 0, NULL, 0, 1, 1, 0, 0, 0, 0, 0, 0};
    test_pages_configure(&cfg);
    test_pages_on_breach(breach);
    test_pages_clear_plans();
    (void)test_pages_release_all();
    (void)test_pages_check_quarantine();
    test_pages_renumber();
    test_pages_reset_counters();
    return 0;
}

/* Releases every block (so a failed test leaks nothing into the next one),
 * then reports what the test left wrong. */
int mock_pages_teardown(void **state)
{
    (void)state;
    size_t written = test_pages_check_quarantine();
    size_t live = test_pages_release_all();
    int bad = 0;
    if (live != 0) {
        print_error("mock_pages: %zu page(s) never given back\n", live);
        bad = 1;
    }
    if (written != 0) {
        print_error("mock_pages: %zu page(s) written after they were given back\n", written);
        bad = 1;
    }
    if (mock_pages.scripted_allocs != 0 || mock_pages.scripted_frees != 0) {
        print_error("mock_pages: %u alloc and %u free call(s) scripted but not made\n",
                    mock_pages.scripted_allocs, mock_pages.scripted_frees);
        bad = 1;
    }
    memset(&mock_pages, 0, sizeof mock_pages);
    return bad ? -1 : 0;
}
