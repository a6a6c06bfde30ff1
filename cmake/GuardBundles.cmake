# The rule bundles we build and install (docs/bundles.md): packs that carry
# their rule set's name, version, description and controls (vm/bundle.h).
# Included by the top-level CMakeLists.txt after the guardc target; every
# bundle goes to build/bundles/<name>.gpack and is installed by
# cmake/GuardInstall.cmake into share/guardvm/bundles/.
#
#   shipped                 rules/*.guard (manifest rules/shipped.json), always
#   <ruleSetName> x 50      with -DGUARD_REGISTRY_DIR=<AWS Guard Rules Registry
#                           checkout>: one per mappings/rule_set_*.json
#   control-tower-proactive with -DGUARD_CONTROL_TOWER_DIR=<a directory made
#                           by tools/fetch-control-tower.py>: AWS Control
#                           Tower's proactive controls from the npm package
#
# Lint warnings are off for bundle builds: the registry's and Control Tower's
# rules are third-party text, reviewed in docs/lint.md.

set(GUARD_REGISTRY_DIR "" CACHE PATH
    "An AWS Guard Rules Registry checkout (mappings/, rules/): build and install a bundle per rule set")
set(GUARD_CONTROL_TOWER_DIR "" CACHE PATH
    "A directory made by tools/fetch-control-tower.py: build and install the Control Tower bundle")

set(GUARD_BUNDLE_DIR ${CMAKE_BINARY_DIR}/bundles)
set(GUARD_BUNDLES)

# guard_bundle(NAME MANIFEST ROOT DEPENDS...): build/bundles/NAME.gpack from
# the manifest, its guardFilePath entries relative to ROOT.
function(guard_bundle name manifest root)
  set(out ${GUARD_BUNDLE_DIR}/${name}.gpack)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${GUARD_BUNDLE_DIR}
    COMMAND guardc -Wno-lint --rule-set ${manifest} --rules-root ${root} -o ${out}
    DEPENDS guardc ${manifest} ${ARGN}
    COMMENT "Building the rule bundle ${name}"
    VERBATIM)
  set(GUARD_BUNDLES ${GUARD_BUNDLES} ${out} PARENT_SCOPE)
endfunction()

# The bundle name is the manifest's ruleSetName (the file is <name>.gpack).
function(guard_manifest_name manifest outvar)
  file(READ ${manifest} json)
  string(JSON name ERROR_VARIABLE error GET "${json}" ruleSetName)
  if(error)
    message(FATAL_ERROR "${manifest}: no ruleSetName (${error})")
  endif()
  set(${outvar} ${name} PARENT_SCOPE)
endfunction()

file(GLOB GUARD_SHIPPED_RULES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/rules/*.guard)
guard_bundle(shipped ${CMAKE_SOURCE_DIR}/rules/shipped.json ${CMAKE_SOURCE_DIR}/rules ${GUARD_SHIPPED_RULES})

if(GUARD_REGISTRY_DIR)
  file(GLOB GUARD_REGISTRY_MANIFESTS ${GUARD_REGISTRY_DIR}/mappings/rule_set_*.json)
  if(NOT GUARD_REGISTRY_MANIFESTS)
    message(FATAL_ERROR "GUARD_REGISTRY_DIR=${GUARD_REGISTRY_DIR} has no mappings/rule_set_*.json")
  endif()
  file(GLOB_RECURSE GUARD_REGISTRY_RULES ${GUARD_REGISTRY_DIR}/rules/*.guard)
  foreach(manifest ${GUARD_REGISTRY_MANIFESTS})
    guard_manifest_name(${manifest} name)
    guard_bundle(${name} ${manifest} ${GUARD_REGISTRY_DIR} ${GUARD_REGISTRY_RULES})
  endforeach()
  list(LENGTH GUARD_REGISTRY_MANIFESTS count)
  message(STATUS "Rule bundles: ${count} rule sets of ${GUARD_REGISTRY_DIR}")
endif()

if(GUARD_CONTROL_TOWER_DIR)
  set(manifest ${GUARD_CONTROL_TOWER_DIR}/control-tower.json)
  if(NOT EXISTS ${manifest})
    message(FATAL_ERROR "GUARD_CONTROL_TOWER_DIR=${GUARD_CONTROL_TOWER_DIR}: no control-tower.json "
                        "(make the directory with tools/fetch-control-tower.py)")
  endif()
  guard_manifest_name(${manifest} name)
  file(GLOB_RECURSE GUARD_CONTROL_TOWER_RULES ${GUARD_CONTROL_TOWER_DIR}/package/*.guard)
  guard_bundle(${name} ${manifest} ${GUARD_CONTROL_TOWER_DIR}/package ${GUARD_CONTROL_TOWER_RULES})
  message(STATUS "Rule bundles: ${name} from ${GUARD_CONTROL_TOWER_DIR}")
endif()

add_custom_target(rule_packs ALL DEPENDS ${GUARD_BUNDLES})
