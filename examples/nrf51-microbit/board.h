/* SPDX-License-Identifier: MIT */
/* What ../common/demo.c needs from the board: its name and the secret's seed. */
#ifndef EXAMPLE_BOARD_H
#define EXAMPLE_BOARD_H

#define BOARD_NAME "nrf51-microbit"

/* Bytes of RAM handed to libslab as pages (DEFINE_SLAB_BUFFER_HOOKS in
 * ../common/demo.c): half of the part's 16 KiB. With 1 KiB slabs (CMakeLists.txt sets
 * SLAB_DEFAULT_SLAB_SIZE) that is 7 slabs and the pool's own state. */
#define BOARD_PAGE_BYTES (8u * 1024u)

/* Seeds slab_secret (slab/hooks.h) from the board's random source, if it
 * has one that answers; call it before the first cache is created. Returns
 * where the secret came from, for the log. */
const char *board_seed_secret(void);

#endif
