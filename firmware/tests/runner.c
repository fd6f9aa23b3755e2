/*
 * The on-target runner's loop (runner.h): every test of a table, each checked
 * to give every page back to the pool, "[ ok ]" or "[FAIL]" with the first
 * failed expectation, and the closing "N passed, N failed". Shared by the
 * test firmware (main.c) and the RTOS-feature firmware (firmware/rtos/).
 */
#include "console.h"
#include "runner.h"
#include "static_pages.h"

static const char *first_failure;
static const char *failure_file;
static int failure_line;
static unsigned failed_checks;

void test_fail(const char *file, int line, const char *what)
{
    if (failed_checks++ == 0) {
        first_failure = what;
        failure_file = file;
        failure_line = line;
    }
}

int run_tests(const test_case *tests, unsigned count)
{
    unsigned passed = 0, failed = 0;
    static_pages_stats before, after;
    for (unsigned i = 0; i < count; i++) {
        failed_checks = 0;
        static_pages_get_stats(&before);
        tests[i].run();
        static_pages_get_stats(&after);
        if (after.free_bytes != before.free_bytes) {
            test_fail(__FILE__, __LINE__, "the test gave every page back to the pool");
        }
        if (failed_checks == 0) {
            passed++;
            con_str("[ ok ] ");
            con_str(tests[i].name);
            con_str("\n");
        } else {
            failed++;
            con_str("[FAIL] ");
            con_str(tests[i].name);
            con_str("\n       ");
            con_str(failure_file);
            con_str(":");
            con_uint((unsigned long)failure_line);
            con_str(": ");
            con_str(first_failure);
            con_str("\n");
        }
    }
    con_uint(passed);
    con_str(" passed, ");
    con_uint(failed);
    con_str(" failed\n");
    return (int)failed;
}
