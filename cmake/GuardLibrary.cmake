# libguardvm, the C API (include/guardvm/guardvm.h, api/), and the Python
# package on it (python/guardvm). Included by the top-level CMakeLists.txt
# after guard_cli; cmake/GuardInstall.cmake installs both.
#
# The shared library links the same static libraries as the programs (built
# position-independent for it, see CMakeLists.txt) and exports only the
# guardvm_* functions (api/guardvm.map). Its ABI version (SOVERSION) changes
# only when a published function changes meaning or signature.

set(GUARD_SOVERSION 0)
add_library(guardvm_c SHARED ${CMAKE_SOURCE_DIR}/api/guardvm.cpp)
set_target_properties(guardvm_c PROPERTIES
  OUTPUT_NAME guardvm
  VERSION ${PROJECT_VERSION}
  SOVERSION ${GUARD_SOVERSION}
  CXX_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON
  LINK_DEPENDS ${CMAKE_SOURCE_DIR}/api/guardvm.map)
target_include_directories(guardvm_c PUBLIC
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(guardvm_c PRIVATE guard_cli)
target_compile_options(guardvm_c PRIVATE ${GUARD_WARNINGS})
target_link_options(guardvm_c PRIVATE -Wl,--version-script=${CMAKE_SOURCE_DIR}/api/guardvm.map -Wl,--no-undefined)

# pkg-config file (installed to <libdir>/pkgconfig), relative to itself so
# that it holds under any prefix (cmake --install --prefix, cpack).
include(GNUInstallDirs)
file(RELATIVE_PATH GUARD_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${CMAKE_SOURCE_DIR}/api/guardvm.pc.in ${CMAKE_BINARY_DIR}/install-stage/guardvm.pc @ONLY)

# Where the Python package finds the library once installed: a path
# relative to the package's folder, the same under every prefix.
set(GUARD_PYTHON_DIR lib/python3/dist-packages CACHE STRING
    "Where the Python package is installed, relative to the prefix (Debian's layout)")
file(RELATIVE_PATH GUARD_PYTHON_TO_LIB /prefix/${GUARD_PYTHON_DIR}/guardvm
     /prefix/${CMAKE_INSTALL_LIBDIR}/libguardvm.so.${GUARD_SOVERSION})
file(WRITE ${CMAKE_BINARY_DIR}/install-stage/python/_libpath.py
  "# Written by cmake/GuardLibrary.cmake: libguardvm relative to this folder.\n"
  "LIBRARY = \"${GUARD_PYTHON_TO_LIB}\"\n")
