/* SPDX-License-Identifier: MIT */
/*
 * Drop-in malloc over a libslab heap (docs/heap.md, "The drop-in malloc").
 *
 * Add this one file to a program's build, beside its page hooks (slab/hooks.h)
 * and libslab.a: it defines malloc, free, calloc, realloc, aligned_alloc,
 * posix_memalign, memalign, malloc_usable_size (and valloc, pvalloc,
 * reallocarray), and with newlib the reentrant _malloc_r, _free_r,
 * _calloc_r, _realloc_r, _memalign_r, _malloc_usable_size_r, so that
 * newlib's own printf, strdup and stdio buffers allocate from libslab too.
 * Everything goes to one heap, created on the first call; the pointer to it
 * is this file's only static RAM. slab_malloc_heap() returns it (NULL before
 * the first allocation), for statistics.
 *
 * SLAB_MALLOC_LOCK (build time) chooses the heap's lock:
 *   SLAB_MALLOC_LOCK_NONE (0)  one context allocates (or the caller serializes)
 *   SLAB_MALLOC_LOCK_SPIN (1)  threads, several cores (not with an ISR on the same core)
 *   SLAB_MALLOC_LOCK_IRQ  (2)  threads and ISRs of one Cortex-M core
 * Default: IRQ on Cortex-M (safe everywhere on one core), SPIN elsewhere.
 *
 * Two optional hooks, weak: slab_malloc_before_first_heap() runs once before
 * the heap is created (seed slab_secret there), and
 * slab_malloc_after_first_heap(heap) once after it is published (register
 * fork handlers there: it may allocate).
 *
 * Behaviour: malloc(0) returns a unique block; free of a pointer that is not
 * a live block changes nothing (the heap refuses it: see slab_heap_free_in);
 * realloc(p, 0) returns a minimal block; a failed allocation sets errno to
 * ENOMEM where errno exists. memalign, aligned_alloc, posix_memalign, valloc
 * and pvalloc take every alignment as glibc 2.36 does (memalign_as_glibc).
 * Misuse (a refused free or realloc) goes to the heap's report hook, which
 * slab_malloc_after_first_heap() may set (the LD_PRELOAD build aborts there).
 *
 * The calls go one way: this file calls the two weak hooks below and
 * libslab; the program (hooks/malloc/preload.c for LD_PRELOAD) is handed
 * the heap by slab_malloc_after_first_heap() and calls nothing here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "slab/heap.h"

#define SLAB_MALLOC_LOCK_NONE 0
#define SLAB_MALLOC_LOCK_SPIN 1
#define SLAB_MALLOC_LOCK_IRQ 2
#ifndef SLAB_MALLOC_LOCK
#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
#define SLAB_MALLOC_LOCK SLAB_MALLOC_LOCK_IRQ
#else
#define SLAB_MALLOC_LOCK SLAB_MALLOC_LOCK_SPIN
#endif
#endif

#if SLAB_MALLOC_LOCK == SLAB_MALLOC_LOCK_NONE
#define SLAB_MALLOC_FLAGS 0u
#elif SLAB_MALLOC_LOCK == SLAB_MALLOC_LOCK_SPIN
#define SLAB_MALLOC_FLAGS SLAB_LOCK_SPIN
#elif SLAB_MALLOC_LOCK == SLAB_MALLOC_LOCK_IRQ
#define SLAB_MALLOC_FLAGS SLAB_LOCK_IRQ
#else
#error "SLAB_MALLOC_LOCK must be 0 (none), 1 (spin) or 2 (irq)"
#endif

#ifndef SLAB_MALLOC_API
#define SLAB_MALLOC_API /* visibility or section attributes of the entry points */
#endif

void slab_malloc_before_first_heap(void) __attribute__((weak));
void slab_malloc_after_first_heap(slab_heap *heap) __attribute__((weak));

/* The file's only static RAM. */
static slab_heap *the_heap;

/* The heap, or NULL before the first one. */
static inline slab_heap *current_heap(void) { return __atomic_load_n(&the_heap, __ATOMIC_ACQUIRE); }

SLAB_MALLOC_API slab_heap *slab_malloc_heap(void);
SLAB_MALLOC_API slab_heap *slab_malloc_heap(void) { return current_heap(); }

/* The heap, created on first use. Two threads racing here both create one;
 * the loser destroys its own (still empty). */
static slab_heap *heap_slow(void)
{
    if (slab_malloc_before_first_heap != NULL) {
        slab_malloc_before_first_heap();
    }
    slab_heap *mine = NULL;
    if (slab_heap_create(&mine, SLAB_MALLOC_FLAGS) != SLAB_OK) {
        return NULL;
    }
    slab_heap *expected = NULL;
    if (!__atomic_compare_exchange_n(&the_heap, &expected, mine, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        (void)slab_heap_destroy(mine);
        return expected;
    }
    if (slab_malloc_after_first_heap != NULL) {
        slab_malloc_after_first_heap(mine);
    }
    return mine;
}

static inline slab_heap *heap(void)
{
    slab_heap *h = current_heap();
    return __builtin_expect(h != NULL, 1) ? h : heap_slow();
}

static inline void *nomem(void *p)
{
    if (p == NULL) {
        errno = ENOMEM;
    }
    return p;
}

SLAB_MALLOC_API void *malloc(size_t size);
SLAB_MALLOC_API void free(void *ptr);
SLAB_MALLOC_API void *calloc(size_t n, size_t size);
SLAB_MALLOC_API void *realloc(void *ptr, size_t size);
SLAB_MALLOC_API void *aligned_alloc(size_t align, size_t size);
SLAB_MALLOC_API int posix_memalign(void **out, size_t align, size_t size);
SLAB_MALLOC_API void *memalign(size_t align, size_t size);
SLAB_MALLOC_API size_t malloc_usable_size(void *ptr);
SLAB_MALLOC_API void *valloc(size_t size);
SLAB_MALLOC_API void *pvalloc(size_t size);
SLAB_MALLOC_API void *reallocarray(void *ptr, size_t n, size_t size);

void *malloc(size_t size) { return nomem(slab_heap_alloc(heap(), size)); }

/* Through the heap's own table for large blocks (slab_heap_free_in): a
 * block freed twice after its page went back to the OS is refused, never
 * read. Before the first heap nothing can be ours (SLAB_EINVAL, ignored). */
void free(void *ptr) { (void)slab_heap_free_in(current_heap(), ptr); }

void *calloc(size_t n, size_t size) { return nomem(slab_heap_calloc(heap(), n, size)); }

/* The first call's realloc, which creates the heap: out of line, so that
 * every other call's needs no stack frame. */
static __attribute__((noinline)) void *realloc_first(void *ptr, size_t size)
{
    return slab_heap_realloc(heap_slow(), ptr, size);
}

void *realloc(void *ptr, size_t size)
{
    slab_heap *h = current_heap();
    if (__builtin_expect(h == NULL, 0)) {
        return nomem(realloc_first(ptr, size));
    }
    return nomem((ptr == NULL) ? slab_heap_alloc(h, size) : slab_heap_realloc(h, ptr, size));
}

/* glibc 2.36's memalign, which aligned_alloc is there too (2.38 made
 * aligned_alloc refuse an alignment that is not a power of two): an
 * alignment up to MALLOC_ALIGNMENT is malloc's (0 included); any other
 * is rounded up to a power of two; one above SIZE_MAX / 2 + 1 sets EINVAL. */
/* glibc's MALLOC_ALIGNMENT: two words (16 B on x86-64, 8 on Cortex-M); the
 * heap's blocks are aligned to alignof(max_align_t), at least that. */
#define SLAB_MALLOC_MIN_ALIGN (2u * sizeof(void *))

static void *memalign_as_glibc(size_t align, size_t size)
{
    if (align <= SLAB_MALLOC_MIN_ALIGN) {
        return nomem(slab_heap_alloc(heap(), size));
    }
    if (align > ((SIZE_MAX / 2u) + 1u)) {
        errno = EINVAL;
        return NULL;
    }
    size_t pow2 = align;
    if ((align & (align - 1u)) != 0u) {
        pow2 = (size_t)1 << (unsigned)((sizeof(size_t) * 8u) - (size_t)__builtin_clzl(align));
    }
    return nomem(slab_heap_aligned_alloc(heap(), pow2, size));
}

void *aligned_alloc(size_t align, size_t size) { return memalign_as_glibc(align, size); }

void *memalign(size_t align, size_t size) { return memalign_as_glibc(align, size); }

int posix_memalign(void **out, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0) {
        return EINVAL;
    }
    void *p = memalign_as_glibc(align, size);
    if (p == NULL) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}

size_t malloc_usable_size(void *ptr) { return slab_heap_usable_size_in(current_heap(), ptr); }

#define SLAB_MALLOC_PAGE ((size_t)4096)

void *valloc(size_t size) { return memalign_as_glibc(SLAB_MALLOC_PAGE, size); }

void *pvalloc(size_t size)
{
    size_t rounded = (size + SLAB_MALLOC_PAGE - 1) & ~(SLAB_MALLOC_PAGE - 1);
    if (rounded < size) {
        return nomem(NULL);
    }
    return memalign_as_glibc(SLAB_MALLOC_PAGE, rounded);
}

void *reallocarray(void *ptr, size_t n, size_t size)
{
    size_t bytes = 0;
    if (__builtin_mul_overflow(n, size, &bytes)) {
        return nomem(NULL);
    }
    return realloc(ptr, bytes);
}

#if defined(_NEWLIB_VERSION) || defined(__NEWLIB__)
/* newlib's own code (printf, strdup, stdio buffers) calls the reentrant
 * forms: the same heap. The reentrancy structure carries errno. */
#include <reent.h>

SLAB_MALLOC_API void *_malloc_r(struct _reent *r, size_t size);
SLAB_MALLOC_API void _free_r(struct _reent *r, void *ptr);
SLAB_MALLOC_API void *_calloc_r(struct _reent *r, size_t n, size_t size);
SLAB_MALLOC_API void *_realloc_r(struct _reent *r, void *ptr, size_t size);
SLAB_MALLOC_API void *_memalign_r(struct _reent *r, size_t align, size_t size);
SLAB_MALLOC_API size_t _malloc_usable_size_r(struct _reent *r, void *ptr);

static inline void *nomem_r(struct _reent *r, void *p)
{
    if (p == NULL) {
        r->_errno = ENOMEM;
    }
    return p;
}

void *_malloc_r(struct _reent *r, size_t size) { return nomem_r(r, slab_heap_alloc(heap(), size)); }
void _free_r(struct _reent *r, void *ptr)
{
    (void)r;
    (void)slab_heap_free_in(current_heap(), ptr);
}
void *_calloc_r(struct _reent *r, size_t n, size_t size) { return nomem_r(r, slab_heap_calloc(heap(), n, size)); }
void *_realloc_r(struct _reent *r, void *ptr, size_t size)
{
    return nomem_r(r, slab_heap_realloc(heap(), ptr, size));
}
void *_memalign_r(struct _reent *r, size_t align, size_t size)
{
    int saved = errno;
    void *p = memalign_as_glibc(align, size);
    if (p == NULL) {
        r->_errno = errno;
    }
    errno = saved;
    return p;
}
size_t _malloc_usable_size_r(struct _reent *r, void *ptr)
{
    (void)r;
    return slab_heap_usable_size_in(current_heap(), ptr);
}
#endif
