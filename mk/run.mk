# make run: the main job. For now a host example (examples/host/) that uses
# the library through the hosted page provider.
RUN_BIN := build/$(TOOLCHAIN)/examples/host_example

.PHONY: run-host
run-host: $(RUN_BIN)
	./$(RUN_BIN)

run: run-host

$(RUN_BIN): examples/host/main.c hooks/hosted/hosted_pages.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -Iinclude -Ihooks/hosted $(filter %.c,$^) $(LIB) -o $@
