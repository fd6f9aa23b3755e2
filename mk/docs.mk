# API reference (issue 21): Doxygen over the public headers, include/slab/
# and the page providers' hooks/*/*.h (Doxyfile says what is public).
#   make docs        build/docs/html/index.html. Fails, and prints why, on any
#                    doxygen warning (Doxyfile: WARN_AS_ERROR): a public
#                    symbol, parameter or return value with no documentation,
#                    a broken @ref, a doc-comment error; and on two gaps of
#                    doxygen 1.9.4, checked here: an enum value with no
#                    documentation (build/docs/xml/), a header with no @file
#                    block (doxygen then drops its declarations silently)
#   make test-docs   the same, as a suite of make test
# (`docs` is phony: the docs/ folder of guides is another thing.)
DOCS_DIR := build/docs
TEST_TARGETS += test-docs
DEPS_docs := doxygen
DEPS_test-docs := $(DEPS_docs)
DEPS_PKGS += $(DEPS_docs)

# Each <enumvalue> of the XML output without a <para> of documentation, as
# "enum value NAME is not documented".
docs_undoc_enum_values = awk '/<enumvalue /{v=1; d=0; n=""; next} \
	v && /<name>/{n=$$0; sub(/.*<name>/, "", n); sub(/<\/name>.*/, "", n)} \
	v && /<para>/{d=1} \
	v && /<\/enumvalue>/{if (!d) print "error: enum value " n " is not documented"; v=0}' \
	$(DOCS_DIR)/xml/*.xml | sort -u

# The headers (Doxyfile's INPUT; hooks/buddy is the providers' internal core,
# not installed): doxygen says nothing of a header with no
# @file block, and leaves its functions, macros and types out in silence.
DOCS_HEADERS := $(filter-out include/slab/build_secret.h hooks/buddy/%,$(wildcard include/slab/*.h include/slab/*.hpp hooks/*/*.h))
# Its page, html/<name>.html (doxygen's name: _ doubled, . as _8), is missing.
docs_undoc_files = for f in $(DOCS_HEADERS); do \
	test -f $(DOCS_DIR)/html/$$(basename $$f | sed 's/_/__/g; s/\./_8/g').html || \
	echo "$$f:1: error: no @file block: nothing declared here is in the reference"; done

.PHONY: docs test-docs
docs:
	@command -v doxygen > /dev/null || { echo "make docs: no doxygen: make deps-docs"; exit 1; }
	@rm -rf $(DOCS_DIR) && mkdir -p $(DOCS_DIR)
	@doxygen Doxyfile 2> $(DOCS_DIR)/warnings.log; status=$$?; \
	{ $(docs_undoc_files); $(docs_undoc_enum_values); } >> $(DOCS_DIR)/warnings.log; \
	n=$$(grep 'warning:\|error:' $(DOCS_DIR)/warnings.log | sort -u | wc -l); \
	if [ $$status -ne 0 ] || [ -s $(DOCS_DIR)/warnings.log ]; then \
		sed 's#^$(CURDIR)/##' $(DOCS_DIR)/warnings.log; \
		echo "make docs: FAILED, $$n warning(s), doxygen status $$status (every public symbol documented: Doxyfile)"; \
		exit 1; fi; \
	echo "make docs: $(DOCS_DIR)/html/index.html, no warning (doxygen $$(doxygen --version), $$(ls $(DOCS_DIR)/html/*.html | wc -l) pages)"

test-docs: docs
