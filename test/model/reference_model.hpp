// Reference model of one cache, for the model-based test: what the cache
// must hold after each call, written as plainly as possible (maps, counts).
//
//   live     address -> model id of every object handed out and not freed
//   slabs    base -> live objects, for every slab in service (the master,
//            and every slave with a free slot or full, including an
//            empty slave whose give-back the hook refused)
//   spare    the one empty slave kept aside, or 0
// Rules (slab/slab.h, slab/detail/cache.hpp):
//   alloc needs a page iff every slab in service is full; then the spare is
//   used if there is one (no hook call), else the hook is called once.
//   A slave that becomes empty becomes the spare if there is none, else it
//   is offered to the hook: given back, or (refused) kept in service, empty.
//   The master is never given back while the cache lives.
#ifndef SLAB_TEST_REFERENCE_MODEL_HPP
#define SLAB_TEST_REFERENCE_MODEL_HPP

#include <cstdint>
#include <map>

#include "slab/slab.h"

namespace slabtest {

class RefModel {
public:
    RefModel(uintptr_t master, uint32_t cap_master, uint32_t cap_slave)
        : master_(master), cap_master_(cap_master), cap_slave_(cap_slave)
    {
        slabs_[master] = 0;
        taken_ = slabs_peak_ = 1;
    }

    uint32_t capacity(uintptr_t base) const { return base == master_ ? cap_master_ : cap_slave_; }

    // True when the next alloc must take a slab (spare or hook).
    bool needs_slab() const
    {
        uint64_t room = 0;
        for (const auto &s : slabs_) {
            room += capacity(s.first) - s.second;
        }
        return room == 0;
    }
    bool has_spare() const { return spare_ != 0; }
    uintptr_t spare() const { return spare_; }
    bool in_service(uintptr_t base) const { return slabs_.count(base) != 0; }
    uint32_t used(uintptr_t base) const { return slabs_.at(base); }
    uintptr_t master() const { return master_; }

    // An alloc that failed at the hook (NULL or misaligned page).
    void alloc_failed() { failures_++; }

    // An alloc that returned addr in the slab at base. fresh_page: base came
    // from the hook during this call.
    void allocated(uintptr_t addr, uintptr_t base, uint64_t id, bool fresh_page)
    {
        if (fresh_page) {
            taken_++;
            slabs_[base] = 0;
        } else if (base == spare_) {
            spare_ = 0;
            slabs_[base] = 0;
        }
        slabs_[base]++;
        live_[addr] = id;
        if (live_.size() > peak_) {
            peak_ = static_cast<uint32_t>(live_.size());
        }
        note_slabs();
    }

    // What a free of addr (in the slab at base) does. Returns true when the
    // slab is offered to the hook (the caller decides whether it accepts).
    bool free_offers_page(uintptr_t base) const
    {
        return slabs_.at(base) == 1 && base != master_ && spare_ != 0;
    }
    void freed(uintptr_t addr, uintptr_t base, bool hook_accepted)
    {
        live_.erase(addr);
        uint32_t left = --slabs_[base];
        if (left != 0 || base == master_) {
            return;
        }
        if (spare_ == 0) {
            spare_ = base;
            slabs_.erase(base);
        } else if (hook_accepted) {
            given_++;
            slabs_.erase(base);
        } else {
            failures_++; // stays in service, empty
        }
    }

    void reset_peak()
    {
        peak_ = static_cast<uint32_t>(live_.size());
        slabs_peak_ = slab_count();
    }

    uint32_t slab_count() const { return static_cast<uint32_t>(slabs_.size()) + (spare_ != 0 ? 1u : 0u); }
    const std::map<uintptr_t, uint64_t> &live() const { return live_; }
    const std::map<uintptr_t, uint32_t> &slabs() const { return slabs_; }

    // The stats the cache must report.
    slab_stats expected(const slab_stats &geometry) const
    {
        slab_stats st = geometry; // size fields are checked elsewhere
        st.objs_in_use = static_cast<uint32_t>(live_.size());
        st.objs_peak = peak_;
        st.slabs_in_use = slab_count();
        st.slabs_peak = slabs_peak_;
        st.pages_taken = taken_;
        st.pages_given = given_;
        st.hook_failures = failures_;
        return st;
    }

private:
    void note_slabs()
    {
        if (slab_count() > slabs_peak_) {
            slabs_peak_ = slab_count();
        }
    }

    uintptr_t master_;
    uint32_t cap_master_, cap_slave_;
    std::map<uintptr_t, uint64_t> live_;
    std::map<uintptr_t, uint32_t> slabs_;
    uintptr_t spare_ = 0;
    uint32_t peak_ = 0, slabs_peak_ = 0;
    uint32_t taken_ = 0, given_ = 0, failures_ = 0;
};

}  // namespace slabtest

#endif  // SLAB_TEST_REFERENCE_MODEL_HPP
