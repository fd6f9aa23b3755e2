# hooks/buffer_pages: the page provider over any buffer (docs/buffer-pages.md).
#   make test-buffer-pages
#     - buffer_pages.c built -Werror clean (-Wall -Wextra -Wshadow) by gcc,
#       clang, and arm-none-eabi-gcc for cortex-m0 and cortex-m3
#     - the host CMocka test (test/buffer_pages/): init refusals, every page
#       aligned to its size, exhaustion and reuse, merge back to full capacity,
#       foreign and double frees refused, two pools over unaligned buffers, a
#       libslab cache (build/host-gcc/libslab.a) on DEFINE_SLAB_BUFFER_HOOKS
#     - DEFINE_SLAB_BUFFER_HOOKS from C and from C++ defines slab_page_alloc,
#       slab_page_free and slab_secret exactly once (nm)
#     - firmware/buffer/ on QEMU mps2-an385 (Cortex-M3): a firmware whose pages
#       come from a plain array through the macro, no board.c, no linker pool
TEST_TARGETS += test-buffer-pages
DEPS_test-buffer-pages := libcmocka-dev clang $(DEPS_ARM)
DEPS_PKGS += $(DEPS_test-buffer-pages)

BP_DIR := build/test-buffer-pages
BP_SRC := hooks/buffer_pages/buffer_pages.c
BP_HDR := hooks/buffer_pages/buffer_pages.h hooks/buddy/buddy.h
BP_WARN := -Wall -Wextra -Werror -Wshadow
BP_CFLAGS := -std=c11 -O1 -g $(BP_WARN) -Iinclude -Ihooks/buffer_pages
BP_HOST_LIB := build/host-gcc/libslab.a
BP_CPUS := cortex-m0 cortex-m3

.PHONY: test-buffer-pages fw-buffer

# The host library is built by `make lib` (TOOLCHAIN=host-gcc), called first.
$(BP_DIR)/test_buffer_pages: test/buffer_pages/test_buffer_pages.c $(BP_SRC) $(BP_HDR) include/slab/hooks.h
	@$(MAKE) --no-print-directory lib TOOLCHAIN=host-gcc
	@mkdir -p $(dir $@)
	gcc $(BP_CFLAGS) -c test/buffer_pages/test_buffer_pages.c -o $(BP_DIR)/test_buffer_pages.o
	gcc $(BP_CFLAGS) $(BP_DIR)/test_buffer_pages.o $(BP_SRC) $(BP_HOST_LIB) -lcmocka -o $@

# count_defs(object, what): slab_page_alloc, slab_page_free, slab_secret
# each defined exactly once in the object.
define bp_count_defs
	@for sym in slab_page_alloc slab_page_free slab_secret; do \
		n=$$(nm $(1) | grep -cE " [TDB] $$sym$$"); \
		if [ "$$n" != 1 ]; then echo "test-buffer-pages: $(2): $$sym defined $$n times"; exit 1; fi; done; \
	echo "test-buffer-pages: $(2): slab_page_alloc, slab_page_free, slab_secret defined once each"
endef

test-buffer-pages:
	@rm -f $(BP_DIR)/test_buffer_pages
	@$(MAKE) --no-print-directory $(BP_DIR)/test_buffer_pages
	@for cc in gcc clang; do $$cc -std=c11 -ffreestanding $(BP_WARN) -Wpedantic -Iinclude -Ihooks/buffer_pages \
		-c $(BP_SRC) -o $(BP_DIR)/buffer_pages-$$cc.o || exit 1; done
	@for cpu in $(BP_CPUS); do arm-none-eabi-gcc -std=c11 -mcpu=$$cpu -mthumb -Os -ffreestanding $(BP_WARN) \
		-Iinclude -Ihooks/buffer_pages -c $(BP_SRC) -o $(BP_DIR)/buffer_pages-$$cpu.o || exit 1; done
	@echo "test-buffer-pages: buffer_pages.c -Werror clean with gcc, clang, arm-none-eabi-gcc ($(BP_CPUS))"
	$(call bp_count_defs,$(BP_DIR)/test_buffer_pages.o,C macro)
	@g++ -std=c++17 $(BP_WARN) -Iinclude -Ihooks/buffer_pages -c test/buffer_pages/macro_cxx.cpp -o $(BP_DIR)/macro_cxx.o
	$(call bp_count_defs,$(BP_DIR)/macro_cxx.o,C++ macro)
	@printf '#include "buffer_pages.h"\nDEFINE_SLAB_BUFFER_HOOKS(tiny, 4096);\n' >$(BP_DIR)/too_small.c
	@if gcc -std=c11 -Iinclude -Ihooks/buffer_pages -c $(BP_DIR)/too_small.c -o $(BP_DIR)/too_small.o \
		>$(BP_DIR)/too_small.log 2>&1; then echo "test-buffer-pages: FAILED: a 4 KiB DEFINE_SLAB_BUFFER_HOOKS compiled"; exit 1; fi
	@grep -q "holds no SLAB_DEFAULT_SLAB_SIZE page" $(BP_DIR)/too_small.log || \
		{ cat $(BP_DIR)/too_small.log; echo "test-buffer-pages: FAILED: the 4 KiB buffer failed, but not on its size"; exit 1; }
	@echo "test-buffer-pages: DEFINE_SLAB_BUFFER_HOOKS of 4 KiB (no 4 KiB slab fits) is a compile error naming the size"
	./$(BP_DIR)/test_buffer_pages
	@$(MAKE) --no-print-directory TOOLCHAIN=arm-none-eabi CPU=cortex-m3 lib fw-buffer

ifeq ($(TOOLCHAIN),arm-none-eabi)
FW_BUFFER_SRCS := firmware/startup.c firmware/semihost.c firmware/console.c $(BP_SRC) firmware/buffer/main.c
FW_BUFFER_OBJS := $(patsubst %,$(FW)/buffer/%.o,$(FW_BUFFER_SRCS))

$(FW)/buffer/%.c.o: %.c $(BP_HDR) $(FW_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(FW_CFLAGS) -Ihooks/buffer_pages -c $< -o $@

$(FW)/buffer_test.elf: $(FW_BUFFER_OBJS) $(LIB) linker/$(FW_MACHINE).ld linker/sections.ld
	$(CXX) $(FW_LDFLAGS) $(FW_BUFFER_OBJS) $(LIB) $(FW_LDLIBS) -o $@

# As fw-tests: exit status 0 and a closing "N passed, 0 failed", under timeout.
fw-buffer: $(FW)/buffer_test.elf
	@echo "== $(CPU) on QEMU $(FW_MACHINE): buffer_pages firmware"
	@set -o pipefail; $(call QEMU_RUN,$(FW_MACHINE),$<) 2>&1 | tee $(FW)/buffer_test.log; \
	status=$$?; last=$$(tail -n 1 $(FW)/buffer_test.log); \
	if [ $$status -ne 0 ]; then echo "fw-buffer: $(CPU): exit status $$status"; exit 1; fi; \
	case "$$last" in *" passed, 0 failed") ;; *) echo "fw-buffer: $(CPU): no clean closing line"; exit 1;; esac
endif
