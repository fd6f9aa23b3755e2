# Hardening (issue 4): static analysis, fault injection, sanitizers, fuzzing,
# coverage. Each concern is a target; `make test` runs them cheapest first:
#   test-lint        cppcheck (with its MISRA C:2012 addon on the C headers and hooks) and
#                    clang-tidy (bugprone, cert, hicpp, ...) over src/ include/ hooks/
#                    (tools/lint.sh): fails on any finding not in docs/misra.md
#   test-fault       test/fault: every Nth page hook call fails (normal + checked library)
#   test-sanitizers  library + host suites under ASan+UBSan, the stress under TSan,
#                    valgrind memcheck over the host suites
#   test-fuzz        test/fuzz: libFuzzer against a reference model, FUZZ_TEST_SECONDS
# Outside `make test`:
#   make lint        = test-lint
#   make fuzz        FUZZ_SECONDS (default 300) of fuzzing, split over both builds
#   make coverage    gcovr text + HTML report for src/ in build/coverage/
#
# Library variants are built by re-invoking this Makefile with BUILD= and
# TC_FLAGS= on the command line, each into its own directory under build/, so
# nothing here touches another build's objects.
# python3 runs cppcheck's MISRA addon (misra.py, shipped in the cppcheck package).
DEPS_test-lint := clang-tidy cppcheck python3
DEPS_test-fault := $(DEPS_GTEST)
DEPS_test-sanitizers := $(DEPS_GTEST) libcmocka-dev valgrind
DEPS_test-fuzz := clang libclang-rt-14-dev
DEPS_coverage := $(DEPS_GTEST) libcmocka-dev gcovr clang libclang-rt-14-dev
DEPS_PKGS += $(DEPS_test-lint) $(DEPS_test-sanitizers) $(DEPS_coverage)

HARD_CXX := g++
CLANG_CXX := clang++-14
CLANG_TIDY ?= clang-tidy-14
HARD_MAKE = $(MAKE) --no-print-directory

# $(call hard_lib,toolchain,build dir,checks,tc flags): builds one library variant.
hard_lib = $(HARD_MAKE) lib TOOLCHAIN=$(1) BUILD=$(2) CHECKS=$(3) TC_FLAGS='$(4)'

.PHONY: lint test-lint test-fault

# ---------------------------------------------------------------- lint
lint test-lint: peer-freertos-kernel
	CLANG_TIDY=$(CLANG_TIDY) FREERTOS_DIR=$(FREERTOS_DIR) tools/lint.sh $(CLANG_TIDY) cppcheck

# ---------------------------------------------------------------- fault
# One binary per library build: build/fault/<variant>/fault_test.
# The shared test page provider's C files are compiled with the suite's C++
# compiler (they are valid C++ too), so every variant (ASan, coverage) builds
# them with its own flags.
FAULT_SRCS := $(wildcard test/fault/*.cpp) $(wildcard test/support/test_pages*.c)
FAULT_HDRS := $(wildcard test/fault/*.hpp) $(wildcard test/support/test_pages*.h)
FAULT_CXXFLAGS := -std=c++17 -O2 -g -Wall -Wextra -Werror -pthread -Iinclude -Itest/support
GTEST_LIBS := -lgtest -lgtest_main -pthread

# The library a variant links: build/<variant>/libslab.a unless FAULT_LIB_<variant> says.
fault_lib = $(or $(FAULT_LIB_$(1)),build/$(1)/libslab.a)
.SECONDEXPANSION:
build/fault/%/fault_test: $(FAULT_SRCS) $(FAULT_HDRS) $$(call fault_lib,$$*)
	@mkdir -p $(dir $@)
	$(HARD_CXX) $(FAULT_CXXFLAGS) $(if $(findstring checks,$*),-DSLAB_CHECKS=1) $(FAULT_SRCS) $(call fault_lib,$*) \
		$(GTEST_LIBS) -o $@

test-fault:
	@$(call hard_lib,host-gcc,build/host-gcc,,-O2 -g)
	@$(call hard_lib,host-gcc,build/host-gcc-checks,1,-O2 -g)
	@$(HARD_MAKE) build/fault/host-gcc/fault_test build/fault/host-gcc-checks/fault_test
	./build/fault/host-gcc/fault_test --gtest_brief=1
	./build/fault/host-gcc-checks/fault_test --gtest_brief=1

TEST_TARGETS += test-lint test-fault

# ---------------------------------------------------------------- fuzz
# test/fuzz/fuzz_slab.cpp against the library built with the fuzz flags,
# twice: normal (build/fuzz/normal) and checked (build/fuzz/checked: the
# library and the target both with -DSLAB_CHECKS=1, which the option tag of
# slab.h requires, else the link fails). Both generate the misuse operations
# (issue 11: double, interior, header and never-used frees, wrong caches,
# writes after free), which the default build refuses too. The shipped corpus
# is read-only; what a run finds goes to build/fuzz/<variant>/corpus, crashes
# next to it.
FUZZ_SECONDS ?= 300
FUZZ_TEST_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# The heap's magazines hold about 1 KiB per class in the fuzzers' library
# (16 to 64 blocks, where a shipped 64-bit build keeps 16 to 128): inputs of
# a few hundred operations then fill them and exercise their exchanges with
# the depot. test/fuzz/cores/fuzz_cores.cpp's model reads the same value.
FUZZ_MAG_FLAGS := -DSLAB_HEAP_MAGAZINE_BYTES=1024
FUZZ_LIB_FLAGS := -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(FUZZ_MAG_FLAGS)
FUZZ_SRCS := $(filter-out test/fuzz/replay_main.cpp,$(wildcard test/fuzz/*.cpp))
FUZZ_HDRS := $(wildcard test/fuzz/*.hpp) $(wildcard test/support/test_pages*.h)
# The shared test page provider (fuzz_pages.cpp adapts it), compiled as C++
# (-x c++: clang++ refuses .c input as C++ under -Werror otherwise).
FUZZ_TP_SRCS := $(wildcard test/support/test_pages*.c)
FUZZ_TP_AS_CXX := -x c++ $(FUZZ_TP_SRCS) -x none
FUZZ_ARGS := -max_len=1024 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_CHECKS_normal :=
FUZZ_CHECKS_checked := 1

.PHONY: fuzz test-fuzz fuzz-build fuzz-corpus-merge
build/fuzz/%/fuzz_slab: $(FUZZ_SRCS) $(FUZZ_TP_SRCS) $(FUZZ_HDRS) build/fuzz/%/lib/libslab.a
	$(CLANG_CXX) -std=c++17 -O1 -g -Wall -Wextra -Werror -pthread -Iinclude -Itest/support -fsanitize=fuzzer \
		$(FUZZ_SAN) $(if $(FUZZ_CHECKS_$*),-DSLAB_CHECKS=1) $(FUZZ_SRCS) $(FUZZ_TP_AS_CXX) \
		build/fuzz/$*/lib/libslab.a -o $@

fuzz-build:
	@$(call hard_lib,host-clang,build/fuzz/normal/lib,,$(FUZZ_LIB_FLAGS))
	@$(call hard_lib,host-clang,build/fuzz/checked/lib,1,$(FUZZ_LIB_FLAGS))
	@$(HARD_MAKE) build/fuzz/normal/fuzz_slab build/fuzz/checked/fuzz_slab

# $(call fuzz_run,variant,seconds): fails on the first divergence or sanitizer
# report; prints libFuzzer's execution count and the target's "fuzz_slab:"
# lines: operations, misuse operations by kind, reports received.
fuzz_run = mkdir -p build/fuzz/$(1)/corpus && \
	./build/fuzz/$(1)/fuzz_slab $(FUZZ_ARGS) -max_total_time=$(2) -artifact_prefix=build/fuzz/$(1)/ \
		build/fuzz/$(1)/corpus test/fuzz/corpus >build/fuzz/$(1)/log.txt 2>&1; \
	st=$$?; grep -E 'stat::number_of_executed_units|fuzz_slab:|DIVERGENCE|ERROR' build/fuzz/$(1)/log.txt; \
	if [ $$st != 0 ]; then echo "fuzz ($(1)): FAILED, see build/fuzz/$(1)/log.txt"; tail -40 build/fuzz/$(1)/log.txt; exit 1; fi

fuzz: fuzz-build
	@$(call fuzz_run,checked,$$(( $(FUZZ_SECONDS) / 2 )))
	@$(call fuzz_run,normal,$$(( $(FUZZ_SECONDS) - $(FUZZ_SECONDS) / 2 )))

test-fuzz: fuzz-build
	@$(call fuzz_run,checked,$$(( $(FUZZ_TEST_SECONDS) / 2 )))
	@$(call fuzz_run,normal,$$(( $(FUZZ_TEST_SECONDS) - $(FUZZ_TEST_SECONDS) / 2 )))

# Developer tool: fold what the runs found into the shipped corpus, minimized.
fuzz-corpus-merge: fuzz-build
	mkdir -p build/fuzz/merged
	./build/fuzz/checked/fuzz_slab -merge=1 build/fuzz/merged test/fuzz/corpus \
		build/fuzz/checked/corpus build/fuzz/normal/corpus
	cp -n build/fuzz/merged/* test/fuzz/corpus/

# ---------------------------------------------------------------- sanitizers
# The host suites of mk/test-c.mk, mk/test-unit.mk and mk/test-pmr.mk, rebuilt by their own
# rules with the compilers swapped for sanitizing ones and every output
# directory moved under build/asan/ or build/tsan/ (their variables are plain
# `:=` assignments, which command-line values override). Then test/fault
# under ASan (every FAULT_STRIDE_ASAN-th N), and valgrind memcheck over the
# normal builds of the same suites.
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g
TSAN_FLAGS := -fsanitize=thread -g
FAULT_STRIDE_ASAN ?= 5
FAULT_STRIDE_VALGRIND ?= 40
# Left out under valgrind, each covered elsewhere: the 16-thread stress (valgrind
# runs threads one at a time; TSan and ASan run it) and the fills of 256 KiB to
# 1 MiB slabs (90 s under valgrind; the same code as the smaller sizes, which
# run, and all sizes run under ASan).
VALGRIND_GTEST_FILTER := -Stress.*:*SlabFill*/S262144:*SlabFill*/S524288:*SlabFill*/S1048576
VALGRIND := valgrind -q --error-exitcode=99 --suppressions=$(CURDIR)/tools/valgrind.supp --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect

.PHONY: test-sanitizers test-asan test-tsan test-valgrind
# The three run side by side (each is mostly one process at a time: the
# ASan fault sweep, the TSan runs, memcheck), each one's output kept together.
test-sanitizers:
	@$(MAKE) --no-print-directory -j3 --output-sync=target test-asan test-tsan test-valgrind

test-asan:
	@$(HARD_MAKE) -j2 test-c test-unit test-model test-pmr BUILD=build/asan/lib CC='gcc $(ASAN_FLAGS)' \
		CXX='g++ $(ASAN_FLAGS)' TU_CXX='g++ $(ASAN_FLAGS)' TESTC_DIR=build/asan/test-c TU_DIR=build/asan/test-unit \
		PMR_BIN=build/asan/test-pmr/pmr_test
	@$(HARD_MAKE) build/fault/asan/fault_test HARD_CXX='g++ $(ASAN_FLAGS)' \
		FAULT_LIB_asan=build/asan/lib/libslab.a
	FAULT_STRIDE=$(FAULT_STRIDE_ASAN) ./build/fault/asan/fault_test --gtest_brief=1
	@echo "test-asan: host suites and fault sweeps clean under ASan+UBSan"

# The multi-threaded stress (test/unit/stress_test.cpp, 16 threads on one
# spin-locked cache) and the heap's threads (test/heap: the per-core
# magazines, cross-thread frees) under ThreadSanitizer.
test-tsan:
	@$(HARD_MAKE) -j2 build/tsan/test-unit/unit_tests BUILD=build/tsan/lib CXX='g++ $(TSAN_FLAGS)' \
		TU_CXX='g++ $(TSAN_FLAGS)' TU_DIR=build/tsan/test-unit
	TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tools/tsan-suppressions.txt" ./build/tsan/test-unit/unit_tests --gtest_brief=1 --gtest_filter='Stress.*'
	@$(HARD_MAKE) -j2 build/tsan/test-heap/heap_tests
	TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tools/tsan-suppressions.txt" ./build/tsan/test-heap/heap_tests --gtest_brief=1 --gtest_filter='HeapCores.*:*Thread*'
	@echo "test-tsan: stress and the heap's per-core magazines clean under TSan"

# Each binary under memcheck is a target of its own (valgrind-run/...), so
# that make runs two at a time on the two cores: memcheck is single-threaded.
VALGRIND_RUNS = $(addprefix valgrind-run/,$(TESTC_BINS) $(TU_DIR)/unit_tests $(TU_DIR)/model_tests $(PMR_BIN) fault)
test-valgrind:
	@$(HARD_MAKE) -j2 $(TESTC_BINS) $(TU_DIR)/unit_tests $(TU_DIR)/model_tests $(PMR_BIN) build/fault/host-gcc/fault_test
	@mkdir -p build/valgrind
	@$(HARD_MAKE) -j2 $(VALGRIND_RUNS)
	@echo "test-valgrind: memcheck clean (no error, no definite or indirect leak)"

# (no .PHONY: make applies no pattern rule to a phony target; FORCE instead)
.PHONY: FORCE
FORCE:
valgrind-run/fault: FORCE
	@echo "== valgrind build/fault/host-gcc/fault_test (every $(FAULT_STRIDE_VALGRIND)th N)"
	@FAULT_STRIDE=$(FAULT_STRIDE_VALGRIND) $(VALGRIND) ./build/fault/host-gcc/fault_test --gtest_brief=1 \
		>build/valgrind/fault_test.log 2>&1 || { tail -40 build/valgrind/fault_test.log; \
		echo "test-valgrind: FAILED on fault_test"; exit 1; }
valgrind-run/%: FORCE
	@echo "== valgrind $*"
	@$(VALGRIND) ./$* --gtest_filter='$(VALGRIND_GTEST_FILTER)' >build/valgrind/$(notdir $*).log 2>&1 || \
		{ tail -40 build/valgrind/$(notdir $*).log; echo "test-valgrind: FAILED on $*"; exit 1; }

# ---------------------------------------------------------------- coverage
# The library (normal and checked) and the host suites with --coverage, under
# build/coverage/: test/c, test/unit, test/model and test/fault on the normal
# core; test/fault and the fuzz corpus (replayed by test/fuzz/replay_main.cpp,
# built with gcc) on the checked one. gcovr then reports src/ only.
COV_FLAGS := --coverage -fprofile-update=atomic -O0 -g
COV_DIR := build/coverage

.PHONY: coverage
coverage:
	@rm -rf $(COV_DIR) build/fault/cov-normal build/fault/cov-checks
	@$(HARD_MAKE) -j2 test-c test-unit test-model BUILD=$(COV_DIR)/lib CC='gcc $(COV_FLAGS)' \
		CXX='g++ $(COV_FLAGS)' TU_CXX='g++ $(COV_FLAGS)' TESTC_DIR=$(COV_DIR)/test-c TU_DIR=$(COV_DIR)/test-unit \
		TC_FLAGS='$(COV_FLAGS)' TU_CORE_FLAGS='$(subst -O2,-O0,$(TU_CORE_FLAGS))' TU_FLAGS='$(subst -O2,-O0,$(TU_FLAGS))'
	@# (every object of one file at -O0: the suites' own -O2 would otherwise win over
	@#  COV_FLAGS, fold early returns away, and disagree with the -O0 checked build)
	@$(call hard_lib,host-gcc,$(COV_DIR)/lib-checks,1,$(COV_FLAGS))
	@$(HARD_MAKE) build/fault/cov-normal/fault_test build/fault/cov-checks/fault_test HARD_CXX='g++ $(COV_FLAGS)' \
		FAULT_LIB_cov-normal=$(COV_DIR)/lib/libslab.a FAULT_LIB_cov-checks=$(COV_DIR)/lib-checks/libslab.a
	./build/fault/cov-normal/fault_test --gtest_brief=1
	./build/fault/cov-checks/fault_test --gtest_brief=1
	g++ $(COV_FLAGS) -std=c++17 -pthread -Iinclude -Itest/support -DSLAB_CHECKS=1 $(FUZZ_SRCS) $(FUZZ_TP_SRCS) \
		test/fuzz/replay_main.cpp \
		$(COV_DIR)/lib-checks/libslab.a -o $(COV_DIR)/fuzz_replay
	./$(COV_DIR)/fuzz_replay test/fuzz/corpus
	@# Branches of SLAB_ASSERT lines are left out: the failing side of an assert
	@# traps and never runs in a correct program (the tests build with traps on).
	gcovr -r . --filter 'src/' --exclude-unreachable-branches --exclude-throw-branches \
		--exclude-branches-by-pattern '.*SLAB_ASSERT.*' \
		--txt $(COV_DIR)/summary.txt --html-details $(COV_DIR)/index.html --print-summary $(COV_DIR)
	@cat $(COV_DIR)/summary.txt
	@echo "coverage: HTML report in $(COV_DIR)/index.html"

TEST_TARGETS += test-sanitizers test-fuzz
