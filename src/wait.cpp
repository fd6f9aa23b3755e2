// SPDX-License-Identifier: MIT
// Blocking allocation: slab_alloc_wait() and the cache's wait interface.
//
// A caller that finds no slot (every slab full, the page source empty) counts
// itself in `waiters` under the lock, in the same hold as the failed
// alloc, then waits through the program's slab_wait_ops without the lock.
// A free that makes room while waiters > 0 leaves the inline path
// (cache_free_fast) for the slow one, which calls wake() once after its
// unlock (lock.hpp, free_slow). Since waiters > 0 only while no slab had room
// when they enlisted, the first free after that is into a full slab: it
// always takes the slow path. Further frees into that slab may stay inline;
// so a woken waiter that gets a slot and sees room left and waiters left
// wakes the next one (a baton), and every free slot reaches a waiter.
//   waiters == callers between their enlisting hold and their next hold
// A wake() that finds nobody (a waiter timed out meanwhile) leaves a count
// in the program's semaphore: the next waiter returns at once, finds no
// slot, and waits again. Spurious wakes cost a retry, never a lost slot.
// The timeout bounds the call whatever the interface reports: each wait
// spends at least one tick of it (SLAB_WAIT_FOREVER: no bound).
#include "c_dispatch.hpp"
#include "slab/trace.h"

namespace {

using slab::detail::cache_ok;
using slab::detail::lock_known;
using slab::detail::with_lock;

// True in an interrupt handler, where nothing may wait.
bool in_interrupt(const slab_wait_ops *w)
{
#if SLAB_HAVE_IRQ_LOCK
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    if (ipsr != 0) {
        return true;
    }
#endif
    return w->in_isr != nullptr && w->in_isr(w->ctx) != 0;
}

// One alloc with the lock held (either half), *st says why on NULL.
void *alloc_held(slab_cache *c, slab_status *st)
{
    void *p = slab::detail::cache_alloc_fast_held(c);
    if (p != nullptr) {
        *st = SLAB_OK;
        return p;
    }
    return slab::detail::cache_alloc_slow(c, st);
}

// A slot can be taken without a page from the source.
bool has_room(const slab_cache *c) { return c->partial.next != &c->partial || c->spare != nullptr; }

}  // namespace

extern "C" {

slab_status slab_cache_set_wait(slab_cache *cache, const slab_wait_ops *ops)
{
    slab_cache *c = nullptr;
    slab_status st = cache_ok(cache, &c);
    if (st != SLAB_OK) {
        return st;
    }
    if (ops != nullptr && (ops->wait == nullptr || ops->wake == nullptr)) {
        return SLAB_EINVAL;
    }
    if (!lock_known(c)) {
        return SLAB_EUNSUPPORTED;
    }
    with_lock(c, [&] { c->wait = ops; });
    return SLAB_OK;
}

void *slab_alloc_wait_status(slab_cache *cache, uint32_t timeout, slab_status *status)
{
    slab_status ignored = SLAB_OK;
    slab_status *st = status != nullptr ? status : &ignored;
    slab_cache *c = nullptr;
    *st = cache_ok(cache, &c);
    if (*st != SLAB_OK) {
        return nullptr;
    }
    if (!lock_known(c)) {
        *st = SLAB_EUNSUPPORTED;
        return nullptr;
    }
    const slab_wait_ops *w = c->wait;
    if (w == nullptr || timeout == 0 || in_interrupt(w)) {
        return with_lock(c, [&] { return alloc_held(c, st); }); // nothing waits
    }
    uint32_t ticks = timeout;
    bool enlisted = false;
    bool timed_out = false;
    for (;;) {
        bool wake_next = false;
        void *p = with_lock(c, [&] {
            if (enlisted) {
                SLAB_ASSERT(c->waiters > 0);
                c->waiters--;
            }
            void *q = alloc_held(c, st);
            wake_next = q != nullptr && enlisted && c->waiters != 0 && has_room(c);
            enlisted = q == nullptr && !timed_out;
            if (enlisted) {
                c->waiters++;
                SLAB_TRACE_WAIT(c, ticks);
            }
            return q;
        });
        if (wake_next) {
            w->wake(w->ctx);
        }
        if (!enlisted) {
            if (p == nullptr && timed_out) {
                *st = SLAB_ETIMEDOUT;
            }
            return p;
        }
        uint32_t before = ticks;
        timed_out = w->wait(w->ctx, &ticks) != 0;
        if (timeout != SLAB_WAIT_FOREVER) {
            // Every wait spends at least one tick of the budget, whatever the
            // interface says: one that reports wake-ups without a free, or
            // never lowers `ticks`, still ends the call after `timeout` waits.
            ticks = ticks < before ? ticks : before - 1u;
            timed_out = timed_out || ticks == 0;
        }
    }
}

void *slab_alloc_wait(slab_cache *cache, uint32_t timeout) { return slab_alloc_wait_status(cache, timeout, nullptr); }

}  // extern "C"
