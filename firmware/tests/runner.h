/*
 * The on-target test runner's tiny framework. A test is a function that
 * calls EXPECT(); the runner (main.c) runs each one, prints "[ ok ]" or
 * "[FAIL]" with the first failed expectation, and closes with
 * "N passed, N failed". Exit status (semihosting) is the failure count.
 */
#ifndef FW_TESTS_RUNNER_H
#define FW_TESTS_RUNNER_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *name;
    void (*run)(void);
} test_case;

/* Runs every test of the table (runner.c); returns the number that failed. */
int run_tests(const test_case *tests, unsigned count);

/* Records a failed expectation of the running test (first one is printed). */
void test_fail(const char *file, int line, const char *what);

#define EXPECT(cond)                                                           \
    do {                                                                       \
        if (!(cond)) test_fail(__FILE__, __LINE__, #cond);                     \
    } while (0)

/* Every test, defined in the test_*.c / test_*.cpp files. */
void test_static_pages(void);
void test_geometry(void);
void test_growth(void);
void test_empty_slabs_return(void);
void test_free_anywhere(void);
void test_misuse(void);
void test_forged_header(void);
void test_hook_null(void);
void test_hook_misaligned(void);
void test_hook_free_refused(void);
void test_locks(void);
void test_cxx_box(void);
void test_cxx_cache_lifetime(void);

#ifdef __cplusplus
}
#endif

#endif /* FW_TESTS_RUNNER_H */
