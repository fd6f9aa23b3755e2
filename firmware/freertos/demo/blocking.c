/*
 * A task that blocks in an allocation until another frees (see demo.h).
 * The slots cache has a page source of one page (objects.c), so once its
 * master slab's slots are all taken, slab_alloc() returns NULL and
 * slab_alloc_wait() blocks on the cache's FreeRTOS wait interface.
 *
 *   hog (PRIO_HOG)               waiter (PRIO_WAITER, higher)
 *   takes every slot
 *   notifies the waiter  ----->  slab_alloc_wait(slots, WAIT_LONG): blocks
 *   sleeps HOLD_TICKS            (the interrupt meanwhile finds the cache
 *                                 full: its slab_alloc_wait() is NULL at once)
 *   frees one slot      ----->   wakes with it, after HOLD_TICKS ticks
 *                                slab_alloc_wait(slots, WAIT_SHORT): nothing
 *                                is freed, SLAB_ETIMEDOUT after WAIT_SHORT
 *                      <-----    frees its slot, notifies
 *   frees the rest
 */
#include "demo.h"

enum { HOLD_TICKS = 5, WAIT_LONG = 100, WAIT_SHORT = 3, MAX_SLOTS = 32, STACK_WORDS = 256 };

volatile int demo_slots_full;

static TaskHandle_t supervisor_task, hog_task, waiter_task;
static void *held[MAX_SLOTS];

static void hog(void *arg)
{
    (void)arg;
    uint32_t n = 0;
    while (n < MAX_SLOTS && (held[n] = slab_alloc(demo_slots)) != NULL) {
        n++;
    }
    if (n == 0 || n == MAX_SLOTS) {
        demo_fail("the slots cache did not fill as its one page says");
    }
    demo_slots_full = 1;
    xTaskNotifyGive(waiter_task); /* runs the waiter at once: it blocks */
    vTaskDelay(HOLD_TICKS);
    demo_slots_full = 0;
    if (slab_cache_free(demo_slots, held[--n]) != SLAB_OK) { /* wakes the waiter */
        demo_fail("slab_free(slot) by the hog");
    }
    (void)ulTaskNotifyTake(pdTRUE, portMAX_DELAY);
    while (n != 0) {
        if (slab_cache_free(demo_slots, held[--n]) != SLAB_OK) {
            demo_fail("slab_free(slot) by the hog");
        }
    }
    xTaskNotifyGive(supervisor_task);
    vTaskDelete(NULL);
}

static void *timed_wait(uint32_t timeout, slab_status *st, uint32_t *ticks)
{
    TickType_t t0 = xTaskGetTickCount();
    void *p = slab_alloc_wait_status(demo_slots, timeout, st);
    *ticks = (uint32_t)(xTaskGetTickCount() - t0);
    return p;
}

static void waiter(void *arg)
{
    (void)arg;
    slab_status st;
    uint32_t ticks;
    (void)ulTaskNotifyTake(pdTRUE, portMAX_DELAY);
    void *mine = timed_wait(WAIT_LONG, &st, &ticks);
    if (mine == NULL || st != SLAB_OK) {
        demo_fail("slab_alloc_wait did not wake on the free");
    } else {
        demo_counts.woken++;
        demo_counts.waited_ticks = ticks;
        demo_slots_full = 1;
    }
    void *none = timed_wait(WAIT_SHORT, &st, &ticks);
    if (none != NULL || st != SLAB_ETIMEDOUT) {
        demo_fail("slab_alloc_wait did not time out");
    } else {
        demo_counts.timed_out++;
        demo_counts.timeout_ticks = ticks;
    }
    demo_slots_full = 0;
    if (mine != NULL && slab_cache_free(demo_slots, mine) != SLAB_OK) {
        demo_fail("slab_free(slot) by the waiter");
    }
    xTaskNotifyGive(hog_task);
    xTaskNotifyGive(supervisor_task);
    vTaskDelete(NULL);
}

int demo_start_blocking(TaskHandle_t supervisor)
{
    static StaticTask_t tcbs[2];
    static StackType_t stacks[2][STACK_WORDS];
    supervisor_task = supervisor;
    waiter_task = xTaskCreateStatic(waiter, "waiter", STACK_WORDS, NULL, PRIO_WAITER, stacks[0], &tcbs[0]);
    hog_task = xTaskCreateStatic(hog, "hog", STACK_WORDS, NULL, PRIO_HOG, stacks[1], &tcbs[1]);
    return 2;
}

/* The checks of the timings, for the supervisor: the waiter woke when the
 * hog freed (HOLD_TICKS after it blocked; a tick more if the hog, woken,
 * waited for the rest of a tick) and timed out after WAIT_SHORT (or one
 * more: a timeout counts whole ticks from the next one). */
int demo_blocking_ok(void)
{
    const demo_task_counts *c = &demo_counts;
    return c->woken == 1 && c->waited_ticks >= HOLD_TICKS && c->waited_ticks <= HOLD_TICKS + 1 &&
           c->timed_out == 1 && c->timeout_ticks >= WAIT_SHORT && c->timeout_ticks <= WAIT_SHORT + 1;
}
