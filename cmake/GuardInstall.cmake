# What `cmake --install build --prefix P` puts in P, and the Debian package
# `cpack -G DEB` makes from it (README.md, "Install"). Included by the
# top-level CMakeLists.txt after the guardvm, guardc and rule_packs targets.
#
#   bin/guardvm, bin/guardc, bin/cfn-guard -> guardvm (GUARD_INSTALL_CFN_GUARD_LINK)
#   share/guardvm/bundles/*.gpack        the rule bundles (cmake/GuardBundles.cmake), plus
#                                        rules/ (the shipped bundle's sources) and examples/
#   share/man/man1/guardvm.1, guardc.1   (and cfn-guard.1 -> guardvm.1)
#   share/bash-completion/completions/   guardvm, cfn-guard, guardc
#   share/zsh/vendor-completions/        _guardvm, _cfn-guard, _guardc (in /usr; else
#                                        site-functions; or GUARD_ZSH_COMPLETION_DIR)
#   share/fish/vendor_completions.d/     guardvm.fish, cfn-guard.fish, guardc.fish
#   lib/libguardvm.so.0, include/guardvm/guardvm.h, lib/pkgconfig/guardvm.pc
#   lib/python3*/dist-packages/guardvm/  the Python package (and python3 -m guardvm.fleet)
#
# Nothing installed refers to the build tree: the programs find their inputs
# on the command line only and link system libraries without an RPATH; the
# Python package finds the library relative to itself.
# tests/cli/install.sh (ctest `install_tree`) checks all of this.
include(GNUInstallDirs)

option(GUARD_INSTALL_CFN_GUARD_LINK "Install bin/cfn-guard as a symlink to guardvm" ON)
# Debian's zsh looks for completions in /usr/share/zsh/vendor-completions and
# /usr/local/share/zsh/site-functions. Left empty, the directory is chosen when
# installing, from the prefix then in force (cmake --install --prefix, cpack):
# vendor-completions for a prefix that ends in /usr (cpack stages the package
# in <somewhere>/usr), site-functions elsewhere.
set(GUARD_ZSH_COMPLETION_DIR "" CACHE STRING
    "Where zsh completion functions are installed, relative to the prefix (empty: by prefix)")
if(GUARD_ZSH_COMPLETION_DIR)
  set(GUARD_ZSH_DESTINATION ${GUARD_ZSH_COMPLETION_DIR})
else()
  install(CODE [[
    if(CMAKE_INSTALL_PREFIX MATCHES "(^|/)usr/?$")
      set(GUARD_ZSH_SUBDIR vendor-completions)
    else()
      set(GUARD_ZSH_SUBDIR site-functions)
    endif()]])
  # Expanded by cmake_install.cmake, after the code above.
  set(GUARD_ZSH_DESTINATION "${CMAKE_INSTALL_DATADIR}/zsh/\${GUARD_ZSH_SUBDIR}")
endif()
set(GUARD_PACKAGE_MAINTAINER "guardvm maintainers <maintainers@users.noreply.r-seed-47540ced.example>"
    CACHE STRING "Maintainer field of the Debian package")

set(GUARD_DATA_DIR ${CMAKE_INSTALL_DATADIR}/guardvm)
set(GUARD_STAGE ${CMAKE_BINARY_DIR}/install-stage)  # generated files, installed as they are

# The names guardvm is installed under; each gets its own completion scripts.
set(GUARD_VM_NAMES guardvm)
if(GUARD_INSTALL_CFN_GUARD_LINK)
  list(APPEND GUARD_VM_NAMES cfn-guard)
endif()

# Completion scripts, printed by the built guardvm (tools/cli/completions.cpp).
set(GUARD_COMPLETION_FILES)
foreach(name ${GUARD_VM_NAMES})
  list(APPEND GUARD_COMPLETION_FILES ${GUARD_STAGE}/completions/bash/${name}
       ${GUARD_STAGE}/completions/zsh/_${name} ${GUARD_STAGE}/completions/fish/${name}.fish)
endforeach()
add_custom_command(
  OUTPUT ${GUARD_COMPLETION_FILES}
  COMMAND bash ${CMAKE_SOURCE_DIR}/tools/completions/generate.sh $<TARGET_FILE:guardvm>
          ${GUARD_STAGE}/completions ${GUARD_VM_NAMES}
  DEPENDS guardvm ${CMAKE_SOURCE_DIR}/tools/completions/generate.sh
  COMMENT "Generating the shell completions of guardvm")

# Man pages (docs/man/), copied so that cfn-guard.1 can link to guardvm.1 beside it.
configure_file(${CMAKE_SOURCE_DIR}/docs/man/guardvm.1 ${GUARD_STAGE}/man/guardvm.1 COPYONLY)
configure_file(${CMAKE_SOURCE_DIR}/docs/man/guardc.1 ${GUARD_STAGE}/man/guardc.1 COPYONLY)
set(GUARD_STAGED_LINKS)
if(GUARD_INSTALL_CFN_GUARD_LINK)
  # Relative symlinks, installed as symlinks; build/cfn-guard (beside guardvm,
  # so that the link resolves and is not remade at every build) works too.
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/cfn-guard ${GUARD_STAGE}/man/cfn-guard.1
    COMMAND ${CMAKE_COMMAND} -E create_symlink guardvm ${CMAKE_BINARY_DIR}/cfn-guard
    COMMAND ${CMAKE_COMMAND} -E create_symlink guardvm.1 ${GUARD_STAGE}/man/cfn-guard.1
    COMMENT "Linking cfn-guard to guardvm")
  set(GUARD_STAGED_LINKS ${CMAKE_BINARY_DIR}/cfn-guard ${GUARD_STAGE}/man/cfn-guard.1)
endif()
add_custom_target(install_files ALL DEPENDS ${GUARD_COMPLETION_FILES} ${GUARD_STAGED_LINKS})

install(TARGETS guardvm guardc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${GUARD_BUNDLES} DESTINATION ${GUARD_DATA_DIR}/bundles)
install(FILES ${GUARD_SHIPPED_RULES} DESTINATION ${GUARD_DATA_DIR}/rules)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/rules/examples/ DESTINATION ${GUARD_DATA_DIR}/examples)
install(FILES ${GUARD_STAGE}/man/guardvm.1 ${GUARD_STAGE}/man/guardc.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/tools/completions/guardc.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME guardc)
install(FILES ${CMAKE_SOURCE_DIR}/tools/completions/_guardc DESTINATION ${GUARD_ZSH_DESTINATION})
install(FILES ${CMAKE_SOURCE_DIR}/tools/completions/guardc.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
foreach(name ${GUARD_VM_NAMES})
  install(FILES ${GUARD_STAGE}/completions/bash/${name}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
  install(FILES ${GUARD_STAGE}/completions/zsh/_${name} DESTINATION ${GUARD_ZSH_DESTINATION})
  install(FILES ${GUARD_STAGE}/completions/fish/${name}.fish
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
endforeach()
if(GUARD_INSTALL_CFN_GUARD_LINK)
  install(FILES ${CMAKE_BINARY_DIR}/cfn-guard DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${GUARD_STAGE}/man/cfn-guard.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# libguardvm: the library (libguardvm.so.0 and its development link), the C
# header, a pkg-config file, and the Python package in Debian's layout
# (<prefix>/lib/python3/dist-packages/guardvm under /usr, lib/python3.N/...
# elsewhere; it finds the library through the relative path in its
# _libpath.py). cmake/GuardLibrary.cmake makes them.
if(TARGET guardvm_c)
  # Component `library`: `cmake --install build --component library` installs
  # just these (tools/setup.sh demo, which builds only what it runs).
  install(TARGETS guardvm_c LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT library)
  install(FILES ${CMAKE_SOURCE_DIR}/include/guardvm/guardvm.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/guardvm
          COMPONENT library)
  install(FILES ${GUARD_STAGE}/guardvm.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT library)
  install(FILES ${CMAKE_SOURCE_DIR}/python/guardvm/__init__.py ${CMAKE_SOURCE_DIR}/python/guardvm/_native.py
                ${CMAKE_SOURCE_DIR}/python/guardvm/fleet.py ${GUARD_STAGE}/python/_libpath.py
          DESTINATION ${GUARD_PYTHON_DESTINATION}/guardvm COMPONENT library)
endif()

# The Debian package: `cd build && cpack -G DEB` after a build. Its Depends
# line is computed by dpkg-shlibdeps (package dpkg-dev) from the programs.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME guardvm)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${GUARD_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Guard policy-as-code compiler and VM, a drop-in cfn-guard 3.1.1")
set(CPACK_PACKAGE_DESCRIPTION
    "guardc compiles AWS Guard rules files into verified rule packs, and guardvm evaluates
JSON/YAML documents (CloudFormation templates) against packs or rules files with
the commands, options, reports and exit codes of cfn-guard 3.1.1; it is installed as
cfn-guard too. Ships rule bundles in /usr/share/guardvm/bundles (validate -r @NAME),
the engine as a C library (libguardvm, guardvm/guardvm.h, pkg-config guardvm) and a
Python package on it (import guardvm; python3 -m guardvm.fleet for scans on Dask).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${GUARD_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libguardvm.so.0: a shlibs file and the ldconfig trigger.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# The Python package needs python3; its fleet scans need Dask.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-distributed")
include(CPack)
