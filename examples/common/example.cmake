# SPDX-License-Identifier: MIT
# What the boards of examples/ share: the settings a board's CMakeLists.txt
# needs before project(), and its demo firmware. A board's CMakeLists.txt:
#
#   set(ARM_CPU_FLAGS "-mcpu=... -mthumb" CACHE STRING "CPU flags of the part")
#   include("${CMAKE_CURRENT_SOURCE_DIR}/../common/example.cmake")
#   project(<name> C CXX)
#   add_subdirectory("${LIBSLAB_DIR}" libslab)     # libslab's options before it
#   slab_example_demo(<linker script> <objcopy format> <image suffix>)
#
# libslab is taken from LIBSLAB_DIR (this repository's root by default:
# point it at your copy), cross-compiled with its
# toolchains/arm-none-eabi.cmake for the board's CPU (ARM_CPU_FLAGS). The
# reset path (reset.h) and the semihosting I/O (semihost.c, semihost.h) are
# the repository's firmware/ ones, taken from LIBSLAB_DIR too.
set(LIBSLAB_DIR "${CMAKE_CURRENT_SOURCE_DIR}/../.." CACHE PATH "libslab's source tree")
if(NOT CMAKE_TOOLCHAIN_FILE)
  set(CMAKE_TOOLCHAIN_FILE "${LIBSLAB_DIR}/toolchains/arm-none-eabi.cmake")
endif()
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE MinSizeRel CACHE STRING "Build type")
endif()
set(_SLAB_EXAMPLE_COMMON "${CMAKE_CURRENT_LIST_DIR}")

# slab_example_demo(<linker script> <objcopy format> <image suffix>): demo.elf
# from common/demo.c and the board's board.c and startup.c, linked with
# the board's linker script, no start files and no libc (startup.c is the
# reset path, semihost.c the I/O; libgcc for the helpers the compiler calls,
# such as ARMv6-M's division), pages from slab::buffer_pages; then
# demo.<image suffix>, the image a flashing tool takes (objcopy -O <format>).
function(slab_example_demo linker_script image_format image_suffix)
  add_executable(demo
    "${_SLAB_EXAMPLE_COMMON}/demo.c"
    board.c
    startup.c
    "${LIBSLAB_DIR}/firmware/semihost.c")
  set_target_properties(demo PROPERTIES SUFFIX ".elf" C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
  target_include_directories(demo PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}" "${LIBSLAB_DIR}/firmware")
  target_compile_options(demo PRIVATE -ffreestanding -Wall -Wextra -Werror)
  set(script "${CMAKE_CURRENT_SOURCE_DIR}/${linker_script}")
  target_link_options(demo PRIVATE -nostartfiles -nostdlib -Wl,--gc-sections "-T${script}"
    "-Wl,-Map=$<TARGET_FILE_DIR:demo>/demo.map" -Wl,--print-memory-usage)
  set_property(TARGET demo APPEND PROPERTY LINK_DEPENDS "${script}")
  target_link_libraries(demo PRIVATE slab::buffer_pages slab::slab gcc)
  add_custom_command(TARGET demo POST_BUILD
    COMMAND "${CMAKE_OBJCOPY}" -O ${image_format} "$<TARGET_FILE:demo>" "$<TARGET_FILE_DIR:demo>/demo.${image_suffix}"
    COMMENT "demo.${image_suffix}")
endfunction()
