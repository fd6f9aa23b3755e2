# The FreeRTOS kernel at the version libslab's FreeRTOS adapter
# (hooks/freertos/) is built and tested with, for a firmware that takes both
# through CMake (docs/freertos.md, "Where the kernel comes from"):
#
#   include(${slab_SOURCE_DIR}/cmake/FetchFreeRTOSKernel.cmake)
#   # FreeRTOS-Kernel's own CMake wants a freertos_config target and FREERTOS_PORT
#   FetchContent_MakeAvailable(freertos_kernel)   # or FetchContent_GetProperties
#
# This only declares the content (FetchContent name freertos_kernel); libslab's
# own CMakeLists.txt builds nothing with FreeRTOS. Where the sources come from,
# the first that applies:
#   -DFETCHCONTENT_SOURCE_DIR_FREERTOS_KERNEL=dir   FetchContent's own override
#   -DFREERTOS_DIR=dir                              the same, under the name the
#                                                   Makefile uses
#   the pinned archive SLAB_FREERTOS_KERNEL_URL, checked against
#   SLAB_FREERTOS_KERNEL_SHA256. That hash is not pinned yet (the archive could
#   not be fetched where this was written): while it is empty the download
#   is NOT verified, and configuring says so in a warning. Set it (the command
#   is in docs/freertos.md) to have FetchContent check it.
include_guard(GLOBAL)
include(FetchContent)

set(SLAB_FREERTOS_KERNEL_VERSION "V11.1.0+ (4269c69a)")
set(SLAB_FREERTOS_KERNEL_URL
  "https://github.com/FreeRTOS/FreeRTOS-Kernel/archive/4269c69a16f924c11adeedbb31591f6fad9f41b2.tar.gz"
  CACHE STRING "Archive of the FreeRTOS kernel libslab is tested with (a commit of FreeRTOS/FreeRTOS-Kernel)")
set(SLAB_FREERTOS_KERNEL_SHA256 ""
  CACHE STRING "sha256 of SLAB_FREERTOS_KERNEL_URL; empty: the download is not verified")

# Files unpacked from the archive get the time of the extraction (CMake 3.24+
# warns unless told), so that a new pin rebuilds what it changes.
set(_slab_freertos_args URL "${SLAB_FREERTOS_KERNEL_URL}")
if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.24)
  list(APPEND _slab_freertos_args DOWNLOAD_EXTRACT_TIMESTAMP TRUE)
endif()

if(NOT FETCHCONTENT_SOURCE_DIR_FREERTOS_KERNEL AND FREERTOS_DIR)
  set(FETCHCONTENT_SOURCE_DIR_FREERTOS_KERNEL "${FREERTOS_DIR}")
endif()

if(FETCHCONTENT_SOURCE_DIR_FREERTOS_KERNEL)
  get_filename_component(_slab_freertos_dir "${FETCHCONTENT_SOURCE_DIR_FREERTOS_KERNEL}" ABSOLUTE)
  if(NOT EXISTS "${_slab_freertos_dir}/tasks.c" OR NOT EXISTS "${_slab_freertos_dir}/include/task.h")
    message(FATAL_ERROR "libslab: FreeRTOS-Kernel ${SLAB_FREERTOS_KERNEL_VERSION} not found "
      "(${_slab_freertos_dir} has no tasks.c and include/task.h): pass -DFREERTOS_DIR=/path/to/FreeRTOS-Kernel "
      "(or -DFETCHCONTENT_SOURCE_DIR_FREERTOS_KERNEL=), or leave both unset for the pinned download "
      "(${SLAB_FREERTOS_KERNEL_URL})")
  endif()
  set(FETCHCONTENT_SOURCE_DIR_FREERTOS_KERNEL "${_slab_freertos_dir}")
  FetchContent_Declare(freertos_kernel ${_slab_freertos_args})
elseif(SLAB_FREERTOS_KERNEL_SHA256)
  FetchContent_Declare(freertos_kernel ${_slab_freertos_args} URL_HASH "SHA256=${SLAB_FREERTOS_KERNEL_SHA256}")
else()
  message(WARNING "libslab: FreeRTOS-Kernel ${SLAB_FREERTOS_KERNEL_VERSION} will be downloaded from "
    "${SLAB_FREERTOS_KERNEL_URL} WITHOUT a hash check (SLAB_FREERTOS_KERNEL_SHA256 is empty): "
    "pass -DFREERTOS_DIR=/path/to/FreeRTOS-Kernel to use a copy you have, or -DSLAB_FREERTOS_KERNEL_SHA256= "
    "to check the download")
  FetchContent_Declare(freertos_kernel ${_slab_freertos_args})
endif()
