/* Cache geometry and the argument errors of slab_cache_create(). */
#include <stdint.h>

#include "runner.h"
#include "slab/slab.h"

/* The slab header is at least 4 pointers and at most 64 bytes on 32-bit
 * targets; the slots and their slot-map entries (one or two bytes each) fill
 * the rest with less than one slot of padding. */
static void expect_packed(const slab_stats *s)
{
    EXPECT(s->slot_size >= s->obj_size);
    EXPECT(s->objs_per_slab * (s->slot_size + 1u) <= s->slab_size - 4u * sizeof(void *));
    EXPECT((s->objs_per_slab + 1u) * (s->slot_size + 2u) > s->slab_size - 64u);
    EXPECT(s->objs_in_master >= 1u && s->objs_in_master <= s->objs_per_slab);
}

void test_geometry(void)
{
    slab_cache *c = NULL;
    slab_stats s;

    EXPECT(slab_cache_create(&c, 24, 8, 0, 0) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK);
    EXPECT(s.obj_size == 24u && s.slot_size == 24u && s.slab_size == SLAB_DEFAULT_SLAB_SIZE);
    expect_packed(&s);
    EXPECT(s.slabs_in_use == 1u && s.pages_taken == 1u && s.objs_in_use == 0u);
    EXPECT(slab_cache_validate(c) == SLAB_OK && slab_cache_check(c) == SLAB_OK);
    EXPECT(slab_cache_destroy(c) == SLAB_OK);

    /* Tiny objects get a slot of at least a pointer. */
    EXPECT(slab_cache_create(&c, 1, 1, 512, 0) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK);
    EXPECT(s.slot_size == sizeof(void *) && s.slab_size == 512u);
    expect_packed(&s);
    EXPECT(slab_cache_destroy(c) == SLAB_OK);

    /* Over-aligned objects: every slot on a 64-byte boundary. */
    EXPECT(slab_cache_create(&c, 40, 64, 1024, 0) == SLAB_OK);
    EXPECT(slab_cache_stats(c, &s) == SLAB_OK);
    EXPECT(s.slot_size == 64u);
    void *p = slab_alloc(c), *q = slab_alloc(c);
    EXPECT(p != NULL && q != NULL && ((uintptr_t)p & 63u) == 0 && ((uintptr_t)q & 63u) == 0);
    EXPECT(slab_cache_free(c, p) == SLAB_OK && slab_cache_free(c, q) == SLAB_OK);
    EXPECT(slab_cache_destroy(c) == SLAB_OK);

    /* Errors: nothing created, *out untouched, no page kept (the runner
     * checks the pool after the test). */
    slab_cache *untouched = (slab_cache *)0x1234;
    c = untouched;
    EXPECT(slab_cache_create(NULL, 16, 0, 0, 0) == SLAB_EINVAL);
    EXPECT(slab_cache_create(&c, 0, 0, 0, 0) == SLAB_EINVAL);
    EXPECT(slab_cache_create(&c, 16, 3, 0, 0) == SLAB_EALIGN);
    EXPECT(slab_cache_create(&c, 16, 0, 1000, 0) == SLAB_ESLABSIZE);
    EXPECT(slab_cache_create(&c, 16, 0, 128, 0) == SLAB_ESLABSIZE);
    EXPECT(slab_cache_create(&c, 4096, 0, 0, 0) == SLAB_ETOOBIG);
    EXPECT(slab_cache_create(&c, 16, 4096, 0, 0) == SLAB_ETOOBIG);
    EXPECT(slab_cache_create(&c, 16, 0, 0, SLAB_LOCK_SPIN_BIT_ | SLAB_LOCK_IRQ) == SLAB_EINVAL);
    EXPECT(slab_cache_create(&c, 16, 0, 0, 0x80u) == SLAB_EINVAL);
    EXPECT(c == untouched);
}
