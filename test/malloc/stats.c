/* glibc's statistics calls under the drop-in answer from the heap's own
 * figures (test/malloc/api.sh; exit 0 when every check holds, else the
 * failed checks on standard error). glibc's empty allocator, which these
 * calls reach when the drop-in does not define them, would answer 0 to
 * every figure here. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "stats: FAILED: %s\n", what);
        failed = 1;
    }
}

int main(void)
{
    enum { N = 300 };
    static void *blocks[N];
    struct mallinfo2 before = mallinfo2();
    size_t usable = 0;
    for (int i = 0; i < N; i++) {
        size_t n = (size_t)(i % 3 == 0 ? 40 : i % 3 == 1 ? 3000 : 150000);
        blocks[i] = malloc(n);
        if (blocks[i] == NULL) {
            return 2;
        }
        memset(blocks[i], i, n);
        usable += malloc_usable_size(blocks[i]);
    }
    struct mallinfo2 during = mallinfo2();
    check(during.uordblks - before.uordblks == usable, "uordblks grows by the usable bytes of the blocks allocated");
    check(during.arena >= during.uordblks && during.arena - before.arena >= 100 * (size_t)262144,
          "arena holds the pages of the blocks in use (150,000 B: a 256 KiB page each)");
    check(during.arena == during.uordblks + during.fordblks, "arena == uordblks + fordblks");
    check(during.hblks >= 100, "hblks counts the blocks on their own page");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    struct mallinfo old = mallinfo(); /* deprecated by glibc: still called by programs */
#pragma GCC diagnostic pop
    check((size_t)old.uordblks == during.uordblks && (size_t)old.arena == during.arena, "mallinfo == mallinfo2");
    for (int i = 0; i < N; i++) {
        free(blocks[i]);
    }
    struct mallinfo2 after = mallinfo2();
    check(after.uordblks == before.uordblks, "uordblks back to where it was after the frees");
    check(after.keepcost > 0 && after.keepcost <= after.arena, "keepcost: the provider's pool, held");
    check(malloc_trim(0) == 1, "malloc_trim(0) gives memory back (1)");
    struct mallinfo2 trimmed = mallinfo2();
    check(trimmed.arena < after.arena, "arena smaller after malloc_trim");
    check(trimmed.uordblks == after.uordblks, "malloc_trim frees no block");
    check(mallopt(M_MMAP_THRESHOLD, 1 << 20) == 1 && mallopt(M_MXFAST, 100000) == 0, "mallopt as glibc 2.36");

    char *xml = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&xml, &len);
    check(f != NULL && malloc_info(0, f) == 0, "malloc_info(0, f) == 0");
    if (f != NULL) {
        fclose(f);
    }
    check(xml != NULL && strstr(xml, "<malloc version=\"1\">") != NULL && strstr(xml, "<pool bound=") != NULL,
          "malloc_info writes the drop-in's XML");
    free(xml);
    check(malloc_info(1, stdout) == -1, "malloc_info(1, ...) == -1 (EINVAL), as glibc");
    malloc_stats(); /* api.sh checks its lines on standard error */
    return failed;
}
