/* Page hooks of libslab's heap in bench/heap: two providers over an arena.
 *   PAGES_STACK   O(1): blocks of each power-of-two size on a LIFO free
 *                 list, new ones cut from the arena's aligned front (the
 *                 timing runs: the hook's cost does not depend on history).
 *   PAGES_BUDDY   hooks/buffer_pages over the arena (the memory runs: the
 *                 provider a firmware would use; its state is in the arena).
 * Both count the bytes held and their peak. */
#ifndef BENCH_HEAP_PAGES_H
#define BENCH_HEAP_PAGES_H

#include <stddef.h>

typedef enum { PAGES_STACK, PAGES_BUDDY } pages_kind;

/* 0 on success (the buddy pool refuses an arena too small for a page). */
int pages_init(pages_kind kind, void *arena, size_t size);
size_t pages_held(void);
size_t pages_peak(void);

#endif
