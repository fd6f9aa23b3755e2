# GoogleTest suites of the core and the C++ API (test/unit/) and the
# model-based randomized test (test/model/), both on the host.
#   make test-unit    geometry, growth, free, Box/Result/Cache, locks, stress
#   make test-model   random alloc/free sequences checked against a model
#
# The core (src/*.cpp) is compiled into each test binary rather than linked
# from $(LIB), with -DSLAB_ASSERT_TRAP=1: every internal precondition is live
# and traps on a breach. The page hooks come from test/support/counting_pages
# (counts pages, injects faults), defined with DEFINE_SLAB_HOOKS from C++.
TU_DIR := build/test-unit
TU_CXX := g++
TU_DEFS := -DSLAB_ASSERT_TRAP=1
# The core keeps its library flags (freestanding, no exceptions/RTTI).
TU_CORE_FLAGS := -std=c++17 -O2 -g -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics \
	-Wall -Wextra -Werror -Wpedantic -Wshadow -Wcast-align -Iinclude $(TU_DEFS)
TU_FLAGS := -std=c++17 -O2 -g -Wall -Wextra -Werror -pthread -Iinclude -Itest/support $(TU_DEFS)
TU_LDLIBS := -lgtest -lgtest_main -pthread

TU_CORE_OBJS := $(LIB_SRCS:src/%.cpp=$(TU_DIR)/core/%.o)
TU_SUPPORT_SRCS := $(wildcard test/support/*.cpp)
# The shared test page provider (C), under counting_pages.cpp.
TEST_PAGES_SRCS := $(wildcard test/support/test_pages*.c)
TEST_PAGES_HDRS := $(wildcard test/support/test_pages*.h)
TU_SUPPORT_OBJS := $(TU_SUPPORT_SRCS:test/support/%.cpp=$(TU_DIR)/support/%.o) \
	$(TEST_PAGES_SRCS:test/support/%.c=$(TU_DIR)/support/%.c.o)
TU_SUPPORT_HDRS := $(wildcard test/support/*.hpp) $(TEST_PAGES_HDRS)
TU_UNIT_SRCS := $(wildcard test/unit/*.cpp)
TU_UNIT_OBJS := $(TU_UNIT_SRCS:test/unit/%.cpp=$(TU_DIR)/unit/%.o)
TU_MODEL_SRCS := $(wildcard test/model/*.cpp)
TU_MODEL_OBJS := $(TU_MODEL_SRCS:test/model/%.cpp=$(TU_DIR)/model/%.o)

DEPS_test-unit := $(DEPS_GTEST)
DEPS_test-model := $(DEPS_GTEST)
DEPS_PKGS += $(DEPS_test-unit)
TEST_TARGETS += test-unit test-model

.PHONY: test-unit test-model
test-unit: $(TU_DIR)/unit_tests
	./$< --gtest_brief=1

test-model: $(TU_DIR)/model_tests
	./$< --gtest_brief=1

$(TU_DIR)/unit_tests: $(TU_UNIT_OBJS) $(TU_SUPPORT_OBJS) $(TU_CORE_OBJS)
	$(TU_CXX) $^ $(TU_LDLIBS) -o $@

$(TU_DIR)/model_tests: $(TU_MODEL_OBJS) $(TU_SUPPORT_OBJS) $(TU_CORE_OBJS)
	$(TU_CXX) $^ $(TU_LDLIBS) -o $@

$(TU_DIR)/core/%.o: src/%.cpp $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(TU_CXX) $(TU_CORE_FLAGS) -c $< -o $@

$(TU_DIR)/support/%.o: test/support/%.cpp $(TU_SUPPORT_HDRS) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(TU_CXX) $(TU_FLAGS) -c $< -o $@

$(TU_DIR)/support/%.c.o: test/support/%.c $(TEST_PAGES_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -Wpedantic -Wshadow -pthread -Iinclude -c $< -o $@

$(TU_DIR)/unit/%.o: test/unit/%.cpp $(TU_SUPPORT_HDRS) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(TU_CXX) $(TU_FLAGS) -c $< -o $@

$(TU_DIR)/model/%.o: test/model/%.cpp $(wildcard test/model/*.hpp) $(TU_SUPPORT_HDRS) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(TU_CXX) $(TU_FLAGS) -c $< -o $@
