# The drop-in malloc (issues 12 and 22; hooks/malloc/, docs/malloc.md, docs/heap.md).
#   make malloc-preload        build/host-gcc/libslab_malloc.so: LD_PRELOAD it into
#                              any dynamically linked program (pages from mmap,
#                              spin lock, fork-safe; SLAB_MALLOC_STATS=1 prints a
#                              line at exit)
#   make test-malloc-preload   (in make test) sqlite3, lua5.4, python3, perl, gcc and
#                              xz -T2 on fixed inputs, each with glibc and with the
#                              preload, under a timeout: same output, the stats line,
#                              peak RSS of both in build/malloc-preload/rss.md;
#                              then test/malloc/api.sh: misuse aborts with one
#                              line (or goes on, SLAB_MALLOC_ON_ERROR=report),
#                              memalign & co and mallopt as glibc 2.36, mallinfo2
#                              & co from the heap's figures, the page pool
#                              (docs/malloc.md)
# The .so holds its own -fPIC build of src/*.cpp (hidden symbols, so that
# a program linking libslab itself keeps its own) and exports only the
# malloc family (hooks/malloc/preload.map).
DEPS_test-malloc-preload := sqlite3 lua5.4 python3 perl xz-utils time clang
DEPS_test-malloc-firmware := $(DEPS_ARM)
DEPS_PKGS += $(DEPS_test-malloc-preload) $(DEPS_test-malloc-firmware)
TEST_TARGETS += test-malloc-preload

MALLOC_SO := build/host-gcc/libslab_malloc.so
MALLOC_DIR := build/host-gcc/malloc-preload
MALLOC_CXXFLAGS := -std=c++17 -O2 -g -fPIC -fvisibility=hidden -ffreestanding -fno-exceptions -fno-rtti \
	-fno-threadsafe-statics -fno-asynchronous-unwind-tables -Wall -Wextra -Werror -Wpedantic -Wshadow \
	-Wcast-align -Iinclude -DSLAB_HEAP_SPIN_INLINE=1 -DSLAB_HEAP_CORES_INLINE=1 -DSLAB_HEAP_CORES_TLS=1
MALLOC_CFLAGS := -std=c11 -O2 -g -fPIC -Wall -Wextra -Werror -Iinclude -Ihooks/mmap_pages
MALLOC_CORE_OBJS := $(LIB_SRCS:src/%.cpp=$(MALLOC_DIR)/core/%.o)
MALLOC_C_OBJS := $(MALLOC_DIR)/slab_malloc.o $(MALLOC_DIR)/preload.o $(MALLOC_DIR)/mmap_pages.o
MALLOC_C_HDRS := include/slab/heap.h hooks/mmap_pages/mmap_pages.h $(LIB_HDRS)

.PHONY: malloc-preload test-malloc-preload
malloc-preload: $(MALLOC_SO)

$(MALLOC_DIR)/core/%.o: src/%.cpp $(LIB_HDRS)
	@mkdir -p $(dir $@)
	g++ $(MALLOC_CXXFLAGS) -c $< -o $@
# The entry points keep default visibility (the version script exports
# them); the hooks, the secret and the provider are hidden.
$(MALLOC_DIR)/slab_malloc.o: hooks/malloc/slab_malloc.c $(MALLOC_C_HDRS)
	@mkdir -p $(dir $@)
	gcc $(MALLOC_CFLAGS) -c $< -o $@
$(MALLOC_DIR)/preload.o: hooks/malloc/preload.c $(MALLOC_C_HDRS)
	@mkdir -p $(dir $@)
	gcc $(MALLOC_CFLAGS) -fvisibility=hidden -c $< -o $@
$(MALLOC_DIR)/mmap_pages.o: hooks/mmap_pages/mmap_pages.c hooks/mmap_pages/mmap_pages.h
	@mkdir -p $(dir $@)
	gcc $(MALLOC_CFLAGS) -fvisibility=hidden -c $< -o $@

$(MALLOC_SO): $(MALLOC_CORE_OBJS) $(MALLOC_C_OBJS) hooks/malloc/preload.map
	gcc -shared -Wl,--version-script=hooks/malloc/preload.map -Wl,-z,defs -o $@ \
		$(MALLOC_CORE_OBJS) $(MALLOC_C_OBJS) -pthread

test-malloc-preload: $(MALLOC_SO)
	@test/malloc/run.sh $(MALLOC_SO) build/malloc-preload
	@test/malloc/api.sh $(MALLOC_SO) build/malloc-api

# The drop-in on a Cortex-M3 under QEMU (firmware/malloc/): newlib's printf,
# strdup and asprintf and the application's malloc family on libslab, pages
# from the linker's pool under a budget. Run twice: with the default 4 KiB
# slabs and a 160 KiB budget, and with 1 KiB slabs (a library built with
# SLAB_DEFAULT_SLAB_SIZE=1024) and a 56 KiB budget, as on a part with 64 KiB
# of RAM. Passing
# needs exit status 0 (every check held, every page back) and a link map in
# which newlib's own malloc (mallocr) does not appear.
#   make run-malloc           both runs, with their output
#   test-malloc-firmware      the same, in make test
TEST_TARGETS += test-malloc-firmware
MFW_CPU := cortex-m3
.PHONY: run-malloc test-malloc-firmware fw-malloc-run
run-malloc test-malloc-firmware:
	@$(ARM_MAKE) CPU=$(MFW_CPU) MFW_BUDGET=163840 lib fw-malloc-run
	@$(ARM_MAKE) CPU=$(MFW_CPU) MFW_BUDGET=57344 BUILD=build/arm-none-eabi-$(MFW_CPU)-s1024 \
		SLAB_DEFS=-DSLAB_DEFAULT_SLAB_SIZE=1024 lib fw-malloc-run

ifeq ($(TOOLCHAIN),arm-none-eabi)
MFW_BUDGET ?= 57344
MFW := $(BUILD)/malloc-fw
MFW_SRCS := firmware/startup.c firmware/semihost.c firmware/console.c hooks/static_pages/static_pages.c \
	firmware/malloc/main.c firmware/malloc/syscalls.c firmware/malloc/budget_pages.c hooks/malloc/slab_malloc.c
MFW_OBJS := $(patsubst %,$(MFW)/obj/%.o,$(MFW_SRCS))
MFW_HDRS := $(wildcard firmware/*.h hooks/static_pages/*.h) include/slab/heap.h $(LIB_HDRS)

# newlib's headers: not freestanding (stdio.h, reent.h).
$(MFW)/obj/%.c.o: %.c $(MFW_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(ARM_ARCH_FLAGS) -Os -g -ffunction-sections -fdata-sections -Wall -Wextra -Werror -Wshadow \
		-Iinclude -Ifirmware -Ihooks/static_pages $(SLAB_DEFS) -DMALLOC_FW_BUDGET=$(MFW_BUDGET)u -c $< -o $@

$(MFW)/malloc_fw.elf: $(MFW_OBJS) $(LIB) linker/mps2-an385.ld linker/sections.ld
	$(CXX) $(ARM_ARCH_FLAGS) -nostartfiles -nostdlib -Wl,--gc-sections -Llinker -T linker/mps2-an385.ld \
		-Wl,-Map=$(MFW)/malloc_fw.map $(filter %.o,$^) $(LIB) -lc -lgcc -o $@

fw-malloc-run: $(MFW)/malloc_fw.elf
	@echo "== $(CPU) on QEMU mps2-an385, slab size $(if $(SLAB_DEFS),1024,4096): the drop-in malloc with newlib"
	@if grep -qE 'lib_a-(nano-)?(malloc|mallocr|calloc|callocr|realloc|reallocr|freer|cfreer|malignr|aligned_alloc)\.o' \
		$(MFW)/malloc_fw.map; then echo "fw-malloc-run: newlib's own malloc is linked"; exit 1; fi
	@grep -q 'lib_a-printf\.o' $(MFW)/malloc_fw.map || { echo "fw-malloc-run: newlib's printf not linked"; exit 1; }
	@set -o pipefail; timeout $(QEMU_TIMEOUT) qemu-system-arm $(call QEMU_ARGS,mps2-an385,$<) 2>&1 | tee $(MFW)/run.log
endif
