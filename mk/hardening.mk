# Hardening (issue 4): static analysis, fault injection, sanitizers, fuzzing,
# coverage. Each concern is a target; `make test` runs them cheapest first:
#   test-lint        cppcheck + clang-tidy over src/ include/ hooks/ (tools/lint.sh)
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
DEPS_PKGS += clang clang-tidy cppcheck gcovr valgrind libclang-rt-14-dev \
	libgtest-dev googletest libcmocka-dev

HARD_CXX := g++
CLANG_CXX := clang++-14
CLANG_TIDY ?= clang-tidy-14
HARD_MAKE = $(MAKE) --no-print-directory

# $(call hard_lib,toolchain,build dir,checks,tc flags): builds one library variant.
hard_lib = $(HARD_MAKE) lib TOOLCHAIN=$(1) BUILD=$(2) CHECKS=$(3) TC_FLAGS='$(4)'

.PHONY: lint test-lint test-fault

# ---------------------------------------------------------------- lint
lint test-lint:
	CLANG_TIDY=$(CLANG_TIDY) tools/lint.sh $(CLANG_TIDY) cppcheck

# ---------------------------------------------------------------- fault
# One binary per library build: build/fault/<variant>/fault_test.
FAULT_SRCS := $(wildcard test/fault/*.cpp)
FAULT_HDRS := $(wildcard test/fault/*.hpp)
FAULT_CXXFLAGS := -std=c++17 -O2 -g -Wall -Wextra -Werror -Iinclude
GTEST_LIBS := -lgtest -lgtest_main -pthread

build/fault/%/fault_test: $(FAULT_SRCS) $(FAULT_HDRS) build/%/libslab.a
	@mkdir -p $(dir $@)
	$(HARD_CXX) $(FAULT_CXXFLAGS) $(FAULT_SRCS) build/$*/libslab.a $(GTEST_LIBS) -o $@

test-fault:
	@$(call hard_lib,host-gcc,build/host-gcc,,-O2 -g)
	@$(call hard_lib,host-gcc,build/host-gcc-checks,1,-O2 -g)
	@$(HARD_MAKE) build/fault/host-gcc/fault_test build/fault/host-gcc-checks/fault_test
	./build/fault/host-gcc/fault_test --gtest_brief=1
	./build/fault/host-gcc-checks/fault_test --gtest_brief=1

TEST_TARGETS += test-lint test-fault
