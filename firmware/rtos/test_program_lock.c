/*
 * A lock the program supplies (slab_lock_ops), here a PRIMASK lock of its
 * own that counts and tags its tokens; and slab_alloc_wait, which waits in a
 * thread and never in an interrupt (IPSR is read, in_isr is NULL here).
 */
#include <stddef.h>

#include "exceptions.h"
#include "runner.h"
#include "slab/slab.h"

typedef struct {
    unsigned locks, unlocks, bad_tokens;
} lock_counts;

static unsigned long program_lock(void *ctx)
{
    lock_counts *k = ctx;
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    k->locks++;
    return 0xAB00ul | primask;
}

static void program_unlock(void *ctx, unsigned long token)
{
    lock_counts *k = ctx;
    k->unlocks++;
    k->bad_tokens += (token & ~1ul) != 0xAB00ul;
    uint32_t primask = (uint32_t)(token & 1ul);
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

static lock_counts counts;
static slab_cache *locked;
static unsigned isr_ok;

static void isr_alloc_free(void)
{
    void *p = slab_alloc(locked);
    isr_ok += p != NULL && slab_free(p) == SLAB_OK;
}

void test_program_lock_from_thread_and_isr(void)
{
    slab_lock_ops ops = {program_lock, program_unlock, &counts};
    EXPECT(slab_cache_create_with_lock(&locked, 24, 0, 0, &ops) == SLAB_OK);
    EXPECT(counts.locks == 0);
    void *p = slab_alloc(locked);
    EXPECT(p != NULL && counts.locks == 1 && counts.unlocks == 1);
    exc_set_priorities(0x80, 0x80);
    exc_on_pendsv(isr_alloc_free);
    exc_pend_pendsv();
    exc_on_pendsv(NULL);
    EXPECT(isr_ok == 1);
    EXPECT(counts.locks == 3 && counts.unlocks == 3);
    EXPECT(slab_free(p) == SLAB_OK);
    EXPECT(counts.locks == 4 && counts.bad_tokens == 0);
    uint32_t primask;
    __asm__ volatile("mrs %0, primask" : "=r"(primask));
    EXPECT(primask == 0);
    EXPECT(slab_cache_validate(locked) == SLAB_OK);
    EXPECT(slab_cache_destroy(locked) == SLAB_OK);
}

/* ---- waiting ---- */

static unsigned waits;
static int wait_times_out(void *ctx, uint32_t *ticks)
{
    (void)ctx;
    waits++;
    *ticks = 0;
    return 1;
}
static void wake_nobody(void *ctx) { (void)ctx; }
static const slab_wait_ops never_freed = {wait_times_out, wake_nobody, NULL, NULL};

static int one_page_left;
static void *master_only(void *ctx, size_t size, size_t align)
{
    (void)ctx;
    return one_page_left-- > 0 ? slab_page_alloc(size, align) : NULL;
}
static int give_back(void *ctx, void *page, size_t size, size_t align)
{
    (void)ctx;
    return slab_page_free(page, size, align);
}
static const slab_page_source master_source = {master_only, give_back, NULL};

static slab_cache *full;
static void *objs[64];
static unsigned nobjs;

static void make_full(void)
{
    one_page_left = 1;
    slab_cache_config cfg = {64, 0, 1024, SLAB_LOCK_IRQ, NULL, &master_source};
    EXPECT(slab_cache_create_ex(&full, &cfg) == SLAB_OK);
    EXPECT(slab_cache_set_wait(full, &never_freed) == SLAB_OK);
    for (nobjs = 0; nobjs < 64; nobjs++) {
        objs[nobjs] = slab_alloc(full);
        if (objs[nobjs] == NULL) {
            break;
        }
    }
    EXPECT(nobjs > 0 && nobjs < 64);
}

static void end_full(void)
{
    for (unsigned i = 0; i < nobjs; i++) {
        EXPECT(slab_cache_free(full, objs[i]) == SLAB_OK);
    }
    EXPECT(slab_cache_destroy(full) == SLAB_OK);
}

void test_wait_times_out_in_a_thread(void)
{
    make_full();
    waits = 0;
    slab_status st = SLAB_OK;
    EXPECT(slab_alloc_wait_status(full, 10, &st) == NULL);
    EXPECT(st == SLAB_ETIMEDOUT);
    EXPECT(waits == 1);
    end_full();
}

static slab_status isr_status;
static void *isr_result;
static void isr_wait(void) { isr_result = slab_alloc_wait_status(full, SLAB_WAIT_FOREVER, &isr_status); }

void test_wait_never_blocks_in_an_isr(void)
{
    make_full();
    waits = 0;
    isr_status = SLAB_OK;
    isr_result = (void *)1;
    exc_set_priorities(0x80, 0x80);
    exc_on_pendsv(isr_wait);
    exc_pend_pendsv();
    exc_on_pendsv(NULL);
    EXPECT(isr_result == NULL);
    EXPECT(isr_status == SLAB_ENOMEM);
    EXPECT(waits == 0);
    end_full();
}
