// Help texts of guardvm's subcommands (ours, not cfn-guard's: spec §2.2 lets
// them differ; only exit codes must match) and the argument-parsing wrapper
// that gives every subcommand clap's conventions: no arguments -> help on
// stderr, exit 2; -h/--help -> help on stdout, exit 0; a bad argument ->
// "error: ..." + usage on stderr, exit 2. Used by tools/guardvm.cpp and the
// subcommands in tools/cli/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace guard::cli {

inline constexpr std::string_view kParseTreeAbout =
    "Prints the parse tree of a rules file (YAML by default, or JSON).";

// Each help text uses the invoked program name in its usage lines.
std::string topHelp();
std::string testHelp();
std::string parseTreeHelp();
std::string rulegenHelp();
std::string completionsHelp();

// Parses `args` into `app`. Returns -1 when the command should run, or the
// exit code after printing help or an argument error. `usage` is the
// subcommand's usage line without the program name.
int parseSubcommand(CLI::App& app, std::string_view name, const std::string& help,
                    std::vector<std::string> args, std::string_view usage = "[OPTIONS]");

// The clap-style argument error (stderr, exit 2).
int usageError(std::string_view message, std::string_view usageLine);

}  // namespace guard::cli
