/*
 * The test suites' one page provider: the engine behind every fake of the
 * page hooks (test/c/mock_pages.c, test/support/counting_pages.cpp,
 * test/fault/fault_pages.cpp, test/heap/heap_pages.cpp,
 * test/fuzz/fuzz_pages.cpp and test/fuzz/heap/hfuzz_pages.cpp are adapters
 * that keep their suites' interfaces). C, and valid C++ too (g++ compiles
 * it as C++ where a suite's build has only a C++ compiler); thread-safe
 * (one mutex), for hosted tests only (aligned_alloc, mmap): the on-target
 * runner has its own, over the static pool (firmware/tests/test_hooks.c).
 *
 * It hands out pages (aligned_alloc), keeps the set of live pages, numbers
 * every hook call, answers calls with faults from call-numbered plans, can
 * quarantine pages given back (poisoned, or hashed as they were) and check
 * them untouched when they leave, and counts; a test asks it for
 * leaks at the end. It does not define the hooks: a suite does, with
 *   DEFINE_SLAB_HOOKS(test_pages_alloc, test_pages_free);
 * (as counting_pages.cpp, fault_pages.cpp, heap_pages.cpp), or by hand around
 * test_pages_alloc_as() / test_pages_free_as() when it scripts calls itself
 * (the CMocka mock).
 *
 * Call-numbered fault plans. Hook calls are numbered from 1 since the last
 * test_pages_renumber(), alloc and free calls separately. A plan names a
 * kind of fault and the calls it hits:
 *   call `first` only                      {kind, first, 0, 0}
 *   every call from `first` on             {kind, first, 1, 0}
 *   every `every`-th call from `first`     {kind, first, every, 0}
 *   ... at most `count` of them            count > 0
 * The kinds: TP_NULL (alloc returns NULL), TP_MISALIGN (alloc returns a
 * block of the size asked at offset size / 2 of a region aligned to it),
 * TP_DUPLICATE (alloc returns again the live page of that size it handed
 * out last: a hook that hands a page out twice; when there is none the call
 * is answered normally and counted in duplicates_missed), TP_REFUSE (free
 * returns non-zero and keeps nothing: the page stays the library's). Up to
 * TP_PLANS plans at once, in slots; a call goes through the slots in order
 * and the first plan that hits it decides (a plan counts toward its `count`
 * only the calls it decides).
 *
 * Contract checks on every call: alloc with align == size, a power of two;
 * free of a live page with the size it was handed out with. A breach calls
 * the breach handler (default: print and abort), outside the lock.
 */
#ifndef SLAB_TEST_TEST_PAGES_H
#define SLAB_TEST_TEST_PAGES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    TP_NONE = 0,      /* no fault: a page (alloc), taken back (free) */
    TP_NULL = 1,      /* alloc: NULL */
    TP_MISALIGN = 2,  /* alloc: a block off its alignment by size / 2 */
    TP_DUPLICATE = 3, /* alloc: the latest live page of that size, again */
    TP_REFUSE = 4     /* free: refused, the page stays with the library */
} tp_kind;

#define TP_KINDS 5 /* tp_kind values: the index of tp_stats.faults_of */

typedef struct {
    tp_kind kind;
    uint64_t first; /* 1-based call number of the first call hit; 0: plan off */
    uint64_t every; /* 0: only `first`; n: first, first + n, first + 2n, ... */
    uint64_t count; /* at most this many faults; 0: no limit */
} tp_plan;

#define TP_PLANS 8

/* How pages are placed and what is done to them. */
typedef struct {
    size_t min_region_align; /* a page's region is aligned to max(size, this) */
    int fresh_byte;          /* filled into a fresh region; -1: left as is */
    size_t fresh_limit;      /* at most these bytes of it; 0: the whole region */
    void (*prefill)(void *page, size_t size); /* then on aligned pages; NULL: none */
    int guarded;             /* 1: pages <= TP_GUARDED_MAX sit in a PROT_NONE mapping */
    int quarantine;          /* 1: regions given back are kept (not freed) ... */
    int poison;              /* ... filled with TP_POISON when 1 ... */
    size_t quarantine_cap;   /* ... the oldest released past these bytes; 0: no cap */
    size_t carve_block;      /* B: pages < B carved from B-aligned blocks of B
                              * bytes (a power of two >= 64); 0: off */
    size_t pad_below;        /* P: padded placement (below); 0: off */
    int pad_byte;            /* filled into the P bytes below a padded page */
    int check_kept;          /* 1: quarantined pages not poisoned are hashed,
                              * and checked untouched as poison is */
    size_t quarantine_max;   /* at most these regions in quarantine; 0: no cap */
} tp_config;

/* Padded placement (pad_below = P, a power of two): every page in a region
 * of its own that holds also the P bytes below the P-aligned block around
 * the page, filled with pad_byte (readable bytes no page owns: what a read
 * masked with P from a pointer just past or into the page may meet); a page
 * smaller than P sits at offset (seq mod P / size) * size of its block. The
 * page's P-block (the page, if larger) is filled with fresh_byte if >= 0.
 * Fills, poison and hashes cover the page only. Wins over carved placement. */

#define TP_POISON 0xA5
/* Guarded placement: a page of at most TP_GUARDED_MAX bytes at offset
 * TP_GUARDED_MAX of a mapping of 2 * TP_GUARDED_MAX bytes aligned to that,
 * every other byte PROT_NONE: a read past the page faults. */
#define TP_GUARDED_MAX 32768u

/* What became of the page handed out with a given seq (test_pages_seq_of). */
typedef enum {
    TPS_GONE = 0,     /* back with the host (or never handed out) */
    TPS_LIVE = 1,     /* handed out, not back */
    TPS_POISONED = 2, /* in quarantine, poisoned */
    TPS_KEPT = 3      /* in quarantine as the library left it */
} tp_state;

typedef struct {
    /* Since test_pages_renumber(): the numbering of the plans. */
    uint64_t alloc_calls, free_calls;
    uint64_t faults;            /* calls answered with a fault */
    uint64_t faults_of[TP_KINDS]; /* of which of each kind ([TP_DUPLICATE]: pages
                                   * handed out twice; [TP_NONE] stays 0) */
    uint64_t duplicates_missed; /* TP_DUPLICATE calls with no page to repeat */
    /* Since test_pages_reset_counters(). */
    uint64_t given;      /* aligned pages handed out */
    uint64_t misaligned; /* misaligned blocks handed out */
    uint64_t taken_back; /* blocks accepted back (aligned or not) */
    uint64_t refused;    /* frees refused */
    /* Since the program started. */
    uint64_t alloc_calls_total, free_calls_total;
    uint64_t given_total, taken_back_total; /* aligned pages only */
    /* Now. */
    size_t live;         /* blocks handed out, not back (misaligned included) */
    size_t live_aligned; /* aligned pages handed out, not back */
    size_t live_bytes;   /* bytes of the live aligned pages */
    size_t quarantined;  /* regions kept in quarantine */
    const void *last_freed; /* page of the last free call, whatever it returned */
} tp_stats;

/* The hooks' bodies: planned answers. */
void *test_pages_alloc(size_t size, size_t align);
int test_pages_free(void *page, size_t size, size_t align);
/* Forced answers (a numbered call all the same; plans are not consulted):
 * alloc TP_NONE, TP_NULL, TP_MISALIGN or TP_DUPLICATE; free TP_NONE or
 * TP_REFUSE. */
void *test_pages_alloc_as(size_t size, size_t align, tp_kind kind);
int test_pages_free_as(void *page, size_t size, size_t align, tp_kind kind);
/* A numbered alloc call answered with `page`, a live aligned page of that
 * size, again (a TP_DUPLICATE fault of a page the test names; a breach if
 * it is none). */
void *test_pages_alloc_again(size_t size, size_t align, const void *page);

/* Configuration; the default is {0, -1, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0}. */
void test_pages_configure(const tp_config *cfg);
tp_config test_pages_config(void);

/* Plans. */
void test_pages_set_plan(unsigned slot, tp_plan plan);
void test_pages_clear_plans(void);
/* Faults a plan has still to give (count - given) over the slots of
 * `kind` with a count; plans with no limit are not counted. */
uint64_t test_pages_pending(tp_kind kind);
/* The call number the next alloc / free call will have. */
uint64_t test_pages_next_alloc(void);
uint64_t test_pages_next_free(void);
/* Shorthands: slot := {kind, next call, 1, n} (the next n calls it sees). */
void test_pages_fault_next(unsigned slot, tp_kind kind, uint64_t n);

/* Renumbers the calls from 1 (the plans stay). */
void test_pages_renumber(void);
void test_pages_reset_counters(void);
tp_stats test_pages_stats(void);

/* Queries over the live blocks. */
int test_pages_is_live_page(const void *base, size_t size); /* exactly a live page of that size */
size_t test_pages_live_size(const void *base);               /* size of the live block at base, 0 if none */
size_t test_pages_page_of(const void *p);                    /* size of the live block holding p, 0 if none */
int test_pages_in_quarantine(const void *p);                 /* p inside a quarantined page */
void *test_pages_latest(size_t size); /* latest live aligned page of that size (0: any size); NULL if none */
/* Fills out[0 .. max) with the live aligned pages by address and their
 * sizes (sizes may be NULL); returns how many there are (may be > max). */
size_t test_pages_list(void **out, size_t *sizes, size_t max);
/* Order of hand-out of the live aligned page at base (1, 2, ...; 0: none),
 * and what became of the page handed out with that seq. */
uint64_t test_pages_seq_of(const void *base);
tp_state test_pages_state_of(uint64_t seq);
/* [p, p + n) lies in the region of a live or quarantined block. */
int test_pages_region_holds(const void *p, size_t n);

/* Leak check and clean-up. */
/* Releases every quarantined region, checking its poison first; returns
 * how many had been written after they went back. */
size_t test_pages_check_quarantine(void);
/* Releases the i-th (mod their count) quarantined region now, oldest first,
 * checking it; nothing when none. */
void test_pages_release_quarantined(size_t i);
/* Regions found written after they went back by the releases since the
 * last call (or test_pages_check_quarantine), which clears the count. */
size_t test_pages_take_written(void);
/* Takes back every live misaligned block with no free call (poisoned and
 * quarantined as usual); returns how many. */
size_t test_pages_drop_misaligned(void);
/* Releases every block, live or quarantined, and forgets them; returns how
 * many were still live (leaked). Counters stay. */
size_t test_pages_release_all(void);

/* Contract breaches: fn(message) is called outside the lock; it should not
 * return (fail the test). NULL: print and abort (the default). */
void test_pages_on_breach(void (*fn)(const char *message));

#ifdef __cplusplus
}
#endif

#endif /* SLAB_TEST_TEST_PAGES_H */
