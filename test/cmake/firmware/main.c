/*
 * make test-cmake: a Cortex-M4 firmware that takes libslab by
 * add_subdirectory() (CMakeLists.txt beside this file) and runs on QEMU
 * mps2-an386. The pages come from the board's hooks (firmware/board.c over
 * hooks/static_pages). Runs the C checks and the C++ ones; the exit status,
 * through semihosting, is 0 when all held.
 */
#include <stddef.h>

#include "checks.h"
#include "console.h"

const char *cxx_checks(void); /* box.cpp */

int main(void)
{
    const char *failed = consumer_checks();
    if (failed == NULL) {
        failed = cxx_checks();
    }
    if (failed != NULL) {
        con_str("test-cmake firmware: FAILED: ");
        con_str(failed);
        con_str("\n");
        return 1;
    }
    con_str("test-cmake firmware: C and C++ checks passed\n");
    return 0;
}
