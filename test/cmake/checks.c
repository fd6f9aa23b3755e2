/*
 * make test-cmake (mk/test-cmake.mk): the C API checks every consumer runs.
 *
 * The test builds libslab with non-default options and tells the consumer,
 * on its own command line, what to expect (EXPECT_CHECKS, EXPECT_SLAB_SIZE,
 * and where the package says it, EXPECT_VERSION).
 * The SLAB_* macros seen here can only come from the package's usage
 * requirements (the target's PUBLIC definitions, slabConfig.cmake, slab.pc):
 * the #if lines check that they arrived. The library's behaviour shows what
 * it was built with: the default slab size of a new cache, and a double free
 * refused as such only in checked mode.
 */
#include <stddef.h>
#include <string.h>

#include "checks.h"
#include "slab/slab.h"

#if !defined(EXPECT_CHECKS) || !defined(EXPECT_SLAB_SIZE)
#error "compile with -DEXPECT_CHECKS=<0|1> -DEXPECT_SLAB_SIZE=<bytes> (mk/test-cmake.mk)"
#endif
#if SLAB_CHECKS != EXPECT_CHECKS
#error "SLAB_CHECKS did not reach this consumer through the package"
#endif
#if SLAB_DEFAULT_SLAB_SIZE != EXPECT_SLAB_SIZE
#error "SLAB_DEFAULT_SLAB_SIZE did not reach this consumer through the package"
#endif

typedef struct {
    unsigned id;
    unsigned char data[60];
} record;

const char *consumer_checks(void)
{
#ifdef EXPECT_VERSION
    /* slab/version.h and the package (slabConfigVersion.cmake, slab.pc)
     * carry one version. */
    if (strcmp(SLAB_VERSION_STRING, EXPECT_VERSION) != 0) {
        return "SLAB_VERSION_STRING is not the package's version";
    }
#endif
    slab_cache *cache = NULL;
    if (slab_cache_create(&cache, sizeof(record), _Alignof(record), 0, 0) != SLAB_OK) {
        return "slab_cache_create";
    }
    slab_stats stats;
    if (slab_cache_stats(cache, &stats) != SLAB_OK) {
        return "slab_cache_stats";
    }
    if (stats.slab_size != EXPECT_SLAB_SIZE) {
        return "slab size of a new cache: the library was built with another SLAB_DEFAULT_SLAB_SIZE";
    }
    record *r = slab_alloc(cache);
    if (r == NULL) {
        return "slab_alloc";
    }
    r->id = 7;
    if (slab_cache_stats(cache, &stats) != SLAB_OK || stats.objs_in_use != 1) {
        return "one object in use after slab_alloc";
    }
    if (slab_free(r) != SLAB_OK) {
        return "slab_free";
    }
#if EXPECT_CHECKS
    /* The slot is in the master slab, which stays: checked mode refuses the
     * second free and changes nothing. */
    if (slab_free(r) != SLAB_EDOUBLEFREE) {
        return "double free not reported: the library was not built in checked mode";
    }
#endif
    if (slab_cache_validate(cache) != SLAB_OK) {
        return "slab_cache_validate";
    }
    if (slab_cache_destroy(cache) != SLAB_OK) {
        return "slab_cache_destroy";
    }
    return NULL;
}
