# make install (docs/cmake.md): this build's library ($(LIB), for the
# TOOLCHAIN, CPU, CHECKS and SLAB_DEFS given), its headers, and the files that
# let other build systems use it with the same options:
#   make install [PREFIX=/usr/local] [DESTDIR=]
#     $(DESTDIR)$(PREFIX)/include/slab/**           the headers
#     $(DESTDIR)$(PREFIX)/lib/libslab.a
#     $(DESTDIR)$(PREFIX)/lib/pkgconfig/slab.pc     pkg-config --cflags --libs slab
#     $(DESTDIR)$(PREFIX)/lib/cmake/slab/           find_package(slab CONFIG)
#   e.g. make install TOOLCHAIN=arm-none-eabi CPU=cortex-m4 PREFIX=/opt/slab-m4
# The generated files come from the templates cmake --install fills
# (cmake/*.in, see CMakeLists.txt), with the same values: the -D flags the
# library is compiled with and its CPU flags, both taken from LIB_CXXFLAGS, so
# a consumer compiles with what the library was compiled with. Give a library
# built with SLAB_DEFS a BUILD= of its own: build/<toolchain> does not name
# them, and is the default build of the other targets.
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_ROOT = $(DESTDIR)$(PREFIX)

# Every -D the library is compiled with (CHECKS, SLAB_DEFS) becomes a
# definition of its users; so do the CPU and float-ABI flags (toolchains/*.mk),
# the same words CMakeLists.txt picks from CMAKE_CXX_FLAGS.
INSTALL_ARCH_PATTERNS := -mcpu=% -march=% -mfloat-abi=% -mfpu=% -mabi=% -mthumb -marm -mbig-endian -mlittle-endian
INSTALL_DEFS = $(patsubst -D%,%,$(filter -D%,$(LIB_CXXFLAGS)))
INSTALL_ARCH = $(filter $(INSTALL_ARCH_PATTERNS),$(LIB_CXXFLAGS))
# The version is the one of project() in CMakeLists.txt.
INSTALL_VERSION = $(shell sed -n 's/^project.slab VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
INSTALL_SIZEOF_VOID_P = $(shell $(CC) $(TC_FLAGS) -dM -E -x c /dev/null | awk '$$2 == "__SIZEOF_POINTER__" { print $$3 }')
INSTALL_HDRS = $(shell find include/slab -type f \( -name '*.h' -o -name '*.hpp' \) | sort)

INSTALL_EMPTY :=
INSTALL_SPACE := $(INSTALL_EMPTY) $(INSTALL_EMPTY)
# The values of the templates, named as in CMakeLists.txt; filled by
# tools/configure_file.awk (an unset name is an error).
INSTALL_SUBST = SLAB_VERSION='$(INSTALL_VERSION)' SLAB_LIBDIR=lib SLAB_INCLUDEDIR=include \
	SLAB_CONFIG_TO_PREFIX=../../.. SLAB_SIZEOF_VOID_P='$(INSTALL_SIZEOF_VOID_P)' \
	SLAB_CMAKE_DEFINITIONS='$(subst $(INSTALL_SPACE),;,$(strip $(INSTALL_DEFS)))' \
	SLAB_CMAKE_ARCH_FLAGS='$(subst $(INSTALL_SPACE),;,$(strip $(INSTALL_ARCH)))' \
	SLAB_PC_PREFIX='$(PREFIX)' SLAB_PC_INCLUDEDIR='$${prefix}/include' SLAB_PC_LIBDIR='$${prefix}/lib' \
	SLAB_PC_CFLAGS='$(call install_words,$(addprefix -D,$(INSTALL_DEFS)) $(INSTALL_ARCH))' \
	SLAB_PC_LIBS='$(call install_words,$(INSTALL_ARCH))'
# $(call install_words,words): " word word" (a space first), or nothing.
install_words = $(if $(strip $(1)), $(strip $(1)))
# $(call install_configure,template,installed file)
install_configure = $(INSTALL_SUBST) awk -f tools/configure_file.awk $(1) > $(2).tmp && mv $(2).tmp $(2) || \
	{ rm -f $(2).tmp; exit 1; }

.PHONY: install
install: $(LIB)
	@test -n "$(INSTALL_VERSION)" || { echo "make install: no 'project(slab VERSION x.y.z' line in CMakeLists.txt"; exit 1; }
	@test -n "$(INSTALL_SIZEOF_VOID_P)" || { echo "make install: $(CC) does not tell its pointer size"; exit 1; }
	@test -z "$(filter-out -D%,$(SLAB_DEFS))" || { echo "make install: SLAB_DEFS may hold only -D flags, not: $(filter-out -D%,$(SLAB_DEFS))"; exit 1; }
	@case "$(PREFIX)" in /*) ;; *) echo "make install: PREFIX=$(PREFIX) must be an absolute path"; exit 1;; esac
	@set -e; for h in $(INSTALL_HDRS); do \
		install -D -m 644 $$h "$(INSTALL_ROOT)/$$h"; done
	install -D -m 644 $(LIB) "$(INSTALL_ROOT)/lib/libslab.a"
	@mkdir -p "$(INSTALL_ROOT)/lib/pkgconfig" "$(INSTALL_ROOT)/lib/cmake/slab"
	@$(call install_configure,cmake/slab.pc.in,"$(INSTALL_ROOT)/lib/pkgconfig/slab.pc")
	@$(call install_configure,cmake/slabConfig.cmake.in,"$(INSTALL_ROOT)/lib/cmake/slab/slabConfig.cmake")
	@$(call install_configure,cmake/slabConfigVersion.cmake.in,"$(INSTALL_ROOT)/lib/cmake/slab/slabConfigVersion.cmake")
	@echo "make install: slab $(INSTALL_VERSION) ($(LIB)) in $(INSTALL_ROOT):" \
		"definitions [$(strip $(INSTALL_DEFS))], CPU flags [$(strip $(INSTALL_ARCH))]"
