// Issue 18 on caches: what an adversarial suite broke, each as a test that
// failed before its fix. (The heap's are in test/heap/security_test.cpp.)
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "page_leak_test.hpp"
#include "slab/slab.h"

namespace {

using slabtest::PageLeakTest;

// slab.h: every status has its name (slab_status_str), in enum order. The
// table is tied to the enum at compile time (SLAB_STATUS_COUNT_); this
// checks each name against the enum's own spelling.
TEST(Statuses, EveryStatusHasItsOwnName)
{
#define SLAB_NAME_OF(s) {s, #s}
    const struct {
        slab_status status;
        const char *name;
    } all[] = {
        SLAB_NAME_OF(SLAB_OK),          SLAB_NAME_OF(SLAB_EINVAL),        SLAB_NAME_OF(SLAB_EALIGN),
        SLAB_NAME_OF(SLAB_ESLABSIZE),   SLAB_NAME_OF(SLAB_ETOOBIG),       SLAB_NAME_OF(SLAB_ENOMEM),
        SLAB_NAME_OF(SLAB_EHOOKALIGN),  SLAB_NAME_OF(SLAB_EHOOKFREE),     SLAB_NAME_OF(SLAB_EBUSY),
        SLAB_NAME_OF(SLAB_EBADPTR),     SLAB_NAME_OF(SLAB_EWRONGCACHE),   SLAB_NAME_OF(SLAB_ESLABSIZEFREE),
        SLAB_NAME_OF(SLAB_EUNSUPPORTED), SLAB_NAME_OF(SLAB_ENOTSLOT),     SLAB_NAME_OF(SLAB_EDOUBLEFREE),
        SLAB_NAME_OF(SLAB_EPOISON),     SLAB_NAME_OF(SLAB_EREDZONE),      SLAB_NAME_OF(SLAB_ECORRUPT),
        SLAB_NAME_OF(SLAB_EHEADER),     SLAB_NAME_OF(SLAB_ENEVERALLOC),   SLAB_NAME_OF(SLAB_EHOOKDUP),
        SLAB_NAME_OF(SLAB_ETIMEDOUT),   SLAB_NAME_OF(SLAB_ESECRET),       SLAB_NAME_OF(SLAB_EHEAPBLOCK),
        SLAB_NAME_OF(SLAB_EREENTERED),
    };
#undef SLAB_NAME_OF
    ASSERT_EQ(sizeof(all) / sizeof(all[0]), static_cast<size_t>(SLAB_STATUS_COUNT_)) << "a status missing here";
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        EXPECT_EQ(static_cast<size_t>(all[i].status), i);
        EXPECT_STREQ(slab_status_str(all[i].status), all[i].name);
    }
    EXPECT_STREQ(slab_status_str(SLAB_STATUS_COUNT_), "SLAB_E?");
}

class Security : public PageLeakTest {};

// slab/hooks.h: "Changed while caches live, every call on those caches'
// handles is refused with SLAB_ESECRET, and slab_free() of their objects
// with SLAB_EBADPTR: nothing is corrupted, but nothing is freed either
// until the old value is back." Before: SLAB_EBADPTR everywhere, the
// mistake indistinguishable from a wild handle.
TEST_F(Security, ACacheMadeUnderAnotherSecretIsRefusedWithItsOwnStatus)
{
    const uintptr_t made_with = slab_secret;
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, 48, 0, 0, 0), SLAB_OK);
    void *p = slab_alloc(c);
    ASSERT_NE(p, nullptr);
    slab_stats before{};
    ASSERT_EQ(slab_cache_stats(c, &before), SLAB_OK);

    slab_secret = made_with ^ 0x5A5A5A5Au; // the program's mistake
    slab_stats st{};
    EXPECT_EQ(slab_cache_stats(c, &st), SLAB_ESECRET);
    EXPECT_EQ(slab_cache_validate(c), SLAB_ESECRET);
    EXPECT_EQ(slab_cache_check(c), SLAB_ESECRET);
    EXPECT_EQ(slab_cache_free(c, p), SLAB_ESECRET);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_ESECRET);
    EXPECT_EQ(slab_free(p), SLAB_EBADPTR) << "no handle: the header is all there is, and it is not today's";

    // A block that never was a control block is still SLAB_EBADPTR.
    alignas(64) unsigned char junk[256];
    std::memset(junk, 0x3C, sizeof junk);
    EXPECT_EQ(slab_cache_validate(reinterpret_cast<slab_cache *>(junk)), SLAB_EBADPTR);

    slab_secret = made_with; // nothing changed meanwhile
    ASSERT_EQ(slab_cache_stats(c, &st), SLAB_OK);
    EXPECT_EQ(st.objs_in_use, before.objs_in_use);
    EXPECT_EQ(st.pages_taken, before.pages_taken);
    EXPECT_EQ(slab_free(p), SLAB_OK);
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}

// config.h (SLAB_ADDR_MIN, SLAB_ADDR_END): a free of an address where no
// page can lie is refused before anything is read. Before: SIGSEGV in
// slab_free for (void *)1, 4096, 4097 and non-canonical pointers.
TEST_F(Security, WildPointersAreRefusedWithoutBeingRead)
{
    if (SLAB_ADDR_MIN == 0 && SLAB_ADDR_END == 0) {
        GTEST_SKIP() << "no address range on this target";
    }
    slab_cache *c = nullptr;
    ASSERT_EQ(slab_cache_create(&c, 48, 0, 65536, 0), SLAB_OK);
    std::vector<uintptr_t> wild = {1, 8, 4096, 4097, 65535};
    if (SLAB_ADDR_END != 0) {
        wild.push_back(uintptr_t(SLAB_ADDR_END));
        wild.push_back(uintptr_t(SLAB_ADDR_END) + 4097);
        wild.push_back(~uintptr_t(0) - 4095); // the top page (the kernel's half)
    }
    for (uintptr_t a : wild) {
        void *p = reinterpret_cast<void *>(a);
        EXPECT_EQ(slab_free(p), SLAB_EBADPTR) << std::hex << a;
        EXPECT_EQ(slab_cache_free(c, p), SLAB_EBADPTR) << std::hex << a;
    }
    EXPECT_EQ(slab_cache_validate(c), SLAB_OK);
    EXPECT_EQ(slab_cache_destroy(c), SLAB_OK);
}

}  // namespace
