// The heap fuzz target's other operations: peaks, the report hook, the
// faults the input arms in the page hook, NULL and bogus heap arguments, and
// the plain slab_cache whose objects the misuse hands to the heap.
#include "fuzz_heap.hpp"

namespace hfuzz {

namespace {

// NULL arguments and a heap pointer that is no heap (foreign bytes): refused,
// nothing reported, no page moved, heap i's block p (if any) untouched.
void bad_arguments(int i, Reader &r)
{
    slab_heap_usage u{};
    slab_heap *fake = reinterpret_cast<slab_heap *>(g_foreign + 64 * (r.u8() % 64));
    uintptr_t p = pick_live(r, i);
    begin(hpages::kNoOwner);
    CHECK(slab_heap_alloc(nullptr, 8) == nullptr);
    CHECK(slab_heap_aligned_alloc(nullptr, 64, 8) == nullptr);
    CHECK(slab_heap_calloc(nullptr, 1, 8) == nullptr);
    CHECK(slab_heap_realloc(nullptr, nullptr, 8) == nullptr);
    CHECK(slab_heap_free(nullptr) == SLAB_OK);
    CHECK(slab_heap_usable_size(nullptr) == 0);
    CHECK(slab_heap_create(nullptr, 0) == SLAB_EINVAL);
    CHECK(slab_heap_stats(nullptr, &u) == SLAB_EINVAL && slab_heap_stats(g_heap[i].h, nullptr) == SLAB_EINVAL);
    CHECK(slab_heap_destroy(nullptr) == SLAB_EINVAL && slab_heap_trim(nullptr) == SLAB_EINVAL);
    CHECK(slab_heap_validate(nullptr) == SLAB_EINVAL && slab_heap_reset_peak(nullptr) == SLAB_EINVAL);
    CHECK(slab_heap_stats(fake, &u) == SLAB_EBADPTR && slab_heap_destroy(fake) == SLAB_EBADPTR);
    CHECK(slab_heap_trim(fake) == SLAB_EBADPTR && slab_heap_validate(fake) == SLAB_EBADPTR);
    CHECK(slab_heap_reset_peak(fake) == SLAB_EBADPTR);
    CHECK(slab_heap_set_error_handler(fake, on_report, fake) == SLAB_EBADPTR);
    if (p != 0) {
        CHECK(slab_heap_realloc(fake, reinterpret_cast<void *>(p), 8) == nullptr); // no heap to report to
    }
    hpages::Events e = end();
    CHECK(e.alloc_calls == 0 && e.free_calls == 0);
    if (p != 0) {
        check_block(p);
    }
    g_n.misuse += 17;
}

}  // namespace

void op_misc(int i, Reader &r)
{
    HeapM &m = g_heap[i];
    switch (r.u8() % 10) {
    case 0:
        CHECK(slab_heap_reset_peak(m.h) == SLAB_OK);
        m.bytes_peak = m.bytes;
        hpages::reset_peak(i);
        break;
    case 1:
        m.handler = !m.handler;
        CHECK(slab_heap_set_error_handler(m.h, m.handler ? on_report : nullptr, m.h) == SLAB_OK);
        break;
    case 2: hpages::fail_next_alloc(); break;
    case 3: hpages::dup_next_alloc(r.u8()); break;
    case 4: hpages::refuse_next_free(); break;
    case 5: hpages::set_poison((r.u8() & 1u) != 0); break;
    case 6: hpages::release_one(r.u8()); break;
    case 7: bad_arguments(i, r); break;
    default: {
        uintptr_t p = pick_live(r, i);
        if (p != 0) {
            check_block(p);
        }
        break;
    }
    }
    verify_all();
}

// A plain slab_cache beside the heaps (its objects are misuse for them):
// alloc or free one object. Skipped while a fault is armed for the heaps.
void op_plain(Reader &r)
{
    if (hpages::fault_pending()) {
        return;
    }
    uint8_t v = r.u8();
    begin(kPlainOwner);
    if ((v & 1u) != 0 && !g_plain_objs.empty()) {
        size_t k = v % g_plain_objs.size();
        CHECK(slab_free(g_plain_objs[k]) == SLAB_OK);
        g_plain_objs.erase(g_plain_objs.begin() + long(k));
    } else if (g_plain_objs.size() < 200) {
        void *o = slab_alloc(g_plain);
        CHECK(o != nullptr);
        g_plain_objs.push_back(o);
    }
    (void)end();
    verify_all();
}

}  // namespace hfuzz
