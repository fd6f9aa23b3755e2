# Cross build for Arm Cortex-M with Debian's arm-none-eabi GCC:
#   make TOOLCHAIN=arm-none-eabi CPU=cortex-m3     build/arm-none-eabi-cortex-m3/libslab.a
# CPU is one of ARM_CPUS below. The flags are the ABI of the library: every
# object linked with it (firmware, tests) is built with ARM_ARCH_FLAGS too.
ARM_CPUS := cortex-m0 cortex-m0plus cortex-m3 cortex-m4 cortex-m7 cortex-m23 cortex-m33 cortex-m55
CPU ?= cortex-m3
ifeq ($(filter $(CPU),$(ARM_CPUS)),)
$(error toolchains/arm-none-eabi.mk: CPU=$(CPU) is not one of: $(ARM_CPUS))
endif

CC := arm-none-eabi-gcc
CXX := arm-none-eabi-g++
AR := arm-none-eabi-ar
NM := arm-none-eabi-nm
SIZE := arm-none-eabi-size
OBJCOPY := arm-none-eabi-objcopy

# Floating point: the M4F and M7 use their FPU with the hard-float calling
# convention (Debian ships v7e-m+fp/hard and v7e-m+dp/hard multilibs), and
# so does the M55 (its only multilib is v8.1-m.main+mve/hard; -mcpu gives the
# FPU and MVE). The library itself has no floating-point code; the ABI must
# still match the firmware it is linked into. M0, M0+, M3, M23 and M33 are
# built soft-float.
ARM_FLOAT_cortex-m4 := -mfloat-abi=hard -mfpu=fpv4-sp-d16
ARM_FLOAT_cortex-m7 := -mfloat-abi=hard -mfpu=fpv5-d16
ARM_FLOAT_cortex-m55 := -mfloat-abi=hard
ARM_ARCH_FLAGS := -mcpu=$(CPU) -mthumb $(ARM_FLOAT_$(CPU))

# -Os for targets; one section per function and per object so the firmware's
# --gc-sections drops what it does not call. -g costs no flash.
TC_FLAGS := $(ARM_ARCH_FLAGS) -Os -g -ffunction-sections -fdata-sections
TC_HOST :=

# No mem* either: the library must link into firmware with no libc (issue 3).
# (src/ avoids what GCC lowers to them, such as zero-initialising a struct.)
NM_MEM_FUNCS :=

# Run-time helpers GCC may call from freestanding code: integer division
# (ARMv6-M has no divide instruction), 64-bit multiply and shifts, and bit
# counting (no CLZ on ARMv6-M).
NM_ALLOWED += __aeabi_uidiv __aeabi_uidivmod __aeabi_idiv __aeabi_idivmod \
	__aeabi_uldivmod __aeabi_ldivmod __aeabi_lmul __aeabi_llsl __aeabi_llsr __aeabi_lasr __aeabi_memcpy __aeabi_memcpy4 \
	__aeabi_memset __aeabi_memclr __aeabi_memclr4 __aeabi_memmove \
	__clzsi2 __ctzsi2 __popcountsi2 __gnu_thumb1_case_uqi \
	__gnu_thumb1_case_sqi __gnu_thumb1_case_uhi __gnu_thumb1_case_shi \
	__gnu_thumb1_case_si
