// The command line guardvm accepts, as tables for the clap-rules parser
// (tools/cli/args.h): cfn-guard 3.1.1's commands with their abouts,
// arguments, helps, groups and conflicts, plus guardvm's own flags
// (-j/--jobs, --no-cache, --lint), which are hidden from every text when the
// program is invoked as `cfn-guard`. The one source of the parser, the help
// texts (help.cpp) and the completion scripts (completions.cpp). Used by
// tools/guardvm.cpp and the subcommands in tools/cli/; tested by
// tests/cli_args_test.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tools/cli/args.h"

namespace guard::cli {

// Invoked as `cfn-guard` (a symlink, as a drop-in is installed): every text
// is cfn-guard's, word for word.
bool invokedAsCfnGuard();

args::Command topCommand();
args::Command validateCommand();
args::Command testCommand();
args::Command parseTreeCommand();
args::Command rulegenCommand();
args::Command completionsCommand();

// The about of clap's `help` subcommand (it has no table: guardvm.cpp parses it).
std::string helpCommandAbout();

// The subcommand called `name`, if there is one (not `help`).
std::optional<args::Command> subcommand(std::string_view name);

// Acts on a parse outcome: the help on stdout (exit 0) or stderr (exit 2),
// or the error text (exit 2). Returns that exit code, or -1 when the
// command should run.
int settle(const args::Parsed& parsed, const std::string& help);

}  // namespace guard::cli
