# Benchmarks (issue 7; docs/performance.md). Not part of `make test`, except
# test-bench-smoke: every bench binary runs a few iterations so none can rot.
#   make bench         Google Benchmark, ns per alloc+free pair:
#                      build/bench/results.{csv,md} and results.png
#   make bench-instr   callgrind instructions per pair (hot, batch of 1e3):
#                      build/bench/instr.{csv,md}
#   make bench-latency per-operation latency percentiles: build/bench/latency.md
#   make bench-overhead slab fill fraction and metadata: build/bench/overhead.md
# libslab is linked as built by the host toolchain ($(LIB), -O2); the bench
# sources and the peers' adapters are compiled at -O2 too.
DEPS_test-bench-smoke := libbenchmark-dev libmimalloc-dev libjemalloc-dev libboost-dev
DEPS_bench := $(DEPS_test-bench-smoke) valgrind gnuplot-nox
DEPS_PKGS += $(DEPS_bench)

BENCH_OUT := build/bench
BENCH_CXX := g++
BENCH_CXXFLAGS := -std=c++17 -O2 -g -Wall -Wextra -Werror -Iinclude -Ibench -Ihooks/hosted
BENCH_HDRS := $(wildcard bench/*.hpp bench/adapters/*.hpp bench/workloads/*.hpp) $(LIB_HDRS)
# One process per malloc: mimalloc and jemalloc replace it once linked.
BENCH_FLAVOURS := main mimalloc jemalloc
BENCH_FLAVOUR_main := 0
BENCH_FLAVOUR_mimalloc := 1
BENCH_FLAVOUR_jemalloc := 2
BENCH_LIBS_main :=
BENCH_LIBS_mimalloc := -lmimalloc
BENCH_LIBS_jemalloc := -ljemalloc
# libslab without statistics on the fast path, for the instruction price of
# SLAB_STATS (bench-instr only).
BENCH_LIB_NOSTATS := $(BENCH_OUT)/lib-nostats/libslab.a

BENCH_GB := $(BENCH_FLAVOURS:%=$(BENCH_OUT)/bench_%)
BENCH_INSTR := $(BENCH_FLAVOURS:%=$(BENCH_OUT)/instr_%) $(BENCH_OUT)/instr_nostats
BENCH_LAT := $(BENCH_FLAVOURS:%=$(BENCH_OUT)/latency_%)
BENCH_OVH := $(BENCH_OUT)/overhead
BENCH_BINS := $(BENCH_GB) $(BENCH_INSTR) $(BENCH_LAT) $(BENCH_OVH)

.PHONY: bench bench-instr bench-latency bench-overhead bench-bins test-bench-smoke
bench-bins: $(BENCH_BINS)

$(BENCH_OUT)/hooks.o: bench/hooks.c hooks/hosted/hosted_pages.c hooks/hosted/hosted_pages.h include/slab/hooks.h
	@mkdir -p $(dir $@)
	gcc -std=c11 -O2 -g -Wall -Wextra -Werror -Iinclude -Ihooks/hosted -c bench/hooks.c -o $@
$(BENCH_OUT)/hosted_pages.o: hooks/hosted/hosted_pages.c hooks/hosted/hosted_pages.h
	@mkdir -p $(dir $@)
	gcc -std=c11 -O2 -g -Wall -Wextra -Werror -Iinclude -Ihooks/hosted -c $< -o $@
BENCH_HOOK_OBJS := $(BENCH_OUT)/hooks.o $(BENCH_OUT)/hosted_pages.o

define bench_flavour
$(BENCH_OUT)/bench_$(1): bench/gbench_main.cpp $(BENCH_HDRS) $(BENCH_HOOK_OBJS) $(LIB)
	$(BENCH_CXX) $(BENCH_CXXFLAGS) -DBENCH_FLAVOUR=$(BENCH_FLAVOUR_$(1)) $$< $(BENCH_HOOK_OBJS) $(LIB) \
		-lbenchmark -lpthread $(BENCH_LIBS_$(1)) -o $$@
$(BENCH_OUT)/instr_$(1): bench/instr_main.cpp $(BENCH_HDRS) $(BENCH_HOOK_OBJS) $(LIB)
	$(BENCH_CXX) $(BENCH_CXXFLAGS) -DBENCH_FLAVOUR=$(BENCH_FLAVOUR_$(1)) $$< $(BENCH_HOOK_OBJS) $(LIB) \
		-lpthread $(BENCH_LIBS_$(1)) -o $$@
$(BENCH_OUT)/latency_$(1): bench/latency_main.cpp $(BENCH_HDRS) $(BENCH_HOOK_OBJS) $(LIB)
	$(BENCH_CXX) $(BENCH_CXXFLAGS) -DBENCH_FLAVOUR=$(BENCH_FLAVOUR_$(1)) $$< $(BENCH_HOOK_OBJS) $(LIB) \
		-lpthread $(BENCH_LIBS_$(1)) -o $$@
endef
$(foreach f,$(BENCH_FLAVOURS),$(eval $(call bench_flavour,$(f))))

# (Not defined inside that sub-make, where $(LIB) is this very file.)
ifneq ($(BUILD),$(BENCH_OUT)/lib-nostats)
$(BENCH_LIB_NOSTATS): $(LIB_SRCS) $(LIB_HDRS)
	@$(MAKE) --no-print-directory lib BUILD=$(BENCH_OUT)/lib-nostats SLAB_DEFS=-DSLAB_STATS=0
endif
$(BENCH_OUT)/instr_nostats: bench/instr_main.cpp $(BENCH_HDRS) $(BENCH_HOOK_OBJS) $(BENCH_LIB_NOSTATS)
	$(BENCH_CXX) $(BENCH_CXXFLAGS) -DBENCH_FLAVOUR=0 -DSLAB_STATS=0 $< $(BENCH_HOOK_OBJS) $(BENCH_LIB_NOSTATS) \
		-lpthread -o $@

$(BENCH_OVH): bench/overhead_main.cpp $(BENCH_HDRS) $(BENCH_HOOK_OBJS) $(LIB)
	$(BENCH_CXX) $(BENCH_CXXFLAGS) $< $(BENCH_HOOK_OBJS) $(LIB) -o $@

# BENCH_ARGS: extra Google Benchmark flags, e.g. BENCH_ARGS=--benchmark_filter=hot
BENCH_MIN_TIME ?= 0.2
bench: $(BENCH_GB)
	@rm -f $(BENCH_OUT)/gbench_*.csv
	@for f in $(BENCH_FLAVOURS); do \
		echo "bench: $$f"; \
		$(BENCH_OUT)/bench_$$f --benchmark_min_time=$(BENCH_MIN_TIME) $(BENCH_ARGS) \
			--benchmark_out=$(BENCH_OUT)/gbench_$$f.csv --benchmark_out_format=csv || exit 1; \
	done
	bench/tools/report.sh $(BENCH_OUT)
	gnuplot -e "datafile='$(BENCH_OUT)/chart.dat'; outfile='$(BENCH_OUT)/results.png'" bench/tools/chart.gp
	@echo "bench: wrote $(BENCH_OUT)/results.csv results.md results.png"

# INSTR_SIZES: object sizes to count (each costs a few valgrind runs).
INSTR_SIZES ?= 64
bench-instr: $(BENCH_INSTR)
	bench/tools/instr.sh $(BENCH_OUT) "$(INSTR_SIZES)"

# Under SCHED_FIFO when allowed (root), so the other processes of a shared
# machine do not preempt a timed operation; plain otherwise.
BENCH_RT := $(shell chrt -f 1 true 2>/dev/null && echo chrt -f 50)
bench-latency: $(BENCH_LAT)
	@echo "bench-latency: running$(if $(BENCH_RT), under $(BENCH_RT), without real-time priority)"
	@for f in $(BENCH_FLAVOURS); do $(BENCH_RT) $(BENCH_OUT)/latency_$$f || exit 1; done > $(BENCH_OUT)/latency.csv
	bench/tools/latency_md.sh $(BENCH_OUT)/latency.csv > $(BENCH_OUT)/latency.md
	@cat $(BENCH_OUT)/latency.md

bench-overhead: $(BENCH_OVH)
	$(BENCH_OVH) > $(BENCH_OUT)/overhead.md
	@cat $(BENCH_OUT)/overhead.md

# Whole-program instructions of lua5.4 on glibc and on libslab's heap (the
# LD_PRELOAD drop-in of mk/malloc.mk): issue 11's real-client figure.
.PHONY: bench-lua
bench-lua: malloc-preload
	bench/tools/lua_instr.sh build/host-gcc/libslab_malloc.so $(BENCH_OUT)

TEST_TARGETS += test-bench-smoke
test-bench-smoke: $(BENCH_BINS)
	bench/tools/smoke.sh $(BENCH_OUT)
