// SPDX-License-Identifier: MIT
// The C front: argument checks before the lock, one lock acquisition per
// call, then the shared core (slab/detail/cache.hpp). No logic of its own.
// A cache with no lock is served inline; any other reaches its lock through
// its lock class (src/lock_class.hpp), so that a firmware links the code of
// the locks it creates and no other.
#include "c_dispatch.hpp"

using slab::detail::find_slab;
using slab::detail::lock_area;
using slab::detail::slab_page;

namespace {

using slab::detail::alloc_locked_as;
using slab::detail::cache_ok;
using slab::detail::free_locked_as;
using slab::detail::lock_known;
using slab::detail::with_lock;

// One alloc under the cache's lock: inline with no lock, else through the
// lock class.
SLAB_INLINE void *alloc_locked(slab_cache *c, slab_status *status)
{
    if (SLAB_LIKELY(c->lock_kind == SLAB_LOCK_KIND_NONE)) {
        return alloc_locked_as<slab::NoLock>(c, status);
    }
    return c->lock_class->alloc(c, status);
}

// Frees obj into its validated slab s under the cache's lock; fast_size: the
// slab size when s is a byte-map slab (the inline half may take it), else 0.
// A heap's block (its class caches record SLAB_LOCK_KIND_HEAP) is refused
// by its class with nothing read but its genuine header: freeing it without
// the heap's lock and counters would corrupt the heap (slab_heap_free frees it).
SLAB_INLINE slab_status free_locked(slab_cache *c, slab_page *s, void *obj, size_t fast_size)
{
    if (SLAB_LIKELY(c->lock_kind == SLAB_LOCK_KIND_NONE)) {
        return free_locked_as<slab::NoLock>(c, s, obj, fast_size);
    }
    return c->lock_class->free(c, s, obj, fast_size);
}

// Why no slab of the default size or below holds obj: the header at its
// default-size mask may be that of a larger slab (a cache with a larger slab
// size, obj in its first block), which its magic tells without reading
// anything but the header itself.
slab_status refuse_default_free(const void *obj)
{
    const slab_page *s = slab::detail::page_of(obj, SLAB_DEFAULT_SLAB_SIZE);
    for (size_t size = size_t(SLAB_DEFAULT_SLAB_SIZE) * 2u; size != 0 && size <= SLAB_MAX_SLAB_SIZE; size <<= 1) {
        if (slab::detail::page_valid(s, size)) {
            return SLAB_ESLABSIZEFREE;
        }
    }
    return SLAB_EBADPTR;
}

// The slab of obj among the sizes below the default, or NULL. Every mask lands between obj and its default-size mask, whose
// header slab_free read already: no read leaves that block. Largest first;
// a header validates only at its own size (its magic binds the size), so
// the first found is obj's own slab.
slab_page *find_smaller_slab(const void *obj)
{
    for (size_t m = SLAB_DEFAULT_SLAB_SIZE / 2u; m >= SLAB_MIN_SLAB_SIZE; m >>= 1) {
        slab_page *s = find_slab(obj, m);
        if (s != nullptr) {
            return s;
        }
    }
    return nullptr;
}

// slab_free of a pointer whose header at the default mask does not hold the
// byte-map magic: a two-byte-map slab of the default size, a slab of a
// smaller size (both freed as their cache's), or a refusal.
SLAB_COLD slab_status free_other(void *obj)
{
    slab_page *s = find_slab(obj, SLAB_DEFAULT_SLAB_SIZE);
    if (s == nullptr) {
        s = find_smaller_slab(obj);
    }
    if (s == nullptr) {
        return refuse_default_free(obj);
    }
    return free_locked(s->cache, s, obj, 0); // (the slow half: this path is cold)
}

// The shape of every cold C call on a cache handle: validate the handle,
// refuse a lock C cannot take, run op(c) under the lock.
template <class Op>
slab_status on_cache(const slab_cache *cache, Op op)
{
    slab_cache *c = nullptr;
    slab_status st = cache_ok(cache, &c);
    if (st != SLAB_OK) {
        return st;
    }
    if (!lock_known(c)) {
        return SLAB_EUNSUPPORTED;
    }
    with_lock(c, [&] { op(c); });
    return SLAB_OK;
}

// Every creation of the C front: the lock (the program's ops, or the
// built-in kind of `flags`) in its class, and the page source (NULL: the
// global hooks). Arguments, not a struct: at -Os an aggregate on the stack
// costs a memset.
slab_status create_with(slab_cache **out, size_t size, size_t align, size_t slab_size, unsigned flags,
                        const slab_lock_ops *ops, const slab_page_source *src, const slab_lock_class_ *cls)
{
    uint8_t kind = 0;
    uint8_t prio = 0;
    slab_status st = slab::detail::lock_choice(flags, ops, src, &kind, &prio);
    if (st != SLAB_OK) {
        return st;
    }
    if (cls->kind != kind) {
        return SLAB_EINVAL; // (slab_cache_create's macro always names the class of its flags)
    }
    if (cls->built == 0) {
        return SLAB_EUNSUPPORTED;
    }
    st = slab::detail::cache_create(out, size, align, slab_size, cls->lock_size, cls->lock_align, kind, cls, src);
    if (st == SLAB_OK) {
        cls->init(lock_area(*out), prio, ops);
    }
    return st;
}

// The class of flags (or ops) known only at run time: this links every
// class. Flags lock_choice refuses get the no-lock class; create_with then
// refuses them with lock_choice's status.
const slab_lock_class_ *class_at_run_time(unsigned flags, const slab_lock_ops *ops)
{
    uint8_t kind = SLAB_LOCK_KIND_NONE;
    uint8_t prio = 0;
    if (slab::detail::lock_choice(flags, ops, nullptr, &kind, &prio) != SLAB_OK) {
        return &slab_lock_class_none_;
    }
    return slab::detail::lock_class_of_kind(kind);
}

}  // namespace

extern "C" {

// (In parentheses: slab.h's macro of this name routes constant flags to
// slab_cache_create_in_.)
slab_status(slab_cache_create)(slab_cache **out, size_t obj_size, size_t obj_align, size_t slab_size,
                               unsigned flags)
{
    return create_with(out, obj_size, obj_align, slab_size, flags, nullptr, nullptr, class_at_run_time(flags, nullptr));
}

slab_status slab_cache_create_in_(slab_cache **out, size_t obj_size, size_t obj_align, size_t slab_size,
                                  unsigned flags, const slab_lock_class_ *cls)
{
    if (cls == nullptr) {
        return SLAB_EINVAL;
    }
    return create_with(out, obj_size, obj_align, slab_size, flags, nullptr, nullptr, cls);
}

slab_status slab_cache_create_with_lock(slab_cache **out, size_t obj_size, size_t obj_align, size_t slab_size,
                                        const slab_lock_ops *ops)
{
    if (ops == nullptr) {
        return SLAB_EINVAL;
    }
    return create_with(out, obj_size, obj_align, slab_size, 0, ops, nullptr, &slab_lock_class_ops_);
}

slab_status slab_cache_create_ex(slab_cache **out, const slab_cache_config *config)
{
    if (config == nullptr) {
        return SLAB_EINVAL;
    }
    return create_with(out, config->obj_size, config->obj_align, config->slab_size, config->flags, config->lock,
                       config->pages, class_at_run_time(config->flags, config->lock));
}


slab_status slab_cache_destroy(slab_cache *cache)
{
    slab_cache *c = nullptr;
    slab_status st = cache_ok(cache, &c);
    if (st != SLAB_OK) {
        return st;
    }
    if (c->cxx_owned != 0 || c->pinned != 0 || !lock_known(c)) {
        return SLAB_EUNSUPPORTED; // a C++ cache ends with its last handle; a static one never
    }
    if (with_lock(c, [&] { return slab::detail::cache_in_use(c); }) != 0) {
        return SLAB_EBUSY;
    }
    return slab::detail::cache_teardown(c);
}

void *slab_alloc_status(slab_cache *cache, slab_status *status)
{
    slab_status st = SLAB_EINVAL;
    void *p = nullptr;
    if (cache != nullptr) {
        st = SLAB_OK;
        p = alloc_locked(cache, &st);
    }
    if (status != nullptr) {
        *status = st;
    }
    return p;
}

// The inline halves below run as NoLock's and need no lock-kind test: a
// cache with a lock fails them having changed nothing (struct slab_cache,
// fast_nolock and recip_nolock), and its slow half goes by its lock.
void *slab_alloc(slab_cache *cache)
{
    if (SLAB_UNLIKELY(cache == nullptr)) {
        return nullptr; // (slab_alloc_status says why: SLAB_EINVAL)
    }
    void *p = slab::detail::cache_alloc_fast<true>(cache);
    if (SLAB_LIKELY(p != nullptr)) {
        return p;
    }
    if (!slab::detail::has_lock(cache)) {
        return slab::detail::cache_alloc_slow(cache, nullptr);
    }
    return cache->lock_class->alloc_quick(cache);
}

slab_status slab_free(void *obj)
{
    if (SLAB_UNLIKELY(obj == nullptr)) {
        return SLAB_EINVAL;
    }
    if (SLAB_UNLIKELY(!slab::detail::addr_possible(obj))) {
        return SLAB_EBADPTR; // no page lies there: nothing is read
    }
    slab_page *s = slab::detail::page_of(obj, SLAB_DEFAULT_SLAB_SIZE);
    slab_cache *c = s->cache;
    if (SLAB_UNLIKELY(!slab::detail::page_byte_map(s, c, SLAB_DEFAULT_SLAB_SIZE))) {
        return free_other(obj);
    }
    if (SLAB_UNLIKELY(c->recip_nolock == 0)) {
        return c->lock_class->free_quick(c, s, obj); // a cache with a lock (a load the inline half makes anyway)
    }
    if (SLAB_LIKELY(slab::detail::cache_free_fast<true>(c, s, obj, SLAB_DEFAULT_SLAB_SIZE))) {
        return SLAB_OK;
    }
    return free_locked_as<slab::NoLock>(c, s, obj, 0); // (the slow half)
}

slab_status slab_cache_free(slab_cache *cache, void *obj)
{
    slab_cache *c = nullptr;
    slab_status st = obj == nullptr ? SLAB_EINVAL : cache_ok(cache, &c);
    if (st != SLAB_OK) {
        return st;
    }
    slab_page *s = nullptr;
    if (slab::detail::addr_possible(obj)) {
        s = slab::detail::cache_slab_of(c, obj, &st);
    } else {
        st = SLAB_EBADPTR; // no page lies there: nothing is read
    }
    if (s == nullptr) {
        if (lock_known(c)) {
            with_lock(c, [&] { slab::detail::report(c, st, obj); });
        }
        return st;
    }
    return free_locked(c, s, obj, c->wide == 0 ? c->slab_size : 0);
}

slab_status slab_cache_stats(const slab_cache *cache, slab_stats *out)
{
    if (out == nullptr) {
        return SLAB_EINVAL;
    }
    return on_cache(cache, [&](slab_cache *c) { slab::detail::cache_stats(c, out); });
}

slab_status slab_cache_reset_peak(slab_cache *cache)
{
    return on_cache(cache, [](slab_cache *c) { slab::detail::cache_reset_peak(c); });
}

slab_status slab_cache_set_error_handler(slab_cache *cache, slab_error_fn fn, void *ctx)
{
    return on_cache(cache, [&](slab_cache *c) {
        c->on_error = fn;
        c->error_ctx = fn != nullptr ? ctx : nullptr;
    });
}

// Both take no lock, so they do not put a dormant static cache in service:
// its image is all there is to check (cache_dormant).
slab_status slab_cache_check(const slab_cache *cache)
{
    if (cache == nullptr) {
        return SLAB_EINVAL;
    }
    return slab::detail::cache_dormant(cache) ? SLAB_OK : slab::detail::cache_check(cache);
}

slab_status slab_cache_validate(const slab_cache *cache)
{
    if (cache == nullptr) {
        return SLAB_EINVAL;
    }
    return slab::detail::cache_dormant(cache) ? SLAB_OK : slab::detail::cache_validate(cache);
}

const char *slab_status_str(slab_status status)
{
    static const char *const names[] = {
        "SLAB_OK",         "SLAB_EINVAL",   "SLAB_EALIGN",        "SLAB_ESLABSIZE",    "SLAB_ETOOBIG",
        "SLAB_ENOMEM",     "SLAB_EHOOKALIGN", "SLAB_EHOOKFREE",   "SLAB_EBUSY",        "SLAB_EBADPTR",
        "SLAB_EWRONGCACHE", "SLAB_ESLABSIZEFREE", "SLAB_EUNSUPPORTED", "SLAB_ENOTSLOT", "SLAB_EDOUBLEFREE",
        "SLAB_EPOISON",    "SLAB_EREDZONE", "SLAB_ECORRUPT", "SLAB_EHEADER",  "SLAB_ENEVERALLOC",
        "SLAB_EHOOKDUP",   "SLAB_ETIMEDOUT", "SLAB_ESECRET",  "SLAB_EHEAPBLOCK", "SLAB_EREENTERED",
    };
    static_assert(sizeof(names) / sizeof(names[0]) == SLAB_STATUS_COUNT_, "one name per status, in enum order");
    unsigned i = static_cast<unsigned>(status);
    return i < sizeof(names) / sizeof(names[0]) ? names[i] : "SLAB_E?";
}

}  // extern "C"
