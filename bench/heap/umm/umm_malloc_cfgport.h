/* umm_malloc's port configuration for bench/heap: the defaults (8-byte
 * blocks, best fit, no critical sections: one thread, no interrupts, no
 * info, poison or integrity checks). */
#ifndef HB_UMM_MALLOC_CFGPORT_H
#define HB_UMM_MALLOC_CFGPORT_H
#endif
