/*
 * Producers and consumers (see demo.h): two tasks make packets from the
 * packets cache and a third makes variable-size messages from the heap;
 * they go through queues to two consumer tasks that check every byte and
 * free them. Producers sleep a tick every PAUSE_EVERY items, so the timer
 * interrupt (events.c) lands between, and inside, their allocations.
 * The end of a stream is a NULL pointer on its queue.
 */
#include "demo.h"

enum { PAUSE_EVERY = 10, PACKET_DATA = PACKET_BYTES - 12, PRODUCERS = 2, STACK_WORDS = 256 };

typedef struct {
    uint32_t seq;
    uint32_t producer;
    uint32_t sum;
    uint8_t data[PACKET_DATA];
} packet;
_Static_assert(sizeof(packet) == PACKET_BYTES, "a packet fills its slot");

typedef struct {
    uint32_t size; /* bytes asked, header included */
    uint32_t seq;
    uint8_t data[]; /* size - 8 bytes of pattern */
} message;

static TaskHandle_t supervisor_task;
static StaticTask_t tcbs[4];
static StackType_t stacks[4][STACK_WORDS];

static uint8_t pattern(uint32_t seq, uint32_t salt, uint32_t i)
{
    return (uint8_t)(seq * 7u + salt * 31u + i);
}

static void send(QueueHandle_t q, void *p)
{
    if (xQueueSend(q, &p, portMAX_DELAY) != pdTRUE) {
        demo_fail("xQueueSend");
    }
}

static void producer(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    for (uint32_t seq = 0; seq < PACKETS_PER_PRODUCER; seq++) {
        packet *p = slab_alloc(demo_packets);
        if (p == NULL) {
            demo_fail("slab_alloc(packets) in a task");
            break;
        }
        p->seq = seq;
        p->producer = id;
        p->sum = 0;
        for (uint32_t i = 0; i < PACKET_DATA; i++) {
            p->data[i] = pattern(seq, id, i);
            p->sum += p->data[i];
        }
        send(demo_packet_q, p);
        if (seq % PAUSE_EVERY == PAUSE_EVERY - 1) {
            vTaskDelay(1);
        }
    }
    send(demo_packet_q, NULL);
    xTaskNotifyGive(supervisor_task);
    vTaskDelete(NULL);
}

/* Packets of each producer arrive in order, intact; every one is freed. */
static void packet_consumer(void *arg)
{
    (void)arg;
    uint32_t next[PRODUCERS] = {0, 0};
    for (int ended = 0; ended < PRODUCERS;) {
        packet *p;
        if (xQueueReceive(demo_packet_q, &p, portMAX_DELAY) != pdTRUE || p == NULL) {
            ended++;
            continue;
        }
        uint32_t sum = 0;
        int ok = p->producer < PRODUCERS && p->seq == next[p->producer];
        for (uint32_t i = 0; ok && i < PACKET_DATA; i++) {
            ok = p->data[i] == pattern(p->seq, p->producer, i);
            sum += p->data[i];
        }
        if (!ok || sum != p->sum) {
            demo_fail("a packet arrived damaged or out of order");
        } else {
            next[p->producer]++;
            demo_counts.packets_checked++;
        }
        if (slab_free(p) != SLAB_OK) {
            demo_fail("slab_free(packet)");
        }
    }
    xTaskNotifyGive(supervisor_task);
    vTaskDelete(NULL);
}

static uint32_t message_size(uint32_t seq)
{
    return 8u + (seq * 37u) % (HEAP_MSG_MAX - 8u);
}

static void message_producer(void *arg)
{
    (void)arg;
    for (uint32_t seq = 0; seq < HEAP_MESSAGES; seq++) {
        uint32_t size = message_size(seq);
        message *m = demo_heap_alloc(size);
        if (m == NULL) {
            demo_fail("slab_heap_alloc in a task");
            break;
        }
        m->size = size;
        m->seq = seq;
        for (uint32_t i = 0; i < size - 8u; i++) {
            m->data[i] = pattern(seq, size, i);
        }
        send(demo_msg_q, m);
        if (seq % PAUSE_EVERY == PAUSE_EVERY - 1) {
            vTaskDelay(1);
        }
    }
    send(demo_msg_q, NULL);
    xTaskNotifyGive(supervisor_task);
    vTaskDelete(NULL);
}

static void message_consumer(void *arg)
{
    (void)arg;
    for (uint32_t seq = 0;; seq++) {
        message *m;
        if (xQueueReceive(demo_msg_q, &m, portMAX_DELAY) != pdTRUE || m == NULL) {
            break;
        }
        int ok = m->seq == seq && m->size == message_size(seq) && slab_heap_usable_size(m) >= m->size;
        for (uint32_t i = 0; ok && i < m->size - 8u; i++) {
            ok = m->data[i] == pattern(seq, m->size, i);
        }
        if (!ok) {
            demo_fail("a heap message arrived damaged or out of order");
        } else {
            demo_counts.messages_checked++;
            demo_counts.message_bytes += m->size;
        }
        if (demo_heap_free(m) != SLAB_OK) {
            demo_fail("slab_heap_free(message)");
        }
    }
    xTaskNotifyGive(supervisor_task);
    vTaskDelete(NULL);
}

int demo_start_workers(TaskHandle_t supervisor)
{
    supervisor_task = supervisor;
    xTaskCreateStatic(packet_consumer, "pcons", STACK_WORDS, NULL, PRIO_CONSUMER, stacks[0], &tcbs[0]);
    xTaskCreateStatic(message_consumer, "mcons", STACK_WORDS, NULL, PRIO_CONSUMER, stacks[1], &tcbs[1]);
    xTaskCreateStatic(producer, "prod0", STACK_WORDS, (void *)0, PRIO_PRODUCER, stacks[2], &tcbs[2]);
    xTaskCreateStatic(producer, "prod1", STACK_WORDS, (void *)1, PRIO_PRODUCER, stacks[3], &tcbs[3]);
    static StaticTask_t mprod_tcb;
    static StackType_t mprod_stack[STACK_WORDS];
    xTaskCreateStatic(message_producer, "mprod", STACK_WORDS, NULL, PRIO_PRODUCER, mprod_stack, &mprod_tcb);
    return 5;
}
