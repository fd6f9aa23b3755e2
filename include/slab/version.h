/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @brief libslab's version: the one release number that the header, the
 * CMake package (find_package(slab 0.3 CONFIG)), pkg-config (slab.pc) and
 * CHANGELOG.md carry. CMakeLists.txt and mk/install.mk read it from here.
 */
#ifndef SLAB_VERSION_H
#define SLAB_VERSION_H

/** @brief Major version: changes break the API or the ABI. */
#define SLAB_VERSION_MAJOR 0
/** @brief Minor version: additions, and while MAJOR is 0 also breaking changes. */
#define SLAB_VERSION_MINOR 3
/** @brief Patch version: fixes only. */
#define SLAB_VERSION_PATCH 0
/** @brief "MAJOR.MINOR.PATCH". */
#define SLAB_VERSION_STRING "0.3.0"
/** @brief MAJOR * 10000 + MINOR * 100 + PATCH, for `#if SLAB_VERSION_NUMBER >= 300`. */
#define SLAB_VERSION_NUMBER (SLAB_VERSION_MAJOR * 10000 + SLAB_VERSION_MINOR * 100 + SLAB_VERSION_PATCH)

#endif /* SLAB_VERSION_H */
