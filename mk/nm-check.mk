# The library's external references: nothing but the program's three
# symbols (the two hooks and slab_secret, slab/hooks.h) and the
# mem* functions GCC may emit even in freestanding code (issue 2). Toolchain
# files may add to NM_ALLOWED (e.g. AEABI helpers on ARM) or empty
# NM_MEM_FUNCS (ARM: a board's firmware need not have a libc at all).
NM_MEM_FUNCS ?= memcpy memmove memset memcmp
NM_ALLOWED += slab_page_alloc slab_page_free slab_secret $(NM_MEM_FUNCS)
TEST_TARGETS += test-nm
DEPS_test-nm :=

.PHONY: test-nm
test-nm: $(LIB)
	@undef=$$($(NM) -u $(LIB) | awk 'NF==2 {print $$2}' | sort -u); \
	def=$$($(NM) --defined-only $(LIB) | awk 'NF==3 {print $$3}' | sort -u); \
	ext=$$(comm -23 <(echo "$$undef") <(echo "$$def")); \
	bad=$$(for s in $$ext; do case " $(NM_ALLOWED) " in *" $$s "*) ;; *) echo $$s;; esac; done); \
	echo "test-nm: $(LIB) references:" $$ext; \
	if [ -n "$$bad" ]; then echo "test-nm: FAILED, unexpected external symbols:" $$bad; exit 1; fi
