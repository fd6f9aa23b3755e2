/*
 * The shared test page provider itself (test/support/test_pages.h), which
 * every suite's fake of the page hooks stands on: its call-numbered plans,
 * its contract of pages, its quarantine and its leak count. Driven directly
 * (not through libslab), each test on a provider reset by mock_pages_setup.
 */
#include <string.h>

#include "harness.h"
#include "test_pages.h"

enum { PAGE = 4096 };

/* Answers of calls 1..n of the alloc hook: 'p' page, 'n' NULL, 'm'
 * misaligned; each page given back at once. */
static void alloc_pattern(char *out, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned char *p = test_pages_alloc(PAGE, PAGE);
        out[i] = p == NULL ? 'n' : ((uintptr_t)p % PAGE != 0 ? 'm' : 'p');
        if (p != NULL && out[i] == 'p') {
            assert_int_equal(test_pages_free(p, PAGE, PAGE), 0);
        }
    }
    out[n] = '\0';
    (void)test_pages_drop_misaligned();
}

static void plans_hit_the_calls_they_name(void **state)
{
    (void)state;
    char got[16];
    tp_plan third = {TP_NULL, 3, 0, 0};
    test_pages_set_plan(0, third);
    alloc_pattern(got, 8);
    assert_string_equal(got, "ppnppppp");

    test_pages_renumber();
    tp_plan every_third = {TP_NULL, 3, 3, 0};
    test_pages_set_plan(0, every_third);
    alloc_pattern(got, 10);
    assert_string_equal(got, "ppnppnppnp");

    test_pages_renumber();
    tp_plan from_five_twice = {TP_MISALIGN, 5, 1, 2};
    test_pages_set_plan(0, from_five_twice);
    alloc_pattern(got, 8);
    assert_string_equal(got, "ppppmmpp");
    assert_int_equal(test_pages_pending(TP_MISALIGN), 0);

    /* Slots in order: the first plan that hits a call decides it, and only
     * the calls it decides count toward another plan's limit. */
    test_pages_renumber();
    tp_plan all_null = {TP_NULL, 1, 1, 3};
    tp_plan next_two = {TP_MISALIGN, 1, 1, 2};
    test_pages_set_plan(0, all_null);
    test_pages_set_plan(1, next_two);
    assert_int_equal(test_pages_pending(TP_MISALIGN), 2);
    alloc_pattern(got, 7);
    assert_string_equal(got, "nnnmmpp");
    assert_int_equal(test_pages_stats().faults, 5);
    assert_int_equal(test_pages_stats().faults_of[TP_NULL], 3);
    assert_int_equal(test_pages_stats().faults_of[TP_MISALIGN], 2);
}

static void refusals_and_duplicates(void **state)
{
    (void)state;
    void *a = test_pages_alloc(PAGE, PAGE);
    void *b = test_pages_alloc(PAGE, PAGE);
    test_pages_fault_next(0, TP_REFUSE, 1);
    assert_int_not_equal(test_pages_free(a, PAGE, PAGE), 0); /* refused: still live */
    assert_true(test_pages_is_live_page(a, PAGE));
    assert_int_equal(test_pages_free(a, PAGE, PAGE), 0);
    assert_false(test_pages_is_live_page(a, PAGE));

    test_pages_fault_next(1, TP_DUPLICATE, 1);
    void *again = test_pages_alloc(PAGE, PAGE);
    assert_ptr_equal(again, b); /* the latest live page of that size */
    assert_int_equal(test_pages_stats().live, 1);
    assert_int_equal(test_pages_stats().faults_of[TP_DUPLICATE], 1);
    assert_int_equal(test_pages_stats().faults_of[TP_REFUSE], 1);
    test_pages_fault_next(1, TP_DUPLICATE, 1);
    void *c = test_pages_alloc(2 * PAGE, 2 * PAGE); /* none of that size: a fresh page */
    assert_ptr_not_equal(c, b);
    assert_int_equal(test_pages_stats().duplicates_missed, 1);
    assert_int_equal(test_pages_stats().faults_of[TP_DUPLICATE], 1); /* a miss is no fault */
    assert_int_equal(test_pages_page_of((char *)c + 2 * PAGE - 1), 2 * PAGE);
    assert_int_equal(test_pages_page_of((char *)c + 2 * PAGE), 0);
    assert_int_equal(test_pages_free(b, PAGE, PAGE), 0);
    assert_int_equal(test_pages_free(c, 2 * PAGE, 2 * PAGE), 0);
}

/* mock_pages_setup quarantines and poisons: a write after the give-back is
 * found, and a page never given back is a leak. */
static void quarantine_and_leaks_are_found(void **state)
{
    (void)state;
    unsigned char *p = test_pages_alloc(PAGE, PAGE);
    unsigned char *q = test_pages_alloc(PAGE, PAGE);
    assert_int_equal(p[0], 0xCD); /* fresh fill of the mock's configuration */
    assert_int_equal(test_pages_free(p, PAGE, PAGE), 0);
    assert_true(test_pages_in_quarantine(p + 10));
    assert_int_equal(test_pages_check_quarantine(), 0);
    assert_int_equal(test_pages_free(q, PAGE, PAGE), 0);
    q[100] = 1; /* the write a library must never do */
    assert_int_equal(test_pages_check_quarantine(), 1);
    void *leak = test_pages_alloc(PAGE, PAGE);
    assert_non_null(leak);
    assert_int_equal(test_pages_release_all(), 1);
    assert_int_equal(test_pages_stats().live, 0);
}

/* Carved placement: small pages share a block of carve_block bytes, each
 * aligned to its own size; the block's base need not be a live page. */
static void carved_pages_share_a_block(void **state)
{
    (void)state;
    tp_config cfg = test_pages_config();
    cfg.carve_block = 4096;
    test_pages_configure(&cfg);
    unsigned char *a = test_pages_alloc(256, 256);
    unsigned char *b = test_pages_alloc(1024, 1024);
    unsigned char *c = test_pages_alloc(256, 256);
    uintptr_t block = (uintptr_t)a & ~(uintptr_t)4095;
    assert_int_equal((uintptr_t)b & ~(uintptr_t)4095, block);
    assert_int_equal((uintptr_t)c & ~(uintptr_t)4095, block);
    assert_int_equal((uintptr_t)b % 1024, 0);
    assert_ptr_equal(a, (unsigned char *)block); /* first fit */
    assert_ptr_equal(c, a + 256);
    assert_ptr_equal(b, a + 1024);
    assert_int_equal(test_pages_free(a, 256, 256), 0);
    assert_int_equal(test_pages_live_size((void *)block), 0); /* the base: no live page now */
    assert_int_equal(test_pages_page_of(b + 5), 1024);
    unsigned char *d = test_pages_alloc(4096, 4096); /* not below the block size: its own */
    assert_int_equal((uintptr_t)d % 4096, 0);
    assert_int_not_equal((uintptr_t)d, block);
    assert_int_equal(test_pages_free(b, 1024, 1024), 0);
    assert_int_equal(test_pages_free(c, 256, 256), 0);
    assert_int_equal(test_pages_free(d, 4096, 4096), 0);
    assert_int_equal(test_pages_check_quarantine(), 0); /* releases the carved pages too */
}

/* Padded placement: a page in a region of its own, the pad_below bytes
 * below its block filled with pad_byte; pages given back kept as they were
 * (hashed), at most quarantine_max of them; seq and state of each; a named
 * live page handed out again. */
static void padded_pages_and_a_kept_quarantine(void **state)
{
    (void)state;
    tp_config cfg = test_pages_config();
    cfg.pad_below = 4096;
    cfg.pad_byte = 0x5A;
    cfg.fresh_byte = 0;
    cfg.poison = 0;
    cfg.check_kept = 1;
    cfg.quarantine_max = 2;
    test_pages_configure(&cfg);
    unsigned char *a = test_pages_alloc(1024, 1024);
    unsigned char *b = test_pages_alloc(1024, 1024);
    uint64_t sa = test_pages_seq_of(a), sb = test_pages_seq_of(b);
    assert_int_equal(sb, sa + 1);
    /* consecutive small pages sit at consecutive slots of their blocks */
    assert_int_equal(((uintptr_t)b % 4096) / 1024, (((uintptr_t)a % 4096) / 1024 + 1) % 4);
    unsigned char *block = (unsigned char *)((uintptr_t)a & ~(uintptr_t)4095);
    assert_int_equal(block[-1], 0x5A);
    assert_int_equal(block[-4096], 0x5A);
    assert_true(test_pages_region_holds(block - 4096, 8192));
    assert_false(test_pages_region_holds(block - 4097, 1));
    assert_int_equal(a[1023], 0);
    assert_ptr_equal(test_pages_alloc_again(1024, 1024, b), b);
    assert_int_equal(test_pages_stats().faults_of[TP_DUPLICATE], 1);
    assert_int_equal(test_pages_state_of(sa), TPS_LIVE);

    a[5] = 7;
    assert_int_equal(test_pages_free(a, 1024, 1024), 0);
    assert_int_equal(test_pages_state_of(sa), TPS_KEPT);
    assert_int_equal(a[5], 7); /* not poisoned */
    a[6] = 1;                  /* a write after the give-back */
    test_pages_release_quarantined(0);
    assert_int_equal(test_pages_state_of(sa), TPS_GONE);
    assert_int_equal(test_pages_take_written(), 1);
    assert_int_equal(test_pages_take_written(), 0);

    unsigned char *c = test_pages_alloc(8192, 8192); /* larger than the pad: at the region's middle */
    assert_int_equal(c[-1], 0x5A);
    assert_int_equal(test_pages_free(b, 1024, 1024), 0);
    assert_int_equal(test_pages_free(c, 8192, 8192), 0);
    cfg.poison = 1;
    test_pages_configure(&cfg);
    unsigned char *d = test_pages_alloc(256, 256);
    uint64_t sd = test_pages_seq_of(d);
    assert_int_equal(test_pages_free(d, 256, 256), 0); /* the third: b leaves, checked */
    assert_int_equal(test_pages_state_of(sb), TPS_GONE);
    assert_int_equal(test_pages_state_of(sd), TPS_POISONED);
    assert_int_equal(test_pages_stats().quarantined, 2);
    assert_int_equal(test_pages_take_written(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SLAB_TEST(plans_hit_the_calls_they_name),
        SLAB_TEST(refusals_and_duplicates),
        SLAB_TEST(quarantine_and_leaks_are_found),
        SLAB_TEST(carved_pages_share_a_block),
        SLAB_TEST(padded_pages_and_a_kept_quarantine),
    };
    return cmocka_run_group_tests_name("the shared test page provider", tests, NULL, NULL);
}
