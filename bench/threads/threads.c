/* SPDX-License-Identifier: MIT */
/*
 * The threads benchmark of issue 22 (make bench-threads, docs/threads.md):
 * threads doing malloc and free of random 16-512 B blocks, 4,000 live per
 * thread, through whatever malloc the process has (glibc's, or the one an
 * LD_PRELOAD puts in front: the libslab drop-in, jemalloc, mimalloc).
 *
 *   threads_bench local  <threads> <seconds|-ops> [seed]
 *   threads_bench cross  <seconds|-ops> [seed]
 *   threads_bench pipe   <seconds|-ops> [seed]
 *
 * local: each thread keeps 4,000 live blocks; each step frees one at random
 *        and allocates one of a random size in its place.
 * cross: two threads; each allocates blocks and hands them to the other
 *        through a ring of 4,000 slots, and frees the blocks the other
 *        handed to it: every free is of a block another thread allocated.
 * pipe:  two threads, one ring: the first only allocates into it, the
 *        second only frees what it takes out (a producer and a consumer).
 *
 * An operation is one call: one malloc or one free. A positive last
 * argument runs for that many seconds of wall clock (the benchmark); a
 * negative one, -N, runs exactly N allocations per thread (the smoke test:
 * the same work whatever the malloc, so the checksum must not depend on it).
 *
 * Every block carries a tag in its first and last 8 bytes (its size and
 * the allocating thread's sequence number), checked when the block is
 * freed; a block that is not 16-byte aligned or whose tags changed counts
 * as bad. One line on standard output:
 *
 *   malloc=<file that defines malloc> mode=<local|cross|pipe> threads=<n>
 *   ops=<calls> seconds=<wall> mops=<calls per microsecond>
 *   allocs=<n> frees=<n> bad=<n> checksum=<hex>
 *
 * allocs == frees (every block is freed before the line), bad == 0, and,
 * with -N, the checksum (sizes and tags of every block, summed per thread
 * in its own order) is a function of N, the seed and the mode only.
 * Exit status 0 when allocs == frees and bad == 0, 1 otherwise, 2 on a
 * usage error or a malloc that returned NULL.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIVE 4000u     /* live blocks per thread (local) or per ring (cross) */
#define RING 4096u     /* ring slots, a power of two >= LIVE */
#define MIN_SIZE 16u   /* block sizes, uniform in [MIN_SIZE, MAX_SIZE] */
#define MAX_SIZE 512u
#define MAX_THREADS 64
#define CHECK_EVERY 1024u /* steps between two reads of the stop flag */
#define BATCH 64u         /* cross: ring index stores, one per BATCH blocks */

/* A one-producer one-consumer ring of block pointers (cross mode). head is
 * written by the consumer only, tail by the producer only; each on its own
 * cache line, each stored once per BATCH blocks (and the last tail when the
 * producer stops), and each side keeps a copy of the other's index, read
 * again only when its copy says full or empty: the hand-off costs the same
 * few cache-line moves per BATCH blocks whatever the malloc. */
struct ring {
    _Alignas(64) _Atomic uint32_t tail; /* next slot the producer fills */
    _Alignas(64) _Atomic uint32_t head; /* next slot the consumer empties */
    _Alignas(64) void *slot[RING];
};

struct worker {
    _Alignas(64) unsigned id;
    uint64_t rng;
    uint64_t target;       /* allocations to do (-N), 0: until stop */
    uint64_t allocs;       /* blocks allocated by this thread */
    uint64_t frees;        /* blocks freed by this thread */
    uint64_t bad;          /* blocks freed with a wrong tag or alignment */
    uint64_t checksum;     /* sizes and tags of the blocks allocated */
    int null;              /* 1: a malloc returned NULL */
    struct ring *out, *in; /* cross: the rings to the other thread and from it */
    uint32_t out_head;     /* cross: the producer's copy of out->head */
    uint32_t in_tail;      /* cross: the consumer's copy of in->tail */
    _Atomic int out_done;  /* cross: 1 once this thread allocates no more */
};

static int pipe_mode; /* pipe: worker 1 allocates nothing, worker 0 frees nothing */
static _Atomic int stop;
static _Atomic unsigned ready;
static _Atomic int go;

static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The tag of a block: its size and who allocated it, in which order. */
static uint64_t tag_of(size_t size, unsigned id, uint64_t seq)
{
    return ((uint64_t)size << 48) ^ ((uint64_t)id << 40) ^ (seq & 0xFFFFFFFFFFull);
}

static void *take(struct worker *w)
{
    size_t size = MIN_SIZE + (size_t)(next_rand(&w->rng) % (MAX_SIZE - MIN_SIZE + 1u));
    unsigned char *p = malloc(size);
    if (p == NULL) {
        w->null = 1;
        return NULL;
    }
    uint64_t tag = tag_of(size, w->id, w->allocs);
    memcpy(p, &tag, sizeof tag);
    memcpy(p + size - sizeof tag, &tag, sizeof tag);
    w->allocs++;
    w->checksum = w->checksum * 31u + tag;
    return p;
}

static void give_back(struct worker *w, void *block)
{
    unsigned char *p = block;
    uint64_t head, tail;
    memcpy(&head, p, sizeof head);
    size_t size = (size_t)(head >> 48);
    if (((uintptr_t)p & 15u) != 0 || size < MIN_SIZE || size > MAX_SIZE) {
        w->bad++;
    } else {
        memcpy(&tail, p + size - sizeof tail, sizeof tail);
        if (tail != head) {
            w->bad++;
        }
    }
    free(p);
    w->frees++;
}

static void wait_for_go(void)
{
    atomic_fetch_add(&ready, 1u);
    while (!atomic_load_explicit(&go, memory_order_acquire)) {
        sched_yield(); /* more threads than cores: let the others fill */
    }
}

static int done(struct worker *w, uint64_t step)
{
    if (w->null) {
        return 1;
    }
    if (w->target != 0) {
        return w->allocs >= w->target;
    }
    return (step % CHECK_EVERY) == 0 && atomic_load_explicit(&stop, memory_order_relaxed);
}

static void *run_local(void *arg)
{
    struct worker *w = arg;
    void **live = calloc(LIVE, sizeof *live);
    if (live == NULL) {
        w->null = 1;
        return NULL;
    }
    for (unsigned i = 0; i < LIVE && !w->null; i++) {
        live[i] = take(w);
    }
    wait_for_go();
    for (uint64_t step = 1; !done(w, step); step++) {
        uint32_t i = (uint32_t)(next_rand(&w->rng) % LIVE);
        give_back(w, live[i]);
        live[i] = take(w);
    }
    for (unsigned i = 0; i < LIVE; i++) {
        if (live[i] != NULL) {
            give_back(w, live[i]);
        }
    }
    free(live);
    return NULL;
}

/* cross and pipe (where worker 1 only frees and worker 0 only allocates):
 * allocate into the ring to the other thread while it has room
 * (LIVE blocks at most), free what the other thread put in ours. Ends when
 * this thread allocates no more and has freed every block the other one
 * allocated. */
static void *run_cross(void *arg)
{
    struct worker *w = arg;
    struct worker *other = w->id == 0 ? w + 1 : w - 1;
    uint32_t tail = 0; /* out->tail, which only this thread writes */
    uint32_t head = 0; /* in->head, which only this thread writes */
    int producing = !(pipe_mode && w->id == 1);
    if (!producing) {
        atomic_store_explicit(&w->out_done, 1, memory_order_release);
    }
    wait_for_go();
    for (uint64_t step = 1;; step++) {
        int moved = 0; /* 1: this step allocated or freed a block */
        if (producing && done(w, step)) {
            producing = 0;
            atomic_store_explicit(&w->out->tail, tail, memory_order_release);
            atomic_store_explicit(&w->out_done, 1, memory_order_release);
        }
        if (producing) {
            if (tail - w->out_head >= LIVE) {
                w->out_head = atomic_load_explicit(&w->out->head, memory_order_acquire);
            }
            if (tail - w->out_head < LIVE) {
                void *p = take(w);
                if (p != NULL) {
                    moved = 1;
                    w->out->slot[tail % RING] = p;
                    tail++;
                    if (tail % BATCH == 0) {
                        atomic_store_explicit(&w->out->tail, tail, memory_order_release);
                    }
                }
            }
        }
        if (head == w->in_tail) {
            w->in_tail = atomic_load_explicit(&w->in->tail, memory_order_acquire);
        }
        if (head != w->in_tail) {
            give_back(w, w->in->slot[head % RING]);
            moved = 1;
            head++;
            if (head % BATCH == 0) {
                atomic_store_explicit(&w->in->head, head, memory_order_release);
            }
        } else if (!producing && atomic_load_explicit(&other->out_done, memory_order_acquire) &&
                   head == atomic_load_explicit(&w->in->tail, memory_order_acquire)) {
            break;
        }
        if (!moved) {
            sched_yield(); /* the other thread's turn: this one can do nothing */
        }
    }
    return NULL;
}

/* The file that defines the malloc this process calls: what the LD_PRELOAD
 * put in front, or libc. */
static const char *malloc_file(void)
{
    Dl_info info;
    void *sym = dlsym(RTLD_DEFAULT, "malloc");
    if (sym == NULL || dladdr(sym, &info) == 0 || info.dli_fname == NULL) {
        return "unknown";
    }
    const char *slash = strrchr(info.dli_fname, '/');
    return slash != NULL ? slash + 1 : info.dli_fname;
}

static int usage(void)
{
    fprintf(stderr, "usage: threads_bench local <threads 1..%d> <seconds|-allocs> [seed]\n"
                    "       threads_bench cross <seconds|-allocs> [seed]\n"
                    "       threads_bench pipe <seconds|-allocs> [seed]\n",
            MAX_THREADS);
    return 2;
}

int main(int argc, char **argv)
{
    pipe_mode = argc >= 2 && strcmp(argv[1], "pipe") == 0;
    int cross = argc >= 2 && (strcmp(argv[1], "cross") == 0 || pipe_mode);
    int local = argc >= 2 && strcmp(argv[1], "local") == 0;
    int first = local ? 3 : 2; /* the index of <seconds|-allocs> */
    if ((!cross && !local) || argc < first + 1 || argc > first + 2) {
        return usage();
    }
    int n = cross ? 2 : atoi(argv[2]);
    double amount = atof(argv[first]);
    uint64_t seed = argc > first + 1 ? strtoull(argv[first + 1], NULL, 0) : 1;
    if (n < 1 || n > MAX_THREADS || amount == 0) {
        return usage();
    }
    static struct worker w[MAX_THREADS];
    static struct ring rings[2];
    pthread_t tid[MAX_THREADS];
    for (int i = 0; i < n; i++) {
        w[i].id = (unsigned)i;
        w[i].rng = (seed + 1) * 0x9E3779B97F4A7C15ULL + (uint64_t)i * 0xBF58476D1CE4E5B9ULL;
        w[i].target = amount < 0 ? (uint64_t)(-amount) : 0;
        if (cross) {
            w[i].out = &rings[i];
            w[i].in = &rings[1 - i];
        }
        if (pthread_create(&tid[i], NULL, cross ? run_cross : run_local, &w[i]) != 0) {
            fprintf(stderr, "threads_bench: pthread_create failed\n");
            return 2;
        }
    }
    while (atomic_load(&ready) != (unsigned)n) {
        sched_yield();
    }
    double t0 = now();
    atomic_store_explicit(&go, 1, memory_order_release);
    if (amount > 0) {
        struct timespec ts = {(time_t)amount, (long)((amount - (double)(time_t)amount) * 1e9)};
        while (nanosleep(&ts, &ts) != 0) {
        }
        atomic_store(&stop, 1);
    }
    uint64_t allocs = 0, frees = 0, bad = 0, checksum = 0;
    int null = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(tid[i], NULL);
    }
    double t1 = now();
    for (int i = 0; i < n; i++) {
        allocs += w[i].allocs;
        frees += w[i].frees;
        bad += w[i].bad;
        checksum = checksum * 1000003u + w[i].checksum;
        null |= w[i].null;
    }
    /* The operations of the timed part: local mode's 4,000 first blocks of
     * each thread were allocated before the clock started. */
    uint64_t ops = allocs + frees - (cross ? 0 : (uint64_t)n * LIVE);
    printf("malloc=%s mode=%s threads=%d ops=%llu seconds=%.3f mops=%.2f allocs=%llu frees=%llu bad=%llu "
           "checksum=%016llx\n",
           malloc_file(), pipe_mode ? "pipe" : cross ? "cross" : "local", n, (unsigned long long)ops, t1 - t0, (double)ops / (t1 - t0) / 1e6,
           (unsigned long long)allocs, (unsigned long long)frees, (unsigned long long)bad,
           (unsigned long long)checksum);
    if (null) {
        fprintf(stderr, "threads_bench: malloc returned NULL\n");
        return 2;
    }
    return allocs == frees && bad == 0 ? 0 : 1;
}
