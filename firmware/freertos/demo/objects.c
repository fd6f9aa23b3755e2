/*
 * The demo's allocator objects and queues (see demo.h).
 *
 * The caches take the FreeRTOS lock through slab_cache_create_with_lock()
 * and slab_cache_create_ex(); the slots cache has its own page source of
 * one page and a FreeRTOS wait interface.
 * The heap takes no lock of its own: demo_heap_alloc/free hold the FreeRTOS
 * lock around each call, in tasks and in the interrupt alike.
 */
#include "demo.h"

#include "slab_freertos.h"
#include "static_pages.h"

slab_cache *demo_packets, *demo_events, *demo_slots;
slab_heap *demo_heap;
QueueHandle_t demo_packet_q, demo_event_q, demo_msg_q;

static StaticQueue_t packet_q_cb, event_q_cb, msg_q_cb;
static void *packet_q_buf[QUEUE_LEN], *event_q_buf[QUEUE_LEN], *msg_q_buf[QUEUE_LEN];

enum { EVENT_BYTES = 16, SLOT_BYTES = 64, SLOT_SLAB = 512 };

/* The slots cache's page source: the global pool, but one page at most. */
typedef struct {
    size_t held, budget;
} page_budget;
static page_budget slot_pages = {0, SLOT_SLAB};

static void *budget_alloc(void *ctx, size_t size, size_t align)
{
    page_budget *b = ctx;
    if (b->held + size > b->budget) {
        return NULL;
    }
    void *p = static_page_alloc(size, align);
    b->held += p != NULL ? size : 0;
    return p;
}

static int budget_free(void *ctx, void *page, size_t size, size_t align)
{
    page_budget *b = ctx;
    int r = static_page_free(page, size, align);
    b->held -= r == 0 ? size : 0;
    return r;
}

/* The source and the waiter are kept by pointer: static, as the cache. */
static const slab_page_source slot_source = {budget_alloc, budget_free, &slot_pages};
slab_freertos_waiter demo_slots_waiter;

static int create_caches(void)
{
    const slab_cache_config slots = {SLOT_BYTES, 0, SLOT_SLAB, 0, &slab_freertos_lock_ops, &slot_source};
    if (slab_cache_create_with_lock(&demo_packets, PACKET_BYTES, 0, 0, &slab_freertos_lock_ops) != SLAB_OK ||
        slab_cache_create_with_lock(&demo_events, EVENT_BYTES, 0, 0, &slab_freertos_lock_ops) != SLAB_OK ||
        slab_cache_create_ex(&demo_slots, &slots) != SLAB_OK ||
        slab_cache_set_wait(demo_slots, slab_freertos_waiter_init(&demo_slots_waiter)) != SLAB_OK) {
        return -1;
    }
    return 0;
}

int demo_objects_create(void)
{
    demo_packet_q = xQueueCreateStatic(QUEUE_LEN, sizeof(void *), (uint8_t *)packet_q_buf, &packet_q_cb);
    demo_event_q = xQueueCreateStatic(QUEUE_LEN, sizeof(void *), (uint8_t *)event_q_buf, &event_q_cb);
    demo_msg_q = xQueueCreateStatic(QUEUE_LEN, sizeof(void *), (uint8_t *)msg_q_buf, &msg_q_cb);
    if (create_caches() != 0 || slab_heap_create(&demo_heap, 0) != SLAB_OK) {
        return -1;
    }
    return 0;
}

int demo_objects_destroy(void)
{
    int bad = 0;
    bad |= slab_cache_destroy(demo_packets) != SLAB_OK;
    bad |= slab_cache_destroy(demo_events) != SLAB_OK;
    bad |= slab_cache_destroy(demo_slots) != SLAB_OK;
    bad |= slab_heap_destroy(demo_heap) != SLAB_OK;
    return bad ? -1 : 0;
}

void *demo_heap_alloc(size_t size)
{
    unsigned long token = slab_freertos_lock(NULL);
    void *p = slab_heap_alloc(demo_heap, size);
    slab_freertos_unlock(NULL, token);
    return p;
}

slab_status demo_heap_free(void *p)
{
    unsigned long token = slab_freertos_lock(NULL);
    slab_status s = slab_heap_free(p);
    slab_freertos_unlock(NULL, token);
    return s;
}
