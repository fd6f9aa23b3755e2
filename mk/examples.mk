# Board examples (issue 21, item 9): examples/<board>/ is a firmware project
# of its own for a real part, with the part's linker script and start-up, that
# takes libslab by add_subdirectory() and its pages from a static buffer
# (hooks/buffer_pages), and runs on the QEMU machine of that board:
#   stm32f4-netduinoplus2  STM32F405RG, Cortex-M4F   QEMU netduinoplus2
#   nrf51-microbit         nRF51822, Cortex-M0       QEMU microbit
#
#   make test-examples   for each: a fresh CMake configure with
#                        toolchains/arm-none-eabi.cmake (the CPU flags are the
#                        example's own) and build, in build/examples/<board>/;
#                        the ELF is for that CPU, starts with its vector table
#                        at the flash's origin and holds libslab's code; then
#                        it runs on its QEMU machine with semihosting, bounded
#                        by EX_TIMEOUT seconds, and must exit 0 and print
#                        "<board>: PASS" after its "<board>: slab_secret from"
#                        line. The micro:bit's must say "from the RNG": QEMU
#                        models the nRF51's RNG. The netduinoplus2 models no
#                        RCC and no RNG (unimplemented devices), so there the
#                        secret stays the build's, and the line says why.
# The cross toolchain and QEMU: DEPS_ARM (mk/apt-deps.mk); QEMU_ARGS, the
# emulator's options for a semihosting firmware: mk/target.mk.
TEST_TARGETS += test-examples
DEPS_test-examples := cmake $(DEPS_ARM)
DEPS_PKGS += $(DEPS_test-examples)

EX_DIR := build/examples
EX_BOARDS := stm32f4-netduinoplus2 nrf51-microbit
EX_TIMEOUT := 30
# CMake's own make must not inherit this make's command-line variables.
EX_CMAKE := MAKEFLAGS= cmake
EX_TOOLCHAIN := $(CURDIR)/toolchains/arm-none-eabi.cmake

# Per board: the QEMU machine, the flash's origin (where the vector table
# must be), what readelf -A must show of the CPU flags, the secret's source.
EX_MACHINE_stm32f4-netduinoplus2 := netduinoplus2
EX_FLASH_stm32f4-netduinoplus2 := 08000000
EX_CPU_stm32f4-netduinoplus2 := Tag_ABI_VFP_args: VFP registers
EX_SECRET_stm32f4-netduinoplus2 :=
EX_MACHINE_nrf51-microbit := microbit
EX_FLASH_nrf51-microbit := 00000000
EX_CPU_nrf51-microbit := Tag_CPU_arch: v6S-M
EX_SECRET_nrf51-microbit := the RNG

# $(call ex_step,command,log,what): runs the command into the log; on failure
# shows the log's end and fails naming the step.
ex_step = $(1) >$(2) 2>&1 || { tail -n 40 $(2); echo "test-examples: FAILED: $(3) (log: $(2))"; exit 1; }

.PHONY: test-examples $(EX_BOARDS:%=ex-%)
test-examples: $(EX_BOARDS:%=ex-%)
	@echo "test-examples: $(words $(EX_BOARDS)) boards ($(EX_BOARDS)) built by CMake, passed on QEMU" \
		"($(foreach b,$(EX_BOARDS),$(EX_MACHINE_$(b))))"

$(EX_BOARDS:%=ex-%): ex-%:
	@rm -rf $(EX_DIR)/$* && mkdir -p $(EX_DIR)/$*
	@$(call ex_step,$(EX_CMAKE) -G "Unix Makefiles" -S examples/$* -B $(EX_DIR)/$*/build \
		-DCMAKE_TOOLCHAIN_FILE=$(EX_TOOLCHAIN),$(EX_DIR)/$*/configure.log,$*: configure)
	@$(call ex_step,$(EX_CMAKE) --build $(EX_DIR)/$*/build -j 2,$(EX_DIR)/$*/build.log,$*: build)
	@elf=$(EX_DIR)/$*/build/demo.elf; \
	arm-none-eabi-readelf -A $$elf | grep -q '$(EX_CPU_$*)' || \
		{ echo "test-examples: FAILED: $*: demo.elf lacks '$(EX_CPU_$*)' (readelf -A)"; exit 1; }; \
	arm-none-eabi-nm $$elf | grep -q '^$(EX_FLASH_$*) t vectors$$' || \
		{ echo "test-examples: FAILED: $*: the vector table is not at 0x$(EX_FLASH_$*)"; exit 1; }; \
	arm-none-eabi-nm $$elf | grep -q ' T slab_cache_create' || \
		{ echo "test-examples: FAILED: $*: no slab_cache_create in demo.elf"; exit 1; }
	@echo "== $* on QEMU $(EX_MACHINE_$*) (timeout $(EX_TIMEOUT) s)"
	@log=$(EX_DIR)/$*/run.log; \
	timeout $(EX_TIMEOUT) qemu-system-arm $(call QEMU_ARGS,$(EX_MACHINE_$*),$(EX_DIR)/$*/build/demo.elf) \
		> $$log 2>&1; status=$$?; cat $$log; \
	if [ $$status -ne 0 ]; then echo "test-examples: FAILED: $*: exit status $$status$$( \
		[ $$status -eq 124 ] && echo ', timed out after $(EX_TIMEOUT) s')"; exit 1; fi; \
	grep -q '^$*: slab_secret from $(EX_SECRET_$*)' $$log || \
		{ echo "test-examples: FAILED: $*: no line '$*: slab_secret from $(EX_SECRET_$*)...'"; exit 1; }; \
	[ "$$(tail -n 1 $$log)" = "$*: PASS" ] || { echo "test-examples: FAILED: $*: the last line is not '$*: PASS'"; exit 1; }
