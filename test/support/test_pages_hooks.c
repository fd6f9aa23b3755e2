/* The page hooks and slab_secret of a test program, over the shared test
 * page provider (test_pages.h), for suites with no adapter of their own. */
#include "slab/hooks.h"
#include "test_pages.h"

DEFINE_SLAB_HOOKS(test_pages_alloc, test_pages_free);
