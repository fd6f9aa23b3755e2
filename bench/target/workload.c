/* The measured workload (see workload.h). */
#include "workload.h"

#include "console.h"
#include "static_pages.h"

static void *resident[WORKLOAD_MAX_LIVE];
static void *held[WORKLOAD_MAX_BATCH];

typedef struct {
    const counter_calibration *cal;
    const bench_api *api;
    slab_cache *raw;
    tally_set *out;
    int failed;
} run;

/* Same sequence in every run (reset per run), so 10 and 1000 live objects
 * see the same operations on top of them. */
static uint32_t rng_state;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u; /* LCG (Numerical Recipes) */
    return rng_state >> 8;
}

static void fail(run *r, const char *what)
{
    if (!r->failed) {
        con_str("bench-target: FAILED: ");
        con_str(r->api->front);
        con_str(", lock ");
        con_str(r->api->lock);
        con_str(": ");
        con_str(what);
        con_str("\n");
    }
    r->failed = 1;
}

static void add(tally *t, uint32_t n)
{
    t->count++;
    t->sum += n;
    if (n > t->max) {
        t->max = n;
    }
}

static void stats_of(run *r, slab_stats *s)
{
    if (slab_cache_stats(r->raw, s) != SLAB_OK) {
        fail(r, "slab_cache_stats");
    }
}

/* The page counters must have moved as the classification said. */
static void check_path(run *r, op_kind k, const slab_stats *before, const slab_stats *after, int objs)
{
    int delta = classify_page_delta(k);
    if (after->pages_taken - before->pages_taken != (delta > 0 ? 1u : 0u) ||
        after->pages_given - before->pages_given != (delta < 0 ? 1u : 0u)) {
        fail(r, "the hook was (not) called, unlike the classification said");
    }
    if (after->hook_failures != before->hook_failures) {
        fail(r, "a hook call failed");
    }
    if ((int)(after->objs_in_use - before->objs_in_use) != objs) {
        fail(r, "objs_in_use did not follow");
    }
}

static void *measured_alloc(run *r, int record)
{
    slab_stats before, after;
    op_kind k = classify_alloc(r->raw);
    stats_of(r, &before);
    uintptr_t obj = 0;
    uint32_t n = counter_call(r->cal, r->api->alloc, r->api->alloc_arg(), 0, 0, &obj);
    stats_of(r, &after);
    if (obj == 0) {
        fail(r, "alloc returned NULL");
    }
    check_path(r, k, &before, &after, 1);
    if (record) {
        add(&r->out->row[k], n);
    }
    return (void *)obj;
}

static void measured_free(run *r, void *obj, int record)
{
    slab_stats before, after;
    op_kind k = classify_free(r->raw, obj);
    stats_of(r, &before);
    uintptr_t status = 0;
    uint32_t n = counter_call(r->cal, r->api->free, (uintptr_t)obj, 0, 0, &status);
    stats_of(r, &after);
    if (r->api->free_has_status && (slab_status)status != SLAB_OK) {
        fail(r, "free did not return SLAB_OK");
    }
    check_path(r, k, &before, &after, -1);
    if (record) {
        add(&r->out->row[k], n);
    }
}

static void phase_hot(run *r, uint32_t pairs)
{
    for (uint32_t i = 0; i < pairs && !r->failed; i++) {
        measured_free(r, measured_alloc(r, 1), 1);
    }
}

static void phase_batch(run *r, uint32_t rounds, uint32_t batch)
{
    for (uint32_t round = 0; round < rounds && !r->failed; round++) {
        for (uint32_t i = 0; i < batch; i++) {
            held[i] = measured_alloc(r, 1);
        }
        if (round % 3 == 2) { /* Fisher-Yates shuffle of the free order */
            for (uint32_t i = batch - 1; i > 0; i--) {
                uint32_t j = rnd() % (i + 1);
                void *t = held[i];
                held[i] = held[j];
                held[j] = t;
            }
        }
        for (uint32_t i = 0; i < batch; i++) {
            measured_free(r, held[round % 3 == 1 ? batch - 1 - i : i], 1);
        }
    }
}

static void phase_mix(run *r, uint32_t steps, uint32_t batch)
{
    uint32_t count = 0;
    for (uint32_t s = 0; s < steps && !r->failed; s++) {
        if (count == 0 || (count < batch && (rnd() & 1u) != 0)) {
            held[count++] = measured_alloc(r, 1);
        } else {
            uint32_t j = rnd() % count;
            measured_free(r, held[j], 1);
            held[j] = held[--count];
        }
    }
    while (count != 0) {
        measured_free(r, held[--count], 1);
    }
}

/* A free into a full slab, then an alloc: with no lock, the object is
 * parked and handed out again (struct slab_cache, hot); with a lock, the
 * slab goes back on the partial list and fills again. Allocates until an
 * alloc fills its slab, frees that object, allocates once more, then frees
 * everything it took. */
static void phase_park(run *r, uint32_t rounds, uint32_t batch)
{
    for (uint32_t round = 0; round < rounds && !r->failed; round++) {
        uint32_t n = 0;
        while (n + 1u < batch && !r->failed) {
            void *p = measured_alloc(r, 1);
            held[n++] = p;
            if (classify_slab_full(r->raw, p)) {
                break;
            }
        }
        if (n + 1u >= batch) {
            fail(r, "phase_park: no alloc filled a slab within the batch");
            return;
        }
        measured_free(r, held[--n], 1);
        held[n++] = measured_alloc(r, 1);
        while (n != 0) {
            measured_free(r, held[--n], 1);
        }
    }
}

/* The page hook alone, as the library calls it (slab/hooks.h symbols). */
static void phase_hook(run *r, uint32_t pairs)
{
    for (uint32_t i = 0; i < pairs && !r->failed; i++) {
        uintptr_t page = 0, status = 1;
        add(&r->out->row[OP_HOOK_ALLOC], counter_call(r->cal, (counter_fn)slab_page_alloc, SLAB_DEFAULT_SLAB_SIZE,
                                                      SLAB_DEFAULT_SLAB_SIZE, 0, &page));
        if (page == 0) {
            fail(r, "slab_page_alloc returned NULL");
            return;
        }
        add(&r->out->row[OP_HOOK_FREE], counter_call(r->cal, (counter_fn)slab_page_free, page,
                                                     SLAB_DEFAULT_SLAB_SIZE, SLAB_DEFAULT_SLAB_SIZE, &status));
        if (status != 0) {
            fail(r, "slab_page_free refused its own page");
        }
    }
}

int workload_run(const counter_calibration *cal, const bench_api *api, uint32_t live, const workload_size *size,
                 tally_set *out)
{
    run r = {cal, api, 0, out, 0};
    *out = (tally_set){0};
    rng_state = 12345u;
    if (live > WORKLOAD_MAX_LIVE || size->batch > WORKLOAD_MAX_BATCH || size->batch == 0) {
        fail(&r, "workload larger than its arrays");
        return 1;
    }
    static_pages_stats pool_before, pool_after;
    static_pages_get_stats(&pool_before);
    if (api->create() != SLAB_OK) {
        fail(&r, "cache creation");
        return 1;
    }
    r.raw = api->raw();
    for (uint32_t i = 0; i < live && !r.failed; i++) {
        resident[i] = measured_alloc(&r, 0);
    }
    phase_hot(&r, size->pairs);
    phase_batch(&r, size->rounds, size->batch);
    phase_mix(&r, size->mix, size->batch);
    phase_park(&r, size->rounds, size->batch);
    phase_hook(&r, size->hook_pairs);
    if (r.failed) {
        return 1; /* the cache may be inconsistent: do not tear it down */
    }
    if (slab_cache_validate(r.raw) != SLAB_OK) {
        fail(&r, "slab_cache_validate after the measured phases");
    }
    for (uint32_t i = 0; i < live; i++) {
        measured_free(&r, resident[i], 0);
    }
    slab_stats end;
    stats_of(&r, &end);
    if (end.objs_in_use != 0) {
        fail(&r, "objects left in the cache");
    }
    if (api->destroy() != SLAB_OK) {
        fail(&r, "cache destruction");
    }
    static_pages_get_stats(&pool_after);
    if (pool_after.free_bytes != pool_before.free_bytes) {
        fail(&r, "the page pool did not get every page back");
    }
    return r.failed;
}

const char *row_name(unsigned row)
{
    return row == OP_HOOK_ALLOC ? "alloc" : row == OP_HOOK_FREE ? "free" : op_name((op_kind)row);
}

const char *row_case(unsigned row)
{
    return row >= OP_HOOK_ALLOC ? "hook alone" : op_case((op_kind)row);
}
