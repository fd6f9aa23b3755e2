// Shared pieces of the heap suites: the fixture that every test runs in
// (every page back and the quarantine intact at the end), a recording
// report hook, and the program's secret (set once, non-zero, before any heap).
#ifndef SLAB_TEST_HEAP_SUPPORT_HPP
#define SLAB_TEST_HEAP_SUPPORT_HPP

#include <gtest/gtest.h>

#include <vector>

#include "heap_pages.hpp"
#include "slab/heap.h"

namespace heaptest {

struct Report {
    slab_heap *heap;
    slab_status status;
    void *ptr;
};

// Collects the reports of one heap.
struct Reports {
    std::vector<Report> seen;
    static void hook(void *ctx, slab_heap *heap, slab_status status, void *ptr)
    {
        static_cast<Reports *>(ctx)->seen.push_back(Report{heap, status, ptr});
    }
    void attach(slab_heap *h) { ASSERT_EQ(slab_heap_set_error_handler(h, &Reports::hook, this), SLAB_OK); }
};

// Every test: no page outstanding before or after it, no page written after
// it went back, faults cleared.
class HeapTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(outstanding(), 0) << "a page leaked from an earlier test"; }
    void TearDown() override
    {
        clear_faults();
        EXPECT_EQ(outstanding(), 0) << "pages not given back";
        EXPECT_TRUE(check_quarantine()) << "a page was written after it went back to the hook";
    }
    slab_heap *make(unsigned flags = 0)
    {
        slab_heap *h = nullptr;
        EXPECT_EQ(slab_heap_create(&h, flags), SLAB_OK);
        return h;
    }
    static slab_heap_usage usage(const slab_heap *h)
    {
        slab_heap_usage u{};
        EXPECT_EQ(slab_heap_stats(h, &u), SLAB_OK);
        return u;
    }
};

}  // namespace heaptest

#endif  // SLAB_TEST_HEAP_SUPPORT_HPP
