// The guardvm subcommands (the cfn-guard command line). Each takes the
// arguments after the subcommand name and returns the process exit code.
// Called by tools/guardvm.cpp.
#pragma once

#include <string>
#include <vector>

namespace guard::cli {

int runValidate(std::vector<std::string> args);
int runTest(std::vector<std::string> args);

}  // namespace guard::cli
