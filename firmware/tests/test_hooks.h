/*
 * The test runner's page hooks: the static_pages provider, with faults that
 * a test can inject (next alloc returns NULL, next alloc returns a misaligned
 * block, next free is refused), and counters of every call.
 */
#ifndef FW_TESTS_HOOKS_H
#define FW_TESTS_HOOKS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    FAULT_NONE = 0,
    FAULT_ALLOC_NULL,       /* the next allocs return NULL */
    FAULT_ALLOC_MISALIGNED, /* the next allocs return a block off by 64 bytes */
    FAULT_FREE_REFUSED,     /* the next frees return non-zero, keeping the page */
} test_fault;

/* Injects `fault` for the next `count` calls of its kind. */
void test_hooks_inject(test_fault fault, unsigned count);

typedef struct {
    unsigned long allocs;      /* pages handed to libslab */
    unsigned long frees;       /* pages taken back */
    unsigned long misaligned_back; /* misaligned blocks that came back */
    unsigned long outstanding; /* allocs - frees */
} test_hook_counts;

void test_hooks_counts(test_hook_counts *out);

#ifdef __cplusplus
}
#endif

#endif /* FW_TESTS_HOOKS_H */
