/* The phases program of issue 22 (docs/malloc.md; test/malloc/measure.sh):
 * fills 200 MiB with blocks of one size, writing each, frees them all,
 * then the next size: 4, 8, 16, 32 KiB. Its peak RSS shows whether freed
 * pages of one size serve the next. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    static const size_t sizes[] = {4096, 8192, 16384, 32768};
    const size_t total = (size_t)200 << 20;
    char **blocks = malloc(total / sizes[0] * sizeof *blocks);
    if (blocks == NULL) {
        return 1;
    }
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = total / sizes[s];
        for (size_t i = 0; i < n; i++) {
            blocks[i] = malloc(sizes[s]);
            if (blocks[i] == NULL) {
                return 1;
            }
            memset(blocks[i], (int)i, sizes[s]);
        }
        for (size_t i = 0; i < n; i++) {
            free(blocks[i]);
        }
    }
    free(blocks);
    return 0;
}
