# std::pmr adapter (include/slab/pmr.hpp): hosted only.
PMR_BIN := build/test-pmr/pmr_test
TEST_TARGETS += test-pmr
DEPS_test-pmr := $(DEPS_GTEST)
DEPS_PKGS += $(DEPS_test-pmr)

.PHONY: test-pmr
test-pmr: $(PMR_BIN)
	./$(PMR_BIN)

$(PMR_BIN): test/pmr/pmr_test.cpp hooks/hosted/hosted_pages.c include/slab/pmr.hpp $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Werror -Iinclude -c hooks/hosted/hosted_pages.c -o $(dir $@)hosted_pages.o
	$(CXX) -std=c++17 -O2 -Wall -Wextra -Werror -Iinclude -Ihooks/hosted test/pmr/pmr_test.cpp \
		$(dir $@)hosted_pages.o $(LIB) -lgtest -lgtest_main -pthread -o $@
