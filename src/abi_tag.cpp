// The option set this library was built with, as a symbol (slab/config.h,
// SLAB_ABI_TAG). Every file that includes slab.h references the tag of its
// own options, so a file built with other options fails to link instead of
// corrupting the caches it shares with the library.
#include "slab/slab.h"

extern "C" {
extern const char SLAB_ABI_TAG;
const char SLAB_ABI_TAG = 1;
}
