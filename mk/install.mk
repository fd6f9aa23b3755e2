# make install (docs/cmake.md): this build's library ($(LIB), for the
# TOOLCHAIN, CPU, CHECKS and SLAB_DEFS given), its headers, and the files that
# let other build systems use it with the same options:
#   make install [PREFIX=/usr/local] [DESTDIR=]
#     $(DESTDIR)$(PREFIX)/include/slab/**           the headers
#     $(DESTDIR)$(PREFIX)/lib/libslab.a
#     $(DESTDIR)$(PREFIX)/lib/pkgconfig/slab.pc     pkg-config --cflags --libs slab
#     $(DESTDIR)$(PREFIX)/lib/cmake/slab/           find_package(slab CONFIG)
#   and the page providers of hooks/ (docs/cmake.md, "Page providers"):
#     $(DESTDIR)$(PREFIX)/lib/libslab_{buffer_pages,static_pages,malloc}.a
#     $(DESTDIR)$(PREFIX)/include/slab/hooks/{buffer_pages,static_pages,freertos}/*.h
#     $(DESTDIR)$(PREFIX)/share/slab/hooks/freertos/slab_freertos.c   (a source:
#                                                   FreeRTOSConfig.h is the firmware's)
#     $(DESTDIR)$(PREFIX)/lib/pkgconfig/slab-{buffer-pages,static-pages,malloc,freertos}.pc
#   e.g. make install TOOLCHAIN=arm-none-eabi CPU=cortex-m4 PREFIX=/opt/slab-m4
# The generated files come from the templates cmake --install fills
# (cmake/*.in, see CMakeLists.txt), with the same values: the -D flags the
# library is compiled with and its CPU flags, both taken from LIB_CXXFLAGS, so
# a consumer compiles with what the library was compiled with. Give a library
# built with SLAB_DEFS a BUILD= of its own: build/<toolchain> does not name
# them, and is the default build of the other targets. SLAB_MALLOC_LOCK=0|1|2
# chooses libslab_malloc.a's lock (as the CMake variable of that name).
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_ROOT = $(DESTDIR)$(PREFIX)

# Every -D the library is compiled with (CHECKS, SLAB_DEFS) becomes a
# definition of its users; so do the CPU and float-ABI flags (toolchains/*.mk),
# the same words CMakeLists.txt picks from CMAKE_CXX_FLAGS.
INSTALL_ARCH_PATTERNS := -mcpu=% -march=% -mfloat-abi=% -mfpu=% -mabi=% -mthumb -marm -mbig-endian -mlittle-endian
INSTALL_DEFS = $(patsubst -D%,%,$(filter -D%,$(LIB_CXXFLAGS)))
INSTALL_ARCH = $(filter $(INSTALL_ARCH_PATTERNS),$(LIB_CXXFLAGS))
# The version is include/slab/version.h's, as CMakeLists.txt reads it.
INSTALL_VERSION = $(shell sed -n 's/^\#define SLAB_VERSION_STRING "\([0-9.]*\)".*/\1/p' include/slab/version.h)
INSTALL_SIZEOF_VOID_P = $(shell $(CC) $(TC_FLAGS) -dM -E -x c /dev/null | awk '$$2 == "__SIZEOF_POINTER__" { print $$3 }')
INSTALL_HDRS = $(shell find include/slab -type f \( -name '*.h' -o -name '*.hpp' \) | sort)

# The page providers, as CMakeLists.txt builds them: this toolchain's
# compiler and flags (TC_FLAGS), mk/hook-flags.txt, the library's
# definitions; the page providers freestanding. Objects and archives in
# $(BUILD)/hooks/, rebuilt when the flags change (like $(LIB)).
INSTALL_HOOK_LIBS := buffer_pages static_pages malloc
INSTALL_HOOK_HDRS = $(sort $(wildcard hooks/buffer_pages/*.h hooks/static_pages/*.h hooks/freertos/*.h))
HOOK_DIR := $(BUILD)/hooks
HOOK_CFLAGS := $(TC_FLAGS) $(shell cat mk/hook-flags.txt) $(filter -D%,$(LIB_CXXFLAGS)) -Iinclude
HOOK_SRC_buffer_pages := hooks/buffer_pages/buffer_pages.c
HOOK_SRC_static_pages := hooks/static_pages/static_pages.c
HOOK_SRC_malloc := hooks/malloc/slab_malloc.c
HOOK_FLAGS_buffer_pages := -ffreestanding -Ihooks/buffer_pages
HOOK_FLAGS_static_pages := -ffreestanding -Ihooks/static_pages
HOOK_FLAGS_malloc := $(if $(SLAB_MALLOC_LOCK),-DSLAB_MALLOC_LOCK=$(SLAB_MALLOC_LOCK))
HOOK_LIBS := $(INSTALL_HOOK_LIBS:%=$(HOOK_DIR)/libslab_%.a)

HOOK_STAMP := $(HOOK_DIR)/flags.stamp
HOOK_FLAGS_NOW := $(strip $(CC) $(HOOK_CFLAGS) $(HOOK_FLAGS_malloc))
ifneq ($(HOOK_FLAGS_NOW),$(strip $(file < $(HOOK_STAMP))))
$(shell mkdir -p $(HOOK_DIR))
$(file > $(HOOK_STAMP),$(HOOK_FLAGS_NOW))
endif

define install_hook_rules
$(HOOK_DIR)/$(1).o: $(HOOK_SRC_$(1)) $(wildcard $(dir $(HOOK_SRC_$(1)))*.h) $(LIB_HDRS) $(HOOK_STAMP)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(HOOK_CFLAGS) $$(HOOK_FLAGS_$(1)) -c $$< -o $$@
$(HOOK_DIR)/libslab_$(1).a: $(HOOK_DIR)/$(1).o
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach h,$(INSTALL_HOOK_LIBS),$(eval $(call install_hook_rules,$(h))))

INSTALL_EMPTY :=
INSTALL_SPACE := $(INSTALL_EMPTY) $(INSTALL_EMPTY)
# The values of the templates, named as in CMakeLists.txt; filled by
# tools/configure_file.awk (an unset name is an error).
INSTALL_SUBST = SLAB_VERSION='$(INSTALL_VERSION)' SLAB_LIBDIR=lib SLAB_INCLUDEDIR=include SLAB_DATADIR=share \
	SLAB_CONFIG_TO_PREFIX=../../.. SLAB_SIZEOF_VOID_P='$(INSTALL_SIZEOF_VOID_P)' \
	SLAB_CMAKE_DEFINITIONS='$(subst $(INSTALL_SPACE),;,$(strip $(INSTALL_DEFS)))' \
	SLAB_CMAKE_ARCH_FLAGS='$(subst $(INSTALL_SPACE),;,$(strip $(INSTALL_ARCH)))' \
	SLAB_PC_PREFIX='$(PREFIX)' SLAB_PC_INCLUDEDIR='$${prefix}/include' SLAB_PC_LIBDIR='$${prefix}/lib' \
	SLAB_PC_DATADIR='$${prefix}/share' \
	SLAB_PC_CFLAGS='$(call install_words,$(addprefix -D,$(INSTALL_DEFS)) $(INSTALL_ARCH))' \
	SLAB_PC_LIBS='$(call install_words,$(INSTALL_ARCH))'
# $(call install_words,words): " word word" (a space first), or nothing.
install_words = $(if $(strip $(1)), $(strip $(1)))
# $(call install_configure,template,installed file)
install_configure = $(INSTALL_SUBST) awk -f tools/configure_file.awk $(1) > $(2).tmp && mv $(2).tmp $(2) || \
	{ rm -f $(2).tmp; exit 1; }

.PHONY: install
install: $(LIB) $(HOOK_LIBS)
	@test -n "$(INSTALL_VERSION)" || { echo "make install: no SLAB_VERSION_STRING in include/slab/version.h"; exit 1; }
	@test -n "$(INSTALL_SIZEOF_VOID_P)" || { echo "make install: $(CC) does not tell its pointer size"; exit 1; }
	@test -z "$(filter-out -D%,$(SLAB_DEFS))" || { echo "make install: SLAB_DEFS may hold only -D flags, not: $(filter-out -D%,$(SLAB_DEFS))"; exit 1; }
	@case "$(PREFIX)" in /*) ;; *) echo "make install: PREFIX=$(PREFIX) must be an absolute path"; exit 1;; esac
	@set -e; for h in $(INSTALL_HDRS); do \
		install -D -m 644 $$h "$(INSTALL_ROOT)/$$h"; done
	install -D -m 644 $(LIB) "$(INSTALL_ROOT)/lib/libslab.a"
	@set -e; for h in $(INSTALL_HOOK_LIBS); do \
		install -D -m 644 $(HOOK_DIR)/libslab_$$h.a "$(INSTALL_ROOT)/lib/libslab_$$h.a"; done
	@set -e; for h in $(INSTALL_HOOK_HDRS); do \
		install -D -m 644 $$h "$(INSTALL_ROOT)/include/slab/$$h"; done
	@install -D -m 644 hooks/freertos/slab_freertos.c "$(INSTALL_ROOT)/share/slab/hooks/freertos/slab_freertos.c"
	@mkdir -p "$(INSTALL_ROOT)/lib/pkgconfig" "$(INSTALL_ROOT)/lib/cmake/slab"
	@set -e; for pc in slab slab-buffer-pages slab-static-pages slab-malloc slab-freertos; do \
		$(call install_configure,cmake/$$pc.pc.in,"$(INSTALL_ROOT)/lib/pkgconfig/$$pc.pc"); done
	@$(call install_configure,cmake/slabConfig.cmake.in,"$(INSTALL_ROOT)/lib/cmake/slab/slabConfig.cmake")
	@$(call install_configure,cmake/slabConfigVersion.cmake.in,"$(INSTALL_ROOT)/lib/cmake/slab/slabConfigVersion.cmake")
	@echo "make install: slab $(INSTALL_VERSION) ($(LIB)) in $(INSTALL_ROOT):" \
		"definitions [$(strip $(INSTALL_DEFS))], CPU flags [$(strip $(INSTALL_ARCH))]"
