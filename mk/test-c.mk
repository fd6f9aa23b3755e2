# C API suites (CMocka, test/c/) and the link-failure test (test/link/).
#   make test-c     every test/c/test_*.c as its own CMocka binary, each linked
#                   with the mocked page hooks (test/c/mock_pages.c) and $(LIB);
#                   test_cxx_caches also with a C++ helper (caches made by slab.hpp)
#   make test-link  a program without hooks must fail to link, naming exactly
#                   slab_page_alloc, slab_page_free and slab_secret; with
#                   DEFINE_SLAB_HOOKS from C or from C++ it links and runs; a
#                   file built with other options than the library fails to
#                   link, both ways
TEST_TARGETS += test-c test-link
DEPS_test-c := libcmocka-dev
DEPS_test-link :=
DEPS_PKGS += $(DEPS_test-c)

TESTC_DIR := build/test-c
TESTC_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -pthread -Iinclude -Itest/c -Itest/support
# The mock (CMocka scripting) over the shared test page provider.
TESTC_SUPPORT := test/c/mock_pages.c test/c/harness.c $(wildcard test/support/test_pages*.c)
TESTC_HDRS := $(wildcard test/c/*.h) $(wildcard test/support/test_pages*.h) \
	include/slab/slab.h include/slab/hooks.h include/slab/config.h
TESTC_BINS := $(patsubst test/c/%.c,$(TESTC_DIR)/%,$(wildcard test/c/test_*.c))

.PHONY: test-c test-link
test-c: $(TESTC_BINS)
	@set -e; for t in $(TESTC_BINS); do echo "== $$t"; ./$$t; done

$(TESTC_DIR)/test_%: test/c/test_%.c $(TESTC_SUPPORT) $(TESTC_HDRS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(TESTC_CFLAGS) $< $(TESTC_SUPPORT) $(LIB) -lcmocka -o $@

# The C API on caches made by the C++ front: those come from a C++ helper,
# built as the library is (no exceptions, no RTTI) and linked by the C++ driver.
$(TESTC_DIR)/cxx_caches.o: test/c/cxx_caches.cpp test/c/cxx_caches.h $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O1 -g -fno-exceptions -fno-rtti -Wall -Wextra -Werror -Iinclude -c $< -o $@

TESTC_SUPPORT_OBJS := $(patsubst test/%.c,$(TESTC_DIR)/%.o,$(TESTC_SUPPORT))
$(TESTC_DIR)/test_cxx_caches: $(TESTC_DIR)/c/test_cxx_caches.o $(TESTC_DIR)/cxx_caches.o $(TESTC_SUPPORT_OBJS) $(LIB)
	$(CXX) $^ -lcmocka -pthread -o $@

$(TESTC_DIR)/c/%.o: test/c/%.c $(TESTC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TESTC_CFLAGS) -c $< -o $@
$(TESTC_DIR)/support/%.o: test/support/%.c $(TESTC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TESTC_CFLAGS) -c $< -o $@

test-link: $(LIB)
	@$(MAKE) --no-print-directory -s lib CHECKS=1 >/dev/null
	@CC=$(CC) CXX=$(CXX) test/link/run.sh $(LIB) build/test-link build/$(TOOLCHAIN)$(if $(CPU),-$(CPU))-checks/libslab.a
