# Instruction counts on emulated Cortex-M (issue 7; docs/bench-target.md).
#   make bench-target            the benchmark firmware (bench/target/) on the
#                                Cortex-M3 (mps2-an385) and the Cortex-M33
#                                (mps2-an505) under QEMU -icount: instructions
#                                per alloc and per free by path, calibration,
#                                O(1) check; build/bench-target/results.md
#   make test-bench-target-smoke (in make test) the same firmware with a few
#                                operations per row, on the M3: the counter
#                                must calibrate exactly and the fast-path
#                                maximum must be the same at 10 and 1000 live
# The firmware reuses the on-target pieces of mk/target.mk: its start-up,
# semihosting, console and board objects (firmware/, hooks/static_pages/),
# its flags, linker scripts and QEMU arguments; only bench/target/ is new.
# The toolchain and QEMU (DEPS_ARM), and awk for the report.
DEPS_test-bench-target-smoke := $(DEPS_ARM) mawk
DEPS_bench-target := $(DEPS_test-bench-target-smoke)
DEPS_PKGS += $(DEPS_bench-target)
TEST_TARGETS += test-bench-target-smoke

BT_CPUS := cortex-m3 cortex-m33
BT_MACHINE_cortex-m3 := mps2-an385
BT_MACHINE_cortex-m33 := mps2-an505
BT_OUT := build/bench-target
# 2^10 ns of virtual time per instruction (QEMU's largest shift): SysTick,
# clocked at 25 MHz (AN385) or 20 MHz (AN505), then ticks 25.6 or 20.48 times
# per instruction, so one reading's one-tick error is 1/20 of an instruction.
# At shift 0..3 a tick spans 5 to 50 instructions: too coarse for one call.
BT_SHIFT := 10
BT_TIMEOUT := 120
BT_QEMU = timeout $(BT_TIMEOUT) qemu-system-arm -icount shift=$(BT_SHIFT) $(call QEMU_ARGS,$(1),$(2))

.PHONY: bench-target test-bench-target-smoke bt-run bt-smoke

bench-target:
	@for cpu in $(BT_CPUS); do $(ARM_MAKE) CPU=$$cpu bt-run || exit 1; done
	@bench/target/report.sh $(BT_SHIFT) $(foreach c,$(BT_CPUS),$(c):$(BT_MACHINE_$(c)):$(BT_OUT)/$(c)/bench.log) \
		> $(BT_OUT)/results.md
	@cat $(BT_OUT)/results.md
	@echo "bench-target: wrote $(BT_OUT)/results.md"

test-bench-target-smoke:
	@$(ARM_MAKE) CPU=cortex-m3 bt-smoke

ifeq ($(TOOLCHAIN),arm-none-eabi)
# Parsed before mk/target.mk (alphabetical include): its variables appear
# here only inside recipes, which expand late; paths are spelled out.
BT_DIR := $(BT_OUT)/$(CPU)
BT_BASE_OBJS := $(patsubst %,$(BUILD)/firmware/obj/%.o,firmware/startup.c firmware/semihost.c \
	firmware/console.c firmware/board.c hooks/static_pages/static_pages.c)
BT_SRCS := $(wildcard bench/target/*.c bench/target/*.cpp)
BT_OBJS := $(patsubst bench/target/%,$(BT_DIR)/obj/%.o,$(BT_SRCS))
BT_SMOKE_OBJS := $(subst /main.c.o,/main_smoke.c.o,$(BT_OBJS))
BT_HDRS := $(wildcard bench/target/*.h firmware/*.h hooks/static_pages/*.h) $(LIB_HDRS)
BT_LD := linker/$(BT_MACHINE_$(CPU)).ld linker/sections.ld

$(BT_DIR)/obj/%.c.o: bench/target/%.c $(BT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(FW_CFLAGS) -c $< -o $@
$(BT_DIR)/obj/main_smoke.c.o: bench/target/main.c $(BT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(FW_CFLAGS) -DBENCH_SMOKE=1 -c $< -o $@
$(BT_DIR)/obj/%.cpp.o: bench/target/%.cpp $(BT_HDRS)
	@mkdir -p $(dir $@)
	$(CXX) $(FW_CXXFLAGS) -c $< -o $@

$(BT_DIR)/bench_target.elf: $(BT_BASE_OBJS) $(BT_OBJS) $(LIB) $(BT_LD)
	$(CXX) $(FW_LDFLAGS) $(filter %.o,$^) $(LIB) $(FW_LDLIBS) -o $@
$(BT_DIR)/bench_smoke.elf: $(BT_BASE_OBJS) $(BT_SMOKE_OBJS) $(LIB) $(BT_LD)
	$(CXX) $(FW_LDFLAGS) $(filter %.o,$^) $(LIB) $(FW_LDLIBS) -o $@

# QEMU writes semihosting output to its stderr: merged into the log. Passing
# needs exit status 0 and the closing line, so a run that dies early fails.
BT_DONE := bench-target: done, O(1) check held
bt-run: $(BT_DIR)/bench_target.elf
	@echo "== $(CPU) on QEMU $(BT_MACHINE_$(CPU)) -icount shift=$(BT_SHIFT): bench-target"
	@set -o pipefail; $(call BT_QEMU,$(BT_MACHINE_$(CPU)),$<) > $(BT_DIR)/bench.log 2>&1; status=$$?; \
	grep -v '^row\|^cal\|^o1' $(BT_DIR)/bench.log; \
	if [ $$status -ne 0 ]; then echo "bench-target: $(CPU): exit status $$status"; exit 1; fi; \
	grep -q "^$(BT_DONE)" $(BT_DIR)/bench.log || { echo "bench-target: $(CPU): no closing line"; exit 1; }

# The smoke run also insists that every O(1) row was compared and held
# (46: 7 paths x 6 front-and-lock pairs: C with none, IRQ, BASEPRI and a
# slab_lock_ops lock; the Box with none and IRQ; and the parked object's two
# paths for the two with no lock) and that the fast rows were
# measured.
bt-smoke: $(BT_DIR)/bench_smoke.elf
	@$(call BT_QEMU,$(BT_MACHINE_$(CPU)),$<) > $(BT_DIR)/smoke.log 2>&1; status=$$?; \
	if [ $$status -ne 0 ]; then cat $(BT_DIR)/smoke.log; echo "test-bench-target-smoke: exit status $$status"; exit 1; fi; \
	same=$$(grep -c '^o1|.*|same$$' $(BT_DIR)/smoke.log); \
	if [ "$$same" != 46 ] || ! grep -q "^$(BT_DONE)" $(BT_DIR)/smoke.log; then \
		cat $(BT_DIR)/smoke.log; echo "test-bench-target-smoke: $$same of 46 O(1) rows held"; exit 1; fi; \
	grep '^o1|C|none|.*|fast|' $(BT_DIR)/smoke.log | awk -F'|' '{ printf "  C API no lock, %s fast path: max %s instructions at 10 live, %s at 1000\n", $$4, $$6, $$7 }'; \
	echo "test-bench-target-smoke: $(CPU): counter calibrated, 46 O(1) rows same at 10 and 1000 live"
endif
