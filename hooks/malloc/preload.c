/* SPDX-License-Identifier: MIT */
/*
 * The host side of the LD_PRELOAD malloc (make malloc-preload,
 * build/host-gcc/libslab_malloc.so = this file + slab_malloc.c +
 * hooks/mmap_pages + libslab's sources built -fPIC):
 *   - the page hooks, over mmap (never malloc);
 *   - slab_secret, from getrandom() (else AT_RANDOM) before the first heap;
 *   - fork safety: the heap's and the provider's locks are held across
 *     fork() and released in parent and child (pthread_atfork);
 *   - with SLAB_MALLOC_STATS=1 in the environment, one line on standard
 *     error at exit:
 *     slab_malloc: <allocs> allocs, <frees> frees, peak <bytes> bytes in use, <pages> pages held at exit
 * Nothing here allocates before the heap exists.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
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

slab_heap *slab_malloc_heap(void);
void slab_malloc_before_first_heap(void);
void slab_malloc_after_first_heap(slab_heap *heap);

void slab_malloc_before_first_heap(void) { slab_os_secret_replace(0); }

/* Where the statistics line goes: a copy of standard error taken when the
 * heap is created, so that a program that closes fd 2 before exit (xz
 * does) still gets it; far above the fds a program counts on, and closed
 * on exec. -1: no line wanted. */
static int stats_fd = -1;

static int stats_wanted(void)
{
    const char *on = getenv("SLAB_MALLOC_STATS");
    return on != NULL && strcmp(on, "1") == 0;
}

static void fork_prepare(void)
{
    (void)slab_heap_acquire(slab_malloc_heap());
    mmap_pages_lock();
}

static void fork_release(void)
{
    mmap_pages_unlock();
    (void)slab_heap_release(slab_malloc_heap());
}

void slab_malloc_after_first_heap(slab_heap *heap)
{
    (void)heap;
    if (stats_wanted()) {
        stats_fd = fcntl(2, F_DUPFD_CLOEXEC, 900);
    }
    (void)pthread_atfork(fork_prepare, fork_release, fork_release);
}

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

static char *put_str(char *out, const char *s)
{
    while (*s != '\0') {
        *out++ = *s++;
    }
    return out;
}

__attribute__((destructor)) static void slab_malloc_report(void)
{
    if (!stats_wanted()) {
        return;
    }
    slab_heap_usage u = {0};
    slab_heap *h = slab_malloc_heap();
    if (h != NULL) {
        (void)slab_heap_stats(h, &u);
    }
    char line[200];
    char *p = put_str(line, "slab_malloc: ");
    p = put_num(p, u.allocs);
    p = put_str(p, " allocs, ");
    p = put_num(p, u.frees);
    p = put_str(p, " frees, peak ");
    p = put_num(p, u.bytes_peak);
    p = put_str(p, " bytes in use, ");
    p = put_num(p, u.pages);
    p = put_str(p, " pages held at exit\n");
    ssize_t ignored = write(stats_fd >= 0 ? stats_fd : 2, line, (size_t)(p - line));
    (void)ignored;
}
