# -nostdlib links (issue 13): for every CPU of mk/target.mk, a firmware that
# uses both fronts (firmware/nostdlib/: the C API and the C++ Cache/Box with
# stats(), two lock kinds each) linked with -nostdlib and libgcc only, no
# libc: the link fails on any memset/memcpy/... that the library or its
# headers would emit. libgcc is needed on every CPU (geometry.o divides
# 64-bit numbers at cache creation: __aeabi_uldivmod), and on ARMv6-M for
# 32-bit division and multiply helpers too; the step lists what the link
# took from it. The firmware then runs on the CPU's QEMU board and must end
# with status 0 and "nostdlib: all passed".
#
# Run by test-target (mk/target.mk) as the inner step fw-nostdlib.
.PHONY: fw-nostdlib

ifeq ($(TOOLCHAIN),arm-none-eabi)
FW_NOSTDLIB_SRCS := $(FW_BASE) firmware/board.c firmware/nostdlib/main.c firmware/nostdlib/cxx.cpp

# FW_LDFLAGS carries -nostartfiles -nostdlib; only libgcc is named.
$(FW)/nostdlib.elf: $(call fw_objs,$(FW_NOSTDLIB_SRCS)) $(LIB) linker/$(FW_MACHINE).ld linker/sections.ld
	$(CXX) $(FW_LDFLAGS) $(filter %.o,$^) $(LIB) -lgcc -o $@

fw-nostdlib: $(FW)/nostdlib.elf
	@case " $(FW_LDFLAGS) " in *" -nostdlib "*) ;; *) echo "fw-nostdlib: FAILED, -nostdlib not in the link"; exit 1;; esac
	@echo "fw-nostdlib: $(CPU): linked with -nostdlib -lgcc only; members taken from libgcc:" \
		$$(grep -o 'libgcc\.a([^)]*)' $(FW)/nostdlib.map | sed 's/.*(\(.*\))/\1/' | sort -u | tr '\n' ' ')
	@set -o pipefail; $(call QEMU_RUN,$(FW_MACHINE),$<) 2>&1 | tee $(FW)/nostdlib.log; \
	status=$$?; last=$$(tail -n 1 $(FW)/nostdlib.log); \
	if [ $$status -ne 0 ] || [ "$$last" != "nostdlib: all passed" ]; then \
		echo "fw-nostdlib: $(CPU): FAILED (status $$status)"; exit 1; fi
endif

# Not in make test: fails today (slab::Heap::stats() calls memset on
# Cortex-M; firmware/nostdlib/heap_stats_probe.cpp says more).
.PHONY: nostdlib-heap-probe
nostdlib-heap-probe:
	@mkdir -p build/nostdlib-probe
	@arm-none-eabi-g++ -std=c++17 -mcpu=cortex-m3 -mthumb -Os -ffreestanding -fno-exceptions -fno-rtti -Iinclude \
		-c firmware/nostdlib/heap_stats_probe.cpp -o build/nostdlib-probe/heap_stats_probe.o
	@libc=$$(arm-none-eabi-nm -u build/nostdlib-probe/heap_stats_probe.o | awk '{print $$2}' | grep -E '^mem(set|cpy|move|cmp)$$'); \
	if [ -n "$$libc" ]; then echo "nostdlib-heap-probe: FAILED, slab::Heap::stats() references" $$libc; exit 1; fi; \
	echo "nostdlib-heap-probe: slab::Heap::stats() references no libc function"
