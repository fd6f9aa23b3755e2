/*
 * The page hooks of the C test binaries, as CMocka mocks. See mock_pages.h
 * for what a test can script and what is checked on every call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mock_pages.h"
#include "slab/hooks.h"
#include "slab/slab.h"

struct mock_pages_state mock_pages;

/* Byte written over a block the library gave back; any other byte found there
 * at the end of the test was written by the library after the give-back. */
#define POISON 0xA5
/* Byte a fresh block is filled with before the library gets it. */
#define FRESH 0xCD

/* Every block ever handed out in the current test. A block is placed in a
 * region aligned to max(size, SLAB_DEFAULT_SLAB_SIZE): over-alignment is
 * allowed by the contract (a multiple of align), and it makes the 4096-mask
 * that slab_free() applies to an object of a small custom-size slab land on
 * that slab's own base, inside memory the mock owns, so reading it is safe. */
struct block {
    unsigned char *region; /* what aligned_alloc returned */
    size_t region_size;
    unsigned char *page; /* what the library got (region, or region + size/2) */
    size_t size;         /* as asked */
    int live;            /* 0: taken back, poisoned, kept until teardown */
};

#define MAX_BLOCKS 4096
static struct block blocks[MAX_BLOCKS];
static size_t nblocks;

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

static int is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

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

static void *hand_out(size_t size, int misalign)
{
    assert_true(nblocks < MAX_BLOCKS);
    size_t align = max_size(size, SLAB_DEFAULT_SLAB_SIZE);
    /* A misaligned block needs room for size bytes past the offset. */
    size_t region_size = misalign ? 2 * align : align;
    unsigned char *region = aligned_alloc(align, region_size);
    assert_non_null(region);
    /* Not zeros: the library must not rely on fresh pages being cleared, and
     * reads of never-written bytes (a masked header inside a big slab, see
     * slab_free) see defined values. */
    memset(region, FRESH, region_size);
    struct block *b = &blocks[nblocks++];
    b->region = region;
    b->region_size = region_size;
    b->page = misalign ? region + size / 2 : region;
    b->size = size;
    b->live = 1;
    mock_pages.live++;
    if (misalign) {
        mock_pages.misaligned++;
    } else {
        mock_pages.given++;
    }
    return b->page;
}

static struct block *find_page(const void *page)
{
    for (size_t i = 0; i < nblocks; i++) {
        if (blocks[i].page == page) {
            return &blocks[i];
        }
    }
    return NULL;
}

static struct block *find_containing(const void *p)
{
    const unsigned char *a = p;
    for (size_t i = 0; i < nblocks; i++) {
        if (a >= blocks[i].page && a < blocks[i].page + blocks[i].size) {
            return &blocks[i];
        }
    }
    return NULL;
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
    switch (action) {
    case MOCK_NULL:
        return NULL;
    case MOCK_MISALIGN:
        return hand_out(size, 1);
    default:
        return hand_out(size, 0);
    }
}

/* The program's secret (slab/hooks.h), defined by hand like the hooks. */
uintptr_t slab_secret;

int slab_page_free(void *page, size_t size, size_t align)
{
    mock_pages.free_calls++;
    mock_pages.last_freed = page;
    struct block *b = find_page(page);
    if (b == NULL || !b->live) {
        fail_msg("slab_page_free(%p): not a live block of this mock", page);
    }
    /* Same size and align as the block was asked with. */
    assert_int_equal(size, b->size);
    assert_int_equal(align, b->size);
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
    if (ret != MOCK_FREE_OK) {
        mock_pages.refused++;
        return ret;
    }
    b->live = 0;
    memset(b->region, POISON, b->region_size);
    mock_pages.live--;
    mock_pages.taken_back++;
    return 0;
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
    size_t n = 0;
    for (size_t i = 0; i < nblocks; i++) {
        if (blocks[i].live && blocks[i].page != blocks[i].region) {
            blocks[i].live = 0;
            memset(blocks[i].region, POISON, blocks[i].region_size);
            n++;
        }
    }
    mock_pages.live -= n;
    return n;
}

int mock_is_live(const void *p)
{
    const struct block *b = find_containing(p);
    return b != NULL && b->live;
}

int mock_is_quarantined(const void *p)
{
    const struct block *b = find_containing(p);
    return b != NULL && !b->live;
}

int mock_pages_setup(void **state)
{
    (void)state;
    memset(&mock_pages, 0, sizeof mock_pages);
    nblocks = 0;
    return 0;
}

/* Releases every block (so a failed test leaks nothing into the next one),
 * then reports what the test left wrong. */
int mock_pages_teardown(void **state)
{
    (void)state;
    size_t live = 0, written = 0;
    for (size_t i = 0; i < nblocks; i++) {
        if (blocks[i].live) {
            live++;
        } else {
            for (size_t k = 0; k < blocks[i].region_size; k++) {
                if (blocks[i].region[k] != POISON) {
                    written++;
                    break;
                }
            }
        }
        free(blocks[i].region);
    }
    nblocks = 0;
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
