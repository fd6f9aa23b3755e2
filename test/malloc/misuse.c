/* Misuse under the drop-in (test/malloc/api.sh): argv[1] names one bad
 * call. The pointer goes to standard output first ("ptr=%p"), so the test
 * can find it in the one line the drop-in prints; "went on" follows when the
 * process survives (SLAB_MALLOC_ON_ERROR=report). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Through a volatile, so that the compiler neither warns of nor removes
 * the misuse the test is about. */
static void *launder(void *p)
{
    void *volatile v = p;
    return v;
}

static void say(const void *p)
{
    printf("ptr=%p\n", p);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        return 2;
    }
    const char *what = argv[1];
    char stack[256];
    memset(stack, 1, sizeof stack);
    char *small = malloc(100);
    char *large = malloc(200000);
    if (small == NULL || large == NULL) {
        return 3;
    }
    void *bad = NULL;
    int use_realloc = 0;
    if (strcmp(what, "double-free") == 0) {
        free(launder(small));
        bad = small;
    } else if (strcmp(what, "double-free-large") == 0) {
        free(launder(large));
        bad = large;
    } else if (strcmp(what, "stack") == 0) {
        bad = stack + 16;
    } else if (strcmp(what, "interior") == 0) {
        bad = small + 16;
    } else if (strcmp(what, "interior-large") == 0) {
        bad = large + 4096;
    } else if (strcmp(what, "realloc-stack") == 0) {
        bad = stack + 16;
        use_realloc = 1;
    } else if (strcmp(what, "realloc-freed") == 0) {
        free(launder(small));
        bad = small;
        use_realloc = 1;
    } else {
        return 2;
    }
    say(bad);
    if (use_realloc) {
        void *r = realloc(launder(bad), 1000);
        printf("realloc gave %s\n", r == NULL ? "NULL" : "a block");
    } else {
        free(launder(bad));
    }
    printf("went on\n");
    return 0;
}
