/* The C API under measurement: slab_alloc(cache) and slab_free(obj) are
 * called directly by the counter's window, so the figures are the library's
 * functions and nothing else. */
#include "api.h"

static slab_cache *cache;

static slab_status create_nolock(void) { return slab_cache_create(&cache, BENCH_OBJ_SIZE, 0, 0, 0); }
static slab_status create_irq(void) { return slab_cache_create(&cache, BENCH_OBJ_SIZE, 0, 0, SLAB_LOCK_IRQ); }
static slab_status create_basepri(void)
{
    return slab_cache_create(&cache, BENCH_OBJ_SIZE, 0, 0, SLAB_LOCK_BASEPRI(0x40));
}

/* A program's lock (slab_lock_ops) doing what SLAB_LOCK_IRQ does: the price
 * of the two indirect calls. */
static unsigned long ops_lock(void *ctx)
{
    (void)ctx;
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}
static void ops_unlock(void *ctx, unsigned long primask)
{
    (void)ctx;
    __asm__ volatile("msr primask, %0" ::"r"((uint32_t)primask) : "memory");
}
static const slab_lock_ops primask_ops = {ops_lock, ops_unlock, 0};
static slab_status create_ops(void) { return slab_cache_create_with_lock(&cache, BENCH_OBJ_SIZE, 0, 0, &primask_ops); }

static slab_status destroy(void) { return slab_cache_destroy(cache); }
static slab_cache *raw(void) { return cache; }
static uintptr_t alloc_arg(void) { return (uintptr_t)cache; }

const bench_api bench_c_nolock = {
    "C", "none", create_nolock, destroy, raw, (counter_fn)slab_alloc, alloc_arg, (counter_fn)slab_free, 1,
};
const bench_api bench_c_irq = {
    "C", "irq", create_irq, destroy, raw, (counter_fn)slab_alloc, alloc_arg, (counter_fn)slab_free, 1,
};
const bench_api bench_c_basepri = {
    "C", "basepri", create_basepri, destroy, raw, (counter_fn)slab_alloc, alloc_arg, (counter_fn)slab_free, 1,
};
const bench_api bench_c_ops = {
    "C", "lock_ops", create_ops, destroy, raw, (counter_fn)slab_alloc, alloc_arg, (counter_fn)slab_free, 1,
};
