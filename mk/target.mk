# Bare metal (issue 3): cross builds of libslab for Cortex-M, firmware for
# the QEMU boards of linker/, the on-target test runner, the interrupt test
# and the footprint table.
#
#   make test-target   for every CPU: library, nm -u check, static RAM == 0,
#                      test runner on its QEMU board, the -nostdlib firmware
#                      (mk/test-nostdlib.mk); the SpinLock compile failure on
#                      ARMv6-M (M0, M0+); the SysTick interrupt test on the M3
#   make size          .text/.data/.bss of libslab.a's objects per CPU, and
#                      the flash a minimal one-cache firmware takes from it
#   make run           (mk/run.mk) the example firmware on mps2-an385
#
# Outer targets run under any TOOLCHAIN and call this same file again with
# TOOLCHAIN=arm-none-eabi CPU=<cpu>; the fw-* targets below are those inner
# steps and only make sense there.
DEPS_test-target := $(DEPS_ARM)
DEPS_PKGS += $(DEPS_test-target)
TEST_TARGETS += test-target

TARGET_CPUS := cortex-m0 cortex-m0plus cortex-m3 cortex-m4 cortex-m7 cortex-m23 cortex-m33 cortex-m55
QEMU_MACHINE_cortex-m0 := microbit
QEMU_MACHINE_cortex-m3 := mps2-an385
QEMU_MACHINE_cortex-m4 := mps2-an386
QEMU_MACHINE_cortex-m7 := mps2-an500
QEMU_MACHINE_cortex-m33 := mps2-an505
QEMU_MACHINE_cortex-m55 := mps3-an547
# QEMU 7.2 emulates no Cortex-M0+ and no Cortex-M23 core. Their builds run on
# the nearest core whose architecture contains theirs: the M0+ build
# (ARMv6-M, as the M0) on the micro:bit's M0, the M23 build (ARMv8-M
# Baseline, a subset of the M33's Mainline) on the AN505's M33. That tests
# their code, not their cores' timing or bus; the assembler has already
# refused any instruction outside each one's architecture.
QEMU_MACHINE_cortex-m0plus := microbit
QEMU_MACHINE_cortex-m23 := mps2-an505
# ARMv6-M: no LDREX/STREX, so no spin lock (fw-spinlock-m0).
TARGET_CPUS_V6M := cortex-m0 cortex-m0plus

# Every emulator run is bounded: a firmware that hangs fails after this many
# seconds (timeout's status 124) instead of blocking CI.
QEMU_TIMEOUT ?= 60
QEMU_ARGS = -M $(1) -nographic -monitor none -serial null \
	-semihosting-config enable=on,target=native -kernel $(2)
QEMU_RUN = timeout $(QEMU_TIMEOUT) qemu-system-arm $(call QEMU_ARGS,$(1),$(2))
# The interrupt test counts instructions for virtual time (2^3 ns each), so
# SysTick fires at the same instructions on every run, whatever the host load.
QEMU_ICOUNT := -icount shift=3

ARM_MAKE = $(MAKE) --no-print-directory TOOLCHAIN=arm-none-eabi

.PHONY: test-target size target-libs fw-check fw-tests fw-irq fw-run fw-size fw-spinlock-m0 fw-flash-check

target-libs:
	@for cpu in $(TARGET_CPUS); do $(ARM_MAKE) CPU=$$cpu lib test-nm fw-size-check fw-flash-check || exit 1; done
	@for cpu in $(TARGET_CPUS); do $(ARM_MAKE) CPU=$$cpu CHECKS=1 lib test-nm || exit 1; done

test-target: target-libs
	@for cpu in $(TARGET_CPUS); do $(ARM_MAKE) CPU=$$cpu fw-tests fw-nostdlib || exit 1; done
	@for cpu in $(TARGET_CPUS_V6M); do $(ARM_MAKE) CPU=$$cpu fw-spinlock-m0 || exit 1; done
	@$(ARM_MAKE) CPU=cortex-m3 fw-irq
	@echo "test-target: $(words $(TARGET_CPUS)) CPUs built, nm-checked, 0 B static RAM, tests and the -nostdlib firmware passed on QEMU; IRQ test passed"

size:
	@printf '%-11s %-22s %7s %6s %5s\n' CPU object .text .data .bss
	@for cpu in $(TARGET_CPUS); do $(ARM_MAKE) CPU=$$cpu lib fw-size || exit 1; done

ifeq ($(TOOLCHAIN),arm-none-eabi)
FW := $(BUILD)/firmware
FW_MACHINE := $(QEMU_MACHINE_$(CPU))
FW_WARN := -Wall -Wextra -Werror -Wshadow
FW_INC := -Iinclude -Ifirmware -Ihooks/static_pages
FW_CFLAGS := -std=c11 $(ARM_ARCH_FLAGS) -Os -g -ffunction-sections -fdata-sections -ffreestanding \
	$(FW_WARN) $(FW_INC) $(SLAB_DEFS)
FW_CXXFLAGS := -std=c++17 $(ARM_ARCH_FLAGS) -Os -g -ffunction-sections -fdata-sections -ffreestanding \
	-fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-asynchronous-unwind-tables \
	$(FW_WARN) $(FW_INC) $(SLAB_DEFS)
# No start files and no libc start-up: firmware/startup.c is the reset path.
# newlib's libc is linked only for memset/memcpy should anything call them
# (no system call is ever referenced); libgcc for the AEABI helpers.
FW_LDFLAGS = $(ARM_ARCH_FLAGS) -nostartfiles -nostdlib -Wl,--gc-sections -Llinker \
	-T linker/$(FW_MACHINE).ld -Wl,-Map=$(basename $@).map
FW_LDLIBS := -lc -lgcc

FW_BASE := firmware/startup.c firmware/semihost.c firmware/console.c hooks/static_pages/static_pages.c
FW_HDRS := $(wildcard firmware/*.h firmware/tests/*.h firmware/irq/*.h hooks/static_pages/*.h hooks/buddy/*.h) $(LIB_HDRS)
FW_APP_SRCS := $(FW_BASE) firmware/board.c firmware/app/packet_router.c
FW_TEST_SRCS := $(FW_BASE) $(wildcard firmware/tests/*.c firmware/tests/*.cpp)
FW_IRQ_SRCS := $(FW_BASE) firmware/board.c $(wildcard firmware/irq/*.c firmware/irq/*.cpp)
FW_MIN_SRCS := $(FW_BASE) firmware/board.c firmware/app/minimal.c

fw_objs = $(patsubst %,$(FW)/obj/%.o,$(1))

$(FW)/obj/%.c.o: %.c $(FW_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(FW_CFLAGS) -c $< -o $@
$(FW)/obj/%.cpp.o: %.cpp $(FW_HDRS)
	@mkdir -p $(dir $@)
	$(CXX) $(FW_CXXFLAGS) -c $< -o $@

$(FW)/packet_router.elf: $(call fw_objs,$(FW_APP_SRCS)) $(LIB) linker/$(FW_MACHINE).ld linker/sections.ld
	$(CXX) $(FW_LDFLAGS) $(filter %.o,$^) $(LIB) $(FW_LDLIBS) -o $@
$(FW)/target_tests.elf: $(call fw_objs,$(FW_TEST_SRCS)) $(LIB) linker/$(FW_MACHINE).ld linker/sections.ld
	$(CXX) $(FW_LDFLAGS) $(filter %.o,$^) $(LIB) $(FW_LDLIBS) -o $@
$(FW)/irq_test.elf: $(call fw_objs,$(FW_IRQ_SRCS)) $(LIB) linker/$(FW_MACHINE).ld linker/sections.ld
	$(CXX) $(FW_LDFLAGS) $(filter %.o,$^) $(LIB) $(FW_LDLIBS) -o $@
$(FW)/minimal.elf: $(call fw_objs,$(FW_MIN_SRCS)) $(LIB) linker/$(FW_MACHINE).ld linker/sections.ld
	$(CXX) $(FW_LDFLAGS) $(filter %.o,$^) $(LIB) $(FW_LDLIBS) -o $@

fw-run: $(FW)/packet_router.elf
	$(call QEMU_RUN,$(FW_MACHINE),$<)

# QEMU writes semihosting output to its stderr: merged into the log here.
# The runner's closing line must say "N passed, 0 failed" and its exit status
# must be 0; both are checked, so a runner that dies early cannot pass.
fw-tests: $(FW)/target_tests.elf
	@echo "== $(CPU) on QEMU $(FW_MACHINE): on-target tests"
	@set -o pipefail; $(call QEMU_RUN,$(FW_MACHINE),$<) 2>&1 | tee $(FW)/target_tests.log; \
	status=$$?; last=$$(tail -n 1 $(FW)/target_tests.log); \
	if [ $$status -ne 0 ]; then echo "fw-tests: $(CPU): exit status $$status"; exit 1; fi; \
	case "$$last" in *" passed, 0 failed") ;; *) echo "fw-tests: $(CPU): no clean closing line"; exit 1;; esac

fw-irq: $(FW)/irq_test.elf
	@echo "== $(CPU) on QEMU $(FW_MACHINE) $(QEMU_ICOUNT): SysTick interrupt test"
	@timeout $(QEMU_TIMEOUT) qemu-system-arm $(QEMU_ICOUNT) $(call QEMU_ARGS,$(FW_MACHINE),$<)

# Cortex-M0 (ARMv6-M) has no LDREX/STREX: a cache with slab::SpinLock (C++)
# or SLAB_LOCK_SPIN (C) must not compile, and must fail with the message of
# lock.hpp or slab.h. The same files must compile for the M3, so the failure
# is the lock's and not a broken test file.
SPIN_MSG := slab::SpinLock needs an atomic exchange
SPIN_FLAG_MSG := SLAB_LOCK_SPIN needs LDREX/STREX
# compile_fails(compiler+flags, file, expected message, what)
define compile_fails
	@if $(1) -fsyntax-only $(2) 2>$(FW)/compile_fail.log; then \
		echo "fw-spinlock-m0: FAILED: $(4) compiled for $(CPU)"; exit 1; fi
	@grep -q "$(3)" $(FW)/compile_fail.log || { echo "fw-spinlock-m0: FAILED: wrong error:"; head -5 $(FW)/compile_fail.log; exit 1; }
	@$(subst -mcpu=$(CPU),-mcpu=cortex-m3,$(1)) -fsyntax-only $(2)
	@echo "fw-spinlock-m0: $(4) refused at compile time on $(CPU) (\"$(3) ...\"), accepted on cortex-m3"
endef
fw-spinlock-m0:
	@mkdir -p $(FW)
	$(call compile_fails,$(CXX) $(FW_CXXFLAGS),firmware/compile_fail/spinlock_on_m0.cpp,$(SPIN_MSG),slab::SpinLock)
	$(call compile_fails,$(CC) $(FW_CFLAGS),firmware/compile_fail/spin_flag_on_m0.c,$(SPIN_FLAG_MSG),SLAB_LOCK_SPIN)

# One row per object of libslab.a, a total, and the static RAM check.
fw-size: $(LIB) $(FW)/minimal.elf
	@$(SIZE) -t $(LIB) | awk -v cpu=$(CPU) 'NR > 1 { name = $$6; sub(/ \(ex.*/, "", name); \
		if ($$6 == "(TOTALS)") name = "libslab.a total"; \
		printf "%-11s %-22s %7d %6d %5d\n", cpu, name, $$1, $$2, $$3 }'
	@awk -v cpu=$(CPU) -f firmware/tools/lib_flash.awk $(FW)/minimal.map

# What a firmware does not use costs it nothing (issue 19): the one-cache
# firmware (firmware/app/minimal.c, no lock) links no code of another lock
# kind, of static caches, of the heap, of waits or of traces; and on the
# Cortex-M3 its libslab flash stays within FW_FLASH_BUDGET, the figure this
# code measures rounded up (3,452 B when first set; 3,564 B when raised to
# 3,600 for the parked object of a cache with no lock, struct slab_cache's
# `hot`, which costs 166 B; issue 19's target is 2,048 B, not met:
# docs/performance.md). A change that grows it raises the budget here, in
# the open.
FW_FLASH_BUDGET := 3600
FW_UNUSED_SYMS := IrqLock|SpinLock|BasepriAny|OpsLock|slab_lock_class_(irq|spin|basepri|ops)_|slab_static_wake_|slab_heap|large_table|slab_trace|slab_alloc_wait
fw-flash-check: $(FW)/minimal.elf
	@unused=$$($(NM) -C $(FW)/minimal.elf | grep -E '$(FW_UNUSED_SYMS)' || true); \
	if [ -n "$$unused" ]; then echo "fw-flash-check: $(CPU): the one-cache firmware links code it does not use:"; \
		echo "$$unused"; exit 1; fi
	@flash=$$(awk -v cpu=$(CPU) -f firmware/tools/lib_flash.awk $(FW)/minimal.map | sed -n 's/.*libslab \([0-9]*\) B flash.*/\1/p'); \
	if [ "$(CPU)" = cortex-m3 ] && [ "$$flash" -gt $(FW_FLASH_BUDGET) ]; then \
		echo "fw-flash-check: $(CPU): one-cache firmware links $$flash B of libslab, budget $(FW_FLASH_BUDGET) B"; exit 1; fi; \
	echo "fw-flash-check: $(CPU): one-cache firmware: libslab $$flash B of flash; no code of other locks, static caches, the heap, waits or traces"

fw-size-check: $(LIB)
	@ram=$$($(SIZE) -t $(LIB) | awk '$$6 == "(TOTALS)" { print $$2 + $$3 }'); \
	if [ "$$ram" != 0 ]; then echo "fw-size-check: $(LIB) has $$ram B of static RAM (.data + .bss), must be 0"; \
		$(SIZE) $(LIB); exit 1; fi; echo "fw-size-check: $(LIB): 0 B static RAM"
endif
