/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief Trace hooks: one call per event, for a tracing tool (Segger SystemView,
 * Percepio Tracealyzer, a ring buffer of your own), in the style of Zephyr's
 * SYS_PORT_TRACING_OBJ_FUNC.
 *
 * Off by default (SLAB_TRACE 0, slab/config.h): every macro below expands to
 * nothing, so an untraced build has no trace instruction at all. Built with
 * -DSLAB_TRACE=1 (the library and every file that includes slab.h: it is in
 * the option tag, so a mismatch fails to link), each event calls
 * @code
 *   void slab_trace(slab_trace_event event, const slab_cache *cache,
 *                   const void *ptr, uintptr_t arg);
 * @endcode
 * which the program defines, as it defines the page hooks (a traced build
 * without it fails to link). It runs where the event happens: with the
 * cache's lock held (all events but SLAB_TRACE_EV_WAIT's wait itself, which
 * is reported before the waiter blocks, still under the lock), possibly in an
 * interrupt. It must not call into the same cache.
 *
 * | event                | cache | ptr             | arg |
 * | -------------------- | ----- | --------------- | --- |
 * | SLAB_TRACE_EV_ALLOC  | c     | the object      | 0 |
 * | SLAB_TRACE_EV_FREE   | c     | the object      | 0 |
 * | SLAB_TRACE_EV_TAKEN  | c     | the page taken  | its size (from the page source) |
 * | SLAB_TRACE_EV_GIVEN  | c     | the page given  | its size (back to the page source) |
 * | SLAB_TRACE_EV_REFUSE | c     | the pointer     | the slab_status (a refused free, a report) |
 * | SLAB_TRACE_EV_WAIT   | c     | NULL            | ticks the waiter may still wait |
 */
#ifndef SLAB_TRACE_H
#define SLAB_TRACE_H

#include <stdint.h>

#include "slab/config.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief The events of slab_trace() (the table above: what ptr and arg are). */
typedef enum {
    SLAB_TRACE_EV_ALLOC = 0,  /**< an object handed out; ptr: the object */
    SLAB_TRACE_EV_FREE = 1,   /**< an object taken back; ptr: the object */
    SLAB_TRACE_EV_TAKEN = 2,  /**< a page taken from the page source; ptr: the page, arg: its size */
    SLAB_TRACE_EV_GIVEN = 3,  /**< a page given back to the page source; ptr: the page, arg: its size */
    SLAB_TRACE_EV_REFUSE = 4, /**< a refused free, a report; ptr: the pointer, arg: the slab_status */
    SLAB_TRACE_EV_WAIT = 5    /**< a waiter about to block; ptr: NULL, arg: ticks it may still wait */
} slab_trace_event;

struct slab_cache;

#if SLAB_TRACE
/**
 * @brief The program's trace hook, declared in a traced build (SLAB_TRACE 1)
 * only; see the file's description.
 * @param event  what happened
 * @param cache  the cache it happened on
 * @param ptr    the object, page or pointer, as the event says
 * @param arg    the size, status or ticks, as the event says
 */
void slab_trace(slab_trace_event event, const struct slab_cache *cache, const void *ptr, uintptr_t arg);
#define SLAB_TRACE_CALL_(ev, c, p, a) slab_trace((ev), (c), (p), (uintptr_t)(a))
#else
#define SLAB_TRACE_CALL_(ev, c, p, a) ((void)0)
#endif

/** @cond INTERNAL */
/* The library's trace points (src/, detail/cache.hpp): not for programs. */
#define SLAB_TRACE_ALLOC(c, p) SLAB_TRACE_CALL_(SLAB_TRACE_EV_ALLOC, c, p, 0)
#define SLAB_TRACE_FREE(c, p) SLAB_TRACE_CALL_(SLAB_TRACE_EV_FREE, c, p, 0)
#define SLAB_TRACE_TAKEN(c, page, size) SLAB_TRACE_CALL_(SLAB_TRACE_EV_TAKEN, c, page, size)
#define SLAB_TRACE_GIVEN(c, page, size) SLAB_TRACE_CALL_(SLAB_TRACE_EV_GIVEN, c, page, size)
#define SLAB_TRACE_REFUSE(c, p, status) SLAB_TRACE_CALL_(SLAB_TRACE_EV_REFUSE, c, p, status)
#define SLAB_TRACE_WAIT(c, ticks) SLAB_TRACE_CALL_(SLAB_TRACE_EV_WAIT, c, 0, ticks)
/** @endcond */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SLAB_TRACE_H */
