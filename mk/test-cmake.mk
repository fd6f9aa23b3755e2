# libslab taken the ways firmware and host projects take libraries
# (CMakeLists.txt, mk/install.mk, docs/cmake.md); consumers in test/cmake/.
#   make test-cmake   every check below, in build/test-cmake/
#     firmware      a Cortex-M4 firmware (hard float) by add_subdirectory(),
#                   cross-compiled with toolchains/arm-none-eabi.cmake and the
#                   project's board files, its pages from slab::static_pages,
#                   newlib's strdup on slab::malloc; libslab's code and the
#                   drop-in (not newlib's malloc) must be in the ELF, and it
#                   must pass on QEMU mps2-an386
#     fetch-content a host C project takes libslab by FetchContent, its
#                   options set as normal variables, pages from
#                   slab::buffer_pages, and runs; a second program runs on
#                   slab::malloc, which must define its malloc (nm)
#     find-package  make install (host) into a DESTDIR; a C-only CMake project
#                   finds it with find_package(slab CONFIG), builds and runs
#                   the same two programs on the installed providers
#     pkg-config    the same tree through pkg-config --cflags --libs
#                   slab-buffer-pages (and slab-malloc)
#     host-trees    cmake --install writes the same tree as make install
#                   (generated files equal, same symbols in each archive)
#     cross         the same for a Cortex-M4 install; a project configured
#                   for the Cortex-M3 finds that package (and its providers)
#                   and gets its CPU flags: its firmware links hard-float and
#                   passes on the M4 board; pkg-config's Cflags do the same
#                   to an object
#     freertos-kernel  cmake/FetchFreeRTOSKernel.cmake: the kernel taken from
#                   FETCHCONTENT_SOURCE_DIR_FREERTOS_KERNEL (the machine's
#                   copy, FREERTOS_DIR of mk/peers.mk), from -DFREERTOS_DIR,
#                   and as a file:// archive checked against its sha256,
#                   builds for the Cortex-M3, and so does slab::freertos
#                   over it (add_subdirectory); a wrong hash and a folder
#                   with no kernel fail the configure; the installed
#                   slab::freertos (a source) compiles for the M4 install
#                   through find_package and through pkg-config
# Every build uses non-default options (checked mode, 8 KiB default slabs):
# the consumers check that the definitions reached them and that the library
# behaves as built with them (test/cmake/checks.c).
# The cross toolchain, newlib and QEMU come from mk/target.mk's DEPS_PKGS,
# and so do QEMU_RUN and the board of each CPU.
TEST_TARGETS += test-cmake
DEPS_test-cmake := cmake pkg-config $(DEPS_ARM)
DEPS_PKGS += $(DEPS_test-cmake)

TCM_DIR := build/test-cmake
TCM_ABS := $(CURDIR)/$(TCM_DIR)
TCM_PREFIX := /usr/local
# The Cortex-M4 flags of toolchains/arm-none-eabi.mk: tcm-cross fails if they
# part (the make install of that toolchain must equal the CMake one).
TCM_M4_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
TCM_M3_FLAGS := -mcpu=cortex-m3 -mthumb
TCM_MAKE_OPTS := CHECKS=1 SLAB_DEFS=-DSLAB_DEFAULT_SLAB_SIZE=8192
TCM_CMAKE_OPTS := -DSLAB_CHECKS=1 -DSLAB_DEFAULT_SLAB_SIZE=8192
TCM_EXPECT := EXPECT_CHECKS=1 EXPECT_SLAB_SIZE=8192
TCM_HOST_CC := gcc
# CMake's own make must not inherit this make's command-line variables.
TCM_CMAKE := MAKEFLAGS= cmake
TCM_CONFIGURE = $(TCM_CMAKE) -G "Unix Makefiles" -Wno-dev
TCM_TOOLCHAIN := -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/toolchains/arm-none-eabi.cmake -DCMAKE_BUILD_TYPE=MinSizeRel
TCM_INSTALL = $(MAKE) --no-print-directory -s install $(TCM_MAKE_OPTS) PREFIX=$(TCM_PREFIX)

# $(call tcm_step,command,log,what): runs the command into the log; on
# failure shows the log's end and fails naming the step.
tcm_step = $(1) >$(2) 2>&1 || { tail -n 40 $(2); echo "test-cmake: FAILED: $(3) (log: $(2))"; exit 1; }
# $(call tcm_diff_trees,tree A,tree B,what,nm): the same files; the same
# content except the archives, whose defined symbols must be the same, and
# slab/build_secret.h, each build's own random secret: both trees must hold
# one that defines a non-zero SLAB_BUILD_SECRET.
TCM_SECRET_RE := ^\#define SLAB_BUILD_SECRET ..uintptr_t.0x[0-9a-f]{16}ull.$$
TCM_ARCHIVES := libslab.a libslab_buffer_pages.a libslab_static_pages.a libslab_malloc.a
define tcm_diff_trees
	@diff <(cd $(1) && find . | sort) <(cd $(2) && find . | sort) || \
		{ echo "test-cmake: FAILED: $(3): the installed trees hold other files"; exit 1; }
	@diff -r -x '*.a' -x build_secret.h $(1) $(2) || { echo "test-cmake: FAILED: $(3): the installed files differ"; exit 1; }
	@for t in $(1) $(2); do grep -E '$(TCM_SECRET_RE)' $$t$(TCM_PREFIX)/include/slab/build_secret.h | grep -qv 0x0000000000000000ull || \
		{ echo "test-cmake: FAILED: $(3): $$t has no slab/build_secret.h with a non-zero SLAB_BUILD_SECRET"; exit 1; }; done
	@for a in $(TCM_ARCHIVES); do \
		for t in $(1) $(2); do $(4) -g --defined-only $$t$(TCM_PREFIX)/lib/$$a | \
			awk 'NF == 3 && $$2 ~ /^[TDRB]$$/ { print $$3 }' | sort -u > $$t.$$a.symbols; done; \
		test -s $(1).$$a.symbols && cmp -s $(1).$$a.symbols $(2).$$a.symbols || \
			{ diff $(1).$$a.symbols $(2).$$a.symbols; echo "test-cmake: FAILED: $(3): $$a symbols differ"; exit 1; }; done
endef

# $(call tcm_fw_checks,build dir,what): a firmware of test/cmake/firmware has
# libslab's code, its pages from slab::static_pages, and the drop-in malloc
# of slab::malloc linked for --undefined=malloc alone (main.c names none of
# its functions), newlib's own malloc not linked at all (as mk/malloc.mk's
# fw-malloc-run checks); hard-float.
define tcm_fw_checks
	@arm-none-eabi-nm $(1)/firmware.elf | grep -q ' T slab_cache_create' || \
		{ echo "test-cmake: FAILED: $(2): no slab_cache_create in firmware.elf"; exit 1; }
	@grep -qE 'libslab_static_pages\.a\(static_pages\.c\.obj\)' $(1)/firmware.map || \
		{ echo "test-cmake: FAILED: $(2): slab::static_pages not linked (firmware.map)"; exit 1; }
	@grep -A1 -E 'libslab_malloc\.a\(slab_malloc\.c\.obj\)' $(1)/firmware.map | grep -qE '^ +\(malloc\)$$' || \
		{ echo "test-cmake: FAILED: $(2): slab::malloc not linked for --undefined=malloc (firmware.map)"; exit 1; }
	@arm-none-eabi-nm $(1)/firmware.elf | grep -q ' T _malloc_r$$' || \
		{ echo "test-cmake: FAILED: $(2): no _malloc_r in firmware.elf"; exit 1; }
	@if grep -qE 'lib_a-(nano-)?(malloc|mallocr|freer|callocr|reallocr)\.o' $(1)/firmware.map; then \
		echo "test-cmake: FAILED: $(2): newlib's own malloc is linked (firmware.map)"; exit 1; fi
	@arm-none-eabi-readelf -A $(1)/firmware.elf | grep -q 'Tag_ABI_VFP_args: VFP registers' || \
		{ echo "test-cmake: FAILED: $(2): firmware.elf is not hard-float"; exit 1; }
endef
TCM_FW_LINE := test-cmake firmware: C and C++ checks passed, newlib allocates from slab::malloc

# $(call tcm_malloc_run,program,what): a program of test/cmake/malloc_main.c
# exports its own malloc and free (so the C library's calls reach them too),
# and passes.
define tcm_malloc_run
	@for f in malloc free; do nm -D --defined-only $(1) | grep -qE " T $$f$$" || \
		{ echo "test-cmake: FAILED: $(2): $(1) does not define and export $$f (slab::malloc)"; exit 1; }; done
	@./$(1) || { echo "test-cmake: FAILED: $(2): the malloc consumer failed"; exit 1; }
endef

.PHONY: test-cmake tcm-firmware tcm-fetch-content tcm-host-install tcm-find-package tcm-pkg-config tcm-host-trees tcm-cross \
	tcm-m4-installs tcm-freertos-kernel
test-cmake: tcm-firmware tcm-fetch-content tcm-find-package tcm-pkg-config tcm-host-trees tcm-cross tcm-freertos-kernel
	@echo "test-cmake: add_subdirectory firmware on QEMU mps2-an386, FetchContent, find_package and pkg-config consumers," \
		"each with page providers and the drop-in malloc," \
		"make install and cmake --install trees equal (host and Cortex-M4), CPU flags carried by the package," \
		"the FreeRTOS kernel by FetchContent, slab::freertos over it"

# ---------------------------------------------------------------- firmware
tcm-firmware:
	@rm -rf $(TCM_DIR)/firmware && mkdir -p $(TCM_DIR)
	@$(call tcm_step,$(TCM_CONFIGURE) -S test/cmake/firmware -B $(TCM_DIR)/firmware $(TCM_TOOLCHAIN) \
		-DARM_CPU_FLAGS="$(TCM_M4_FLAGS)" $(TCM_CMAKE_OPTS) $(addprefix -D,$(TCM_EXPECT)),$(TCM_DIR)/firmware.log,firmware: configure)
	@$(call tcm_step,$(TCM_CMAKE) --build $(TCM_DIR)/firmware -j 2,$(TCM_DIR)/firmware-build.log,firmware: build)
	$(call tcm_fw_checks,$(TCM_DIR)/firmware,firmware)
	@$(call tcm_step,$(call QEMU_RUN,$(QEMU_MACHINE_cortex-m4),$(TCM_DIR)/firmware/firmware.elf),$(TCM_DIR)/firmware-run.log,firmware: run on QEMU $(QEMU_MACHINE_cortex-m4))
	@grep -qxF '$(TCM_FW_LINE)' $(TCM_DIR)/firmware-run.log || \
		{ cat $(TCM_DIR)/firmware-run.log; echo "test-cmake: FAILED: firmware: no closing line"; exit 1; }
	@echo "test-cmake: firmware (add_subdirectory, Cortex-M4 hard float) links libslab, slab::static_pages and" \
		"slab::malloc (newlib's strdup on it) and passes on QEMU $(QEMU_MACHINE_cortex-m4)"

# ---------------------------------------------------------------- host consumers
tcm-fetch-content:
	@rm -rf $(TCM_DIR)/fetch-content && mkdir -p $(TCM_DIR)
	@$(call tcm_step,$(TCM_CONFIGURE) -S test/cmake/fetch-content -B $(TCM_DIR)/fetch-content \
		$(addprefix -D,$(TCM_EXPECT)),$(TCM_DIR)/fetch-content.log,fetch-content: configure)
	@grep -qF 'libslab: no slab::freertos' $(TCM_DIR)/fetch-content.log || \
		{ echo "test-cmake: FAILED: fetch-content: no line saying there is no slab::freertos without FreeRTOS"; exit 1; }
	@$(call tcm_step,$(TCM_CMAKE) --build $(TCM_DIR)/fetch-content -j 2,$(TCM_DIR)/fetch-content-build.log,fetch-content: build)
	@./$(TCM_DIR)/fetch-content/consumer || { echo "test-cmake: FAILED: fetch-content: the consumer failed"; exit 1; }
	$(call tcm_malloc_run,$(TCM_DIR)/fetch-content/malloc_consumer,fetch-content)

tcm-host-install:
	@rm -rf $(TCM_DIR)/make-host
	@$(call tcm_step,$(TCM_INSTALL) TOOLCHAIN=host-gcc BUILD=$(TCM_DIR)/make-host/lib DESTDIR=$(TCM_ABS)/make-host/tree,$(TCM_DIR)/make-host.log,make install (host))

tcm-find-package: tcm-host-install
	@rm -rf $(TCM_DIR)/find-package
	@$(call tcm_step,$(TCM_CONFIGURE) -S test/cmake/find-package -B $(TCM_DIR)/find-package \
		-DCMAKE_PREFIX_PATH=$(TCM_ABS)/make-host/tree$(TCM_PREFIX) $(addprefix -D,$(TCM_EXPECT)),$(TCM_DIR)/find-package.log,find-package: configure)
	@$(call tcm_step,$(TCM_CMAKE) --build $(TCM_DIR)/find-package -j 2,$(TCM_DIR)/find-package-build.log,find-package: build)
	@./$(TCM_DIR)/find-package/consumer || { echo "test-cmake: FAILED: find-package: the consumer failed"; exit 1; }
	$(call tcm_malloc_run,$(TCM_DIR)/find-package/malloc_consumer,find-package)

# pkg-config reading the staged tree: the installed .pc files, their paths under the DESTDIR.
TCM_PKG_CONFIG_HOST := PKG_CONFIG_PATH=$(TCM_ABS)/make-host/tree$(TCM_PREFIX)/lib/pkgconfig \
	PKG_CONFIG_SYSROOT_DIR=$(TCM_ABS)/make-host/tree pkg-config
tcm-pkg-config: tcm-host-install
	@rm -rf $(TCM_DIR)/pkg-config && mkdir -p $(TCM_DIR)/pkg-config
	@flags=$$($(TCM_PKG_CONFIG_HOST) --cflags --libs slab-buffer-pages) || \
		{ echo "test-cmake: FAILED: pkg-config: slab-buffer-pages not found"; exit 1; }; \
	version=$$($(TCM_PKG_CONFIG_HOST) --modversion slab); \
	$(TCM_HOST_CC) -std=c11 -Wall -Wextra -Werror $(addprefix -D,$(TCM_EXPECT)) '-DCONSUMER_NAME="pkg-config consumer"' \
		"-DEXPECT_VERSION=\"$$version\"" test/cmake/host_main.c test/cmake/checks.c $$flags -o $(TCM_DIR)/pkg-config/consumer || \
		{ echo "test-cmake: FAILED: pkg-config: the consumer does not build"; exit 1; }
	@./$(TCM_DIR)/pkg-config/consumer || { echo "test-cmake: FAILED: pkg-config: the consumer failed"; exit 1; }
	@flags=$$($(TCM_PKG_CONFIG_HOST) --cflags --libs slab-malloc slab-buffer-pages) || \
		{ echo "test-cmake: FAILED: pkg-config: slab-malloc not found"; exit 1; }; \
	$(TCM_HOST_CC) -std=c11 -Wall -Wextra -Werror '-DCONSUMER_NAME="pkg-config malloc consumer"' \
		test/cmake/malloc_main.c $$flags -o $(TCM_DIR)/pkg-config/malloc_consumer || \
		{ echo "test-cmake: FAILED: pkg-config: the malloc consumer does not build"; exit 1; }
	$(call tcm_malloc_run,$(TCM_DIR)/pkg-config/malloc_consumer,pkg-config)

tcm-host-trees: tcm-host-install
	@rm -rf $(TCM_DIR)/cmake-host
	@$(call tcm_step,$(TCM_CONFIGURE) -S . -B $(TCM_DIR)/cmake-host -DCMAKE_BUILD_TYPE=Release $(TCM_CMAKE_OPTS),$(TCM_DIR)/cmake-host.log,host-trees: configure)
	@$(call tcm_step,$(TCM_CMAKE) --build $(TCM_DIR)/cmake-host -j 2,$(TCM_DIR)/cmake-host-build.log,host-trees: build)
	@$(call tcm_step,DESTDIR=$(TCM_ABS)/cmake-host/tree $(TCM_CMAKE) --install $(TCM_DIR)/cmake-host --prefix $(TCM_PREFIX),$(TCM_DIR)/cmake-host-install.log,host-trees: cmake --install)
	$(call tcm_diff_trees,$(TCM_DIR)/make-host/tree,$(TCM_DIR)/cmake-host/tree,host-trees,nm)
	@echo "test-cmake: host: make install and cmake --install write the same tree"

# ---------------------------------------------------------------- Cortex-M4 installs
# Both installs of the Cortex-M4 library (tcm-cross compares them, and
# tcm-freertos-kernel compiles the installed slab::freertos for them).
tcm-m4-installs:
	@rm -rf $(TCM_DIR)/make-m4 $(TCM_DIR)/cmake-m4
	@$(call tcm_step,$(TCM_INSTALL) TOOLCHAIN=arm-none-eabi CPU=cortex-m4 BUILD=$(TCM_DIR)/make-m4/lib DESTDIR=$(TCM_ABS)/make-m4/tree,$(TCM_DIR)/make-m4.log,make install (Cortex-M4))
	@$(call tcm_step,$(TCM_CONFIGURE) -S . -B $(TCM_DIR)/cmake-m4 $(TCM_TOOLCHAIN) -DARM_CPU_FLAGS="$(TCM_M4_FLAGS)" $(TCM_CMAKE_OPTS),$(TCM_DIR)/cmake-m4.log,cross: configure)
	@$(call tcm_step,$(TCM_CMAKE) --build $(TCM_DIR)/cmake-m4 -j 2,$(TCM_DIR)/cmake-m4-build.log,cross: build)
	@$(call tcm_step,DESTDIR=$(TCM_ABS)/cmake-m4/tree $(TCM_CMAKE) --install $(TCM_DIR)/cmake-m4 --prefix $(TCM_PREFIX),$(TCM_DIR)/cmake-m4-install.log,cross: cmake --install)

tcm-cross: tcm-m4-installs
	@rm -rf $(TCM_DIR)/firmware-m3 $(TCM_DIR)/pkg-config-m3
	$(call tcm_diff_trees,$(TCM_DIR)/make-m4/tree,$(TCM_DIR)/cmake-m4/tree,cross,arm-none-eabi-nm)
	@grep -q -- '-mfloat-abi=hard' $(TCM_DIR)/make-m4/tree$(TCM_PREFIX)/lib/pkgconfig/slab.pc || \
		{ echo "test-cmake: FAILED: cross: slab.pc does not carry the float ABI"; exit 1; }
	@$(call tcm_step,$(TCM_CONFIGURE) -S test/cmake/firmware -B $(TCM_DIR)/firmware-m3 $(TCM_TOOLCHAIN) \
		-DARM_CPU_FLAGS="$(TCM_M3_FLAGS)" -DSLAB_CONSUME=find_package -DCMAKE_PREFIX_PATH=$(TCM_ABS)/cmake-m4/tree$(TCM_PREFIX) \
		$(addprefix -D,$(TCM_EXPECT)),$(TCM_DIR)/firmware-m3.log,cross: find_package firmware: configure)
	@$(call tcm_step,$(TCM_CMAKE) --build $(TCM_DIR)/firmware-m3 -j 2,$(TCM_DIR)/firmware-m3-build.log,cross: find_package firmware: build)
	$(call tcm_fw_checks,$(TCM_DIR)/firmware-m3,cross: find_package firmware)
	@$(call tcm_step,$(call QEMU_RUN,$(QEMU_MACHINE_cortex-m4),$(TCM_DIR)/firmware-m3/firmware.elf),$(TCM_DIR)/firmware-m3-run.log,cross: find_package firmware: run on QEMU $(QEMU_MACHINE_cortex-m4))
	@grep -qxF '$(TCM_FW_LINE)' $(TCM_DIR)/firmware-m3-run.log || \
		{ cat $(TCM_DIR)/firmware-m3-run.log; echo "test-cmake: FAILED: cross: no closing line"; exit 1; }
	@mkdir -p $(TCM_DIR)/pkg-config-m3
	@flags=$$(PKG_CONFIG_PATH=$(TCM_ABS)/make-m4/tree$(TCM_PREFIX)/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(TCM_ABS)/make-m4/tree \
		pkg-config --cflags slab) || { echo "test-cmake: FAILED: cross: pkg-config: slab not found"; exit 1; }; \
	arm-none-eabi-gcc $(TCM_M3_FLAGS) $$flags -std=c11 -Wall -Wextra -Werror $(addprefix -D,$(TCM_EXPECT)) \
		-c test/cmake/checks.c -o $(TCM_DIR)/pkg-config-m3/checks.o || { echo "test-cmake: FAILED: cross: pkg-config compile"; exit 1; }; \
	arm-none-eabi-readelf -A $(TCM_DIR)/pkg-config-m3/checks.o | grep -q 'Tag_ABI_VFP_args: VFP registers' || \
		{ echo "test-cmake: FAILED: cross: pkg-config's Cflags did not give the M4 float ABI"; exit 1; }
	@echo "test-cmake: Cortex-M4: make install and cmake --install write the same tree; a Cortex-M3 project" \
		"gets the package's M4 flags (find_package firmware on the installed slab::static_pages and slab::malloc" \
		"passes on QEMU $(QEMU_MACHINE_cortex-m4), pkg-config object hard-float)"

# ---------------------------------------------------------------- FreeRTOS kernel
# cmake/FetchFreeRTOSKernel.cmake, offline: the machine's kernel (FREERTOS_DIR)
# through FetchContent's source-dir override and through -DFREERTOS_DIR, then
# packed into a file:// archive standing for the pinned download, with its
# sha256 (the real archive's is not pinned: docs/freertos.md). The first
# build also takes libslab by add_subdirectory, with slab::freertos over that
# kernel (test/cmake/freertos-kernel/app.c links it). Then the installed
# slab::freertos, a source compiled with the firmware's FreeRTOS headers
# (here the kernel's ARM_CM4F port, for the Cortex-M4 installs): through
# find_package from cmake --install's tree, through pkg-config from make
# install's.
TCM_RTOS := $(TCM_DIR)/freertos-kernel
TCM_RTOS_CONFIGURE = $(TCM_CONFIGURE) -S test/cmake/freertos-kernel $(TCM_TOOLCHAIN) -DARM_CPU_FLAGS="$(TCM_M3_FLAGS)"
TCM_RTOS_SRC := $(abspath $(FREERTOS_DIR))
TCM_RTOS_FOUND := libslab: FreeRTOS-Kernel V11.1.0+ (4269c69a) from
# $(call tcm_rtos_built,build dir,what): the kernel library has the kernel's and the port's functions.
tcm_rtos_built = arm-none-eabi-nm $(1)/libfreertos_kernel_m3.a | grep -q ' T xTaskCreateStatic' && \
	arm-none-eabi-nm $(1)/libfreertos_kernel_m3.a | grep -q ' T vPortSVCHandler' || \
	{ echo "test-cmake: FAILED: freertos-kernel: $(2): the kernel library lacks xTaskCreateStatic or vPortSVCHandler"; exit 1; }
# $(call tcm_rtos_adapter,archive or object,what): it defines the adapter's functions.
tcm_rtos_adapter = arm-none-eabi-nm $(1) | grep -q ' T slab_freertos_lock$$' && \
	arm-none-eabi-nm $(1) | grep -q ' T slab_freertos_waiter_init$$' || \
	{ echo "test-cmake: FAILED: freertos-kernel: $(2): $(1) lacks slab_freertos_lock or slab_freertos_waiter_init"; exit 1; }
TCM_RTOS_M4_INC := -I$(TCM_RTOS_SRC)/include -I$(TCM_RTOS_SRC)/portable/GCC/ARM_CM4F -Ifirmware/freertos
tcm-freertos-kernel: peer-freertos-kernel tcm-m4-installs
	@rm -rf $(TCM_RTOS) && mkdir -p $(TCM_RTOS)/archive/FreeRTOS-Kernel-x
	@$(call tcm_step,$(TCM_RTOS_CONFIGURE) -B $(TCM_RTOS)/source-dir -DSLAB_CONSUME=add_subdirectory \
		-DFETCHCONTENT_SOURCE_DIR_FREERTOS_KERNEL=$(TCM_RTOS_SRC),$(TCM_RTOS)/source-dir.log,freertos-kernel: source dir: configure)
	@grep -qF '$(TCM_RTOS_FOUND) $(TCM_RTOS_SRC)' $(TCM_RTOS)/source-dir.log || \
		{ cat $(TCM_RTOS)/source-dir.log; echo "test-cmake: FAILED: freertos-kernel: source dir not used"; exit 1; }
	@grep -qF 'libslab: slab::freertos over FreeRTOS from freertos_kernel_m3' $(TCM_RTOS)/source-dir.log || \
		{ cat $(TCM_RTOS)/source-dir.log; echo "test-cmake: FAILED: freertos-kernel: no slab::freertos over the kernel"; exit 1; }
	@$(call tcm_step,$(TCM_CMAKE) --build $(TCM_RTOS)/source-dir -j 2,$(TCM_RTOS)/source-dir-build.log,freertos-kernel: source dir: build)
	@$(call tcm_rtos_built,$(TCM_RTOS)/source-dir,source dir)
	@$(call tcm_rtos_adapter,$(TCM_RTOS)/source-dir/libslab/libslab_freertos.a,add_subdirectory)
	@$(call tcm_step,$(TCM_RTOS_CONFIGURE) -B $(TCM_RTOS)/freertos-dir -DFREERTOS_DIR=$(TCM_RTOS_SRC),$(TCM_RTOS)/freertos-dir.log,freertos-kernel: FREERTOS_DIR: configure)
	@grep -qF '$(TCM_RTOS_FOUND) $(TCM_RTOS_SRC)' $(TCM_RTOS)/freertos-dir.log || \
		{ cat $(TCM_RTOS)/freertos-dir.log; echo "test-cmake: FAILED: freertos-kernel: FREERTOS_DIR not used"; exit 1; }
	@cp -R $(TCM_RTOS_SRC)/. $(TCM_RTOS)/archive/FreeRTOS-Kernel-x && \
		tar -czf $(TCM_RTOS)/kernel.tar.gz -C $(TCM_RTOS)/archive FreeRTOS-Kernel-x && rm -rf $(TCM_RTOS)/archive
	@$(call tcm_step,$(TCM_RTOS_CONFIGURE) -B $(TCM_RTOS)/download -DSLAB_FREERTOS_KERNEL_URL=file://$(abspath $(TCM_RTOS))/kernel.tar.gz \
		-DSLAB_FREERTOS_KERNEL_SHA256=$$(sha256sum $(TCM_RTOS)/kernel.tar.gz | cut -d' ' -f1),$(TCM_RTOS)/download.log,freertos-kernel: archive: configure)
	@grep -qF '$(TCM_RTOS_FOUND) $(abspath $(TCM_RTOS))/download/_deps/freertos_kernel-src' $(TCM_RTOS)/download.log || \
		{ cat $(TCM_RTOS)/download.log; echo "test-cmake: FAILED: freertos-kernel: the archive was not unpacked into _deps"; exit 1; }
	@$(call tcm_step,$(TCM_CMAKE) --build $(TCM_RTOS)/download -j 2,$(TCM_RTOS)/download-build.log,freertos-kernel: archive: build)
	@$(call tcm_rtos_built,$(TCM_RTOS)/download,archive)
	@if $(TCM_RTOS_CONFIGURE) -B $(TCM_RTOS)/bad-hash -DSLAB_FREERTOS_KERNEL_URL=file://$(abspath $(TCM_RTOS))/kernel.tar.gz \
		-DSLAB_FREERTOS_KERNEL_SHA256=$$(printf '%064d' 0) > $(TCM_RTOS)/bad-hash.log 2>&1 || \
		! grep -q 'does not match expected value' $(TCM_RTOS)/bad-hash.log; then \
		tail -n 30 $(TCM_RTOS)/bad-hash.log; echo "test-cmake: FAILED: freertos-kernel: a wrong SLAB_FREERTOS_KERNEL_SHA256 was not refused"; exit 1; fi
	@mkdir -p $(TCM_RTOS)/empty
	@if $(TCM_RTOS_CONFIGURE) -B $(TCM_RTOS)/no-kernel -DFREERTOS_DIR=$(abspath $(TCM_RTOS))/empty > $(TCM_RTOS)/no-kernel.log 2>&1 || \
		! grep -qF 'libslab: FreeRTOS-Kernel V11.1.0+ (4269c69a) not found' $(TCM_RTOS)/no-kernel.log; then \
		cat $(TCM_RTOS)/no-kernel.log; echo "test-cmake: FAILED: freertos-kernel: FREERTOS_DIR without a kernel: no clear error"; exit 1; fi
	@$(call tcm_step,$(TCM_CONFIGURE) -S test/cmake/freertos-kernel -B $(TCM_RTOS)/find-package $(TCM_TOOLCHAIN) \
		-DARM_CPU_FLAGS="$(TCM_M4_FLAGS)" -DFREERTOS_PORT=ARM_CM4F -DFREERTOS_DIR=$(TCM_RTOS_SRC) -DSLAB_CONSUME=find_package \
		-DCMAKE_PREFIX_PATH=$(TCM_ABS)/cmake-m4/tree$(TCM_PREFIX),$(TCM_RTOS)/find-package.log,freertos-kernel: find_package: configure)
	@$(call tcm_step,$(TCM_CMAKE) --build $(TCM_RTOS)/find-package --target app,$(TCM_RTOS)/find-package-build.log,freertos-kernel: find_package: build)
	@$(call tcm_rtos_adapter,$(TCM_RTOS)/find-package/libapp.a,find_package)
	@src=$$(PKG_CONFIG_PATH=$(TCM_ABS)/make-m4/tree$(TCM_PREFIX)/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(TCM_ABS)/make-m4/tree \
		pkg-config --variable=source slab-freertos) && \
	flags=$$(PKG_CONFIG_PATH=$(TCM_ABS)/make-m4/tree$(TCM_PREFIX)/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(TCM_ABS)/make-m4/tree \
		pkg-config --cflags slab-freertos) || { echo "test-cmake: FAILED: freertos-kernel: pkg-config: slab-freertos not found"; exit 1; }; \
	arm-none-eabi-gcc $$flags $(TCM_RTOS_M4_INC) -std=c11 -Os -Wall -Wextra -Werror -c $$src -o $(TCM_RTOS)/slab_freertos-pc.o || \
		{ echo "test-cmake: FAILED: freertos-kernel: pkg-config: the installed slab_freertos.c does not compile"; exit 1; }
	@$(call tcm_rtos_adapter,$(TCM_RTOS)/slab_freertos-pc.o,pkg-config)
	@echo "test-cmake: FreeRTOS kernel by FetchContent (source-dir override, FREERTOS_DIR, file:// archive with its sha256)" \
		"built for the Cortex-M3, slab::freertos over it; a wrong hash and a folder without the kernel refused;" \
		"the installed slab::freertos compiled for the Cortex-M4 (find_package, pkg-config)"
