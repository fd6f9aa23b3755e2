/*
 * The test page provider's configuration, plans, counters, queries and
 * clean-up (see test_pages.h); the hook paths are in test_pages.c. Both
 * share the provider's state through test_pages_state.h.
 */
#include <stdlib.h>
#include <string.h>

#include "test_pages_state.h"

void test_pages_configure(const tp_config *c)
{
    pthread_mutex_lock(&tp_mu);
    tp_cfg = *c;
    pthread_mutex_unlock(&tp_mu);
}

tp_config test_pages_config(void)
{
    pthread_mutex_lock(&tp_mu);
    tp_config c = tp_cfg;
    pthread_mutex_unlock(&tp_mu);
    return c;
}

void test_pages_set_plan(unsigned slot, tp_plan plan)
{
    if (slot >= TP_PLANS) {
        abort();
    }
    pthread_mutex_lock(&tp_mu);
    tp_slots[slot].plan = plan;
    tp_slots[slot].done = 0;
    pthread_mutex_unlock(&tp_mu);
}

void test_pages_clear_plans(void)
{
    pthread_mutex_lock(&tp_mu);
    memset(tp_slots, 0, sizeof tp_slots);
    pthread_mutex_unlock(&tp_mu);
}

uint64_t test_pages_pending(tp_kind kind)
{
    uint64_t n = 0;
    pthread_mutex_lock(&tp_mu);
    for (unsigned i = 0; i < TP_PLANS; i++) {
        const tp_slot *s = &tp_slots[i];
        if (s->plan.kind == kind && s->plan.first != 0 && s->plan.count != 0) {
            n += s->plan.count - s->done;
        }
    }
    pthread_mutex_unlock(&tp_mu);
    return n;
}

uint64_t test_pages_next_alloc(void)
{
    pthread_mutex_lock(&tp_mu);
    uint64_t n = tp_st.alloc_calls + 1;
    pthread_mutex_unlock(&tp_mu);
    return n;
}

uint64_t test_pages_next_free(void)
{
    pthread_mutex_lock(&tp_mu);
    uint64_t n = tp_st.free_calls + 1;
    pthread_mutex_unlock(&tp_mu);
    return n;
}

void test_pages_fault_next(unsigned slot, tp_kind kind, uint64_t n)
{
    tp_plan p;
    p.kind = kind;
    p.first = n == 0 ? 0 : (kind == TP_REFUSE ? test_pages_next_free() : test_pages_next_alloc());
    p.every = 1;
    p.count = n;
    test_pages_set_plan(slot, p);
}

void test_pages_renumber(void)
{
    pthread_mutex_lock(&tp_mu);
    tp_st.alloc_calls = tp_st.free_calls = tp_st.faults = tp_st.duplicates_missed = 0;
    memset(tp_st.faults_of, 0, sizeof tp_st.faults_of);
    pthread_mutex_unlock(&tp_mu);
}

void test_pages_reset_counters(void)
{
    pthread_mutex_lock(&tp_mu);
    tp_st.given = tp_st.misaligned = tp_st.taken_back = tp_st.refused = 0;
    tp_st.last_freed = NULL;
    pthread_mutex_unlock(&tp_mu);
}

tp_stats test_pages_stats(void)
{
    pthread_mutex_lock(&tp_mu);
    tp_stats s = tp_st;
    s.quarantined = tp_nquar - tp_qhead;
    pthread_mutex_unlock(&tp_mu);
    return s;
}

int test_pages_is_live_page(const void *base, size_t size)
{
    pthread_mutex_lock(&tp_mu);
    const tp_block *b = tp_find_live((uintptr_t)base);
    int r = b != NULL && b->size == size;
    pthread_mutex_unlock(&tp_mu);
    return r;
}

size_t test_pages_live_size(const void *base)
{
    pthread_mutex_lock(&tp_mu);
    const tp_block *b = tp_find_live((uintptr_t)base);
    size_t r = b != NULL ? b->size : 0;
    pthread_mutex_unlock(&tp_mu);
    return r;
}

size_t test_pages_page_of(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    pthread_mutex_lock(&tp_mu);
    size_t i = tp_lower_bound(a + 1); /* first block past a: the one before may hold it */
    size_t r = i > 0 && a < tp_live[i - 1].page + tp_live[i - 1].size ? tp_live[i - 1].size : 0;
    pthread_mutex_unlock(&tp_mu);
    return r;
}

int test_pages_in_quarantine(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    int r = 0;
    pthread_mutex_lock(&tp_mu);
    for (size_t i = tp_qhead; i < tp_nquar && !r; i++) {
        r = a >= tp_quar[i].page && a < tp_quar[i].page + tp_quar[i].size;
    }
    pthread_mutex_unlock(&tp_mu);
    return r;
}

void *test_pages_latest(size_t size)
{
    const tp_block *latest = NULL;
    pthread_mutex_lock(&tp_mu);
    for (size_t i = 0; i < tp_nlive; i++) {
        const tp_block *b = &tp_live[i];
        if (b->aligned && (size == 0 || b->size == size) && (latest == NULL || b->seq > latest->seq)) {
            latest = b;
        }
    }
    void *r = latest != NULL ? (void *)latest->page : NULL;
    pthread_mutex_unlock(&tp_mu);
    return r;
}

size_t test_pages_list(void **out, size_t *sizes, size_t max)
{
    size_t n = 0;
    pthread_mutex_lock(&tp_mu);
    for (size_t i = 0; i < tp_nlive; i++) {
        if (!tp_live[i].aligned) {
            continue;
        }
        if (n < max) {
            out[n] = (void *)tp_live[i].page;
            if (sizes != NULL) {
                sizes[n] = tp_live[i].size;
            }
        }
        n++;
    }
    pthread_mutex_unlock(&tp_mu);
    return n;
}

uint64_t test_pages_seq_of(const void *base)
{
    pthread_mutex_lock(&tp_mu);
    const tp_block *b = tp_find_live((uintptr_t)base);
    uint64_t r = b != NULL && b->aligned ? b->seq : 0;
    pthread_mutex_unlock(&tp_mu);
    return r;
}

tp_state test_pages_state_of(uint64_t seq)
{
    tp_state r = TPS_GONE;
    pthread_mutex_lock(&tp_mu);
    for (size_t i = 0; i < tp_nlive && r == TPS_GONE; i++) {
        r = tp_live[i].seq == seq ? TPS_LIVE : TPS_GONE;
    }
    for (size_t i = tp_qhead; i < tp_nquar && r == TPS_GONE; i++) {
        r = tp_quar[i].seq != seq ? TPS_GONE : tp_quar[i].poisoned ? TPS_POISONED : TPS_KEPT;
    }
    pthread_mutex_unlock(&tp_mu);
    return seq == 0 ? TPS_GONE : r;
}

static int region_holds(const tp_block *b, uintptr_t a, size_t n)
{
    uintptr_t lo = (uintptr_t)b->region;
    return a >= lo && n <= b->region_size && a - lo <= b->region_size - n;
}

int test_pages_region_holds(const void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p;
    int r = 0;
    pthread_mutex_lock(&tp_mu);
    for (size_t i = 0; i < tp_nlive && !r; i++) {
        r = region_holds(&tp_live[i], a, n);
    }
    for (size_t i = tp_qhead; i < tp_nquar && !r; i++) {
        r = region_holds(&tp_quar[i], a, n);
    }
    pthread_mutex_unlock(&tp_mu);
    return r;
}

void test_pages_release_quarantined(size_t i)
{
    pthread_mutex_lock(&tp_mu);
    if (tp_qhead < tp_nquar) {
        tp_release_at(tp_qhead + i % (tp_nquar - tp_qhead));
    }
    pthread_mutex_unlock(&tp_mu);
}

size_t test_pages_take_written(void)
{
    pthread_mutex_lock(&tp_mu);
    size_t written = tp_written_after_free;
    tp_written_after_free = 0;
    pthread_mutex_unlock(&tp_mu);
    return written;
}

size_t test_pages_check_quarantine(void)
{
    pthread_mutex_lock(&tp_mu);
    while (tp_qhead < tp_nquar) {
        tp_release_oldest();
    }
    size_t written = tp_written_after_free;
    tp_written_after_free = 0;
    pthread_mutex_unlock(&tp_mu);
    return written;
}

size_t test_pages_drop_misaligned(void)
{
    size_t n = 0;
    pthread_mutex_lock(&tp_mu);
    for (size_t i = 0; i < tp_nlive;) {
        if (tp_live[i].aligned) {
            i++;
            continue;
        }
        tp_retire(&tp_live[i]); /* shifts the next block to i */
        tp_st.live--;
        n++;
    }
    pthread_mutex_unlock(&tp_mu);
    return n;
}

size_t test_pages_release_all(void)
{
    pthread_mutex_lock(&tp_mu);
    size_t leaked = tp_nlive;
    for (size_t i = 0; i < tp_nlive; i++) {
        tp_release(&tp_live[i]);
    }
    for (size_t i = tp_qhead; i < tp_nquar; i++) {
        tp_release(&tp_quar[i]);
    }
    tp_nlive = tp_qhead = tp_nquar = tp_quar_bytes = 0;
    tp_st.live = tp_st.live_aligned = tp_st.live_bytes = 0;
    pthread_mutex_unlock(&tp_mu);
    return leaked;
}

void test_pages_on_breach(void (*fn)(const char *message))
{
    pthread_mutex_lock(&tp_mu);
    tp_on_breach = fn;
    pthread_mutex_unlock(&tp_mu);
}
