/* The same answers as glibc 2.36 (test/malloc/api.sh runs this with and
 * without the drop-in and compares the output): memalign, aligned_alloc,
 * posix_memalign, valloc and pvalloc for every kind of alignment, and
 * mallopt's return value. Each line: the call, NULL or not, errno when
 * NULL, whether the block has the alignment glibc gives (the alignment
 * rounded up to a power of two, at least 16) and room for the size. */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t effective(size_t align)
{
    size_t a = 16;
    while (a < align) {
        a <<= 1;
    }
    return a;
}

static void show(const char *call, size_t align, size_t size, void *p, int err)
{
    if (p == NULL) {
        printf("%s(%zu, %zu): NULL errno=%s\n", call, align, size, err == EINVAL ? "EINVAL" : err == ENOMEM ? "ENOMEM" : "other");
        return;
    }
    int aligned = ((uintptr_t)p % effective(align)) == 0;
    int room = malloc_usable_size(p) >= size;
    memset(p, 0xA5, size);
    printf("%s(%zu, %zu): block aligned=%d room=%d\n", call, align, size, aligned, room);
    free(p);
}

int main(void)
{
    static const size_t aligns[] = {0, 1, 2, 3, 4, 8, 12, 16, 24, 32, 48, 64, 100, 128, 1000, 4096, 4097, 65536, 100000,
                                    (size_t)1 << 20, ((size_t)1 << 20) + 1, SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 2, SIZE_MAX};
    static const size_t sizes[] = {0, 1, 24, 5000};
    for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
        for (size_t j = 0; j < sizeof sizes / sizeof sizes[0]; j++) {
            size_t a = aligns[i], n = sizes[j];
            if (a >= SIZE_MAX / 2 + 1 && n != 24) {
                continue;
            }
            errno = 0;
            void *p = memalign(a, n);
            show("memalign", a, n, p, errno);
            errno = 0;
            p = aligned_alloc(a, n);
            show("aligned_alloc", a, n, p, errno);
            p = NULL;
            int r = posix_memalign(&p, a, n);
            if (r != 0) {
                printf("posix_memalign(%zu, %zu): %s\n", a, n, r == EINVAL ? "EINVAL" : r == ENOMEM ? "ENOMEM" : "other");
            } else {
                show("posix_memalign", a, n, p, 0);
            }
        }
    }
    static const size_t vsizes[] = {0, 1, 4096, 4097, 70000};
    for (size_t j = 0; j < sizeof vsizes / sizeof vsizes[0]; j++) {
        errno = 0;
        void *p = valloc(vsizes[j]);
        show("valloc", 4096, vsizes[j], p, errno);
        errno = 0;
        p = pvalloc(vsizes[j]);
        show("pvalloc", 4096, vsizes[j], p, errno);
    }
    static const int params[] = {M_MXFAST, M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD, M_MMAP_MAX,
                                 M_CHECK_ACTION, M_PERTURB, M_ARENA_TEST, M_ARENA_MAX, 12345, -99};
    static const int values[] = {-1, 0, 1, 64, 160, 161, 4096, 1 << 20, 32 << 20, (32 << 20) + 1, 1 << 30};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        for (size_t j = 0; j < sizeof values / sizeof values[0]; j++) {
            if (params[i] == M_PERTURB && values[j] != 0) {
                continue; /* glibc would fill blocks: a behaviour, not an answer */
            }
            printf("mallopt(%d, %d) = %d\n", params[i], values[j], mallopt(params[i], values[j]));
        }
    }
    return 0;
}
