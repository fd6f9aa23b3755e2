/*
 * The compared allocators (see allocators.h):
 *   heap_4         pvPortMalloc / vPortFree of FreeRTOS's heap_4.c, built
 *                  unmodified; its own lock is vTaskSuspendAll() /
 *                  xTaskResumeAll() (scheduler suspension: not usable from
 *                  an interrupt)
 *   slab cache     slab_alloc / slab_free on a cache of 32-byte objects,
 *                  with the FreeRTOS lock of hooks/freertos
 *                  (taskENTER_CRITICAL through slab_lock_ops); and for
 *                  reference the built-in SLAB_LOCK_BASEPRI(0x40), which
 *                  masks what that critical section masks, inline
 *   slab heap      slab_heap_alloc / slab_heap_free under the same FreeRTOS
 *                  lock, held by the wrapper (the heap itself has no lock)
 * Every call below is what the bench times, the wrapper's own instructions
 * included: what a program calling through it pays.
 */
#include "allocators.h"

#include "FreeRTOS.h"
#include "slab/heap.h"
#include "slab/slab.h"
#include "slab_freertos.h"
#include "task.h"

enum { FIXED = 32 };

static slab_cache *cache_rtos, *cache_basepri;
static slab_heap *heap;

static uintptr_t heap4_alloc(uintptr_t arg, uintptr_t size)
{
    (void)arg;
    return (uintptr_t)pvPortMalloc((size_t)size);
}
static uintptr_t heap4_free(uintptr_t arg, uintptr_t p)
{
    (void)arg;
    vPortFree((void *)p);
    return 0;
}

static uintptr_t cache_alloc(uintptr_t cache, uintptr_t size)
{
    (void)size;
    return (uintptr_t)slab_alloc((slab_cache *)cache);
}
static uintptr_t cache_free(uintptr_t cache, uintptr_t p)
{
    (void)cache;
    return (uintptr_t)slab_free((void *)p);
}

static uintptr_t heap_alloc_locked(uintptr_t h, uintptr_t size)
{
    unsigned long token = slab_freertos_lock(NULL);
    void *p = slab_heap_alloc((slab_heap *)h, (size_t)size);
    slab_freertos_unlock(NULL, token);
    return (uintptr_t)p;
}
static uintptr_t heap_free_locked(uintptr_t h, uintptr_t p)
{
    (void)h;
    unsigned long token = slab_freertos_lock(NULL);
    slab_status st = slab_heap_free((void *)p);
    slab_freertos_unlock(NULL, token);
    return (uintptr_t)st;
}

#define FN(f) ((counter_fn)(void (*)(void))(f))

int bench_allocators(bench_allocator *out, int max)
{
    if (max < 4 || slab_cache_create_with_lock(&cache_rtos, FIXED, 0, 0, &slab_freertos_lock_ops) != SLAB_OK ||
        slab_cache_create(&cache_basepri, FIXED, 0, 0, SLAB_LOCK_BASEPRI(configMAX_SYSCALL_INTERRUPT_PRIORITY)) !=
            SLAB_OK ||
        slab_heap_create(&heap, 0) != SLAB_OK) {
        return 0;
    }
    out[0] = (bench_allocator){"heap_4", "vTaskSuspendAll (its own)", FN(heap4_alloc), FN(heap4_free), 0, 0};
    out[1] = (bench_allocator){"libslab heap", "FreeRTOS critical section", FN(heap_alloc_locked),
                               FN(heap_free_locked), (uintptr_t)heap, 0};
    out[2] = (bench_allocator){"libslab cache 32 B", "FreeRTOS critical section (slab_lock_ops)", FN(cache_alloc),
                               FN(cache_free), (uintptr_t)cache_rtos, FIXED};
    out[3] = (bench_allocator){"libslab cache 32 B", "SLAB_LOCK_BASEPRI(0x40), built in", FN(cache_alloc),
                               FN(cache_free), (uintptr_t)cache_basepri, FIXED};
    return 4;
}

int bench_allocators_destroy(void)
{
    int bad = slab_cache_destroy(cache_rtos) != SLAB_OK;
    bad |= slab_cache_destroy(cache_basepri) != SLAB_OK;
    bad |= slab_heap_destroy(heap) != SLAB_OK;
    return bad ? -1 : 0;
}
