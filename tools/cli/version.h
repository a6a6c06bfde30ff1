// What `guardvm --version` and `guardc --version` print: the program, its
// version and git revision, the cfn-guard release it matches and the rule
// pack format it reads and writes. Called by tools/guardvm.cpp and
// tools/guardc.cpp; built from the header tools/version.cmake generates.
#pragma once

#include <string>

namespace guard::cli {

// Two lines, e.g.
//   guardvm 0.1.0 (revision 5849a6a0b1c2)
//   cfn-guard 3.1.1 compatible; rule packs: format 2.2, instruction set 1a2b3c4d
std::string versionText(const std::string& program);

// cfn-guard's own line, for a guardvm invoked as `cfn-guard` (a drop-in must).
std::string cfnGuardVersionLine();

}  // namespace guard::cli
