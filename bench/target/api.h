/*
 * The allocator front ends under measurement, behind one small table so the
 * workload runs the same operations through each: the C API with no lock and
 * with SLAB_LOCK_IRQ, and the C++ Box with slab::NoLock and slab::IrqLock.
 * Every cache holds 64-byte objects in 4 KiB slabs (the default slab size,
 * so slab_free() finds the slab by masking).
 */
#ifndef BENCH_TARGET_API_H
#define BENCH_TARGET_API_H

#include <stdint.h>

#include "counter.h"
#include "slab/slab.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { BENCH_OBJ_SIZE = 64 };

typedef struct {
    const char *front;             /* "C" or "C++ Box" */
    const char *lock;              /* "none" or "irq" */
    slab_status (*create)(void);   /* makes the one cache of this front */
    slab_status (*destroy)(void);  /* ends it (every object is back) */
    slab_cache *(*raw)(void);      /* the cache, for statistics and classification */
    counter_fn alloc;              /* called as alloc(alloc_arg()): the object or NULL */
    uintptr_t (*alloc_arg)(void);
    counter_fn free;               /* called as free(obj) */
    int free_has_status;           /* free returns a slab_status (C), or nothing (Box) */
} bench_api;

extern const bench_api bench_c_nolock, bench_c_irq; /* api_c.c */
/* The RTOS locks (ARMv7-M and ARMv8-M Mainline): SLAB_LOCK_BASEPRI, and a
 * PRIMASK lock of the program's through slab_lock_ops. */
extern const bench_api bench_c_basepri, bench_c_ops;
extern const bench_api bench_box_nolock, bench_box_irq; /* api_box.cpp */

#ifdef __cplusplus
}
#endif

#endif /* BENCH_TARGET_API_H */
