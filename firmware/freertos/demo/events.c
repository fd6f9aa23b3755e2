/*
 * The timer interrupt and its task (see demo.h). CMSDK timer 0 fires every
 * TIMER_RELOAD + 1 ticks at NVIC priority TIMER_PRIO, which FreeRTOS allows
 * to call ...FromISR() functions. Each interrupt:
 *   - allocates an event from the events cache and queues it to the events
 *     task (xQueueSendFromISR); when the queue is full, frees it at once;
 *   - allocates and frees a scratch block of the heap (a varying size);
 *   - while the slots cache is full, calls slab_alloc_wait() on it, which
 *     must return NULL at once (an interrupt never waits).
 * Every cache and the heap are also used by tasks at the same time: the
 * FreeRTOS lock's ISR path (taskENTER_CRITICAL_FROM_ISR) guards them.
 * After TIMER_EVENTS interrupts the timer stops and the task is told.
 */
#include "demo.h"

#include "cmsdk_timer.h"

enum { EVENT_MAGIC = 0x45564E54u, STACK_WORDS = 256, TIMER = 0 };

typedef struct {
    uint32_t magic;
    uint32_t seq;
    uint32_t tick;
    uint32_t check; /* magic ^ seq ^ tick */
} event;

demo_event_counts demo_events_seen;
static TaskHandle_t supervisor_task, event_task;
static volatile int timer_done;

static void scratch(uint32_t n)
{
    uint32_t size = 16u + (n * 13u) % 300u;
    uint8_t *s = demo_heap_alloc(size);
    if (s == NULL) {
        demo_fail("slab_heap_alloc in the interrupt");
        return;
    }
    for (uint32_t i = 0; i < size; i++) {
        s[i] = (uint8_t)i;
    }
    if (demo_heap_free(s) != SLAB_OK) {
        demo_fail("slab_heap_free in the interrupt");
    }
}

static void try_full_slots(void)
{
    if (!demo_slots_full) {
        return;
    }
    slab_status st = SLAB_OK;
    void *p = slab_alloc_wait_status(demo_slots, 100, &st);
    if (p != NULL) {
        demo_fail("slab_alloc_wait in the interrupt found a slot in a full cache");
        if (slab_free(p) != SLAB_OK) { /* (512-byte slabs: slab_free finds them) */
            demo_fail("slab_free of a slot of the 512-byte cache refused");
        }
    } else if (st == SLAB_ETIMEDOUT) {
        demo_fail("slab_alloc_wait in the interrupt waited");
    } else {
        demo_events_seen.wait_null++;
    }
}

void Timer0_IRQHandler(void)
{
    cmsdk_timer_ack(TIMER);
    BaseType_t woken = pdFALSE;
    uint32_t n = ++demo_events_seen.fired;
    event *e = slab_alloc(demo_events);
    if (e == NULL) {
        demo_events_seen.no_slot++;
    } else {
        e->magic = EVENT_MAGIC;
        e->seq = n;
        e->tick = xTaskGetTickCountFromISR();
        e->check = e->magic ^ e->seq ^ e->tick;
        if (xQueueSendFromISR(demo_event_q, &e, &woken) == pdTRUE) {
            demo_events_seen.sent++;
        } else if (slab_free(e) == SLAB_OK) {
            demo_events_seen.freed_isr++;
        } else {
            demo_fail("slab_free(event) in the interrupt");
        }
    }
    scratch(n);
    try_full_slots();
    if (n == TIMER_EVENTS) {
        cmsdk_timer_stop(TIMER);
        timer_done = 1;
        vTaskNotifyGiveFromISR(event_task, &woken);
    }
    portYIELD_FROM_ISR(woken);
}

/* Frees every event it receives, in order; ends once the timer is done
 * and the queue is empty. */
static void event_consumer(void *arg)
{
    (void)arg;
    uint32_t last = 0;
    for (;;) {
        event *e;
        if (xQueueReceive(demo_event_q, &e, 0) != pdTRUE) {
            if (timer_done) {
                break;
            }
            (void)ulTaskNotifyTake(pdTRUE, 1); /* a tick, or the timer's end */
            continue;
        }
        if (e->magic != EVENT_MAGIC || e->check != (e->magic ^ e->seq ^ e->tick) || e->seq <= last) {
            demo_fail("an event arrived damaged or out of order");
        }
        last = e->seq;
        if (slab_free(e) != SLAB_OK) {
            demo_fail("slab_free(event) in a task");
        }
        demo_events_seen.received++;
    }
    xTaskNotifyGive(supervisor_task);
    vTaskDelete(NULL);
}

int demo_start_events(TaskHandle_t supervisor)
{
    static StaticTask_t tcb;
    static StackType_t stack[STACK_WORDS];
    supervisor_task = supervisor;
    event_task = xTaskCreateStatic(event_consumer, "events", STACK_WORDS, NULL, PRIO_CONSUMER, stack, &tcb);
    cmsdk_timer_start(TIMER, TIMER_RELOAD, TIMER_PRIO);
    return 1;
}
