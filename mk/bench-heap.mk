# libslab's heap against the embedded peers (issue 12; docs/heap.md,
# "Against the embedded peers"; the harness is bench/heap/).
#   make bench-heap-target      Cortex-M3 (mps2-an385) under QEMU -icount: mean
#                               and max instructions per malloc and per free on
#                               the random workload for libslab's heap, o1heap,
#                               TLSF, umm_malloc, heap_4 and newlib's malloc;
#                               libslab at 10 and 10,000 live; .text of each;
#                               the smallest arena / page pool for the workload
#                               and for a lua5.4 trace, with 4 KiB and 1 KiB
#                               slabs: build/bench-heap/target.md
#   make bench-heap-host        x86-64 callgrind: hot malloc+free pair and the
#                               random workload per operation, against glibc,
#                               jemalloc, mimalloc and the peers built for the
#                               host: build/bench-heap/host.md
#   make test-bench-heap-smoke  (in make test) the firmware with 400 operations
#                               per run and the host harness: every run
#                               completes and reads back the same bytes
# The peers are built unmodified from ../shared/peers (PEERS) by path; only
# the glue in bench/heap/ is ours. The compilers, QEMU and valgrind come from
# mk/target.mk's and mk/bench.mk's packages; lua5.4 (the trace) from
# mk/malloc.mk's.
TEST_TARGETS += test-bench-heap-smoke

PEERS ?= ../shared/peers
HB_OUT := build/bench-heap
HB_CFG_INC := -Ibench/heap -Ibench/heap/umm -Ibench/heap/freertos -I$(PEERS)/o1heap -I$(PEERS)/tlsf \
	-I$(PEERS)/umm_malloc/src -I$(PEERS)/freertos-kernel/include -Ihooks/buffer_pages
HB_PEER_SRCS := $(PEERS)/o1heap/o1heap.c $(PEERS)/tlsf/tlsf.c $(PEERS)/umm_malloc/src/umm_malloc.c \
	$(PEERS)/freertos-kernel/portable/MemMang/heap_4.c
HB_SHARED := workload.c pages.c alloc_slab.c alloc_o1heap.c alloc_tlsf.c alloc_umm.c alloc_heap4.c
HB_HDRS := $(wildcard bench/heap/*.h bench/heap/*/*.h bench/heap/freertos/host/*.h) $(LIB_HDRS)
HB_TIMEOUT := 300
HB_QEMU = timeout $(HB_TIMEOUT) qemu-system-arm -icount shift=10 $(call QEMU_ARGS,mps2-an385,$(1))

.PHONY: bench-heap-target bench-heap-host test-bench-heap-smoke hb-fw-run hb-fw-smoke

bench-heap-target:
	@$(ARM_MAKE) CPU=cortex-m3 lib hb-fw-run

test-bench-heap-smoke:
	@$(ARM_MAKE) CPU=cortex-m3 lib hb-fw-smoke

ifeq ($(TOOLCHAIN),arm-none-eabi)
HB_FW := $(HB_OUT)/$(CPU)$(if $(SLAB_DEFS),-s1024)
HB_FW_BASE := firmware/startup.c firmware/semihost.c firmware/console.c bench/target/counter.c \
	hooks/buffer_pages/buffer_pages.c
HB_FW_SRCS := $(HB_FW_BASE) $(addprefix bench/heap/,$(HB_SHARED) alloc_newlib.c syscalls.c measure_target.c)
HB_FW_INC := $(HB_CFG_INC) -Ibench/heap/freertos -I$(PEERS)/freertos-kernel/portable/GCC/ARM_CM3 -Ibench/target
# Ours: the firmware's warnings, errors. The peers: as published, warnings off.
HB_FW_CFLAGS = $(FW_CFLAGS) $(HB_FW_INC)
HB_PEER_CFLAGS = -std=gnu11 $(ARM_ARCH_FLAGS) -Os -g -ffunction-sections -fdata-sections -DNDEBUG -w $(HB_FW_INC)
hb_fw_obj = $(HB_FW)/obj/$(notdir $(1)).o
HB_FW_OBJS := $(foreach s,$(HB_FW_SRCS),$(call hb_fw_obj,$(s)))
HB_PEER_OBJS := $(foreach s,$(HB_PEER_SRCS),$(call hb_fw_obj,$(s)))

define hb_fw_rule
$(call hb_fw_obj,$(1)): $(1) $(HB_HDRS) $(FW_HDRS)
	@mkdir -p $$(dir $$@)
	$$(CC) $(2) $(3) -c $$< -o $$@
endef
$(foreach s,$(HB_FW_SRCS),$(eval $(call hb_fw_rule,$(s),$$(HB_FW_CFLAGS),)))
$(foreach s,$(HB_PEER_SRCS),$(eval $(call hb_fw_rule,$(s),$$(HB_PEER_CFLAGS),)))
$(HB_FW)/obj/main.o: bench/heap/main_target.c $(HB_HDRS) $(FW_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(HB_FW_CFLAGS) -c $< -o $@
$(HB_FW)/obj/main_smoke.o: bench/heap/main_target.c $(HB_HDRS) $(FW_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(HB_FW_CFLAGS) -DHB_SMOKE=1 -c $< -o $@

# newlib's malloc and libc: -lc (it needs _sbrk, alloc_newlib.c's).
HB_LINK = $(CXX) $(ARM_ARCH_FLAGS) -nostartfiles -nostdlib -Wl,--gc-sections -Llinker -T linker/mps2-an385.ld \
	-Wl,-Map=$(basename $@).map $(filter %.o,$^) $(LIB) -lc -lgcc -o $@
$(HB_FW)/bench_heap.elf: $(HB_FW_OBJS) $(HB_PEER_OBJS) $(HB_FW)/obj/main.o $(LIB)
	$(HB_LINK)
$(HB_FW)/bench_heap_smoke.elf: $(HB_FW_OBJS) $(HB_PEER_OBJS) $(HB_FW)/obj/main_smoke.o $(LIB)
	$(HB_LINK)

HB_DONE := bench-heap: done
hb-fw-run: $(HB_FW)/bench_heap.elf
	@echo "== $(CPU) on QEMU mps2-an385 -icount shift=10: bench-heap"
	@$(call HB_QEMU,$<) > $(HB_FW)/bench.log 2>&1; status=$$?; cat $(HB_FW)/bench.log; \
	if [ $$status -ne 0 ] || ! grep -q "^$(HB_DONE)" $(HB_FW)/bench.log; then echo "bench-heap-target: exit status $$status"; exit 1; fi

hb-fw-smoke: $(HB_FW)/bench_heap_smoke.elf
	@$(call HB_QEMU,$<) > $(HB_FW)/smoke.log 2>&1; status=$$?; \
	if [ $$status -ne 0 ] || ! grep -q "^$(HB_DONE)" $(HB_FW)/smoke.log; then cat $(HB_FW)/smoke.log; \
		echo "test-bench-heap-smoke: firmware exit status $$status"; exit 1; fi; \
	n=$$(grep -c '^run|' $(HB_FW)/smoke.log); sums=$$(grep '^run|[^|]*|200|' $(HB_FW)/smoke.log | cut -d'|' -f12 | sort -u | wc -l); \
	if [ "$$n" != 8 ] || [ "$$sums" != 1 ]; then cat $(HB_FW)/smoke.log; \
		echo "test-bench-heap-smoke: $$n runs (8 expected), $$sums distinct checksums (1 expected)"; exit 1; fi; \
	echo "test-bench-heap-smoke: cortex-m3: 8 runs complete (libslab x3, o1heap, TLSF, umm_malloc, heap_4, newlib), one checksum"
endif
