/*
 * The FreeRTOS demo's supervisor (see demo.h): checks the MPU guard,
 * creates the allocator objects, starts the tasks and the timer, waits for
 * every task, then prints the statistics, checks the counts, destroys
 * everything and checks that every page went back to the pool. Exit status
 * 0 only when every check held; the last line is then
 * "freertos-demo: PASS". Under -icount shift=0 every run prints the same
 * bytes (mk/freertos.mk compares two runs).
 */
#include "console.h"
#include "demo.h"
#include "mpu_guard.h"
#include "rtos_glue.h"
#include "slab_freertos.h"
#include "static_pages.h"

demo_task_counts demo_counts;
volatile uint32_t demo_failures;
static const char *volatile first_failure;

void demo_fail(const char *what)
{
    if (__atomic_fetch_add(&demo_failures, 1u, __ATOMIC_RELAXED) == 0) {
        first_failure = what;
    }
}

static void check(int ok, const char *what)
{
    if (!ok) {
        demo_fail(what);
    }
}

static void print_cache(const char *name, slab_cache *c)
{
    slab_stats s;
    check(slab_cache_stats(c, &s) == SLAB_OK && s.objs_in_use == 0, "a cache still has objects at the end");
    con_lock();
    con_str("cache ");
    con_str(name);
    con_str(": obj ");
    con_uint(s.obj_size);
    con_str(" B, slab ");
    con_uint(s.slab_size);
    con_str(" B, peak ");
    con_uint(s.objs_peak);
    con_str(" objects in ");
    con_uint(s.slabs_peak);
    con_str(" slabs, pages taken ");
    con_uint(s.pages_taken);
    con_str(" given ");
    con_uint(s.pages_given);
    con_str("\n");
    con_unlock();
}

static void print_heap(void)
{
    slab_heap_usage u;
    check(slab_heap_stats(demo_heap, &u) == SLAB_OK && u.blocks_in_use == 0 && u.allocs == u.frees,
          "the heap still has blocks at the end");
    con_line("heap: blocks allocated and freed", u.allocs);
    con_line("heap: peak bytes in use", u.bytes_peak);
    con_line("heap: peak page bytes", u.page_bytes_peak);
    con_line("heap: size classes used", u.classes_live);
}

static void print_counts(void)
{
    const demo_event_counts *e = &demo_events_seen;
    con_line("packets checked", demo_counts.packets_checked);
    con_line("heap messages checked", demo_counts.messages_checked);
    con_line("heap message bytes", demo_counts.message_bytes);
    con_line("timer interrupts", e->fired);
    con_line("events queued from the interrupt", e->sent);
    con_line("events freed in the interrupt (queue full)", e->freed_isr);
    con_line("events freed by the task", e->received);
    con_line("slab_alloc_wait in the interrupt, NULL at once", e->wait_null);
    con_line("waiter woken by a free", demo_counts.woken);
    con_line("waiter blocked, ticks", demo_counts.waited_ticks);
    con_line("waiter timed out (SLAB_ETIMEDOUT)", demo_counts.timed_out);
    con_line("timeout took, ticks", demo_counts.timeout_ticks);
    con_line("slots waiter: wait() calls", demo_slots_waiter.waits);
    con_line("slots waiter: wake() calls", demo_slots_waiter.wakes);
    con_line("slots waiter: timeouts", demo_slots_waiter.timeouts);
    check(demo_counts.packets_checked == 2u * PACKETS_PER_PRODUCER, "packets lost");
    check(demo_counts.messages_checked == HEAP_MESSAGES, "heap messages lost");
    check(e->fired == TIMER_EVENTS && e->no_slot == 0 && e->sent + e->freed_isr == e->fired && e->received == e->sent,
          "events lost");
    check(demo_blocking_ok(), "the blocking allocation did not wake and time out as designed");
    check(e->wait_null != 0, "the interrupt never met the full slots cache");
}

/* Every page back: the pool is whole again, as many frees as allocs. */
static void check_pages(void)
{
    static_pages_stats p;
    static_pages_get_stats(&p);
    con_line("pages: taken from the pool", p.allocs);
    con_line("pages: given back", p.frees);
    con_line("pages: free bytes at the end", p.free_bytes);
    con_line("pages: pool bytes", p.pool_bytes);
    check(p.allocs == p.frees && p.free_bytes == p.pool_bytes && p.refused == 0, "pages missing from the pool");
}

static void supervisor(void *arg)
{
    (void)arg;
    int guard = mpu_guard_active() && mpu_guard_probe(0, 0xDEADu) && mpu_guard_probe(MPU_GUARD_BYTES - 4, 0);
    con_line("mpu: NULL guard on, writes to 0 and 252 faulted", (unsigned long)guard);
    check(guard, "the MPU NULL guard is off");
    if (demo_objects_create() != 0) {
        demo_fail("creating the caches, the heap and the queues");
        rtos_exit(1);
    }
    TaskHandle_t self = xTaskGetCurrentTaskHandle();
    int tasks = demo_start_workers(self) + demo_start_blocking(self) + demo_start_events(self);
    for (int i = 0; i < tasks; i++) {
        (void)ulTaskNotifyTake(pdFALSE, portMAX_DELAY);
    }
    con_line("tasks done", (unsigned long)tasks);
    con_line("ticks", xTaskGetTickCount());
    print_counts();
    print_cache("packets", demo_packets);
    print_cache("events", demo_events);
    print_cache("slots", demo_slots);
    print_heap();
    check(demo_objects_destroy() == 0, "a destroy failed");
    check_pages();
    con_line("failures", demo_failures);
    if (demo_failures != 0) {
        con_str("freertos-demo: FAILED: ");
        con_str(first_failure);
        con_str("\n");
        rtos_exit(1);
    }
    con_str("freertos-demo: PASS\n");
    rtos_exit(0);
}

int main(void)
{
    static StaticTask_t tcb;
    static StackType_t stack[512];
    xTaskCreateStatic(supervisor, "super", 512, NULL, PRIO_SUPERVISOR, stack, &tcb);
    vTaskStartScheduler();
    return 1; /* the scheduler returned: it could not start */
}
