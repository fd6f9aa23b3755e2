# CMake toolchain file for bare-metal Arm with Debian's arm-none-eabi GCC
# (package gcc-arm-none-eabi), for any Cortex-M (docs/cmake.md):
#
#   cmake -S . -B build/fw -DCMAKE_TOOLCHAIN_FILE=path/to/toolchains/arm-none-eabi.cmake \
#         -DARM_CPU_FLAGS="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
#
# ARM_CPU_FLAGS is the CPU and its float ABI; every object of the firmware,
# libslab included, is compiled and linked with it (toolchains/arm-none-eabi.mk
# lists the flags the Makefile uses per CPU). The firmware's own link flags
# (linker script, start files, libraries) are the project's business.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(ARM_CPU_FLAGS "${ARM_CPU_FLAGS}" CACHE STRING "CPU and float-ABI flags, e.g. -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
if(ARM_CPU_FLAGS STREQUAL "")
  message(FATAL_ERROR "arm-none-eabi.cmake: set ARM_CPU_FLAGS, e.g. "
    "-DARM_CPU_FLAGS=\"-mcpu=cortex-m3 -mthumb\" or "
    "-DARM_CPU_FLAGS=\"-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16\"")
endif()
# try_compile() projects read this file again: pass the flags on to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ARM_CPU_FLAGS)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar CACHE FILEPATH "archiver")
set(CMAKE_RANLIB arm-none-eabi-ranlib CACHE FILEPATH "ranlib")
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "size")

# No operating system to link a test program for: the compiler checks build
# a static library instead of an executable.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# One section per function and object, so --gc-sections drops what is unused.
set(CMAKE_C_FLAGS_INIT "${ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${ARM_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${ARM_CPU_FLAGS}")

# Headers and libraries of the target come from the toolchain's sysroot and
# the project, never from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
