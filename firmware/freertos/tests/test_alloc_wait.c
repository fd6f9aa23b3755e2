/*
 * slab_alloc_wait() on FreeRTOS: a cache of 512-byte slabs (so frees go
 * through slab_cache_free()) with the FreeRTOS lock, a page source of one page (so it runs out of slots after its master slab) and
 * the FreeRTOS wait interface (hooks/freertos).
 *   - a task blocked in slab_alloc_wait() gets the slot another task frees,
 *     or an interrupt frees;
 *   - with nothing freed it returns NULL and SLAB_ETIMEDOUT after its ticks;
 *   - in an interrupt it returns NULL at once, without ever calling wait();
 *   - one free wakes one waiter, the higher-priority one first;
 *   - tasks and an interrupt allocating and freeing together keep the
 *     cache whole (the lock's ISR path in the core's alloc and free).
 */
#include "cmsdk_timer.h"
#include "runner.h"
#include "slab_freertos.h"
#include "static_pages.h"

enum { OBJ = 64, SLAB = 512, MAX_HELD = 16 };

static size_t pages_held;
static void *one_page_alloc(void *ctx, size_t size, size_t align)
{
    (void)ctx;
    if (pages_held != 0) {
        return NULL;
    }
    void *p = static_page_alloc(size, align);
    pages_held += p != NULL;
    return p;
}
static int one_page_free(void *ctx, void *page, size_t size, size_t align)
{
    (void)ctx;
    int r = static_page_free(page, size, align);
    pages_held -= r == 0;
    return r;
}
static const slab_page_source one_page = {one_page_alloc, one_page_free, NULL};
static slab_freertos_waiter waiter;
static slab_cache *cache;
static void *held[MAX_HELD];
static unsigned n_held;

/* A fresh one-page cache with every slot taken (held[0..n_held)). */
static void full_cache(void)
{
    const slab_cache_config cfg = {OBJ, 0, SLAB, 0, &slab_freertos_lock_ops, &one_page};
    cache = NULL;
    t_check(slab_cache_create_ex(&cache, &cfg) == SLAB_OK, "slab_cache_create_ex");
    t_check(slab_cache_set_wait(cache, slab_freertos_waiter_init(&waiter)) == SLAB_OK, "slab_cache_set_wait");
    for (n_held = 0; n_held < MAX_HELD && (held[n_held] = slab_alloc(cache)) != NULL; n_held++) {
    }
    t_check(n_held >= 2 && n_held < MAX_HELD, "the one-page cache did not fill");
}

static void free_held_and_destroy(void)
{
    while (n_held != 0) {
        t_check(slab_cache_free(cache, held[--n_held]) == SLAB_OK, "slab_free");
    }
    t_check(slab_cache_destroy(cache) == SLAB_OK, "slab_cache_destroy");
    t_check(pages_held == 0, "the page did not go back");
}

typedef struct {
    uint32_t timeout;
    void *got;
    slab_status st;
    TickType_t took;
    volatile int done;
} wait_call;

static volatile unsigned order_seen;
static wait_call *order[2];

static void waiting_task(void *arg)
{
    wait_call *w = arg;
    TickType_t t0 = xTaskGetTickCount();
    w->got = slab_alloc_wait_status(cache, w->timeout, &w->st);
    w->took = xTaskGetTickCount() - t0;
    order[order_seen++ & 1u] = w;
    w->done = 1;
    t_helper_done();
}

void test_alloc_wait_wakes_on_free(void)
{
    full_cache();
    wait_call w = {100, NULL, SLAB_OK, 0, 0};
    t_spawn(waiting_task, &w, PRIO_HIGH); /* runs now, and blocks */
    t_check(!w.done && waiter.waits == 1, "the waiter did not block");
    vTaskDelay(3);
    t_check(!w.done, "the waiter returned with nothing freed");
    void *slot = held[--n_held];
    t_check(slab_cache_free(cache, slot) == SLAB_OK, "slab_free");
    t_check(w.done, "the free did not hand the slot over at once");
    t_check(w.got == slot && w.st == SLAB_OK, "the waiter did not get the freed slot");
    t_check(w.took >= 3 && w.took <= 4, "the waiter did not wait for the free");
    t_join(1, 10);
    if (w.got != NULL) {
        held[n_held++] = w.got;
    }
    free_held_and_destroy();
}

static void *volatile isr_frees;
static volatile slab_status isr_free_st;
static void isr_free_one(void)
{
    isr_free_st = slab_cache_free(cache, isr_frees);
}

void test_alloc_wait_woken_by_isr_free(void)
{
    full_cache();
    wait_call w = {100, NULL, SLAB_OK, 0, 0};
    t_spawn(waiting_task, &w, PRIO_HIGH); /* runs now, and blocks */
    t_check(!w.done, "the waiter did not block");
    isr_frees = held[--n_held];
    isr_free_st = SLAB_EINVAL;
    t_set_isr(0, isr_free_one);
    cmsdk_timer_pend(0); /* the runner is preempted by the waiter at once */
    t_check(isr_free_st == SLAB_OK, "slab_cache_free in the interrupt");
    t_check(w.done && w.got == isr_frees && w.st == SLAB_OK, "the waiter did not get the slot the interrupt freed");
    t_join(1, 10);
    if (w.got != NULL) {
        held[n_held++] = w.got;
    }
    free_held_and_destroy();
}

void test_alloc_wait_times_out(void)
{
    full_cache();
    slab_status st = SLAB_OK;
    TickType_t t0 = xTaskGetTickCount();
    void *p = slab_alloc_wait_status(cache, 4, &st);
    TickType_t took = xTaskGetTickCount() - t0;
    t_check(p == NULL && st == SLAB_ETIMEDOUT, "not NULL with SLAB_ETIMEDOUT");
    t_check(took >= 4 && took <= 5, "the timeout did not take its 4 ticks");
    t_check(waiter.timeouts == 1, "the wait interface saw no timeout");
    st = SLAB_OK;
    t_check(slab_alloc_wait_status(cache, 0, &st) == NULL && st != SLAB_ETIMEDOUT && st != SLAB_OK,
            "timeout 0: not the plain refusal at once");
    free_held_and_destroy();
}

static volatile int isr_ran;
static void *volatile isr_got;
static volatile slab_status isr_st;
static volatile TickType_t isr_ticks_before, isr_ticks_after;

static void isr_alloc_wait(void)
{
    slab_status st = SLAB_OK;
    isr_ticks_before = xTaskGetTickCountFromISR();
    isr_got = slab_alloc_wait_status(cache, SLAB_WAIT_FOREVER, &st);
    isr_ticks_after = xTaskGetTickCountFromISR();
    isr_st = st;
    isr_ran = 1;
}

void test_alloc_wait_isr_never_blocks(void)
{
    full_cache();
    isr_ran = 0;
    uint32_t waits = waiter.waits;
    t_set_isr(0, isr_alloc_wait);
    cmsdk_timer_pend(0);
    t_check(isr_ran, "the interrupt did not return");
    t_check(isr_got == NULL && isr_st != SLAB_OK && isr_st != SLAB_ETIMEDOUT, "not NULL at once in the interrupt");
    t_check(waiter.waits == waits, "wait() was called in the interrupt");
    t_check(isr_ticks_after == isr_ticks_before, "the interrupt lasted a tick");
    free_held_and_destroy();
}

void test_alloc_wait_priority_order(void)
{
    full_cache();
    order_seen = 0;
    wait_call mid = {SLAB_WAIT_FOREVER, NULL, SLAB_OK, 0, 0};
    wait_call high = {SLAB_WAIT_FOREVER, NULL, SLAB_OK, 0, 0};
    t_spawn(waiting_task, &mid, PRIO_MID); /* blocks first */
    t_spawn(waiting_task, &high, PRIO_HIGH);
    t_check(!mid.done && !high.done && waiter.waits == 2, "both waiters blocked");
    t_check(slab_cache_free(cache, held[--n_held]) == SLAB_OK, "slab_free 1");
    t_check(high.done && !mid.done, "the first free did not go to the higher-priority waiter only");
    t_check(slab_cache_free(cache, held[--n_held]) == SLAB_OK, "slab_free 2");
    t_check(mid.done, "the second free did not wake the other waiter");
    t_check(order_seen == 2 && order[0] == &high && order[1] == &mid, "wake order");
    t_join(2, 10);
    held[n_held++] = high.got;
    held[n_held++] = mid.got;
    t_check(high.got != NULL && mid.got != NULL, "a waiter got NULL");
    free_held_and_destroy();
}

/* ---- the lock inside the core, tasks and an interrupt ------------------- */

enum { ROUNDS = 600, BATCH = 20, FAST_RELOAD = 149 }; /* 20 live > the master of a 512-byte slab: it grows whatever the interleaving */
static slab_cache *shared;
static volatile uint32_t isr_allocs, isr_fails;

static void isr_alloc_free(void)
{
    void *p = slab_alloc(shared);
    if (p == NULL || slab_cache_free(shared, p) != SLAB_OK) {
        isr_fails++;
    }
    isr_allocs++;
}

static void alloc_free_task(void *arg)
{
    volatile uint32_t *fails = arg;
    void *mine[BATCH];
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < BATCH; i++) {
            mine[i] = slab_alloc(shared);
            *fails += mine[i] == NULL;
        }
        for (int i = 0; i < BATCH; i++) {
            *fails += mine[i] != NULL && slab_cache_free(shared, mine[i]) != SLAB_OK;
        }
    }
    t_helper_done();
}

void test_cache_lock_tasks_and_isr(void)
{
    static volatile uint32_t fails[2];
    isr_allocs = isr_fails = 0;
    t_check(slab_cache_create_with_lock(&shared, 24, 0, SLAB, &slab_freertos_lock_ops) == SLAB_OK,
            "slab_cache_create_with_lock");
    t_set_isr(0, isr_alloc_free);
    cmsdk_timer_start(0, FAST_RELOAD, IRQ_PRIO_KERNEL_OK);
    t_spawn(alloc_free_task, (void *)&fails[0], PRIO_LOW);
    t_spawn(alloc_free_task, (void *)&fails[1], PRIO_LOW);
    t_join(2, 2000);
    cmsdk_timer_stop(0);
    slab_stats s;
    t_check(isr_allocs > 100 && isr_fails == 0, "the interrupt's allocs");
    t_check(fails[0] == 0 && fails[1] == 0, "the tasks' allocs and frees");
    t_check(slab_cache_validate(shared) == SLAB_OK, "slab_cache_validate");
    t_check(slab_cache_stats(shared, &s) == SLAB_OK && s.objs_in_use == 0 && s.slabs_peak > 1,
            "stats: objects left, or the cache never grew");
    t_check(slab_cache_destroy(shared) == SLAB_OK, "slab_cache_destroy");
}
