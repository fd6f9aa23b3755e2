# make run: the main job. Builds libslab for the Cortex-M3, the example
# firmware (firmware/app/packet_router.c, hooks over the linker's page pool)
# and runs it on QEMU's mps2-an385 under a timeout (mk/target.mk: fw-run),
# after `make deps-run` (the cross toolchain and QEMU, mk/apt-deps.mk) so
# that a fresh Debian 12 machine needs no other step.
# Exit status is the firmware's (0: every check held).
#
# make run-host: the same kind of workload as a host program
# (examples/host/) over the hosted page provider.
RUN_BIN := build/$(TOOLCHAIN)/examples/host_example

.PHONY: run-host
run: deps-run
	@$(MAKE) --no-print-directory TOOLCHAIN=arm-none-eabi CPU=cortex-m3 lib fw-run

run-host: $(RUN_BIN)
	./$(RUN_BIN)

$(RUN_BIN): examples/host/main.c hooks/hosted/hosted_pages.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -Iinclude -Ihooks/hosted $(filter %.c,$^) $(LIB) -o $@
