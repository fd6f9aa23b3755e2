/*
 * Board support for the QEMU MPS2 and micro:bit boards: libslab's pages come
 * from the linker's .slab_pages region (linker/<board>.ld) through the buddy
 * provider of hooks/static_pages. This one line is all the glue a board needs.
 */
#include "static_pages.h"

DEFINE_SLAB_HOOKS(static_page_alloc, static_page_free);
