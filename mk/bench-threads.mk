# The threads benchmark (issue 22; docs/threads.md, bench/threads/).
#   make bench-threads   threads doing malloc/free of random 16-512 B blocks,
#                        4,000 live each, Mops/s: 1, 2 and 4 threads, 2
#                        threads freeing each other's blocks, and one
#                        thread allocating what another frees, under glibc,
#                        the libslab drop-in (make malloc-preload), jemalloc
#                        and mimalloc (their Debian shared libraries, through
#                        LD_PRELOAD), the median of THREADS_REPS runs of
#                        THREADS_SECONDS each; the table and issue 22's
#                        targets, met or missed: build/bench/threads.md
#   test-bench-threads-smoke (make test) every malloc runs every row for a
#                        fixed number of allocations: exit 0, the malloc it
#                        meant, the same checksum under each; one short pass
#                        of the report. No timing is checked.
DEPS_bench-threads := libjemalloc2 libmimalloc2.0
DEPS_test-bench-threads-smoke := $(DEPS_bench-threads)
DEPS_PKGS += $(DEPS_bench-threads)

THREADS_OUT := build/bench
THREADS_BIN := $(THREADS_OUT)/threads_bench
# The drop-in, as mk/malloc.mk builds it (that file is read after this one).
THREADS_SLAB_SO := build/host-gcc/libslab_malloc.so
# The peers' shared libraries, where gcc finds them (the Debian packages
# above; the soname, which the packages without -dev install), looked up
# only by the targets that use them.
THREADS_JEMALLOC_SO = $(shell gcc -print-file-name=libjemalloc.so.2)
THREADS_MIMALLOC_SO = $(shell gcc -print-file-name=libmimalloc.so.2)
THREADS_REPS ?= 5
THREADS_SECONDS ?= 0.5

.PHONY: bench-threads test-bench-threads-smoke
$(THREADS_BIN): bench/threads/threads.c
	@mkdir -p $(dir $@)
	gcc -std=c11 -O2 -g -Wall -Wextra -Werror -pthread $< -o $@ -ldl

bench-threads: $(THREADS_BIN) malloc-preload
	@echo "bench-threads: $(THREADS_REPS) runs of $(THREADS_SECONDS) s per cell, interleaved"
	@bench/threads/run.sh $(THREADS_BIN) $(THREADS_OUT)/threads.md $(THREADS_REPS) $(THREADS_SECONDS) \
		$(THREADS_SLAB_SO) $(THREADS_JEMALLOC_SO) $(THREADS_MIMALLOC_SO)
	@echo "bench-threads: wrote $(THREADS_OUT)/threads.md"

TEST_TARGETS += test-bench-threads-smoke
test-bench-threads-smoke: $(THREADS_BIN) malloc-preload
	@bench/threads/smoke.sh $(THREADS_BIN) bench/threads/run.sh $(THREADS_SLAB_SO) $(THREADS_JEMALLOC_SO) \
		$(THREADS_MIMALLOC_SO) $(THREADS_OUT)/threads-smoke
