# The heap's libFuzzer target (issue 12, "the fuzzer extended to the heap
# against a model"): test/fuzz/heap/ drives slab_heap_* (alloc, aligned,
# calloc, realloc, free, usable_size, stats, peaks, trim, destroy), page-hook
# faults and misuse against its model (test/fuzz/heap/fuzz_heap.cpp says
# what it expects). As test-fuzz does for caches, against the library built
# with the fuzz flags twice (build/fuzz/normal and build/fuzz/checked,
# mk/hardening.mk), each target built with the same SLAB_* options.
#   make test-fuzz-heap   FUZZ_HEAP_TEST_SECONDS (default 16) split over both builds
#   make fuzz-heap        FUZZ_HEAP_SECONDS (default 600) split over both builds
#   make fuzz-cores       FUZZ_CORES_SECONDS (default 600): the per-core magazines' target
#   make fuzz-heap-replay the shipped corpus through g++ builds (no libFuzzer), optionally under valgrind
# The shipped corpus (test/fuzz/heap/corpus) is read-only; what a run finds
# goes to build/fuzz/<variant>/heap-corpus, crashes to build/fuzz/<variant>/heap-*.
FUZZ_HEAP_SECONDS ?= 600
FUZZ_HEAP_TEST_SECONDS ?= 16
FUZZ_HEAP_SRCS := $(wildcard test/fuzz/heap/*.cpp)
FUZZ_HEAP_HDRS := $(wildcard test/fuzz/heap/*.hpp) test/fuzz/fuzz_reader.hpp test/fuzz/fuzz_check.hpp $(wildcard test/support/test_pages*.h)
# hfuzz_pages.cpp adapts the shared test page provider, built with each target
# (FUZZ_TP_SRCS, FUZZ_TP_AS_CXX: mk/hardening.mk).
FUZZ_HEAP_ARGS := -max_len=2048 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1

# The per-core magazines' target (test/fuzz/cores/fuzz_cores.cpp): one heap,
# three simulated cores, against a model of every core's magazines;
# make test-fuzz-heap runs it for FUZZ_CORES_TEST_SECONDS per build.
FUZZ_CORES_SRCS := test/fuzz/cores/fuzz_cores.cpp
FUZZ_CORES_TEST_SECONDS ?= 4
build/fuzz/%/fuzz_cores: $(FUZZ_CORES_SRCS) $(FUZZ_TP_SRCS) test/fuzz/fuzz_reader.hpp test/fuzz/fuzz_check.hpp test/support/heap_magazines.hpp build/fuzz/%/lib/libslab.a
	$(CLANG_CXX) -std=c++17 -O1 -g -Wall -Wextra -Werror -pthread -Iinclude -Itest/support -fsanitize=fuzzer \
		$(FUZZ_SAN) $(FUZZ_MAG_FLAGS) $(if $(FUZZ_CHECKS_$*),-DSLAB_CHECKS=1) $(FUZZ_CORES_SRCS) $(FUZZ_TP_AS_CXX) \
		build/fuzz/$*/lib/libslab.a -o $@

# $(call fuzz_cores_run,variant,seconds): as fuzz_heap_run.
fuzz_cores_run = mkdir -p build/fuzz/$(1)/cores-corpus && \
	./build/fuzz/$(1)/fuzz_cores -max_len=1024 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 -max_total_time=$(2) \
		-artifact_prefix=build/fuzz/$(1)/cores- build/fuzz/$(1)/cores-corpus >build/fuzz/$(1)/cores-log.txt 2>&1; \
	st=$$?; grep -E 'stat::number_of_executed_units|fuzz_cores:|DIVERGENCE|ERROR' build/fuzz/$(1)/cores-log.txt; \
	if [ $$st != 0 ]; then echo "fuzz-cores ($(1)): FAILED, see build/fuzz/$(1)/cores-log.txt"; \
		tail -40 build/fuzz/$(1)/cores-log.txt; exit 1; fi

.PHONY: fuzz-cores
FUZZ_CORES_SECONDS ?= 600
fuzz-cores: fuzz-heap-build
	@$(call fuzz_cores_run,checked,$$(( $(FUZZ_CORES_SECONDS) / 4 )))
	@$(call fuzz_cores_run,normal,$$(( $(FUZZ_CORES_SECONDS) - $(FUZZ_CORES_SECONDS) / 4 )))

.PHONY: fuzz-heap test-fuzz-heap fuzz-heap-build fuzz-heap-corpus-merge
build/fuzz/%/fuzz_heap: $(FUZZ_HEAP_SRCS) $(FUZZ_TP_SRCS) $(FUZZ_HEAP_HDRS) build/fuzz/%/lib/libslab.a
	$(CLANG_CXX) -std=c++17 -O1 -g -Wall -Wextra -Werror -pthread -Iinclude -Itest/support -fsanitize=fuzzer \
		$(FUZZ_SAN) $(if $(FUZZ_CHECKS_$*),-DSLAB_CHECKS=1) $(FUZZ_HEAP_SRCS) $(FUZZ_TP_AS_CXX) \
		build/fuzz/$*/lib/libslab.a -o $@

fuzz-heap-build:
	@$(call hard_lib,host-clang,build/fuzz/normal/lib,,$(FUZZ_LIB_FLAGS))
	@$(call hard_lib,host-clang,build/fuzz/checked/lib,1,$(FUZZ_LIB_FLAGS))
	@$(HARD_MAKE) -j2 build/fuzz/normal/fuzz_heap build/fuzz/checked/fuzz_heap build/fuzz/normal/fuzz_cores \
		build/fuzz/checked/fuzz_cores

# $(call fuzz_heap_run,variant,seconds): fails on the first divergence or
# sanitizer report; prints libFuzzer's execution count and the target's
# "fuzz_heap:" lines (operations, misuse by status, hook faults).
fuzz_heap_run = mkdir -p build/fuzz/$(1)/heap-corpus && \
	./build/fuzz/$(1)/fuzz_heap $(FUZZ_HEAP_ARGS) -max_total_time=$(2) -artifact_prefix=build/fuzz/$(1)/heap- \
		build/fuzz/$(1)/heap-corpus $(wildcard test/fuzz/heap/corpus) >build/fuzz/$(1)/heap-log.txt 2>&1; \
	st=$$?; grep -E 'stat::number_of_executed_units|fuzz_heap:|DIVERGENCE|ERROR' build/fuzz/$(1)/heap-log.txt; \
	if [ $$st != 0 ]; then echo "fuzz-heap ($(1)): FAILED, see build/fuzz/$(1)/heap-log.txt"; \
		tail -40 build/fuzz/$(1)/heap-log.txt; exit 1; fi

fuzz-heap: fuzz-heap-build
	@$(call fuzz_heap_run,checked,$$(( $(FUZZ_HEAP_SECONDS) / 2 )))
	@$(call fuzz_heap_run,normal,$$(( $(FUZZ_HEAP_SECONDS) - $(FUZZ_HEAP_SECONDS) / 2 )))

test-fuzz-heap: fuzz-heap-build
	@$(call fuzz_heap_run,checked,$$(( $(FUZZ_HEAP_TEST_SECONDS) / 2 )))
	@$(call fuzz_heap_run,normal,$$(( $(FUZZ_HEAP_TEST_SECONDS) - $(FUZZ_HEAP_TEST_SECONDS) / 2 )))
	@$(call fuzz_cores_run,checked,$(FUZZ_CORES_TEST_SECONDS))
	@$(call fuzz_cores_run,normal,$(FUZZ_CORES_TEST_SECONDS))

# The corpus replayed without libFuzzer or sanitizers (test/fuzz/replay_main.cpp),
# built with g++ against the host libraries (build/host-gcc, build/host-gcc-checks);
# FUZZ_HEAP_REPLAY_WRAP runs it under a tool:
#   make fuzz-heap-replay FUZZ_HEAP_REPLAY_WRAP='valgrind -q --error-exitcode=99'
FUZZ_HEAP_REPLAY_WRAP ?=
.PHONY: fuzz-heap-replay
build/fuzz-heap-replay/%/replay: $(FUZZ_HEAP_SRCS) $(FUZZ_TP_SRCS) $(FUZZ_HEAP_HDRS) test/fuzz/replay_main.cpp
	@$(call hard_lib,host-gcc,build/$*,$(if $(findstring checks,$*),1),-O2 -g)
	@mkdir -p $(dir $@)
	g++ -std=c++17 -O2 -g -Wall -Wextra -Werror -pthread -Iinclude -Itest/support \
		$(if $(findstring checks,$*),-DSLAB_CHECKS=1) $(FUZZ_HEAP_SRCS) $(FUZZ_TP_SRCS) test/fuzz/replay_main.cpp \
		build/$*/libslab.a -o $@
fuzz-heap-replay: build/fuzz-heap-replay/host-gcc/replay build/fuzz-heap-replay/host-gcc-checks/replay
	@set -e; for v in host-gcc host-gcc-checks; do \
		$(FUZZ_HEAP_REPLAY_WRAP) ./build/fuzz-heap-replay/$$v/replay test/fuzz/heap/corpus \
			>build/fuzz-heap-replay/$$v/log.txt 2>&1 || { tail -40 build/fuzz-heap-replay/$$v/log.txt; exit 1; }; \
		grep '^fuzz_heap: [0-9]' build/fuzz-heap-replay/$$v/log.txt; done

# Developer tool: fold what the runs found into the shipped corpus, minimized.
fuzz-heap-corpus-merge: fuzz-heap-build
	mkdir -p build/fuzz/heap-merged test/fuzz/heap/corpus
	./build/fuzz/checked/fuzz_heap -merge=1 -max_len=2048 build/fuzz/heap-merged test/fuzz/heap/corpus \
		build/fuzz/checked/heap-corpus build/fuzz/normal/heap-corpus
	cp -n build/fuzz/heap-merged/* test/fuzz/heap/corpus/

TEST_TARGETS += test-fuzz-heap
DEPS_test-fuzz-heap := clang libclang-rt-14-dev
DEPS_PKGS += $(DEPS_test-fuzz-heap)
