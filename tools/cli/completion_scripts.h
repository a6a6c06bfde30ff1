// Shell completion scripts generated from a command tree, with the rules of
// clap_complete 4.1 (the version in cfn-guard 3.1.1) for bash, zsh and fish,
// so that `cfn-guard completions` prints, byte for byte, what cfn-guard does
// (goldens c01-c03). The tree is derived from the command tables
// (command_line.cpp), the one source of the parser and the help texts.
// Called by completions.cpp (`completions --shell`); tested by
// tests/completion_scripts_test.cpp.
#pragma once

#include <string>
#include <vector>

#include "tools/cli/args.h"

namespace guard::cli::completion {

// A command as clap_complete sees it: its name, about, arguments (hidden ones
// are left out of every script) and subcommands.
struct Node {
  std::string name;
  std::string about;
  std::vector<args::Arg> args;
  std::vector<Node> subcommands;
};

// guardvm's commands under the name the program was invoked as
// (gProgramName), with clap's `help` subcommand: it has a child named like
// each subcommand (and `help`), without arguments, for `help <COMMAND>`.
Node commandTree();

// The scripts; `root.name` is the program's name.
std::string bash(const Node& root);
std::string zsh(const Node& root);
std::string fish(const Node& root);

}  // namespace guard::cli::completion
