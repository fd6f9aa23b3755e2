/*
 * The FreeRTOS demo (make run-freertos; docs/freertos.md): what its files
 * share. Every allocator object here is used from several tasks and from
 * the timer interrupt, through the FreeRTOS lock (hooks/freertos/).
 *
 *   packets   cache of fixed 64-byte packets: two producer tasks -> queue
 *             -> a consumer task, which checks and frees them
 *   events    cache of 16-byte events: allocated by the timer interrupt,
 *             sent with xQueueSendFromISR to a task that frees them (or
 *             freed in the interrupt itself when the queue is full)
 *   heap      libslab heap of variable-size messages (8..700 bytes): a task
 *             -> queue -> a task, which checks and frees them
 *   slots     cache over a page source of one page: a task takes every
 *             slot, another blocks in slab_alloc_wait() until it frees one
 *             (and once until its timeout)
 * A failed check anywhere counts in demo_failures and is named once; the
 * supervisor (main.c) prints every counter at the end and exits 0 only if
 * none failed and every page went back.
 */
#ifndef FW_FREERTOS_DEMO_H
#define FW_FREERTOS_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "FreeRTOS.h"
#include "queue.h"
#include "slab/heap.h"
#include "slab/slab.h"
#include "task.h"

/* Task priorities (configMAX_PRIORITIES 6; idle is 0). */
enum {
    PRIO_CONSUMER = 1,
    PRIO_PRODUCER = 2,
    PRIO_HOG = 3,
    PRIO_WAITER = 4,
    PRIO_SUPERVISOR = 5,
};

enum {
    PACKETS_PER_PRODUCER = 300,
    PACKET_BYTES = 64,
    HEAP_MESSAGES = 300,
    HEAP_MSG_MAX = 700,
    TIMER_EVENTS = 400,
    TIMER_RELOAD = 1249,  /* 50 us of 25 MHz (50000 instructions at shift=0) */
    TIMER_PRIO = 0x80,    /* >= configMAX_SYSCALL_INTERRUPT_PRIORITY */
    QUEUE_LEN = 8,
};

/* The allocator objects (objects.c). */
extern slab_cache *demo_packets, *demo_events, *demo_slots;
extern slab_heap *demo_heap;

/* The slots cache's FreeRTOS wait interface (hooks/freertos). */
#include "slab_freertos.h"
extern slab_freertos_waiter demo_slots_waiter;

/* Creates every cache, the heap and the queues; 0 on success. */
int demo_objects_create(void);
/* Destroys them all; 0 when every destroy returned SLAB_OK. */
int demo_objects_destroy(void);

/* The heap under the FreeRTOS lock (the heap's own lock is none). */
void *demo_heap_alloc(size_t size);
slab_status demo_heap_free(void *p);

/* Queues of pointers (objects.c). */
extern QueueHandle_t demo_packet_q, demo_event_q, demo_msg_q;

/* Tasks (workers.c, events.c, blocking.c); each notifies the supervisor
 * once when it is done, then deletes itself. Each returns the number of
 * tasks it started: the notifications the supervisor waits for. */
int demo_start_workers(TaskHandle_t supervisor);
int demo_start_events(TaskHandle_t supervisor); /* and the timer */
int demo_start_blocking(TaskHandle_t supervisor);
/* 1 when the blocking scenario ran as designed. */
int demo_blocking_ok(void);

/* Set while the slots cache has no free slot and no page (blocking.c):
 * the interrupt then checks that slab_alloc_wait() returns NULL at once. */
extern volatile int demo_slots_full;

/* The timer interrupt's counters (events.c). */
typedef struct {
    uint32_t fired;     /* interrupts taken */
    uint32_t sent;      /* events queued to the task */
    uint32_t freed_isr; /* events freed in the interrupt (queue full) */
    uint32_t no_slot;   /* slab_alloc() NULL in the interrupt */
    uint32_t wait_null; /* slab_alloc_wait() in the interrupt on the full
                           slots cache: NULL at once (never blocks) */
    uint32_t received;  /* events the task took from the queue and freed */
} demo_event_counts;
extern demo_event_counts demo_events_seen;

/* Counters of the tasks (workers.c, blocking.c). */
typedef struct {
    uint32_t packets_checked;
    uint32_t messages_checked;
    uint32_t message_bytes;
    uint32_t waited_ticks;   /* ticks the waiter spent blocked until the free */
    uint32_t woken;          /* slab_alloc_wait() calls that got a slot after waiting */
    uint32_t timed_out;      /* slab_alloc_wait() calls that returned SLAB_ETIMEDOUT */
    uint32_t timeout_ticks;  /* ticks that timed-out call took */
} demo_task_counts;
extern demo_task_counts demo_counts;

/* Records a failed check (first one named on the console at the end). */
void demo_fail(const char *what);
extern volatile uint32_t demo_failures;

#endif /* FW_FREERTOS_DEMO_H */
