/* SPDX-License-Identifier: MIT */
/*
 * Buddy page provider over any buffer (see buffer_pages.h for the contract,
 * the overhead and the costs; docs/buffer-pages.md for the routing of
 * several regions). The buddy logic, its map and its invariants:
 * hooks/buddy/buddy.h; this file places a pool in the caller's buffer.
 *
 * Layout of a buffer [buf, buf + size):
 *
 *   | pad < min_page | pages: U * min_page bytes | state | tail |
 *   ^buf             ^base (min_page-aligned)    ^limit
 *
 *   state = the buddy_pool (the returned buffer_pool pointer), its
 *   free-list heads (one per order), then the map: one byte per min_page
 *   unit of the pages. U is the largest count with
 *   U * min_page + state <= size - pad, so the tail is less than
 *   min_page + 1 bytes.
 */
#include "buffer_pages.h"

#include <stdint.h>

#include "../buddy/buddy.h"

static unsigned log2_of(size_t pow2)
{
    unsigned n = 0;
    while (pow2 > 1u) {
        pow2 >>= 1;
        n++;
    }
    return n;
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
    if (buf == NULL || !buddy_is_pow2(min_page) || min_page < sizeof(buddy_block) || start + size < start) {
        return refuse_pool(why, BUFFER_POOL_EARGS);
    }
    if (max_page != 0u && (!buddy_is_pow2(max_page) || max_page < min_page)) {
        return refuse_pool(why, BUFFER_POOL_EARGS);
    }
    if ((start % sizeof(void *)) != 0u) {
        return refuse_pool(why, BUFFER_POOL_EALIGN);
    }
    uintptr_t end = start + size;
    uintptr_t base = (start + (min_page - 1u)) & ~(uintptr_t)(min_page - 1u);
    if (base < start || base >= end) {
        return refuse_pool(why, BUFFER_POOL_ESMALL);
    }
    size_t avail = (size_t)(end - base);
    unsigned shift = log2_of(min_page);
    unsigned orders = 0;
    if (max_page != 0u) {
        orders = log2_of(max_page) - shift + 1u;
    } else { /* as large as the buffer allows */
        while (orders < BUFFER_POOL_MAX_ORDERS && shift + orders < sizeof(size_t) * 8u &&
               ((size_t)1 << (shift + orders)) <= avail) {
            orders++;
        }
        if (orders == 0u) {
            return refuse_pool(why, BUFFER_POOL_ESMALL);
        }
    }
    if (orders > BUFFER_POOL_MAX_ORDERS) {
        return refuse_pool(why, BUFFER_POOL_EARGS);
    }
    size_t state = sizeof(buffer_pool) + (size_t)orders * sizeof(buddy_block *);
    if (avail <= state) {
        return refuse_pool(why, BUFFER_POOL_ESMALL);
    }
    size_t units = (avail - state) / (min_page + 1u);
    if (units == 0u) {
        return refuse_pool(why, BUFFER_POOL_ESMALL);
    }
    uintptr_t limit = base + (uintptr_t)units * min_page;
    if (max_page != 0u && !holds_block(base, limit, max_page)) {
        return refuse_pool(why, BUFFER_POOL_ESMALL); /* the largest page asked for never fits */
    }
    if (why != NULL) {
        *why = BUFFER_POOL_OK;
    }
    buffer_pool *p = (buffer_pool *)limit;
    buddy_init(p, base, limit, (unsigned char *)limit + state, shift, orders);
    p->overhead = size - (size_t)(limit - base);
    return p;
}

buffer_pool *buffer_pool_once(buffer_pool **slot, void *buf, size_t size, size_t min_page, size_t max_page)
{
    if (slot == NULL) {
        return NULL;
    }
    uint32_t saved = buddy_mask_irq();
    if (*slot == NULL) {
        *slot = buffer_pool_init(buf, size, min_page, max_page);
    }
    buffer_pool *p = *slot;
    buddy_unmask_irq(saved);
    return p;
}

void *buffer_pool_alloc(buffer_pool *pool, size_t size, size_t align)
{
    return pool != NULL ? buddy_alloc(pool, size, align) : NULL;
}

int buffer_pool_free(buffer_pool *pool, void *page, size_t size, size_t align)
{
    return pool != NULL ? buddy_free(pool, page, size, align) : 1;
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
    uint32_t saved = buddy_mask_irq();
    out->pool_bytes = (size_t)(pool->limit - pool->base);
    out->overhead_bytes = pool->overhead;
    out->free_bytes = pool->free_bytes;
    out->largest_free = buddy_largest_free(pool);
    out->min_page = buddy_bytes(pool, 0);
    out->max_page = buddy_bytes(pool, pool->orders - 1u);
    out->allocs = pool->allocs;
    out->frees = pool->frees;
    out->refused = pool->refused;
    buddy_unmask_irq(saved);
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
