/* The system calls newlib's malloc drags in through its reentrancy
 * structure (stdio clean-up, abort): never called by the bench; each one
 * fails. _sbrk is alloc_newlib.c's. */
#include <errno.h>
#include <sys/stat.h>

#include "semihost.h"

int _write(int fd, const char *buf, int len);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int off, int whence);
int _read(int fd, char *buf, int len);
int _getpid(void);
int _kill(int pid, int sig);
void _exit(int status);

static int fails(void)
{
    errno = ENOSYS;
    return -1;
}

int _write(int fd, const char *buf, int len) { return (void)fd, (void)buf, (void)len, fails(); }
int _close(int fd) { return (void)fd, fails(); }
int _fstat(int fd, struct stat *st) { return (void)fd, (void)st, fails(); }
int _isatty(int fd) { return (void)fd, 0; }
int _lseek(int fd, int off, int whence) { return (void)fd, (void)off, (void)whence, fails(); }
int _read(int fd, char *buf, int len) { return (void)fd, (void)buf, (void)len, fails(); }
int _getpid(void) { return 1; }
int _kill(int pid, int sig) { return (void)pid, (void)sig, fails(); }
void _exit(int status) { semihost_exit(status); }
