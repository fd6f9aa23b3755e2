/* SPDX-License-Identifier: MIT */
/*
 * The host side of the LD_PRELOAD malloc (make malloc-preload,
 * build/host-gcc/libslab_malloc.so = this file + slab_malloc.c +
 * hooks/mmap_pages + libslab's sources built -fPIC; docs/malloc.md):
 *   - the page hooks, over mmap (never malloc);
 *   - slab_secret, from getrandom() (else AT_RANDOM) before the first heap;
 *   - misuse: a free or realloc the heap refuses (a double free, a stack or
 *     interior pointer) prints one line on standard error naming the
 *     status and the pointer,
 *       slab_malloc: SLAB_EDOUBLEFREE on 0x5581c4d2a2a0 (free or realloc of a pointer that is not a live block)
 *     then abort()s, as glibc does; with SLAB_MALLOC_ON_ERROR=report in the
 *     environment the program goes on (the call changes nothing);
 *   - glibc's statistics and tuning calls, answered from the heap's and the
 *     provider's own figures: mallinfo, mallinfo2, malloc_trim,
 *     malloc_stats, malloc_info, mallopt;
 *   - fork safety: the heap's and the provider's locks are held across
 *     fork() and released in parent and child (pthread_atfork);
 *   - each thread's magazines (slab_heap_use_cores), from the first time
 *     two threads meet at the heap's lock: a thread-local slot, given back
 *     when the thread ends (a pthread key's destructor);
 *     SLAB_MALLOC_MAGAZINES=0 in the environment leaves them off, =1 starts
 *     them with the first allocation;
 *   - with SLAB_MALLOC_STATS=1 in the environment, one line on standard
 *     error at exit, every page held for the heap counted (the heap's, and
 *     the free pages the provider keeps for reuse):
 *     slab_malloc: <allocs> allocs, <frees> frees, peak <bytes> bytes in use, <pages> pages held at exit (<bytes> bytes, <cached> of them cached by the page provider)
 *
 * Calls go one way: slab_malloc.c calls the two hooks below, and hands the
 * heap to the second; nothing here calls slab_malloc.c. Nothing here
 * allocates before the heap exists.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* The drop-in chooses 0 as the first value (so that the providers leave it
 * alone) and replaces it from the OS before the first heap, below. */
#define SLAB_SECRET_INIT 0
#include "../hosted/os_secret.h"
#include "../mmap_pages/mmap_pages.h"
#include "slab/heap.h"

DEFINE_SLAB_HOOKS(mmap_page_alloc, mmap_page_free);

/* This file is built -fvisibility=hidden; glibc's calls below are exported
 * (preload.map). */
#define PRELOAD_API __attribute__((visibility("default")))

PRELOAD_API struct mallinfo2 mallinfo2(void);
PRELOAD_API struct mallinfo mallinfo(void);
PRELOAD_API int malloc_trim(size_t pad);
PRELOAD_API void malloc_stats(void);
PRELOAD_API int malloc_info(int options, FILE *fp);
PRELOAD_API int mallopt(int param, int value);

void slab_malloc_before_first_heap(void);
void slab_malloc_after_first_heap(slab_heap *heap);

/* glibc's statistics structs and mallopt's one refused parameter, as
 * <malloc.h> (glibc 2.33 and later) lays them out; that header is not
 * included, so that the definitions below take these declarations. */
struct mallinfo2 {
    size_t arena;    /* non-mmapped space allocated from the system */
    size_t ordblks;  /* free chunks */
    size_t smblks;   /* fastbin chunks */
    size_t hblks;    /* mmapped chunks */
    size_t hblkhd;   /* bytes of mmapped chunks */
    size_t usmblks;  /* 0 */
    size_t fsmblks;  /* bytes of fastbin chunks */
    size_t uordblks; /* bytes in use */
    size_t fordblks; /* free bytes */
    size_t keepcost; /* releasable top bytes */
};
struct mallinfo {
    int arena;    /* as mallinfo2, each an int */
    int ordblks;  /* "" */
    int smblks;   /* "" */
    int hblks;    /* "" */
    int hblkhd;   /* "" */
    int usmblks;  /* "" */
    int fsmblks;  /* "" */
    int uordblks; /* "" */
    int fordblks; /* "" */
    int keepcost; /* "" */
};
#define GLIBC_M_MXFAST 1 /* <malloc.h>'s M_MXFAST */

/* The heap slab_malloc.c made, handed over once it is published; NULL before. */
static slab_heap *given_heap;

/* Where the statistics line goes: a copy of standard error taken when the
 * heap is created, so that a program that closes fd 2 before exit (xz
 * does) still gets it; far above the fds a program counts on, and closed
 * on exec. -1: no line wanted. */
static int stats_fd = -1;

/* 1: SLAB_MALLOC_ON_ERROR=report (print and go on); 0: print and abort. */
static int misuse_goes_on;

static slab_heap *heap_now(void) { return __atomic_load_n(&given_heap, __ATOMIC_ACQUIRE); }

static int env_is(const char *name, const char *value)
{
    const char *v = getenv(name);
    return (v != NULL) && (strcmp(v, value) == 0);
}

/* ---- Text without malloc ------------------------------------------------- */

static char *put_num(char *out, size_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        *out++ = tmp[--n];
    }
    return out;
}

static char *put_hex(char *out, uintptr_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % 16u];
        v /= 16u;
    } while (v != 0u);
    *out++ = '0';
    *out++ = 'x';
    while (n > 0) {
        *out++ = tmp[--n];
    }
    return out;
}

static char *put_str(char *out, const char *s)
{
    while (*s != '\0') {
        *out++ = *s++;
    }
    return out;
}

static void put_line(int fd, const char *line, const char *end)
{
    ssize_t ignored = write(fd, line, (size_t)(end - line));
    (void)ignored;
}

/* ---- Misuse --------------------------------------------------------------- */

/* The heap's report hook: called with its lock held, for every pointer a
 * free or realloc refuses (and checked-mode reports). One write(), no
 * allocation; then abort() as glibc's malloc_printerr does (also with its
 * arena's lock held), unless SLAB_MALLOC_ON_ERROR=report. */
static void on_misuse(void *ctx, slab_heap *heap, slab_status status, void *ptr)
{
    (void)ctx;
    (void)heap;
    char line[160];
    char *p = put_str(line, "slab_malloc: ");
    p = put_str(p, slab_status_str(status));
    p = put_str(p, " on ");
    p = put_hex(p, (uintptr_t)ptr);
    p = put_str(p, " (free or realloc of a pointer that is not a live block)\n");
    put_line(2, line, p);
    if (misuse_goes_on == 0) {
        abort();
    }
}

/* ---- The heap's life ------------------------------------------------------ */

void slab_malloc_before_first_heap(void) { slab_os_secret_replace(0); }

static void fork_prepare(void)
{
    (void)slab_heap_acquire(heap_now());
    mmap_pages_lock();
}

static void fork_release(void)
{
    mmap_pages_unlock();
    (void)slab_heap_release(heap_now());
}

/* Each thread's magazines (slab_heap_use_cores): a thread-local slot, and
 * a key whose destructor gives them back when the thread ends. */
static pthread_key_t thread_end_key;

static void thread_end(void *unused)
{
    (void)unused;
    (void)slab_heap_flush_core(heap_now());
}

/* The heap's inline halves read the same slot themselves (the .so's core is
 * built with SLAB_HEAP_CORES_TLS, mk/malloc.mk); this call, the slow
 * halves', is where a thread is first seen. */
extern __thread void *slab_heap_thread_slot_ __attribute__((tls_model("initial-exec")));

static void **thread_slot(void *ctx, unsigned long *token)
{
    static __thread int known;
    (void)ctx;
    (void)token;
    if (known == 0) {
        known = 1;
        (void)pthread_setspecific(thread_end_key, &known); /* (any non-NULL value) */
    }
    return &slab_heap_thread_slot_;
}

void slab_malloc_after_first_heap(slab_heap *heap)
{
    static const slab_core_ops thread_cores = {thread_slot, NULL, NULL, SLAB_CORES_ON_CONTENTION};
    static const slab_core_ops thread_cores_now = {thread_slot, NULL, NULL, 0u};
    misuse_goes_on = env_is("SLAB_MALLOC_ON_ERROR", "report");
    (void)slab_heap_set_error_handler(heap, on_misuse, NULL);
    __atomic_store_n(&given_heap, heap, __ATOMIC_RELEASE);
    if (!env_is("SLAB_MALLOC_MAGAZINES", "0") && pthread_key_create(&thread_end_key, thread_end) == 0) {
        (void)slab_heap_use_cores(heap, env_is("SLAB_MALLOC_MAGAZINES", "1") ? &thread_cores_now : &thread_cores);
    }
    if (env_is("SLAB_MALLOC_STATS", "1") != 0) {
        stats_fd = fcntl(2, F_DUPFD_CLOEXEC, 900);
    }
    (void)pthread_atfork(fork_prepare, fork_release, fork_release);
}

/* ---- Figures: the heap's and the provider's -------------------------------- */

/* What the process holds for the heap. */
typedef struct {
    slab_heap_usage heap;   /* the heap's counters (zero before the heap) */
    mmap_pages_usage pages; /* the provider's */
    size_t held_bytes;      /* the heap's pages + the provider's pool */
    size_t held_pages;      /* their count */
} figures;

static void figures_now(figures *f)
{
    const figures none = {0};
    *f = none;
    slab_heap *h = heap_now();
    if (h != NULL) {
        (void)slab_heap_stats(h, &f->heap);
    }
    mmap_pages_stats(&f->pages);
    f->held_bytes = f->heap.page_bytes + f->pages.cached_bytes;
    f->held_pages = f->heap.pages + f->pages.cached_pages;
}

/* glibc's fields, from ours:
 *   arena    bytes held for the heap: its pages and the provider's pool
 *   ordblks  free pages in the provider's pool
 *   hblks    live blocks served by their own page (their bytes are in arena)
 *   uordblks bytes in use (usable bytes of the live blocks)
 *   fordblks arena - uordblks
 *   keepcost the pool's bytes (what malloc_trim can give back at most)
 *   smblks, hblkhd, usmblks, fsmblks: 0 (no fastbins; large pages are in arena) */
static struct mallinfo2 info_now(void)
{
    figures f;
    figures_now(&f);
    struct mallinfo2 m;
    m.arena = f.held_bytes;
    m.ordblks = f.pages.cached_pages;
    m.smblks = 0;
    m.hblks = f.heap.large_blocks;
    m.hblkhd = 0;
    m.usmblks = 0;
    m.fsmblks = 0;
    m.uordblks = f.heap.bytes_in_use;
    m.fordblks = (f.held_bytes > f.heap.bytes_in_use) ? (f.held_bytes - f.heap.bytes_in_use) : 0u;
    m.keepcost = f.pages.cached_bytes;
    return m;
}

struct mallinfo2 mallinfo2(void) { return info_now(); }

static int clamp_int(size_t v) { return (v > (size_t)INT32_MAX) ? INT32_MAX : (int)v; }

/* As mallinfo2, each field cut to int (glibc wraps; INT_MAX is kinder). */
struct mallinfo mallinfo(void)
{
    struct mallinfo2 m2 = info_now();
    struct mallinfo m;
    m.arena = clamp_int(m2.arena);
    m.ordblks = clamp_int(m2.ordblks);
    m.smblks = clamp_int(m2.smblks);
    m.hblks = clamp_int(m2.hblks);
    m.hblkhd = clamp_int(m2.hblkhd);
    m.usmblks = clamp_int(m2.usmblks);
    m.fsmblks = clamp_int(m2.fsmblks);
    m.uordblks = clamp_int(m2.uordblks);
    m.fordblks = clamp_int(m2.fordblks);
    m.keepcost = clamp_int(m2.keepcost);
    return m;
}

/* Gives back what the heap can: class caches with no live block
 * (slab_heap_trim), then the provider's pool down to `pad` bytes.
 * 1 when some memory went back to the system, else 0 (as glibc). */
int malloc_trim(size_t pad)
{
    slab_heap *h = heap_now();
    figures before;
    figures_now(&before);
    if (h != NULL) {
        (void)slab_heap_trim(h);
    }
    (void)mmap_pages_trim(pad);
    figures after;
    figures_now(&after);
    return (after.held_bytes < before.held_bytes) ? 1 : 0;
}

/* glibc's layout on standard error, with the heap's figures. */
void malloc_stats(void)
{
    figures f;
    figures_now(&f);
    char text[512];
    char *p = put_str(text, "Arena 0:\nsystem bytes     = ");
    p = put_num(p, f.held_bytes);
    p = put_str(p, "\nin use bytes     = ");
    p = put_num(p, f.heap.bytes_in_use);
    p = put_str(p, "\nTotal (incl. mmap):\nsystem bytes     = ");
    p = put_num(p, f.held_bytes);
    p = put_str(p, "\nin use bytes     = ");
    p = put_num(p, f.heap.bytes_in_use);
    p = put_str(p, "\nmax mmap regions = ");
    p = put_num(p, f.pages.chunks + f.pages.out_pages);
    p = put_str(p, "\nmax mmap bytes   = ");
    p = put_num(p, f.pages.mapped_bytes);
    p = put_str(p, "\n");
    put_line(2, text, p);
}

/* glibc's XML outline, with the heap's figures; options must be 0 (else
 * EINVAL and -1, as glibc). */
int malloc_info(int options, FILE *fp)
{
    if ((options != 0) || (fp == NULL)) {
        errno = EINVAL;
        return -1;
    }
    figures f;
    figures_now(&f);
    (void)fprintf(fp, "<malloc version=\"1\">\n<heap nr=\"0\">\n<sizes>\n</sizes>\n");
    (void)fprintf(fp, "<total type=\"fast\" count=\"0\" size=\"0\"/>\n");
    (void)fprintf(fp, "<total type=\"rest\" count=\"%zu\" size=\"%zu\"/>\n", f.pages.cached_pages, f.pages.cached_bytes);
    (void)fprintf(fp, "<system type=\"current\" size=\"%zu\"/>\n", f.held_bytes);
    (void)fprintf(fp, "<system type=\"max\" size=\"%zu\"/>\n", f.heap.page_bytes_peak + f.pages.cached_bytes);
    (void)fprintf(fp, "<aspace type=\"total\" size=\"%zu\"/>\n", f.pages.mapped_bytes);
    (void)fprintf(fp, "<aspace type=\"mprotect\" size=\"%zu\"/>\n</heap>\n", f.pages.mapped_bytes);
    (void)fprintf(fp, "<total type=\"fast\" count=\"0\" size=\"0\"/>\n");
    (void)fprintf(fp, "<total type=\"rest\" count=\"%zu\" size=\"%zu\"/>\n", f.pages.cached_pages, f.pages.cached_bytes);
    (void)fprintf(fp, "<total type=\"mmap\" count=\"%zu\" size=\"%zu\"/>\n", f.heap.large_blocks, f.pages.out_bytes);
    (void)fprintf(fp, "<system type=\"current\" size=\"%zu\"/>\n", f.held_bytes);
    (void)fprintf(fp, "<system type=\"max\" size=\"%zu\"/>\n", f.heap.page_bytes_peak + f.pages.cached_bytes);
    (void)fprintf(fp, "<aspace type=\"total\" size=\"%zu\"/>\n", f.pages.mapped_bytes);
    (void)fprintf(fp, "<aspace type=\"mprotect\" size=\"%zu\"/>\n", f.pages.mapped_bytes);
    (void)fprintf(fp, "<slab in_use=\"%zu\" peak=\"%zu\" allocs=\"%zu\" frees=\"%zu\"/>\n", f.heap.bytes_in_use,
                  f.heap.bytes_peak, f.heap.allocs, f.heap.frees);
    (void)fprintf(fp,
                  "<pool bound=\"%zu\" trims=\"%zu\" mmap=\"%zu\" munmap=\"%zu\" madvise=\"%zu\" released=\"%zu\"/>\n",
                  f.pages.bound, f.pages.trims, f.pages.mmap_calls, f.pages.munmap_calls, f.pages.madvise_calls,
                  f.pages.released_bytes);
    (void)fprintf(fp, "</malloc>\n");
    return 0;
}

/* glibc 2.36's answers, none of which changes anything here: 1 (accepted)
 * for every parameter, known or not, but M_MXFAST above 80 * sizeof(size_t)
 * / 4 (the value taken as size_t, so negative too): 0. */
int mallopt(int param, int value)
{
    size_t v = (size_t)(ssize_t)value;
    return ((param == GLIBC_M_MXFAST) && (v > ((80u * sizeof(size_t)) / 4u))) ? 0 : 1;
}

/* ---- The statistics line at exit ----------------------------------------------- */

__attribute__((destructor)) static void slab_malloc_report(void)
{
    if (stats_fd < 0) {
        return;
    }
    figures f;
    figures_now(&f);
    char line[256];
    char *p = put_str(line, "slab_malloc: ");
    p = put_num(p, f.heap.allocs);
    p = put_str(p, " allocs, ");
    p = put_num(p, f.heap.frees);
    p = put_str(p, " frees, peak ");
    p = put_num(p, f.heap.bytes_peak);
    p = put_str(p, " bytes in use, ");
    p = put_num(p, f.held_pages);
    p = put_str(p, " pages held at exit (");
    p = put_num(p, f.held_bytes);
    p = put_str(p, " bytes, ");
    p = put_num(p, f.pages.cached_bytes);
    p = put_str(p, " of them cached by the page provider)\n");
    put_line(stats_fd, line, p);
}
