// SPDX-License-Identifier: MIT
// A cache's lock class: what the C front needs of its lock, one table per
// lock kind (src/lock_class.cpp). The control block points to its class
// (struct slab_cache, `lock_class`), chosen at creation, so that a C call
// reaches any lock through the table and a firmware links only the classes
// its creations name (slab.h, slab_cache_create_in_). The C++ front calls
// its Lock type directly and never reads the class.
#ifndef SLAB_SRC_LOCK_CLASS_HPP
#define SLAB_SRC_LOCK_CLASS_HPP

#include "slab/lock.hpp"

struct slab_lock_class_ {
    // The whole alloc with the lock held: the inline half, else the slow
    // one. *why as slab_alloc_status() (may be NULL). The four calls are
    // NULL in the no-lock class: the C front serves those caches inline.
    void *(*alloc)(slab_cache *c, slab_status *why);
    // The same for slab_alloc(), which wants no status: one argument less.
    void *(*alloc_quick)(slab_cache *c);
    // The whole free of obj in c's genuine slab s (lock.hpp, free_locked_as).
    slab_status (*free)(slab_cache *c, slab::detail::slab_page *s, void *obj, size_t fast_size);
    // The same for slab_free(): s is a byte-map slab of the default size.
    slab_status (*free_quick)(slab_cache *c, slab::detail::slab_page *s, void *obj);
    // Takes and releases the lock; NULL where C calls cannot take it (a
    // heap's class cache: its lock is the heap's).
    unsigned long (*lock)(slab_cache *c);
    void (*unlock)(slab_cache *c, unsigned long token);
    // Constructs the lock in the master at creation (the BASEPRI priority,
    // the program's slab_lock_ops).
    void (*init)(void *lock_area, uint8_t prio, const slab_lock_ops *ops);
    uint16_t lock_size;  // bytes of the lock object
    uint16_t lock_align; // its alignment
    uint8_t kind;        // SLAB_LOCK_KIND_*
    uint8_t built;       // 0: no such lock on this target (creation: SLAB_EUNSUPPORTED)
};

namespace slab {
namespace detail {
inline namespace SLAB_ABI_TAG {

// The class of a kind that lock_choice accepted (links every class).
const slab_lock_class_ *lock_class_of_kind(uint8_t kind);

// The class of a heap's class caches (src/heap.cpp): their lock is the
// heap's, which the cache calls cannot take, so they refuse them.
extern const slab_lock_class_ kHeapClassCacheLock;

}  // inline namespace SLAB_ABI_TAG
}  // namespace detail
}  // namespace slab

#endif  // SLAB_SRC_LOCK_CLASS_HPP
