# Host build with clang.
CC := clang
CXX := clang++
AR := ar
NM := nm
SIZE := size
TC_FLAGS := -O2 -g
TC_HOST := 1

# The linker's own symbol, not a library's: a position-independent host build
# (Debian's compilers default to PIE) reads the address of the weak
# heap_page_marked (src/page_marks.hpp) through the GOT.
NM_ALLOWED += _GLOBAL_OFFSET_TABLE_
