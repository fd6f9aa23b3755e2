/*
 * C++-front caches for the C test test_cxx_caches.c, made by cxx_caches.cpp
 * through slab.hpp and handed to C as raw slab_cache handles (Cache::raw()).
 *   plain  slab::Cache<48-byte object, NoLock>: C calls work on it, except
 *          slab_cache_destroy (a C++ cache ends with its last handle).
 *   user   slab::Cache<48-byte object, a user lock type>: C cannot take that
 *          lock, so C calls that need it return SLAB_EUNSUPPORTED.
 * One of each at a time; NULL from create when the hook gave no page.
 */
#ifndef SLAB_TEST_C_CXX_CACHES_H
#define SLAB_TEST_C_CXX_CACHES_H

#include <stdint.h>

#include "slab/slab.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CXX_OBJ_SIZE 48

slab_cache *cxx_plain_create(void);
void cxx_plain_drop(void); /* drops the only handle */

slab_cache *cxx_user_create(void);
void *cxx_user_alloc(void);       /* through the C++ front, with the user lock */
void cxx_user_free(void *obj);    /* Cache::free_slot */
uint32_t cxx_user_in_use(void);   /* stats() through the C++ front */
int cxx_user_lock_balanced(void); /* 1 when every lock() had its unlock() */
void cxx_user_drop(void);

#ifdef __cplusplus
}
#endif

#endif /* SLAB_TEST_C_CXX_CACHES_H */
