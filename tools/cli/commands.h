// The guardvm subcommands (the cfn-guard command line). Each takes the
// arguments after the subcommand name and returns the process exit code.
// Called by tools/guardvm.cpp.
#pragma once

#include <string>
#include <vector>

namespace guard::cli {

int runValidate(std::vector<std::string> args);   // validate.cpp
int runTest(std::vector<std::string> args);       // test_cmd.cpp
int runParseTree(std::vector<std::string> args);  // parse_tree.cpp
int runRulegen(std::vector<std::string> args);    // rulegen.cpp
int runCompletions(std::vector<std::string> args);  // completions.cpp

}  // namespace guard::cli
