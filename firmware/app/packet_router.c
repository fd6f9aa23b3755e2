/*
 * Example firmware (make run): a packet router on a heap-less Cortex-M3.
 *
 * Three caches, three object types of a network stack:
 *   packets     256-byte buffers (header + payload), the bulk of the memory
 *   messages    queue entries that carry a packet between stages
 *   sessions    per-flow state, created on a flow's first packet and
 *               expired when the flow has been quiet for a while
 * Each round, "RX" receives a burst of packets (a message each) and queues
 * them; "the worker" takes messages in order, checks and forwards (frees)
 * the packet, and touches or opens the flow's session; idle sessions expire.
 * Burst sizes vary, so the caches grow and give slabs back.
 *
 * Every packet's payload is checked against its sequence number before it is
 * freed, every cache is validated (slab_cache_validate) every 64 rounds, and
 * at the end every object and every page must be back. Exit status 0 only if
 * every check held.
 */
#include <stdint.h>

#include "console.h"
#include "slab/slab.h"
#include "static_pages.h"

#define ROUNDS 3000u
#define QUEUE_CAP 256u
#define FLOWS 64u
#define SESSION_IDLE_ROUNDS 40u

typedef struct {
    uint32_t seq;
    uint16_t flow;
    uint16_t len;
    uint8_t payload[248];
} packet;

typedef struct message {
    packet *pkt;
    uint32_t enqueued_round;
    struct message *next;
} message;

typedef struct {
    uint32_t flow;
    uint32_t packets;
    uint32_t bytes;
    uint32_t last_round;
    uint8_t state[32];
} session;

static slab_cache *packets, *messages, *sessions;
static message *queue_head, *queue_tail;
static uint32_t queued;
static session *flow_table[FLOWS];
static uint32_t failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        con_str("FAILED: ");
        con_str(what);
        con_str("\n");
    }
}

/* xorshift32: the same traffic on every run. */
static uint32_t rng = 0x2545F491u;
static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint8_t payload_byte(uint32_t seq, uint32_t i) { return (uint8_t)(seq * 31u + i); }

static void receive(uint32_t round, uint32_t *seq)
{
    uint32_t burst = next_random() % 48u;
    for (uint32_t i = 0; i < burst && queued < QUEUE_CAP; i++) {
        packet *p = slab_alloc(packets);
        message *m = slab_alloc(messages);
        check(p != NULL && m != NULL, "rx alloc");
        if (p == NULL || m == NULL) {
            if (p != NULL) check(slab_free(p) == SLAB_OK, "rx unwind packet");
            if (m != NULL) check(slab_free(m) == SLAB_OK, "rx unwind message");
            return;
        }
        p->seq = (*seq)++;
        p->flow = (uint16_t)(next_random() % FLOWS);
        p->len = (uint16_t)(16u + next_random() % 232u);
        for (uint32_t b = 0; b < p->len; b++) {
            p->payload[b] = payload_byte(p->seq, b);
        }
        m->pkt = p;
        m->enqueued_round = round;
        m->next = NULL;
        if (queue_tail != NULL) {
            queue_tail->next = m;
        } else {
            queue_head = m;
        }
        queue_tail = m;
        queued++;
    }
}

static void account(const packet *p, uint32_t round)
{
    session *s = flow_table[p->flow];
    if (s == NULL) {
        s = slab_alloc(sessions);
        check(s != NULL, "session alloc");
        if (s == NULL) return;
        s->flow = p->flow;
        s->packets = 0;
        s->bytes = 0;
        flow_table[p->flow] = s;
    }
    check(s->flow == p->flow, "session belongs to its flow");
    s->packets++;
    s->bytes += p->len;
    s->last_round = round;
}

static void work(uint32_t round)
{
    uint32_t budget = 1u + next_random() % 44u;
    while (budget-- != 0 && queue_head != NULL) {
        message *m = queue_head;
        queue_head = m->next;
        if (queue_head == NULL) queue_tail = NULL;
        queued--;
        packet *p = m->pkt;
        int intact = 1;
        for (uint32_t b = 0; b < p->len; b++) {
            intact &= p->payload[b] == payload_byte(p->seq, b);
        }
        check(intact, "payload intact");
        check(m->enqueued_round <= round, "message order");
        account(p, round);
        check(slab_free(p) == SLAB_OK, "forward packet");
        check(slab_free(m) == SLAB_OK, "free message");
    }
}

static void expire(uint32_t round, int all)
{
    for (uint32_t f = 0; f < FLOWS; f++) {
        session *s = flow_table[f];
        if (s != NULL && (all || round - s->last_round > SESSION_IDLE_ROUNDS)) {
            check(slab_cache_free(sessions, s) == SLAB_OK, "expire session");
            flow_table[f] = NULL;
        }
    }
}

static void print_stats(const char *name, slab_cache *c)
{
    slab_stats s;
    check(slab_cache_stats(c, &s) == SLAB_OK, "stats");
    con_str("  ");
    con_str(name);
    con_str(": obj ");
    con_uint(s.obj_size);
    con_str(" B in ");
    con_uint(s.slot_size);
    con_str(" B slots, ");
    con_uint(s.objs_per_slab);
    con_str("/slab (");
    con_uint(s.objs_in_master);
    con_str(" in master); live ");
    con_uint(s.objs_in_use);
    con_str(", peak ");
    con_uint(s.objs_peak);
    con_str("; slabs ");
    con_uint(s.slabs_in_use);
    con_str(", peak ");
    con_uint(s.slabs_peak);
    con_str("; pages taken ");
    con_uint(s.pages_taken);
    con_str(", given ");
    con_uint(s.pages_given);
    con_str("; hook failures ");
    con_uint(s.hook_failures);
    con_str("\n");
    check(s.hook_failures == 0, "no hook failure");
    check(s.pages_taken - s.pages_given == s.slabs_in_use, "pages taken - given == slabs");
}

int main(void)
{
    static_pages_stats pool0, pool1;
    static_pages_get_stats(&pool0);
    con_str("libslab packet router on QEMU mps2-an385 (Cortex-M3): page pool ");
    con_uint(pool0.pool_bytes);
    con_str(" B\n");
    check(slab_cache_create(&packets, sizeof(packet), _Alignof(packet), 0, 0) == SLAB_OK, "create packets");
    check(slab_cache_create(&messages, sizeof(message), _Alignof(message), 0, 0) == SLAB_OK, "create messages");
    check(slab_cache_create(&sessions, sizeof(session), _Alignof(session), 0, 0) == SLAB_OK, "create sessions");
    if (failures != 0) return 1;

    uint32_t seq = 0;
    for (uint32_t round = 0; round < ROUNDS; round++) {
        receive(round, &seq);
        work(round);
        if (round % 8u == 0) expire(round, 0);
        if (round % 64u == 0) {
            check(slab_cache_validate(packets) == SLAB_OK, "validate packets");
            check(slab_cache_validate(messages) == SLAB_OK, "validate messages");
            check(slab_cache_validate(sessions) == SLAB_OK, "validate sessions");
            slab_stats s;
            slab_cache_stats(packets, &s);
            check(s.objs_in_use == queued, "live packets == queued");
        }
    }
    con_str("after ");
    con_uint(ROUNDS);
    con_str(" rounds: ");
    con_uint(seq);
    con_str(" packets routed, ");
    con_uint(queued);
    con_str(" still queued\n");
    print_stats("packets ", packets);
    print_stats("messages", messages);
    print_stats("sessions", sessions);

    if (queued != 0) {
        check(slab_cache_destroy(packets) == SLAB_EBUSY, "destroy refused while packets are queued");
    }
    while (queue_head != NULL) work(ROUNDS);
    expire(ROUNDS, 1);
    check(slab_cache_destroy(packets) == SLAB_OK, "destroy packets");
    check(slab_cache_destroy(messages) == SLAB_OK, "destroy messages");
    check(slab_cache_destroy(sessions) == SLAB_OK, "destroy sessions");
    static_pages_get_stats(&pool1);
    con_str("page pool: ");
    con_uint(pool1.allocs);
    con_str(" pages taken, ");
    con_uint(pool1.frees);
    con_str(" given back; free ");
    con_uint(pool1.free_bytes);
    con_str(" of ");
    con_uint(pool1.pool_bytes);
    con_str(" B\n");
    check(pool1.free_bytes == pool0.free_bytes && pool1.allocs == pool1.frees, "every page back in the pool");
    con_str(failures == 0 ? "OK: every packet checked, every cache valid, every page back\n" : "FAILED\n");
    return failures == 0 ? 0 : 1;
}
