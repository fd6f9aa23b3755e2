// Compile-time check (mk/target.mk, fw-spinlock-m0): on Cortex-M0 (ARMv6-M,
// no LDREX/STREX) using a cache with slab::SpinLock must fail to compile with
// the static_assert of slab/lock.hpp; on Cortex-M3 this file compiles.
#include "slab/slab.hpp"

struct Job {
    int id;
};

int use_spin_cache()
{
    auto made = slab::Cache<Job, slab::SpinLock>::create();
    if (!made) {
        return -1;
    }
    auto job = made->make(Job{7});
    return job ? (*job)->id : -2;
}
