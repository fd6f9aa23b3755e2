# The README's quick starts are what a new user copies first: extract the C
# and the C++ one, build them against the library and the hosted provider,
# and run them (each exits 0 only when its calls succeeded).
TEST_TARGETS += test-readme
README_DIR := build/test-readme

# $(call readme_block,heading,fence): the first code block after the heading.
readme_block = awk -v h='$(1)' -v f='$(2)' '$$0 == h {on=1; next} on && $$0 == f {body=1; next} \
	body && $$0 == "```" {exit} body {print}' README.md

.PHONY: test-readme
test-readme: $(LIB)
	@mkdir -p $(README_DIR)
	@$(call readme_block,## Quick start in C,```c) > $(README_DIR)/quickstart.c
	@$(call readme_block,## Quick start in C++,```cpp) > $(README_DIR)/quickstart.cpp
	@test -s $(README_DIR)/quickstart.c && test -s $(README_DIR)/quickstart.cpp || \
		{ echo "test-readme: FAILED, quick start blocks not found in README.md"; exit 1; }
	$(CC) -std=c11 -Wall -Wextra -Werror -Iinclude -Ihooks/hosted -c hooks/hosted/hosted_pages.c -o $(README_DIR)/hosted_pages.o
	$(CC) -std=c11 -Wall -Wextra -Werror -Iinclude -Ihooks/hosted $(README_DIR)/quickstart.c $(README_DIR)/hosted_pages.o $(LIB) -o $(README_DIR)/quickstart_c
	$(CXX) -std=c++17 -Wall -Wextra -Werror -Iinclude -Ihooks/hosted $(README_DIR)/quickstart.cpp $(README_DIR)/hosted_pages.o $(LIB) -o $(README_DIR)/quickstart_cpp
	./$(README_DIR)/quickstart_c
	./$(README_DIR)/quickstart_cpp
	@echo "test-readme: the C and C++ quick starts of README.md build with -Werror and run"
