# Host build with GCC: the library for tests, examples and benchmarks.
# A toolchain file sets the compilers and the target flags; nothing else.
CC := gcc
CXX := g++
AR := ar
NM := nm
SIZE := size
TC_FLAGS := -O2 -g
TC_HOST := 1
