# (Named to sort after target.mk, whose FW_* variables it uses.)
# RTOS features on a Cortex-M3 under QEMU (firmware/rtos/): the BASEPRI lock
# against two interrupt priorities, a lock the program supplies, blocking
# allocation in a thread and in an ISR, caches over two memory regions, a
# static cache in a DMA section (linker/mps2-an385-regions.ld).
#   make test-rtos-target
TEST_TARGETS += test-rtos-target
DEPS_test-rtos-target := $(DEPS_ARM)

.PHONY: test-rtos-target fw-rtos
test-rtos-target:
	@$(ARM_MAKE) CPU=cortex-m3 lib fw-rtos

ifeq ($(TOOLCHAIN),arm-none-eabi)
FW_RTOS_SRCS := $(FW_BASE) firmware/board.c firmware/tests/runner.c firmware/rtos/main.c firmware/rtos/exceptions.c firmware/rtos/test_basepri.c \
	firmware/rtos/test_program_lock.c firmware/rtos/test_regions.c hooks/buffer_pages/buffer_pages.c
FW_RTOS_LD := linker/$(FW_MACHINE)-regions.ld

$(FW)/obj/firmware/rtos/%.c.o: firmware/rtos/%.c $(FW_HDRS) $(wildcard firmware/rtos/*.h) hooks/buffer_pages/buffer_pages.h
	@mkdir -p $(dir $@)
	$(CC) $(FW_CFLAGS) -Ihooks/buffer_pages -c $< -o $@

$(FW)/rtos_tests.elf: $(call fw_objs,$(FW_RTOS_SRCS)) $(LIB) $(FW_RTOS_LD) linker/sections.ld
	$(CXX) $(ARM_ARCH_FLAGS) -nostartfiles -nostdlib -Wl,--gc-sections -Llinker -T $(FW_RTOS_LD) \
		-Wl,-Map=$(basename $@).map $(filter %.o,$^) $(LIB) $(FW_LDLIBS) -o $@

fw-rtos: $(FW)/rtos_tests.elf
	@echo "== $(CPU) on QEMU $(FW_MACHINE): RTOS features"
	@set -o pipefail; $(call QEMU_RUN,$(FW_MACHINE),$<) 2>&1 | tee $(FW)/rtos_tests.log; \
	status=$$?; last=$$(tail -n 1 $(FW)/rtos_tests.log); \
	if [ $$status -ne 0 ]; then echo "fw-rtos: exit status $$status"; exit 1; fi; \
	case "$$last" in *" passed, 0 failed") ;; *) echo "fw-rtos: no clean closing line"; exit 1;; esac
endif
