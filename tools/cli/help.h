// The help texts of guardvm's commands: cfn-guard 3.1.1's, word for word
// (goldens h01-h04, v73), rendered from the command tables
// (command_line.h) with the program's name in the usage line and, when it
// is not invoked as `cfn-guard`, guardvm's own flags (validate: -j/--jobs,
// --no-cache, --lint; test: --no-cache) in the same layout before
// `-h, --help`. Used by tools/guardvm.cpp and the subcommands in tools/cli/.
#pragma once

#include <string>
#include <string_view>

namespace guard::cli {

std::string topHelp();
std::string validateHelp();
std::string testHelp();
std::string parseTreeHelp();
std::string rulegenHelp();
std::string completionsHelp();
std::string helpCommandHelp();  // `help help`

// The help of the subcommand called `name` ("" for the top level, "help"
// for the help command); empty when there is no such command.
std::string helpOf(std::string_view name);

}  // namespace guard::cli
