# The README's quick starts are what a new user copies first. The README
# stays short (at most README_MAX_LINES lines) and both quick starts, each
# program and its commands, end within its first README_QS_LINES lines,
# where a newcomer reads. For each of the C and the C++ one:
#   - the program sets slab_secret (from a random source: the README says
#     why);
#   - the program block builds -Werror clean (-Wall -Wextra) against the
#     library and the buffer page provider, and runs (exit 0 only when every
#     call succeeded);
#   - verbatim: in a fresh clone of this repository (git clone, plus the
#     working tree's uncommitted changes to tracked files), the block saved
#     under the name the README gives (app.c / app.cpp), then the README's
#     own ```sh block after it run as written, line by line (bash -e), with
#     no make variable of the calling make; the last line printed must be
#     the block's "app: OK". Nothing is built in the clone beforehand, so a
#     step the README leaves out (such as `make`) fails here.
TEST_TARGETS += test-readme
DEPS_test-readme := git # the fresh clone
DEPS_PKGS += $(DEPS_test-readme)
README_DIR := build/test-readme

# $(call readme_block,heading,fence): the first code block opened by `fence`
# after the line `heading`.
readme_block = awk -v h='$(1)' -v f='$(2)' '$$0 == h {on=1; next} on && $$0 == f {body=1; next} \
	body && $$0 == "```" {exit} body {print}' README.md

# $(call readme_block_end,heading,fence): the line number where that block
# closes (0 if there is none).
readme_block_end = awk -v h="$(1)" -v f='$(2)' '$$0 == h {on=1; next} on && $$0 == f {body=1; next} \
	body && $$0 == "```" {print NR; found=1; exit} END {if (!found) print 0}' README.md

README_MAX_LINES := 200
README_QS_LINES := 60
README_WARN := -Wall -Wextra -Werror
README_INC := -Iinclude -Ihooks/buffer_pages

# $(call readme_verbatim,program file,commands file): one fresh clone, the
# program saved in it, the commands run; fails unless the last line is
# "app: OK".
define readme_verbatim
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	git clone -q . "$$tmp/libslab" && \
	git diff HEAD --binary > "$$tmp/wip.diff" && \
	if [ -s "$$tmp/wip.diff" ]; then git -C "$$tmp/libslab" apply "$$tmp/wip.diff"; fi && \
	cp $(README_DIR)/$(1) "$$tmp/libslab/$(1)" && \
	echo "test-readme: $(1): in a fresh clone, running the README's commands:" && sed 's/^/    $$ /' $(README_DIR)/$(2) && \
	( cd "$$tmp/libslab" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL bash -e $(abspath $(README_DIR)/$(2)) ) \
		> $(README_DIR)/$(2).log 2>&1; status=$$?; \
	last=$$(tail -n 1 $(README_DIR)/$(2).log); \
	if [ $$status -ne 0 ] || [ "$$last" != "app: OK" ]; then \
		echo "test-readme: FAILED: $(1): the README's commands (status $$status), last lines:"; \
		tail -n 15 $(README_DIR)/$(2).log; exit 1; fi; \
	echo "test-readme: $(1): built and ran verbatim in a fresh clone ($$last)"
endef

.PHONY: test-readme
test-readme: $(LIB)
	@mkdir -p $(README_DIR)
	@$(call readme_block,## Quick start in C,```c) > $(README_DIR)/app.c
	@$(call readme_block,## Quick start in C,```sh) > $(README_DIR)/app.c.sh
	@$(call readme_block,## Quick start in C++,```cpp) > $(README_DIR)/app.cpp
	@$(call readme_block,## Quick start in C++,```sh) > $(README_DIR)/app.cpp.sh
	@for f in app.c app.c.sh app.cpp app.cpp.sh; do test -s $(README_DIR)/$$f || \
		{ echo "test-readme: FAILED, README.md has no block for $$f"; exit 1; }; done
	@grep -q 'Save this as `app.c`' README.md && grep -q 'Save this as `app.cpp`' README.md || \
		{ echo "test-readme: FAILED, README.md no longer names app.c and app.cpp"; exit 1; }
	@for f in app.c app.cpp; do grep -q 'slab_secret' $(README_DIR)/$$f || \
		{ echo "test-readme: FAILED, the quick start $$f does not set slab_secret"; exit 1; }; done
	@n=$$(wc -l < README.md); [ $$n -le $(README_MAX_LINES) ] || \
		{ echo "test-readme: FAILED, README.md has $$n lines, at most $(README_MAX_LINES): move the rest to docs/"; exit 1; }
	@for h in '## Quick start in C' '## Quick start in C++'; do \
		end=$$($(call readme_block_end,$$h,```sh)); \
		if [ $$end -eq 0 ] || [ $$end -gt $(README_QS_LINES) ]; then \
			echo "test-readme: FAILED, README.md's \"$$h\" ends on line $$end, not within its first $(README_QS_LINES)"; exit 1; fi; done
	$(CC) -std=c11 $(README_WARN) $(README_INC) -c hooks/buffer_pages/buffer_pages.c -o $(README_DIR)/buffer_pages.o
	$(CC) -std=c11 $(README_WARN) $(README_INC) $(README_DIR)/app.c $(README_DIR)/buffer_pages.o $(LIB) -o $(README_DIR)/app_c
	$(CXX) -std=c++17 $(README_WARN) $(README_INC) $(README_DIR)/app.cpp $(README_DIR)/buffer_pages.o $(LIB) -o $(README_DIR)/app_cpp
	./$(README_DIR)/app_c
	./$(README_DIR)/app_cpp
	$(call readme_verbatim,app.c,app.c.sh)
	$(call readme_verbatim,app.cpp,app.cpp.sh)
	@echo "test-readme: the C and C++ quick starts build -Werror clean, run, and work verbatim in a fresh clone"
