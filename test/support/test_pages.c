/*
 * The test suites' page provider (see test_pages.h). Live blocks are kept in
 * an array sorted by the address handed out (binary search: exact lookups
 * and "which block holds p"); quarantined regions in a FIFO. One mutex
 * guards everything; a contract breach is reported after it is released.
 * The configuration, plans, queries and clean-up: test_pages_admin.c.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "test_pages_state.h"

pthread_mutex_t tp_mu = PTHREAD_MUTEX_INITIALIZER;
tp_config tp_cfg = {0, -1, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0};
tp_slot tp_slots[TP_PLANS];
tp_stats tp_st;
tp_block *tp_live;
size_t tp_nlive;
tp_block *tp_quar;
size_t tp_qhead, tp_nquar, tp_quar_bytes;
size_t tp_written_after_free;
void (*tp_on_breach)(const char *message);

static uint64_t seq;
static size_t cap_live, cap_quar;
static char breach_msg[256];

static int is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* Index of the first live block whose page is >= a. */
size_t tp_lower_bound(uintptr_t a)
{
    size_t lo = 0, hi = tp_nlive;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tp_live[mid].page < a) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

tp_block *tp_find_live(uintptr_t a)
{
    size_t i = tp_lower_bound(a);
    return i < tp_nlive && tp_live[i].page == a ? &tp_live[i] : NULL;
}

static void *grow(void *array, size_t *cap, size_t elem)
{
    *cap = *cap != 0 ? 2 * *cap : 64;
    void *p = realloc(array, *cap * elem);
    if (p == NULL) {
        abort();
    }
    return p;
}

static void insert_live(const tp_block *b)
{
    if (tp_nlive == cap_live) {
        tp_live = (tp_block *)grow(tp_live, &cap_live, sizeof *tp_live);
    }
    size_t i = tp_lower_bound(b->page);
    memmove(&tp_live[i + 1], &tp_live[i], (tp_nlive - i) * sizeof *tp_live);
    tp_live[i] = *b;
    tp_nlive++;
}

static void remove_live(tp_block *b)
{
    size_t i = (size_t)(b - tp_live);
    memmove(&tp_live[i], &tp_live[i + 1], (tp_nlive - i - 1) * sizeof *tp_live);
    tp_nlive--;
}

/* The bytes of a block that fills and poison cover: the whole region, but
 * only the page itself of a guarded mapping (the rest is PROT_NONE) or of
 * padded placement (the rest is the padding). */
static unsigned char *span_of(const tp_block *b, size_t *n)
{
    int page_only = b->guarded || b->padded;
    *n = page_only ? b->size : b->region_size;
    return page_only ? (unsigned char *)b->page : b->region;
}

static uint64_t hash_of(const tp_block *b)
{
    size_t n;
    const unsigned char *p = span_of(b, &n);
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 1099511628211ull;
    }
    return h;
}

void tp_release(const tp_block *b)
{
    if (b->guarded) {
        munmap(b->region, b->region_size);
    } else if (b->carved) {
        tp_uncarve(b->page, b->size);
    } else {
        free(b->region);
    }
}

/* A quarantined block as it went back: still poisoned, or of the same hash. */
static int untouched(const tp_block *b)
{
    if (b->hashed) {
        return hash_of(b) == b->hash;
    }
    size_t n;
    const unsigned char *p = span_of(b, &n);
    for (size_t i = 0; b->poisoned && i < n; i++) {
        if (p[i] != TP_POISON) {
            return 0;
        }
    }
    return 1;
}

void tp_release_oldest(void)
{
    tp_block *b = &tp_quar[tp_qhead++];
    tp_written_after_free += untouched(b) ? 0 : 1;
    tp_quar_bytes -= b->region_size;
    tp_release(b);
    if (tp_qhead == tp_nquar) {
        tp_qhead = tp_nquar = 0;
    }
}

void tp_release_at(size_t i)
{
    tp_block b = tp_quar[i];
    memmove(&tp_quar[i], &tp_quar[i + 1], (tp_nquar - i - 1) * sizeof *tp_quar);
    tp_nquar--;
    tp_written_after_free += untouched(&b) ? 0 : 1;
    tp_quar_bytes -= b.region_size;
    tp_release(&b);
    if (tp_qhead == tp_nquar) {
        tp_qhead = tp_nquar = 0;
    }
}

/* A block leaves the live set: poisoned and quarantined, or released. */
void tp_retire(tp_block *b)
{
    tp_block copy = *b;
    remove_live(b);
    if (!tp_cfg.quarantine) {
        tp_release(&copy);
        return;
    }
    size_t n;
    unsigned char *p = span_of(&copy, &n);
    copy.poisoned = tp_cfg.poison;
    copy.hashed = !tp_cfg.poison && tp_cfg.check_kept;
    if (tp_cfg.poison) {
        memset(p, TP_POISON, n);
    } else if (copy.hashed) {
        copy.hash = hash_of(&copy);
    }
    if (tp_nquar == cap_quar) {
        if (tp_qhead > 0) { /* compact before growing */
            memmove(tp_quar, &tp_quar[tp_qhead], (tp_nquar - tp_qhead) * sizeof *tp_quar);
            tp_nquar -= tp_qhead;
            tp_qhead = 0;
        }
        if (tp_nquar == cap_quar) {
            tp_quar = (tp_block *)grow(tp_quar, &cap_quar, sizeof *tp_quar);
        }
    }
    tp_quar[tp_nquar++] = copy;
    tp_quar_bytes += copy.region_size;
    while (tp_qhead < tp_nquar && ((tp_cfg.quarantine_cap != 0 && tp_quar_bytes > tp_cfg.quarantine_cap) ||
                                   (tp_cfg.quarantine_max != 0 && tp_nquar - tp_qhead > tp_cfg.quarantine_max))) {
        tp_release_oldest();
    }
}

/* A region for a page of `size`: aligned (or off by size / 2), guarded,
 * padded, or carved from a shared block. */
static void *hand_out(size_t size, int misalign)
{
    tp_block b;
    memset(&b, 0, sizeof b);
    b.size = size;
    b.aligned = !misalign;
    b.seq = ++seq;
    if (tp_cfg.guarded && !misalign && size <= TP_GUARDED_MAX) {
        const size_t span = 2 * (size_t)TP_GUARDED_MAX;
        unsigned char *raw = (unsigned char *)mmap(NULL, 2 * span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == (unsigned char *)MAP_FAILED) {
            abort();
        }
        uintptr_t r = (uintptr_t)raw, base = (r + span - 1) & ~(uintptr_t)(span - 1);
        if (base > r) {
            munmap(raw, base - r);
        }
        munmap((void *)(base + span), r + 2 * span - (base + span));
        b.region = (unsigned char *)base;
        b.region_size = span;
        b.page = base + TP_GUARDED_MAX;
        b.guarded = 1;
        if (mprotect((void *)b.page, size, PROT_READ | PROT_WRITE) != 0) {
            abort();
        }
    } else if (tp_cfg.pad_below != 0 && !misalign) {
        tp_pad_place(&b); /* fills its own */
    } else if (tp_cfg.carve_block != 0 && !misalign && size < tp_cfg.carve_block) {
        b.page = tp_carve(size);
        b.region = (unsigned char *)b.page;
        b.region_size = size;
        b.carved = 1;
    } else {
        size_t align = size > tp_cfg.min_region_align ? size : tp_cfg.min_region_align;
        b.region_size = misalign ? 2 * align : align;
        b.region = (unsigned char *)aligned_alloc(align, b.region_size);
        if (b.region == NULL) {
            abort();
        }
        b.page = (uintptr_t)b.region + (misalign ? size / 2 : 0);
    }
    if (tp_cfg.fresh_byte >= 0 && !b.padded) {
        size_t n;
        unsigned char *p = span_of(&b, &n);
        memset(p, tp_cfg.fresh_byte, tp_cfg.fresh_limit != 0 && tp_cfg.fresh_limit < n ? tp_cfg.fresh_limit : n);
    }
    if (b.aligned && tp_cfg.prefill != NULL) {
        tp_cfg.prefill((void *)b.page, size);
    }
    insert_live(&b);
    tp_st.live++;
    if (misalign) {
        tp_st.misaligned++;
    } else {
        tp_st.given++;
        tp_st.given_total++;
        tp_st.live_aligned++;
        tp_st.live_bytes += size;
    }
    return (void *)b.page;
}

/* The first plan of the tp_slots that hits call n of a hook of these kinds. */
static tp_kind planned(uint64_t n, int for_alloc)
{
    for (unsigned i = 0; i < TP_PLANS; i++) {
        tp_slot *s = &tp_slots[i];
        const tp_plan *p = &s->plan;
        int alloc_kind = p->kind == TP_NULL || p->kind == TP_MISALIGN || p->kind == TP_DUPLICATE;
        if (p->kind == TP_NONE || p->first == 0 || n < p->first || alloc_kind != for_alloc) {
            continue;
        }
        if (p->every == 0 ? n != p->first : (n - p->first) % p->every != 0) {
            continue;
        }
        if (p->count != 0 && s->done >= p->count) {
            continue;
        }
        s->done++;
        return p->kind;
    }
    return TP_NONE;
}

static void breach(const char *what, const void *page, size_t size, size_t align)
{
    snprintf(breach_msg, sizeof breach_msg, "test_pages: contract breach: %s (page %p size %zu align %zu)", what,
             page, size, align);
    void (*fn)(const char *) = tp_on_breach;
    pthread_mutex_unlock(&tp_mu);
    if (fn != NULL) {
        fn(breach_msg);
    }
    fprintf(stderr, "%s\n", breach_msg);
    abort();
}

static void *alloc_locked(size_t size, size_t align, int forced, tp_kind kind)
{
    uint64_t n = ++tp_st.alloc_calls;
    tp_st.alloc_calls_total++;
    if (size != align || !is_pow2(size)) {
        breach("alloc with align != size or not a power of two", NULL, size, align);
    }
    if (!forced) {
        kind = planned(n, 1);
    }
    if (kind == TP_DUPLICATE) {
        const tp_block *latest = NULL;
        for (size_t i = 0; i < tp_nlive; i++) {
            if (tp_live[i].aligned && tp_live[i].size == size && (latest == NULL || tp_live[i].seq > latest->seq)) {
                latest = &tp_live[i];
            }
        }
        if (latest != NULL) {
            tp_st.faults++;
            tp_st.faults_of[TP_DUPLICATE]++;
            return (void *)latest->page; /* still live: the set is unchanged */
        }
        tp_st.duplicates_missed++;
        return hand_out(size, 0);
    }
    if (kind == TP_NULL || kind == TP_MISALIGN) {
        tp_st.faults++;
        tp_st.faults_of[kind]++;
    }
    return kind == TP_NULL ? NULL : hand_out(size, kind == TP_MISALIGN);
}

static int free_locked(void *page, size_t size, size_t align, int forced, tp_kind kind)
{
    uint64_t n = ++tp_st.free_calls;
    tp_st.free_calls_total++;
    tp_st.last_freed = page;
    tp_block *b = tp_find_live((uintptr_t)page);
    if (b == NULL || b->size != size || align != size) {
        breach("free of a block not live, or with another size", page, size, align);
    }
    if (!forced) {
        kind = planned(n, 0);
    }
    if (kind == TP_REFUSE) {
        tp_st.faults += forced ? 0 : 1;
        tp_st.faults_of[TP_REFUSE] += forced ? 0 : 1;
        tp_st.refused++;
        return 1;
    }
    tp_st.live--;
    tp_st.taken_back++;
    if (b->aligned) {
        tp_st.live_aligned--;
        tp_st.live_bytes -= size;
        tp_st.taken_back_total++;
    }
    tp_retire(b);
    return 0;
}

void *test_pages_alloc(size_t size, size_t align)
{
    pthread_mutex_lock(&tp_mu);
    void *p = alloc_locked(size, align, 0, TP_NONE);
    pthread_mutex_unlock(&tp_mu);
    return p;
}

void *test_pages_alloc_as(size_t size, size_t align, tp_kind kind)
{
    pthread_mutex_lock(&tp_mu);
    void *p = alloc_locked(size, align, 1, kind);
    pthread_mutex_unlock(&tp_mu);
    return p;
}

void *test_pages_alloc_again(size_t size, size_t align, const void *page)
{
    pthread_mutex_lock(&tp_mu);
    tp_st.alloc_calls++;
    tp_st.alloc_calls_total++;
    const tp_block *b = tp_find_live((uintptr_t)page);
    if (size != align || b == NULL || !b->aligned || b->size != size) {
        breach("alloc_again of a block not a live page of that size", page, size, align);
    }
    tp_st.faults++;
    tp_st.faults_of[TP_DUPLICATE]++;
    pthread_mutex_unlock(&tp_mu);
    return (void *)page;
}

int test_pages_free(void *page, size_t size, size_t align)
{
    pthread_mutex_lock(&tp_mu);
    int r = free_locked(page, size, align, 0, TP_NONE);
    pthread_mutex_unlock(&tp_mu);
    return r;
}

int test_pages_free_as(void *page, size_t size, size_t align, tp_kind kind)
{
    pthread_mutex_lock(&tp_mu);
    int r = free_locked(page, size, align, 1, kind);
    pthread_mutex_unlock(&tp_mu);
    return r;
}
