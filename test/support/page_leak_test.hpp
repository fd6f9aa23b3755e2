// Fixture base for tests that touch the page hooks: every page a test takes
// must be back when it ends, and no injected fault outlives it.
#ifndef SLAB_TEST_PAGE_LEAK_TEST_HPP
#define SLAB_TEST_PAGE_LEAK_TEST_HPP

#include <gtest/gtest.h>

#include "counting_pages.hpp"

namespace slabtest {

class PageLeakTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        pages::clear_faults();
        pages_before_ = pages::outstanding();
    }
    void TearDown() override
    {
        pages::clear_faults();
        EXPECT_EQ(pages::outstanding(), pages_before_) << "pages taken by this test were not given back";
    }
    long pages_before_ = 0;
};

}  // namespace slabtest

#endif  // SLAB_TEST_PAGE_LEAK_TEST_HPP
