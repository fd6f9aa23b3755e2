/*
 * make test-cmake (mk/test-cmake.mk): what every consumer checks through the
 * C API, whichever way it took libslab (add_subdirectory, find_package,
 * pkg-config).
 */
#ifndef TEST_CMAKE_CHECKS_H
#define TEST_CMAKE_CHECKS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Creates a cache, allocates, frees, destroys, checking every status, and
 * checks that the library was built with the options the consumer sees.
 * NULL when all held, else the name of the first check that failed. */
const char *consumer_checks(void);

#ifdef __cplusplus
}
#endif

#endif /* TEST_CMAKE_CHECKS_H */
