// Implements tools/cli/version.h from the generated guard_version.h
// (tools/version.cmake) and the pack format constants of vm/pack.h.
#include "tools/cli/version.h"

#include <cstdio>

#include "guard_version.h"
#include "vm/pack.h"

namespace guard::cli {

std::string versionText(const std::string& program) {
  char instructionSet[16];
  std::snprintf(instructionSet, sizeof instructionSet, "%08x", vm::instructionSetId());
  return program + " " GUARDVM_VERSION " (revision " GUARDVM_REVISION ")\n"
         "cfn-guard " GUARDVM_CFN_GUARD_RELEASE " compatible; rule packs: format " +
         std::to_string(vm::kPackMajor) + "." + std::to_string(vm::kPackMinor) +
         ", instruction set " + instructionSet + "\n";
}

std::string cfnGuardVersionLine() { return "cfn-guard " GUARDVM_CFN_GUARD_RELEASE "\n"; }

}  // namespace guard::cli
