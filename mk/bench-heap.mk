# libslab's heap against the embedded peers (issue 12; docs/heap.md,
# "Against the embedded peers"; the harness is bench/heap/).
#   make bench-heap-target      Cortex-M3 (mps2-an385) under QEMU -icount: mean
#                               and max instructions per malloc and per free on
#                               the random workload for libslab's heap, o1heap,
#                               TLSF, umm_malloc, heap_4 and newlib's malloc;
#                               libslab at 10 and 10,000 live; .text of each;
#                               the smallest arena / page pool for the workload
#                               and for a lua5.4 trace, with 4 KiB and 1 KiB
#                               (and 512 B) slabs: build/bench-heap/target.md
#   make bench-heap-host        x86-64 callgrind: hot malloc+free pair and the
#                               random workload per operation, against glibc,
#                               jemalloc, mimalloc and the peers built for the
#                               host: build/bench-heap/host.md
#   make test-bench-heap-smoke  (in make test) the firmware with 400 operations
#                               per run and the host harness: every run
#                               completes and reads back the same bytes
# The peers are built unmodified, by path, from O1HEAP_DIR, TLSF_DIR, UMM_DIR
# and FREERTOS_DIR (mk/peers.mk: given, $(PEERS)/<name>, or the pinned
# download; every target below first checks them, HB_PEERS); only the glue
# in bench/heap/ is ours. The compilers, QEMU and valgrind come from
# mk/target.mk's and mk/bench.mk's packages; lua5.4 (the trace) from
# mk/malloc.mk's.
TEST_TARGETS += test-bench-heap-smoke
DEPS_test-bench-heap-smoke := $(DEPS_ARM) libjemalloc-dev libmimalloc-dev
DEPS_PKGS += $(DEPS_test-bench-heap-smoke)

HB_PEERS := peer-o1heap peer-tlsf peer-umm_malloc peer-freertos-kernel
HB_OUT := build/bench-heap
HB_CFG_INC := -Ibench/heap -Ibench/heap/umm -Ibench/heap/freertos -I$(O1HEAP_DIR) -I$(TLSF_DIR) \
	-I$(UMM_DIR)/src -I$(FREERTOS_DIR)/include -Ihooks/buffer_pages
HB_PEER_SRCS := $(O1HEAP_DIR)/o1heap.c $(TLSF_DIR)/tlsf.c $(UMM_DIR)/src/umm_malloc.c \
	$(FREERTOS_DIR)/portable/MemMang/heap_4.c
HB_SHARED := workload.c pages.c alloc_slab.c alloc_o1heap.c alloc_tlsf.c alloc_umm.c alloc_heap4.c
HB_HDRS := $(wildcard bench/heap/*.h bench/heap/*/*.h bench/heap/freertos/host/*.h) $(LIB_HDRS)
HB_FW_HDRS := $(wildcard firmware/*.h bench/target/*.h)
HB_TIMEOUT := 300
HB_QEMU = timeout $(HB_TIMEOUT) qemu-system-arm -icount shift=10 $(call QEMU_ARGS,mps2-an385,$(1))

.PHONY: bench-heap-target bench-heap-host test-bench-heap-smoke hb-fw-run hb-fw-smoke hb-fw-mem hb-host-smoke

# The lua5.4 trace: the interpreter runs bench/heap/trace/script.lua under
# the tracer (LD_PRELOAD), convert makes the replay format, objcopy an
# object the memory firmware links (flash).
HB_TRACE := $(HB_OUT)/lua.trace
$(HB_OUT)/trace_preload.so: bench/heap/trace/trace_preload.c
	@mkdir -p $(dir $@)
	gcc -std=gnu11 -O2 -shared -fPIC -Wall -Wextra -Werror $< -o $@
$(HB_OUT)/convert: bench/heap/trace/convert.c
	@mkdir -p $(dir $@)
	gcc -std=c11 -O2 -Wall -Wextra -Werror $< -o $@
$(HB_TRACE): bench/heap/trace/script.lua $(HB_OUT)/trace_preload.so $(HB_OUT)/convert
	HB_TRACE=$(HB_OUT)/lua.raw LD_PRELOAD=$(HB_OUT)/trace_preload.so lua5.4 $< > $(HB_OUT)/lua.out
	$(HB_OUT)/convert $(HB_OUT)/lua.raw $@ | tee $(HB_OUT)/lua.stats

# Timing, then memory with 4 KiB slabs (the library as built), and with
# 1 KiB and 512 B slabs (libraries built with SLAB_DEFAULT_SLAB_SIZE).
hb_slabs = BUILD=build/arm-none-eabi-cortex-m3-s$(1) SLAB_DEFS=-DSLAB_DEFAULT_SLAB_SIZE=$(1)
bench-heap-target: $(HB_PEERS) $(HB_TRACE)
	@$(ARM_MAKE) CPU=cortex-m3 lib hb-fw-run hb-fw-mem
	@$(ARM_MAKE) CPU=cortex-m3 $(call hb_slabs,1024) lib hb-fw-mem
	@$(ARM_MAKE) CPU=cortex-m3 $(call hb_slabs,512) lib hb-fw-mem
	@bench/heap/report_target.sh $(HB_OUT) > $(HB_OUT)/target.md
	@cat $(HB_OUT)/target.md
	@echo "bench-heap-target: wrote $(HB_OUT)/target.md"

test-bench-heap-smoke: $(HB_PEERS) hb-host-smoke
	@$(ARM_MAKE) CPU=cortex-m3 lib hb-fw-smoke

ifeq ($(TOOLCHAIN),arm-none-eabi)
HB_TAG ?= $(if $(SLAB_DEFS),-s$(lastword $(subst =, ,$(SLAB_DEFS))))
HB_FW := $(HB_OUT)/$(CPU)$(HB_TAG)
HB_FW_BASE := firmware/startup.c firmware/semihost.c firmware/console.c bench/target/counter.c \
	hooks/buffer_pages/buffer_pages.c
# newlib's system calls: the malloc firmware's (its _sbrk is weak: alloc_newlib.c's wins).
HB_FW_SRCS := $(HB_FW_BASE) $(addprefix bench/heap/,$(HB_SHARED) alloc_newlib.c measure_target.c) \
	firmware/malloc/syscalls.c
HB_FW_INC := $(HB_CFG_INC) -Ibench/heap/freertos -I$(FREERTOS_DIR)/portable/GCC/ARM_CM3 -Ibench/target
# Ours: the firmware's warnings, errors. The peers: as published, warnings off.
HB_FW_CFLAGS = $(FW_CFLAGS) $(HB_FW_INC)
HB_PEER_CFLAGS = -std=gnu11 $(ARM_ARCH_FLAGS) -Os -g -ffunction-sections -fdata-sections -DNDEBUG -w $(HB_FW_INC)
hb_fw_obj = $(HB_FW)/obj/$(notdir $(1)).o
HB_FW_OBJS := $(foreach s,$(HB_FW_SRCS),$(call hb_fw_obj,$(s)))
HB_PEER_OBJS := $(foreach s,$(HB_PEER_SRCS),$(call hb_fw_obj,$(s)))

define hb_fw_rule
$(call hb_fw_obj,$(1)): $(1) $(HB_HDRS) $(HB_FW_HDRS)
	@mkdir -p $$(dir $$@)
	$$(CC) $(2) $(3) -c $$< -o $$@
endef
$(foreach s,$(HB_FW_SRCS),$(eval $(call hb_fw_rule,$(s),$$(HB_FW_CFLAGS),)))
$(foreach s,$(HB_PEER_SRCS),$(eval $(call hb_fw_rule,$(s),$$(HB_PEER_CFLAGS),)))
$(HB_FW)/obj/main.o: bench/heap/main_target.c $(HB_HDRS) $(HB_FW_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(HB_FW_CFLAGS) -c $< -o $@
$(HB_FW)/obj/main_smoke.o: bench/heap/main_target.c $(HB_HDRS) $(HB_FW_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(HB_FW_CFLAGS) -DHB_SMOKE=1 -c $< -o $@

# newlib's malloc and libc: -lc (it needs _sbrk, alloc_newlib.c's).
HB_LINK = $(CXX) $(ARM_ARCH_FLAGS) -nostartfiles -nostdlib -Wl,--gc-sections -Llinker -T linker/mps2-an385.ld \
	-Wl,-Map=$(basename $@).map $(filter %.o,$^) $(LIB) -lc -lgcc -o $@
$(HB_FW)/bench_heap.elf: $(HB_FW_OBJS) $(HB_PEER_OBJS) $(HB_FW)/obj/main.o $(LIB)
	$(HB_LINK)
$(HB_FW)/bench_heap_smoke.elf: $(HB_FW_OBJS) $(HB_PEER_OBJS) $(HB_FW)/obj/main_smoke.o $(LIB)
	$(HB_LINK)

# The memory firmware: libslab's pages from hooks/buffer_pages (searched
# pool sizes), heap_4 recording its highest block, a larger ucHeap.
HB_MEM_DEFS := -DHB_SLAB_PAGES=PAGES_BUDDY -DHB_HEAP4_TRACE -DHB_HEAP4_SIZE=524288u
HB_MEM_SRCS := $(HB_FW_BASE) $(addprefix bench/heap/,workload.c pages.c replay.c alloc_o1heap.c alloc_tlsf.c \
	alloc_umm.c alloc_newlib.c measure_call.c) firmware/malloc/syscalls.c
HB_MEM_OBJS := $(foreach s,$(HB_MEM_SRCS),$(call hb_fw_obj,$(s))) \
	$(filter-out %/heap_4.c.o,$(HB_PEER_OBJS)) $(addprefix $(HB_FW)/mem/,heap_4.o alloc_heap4.o alloc_slab.o)
$(foreach s,$(filter-out $(HB_FW_SRCS),$(HB_MEM_SRCS)),$(eval $(call hb_fw_rule,$(s),$$(HB_FW_CFLAGS),)))
$(HB_FW)/mem/heap_4.o: $(FREERTOS_DIR)/portable/MemMang/heap_4.c $(HB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(HB_PEER_CFLAGS) $(HB_MEM_DEFS) -c $< -o $@
$(HB_FW)/mem/alloc_%.o: bench/heap/alloc_%.c $(HB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(HB_FW_CFLAGS) $(HB_MEM_DEFS) -c $< -o $@
$(HB_FW)/mem/main_%.o: bench/heap/mem_target.c $(HB_HDRS) $(HB_FW_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(HB_FW_CFLAGS) -DHB_MEM_WORK=$(if $(filter lua,$*),1,0) -c $< -o $@
$(HB_FW)/mem/lua_trace.o: $(HB_TRACE)
	@mkdir -p $(dir $@)
	cd $(dir $<) && $(OBJCOPY) -I binary -O elf32-littlearm -B arm \
		--rename-section .data=.rodata.hb_trace,alloc,load,readonly,data,contents \
		--set-section-alignment .rodata.hb_trace=4 \
		--redefine-sym _binary_lua_trace_start=hb_trace_start --redefine-sym _binary_lua_trace_end=hb_trace_end \
		--strip-symbol _binary_lua_trace_size lua.trace $(CURDIR)/$@
$(HB_FW)/mem_random.elf: $(HB_MEM_OBJS) $(HB_FW)/mem/main_random.o $(LIB)
	$(HB_LINK)
$(HB_FW)/mem_lua.elf: $(HB_MEM_OBJS) $(HB_FW)/mem/main_lua.o $(HB_FW)/mem/lua_trace.o $(LIB)
	$(HB_LINK)

hb-fw-mem: $(HB_FW)/mem_random.elf $(HB_FW)/mem_lua.elf | $(HB_PEERS)
	@for w in random lua; do \
		echo "== $(CPU) on QEMU mps2-an385, slab size $(if $(SLAB_DEFS),$(lastword $(subst =, ,$(SLAB_DEFS))),4096): bench-heap memory, $$w"; \
		timeout $(HB_TIMEOUT) qemu-system-arm $(call QEMU_ARGS,mps2-an385,$(HB_FW)/mem_$$w.elf) \
			> $(HB_FW)/mem_$$w.log 2>&1; status=$$?; cat $(HB_FW)/mem_$$w.log; \
		if [ $$status -ne 0 ] || ! grep -q "^$(HB_DONE)" $(HB_FW)/mem_$$w.log; then \
			echo "bench-heap-target: memory ($$w): exit status $$status"; exit 1; fi; \
	done

HB_DONE := bench-heap: done
hb-fw-run: $(HB_FW)/bench_heap.elf | $(HB_PEERS)
	@echo "== $(CPU) on QEMU mps2-an385 -icount shift=10: bench-heap"
	@$(call HB_QEMU,$<) > $(HB_FW)/bench.log 2>&1; status=$$?; cat $(HB_FW)/bench.log; \
	if [ $$status -ne 0 ] || ! grep -q "^$(HB_DONE)" $(HB_FW)/bench.log; then echo "bench-heap-target: exit status $$status"; exit 1; fi

hb-fw-smoke: $(HB_FW)/bench_heap_smoke.elf | $(HB_PEERS)
	@$(call HB_QEMU,$<) > $(HB_FW)/smoke.log 2>&1; status=$$?; \
	if [ $$status -ne 0 ] || ! grep -q "^$(HB_DONE)" $(HB_FW)/smoke.log; then cat $(HB_FW)/smoke.log; \
		echo "test-bench-heap-smoke: firmware exit status $$status"; exit 1; fi; \
	n=$$(grep -c '^run|' $(HB_FW)/smoke.log); sums=$$(grep '^run|[^|]*|200|' $(HB_FW)/smoke.log | cut -d'|' -f12 | sort -u | wc -l); \
	if [ "$$n" != 8 ] || [ "$$sums" != 1 ]; then cat $(HB_FW)/smoke.log; \
		echo "test-bench-heap-smoke: $$n runs (8 expected), $$sums distinct checksums (1 expected)"; exit 1; fi; \
	echo "test-bench-heap-smoke: cortex-m3: 8 runs complete (libslab x3, o1heap, TLSF, umm_malloc, heap_4, newlib), one checksum"
endif

# The host side: the same harness and peers built with gcc -O2 for x86-64,
# libslab as built for the host ($(LIB), 4 KiB slabs), one binary per
# malloc (jemalloc and mimalloc replace glibc's when linked).
HB_HOST_FLAVOURS := glibc jemalloc mimalloc
HB_HOST_LIBS_glibc :=
HB_HOST_LIBS_jemalloc := -ljemalloc
HB_HOST_LIBS_mimalloc := -lmimalloc
HB_HOST_INC := $(HB_CFG_INC) -Ibench/heap/freertos/host -Iinclude
HB_HOST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror $(HB_HOST_INC)
HB_HOST_PEER_CFLAGS := -std=gnu11 -O2 -g -DNDEBUG -w $(HB_HOST_INC)
HB_HOST_SRCS := $(addprefix bench/heap/,$(HB_SHARED) measure_call.c main_host.c) hooks/buffer_pages/buffer_pages.c
HB_HOST_DIR := $(HB_OUT)/host
HB_HOST_OBJS := $(foreach s,$(HB_HOST_SRCS),$(HB_HOST_DIR)/$(notdir $(s)).o)
HB_HOST_POBJS := $(foreach s,$(HB_PEER_SRCS),$(HB_HOST_DIR)/$(notdir $(s)).o)
$(foreach s,$(HB_HOST_SRCS),$(eval $(HB_HOST_DIR)/$(notdir $(s)).o: $(s) $(HB_HDRS); @mkdir -p $$(dir $$@); gcc $$(HB_HOST_CFLAGS) -c $$< -o $$@))
$(foreach s,$(HB_PEER_SRCS),$(eval $(HB_HOST_DIR)/$(notdir $(s)).o: $(s) $(HB_HDRS); @mkdir -p $$(dir $$@); gcc $$(HB_HOST_PEER_CFLAGS) -c $$< -o $$@))
define hb_host_flavour
$(HB_HOST_DIR)/alloc_hosted_$(1).o: bench/heap/alloc_hosted.c $(HB_HDRS)
	@mkdir -p $$(dir $$@)
	gcc $(HB_HOST_CFLAGS) -DHB_MALLOC_NAME='"$(1)"' -c $$< -o $$@
$(HB_HOST_DIR)/hb_host_$(1): $(HB_HOST_OBJS) $(HB_HOST_POBJS) $(HB_HOST_DIR)/alloc_hosted_$(1).o $(LIB)
	g++ $$(filter %.o,$$^) $(LIB) $(HB_HOST_LIBS_$(1)) -o $$@
endef
ifneq ($(TOOLCHAIN),arm-none-eabi)
$(foreach f,$(HB_HOST_FLAVOURS),$(eval $(call hb_host_flavour,$(f))))
endif
HB_HOST_BINS := $(HB_HOST_FLAVOURS:%=$(HB_HOST_DIR)/hb_host_%)

bench-heap-host: $(HB_PEERS) $(HB_HOST_BINS)
	@bench/heap/report_host.sh $(HB_HOST_DIR) > $(HB_OUT)/host.md
	@cat $(HB_OUT)/host.md
	@echo "bench-heap-host: wrote $(HB_OUT)/host.md"

# The host half of the smoke suite: every allocator of every binary runs
# 400 operations of the workload, and all read back the same bytes.
hb-host-smoke: $(HB_PEERS) $(HB_HOST_BINS)
	@set -e; rm -f $(HB_HOST_DIR)/smoke.log; \
	for a in libslab o1heap TLSF umm_malloc heap_4 malloc; do $(HB_HOST_DIR)/hb_host_glibc $$a smoke >> $(HB_HOST_DIR)/smoke.log; done; \
	for m in jemalloc mimalloc; do $(HB_HOST_DIR)/hb_host_$$m malloc smoke >> $(HB_HOST_DIR)/smoke.log; done; \
	n=$$(grep -c '^random|' $(HB_HOST_DIR)/smoke.log); sums=$$(cut -d'|' -f5 $(HB_HOST_DIR)/smoke.log | sort -u | wc -l); \
	if [ "$$n" != 8 ] || [ "$$sums" != 1 ]; then cat $(HB_HOST_DIR)/smoke.log; \
		echo "test-bench-heap-smoke: host: $$n runs (8 expected), $$sums distinct checksums (1 expected)"; exit 1; fi; \
	echo "test-bench-heap-smoke: x86-64: 8 runs complete (libslab, o1heap, TLSF, umm_malloc, heap_4, glibc, jemalloc, mimalloc), one checksum"

# The chart of the README (docs/heap-chart.png): the Cortex-M3 figures of
# bench-heap-target, mean and maximum per call, per allocator.
.PHONY: bench-heap-chart
bench-heap-chart: bench-heap-target
	bench/heap/chart.sh build/bench-heap/target.md > build/bench-heap/chart.dat
	gnuplot -e "datafile='build/bench-heap/chart.dat'; outfile='docs/heap-chart.png'" bench/heap/chart.gp
	@echo "bench-heap-chart: wrote docs/heap-chart.png"
