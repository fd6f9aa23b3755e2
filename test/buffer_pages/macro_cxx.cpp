// DEFINE_SLAB_BUFFER_HOOKS from C++: the hooks get C linkage, defined once
// (mk/test-buffer-pages.mk checks the symbols of this object with nm).
#include "buffer_pages.h"

DEFINE_SLAB_BUFFER_HOOKS(cxx_ram, 16 * 1024);

extern "C" int cxx_ram_free_bytes(void);
extern "C" int cxx_ram_free_bytes(void) { return (int)buffer_pool_free_bytes(cxx_ram()); }
