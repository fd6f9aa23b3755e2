SHELL := /bin/bash
# libslab build. Two commands matter to a user (README.md):
#   make run    the main job: an example program using the library through its hooks
#   make test   installs what it needs (make deps), builds, runs every suite
#
# One library build = one toolchain file (toolchains/<name>.mk) + options:
#   make TOOLCHAIN=host-clang        build/host-clang/libslab.a
#   make CHECKS=1                    checked mode, in build/<toolchain>-checks/
#   make CHECKS=0                    the default options, in build/<toolchain>-nochecks/
#                                    (the refusals of misuse are in every build)
# A new target needs only a new toolchain file. Each concern beyond the
# library (tests, target, benchmarks, hardening) lives in its own mk/*.mk.

TOOLCHAIN ?= host-gcc
include toolchains/$(TOOLCHAIN).mk

# The build's random default for slab_secret (slab/hooks.h): written once,
# at the first make of this tree, before anything is compiled.
BUILD_SECRET_H := include/slab/build_secret.h
$(if $(wildcard $(BUILD_SECRET_H)),,$(shell tools/gen-build-secret.sh $(BUILD_SECRET_H)))

CHECKS ?=
BUILD_TAG ?= $(TOOLCHAIN)$(if $(CPU),-$(CPU))$(if $(filter 1,$(CHECKS)),-checks)$(if $(filter 0,$(CHECKS)),-nochecks)
BUILD ?= build/$(BUILD_TAG)
LIB := $(BUILD)/libslab.a

# The library itself: freestanding, no exceptions, no RTTI, no static
# constructors, no libc. Only freestanding headers are included by src/.
# The flag list is mk/lib-flags.txt, read by CMakeLists.txt too.
LIB_CXXFLAGS := $(shell cat mk/lib-flags.txt) -Iinclude \
	$(TC_FLAGS) $(if $(CHECKS),-DSLAB_CHECKS=$(CHECKS)) $(SLAB_DEFS)

LIB_SRCS := $(wildcard src/*.cpp)
LIB_OBJS := $(LIB_SRCS:src/%.cpp=$(BUILD)/obj/%.o)
LIB_HDRS := $(wildcard include/slab/*.h include/slab/*.hpp include/slab/detail/*.hpp src/*.hpp)

.PHONY: all lib clean deps run test test-all check
all: lib
lib: $(LIB)

# The compiler and flags of the last build in $(BUILD), so that changing
# SLAB_DEFS, CHECKS, TC_FLAGS or the compiler on the command line rebuilds
# the library instead of keeping one built with other options.
FLAGS_STAMP := $(BUILD)/flags.stamp
FLAGS_NOW := $(strip $(CXX) $(LIB_CXXFLAGS))
ifneq ($(FLAGS_NOW),$(strip $(file < $(FLAGS_STAMP))))
$(shell mkdir -p $(BUILD))
$(file > $(FLAGS_STAMP),$(FLAGS_NOW))
endif

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/obj/%.o: src/%.cpp $(LIB_HDRS) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CXX) $(LIB_CXXFLAGS) -c $< -o $@

clean:
	rm -rf build $(BUILD_SECRET_H)

# Every mk/*.mk appends its suites to TEST_TARGETS; `make test` installs
# what is missing, then runs them in order and stops at the first failure.
TEST_TARGETS :=

test: deps
	@tools/run-suites.sh "$(MAKE)" $(TEST_ORDER)

# The quick tier a developer runs often: the library, the C and C++ host
# suites, the model and the link tests. No apt, no QEMU, no benchmark.
CHECK_SUITES := test-c test-link test-unit test-model
check:
	@tools/run-suites.sh "$(MAKE)" $(CHECK_SUITES)

# Debian 12 packages each mk/*.mk needs; `make deps` installs the missing ones
# (idempotent, and fast when everything is present).
DEPS_PKGS := make g++ gcc binutils
# mk/peers.mk first: the others' rules name the peers' directories it
# resolves (the FreeRTOS kernel, the heaps of the benchmarks).
include mk/peers.mk
include $(filter-out mk/peers.mk,$(sort $(wildcard mk/*.mk)))

test-all: $(TEST_TARGETS)

# make test's order: fast suites first, so a broken build fails in seconds.
TEST_FAST_FIRST := test-c test-link test-unit test-model test-peers test-readme test-docs test-docs-check test-nm test-lint test-pmr test-trace test-heap \
	test-cmake test-examples test-build-matrix test-bench-target-smoke test-bench-heap-smoke test-target test-rtos-target test-fault \
	test-malloc-firmware test-freertos \
	test-malloc-preload test-bench-smoke test-fuzz test-fuzz-heap test-sanitizers
TEST_ORDER = $(filter $(TEST_TARGETS),$(TEST_FAST_FIRST)) $(filter-out $(TEST_FAST_FIRST),$(TEST_TARGETS))

deps:
	$(call apt_install,$(DEPS_PKGS))
