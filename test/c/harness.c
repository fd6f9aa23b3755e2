/* Shared checks of the C API suites; see harness.h. */
#include "harness.h"

#define EQ(a, b) _assert_int_equal((LargestIntegralType)(a), (LargestIntegralType)(b), file, line)

void assert_valid_at(const slab_cache *c, const char *file, int line)
{
    EQ(slab_cache_check(c), SLAB_OK);
    EQ(slab_cache_validate(c), SLAB_OK);
}

slab_stats stats_at(const slab_cache *c, const char *file, int line)
{
    slab_stats st;
    EQ(slab_cache_stats(c, &st), SLAB_OK);
    return st;
}

void snap_at(const slab_cache *c, snapshot *s, const char *file, int line)
{
    assert_valid_at(c, file, line);
    s->st = stats_at(c, file, line);
    s->live = mock_pages.live;
    s->alloc_calls = mock_pages.alloc_calls;
    s->free_calls = mock_pages.free_calls;
}

void assert_stats_equal_at(const slab_stats *a, const slab_stats *b, const char *file, int line)
{
    EQ(a->obj_size, b->obj_size);
    EQ(a->slot_size, b->slot_size);
    EQ(a->slab_size, b->slab_size);
    EQ(a->objs_per_slab, b->objs_per_slab);
    EQ(a->objs_in_master, b->objs_in_master);
    EQ(a->objs_in_use, b->objs_in_use);
    EQ(a->objs_peak, b->objs_peak);
    EQ(a->slabs_in_use, b->slabs_in_use);
    EQ(a->slabs_peak, b->slabs_peak);
    EQ(a->pages_taken, b->pages_taken);
    EQ(a->pages_given, b->pages_given);
    EQ(a->hook_failures, b->hook_failures);
}

void assert_unchanged_at(const slab_cache *c, const snapshot *before, const char *file, int line)
{
    assert_valid_at(c, file, line);
    slab_stats now = stats_at(c, file, line);
    assert_stats_equal_at(&now, &before->st, file, line);
    EQ(mock_pages.live, before->live);
    /* The stats say how many pages the cache holds; the mock agrees. */
    EQ(now.pages_taken - now.pages_given, now.slabs_in_use);
}

slab_cache *make_cache_at(size_t obj_size, size_t obj_align, size_t slab_size, unsigned flags,
                          const char *file, int line)
{
    slab_cache *c = NULL;
    EQ(slab_cache_create(&c, obj_size, obj_align, slab_size, flags), SLAB_OK);
    _assert_true((LargestIntegralType)(c != NULL), "c != NULL", file, line);
    assert_valid_at(c, file, line);
    return c;
}

void destroy_at(slab_cache *c, const char *file, int line)
{
    assert_valid_at(c, file, line);
    EQ(slab_cache_destroy(c), SLAB_OK);
}
