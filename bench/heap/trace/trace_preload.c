/*
 * LD_PRELOAD tracer for bench/heap: records every malloc, calloc, realloc,
 * free, memalign-family call of a program into the file named by
 * $HB_TRACE, as fixed 32-byte records {kind, size, in, out} (uint64 each;
 * kind: 0 malloc/calloc/aligned, 1 free, 2 realloc). The calls are served by
 * glibc's own entry points (__libc_malloc, ...), so the tracer never
 * recurses. One thread assumed (lua5.4 is single-threaded).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void __libc_free(void *);
void *__libc_memalign(size_t, size_t);

enum { REC = 4, BUF = 4096 };
static uint64_t buf[BUF * REC];
static unsigned used;
static int fd = -1, off;

static void flush(void)
{
    if (fd >= 0 && used > 0) {
        const char *p = (const char *)buf;
        size_t left = used * REC * sizeof(uint64_t);
        while (left > 0) {
            ssize_t n = write(fd, p, left);
            if (n <= 0) {
                break;
            }
            p += n;
            left -= (size_t)n;
        }
    }
    used = 0;
}

static void note(uint64_t kind, uint64_t size, const void *in, const void *out)
{
    if (off) {
        return;
    }
    if (fd < 0) {
        const char *path = getenv("HB_TRACE");
        if (path == NULL || (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
            off = 1;
            return;
        }
    }
    uint64_t *r = &buf[used * REC];
    r[0] = kind;
    r[1] = size;
    r[2] = (uint64_t)(uintptr_t)in;
    r[3] = (uint64_t)(uintptr_t)out;
    if (++used == BUF) {
        flush();
    }
}

__attribute__((destructor)) static void done(void) { flush(); }

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    note(0, n, NULL, p);
    return p;
}
void *calloc(size_t n, size_t m)
{
    void *p = __libc_calloc(n, m);
    note(0, n * m, NULL, p);
    return p;
}
void *realloc(void *q, size_t n)
{
    void *p = __libc_realloc(q, n);
    note(2, n, q, p);
    return p;
}
void free(void *q)
{
    if (q != NULL) {
        note(1, 0, q, NULL);
    }
    __libc_free(q);
}
void *memalign(size_t a, size_t n)
{
    void *p = __libc_memalign(a, n);
    note(0, n, NULL, p);
    return p;
}
void *aligned_alloc(size_t a, size_t n) { return memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n)
{
    void *p = memalign(a, n);
    if (p == NULL) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}
