# The library must build -Werror clean with gcc and clang, in every
# configuration a user can pick (checked mode, statistics off), and reference
# nothing but the hooks in each. Each build lands in its own directory.
TEST_TARGETS += test-build-matrix
DEPS_PKGS += clang

.PHONY: test-build-matrix
test-build-matrix:
	@set -e; for tc in host-gcc host-clang; do \
		$(MAKE) --no-print-directory -s test-nm TOOLCHAIN=$$tc; \
		$(MAKE) --no-print-directory -s test-nm TOOLCHAIN=$$tc CHECKS=1; \
		$(MAKE) --no-print-directory -s test-nm TOOLCHAIN=$$tc CHECKS=0; \
		$(MAKE) --no-print-directory -s test-nm TOOLCHAIN=$$tc BUILD=build/$$tc-nostats SLAB_DEFS=-DSLAB_STATS=0; \
	done; \
	$(MAKE) --no-print-directory -s run-host CHECKS=0 RUN_BIN=build/host-gcc-nochecks/examples/host_example >/dev/null; \
	echo "test-build-matrix: gcc and clang, default/checked/unchecked/no-stats: -Werror clean, only hook references; example runs unchecked"
