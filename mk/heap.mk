# The heap (issue 12; include/slab/heap.h, docs/heap.md).
#   make test-heap   GoogleTest suites of test/heap/ (API, refusals, the
#                    model-based test with page faults, threads, the C
#                    header from C), twice: against the default core and
#                    against the checked core (SLAB_CHECKS=1)
#
# As in mk/test-unit.mk, the core (src/*.cpp, the heap included) is compiled
# into each test binary with its library flags and -DSLAB_ASSERT_TRAP=1; the
# page hooks are test/heap/heap_pages.cpp (live-page set, faults, quarantine)
# over the shared test provider test/support/test_pages.c.
DEPS_test-heap := $(DEPS_GTEST) gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib # + the freestanding build
DEPS_PKGS += $(DEPS_test-heap)
TEST_TARGETS += test-heap

HEAP_TEST_CXX := g++
HEAP_TEST_CC := gcc
HEAP_TEST_DEFS := -DSLAB_ASSERT_TRAP=1
HEAP_CORE_FLAGS := -std=c++17 -O2 -g -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics \
	-Wall -Wextra -Werror -Wpedantic -Wshadow -Wcast-align -Iinclude
HEAP_TEST_FLAGS := -std=c++17 -O2 -g -Wall -Wextra -Werror -pthread -Iinclude -Itest/heap -Itest/support
HEAP_TEST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wpedantic -Iinclude
HEAP_TEST_SRCS := $(wildcard test/heap/*.cpp)
HEAP_TEST_CSRCS := $(wildcard test/heap/*.c)
HEAP_TEST_HDRS := $(wildcard test/heap/*.hpp) $(wildcard test/support/test_pages*.h) test/support/counting_source.hpp test/support/heap_magazines.hpp $(LIB_HDRS)

# $(call heap_suite,dir,extra defines): objects and binary of one variant.
define heap_suite
$(1)/core/%.o: src/%.cpp $$(LIB_HDRS)
	@mkdir -p $$(dir $$@)
	$$(HEAP_TEST_CXX) $$(HEAP_CORE_FLAGS) $$(HEAP_TEST_DEFS) $(2) -c $$< -o $$@
$(1)/test/%.o: test/heap/%.cpp $$(HEAP_TEST_HDRS)
	@mkdir -p $$(dir $$@)
	$$(HEAP_TEST_CXX) $$(HEAP_TEST_FLAGS) $$(HEAP_TEST_DEFS) $(2) -c $$< -o $$@
$(1)/test/%.c.o: test/heap/%.c include/slab/heap.h $$(LIB_HDRS)
	@mkdir -p $$(dir $$@)
	$$(HEAP_TEST_CC) $$(HEAP_TEST_CFLAGS) $$(HEAP_TEST_DEFS) $(2) -c $$< -o $$@
$(1)/support/%.c.o: test/support/%.c $$(wildcard test/support/test_pages*.h)
	@mkdir -p $$(dir $$@)
	$$(HEAP_TEST_CC) -std=c11 -O2 -g -Wall -Wextra -Werror -Wpedantic -pthread -c $$< -o $$@
# The buddy provider (hooks/buffer_pages): the merge-and-hand-out-again
# scenario of test/heap/security_test.cpp.
$(1)/support/buffer_pages.c.o: hooks/buffer_pages/buffer_pages.c hooks/buffer_pages/buffer_pages.h
	@mkdir -p $$(dir $$@)
	$$(HEAP_TEST_CC) -std=c11 -O2 -g -Wall -Wextra -Werror -Wpedantic -Iinclude -c $$< -o $$@
$(1)/heap_tests: $$(LIB_SRCS:src/%.cpp=$(1)/core/%.o) $$(HEAP_TEST_SRCS:test/heap/%.cpp=$(1)/test/%.o) \
		$$(HEAP_TEST_CSRCS:test/heap/%.c=$(1)/test/%.c.o) $$(patsubst test/support/%.c,$(1)/support/%.c.o,$$(wildcard test/support/test_pages*.c)) \
		$(1)/support/buffer_pages.c.o
	$$(HEAP_TEST_CXX) $(2) $$^ -lgtest -lgtest_main -pthread -o $$@
endef
$(eval $(call heap_suite,build/test-heap,))
$(eval $(call heap_suite,build/test-heap-checks,-DSLAB_CHECKS=1))
# The per-core magazines' threads under ThreadSanitizer (make test-tsan).
$(eval $(call heap_suite,build/tsan/test-heap,-fsanitize=thread))

.PHONY: test-heap
test-heap: build/test-heap/heap_tests build/test-heap-checks/heap_tests
	./build/test-heap/heap_tests --gtest_brief=1
	./build/test-heap-checks/heap_tests --gtest_brief=1

# slab::HeapAllocator in firmware: compiled for Cortex-M0 and M3 with
# -fno-exceptions -fno-rtti; the object must reference no exception
# machinery (__cxa_throw, __cxa_allocate_exception, _Unwind_*). Needs the
# arm-none-eabi toolchain and its libstdc++ (mk/target.mk's packages).
HEAP_FS_SRC := test/heap/freestanding/allocator_noexcept.cpp
.PHONY: test-heap-freestanding
test-heap-freestanding:
	@mkdir -p build/test-heap/freestanding
	@set -e; for cpu in cortex-m0 cortex-m3; do \
		o=build/test-heap/freestanding/allocator_$$cpu.o; \
		arm-none-eabi-g++ -std=c++17 -mcpu=$$cpu -mthumb -Os -ffreestanding -fno-exceptions -fno-rtti \
			-Wall -Wextra -Werror -Wshadow -Iinclude -c $(HEAP_FS_SRC) -o $$o; \
		if arm-none-eabi-nm -u $$o | grep -E '__cxa_throw|__cxa_allocate_exception|_Unwind_'; then \
			echo "test-heap-freestanding: $$cpu: exception machinery referenced"; exit 1; fi; \
	done
	@echo "test-heap-freestanding: HeapAllocator under std::vector builds for cortex-m0/m3 without exceptions"
test-heap: test-heap-freestanding
