# The peers (issue 21): code that some targets build, unmodified and by
# path, but that is not in this repository. The FreeRTOS kernel (make
# run-freertos, test-freertos, bench-freertos, lint, test-cmake's FreeRTOS
# consumer) and the heaps the heap benchmarks measure against: o1heap, TLSF,
# umm_malloc (make bench-heap-target, bench-heap-host, test-bench-heap-smoke).
# Each peer's directory is the first of:
#   1. its variable, on the command line or in the environment:
#      FREERTOS_DIR, O1HEAP_DIR (the folder of o1heap.c), TLSF_DIR, UMM_DIR
#      (the folder of src/umm_malloc.c); used as given;
#   2. $(PEERS)/<name> (freertos-kernel, o1heap, tlsf, umm_malloc) when it
#      holds the peer. PEERS is ../shared/peers beside the repository, else
#      the machine's copy /work/shared/peers; PEERS=<dir> replaces both;
#   3. $(PEERS_DEPS)/<name> (build/_deps): the pinned archive <KEY>_URL (one
#      commit of the upstream repository), downloaded by curl or wget,
#      checked against <KEY>_SHA256, unpacked. Only when <KEY>_SHA256 is set:
#      an unchecked download is refused, and no hash is pinned below yet
#      (docs/freertos.md, "Where the kernel comes from", says how to pin it).
# Every target that builds a peer depends on peer-<name>, which fetches it
# when (3) applies; when nothing gives the peer's files, make stops there
# with one line saying what to pass. `make peers` gets all four,
# `make show-peers` prints where each one comes from.
# This file is included before the other mk/*.mk (Makefile): their rules name
# the directories resolved here.
PEERS ?= $(firstword $(wildcard $(abspath ../shared/peers) /work/shared/peers) ../shared/peers)
PEERS_DEPS ?= build/_deps
PEER_NAMES := freertos-kernel o1heap tlsf umm_malloc

# Per peer: its variable; the prefix of its _URL and _SHA256; a file its
# directory must hold; what it is (the version of the machine's copy,
# ../shared/peers/README.md); what to pass; the peer's folder inside its
# archive (after the archive's top folder).
PEER_VAR_freertos-kernel := FREERTOS_DIR
PEER_KEY_freertos-kernel := FREERTOS
PEER_FILE_freertos-kernel := tasks.c
PEER_WHAT_freertos-kernel := FreeRTOS-Kernel V11.1.0+ (4269c69a)
PEER_HINT_freertos-kernel := /path/to/FreeRTOS-Kernel
PEER_SUB_freertos-kernel :=
FREERTOS_URL ?= https://github.com/FreeRTOS/FreeRTOS-Kernel/archive/4269c69a16f924c11adeedbb31591f6fad9f41b2.tar.gz
# sha256 of FREERTOS_URL's bytes: not known here (see the top of this file).
FREERTOS_SHA256 ?=

PEER_VAR_o1heap := O1HEAP_DIR
PEER_KEY_o1heap := O1HEAP
PEER_FILE_o1heap := o1heap.c
PEER_WHAT_o1heap := o1heap 2 (b3a1aa43)
PEER_HINT_o1heap := /path/to/o1heap/o1heap
PEER_SUB_o1heap := /o1heap
# The full commit id of b3a1aa43 was not at hand: the URL has the
# abbreviated one, which GitHub's archive links are expected to resolve
# (untried here; put the full id in when you pin the hash).
O1HEAP_URL ?= https://github.com/pavel-kirienko/o1heap/archive/b3a1aa43.tar.gz
O1HEAP_SHA256 ?=

PEER_VAR_tlsf := TLSF_DIR
PEER_KEY_tlsf := TLSF
PEER_FILE_tlsf := tlsf.c
PEER_WHAT_tlsf := TLSF 3.1 (deff9ab5)
PEER_HINT_tlsf := /path/to/tlsf
PEER_SUB_tlsf :=
TLSF_URL ?= https://github.com/mattconte/tlsf/archive/deff9ab509341f264addbd3c8ada533678591905.tar.gz
TLSF_SHA256 ?=

PEER_VAR_umm_malloc := UMM_DIR
PEER_KEY_umm_malloc := UMM
PEER_FILE_umm_malloc := src/umm_malloc.c
PEER_WHAT_umm_malloc := umm_malloc (ed68d0b5)
PEER_HINT_umm_malloc := /path/to/umm_malloc
PEER_SUB_umm_malloc :=
UMM_URL ?= https://github.com/rhempel/umm_malloc/archive/ed68d0b5f40d83b34fd14cbbd99c4fc1e8aad77d.tar.gz
UMM_SHA256 ?=

# The directory of each peer, and how it was found (PEER_MODE_<name>:
# given, local or download).
define peer_resolve
ifeq ($$(origin $$(PEER_VAR_$(1))),undefined)
ifneq ($$(wildcard $$(PEERS)/$(1)/$$(PEER_FILE_$(1))),)
PEER_MODE_$(1) := local
$$(PEER_VAR_$(1)) := $$(PEERS)/$(1)
else
PEER_MODE_$(1) := download
$$(PEER_VAR_$(1)) := $$(PEERS_DEPS)/$(1)$$(PEER_SUB_$(1))
endif
else
PEER_MODE_$(1) := given
endif
endef
$(foreach p,$(PEER_NAMES),$(eval $(call peer_resolve,$(p))))

peer_dir = $($(PEER_VAR_$(1)))
peer_url = $($(PEER_KEY_$(1))_URL)
peer_sha = $($(PEER_KEY_$(1))_SHA256)
comma := ,

# $(call peer_fail,name): the one line make stops with.
peer_why = $(if $(filter given,$(PEER_MODE_$(1))),$(PEER_VAR_$(1))=$(peer_dir) has no $(PEER_FILE_$(1)),no \
	$(PEERS)/$(1)/$(PEER_FILE_$(1)) and $(if $(peer_sha),the pinned download failed: $(strip \
	$(shell cat '$(PEERS_DEPS)/$(1).failed' 2>/dev/null)),no pinned download: $(PEER_KEY_$(1))_SHA256 is unset))
peer_fail = libslab: $(PEER_WHAT_$(1)) not found ($(peer_why)): pass $(PEER_VAR_$(1))=$(PEER_HINT_$(1))$(if \
	$(filter given,$(PEER_MODE_$(1))),$(comma) or leave $(PEER_VAR_$(1)) unset to use PEERS=dir holding $(1)/ or the \
	pinned download,$(if $(peer_sha), (or PEERS=dir holding $(1)/), (or PEERS=dir holding $(1)/)$(comma) or \
	$(PEER_KEY_$(1))_SHA256=<sha256 of $(peer_url)> to allow the pinned download))

# $(call peer_fetch,name): the download, into $(PEERS_DEPS)/<name>, skipped
# when that directory already holds this URL checked against this hash. On
# any failure it writes why to $(PEERS_DEPS)/<name>.failed and leaves no
# directory; peer-<name> then stops make with peer_fail.
peer_fetch = d='$(PEERS_DEPS)/$(1)'; url='$(peer_url)'; sha='$(peer_sha)'; \
	if [ "$$(cat "$$d/.libslab-pin" 2>/dev/null)" = "$$url $$sha" ] && [ -f "$$d$(PEER_SUB_$(1))/$(PEER_FILE_$(1))" ]; \
	then exit 0; fi; \
	rm -rf "$$d" "$$d.tmp" "$$d.failed"; mkdir -p "$$d.tmp/src"; fail() { echo "$$*" > "$$d.failed"; }; \
	echo "libslab: fetching $(PEER_WHAT_$(1)) from $$url"; \
	if command -v curl >/dev/null 2>&1; then get="curl -fsSL --retry 2 -o"; \
	elif command -v wget >/dev/null 2>&1; then get="wget -q -O"; else fail "neither curl nor wget is installed"; fi; \
	[ -f "$$d.failed" ] || $$get "$$d.tmp/archive" "$$url" 2>"$$d.tmp/err" || \
		fail "$$(tail -n 1 "$$d.tmp/err") (downloading $$url)"; \
	[ -f "$$d.failed" ] || { got=$$(sha256sum "$$d.tmp/archive" | cut -d' ' -f1); [ "$$got" = "$$sha" ] || \
		fail "the archive's sha256 is $$got$(comma) not $(PEER_KEY_$(1))_SHA256=$$sha ($$url)"; }; \
	[ -f "$$d.failed" ] || tar -xzf "$$d.tmp/archive" -C "$$d.tmp/src" --strip-components=1 2>"$$d.tmp/err" || \
		fail "tar: $$(tail -n 1 "$$d.tmp/err") ($$url)"; \
	[ -f "$$d.failed" ] || [ -f "$$d.tmp/src$(PEER_SUB_$(1))/$(PEER_FILE_$(1))" ] || \
		fail "the archive has no $(patsubst /%,%/,$(PEER_SUB_$(1)))$(PEER_FILE_$(1)) ($$url)"; \
	[ -f "$$d.failed" ] || { echo "$$url $$sha" > "$$d.tmp/src/.libslab-pin" && mv "$$d.tmp/src" "$$d"; }; \
	rm -rf "$$d.tmp"

# peer-<name>: nothing to do when the directory holds the peer (and is not
# a download whose pin may have changed). Otherwise peer-fetch-<name>
# downloads when allowed, then peer-<name> checks (a rule of its own: make
# expands a rule's whole recipe before running it). Any file under a missing
# directory is made by peer-<name> too, so that a target reaching the peer's
# sources another way (make -j, an inner target) stops with the same line,
# not with "No rule to make target".
define peer_rules
.PHONY: peer-$(1) peer-fetch-$(1)
ifneq ($$(filter download,$$(PEER_MODE_$(1)))$$(if $$(wildcard $$(call peer_dir,$(1))/$$(PEER_FILE_$(1))),,missing),)
peer-$(1): peer-fetch-$(1)
	@$$(if $$(shell test -f '$$(call peer_dir,$(1))/$$(PEER_FILE_$(1))' && echo y),:,$$(error $$(call peer_fail,$(1))))
peer-fetch-$(1):
	@$$(if $$(and $$(filter download,$$(PEER_MODE_$(1))),$$(call peer_sha,$(1))),$$(call peer_fetch,$(1)),:)
$$(call peer_dir,$(1))/%: | peer-$(1)
	@$$(if $$(shell test -e '$$@' && echo y),:,$$(error $$(call peer_fail,$(1))))
else
peer-$(1): ; @:
endif
endef
$(foreach p,$(PEER_NAMES),$(eval $(call peer_rules,$(p))))

.PHONY: peers show-peers
peers: $(addprefix peer-,$(PEER_NAMES))
	@echo "peers: $(foreach p,$(PEER_NAMES),$(p) in $(call peer_dir,$(p));)"
show-peers:
	@$(foreach p,$(PEER_NAMES),echo "$(p): $(PEER_VAR_$(p))=$(call peer_dir,$(p)) ($(PEER_MODE_$(p)))";)

# test-peers: (in make test) where the peers come from, offline. With PEERS
# an empty folder and no hash, make run-freertos and make
# test-bench-heap-smoke stop at once with the one line; then the download
# path, on archives made here from the machine's kernel and o1heap (file://
# URLs): a right hash unpacks them into PEERS_DEPS and the peers resolve
# there; a wrong hash stops with the one line, leaving nothing behind.
TEST_TARGETS += test-peers
DEPS_test-peers := curl
DEPS_PKGS += $(DEPS_test-peers)
PEERS_TEST_MAKE = env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(MAKE) --no-print-directory -s \
	-C $(CURDIR) PEERS=$$t/empty PEERS_DEPS=$$t/deps

# $(call peers_test_fail,make arguments,text the last line must hold,what,lines):
# a non-zero status, that many lines of output (1 unless given), the last
# one holding the text.
define peers_test_fail
	{ out=$$($(PEERS_TEST_MAKE) $(1) 2>&1); status=$$?; \
	if [ $$status = 0 ] || [ "$$(printf '%s\n' "$$out" | wc -l)" != $(or $(4),1) ] || \
		! printf '%s\n' "$$out" | tail -n 1 | grep -qF -- "$(2)"; then printf '%s\n' "$$out" | head -n 20; \
		echo "test-peers: FAILED: $(3): status $$status$(comma) expected $(or $(4),1) line(s)$(comma) the last with '$(2)'"; exit 1; fi; \
	echo "test-peers: $(3): $$(printf '%s\n' "$$out" | tail -n 1)"; }
endef

.PHONY: test-peers
test-peers: peer-freertos-kernel peer-o1heap
	@t=$$(mktemp -d) && trap 'rm -rf "$$t"' EXIT && mkdir -p $$t/empty $$t/arc/FreeRTOS-Kernel-x $$t/arc/o1heap-x && \
	$(call peers_test_fail,run-freertos,libslab: FreeRTOS-Kernel V11.1.0+ (4269c69a) not found,run-freertos without a kernel) && \
	$(call peers_test_fail,test-bench-heap-smoke,libslab: o1heap 2 (b3a1aa43) not found,test-bench-heap-smoke without the peers) && \
	$(call peers_test_fail,FREERTOS_DIR=$$t/none run-freertos,FREERTOS_DIR=$$t/none has no tasks.c,FREERTOS_DIR without a kernel) && \
	cp -R $(FREERTOS_DIR)/. $$t/arc/FreeRTOS-Kernel-x && cp -R $(O1HEAP_DIR) $$t/arc/o1heap-x/o1heap && \
	tar -czf $$t/k.tar.gz -C $$t/arc FreeRTOS-Kernel-x && tar -czf $$t/o.tar.gz -C $$t/arc o1heap-x && \
	dl="FREERTOS_URL=file://$$t/k.tar.gz O1HEAP_URL=file://$$t/o.tar.gz" && \
	sums="FREERTOS_SHA256=$$(sha256sum $$t/k.tar.gz | cut -d' ' -f1) O1HEAP_SHA256=$$(sha256sum $$t/o.tar.gz | cut -d' ' -f1)" && \
	$(PEERS_TEST_MAKE) $$dl $$sums peer-freertos-kernel peer-o1heap > $$t/fetch.log 2>&1 || \
		{ cat $$t/fetch.log; echo "test-peers: FAILED: the pinned download of file:// archives"; exit 1; } && \
	$(PEERS_TEST_MAKE) $$dl $$sums show-peers > $$t/show.log && \
	grep -qx "freertos-kernel: FREERTOS_DIR=$$t/deps/freertos-kernel (download)" $$t/show.log && \
	grep -qx "o1heap: O1HEAP_DIR=$$t/deps/o1heap/o1heap (download)" $$t/show.log && \
	cmp -s $(FREERTOS_DIR)/tasks.c $$t/deps/freertos-kernel/tasks.c && cmp -s $(O1HEAP_DIR)/o1heap.c $$t/deps/o1heap/o1heap/o1heap.c || \
		{ cat $$t/fetch.log $$t/show.log; echo "test-peers: FAILED: the downloads are not where the peers resolve"; exit 1; } && \
	echo "test-peers: file:// archives with their sha256 unpacked into PEERS_DEPS: $$(grep -c '^libslab: fetching' $$t/fetch.log) fetched, both resolve there" && \
	rm -rf $$t/deps && \
	$(call peers_test_fail,$$dl FREERTOS_SHA256=0000 run-freertos,not FREERTOS_SHA256=0000,a wrong hash,2) && \
	if [ -e $$t/deps/freertos-kernel ]; then echo "test-peers: FAILED: a wrong hash left $$t/deps/freertos-kernel"; exit 1; fi
