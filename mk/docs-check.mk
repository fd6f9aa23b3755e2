# The figures of README.md and docs/*.md against the commands that measure
# them (tools/docs-check.sh says how figures are marked; docs/development.md
# says when to run what).
#   make docs-check      every marked figure, table and measured-on line
#                        agrees with its source: the cheap measurements
#                        (make size, bench-target, bench-overhead) are run,
#                        the slow ones are read from their recorded output
#                        in docs/data/; fails on the first disagreement list
#   make docs-update     rewrites the marks that disagree from the same
#                        sources: after a change that moves a size or an
#                        instruction count, never by hand
#   make docs-record DOCS_RECORD='bench-instr ...'
#                        runs those slow benchmarks again, keeps their output
#                        in docs/data/ (dated, with the machine), then updates
# test-docs-check is docs-check as a suite of make test, and a self-test:
# the checker must find a wrong figure and a wrong table planted in a
# scratch document (so a checker that matches nothing cannot pass).
DEPS_test-docs-check := $(DEPS_ARM) mawk
DEPS_docs-check := $(DEPS_test-docs-check)
DEPS_docs-update := $(DEPS_test-docs-check)
DEPS_PKGS += $(DEPS_test-docs-check)
TEST_TARGETS += test-docs-check
DOCS_RECORD ?=

.PHONY: docs-check test-docs-check docs-update docs-record
docs-check:
	@MAKE="$(MAKE)" tools/docs-check.sh check
test-docs-check:
	@MAKE="$(MAKE)" tools/docs-check.sh check
	@MAKE="$(MAKE)" tools/docs-check.sh selftest
docs-update:
	@MAKE="$(MAKE)" tools/docs-check.sh update
docs-record:
	@MAKE="$(MAKE)" tools/docs-check.sh record $(DOCS_RECORD)
