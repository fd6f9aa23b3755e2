/* Compile-time check (mk/target.mk, fw-spinlock-m0): on Cortex-M0 (ARMv6-M,
 * no LDREX/STREX) naming SLAB_LOCK_SPIN must fail to compile with the message
 * of slab/slab.h; on Cortex-M3 this file compiles. */
#include "slab/slab.h"

slab_status make_spin_cache(slab_cache **out);

slab_status make_spin_cache(slab_cache **out) { return slab_cache_create(out, 32, 0, 0, SLAB_LOCK_SPIN); }
