# The library must build -Werror clean with gcc and clang, in every
# configuration a user can pick (checked mode, statistics off), and reference
# nothing but the hooks in each. Each build lands in its own directory.
TEST_TARGETS += test-build-matrix
DEPS_test-build-matrix := clang
DEPS_PKGS += $(DEPS_test-build-matrix)

.PHONY: test-build-matrix
test-build-matrix:
	@set -e; for tc in host-gcc host-clang; do \
		$(MAKE) --no-print-directory -s test-nm TOOLCHAIN=$$tc; \
		$(MAKE) --no-print-directory -s test-nm TOOLCHAIN=$$tc CHECKS=1; \
		$(MAKE) --no-print-directory -s test-nm TOOLCHAIN=$$tc CHECKS=0; \
		$(MAKE) --no-print-directory -s test-nm TOOLCHAIN=$$tc BUILD=build/$$tc-nostats SLAB_DEFS=-DSLAB_STATS=0; \
	done; \
	$(MAKE) --no-print-directory -s run-host CHECKS=0 RUN_BIN=build/host-gcc-nochecks/examples/host_example >/dev/null; \
	$(MAKE) --no-print-directory -s test-rebuild-on-options; \
	echo "test-build-matrix: gcc and clang, default/checked/CHECKS=0/no-stats: -Werror clean, only the program's symbols referenced; example runs with CHECKS=0"

# Changing SLAB_DEFS on the command line rebuilds the library (the flags
# stamp in the Makefile): the option tag in the archive follows the options.
.PHONY: test-rebuild-on-options
REBUILD_DIR := build/rebuild-test
rebuild_tag = $$($(MAKE) --no-print-directory -s lib BUILD=$(REBUILD_DIR) $(1) >/dev/null && \
	$(NM) $(REBUILD_DIR)/libslab.a | grep -oE 'slab_cache_create__slab_abi_v3_[a-z0-9_]+' | sort -u)
test-rebuild-on-options:
	@set -e; a=$(call rebuild_tag,); \
	b=$(call rebuild_tag,SLAB_DEFS=-DSLAB_DEFAULT_SLAB_SIZE=8192); \
	c=$(call rebuild_tag,SLAB_DEFS=-DSLAB_DEFAULT_SLAB_SIZE=8192); \
	d=$(call rebuild_tag,CHECKS=1); \
	echo "test-rebuild-on-options: default $$a; SLAB_DEFS=8192 $$b (again: $$c); CHECKS=1 $$d"; \
	case "$$a" in *_s4096_c0_*) ;; *) echo "FAILED: default build tag $$a"; exit 1;; esac; \
	case "$$b" in *_s8192_c0_*) ;; *) echo "FAILED: SLAB_DEFS change did not rebuild ($$b)"; exit 1;; esac; \
	[ "$$b" = "$$c" ] || { echo "FAILED: same options, another tag"; exit 1; }; \
	case "$$d" in *_s4096_c1_*) ;; *) echo "FAILED: CHECKS change did not rebuild ($$d)"; exit 1;; esac
