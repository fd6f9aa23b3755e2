# The drop-in malloc (issue 12; hooks/malloc/, docs/heap.md).
#   make malloc-preload        build/host-gcc/libslab_malloc.so: LD_PRELOAD it into
#                              any dynamically linked program (pages from mmap,
#                              spin lock, fork-safe; SLAB_MALLOC_STATS=1 prints a
#                              line at exit)
#   make test-malloc-preload   (in make test) sqlite3, lua5.4, python3, perl, gcc and
#                              xz -T2 on fixed inputs, each with glibc and with the
#                              preload, under a timeout: same output, the stats line,
#                              peak RSS of both in build/malloc-preload/rss.md
# The .so holds its own -fPIC build of src/*.cpp (hidden symbols, so that
# a program linking libslab itself keeps its own) and exports only the
# malloc family (hooks/malloc/preload.map).
DEPS_PKGS += gcc g++ sqlite3 lua5.4 python3 perl xz-utils time
TEST_TARGETS += test-malloc-preload

MALLOC_SO := build/host-gcc/libslab_malloc.so
MALLOC_DIR := build/host-gcc/malloc-preload
MALLOC_CXXFLAGS := -std=c++17 -O2 -g -fPIC -fvisibility=hidden -ffreestanding -fno-exceptions -fno-rtti \
	-fno-threadsafe-statics -fno-asynchronous-unwind-tables -Wall -Wextra -Werror -Wpedantic -Wshadow \
	-Wcast-align -Iinclude
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
