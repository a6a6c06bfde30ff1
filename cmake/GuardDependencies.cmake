# Finds the libraries guardvm and guardc link and defines `guard_deps`, the one
# target guard_runtime links for them. Included by the top-level CMakeLists.txt.
#
# By default the shared libraries are linked (a Debian package then depends on
# libre2-9, libyaml-0-2, libpcre2-8-0, libsimdjson14, libstdc++6, ...).
# GUARD_STATIC=ON links the static archives Debian ships instead (libre2.a,
# libyaml.a, libpcre2-8.a, libz.a, libtinfo.a) and libstdc++/libgcc statically;
# Debian ships simdjson as a shared library only, so that one stays dynamic
# (README.md, "Install", has the resulting `ldd`).
#
# Defined here: guard_deps, llvm_support, PkgConfig::YAML, PkgConfig::RE2,
# PkgConfig::PCRE2, simdjson::simdjson, CLI11::CLI11, Threads::Threads.

option(GUARD_STATIC "Link re2, libyaml, pcre2, zlib, tinfo, libstdc++ and libgcc statically" OFF)

find_package(PkgConfig REQUIRED)
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
find_package(simdjson REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)

# An imported static archive: `lib<name>.a`, searched like any library.
function(guard_static_archive target name)
  find_library(GUARD_ARCHIVE_${name} NAMES lib${name}.a)
  if(NOT GUARD_ARCHIVE_${name})
    message(FATAL_ERROR "GUARD_STATIC: lib${name}.a not found (install the -dev package that ships it, "
                        "or configure without -DGUARD_STATIC=ON)")
  endif()
  add_library(${target} STATIC IMPORTED)
  set_target_properties(${target} PROPERTIES IMPORTED_LOCATION ${GUARD_ARCHIVE_${name}})
endfunction()

# LLVM ADT is header-mostly; the few out-of-line pieces come from LLVMSupport,
# always linked statically. Found through LLVM's own CMake package (Debian:
# llvm-14-dev, /usr/lib/llvm-14/lib/cmake/llvm); -DLLVM_DIR=... or
# -DLLVM_ROOT=... pick another installation.
find_package(LLVM 14 CONFIG)
if(NOT LLVM_FOUND OR NOT TARGET LLVMSupport)
  message(FATAL_ERROR "LLVM 14 not found: install llvm-14-dev (Debian 12), or pass "
                      "-DLLVM_DIR=<llvm-14 prefix>/lib/cmake/llvm")
endif()
get_target_property(GUARD_LLVM_SUPPORT_ARCHIVE LLVMSupport LOCATION)
message(STATUS "LLVM ${LLVM_PACKAGE_VERSION}: ${GUARD_LLVM_SUPPORT_ARCHIVE}")
# LLVMSupport itself is not linked as LLVM exports it: its interface brings in
# libz3.so and LLVMDemangle, which the parts guardvm uses do not need.
if(GUARD_STATIC)
  guard_static_archive(guard_static_z z)
  guard_static_archive(guard_static_tinfo tinfo)
  set(GUARD_LLVM_SYSTEM_LIBS guard_static_tinfo guard_static_z)
else()
  set(GUARD_LLVM_SYSTEM_LIBS tinfo z)
endif()
add_library(llvm_support STATIC IMPORTED)
set_target_properties(llvm_support PROPERTIES
  IMPORTED_LOCATION ${GUARD_LLVM_SUPPORT_ARCHIVE}
  INTERFACE_INCLUDE_DIRECTORIES "${LLVM_INCLUDE_DIRS}"
  INTERFACE_LINK_LIBRARIES "Threads::Threads;${GUARD_LLVM_SYSTEM_LIBS}")

add_library(guard_deps INTERFACE)
if(GUARD_STATIC)
  guard_static_archive(guard_static_re2 re2)
  guard_static_archive(guard_static_yaml yaml)
  guard_static_archive(guard_static_pcre2 pcre2-8)
  target_include_directories(guard_deps INTERFACE ${YAML_INCLUDE_DIRS} ${RE2_INCLUDE_DIRS} ${PCRE2_INCLUDE_DIRS})
  target_link_libraries(guard_deps INTERFACE llvm_support guard_static_re2 guard_static_yaml
    guard_static_pcre2 simdjson::simdjson Threads::Threads)
  add_link_options(-static-libstdc++ -static-libgcc)
else()
  target_link_libraries(guard_deps INTERFACE llvm_support PkgConfig::YAML PkgConfig::RE2
    PkgConfig::PCRE2 simdjson::simdjson)
endif()
