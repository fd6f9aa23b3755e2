/*
 * make test-cmake (tcm-freertos-kernel): firmware code on slab::freertos, a
 * cache under the FreeRTOS lock that waits on a FreeRTOS semaphore, built
 * into a static library against the Cortex-M kernel's headers (no firmware
 * is linked: firmware/freertos/ runs the adapter on QEMU).
 */
#include "slab_freertos.h"

slab_status app_make_cache(slab_cache **out);

static slab_freertos_waiter waiter;

slab_status app_make_cache(slab_cache **out)
{
    slab_status s = slab_cache_create_with_lock(out, 64, 0, 0, &slab_freertos_lock_ops);
    if (s != SLAB_OK) {
        return s;
    }
    return slab_cache_set_wait(*out, slab_freertos_waiter_init(&waiter));
}
