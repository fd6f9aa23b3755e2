/*
 * The few system calls newlib reaches, for the firmware that links newlib:
 * the malloc firmware (make run-malloc) and the heap benchmark's
 * (bench/heap, mk/bench-heap.mk). Standard output and error go to the
 * semihosting console, everything else fails or does nothing.
 *
 * _sbrk always fails and counts its calls: in the malloc firmware newlib's
 * own allocator (which would grow a heap through it) must never run, since
 * malloc and _malloc_r come from hooks/malloc/slab_malloc.c. It is weak:
 * a firmware that does run newlib's allocator brings its own _sbrk (the
 * benchmark's bounded heap, bench/heap/alloc_newlib.c), which replaces it.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

#include "semihost.h"

unsigned fw_sbrk_calls;

int _write(int fd, const char *buf, int len);
void *_sbrk(ptrdiff_t incr) __attribute__((weak));
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int off, int whence);
int _read(int fd, char *buf, int len);
int _getpid(void);
int _kill(int pid, int sig);
void _exit(int status);

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    char chunk[65];
    int done = 0;
    while (done < len) {
        int n = len - done < 64 ? len - done : 64;
        for (int i = 0; i < n; i++) {
            chunk[i] = buf[done + i];
        }
        chunk[n] = '\0';
        semihost_write0(chunk);
        done += n;
    }
    return len;
}

void *_sbrk(ptrdiff_t incr)
{
    (void)incr;
    fw_sbrk_calls++;
    errno = ENOMEM;
    return (void *)-1;
}

int _close(int fd)
{
    (void)fd;
    return 0;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd) { return fd <= 2; }

int _lseek(int fd, int off, int whence)
{
    (void)fd;
    (void)off;
    (void)whence;
    return 0;
}

int _read(int fd, char *buf, int len)
{
    (void)fd;
    (void)buf;
    (void)len;
    return 0;
}

int _getpid(void) { return 1; }

int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}

void _exit(int status) { semihost_exit(status); }
