# Debian packages per suite (issue 13). `make deps` (Makefile) installs the
# union, DEPS_PKGS, before `make test`; each mk/*.mk also names what each of
# its suites needs, DEPS_<suite>, so that one suite, or the main job, gets
# only its own:
#   make deps-<suite>   DEPS_BASE + DEPS_<suite>, e.g. make deps-test-cmake
#   make run            deps-run first: the cross toolchain and QEMU only (no
#                       boost, jemalloc, gnuplot, clang, valgrind, ...)
#   make test-deps      every suite of make test has its DEPS_<suite>, each
#                       within DEPS_PKGS (make test installs all it runs), and
#                       make run's set holds none of the benchmarks' packages
# This file sorts first among mk/*.mk: the lists below are there for the
# others to use.
DEPS_BASE := make g++ gcc binutils

# The cross toolchain, newlib, the C++ headers for it, and the emulator.
DEPS_ARM := gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
DEPS_GTEST := googletest libgtest-dev

DEPS_run := $(DEPS_ARM)
DEPS_run-host :=
DEPS_PKGS += $(DEPS_run)

# $(call apt_install,packages): installs those not installed (idempotent).
define apt_install
	@missing=$$(for p in $(sort $(1)); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "make deps: all $(words $(sort $(1))) packages present"; fi
endef

# deps-<name>: for any suite or job with a DEPS_<name> list.
deps-%:
	@$(if $(filter undefined,$(origin DEPS_$*)),echo "make deps-$*: no DEPS_$* list"; exit 1)
	$(call apt_install,$(DEPS_BASE) $(DEPS_$*))

# Packages the main job must never need (the benchmarks' and the analysers').
DEPS_NOT_FOR_RUN := libboost-dev libjemalloc-dev libmimalloc-dev libbenchmark-dev gnuplot-nox valgrind clang \
	clang-tidy cppcheck gcovr
TEST_TARGETS += test-deps
DEPS_test-deps :=

.PHONY: test-deps
test-deps:
	@nolist="$(strip $(foreach s,$(TEST_TARGETS),$(if $(filter undefined,$(origin DEPS_$(s))),$(s))))"; \
	if [ -n "$$nolist" ]; then echo "test-deps: FAILED, suites with no DEPS_<suite> list:" $$nolist; exit 1; fi
	@outside="$(strip $(filter-out $(DEPS_PKGS),$(sort $(foreach s,$(TEST_TARGETS) run,$(DEPS_$(s))))))"; \
	if [ -n "$$outside" ]; then echo "test-deps: FAILED, not in make deps (DEPS_PKGS):" $$outside; exit 1; fi
	@bad="$(strip $(filter $(DEPS_NOT_FOR_RUN),$(DEPS_BASE) $(DEPS_run)))"; \
	if [ -n "$$bad" ]; then echo "test-deps: FAILED, make run would install" $$bad; exit 1; fi
	@echo "test-deps: $(words $(TEST_TARGETS)) suites each name their packages, all within make deps ($(words $(sort $(DEPS_PKGS))) packages)"
	@echo "test-deps: make run needs $(words $(sort $(DEPS_BASE) $(DEPS_run))) packages: $(sort $(DEPS_BASE) $(DEPS_run))"
