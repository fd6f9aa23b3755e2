/* SPDX-License-Identifier: MIT */
/*
 * Buddy page provider over any buffer (see buffer_pages.h for the contract,
 * the overhead and the costs; docs/buffer-pages.md for the routing of
 * several regions).
 *
 * Layout of a buffer [buf, buf + size):
 *
 *   | pad < min_page | pages: U * min_page bytes | state | tail |
 *   ^buf             ^base (min_page-aligned)    ^limit
 *
 *   state = struct buffer_pool (the returned pointer), its free-list heads
 *   (one per order), then the map: one byte per min_page unit of the pages.
 *   U is the largest count with U * min_page + state <= size - pad, so the
 *   tail is less than min_page + 1 bytes.
 *
 * A block of order k is min_page << k bytes, aligned to its size in absolute
 * addresses (so its buddy is its address XOR its size). Every byte of the
 * pages lies in exactly one block, free or used. The map:
 *
 *   map[u] == TAG_FREE | k   unit u starts a free block of order k, which is
 *                            on free list k
 *   map[u] == TAG_USED | k   unit u starts a block of order k handed out
 *   map[u] == 0              unit u is inside a block, not at its start
 *
 * Invariants (kept by every call, under the interrupt mask):
 *   bit k of nonempty == (list k is not empty)
 *   free_bytes == sum of the sizes of the blocks on the free lists
 *   allocs - frees == number of TAG_USED entries in the map
 *
 *   split (alloc of order k from a free block of order j > k):
 *     [ j            ]  =>  [ k ][ k ][ k+1   ][ ... j-1       ]
 *      ^taken               ^used  ^free lists k, k+1, ..., j-1
 *   merge (free): while the buddy is TAG_FREE of the same order, take it
 *     off its list and join: [ k ][ k ] => [ k+1      ]
 */
#include "buffer_pages.h"

#include <stdint.h>

enum {
    TAG_FREE = 0x80,
    TAG_USED = 0x40,
    TAG_ORDER = 0x3F,
};

/* Lives in the first bytes of every free block. */
typedef struct free_block {
    struct free_block *next; /* next free block of the same order, or NULL */
    struct free_block *prev; /* previous one, or NULL for the list head */
} free_block;

struct buffer_pool {
    uintptr_t base;       /* first byte of the pages */
    uintptr_t limit;      /* one past their last byte */
    unsigned char *map;   /* one byte per unit, see above */
    size_t free_bytes;    /* bytes on the free lists */
    size_t overhead;      /* size - (limit - base) */
    unsigned long allocs, frees, refused;
    uint32_t nonempty;    /* bit k: head[k] != NULL */
    unsigned char shift;  /* log2(min_page) */
    unsigned char orders; /* orders 0 .. orders-1 */
    free_block *head[];   /* free list per order */
};

/* Interrupt mask for the length of one call (single core). */
#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
static inline uint32_t mask_irq(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}
static inline void unmask_irq(uint32_t primask) { __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory"); }
#else
static inline uint32_t mask_irq(void) { return 0; }
static inline void unmask_irq(uint32_t primask) { (void)primask; }
#endif

static int is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

static unsigned log2_of(size_t pow2)
{
    unsigned n = 0;
    while (pow2 > 1) {
        pow2 >>= 1;
        n++;
    }
    return n;
}

static size_t bytes_of(const buffer_pool *p, unsigned k) { return (size_t)1 << (p->shift + k); }
static size_t unit_of(const buffer_pool *p, uintptr_t a) { return (size_t)((a - p->base) >> p->shift); }

static void push(buffer_pool *p, uintptr_t a, unsigned k)
{
    free_block *b = (free_block *)a;
    b->prev = NULL;
    b->next = p->head[k];
    if (b->next != NULL) {
        b->next->prev = b;
    }
    p->head[k] = b;
    p->nonempty |= (uint32_t)1 << k;
    p->map[unit_of(p, a)] = (unsigned char)(TAG_FREE | k);
    p->free_bytes += bytes_of(p, k);
}

static void unlink_block(buffer_pool *p, uintptr_t a, unsigned k)
{
    free_block *b = (free_block *)a;
    if (b->prev != NULL) {
        b->prev->next = b->next;
    } else {
        p->head[k] = b->next;
    }
    if (b->next != NULL) {
        b->next->prev = b->prev;
    }
    if (p->head[k] == NULL) {
        p->nonempty &= ~((uint32_t)1 << k);
    }
    p->map[unit_of(p, a)] = 0;
    p->free_bytes -= bytes_of(p, k);
}

buffer_pool *buffer_pool_init(void *buf, size_t size, size_t min_page, size_t max_page)
{
    return buffer_pool_init_status(buf, size, min_page, max_page, NULL);
}

/* NULL, with *why set when why is not NULL. */
static buffer_pool *refuse_pool(buffer_pool_status *why, buffer_pool_status st)
{
    if (why != NULL) {
        *why = st;
    }
    return NULL;
}

/* True when the pages [base, limit) hold an aligned block of `bytes`. */
static int holds_block(uintptr_t base, uintptr_t limit, size_t bytes)
{
    uintptr_t first = (base + (bytes - 1u)) & ~(uintptr_t)(bytes - 1u);
    return first >= base && first < limit && limit - first >= bytes;
}

buffer_pool *buffer_pool_init_status(void *buf, size_t size, size_t min_page, size_t max_page,
                                     buffer_pool_status *why)
{
    uintptr_t start = (uintptr_t)buf;
    if (buf == NULL || !is_pow2(min_page) || min_page < sizeof(free_block) || start + size < start) {
        return refuse_pool(why, BUFFER_POOL_EARGS);
    }
    if (max_page != 0 && (!is_pow2(max_page) || max_page < min_page)) {
        return refuse_pool(why, BUFFER_POOL_EARGS);
    }
    if ((start % sizeof(void *)) != 0u) {
        return refuse_pool(why, BUFFER_POOL_EALIGN);
    }
    uintptr_t end = start + size;
    uintptr_t base = (start + (min_page - 1)) & ~(uintptr_t)(min_page - 1);
    if (base < start || base >= end) {
        return refuse_pool(why, BUFFER_POOL_ESMALL);
    }
    size_t avail = (size_t)(end - base);
    unsigned shift = log2_of(min_page);
    unsigned orders = 0;
    if (max_page != 0) {
        orders = log2_of(max_page) - shift + 1;
    } else { /* as large as the buffer allows */
        while (orders < BUFFER_POOL_MAX_ORDERS && shift + orders < sizeof(size_t) * 8 &&
               ((size_t)1 << (shift + orders)) <= avail) {
            orders++;
        }
        if (orders == 0) {
            return refuse_pool(why, BUFFER_POOL_ESMALL);
        }
    }
    if (orders > BUFFER_POOL_MAX_ORDERS) {
        return refuse_pool(why, BUFFER_POOL_EARGS);
    }
    size_t state = sizeof(buffer_pool) + (size_t)orders * sizeof(free_block *);
    if (avail <= state) {
        return refuse_pool(why, BUFFER_POOL_ESMALL);
    }
    size_t units = (avail - state) / (min_page + 1);
    if (units == 0) {
        return refuse_pool(why, BUFFER_POOL_ESMALL);
    }
    uintptr_t limit = base + (uintptr_t)units * min_page;
    if (max_page != 0 && !holds_block(base, limit, max_page)) {
        return refuse_pool(why, BUFFER_POOL_ESMALL); /* the largest page asked for never fits */
    }
    if (why != NULL) {
        *why = BUFFER_POOL_OK;
    }
    buffer_pool *p = (buffer_pool *)limit;
    p->base = base;
    p->limit = limit;
    p->map = (unsigned char *)limit + state;
    p->free_bytes = 0;
    p->overhead = size - (size_t)(limit - base);
    p->allocs = 0;
    p->frees = 0;
    p->refused = 0;
    p->nonempty = 0;
    p->shift = (unsigned char)shift;
    p->orders = (unsigned char)orders;
    for (unsigned k = 0; k < orders; k++) {
        p->head[k] = NULL;
    }
    for (size_t u = 0; u < units; u++) {
        p->map[u] = 0;
    }
    /* Cut the pages into the largest self-aligned blocks that fit. */
    uintptr_t a = base;
    while (limit - a >= min_page) {
        unsigned k = 0;
        while (k + 1 < orders && a % bytes_of(p, k + 1) == 0 && limit - a >= bytes_of(p, k + 1)) {
            k++;
        }
        push(p, a, k);
        a += bytes_of(p, k);
    }
    return p;
}

buffer_pool *buffer_pool_once(buffer_pool **slot, void *buf, size_t size, size_t min_page, size_t max_page)
{
    if (slot == NULL) {
        return NULL;
    }
    uint32_t saved = mask_irq();
    if (*slot == NULL) {
        *slot = buffer_pool_init(buf, size, min_page, max_page);
    }
    buffer_pool *p = *slot;
    unmask_irq(saved);
    return p;
}

/* Order of a request, or -1 when it is not one this pool serves. */
static int order_of(const buffer_pool *p, size_t size, size_t align)
{
    if (!is_pow2(size) || !is_pow2(align) || align > size) {
        return -1;
    }
    unsigned k = 0;
    while (bytes_of(p, k) < size) {
        if (++k == p->orders) {
            return -1;
        }
    }
    return (int)k;
}

void *buffer_pool_alloc(buffer_pool *pool, size_t size, size_t align)
{
    if (pool == NULL) {
        return NULL;
    }
    int order = order_of(pool, size, align);
    if (order < 0) {
        return NULL;
    }
    unsigned k = (unsigned)order;
    void *page = NULL;
    uint32_t saved = mask_irq();
    uint32_t fits = pool->nonempty >> k;
    if (fits != 0) {
        unsigned j = k + (unsigned)__builtin_ctz(fits);
        uintptr_t a = (uintptr_t)pool->head[j];
        unlink_block(pool, a, j);
        while (j > k) { /* keep the lower half, free the upper one */
            j--;
            push(pool, a + bytes_of(pool, j), j);
        }
        pool->map[unit_of(pool, a)] = (unsigned char)(TAG_USED | k);
        pool->allocs++;
        page = (void *)a;
    }
    unmask_irq(saved);
    return page;
}

int buffer_pool_free(buffer_pool *pool, void *page, size_t size, size_t align)
{
    if (pool == NULL) {
        return 1;
    }
    int order = order_of(pool, size, align);
    uintptr_t a = (uintptr_t)page;
    uint32_t saved = mask_irq();
    int owned = order >= 0 && a >= pool->base && a < pool->limit && a % bytes_of(pool, (unsigned)order) == 0 &&
                pool->map[unit_of(pool, a)] == (TAG_USED | (unsigned)order);
    if (owned == 0) {
        pool->refused++;
        unmask_irq(saved);
        return 1;
    }
    unsigned k = (unsigned)order;
    pool->map[unit_of(pool, a)] = 0;
    while (k + 1u < pool->orders) {
        uintptr_t buddy = a ^ bytes_of(pool, k);
        if (buddy < pool->base || buddy >= pool->limit || pool->limit - buddy < bytes_of(pool, k) ||
            pool->map[unit_of(pool, buddy)] != (TAG_FREE | k)) {
            break;
        }
        unlink_block(pool, buddy, k);
        a = a < buddy ? a : buddy;
        k++;
    }
    push(pool, a, k);
    pool->frees++;
    unmask_irq(saved);
    return 0;
}

int buffer_pool_owns(const buffer_pool *pool, const void *page)
{
    uintptr_t a = (uintptr_t)page;
    return pool != NULL && a >= pool->base && a < pool->limit;
}

void buffer_pool_get_stats(const buffer_pool *pool, buffer_pool_stats *out)
{
    if (out == NULL) {
        return;
    }
    if (pool == NULL) {
        out->pool_bytes = 0;
        out->overhead_bytes = 0;
        out->free_bytes = 0;
        out->largest_free = 0;
        out->min_page = 0;
        out->max_page = 0;
        out->allocs = 0;
        out->frees = 0;
        out->refused = 0;
        return;
    }
    uint32_t saved = mask_irq();
    out->pool_bytes = (size_t)(pool->limit - pool->base);
    out->overhead_bytes = pool->overhead;
    out->free_bytes = pool->free_bytes;
    out->largest_free = pool->nonempty == 0 ? 0 : bytes_of(pool, 31u - (unsigned)__builtin_clz(pool->nonempty));
    out->min_page = bytes_of(pool, 0);
    out->max_page = bytes_of(pool, pool->orders - 1u);
    out->allocs = pool->allocs;
    out->frees = pool->frees;
    out->refused = pool->refused;
    unmask_irq(saved);
}

size_t buffer_pool_free_bytes(const buffer_pool *pool)
{
    buffer_pool_stats s;
    buffer_pool_get_stats(pool, &s);
    return s.free_bytes;
}

size_t buffer_pool_largest_free(const buffer_pool *pool)
{
    buffer_pool_stats s;
    buffer_pool_get_stats(pool, &s);
    return s.largest_free;
}

void *buffer_pool_page_alloc(void *pool, size_t size, size_t align)
{
    return buffer_pool_alloc((buffer_pool *)pool, size, align);
}

int buffer_pool_page_free(void *pool, void *page, size_t size, size_t align)
{
    return buffer_pool_free((buffer_pool *)pool, page, size, align);
}
