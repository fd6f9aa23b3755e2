# libslab inside FreeRTOS on QEMU mps2-an385 (issue 14; docs/freertos.md).
#   make run-freertos     the demo (firmware/freertos/demo/): tasks and a timer
#                         interrupt share libslab caches and a libslab heap
#                         through the FreeRTOS lock (hooks/freertos/), queues,
#                         a task blocked in an allocation, statistics, every
#                         page back; exits with the demo's status
#   make test-freertos    (in make test) the demo twice under -icount shift=0:
#                         both exit 0 with the closing line, and their outputs
#                         are byte-identical; then the adapter tests
#                         (firmware/freertos/tests/) on the same kernel
#   make bench-freertos   instructions per operation inside the running
#                         kernel: heap_4's pvPortMalloc/vPortFree against
#                         libslab's caches and heap under the FreeRTOS lock
#                         (firmware/freertos/bench/), build/freertos-bench.md
# The kernel is built unmodified, by path, from FREERTOS_DIR: tasks.c,
# queue.c, list.c and the GCC/ARM_CM3 port; its heap_4.c only in the bench.
# Everything else (FreeRTOSConfig.h, start-up, MPU guard, timer) is ours.
# FREERTOS_DIR: mk/peers.mk (given, $(PEERS)/freertos-kernel, or the pinned
# download); each target below first checks it with peer-freertos-kernel.
DEPS_test-freertos := $(DEPS_ARM) diffutils
DEPS_PKGS += $(DEPS_test-freertos)
TEST_TARGETS += test-freertos

RTOS_CPU := cortex-m3
RTOS_MACHINE := mps2-an385
# 1 ns of virtual time per instruction: every run takes the same
# interrupts at the same instructions, so its output is byte-identical.
RTOS_ICOUNT := -icount shift=0
RTOS_TIMEOUT ?= 30

.PHONY: run-freertos test-freertos bench-freertos rtos-run rtos-test rtos-bench

run-freertos: peer-freertos-kernel
	@$(ARM_MAKE) CPU=$(RTOS_CPU) lib rtos-run
test-freertos: peer-freertos-kernel
	@$(ARM_MAKE) CPU=$(RTOS_CPU) lib rtos-test
bench-freertos: peer-freertos-kernel
	@$(ARM_MAKE) CPU=$(RTOS_CPU) lib rtos-bench

ifeq ($(TOOLCHAIN),arm-none-eabi)
RTOS := $(BUILD)/freertos
RTOS_PORT := $(FREERTOS_DIR)/portable/GCC/ARM_CM3
RTOS_INC := -Ifirmware/freertos -I$(FREERTOS_DIR)/include -I$(RTOS_PORT) -Ihooks/freertos \
	-Ihooks/static_pages -Ifirmware -Iinclude
RTOS_COMMON := $(ARM_ARCH_FLAGS) -Os -g -ffunction-sections -fdata-sections $(RTOS_INC) $(SLAB_DEFS)
RTOS_CFLAGS := -std=c11 -ffreestanding -Wall -Wextra -Werror -Wshadow $(RTOS_COMMON)
# The kernel is not ours: built as it is, its own warnings not fatal.
RTOS_KCFLAGS := -std=gnu11 -Wall $(RTOS_COMMON)
RTOS_KSRCS := tasks.c queue.c list.c portable/GCC/ARM_CM3/port.c
RTOS_KOBJS := $(patsubst %.c,$(RTOS)/kernel/%.o,$(RTOS_KSRCS))
# The bench's kernels: the same sources with dynamic allocation and heap_4,
# with configASSERT (bench) and without (bench-na: FREERTOS_NO_ASSERT).
RTOS_BKSRCS := $(RTOS_KSRCS) portable/MemMang/heap_4.c
RTOS_BENCH_DEFS_bench := -DFREERTOS_BENCH_HEAP4
RTOS_BENCH_DEFS_bench-na := -DFREERTOS_BENCH_HEAP4 -DFREERTOS_NO_ASSERT

RTOS_BASE := firmware/freertos/startup.c firmware/freertos/mpu_guard.c firmware/freertos/cmsdk_timer.c \
	firmware/freertos/rtos_glue.c firmware/semihost.c firmware/console.c firmware/board.c \
	hooks/static_pages/static_pages.c hooks/freertos/slab_freertos.c
RTOS_DEMO_SRCS := $(RTOS_BASE) $(wildcard firmware/freertos/demo/*.c)
RTOS_TEST_SRCS := $(RTOS_BASE) $(wildcard firmware/freertos/tests/*.c)
RTOS_BENCH_SRCS := $(RTOS_BASE) $(wildcard firmware/freertos/bench/*.c) bench/target/counter.c
RTOS_HDRS := $(wildcard firmware/freertos/*.h firmware/freertos/*/*.h hooks/freertos/*.h firmware/*.h \
	hooks/static_pages/*.h hooks/buddy/*.h bench/target/counter.h) $(LIB_HDRS)
RTOS_LD := linker/$(RTOS_MACHINE).ld linker/sections.ld
rtos_objs = $(patsubst %,$(RTOS)/$(1)/%.o,$(2))

$(RTOS)/kernel/%.o: $(FREERTOS_DIR)/%.c firmware/freertos/FreeRTOSConfig.h
	@mkdir -p $(dir $@)
	$(CC) $(RTOS_KCFLAGS) -c $< -o $@
$(RTOS)/bench/kernel/%.o: $(FREERTOS_DIR)/%.c firmware/freertos/FreeRTOSConfig.h
	@mkdir -p $(dir $@)
	$(CC) $(RTOS_KCFLAGS) $(RTOS_BENCH_DEFS_bench) -c $< -o $@
$(RTOS)/bench-na/kernel/%.o: $(FREERTOS_DIR)/%.c firmware/freertos/FreeRTOSConfig.h
	@mkdir -p $(dir $@)
	$(CC) $(RTOS_KCFLAGS) $(RTOS_BENCH_DEFS_bench-na) -c $< -o $@
$(RTOS)/app/%.c.o: %.c $(RTOS_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(RTOS_CFLAGS) -c $< -o $@
$(RTOS)/bench/app/%.c.o: %.c $(RTOS_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(RTOS_CFLAGS) $(RTOS_BENCH_DEFS_bench) -Ibench/target -c $< -o $@
$(RTOS)/bench-na/app/%.c.o: %.c $(RTOS_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(RTOS_CFLAGS) $(RTOS_BENCH_DEFS_bench-na) -Ibench/target -c $< -o $@

rtos_link = $(CXX) $(ARM_ARCH_FLAGS) -nostartfiles -nostdlib -Wl,--gc-sections -Llinker \
	-T linker/$(RTOS_MACHINE).ld -Wl,-Map=$(basename $@).map $(filter %.o,$^) $(LIB) -lc -lgcc -o $@

$(RTOS)/demo.elf: $(RTOS_KOBJS) $(call rtos_objs,app,$(RTOS_DEMO_SRCS)) $(LIB) $(RTOS_LD)
	$(rtos_link)
$(RTOS)/tests.elf: $(RTOS_KOBJS) $(call rtos_objs,app,$(RTOS_TEST_SRCS)) $(LIB) $(RTOS_LD)
	$(rtos_link)
$(RTOS)/bench.elf: $(patsubst %.c,$(RTOS)/bench/kernel/%.o,$(RTOS_BKSRCS)) \
		$(call rtos_objs,bench/app,$(RTOS_BENCH_SRCS)) $(LIB) $(RTOS_LD)
	$(rtos_link)
$(RTOS)/bench-na.elf: $(patsubst %.c,$(RTOS)/bench-na/kernel/%.o,$(RTOS_BKSRCS)) \
		$(call rtos_objs,bench-na/app,$(RTOS_BENCH_SRCS)) $(LIB) $(RTOS_LD)
	$(rtos_link)

# QEMU writes semihosting output to its stderr: merged into the log.
RTOS_QEMU = timeout $(RTOS_TIMEOUT) qemu-system-arm $(1) $(call QEMU_ARGS,$(RTOS_MACHINE),$(2))
RTOS_DEMO_DONE := freertos-demo: PASS

rtos-run: $(RTOS)/demo.elf | peer-freertos-kernel
	@echo "== FreeRTOS demo on QEMU $(RTOS_MACHINE) $(RTOS_ICOUNT)"
	@$(call RTOS_QEMU,$(RTOS_ICOUNT),$<)

# The demo twice: each must exit 0 and end with the closing line, and the
# two outputs must be the same bytes (the tick counts and the statistics
# they print included). Then the adapter tests: exit 0, "N passed, 0 failed".
rtos-test: $(RTOS)/demo.elf $(RTOS)/tests.elf | peer-freertos-kernel
	@for run in 1 2; do \
		$(call RTOS_QEMU,$(RTOS_ICOUNT),$<) > $(RTOS)/demo.$$run.log 2>&1; status=$$?; \
		if [ $$status -ne 0 ]; then cat $(RTOS)/demo.$$run.log; \
			echo "test-freertos: demo run $$run: exit status $$status"; exit 1; fi; \
		tail -n 1 $(RTOS)/demo.$$run.log | grep -qx "$(RTOS_DEMO_DONE)" || { cat $(RTOS)/demo.$$run.log; \
			echo "test-freertos: demo run $$run: no closing line"; exit 1; }; \
	done
	@cmp $(RTOS)/demo.1.log $(RTOS)/demo.2.log || { diff $(RTOS)/demo.1.log $(RTOS)/demo.2.log | head -20; \
		echo "test-freertos: the two demo runs differ"; exit 1; }
	@echo "test-freertos: demo passed twice, outputs identical ($$(wc -l < $(RTOS)/demo.1.log) lines)"
	@$(call RTOS_QEMU,$(RTOS_ICOUNT),$(RTOS)/tests.elf) > $(RTOS)/tests.log 2>&1; status=$$?; \
	cat $(RTOS)/tests.log; \
	if [ $$status -ne 0 ]; then echo "test-freertos: tests: exit status $$status"; exit 1; fi; \
	case "$$(tail -n 1 $(RTOS)/tests.log)" in *" passed, 0 failed") ;; \
		*) echo "test-freertos: tests: no clean closing line"; exit 1;; esac

# Instructions, not time: -icount shift=10 makes SysTick tick 25.6 times per
# instruction (bench/target/counter.h). Both builds; one table.
RTOS_BENCH_SHIFT := 10
RTOS_BENCH_OUT := build/freertos-bench.md
RTOS_BENCH_QEMU = timeout 300 qemu-system-arm -icount shift=$(RTOS_BENCH_SHIFT) $(call QEMU_ARGS,$(RTOS_MACHINE),$(1))
rtos-bench: $(RTOS)/bench.elf $(RTOS)/bench-na.elf | peer-freertos-kernel
	@echo "== FreeRTOS bench on QEMU $(RTOS_MACHINE) -icount shift=$(RTOS_BENCH_SHIFT)"
	@for b in bench bench-na; do \
		$(call RTOS_BENCH_QEMU,$(RTOS)/$$b.elf) > $(RTOS)/$$b.log 2>&1; status=$$?; \
		grep -v '^|' $(RTOS)/$$b.log; \
		if [ $$status -ne 0 ]; then echo "bench-freertos: $$b: exit status $$status"; exit 1; fi; \
	done
	@{ grep '^|' $(RTOS)/bench.log; grep '^|' $(RTOS)/bench-na.log | tail -n +3; } > $(RTOS_BENCH_OUT)
	@cat $(RTOS_BENCH_OUT)
	@echo "bench-freertos: wrote $(RTOS_BENCH_OUT)"
endif
