/*
 * The allocators the FreeRTOS bench compares (bench_main.c), each as two
 * calls of word-sized arguments that counter_call() (bench/target/counter.h)
 * can time: alloc(arg, size) -> pointer, free(arg, pointer).
 */
#ifndef FW_FREERTOS_BENCH_ALLOCATORS_H
#define FW_FREERTOS_BENCH_ALLOCATORS_H

#include <stddef.h>
#include <stdint.h>

#include "counter.h"

typedef struct {
    const char *name;  /* allocator */
    const char *lock;  /* what serializes it */
    counter_fn alloc;  /* uintptr_t (*)(uintptr_t arg, uintptr_t size) */
    counter_fn free;   /* uintptr_t (*)(uintptr_t arg, uintptr_t ptr) */
    uintptr_t arg;     /* the cache or heap, or 0 */
    size_t fixed_size; /* 0: any size; else the only size it serves */
} bench_allocator;

/* Creates the libslab caches and heap (0 on success) and fills *out with
 * at most `max` allocators; returns how many. */
int bench_allocators(bench_allocator *out, int max);

/* Every libslab object destroyed, every page back: 0 on success. */
int bench_allocators_destroy(void);

#endif /* FW_FREERTOS_BENCH_ALLOCATORS_H */
