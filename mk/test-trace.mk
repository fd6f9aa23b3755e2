# Trace hooks (include/slab/trace.h).
#   make test-trace   a library built with SLAB_TRACE=1 (build/host-gcc-trace/):
#                     every event reaches the program's slab_trace() with its
#                     arguments (test/trace/); and the default library, whose
#                     macros are empty, references no slab_trace at all.
TRACE_BUILD := build/$(TOOLCHAIN)-trace
TRACE_BIN := $(TRACE_BUILD)/trace_test
TEST_TARGETS += test-trace
DEPS_test-trace := $(DEPS_GTEST)
DEPS_PKGS += $(DEPS_test-trace)

.PHONY: test-trace trace-lib
test-trace: $(TRACE_BIN) lib
	./$(TRACE_BIN) --gtest_brief=1
	@if $(NM) -u $(LIB) | grep -q slab_trace; then \
		echo "test-trace: the untraced $(LIB) references slab_trace"; exit 1; fi
	@echo "test-trace: untraced $(LIB) has no trace call"

trace-lib:
	@$(MAKE) --no-print-directory BUILD=$(TRACE_BUILD) SLAB_DEFS="$(SLAB_DEFS) -DSLAB_TRACE=1" lib

$(TRACE_BIN): test/trace/trace_test.cpp hooks/hosted/hosted_pages.c $(LIB_HDRS) trace-lib
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Werror -Iinclude -c hooks/hosted/hosted_pages.c -o $(dir $@)hosted_pages.o
	$(CXX) -std=c++17 -O2 -Wall -Wextra -Werror -DSLAB_TRACE=1 -Iinclude -Ihooks/hosted test/trace/trace_test.cpp \
		$(dir $@)hosted_pages.o $(TRACE_BUILD)/libslab.a -lgtest -lgtest_main -pthread -o $@
