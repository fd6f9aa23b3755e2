# Host build with clang.
CC := clang
CXX := clang++
AR := ar
NM := nm
SIZE := size
TC_FLAGS := -O2 -g
TC_HOST := 1
