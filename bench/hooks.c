/* The page hooks of every bench binary: the hosted provider (aligned_alloc /
 * free), as a hosted user of libslab would have. Its cost is part of what
 * libslab's batch and growth figures include. */
#include "hosted_pages.h"

DEFINE_SLAB_HOOKS(hosted_page_alloc, hosted_page_free);
