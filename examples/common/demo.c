/* SPDX-License-Identifier: MIT */
/*
 * libslab on a board: one cache of 64-byte packets over pages cut from a
 * static buffer. It seeds the secret, fills three slabs, checks the cache's
 * counters, shows what slab_free's status tells (a double free and an
 * interior pointer refused, nothing changed), frees everything, destroys the
 * cache and checks that every page went back to the buffer.
 *
 * Output: lines "<board>: ..." over semihosting, the last "<board>: PASS";
 * the exit status (semihosting SYS_EXIT_EXTENDED, startup.c) is 0 only then.
 */
#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "buffer_pages.h"
#include "semihost.h"
#include "slab/slab.h"

/* libslab's pages: a static buffer of BOARD_PAGE_BYTES (in .bss), cut into
 * self-aligned pages by hooks/buffer_pages. One line defines the two page
 * hooks and slab_secret, whose first value is the build's random one
 * (SLAB_BUILD_SECRET, from the CMake build tree) until board_seed_secret(). */
DEFINE_SLAB_BUFFER_HOOKS(slab_ram, BOARD_PAGE_BYTES);

typedef struct {
    uint32_t seq;
    uint16_t len;
    uint8_t data[58];
} packet; /* 64 bytes */

#define MAX_LIVE 256u
static packet *live[MAX_LIVE];

/* ---- output: one line at a time, no printf ---------------------------- */
static char line[160];
static size_t line_len;

static void put(const char *s)
{
    while (*s != '\0' && line_len < sizeof line - 2) {
        line[line_len++] = *s++;
    }
}
static void put_uint(unsigned long v)
{
    char digits[12];
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    while (n > 0u && line_len < sizeof line - 2) {
        line[line_len++] = digits[--n];
    }
}
static void begin(void)
{
    line_len = 0;
    put(BOARD_NAME ": ");
}
static void end(void)
{
    line[line_len++] = '\n';
    line[line_len] = '\0';
    semihost_write0(line);
}
static int fail(const char *what, slab_status status)
{
    begin();
    put("FAIL: ");
    put(what);
    put(": ");
    put(slab_status_str(status));
    end();
    return 1;
}

/* ---- the cache's report hook: every misuse it detects, once ----------- */
static unsigned reports;
static slab_status last_report;
static void on_misuse(void *ctx, slab_cache *cache, slab_status status, void *ptr)
{
    (void)ctx;
    (void)cache;
    (void)ptr;
    reports++;
    last_report = status;
}

int main(void)
{
    /* The secret first: caches made under one value are refused under
     * another (SLAB_ESECRET). */
    const char *secret_from = board_seed_secret();
    begin();
    put("slab_secret from ");
    put(secret_from);
    end();

    /* Slab size 0: the build's SLAB_DEFAULT_SLAB_SIZE, so that slab_free()
     * finds an object's slab by masking its address. SLAB_LOCK_IRQ: the
     * cache may be shared with interrupt handlers (PRIMASK). */
    slab_cache *packets = NULL;
    slab_status st = slab_cache_create(&packets, sizeof(packet), 0, 0, SLAB_LOCK_IRQ);
    if (st != SLAB_OK) {
        return fail("slab_cache_create", st);
    }
    st = slab_cache_set_error_handler(packets, on_misuse, NULL);
    if (st != SLAB_OK) {
        return fail("slab_cache_set_error_handler", st);
    }
    slab_stats s;
    st = slab_cache_stats(packets, &s);
    if (st != SLAB_OK) {
        return fail("slab_cache_stats", st);
    }
    begin();
    put("cache of ");
    put_uint(s.obj_size);
    put(" B objects in ");
    put_uint(s.slab_size);
    put(" B slabs: ");
    put_uint(s.objs_in_master);
    put(" in the master, ");
    put_uint(s.objs_per_slab);
    put(" in each further slab");
    end();

    /* Fill the master and two more slabs. */
    const unsigned target = s.objs_in_master + 2u * s.objs_per_slab;
    if (target > MAX_LIVE) {
        return fail("more objects than MAX_LIVE", SLAB_ETOOBIG);
    }
    for (unsigned n = 0; n < target; n++) {
        packet *p = slab_alloc_status(packets, &st);
        if (p == NULL) {
            return fail("slab_alloc_status", st);
        }
        p->seq = n;
        p->len = (uint16_t)sizeof p->data;
        for (unsigned i = 0; i < sizeof p->data; i++) {
            p->data[i] = (uint8_t)(n + i);
        }
        live[n] = p;
    }
    for (unsigned n = 0; n < target; n++) { /* no two objects overlap */
        const packet *p = live[n];
        int intact = p->seq == n && p->len == sizeof p->data;
        for (unsigned i = 0; intact && i < sizeof p->data; i++) {
            intact = p->data[i] == (uint8_t)(n + i);
        }
        if (!intact) {
            return fail("an object was overwritten", SLAB_ECORRUPT);
        }
    }
    st = slab_cache_stats(packets, &s);
    if (st != SLAB_OK) {
        return fail("slab_cache_stats", st);
    }
    if (s.objs_in_use != target || s.objs_peak != target || s.slabs_in_use != 3u || s.pages_taken != 3u) {
        return fail("counters after the allocations", SLAB_ECORRUPT);
    }
    begin();
    put_uint(s.objs_in_use);
    put(" live objects, intact, in ");
    put_uint(s.slabs_in_use);
    put(" slabs (");
    put_uint(s.pages_taken);
    put(" pages taken from the buffer)");
    end();

    /* slab_free's status: misuse is refused, reported, and changes nothing. */
    st = slab_free(live[0]);
    if (st != SLAB_OK) {
        return fail("slab_free", st);
    }
    const slab_status twice = slab_free(live[0]);
    const slab_status inside = slab_free(&live[1]->data[0]);
    if (twice != SLAB_EDOUBLEFREE || inside != SLAB_ENOTSLOT || reports != 2u || last_report != SLAB_ENOTSLOT) {
        return fail("slab_free of a freed object, of an interior pointer", twice != SLAB_EDOUBLEFREE ? twice : inside);
    }
    st = slab_cache_stats(packets, &s);
    if (st != SLAB_OK || s.objs_in_use != target - 1u) {
        return fail("counters after the refused frees", st != SLAB_OK ? st : SLAB_ECORRUPT);
    }
    begin();
    put("slab_free refused a double free (");
    put(slab_status_str(twice));
    put(") and an interior pointer (");
    put(slab_status_str(inside));
    put("), ");
    put_uint(reports);
    put(" reports, ");
    put_uint(s.objs_in_use);
    put(" still live");
    end();

    for (unsigned n = 1; n < target; n++) {
        st = slab_free(live[n]);
        if (st != SLAB_OK) {
            return fail("slab_free", st);
        }
    }
    st = slab_cache_stats(packets, &s);
    if (st != SLAB_OK) {
        return fail("slab_cache_stats", st);
    }
    if (s.objs_in_use != 0u || s.objs_peak != target || s.slabs_in_use != 2u ||
        s.pages_taken - s.pages_given != s.slabs_in_use || s.hook_failures != 0u) {
        return fail("counters after freeing everything", SLAB_ECORRUPT);
    }
    begin();
    put("all freed: 0 live, peak ");
    put_uint(s.objs_peak);
    put(", ");
    put_uint(s.slabs_in_use);
    put(" slabs kept (the master and a spare), ");
    put_uint(s.pages_given);
    put(" given back to the buffer");
    end();

    st = slab_cache_destroy(packets);
    if (st != SLAB_OK) {
        return fail("slab_cache_destroy", st);
    }
    buffer_pool_stats pool;
    buffer_pool_get_stats(slab_ram(), &pool);
    if (pool.free_bytes != pool.pool_bytes || pool.allocs != pool.frees) {
        return fail("pages missing from the buffer after destroy", SLAB_ECORRUPT);
    }
    begin();
    put("cache destroyed: ");
    put_uint(pool.free_bytes);
    put(" of ");
    put_uint(pool.pool_bytes);
    put(" B of pages free again (");
    put_uint(pool.overhead_bytes);
    put(" B of the buffer are the pool's own state)");
    end();

    begin();
    put("PASS");
    end();
    return 0;
}
