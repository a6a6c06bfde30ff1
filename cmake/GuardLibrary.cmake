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

# Where the Python package goes, in Debian's layout: lib/python3/dist-packages
# under a prefix ending in /usr (where Debian packages put modules),
# lib/python3.N/dist-packages elsewhere (/usr/local: where Debian's python3.N
# looks for locally installed modules). Chosen when installing, from the
# prefix then in force, as the zsh completions' folder is (GuardInstall.cmake);
# -DGUARD_PYTHON_DIR=... fixes it. Both are two folders below the prefix's lib.
set(GUARD_PYTHON_DIR "" CACHE STRING
    "Where the Python package is installed, relative to the prefix (empty: Debian's layout, by prefix)")
if(EXISTS /usr/bin/python3)
  set(GUARD_PYTHON_FOR_LAYOUT /usr/bin/python3)
else()
  find_package(Python3 COMPONENTS Interpreter)
  set(GUARD_PYTHON_FOR_LAYOUT ${Python3_EXECUTABLE})
endif()
execute_process(COMMAND ${GUARD_PYTHON_FOR_LAYOUT} -c "import sys; print('python%d.%d' % sys.version_info[:2])"
                OUTPUT_VARIABLE GUARD_PYTHON_VERSIONED OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT GUARD_PYTHON_VERSIONED)
  set(GUARD_PYTHON_VERSIONED python3)
endif()
if(GUARD_PYTHON_DIR)
  set(GUARD_PYTHON_DESTINATION ${GUARD_PYTHON_DIR})
else()
  install(CODE "
    if(CMAKE_INSTALL_PREFIX MATCHES \"(^|/)usr/?$\")
      set(GUARD_PY_SUBDIR python3)
    else()
      set(GUARD_PY_SUBDIR ${GUARD_PYTHON_VERSIONED})
    endif()" COMPONENT library)
  set(GUARD_PYTHON_DESTINATION "lib/\${GUARD_PY_SUBDIR}/dist-packages")
endif()
# Where the Python package finds the library once installed: a path
# relative to the package's folder, the same under every prefix.
file(RELATIVE_PATH GUARD_PYTHON_TO_LIB /prefix/lib/python3/dist-packages/guardvm
     /prefix/${CMAKE_INSTALL_LIBDIR}/libguardvm.so.${GUARD_SOVERSION})
if(GUARD_PYTHON_DIR)
  file(RELATIVE_PATH GUARD_PYTHON_TO_LIB /prefix/${GUARD_PYTHON_DIR}/guardvm
       /prefix/${CMAKE_INSTALL_LIBDIR}/libguardvm.so.${GUARD_SOVERSION})
endif()
file(WRITE ${CMAKE_BINARY_DIR}/install-stage/python/_libpath.py
  "# Written by cmake/GuardLibrary.cmake: libguardvm relative to this folder.\n"
  "LIBRARY = \"${GUARD_PYTHON_TO_LIB}\"\n")
