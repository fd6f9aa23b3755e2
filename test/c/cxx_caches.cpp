// C++-front caches handed to the C tests; see cxx_caches.h.
#include "cxx_caches.h"

#include "slab/slab.hpp"

namespace {

struct Obj {
    unsigned char bytes[CXX_OBJ_SIZE];
};

// A lock type of the user's own: the C front does not know how to take it.
struct UserLock {
    using token = int;
    static constexpr uint8_t kind = SLAB_LOCK_KIND_CUSTOM;
    token lock() noexcept { return ++depth; }
    void unlock(token) noexcept { --depth; }
    int depth = 0;
};

using PlainCache = slab::Cache<Obj>;
using UserCache = slab::Cache<Obj, UserLock>;

PlainCache plain;
UserCache user;

}  // namespace

extern "C" {

slab_cache *cxx_plain_create(void)
{
    auto r = PlainCache::create();
    if (!r) {
        return nullptr;
    }
    plain = r.take();
    return plain.raw();
}

void cxx_plain_drop(void) { plain = PlainCache(); }

slab_cache *cxx_user_create(void)
{
    auto r = UserCache::create();
    if (!r) {
        return nullptr;
    }
    user = r.take();
    return user.raw();
}

void *cxx_user_alloc(void) { return user.try_alloc(); }

void cxx_user_free(void *obj) { UserCache::free_slot(obj); }

uint32_t cxx_user_in_use(void) { return user.stats().objs_in_use; }

int cxx_user_lock_balanced(void)
{
    // The lock object sits in the master beside the control block.
    const UserLock &l = slab::detail::lock_of<UserLock>(user.raw());
    return l.depth == 0;
}

void cxx_user_drop(void) { user = UserCache(); }

}  // extern "C"
