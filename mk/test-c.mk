# C API suites (CMocka, test/c/) and the link-failure test (test/link/).
#   make test-c     every test/c/test_*.c as its own CMocka binary, each linked
#                   with the mocked page hooks (test/c/mock_pages.c) and $(LIB)
#   make test-link  a program without hooks must fail to link, naming exactly
#                   slab_page_alloc and slab_page_free; with DEFINE_SLAB_HOOKS
#                   from C or from C++ it links and runs
TEST_TARGETS += test-c test-link
DEPS_PKGS += libcmocka-dev

TESTC_DIR := build/test-c
TESTC_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude -Itest/c
TESTC_SUPPORT := test/c/mock_pages.c test/c/harness.c
TESTC_HDRS := $(wildcard test/c/*.h) include/slab/slab.h include/slab/hooks.h include/slab/config.h
TESTC_BINS := $(patsubst test/c/%.c,$(TESTC_DIR)/%,$(wildcard test/c/test_*.c))

.PHONY: test-c test-link
test-c: $(TESTC_BINS)
	@set -e; for t in $(TESTC_BINS); do echo "== $$t"; ./$$t; done

$(TESTC_DIR)/test_%: test/c/test_%.c $(TESTC_SUPPORT) $(TESTC_HDRS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(TESTC_CFLAGS) $< $(TESTC_SUPPORT) $(LIB) -lcmocka -o $@

test-link: $(LIB)
	@CC=$(CC) CXX=$(CXX) test/link/run.sh $(LIB) build/test-link
