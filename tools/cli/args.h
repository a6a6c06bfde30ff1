// A command-line parser with clap 4's rules (cfn-guard 3.1.1's parser), so
// that guardvm accepts what cfn-guard accepts and refuses the rest with
// cfn-guard's words: flags, values, conflicts, required arguments, help
// requests, suggestions and usage lines (docs/compatibility.md, "Flags
// guardvm adds"). A command is described by a table (tools/cli/command_line.cpp),
// which also holds the helps that the help texts and completion scripts show;
// parse() returns what to do, errors as values. Used by tools/guardvm.cpp and
// the subcommands in tools/cli/; tested by tests/cli_args_test.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guard::cli::args {

// How many values an argument takes per occurrence.
enum class Takes {
  Nothing,   // a flag (clap SetTrue): at most once
  One,       // one value (clap Set): at most once
  Many,      // 0..n values, repeatable (clap Append, num_args(0..))
  OneSplit,  // one value split at ',', repeatable (clap Append, value_delimiter)
};

enum class Action { Normal, Help, Version };

struct Arg {
  std::string id;                      // the long name, without dashes
  char shortName = 0;
  std::string valueName;               // the <NAME> of usage lines
  Takes takes = Takes::Nothing;
  std::vector<std::string> possible;   // the only values accepted, when not empty
  std::vector<std::string> conflicts;  // ids; a conflict holds both ways
  bool required = false;
  bool hidden = false;                 // accepted, never named in a text or suggested
  std::vector<std::string> aliases;    // other long names, accepted, never named
  // Why a value is refused (empty: accepted), as clap prints a value parser's error.
  std::string (*check)(std::string_view value) = nullptr;
  Action action = Action::Normal;
  // clap's help of the argument (its first line on the help's row) and the
  // default its help names; the help texts and the completion scripts show them.
  std::string help;
  std::string defaultValue;

  // clap's name of the argument in messages: "--rules [<RULES>...]".
  std::string display() const;
};

struct Group {
  std::string id;
  std::vector<std::string> members;
  bool required = false;
};

// A subcommand of the top level: its name and about (the help's command list,
// the completion scripts), its long flags (top-level suggestions: "'validate
// --rules' exists").
struct Subcommand {
  std::string name;
  std::vector<std::string> longs;
  std::string about;
};

struct Command {
  std::string bin;                      // "cfn-guard validate": how usage lines start
  std::string about;                    // what the command does: the start of its help
  bool nextLineHelp = false;            // clap's layout of the help: each argument's help under it
  std::vector<Arg> args;                // declaration order; help (and version) last
  std::vector<Group> groups;            // clap's order
  std::vector<Subcommand> subcommands;  // the top level's; one of them is required

  const Arg* find(std::string_view id) const;
  const Group* group(std::string_view id) const;
};

// What was given, in clap's order: each argument (and each group of it) at
// its first occurrence.
struct Matches {
  struct Entry {
    std::string id;
    bool group = false;
    std::vector<std::string> values;
  };
  std::vector<Entry> entries;

  bool has(std::string_view id) const;
  const std::vector<std::string>& values(std::string_view id) const;  // empty when absent
  std::string value(std::string_view id, const std::string& fallback = "") const;
};

enum class Outcome {
  Run,           // matches hold the arguments
  Help,          // -h/--help: the help on stdout, exit 0
  HelpOnStderr,  // no arguments: the help on stderr, exit 2
  Version,       // -V/--version (top level)
  Subcommand,    // the top level met a subcommand: run it with `rest`
  Error,         // errorText on stderr, exit 2
};

struct Parsed {
  Outcome outcome = Outcome::Run;
  Matches matches;
  std::string subcommand;
  std::vector<std::string> rest;
  std::string errorText;
};

Parsed parse(const Command& cmd, const std::vector<std::string>& argv);

// Usage lines (without "Usage: "). helpUsage is the help text's; usageFor is
// clap's usage of an error: helpUsage when `used` is empty, else the
// required arguments, then the `used` ones not in a group that is shown, then
// the groups (required ones first) — see command_line.cpp for examples.
std::string helpUsage(const Command& cmd);
std::string usageFor(const Command& cmd, const std::vector<std::string>& used);

// One clap error text: "error: <message>", a tip, the usage line, the hint.
struct ErrorText {
  std::string message;
  std::string tip;         // after "tip: "; empty: none
  std::string usage;       // after "Usage: "; empty: none
  bool tryHelp = true;     // "For more information, try '--help'."
};
std::string render(const ErrorText& e);

// "the following required arguments were not provided:" naming `missing`
// (argument or group ids), with the usage of `used` + `missing`; for checks a
// command makes after parsing.
std::string missingError(const Command& cmd, const Matches& m, const std::vector<std::string>& missing,
                         std::string_view note = "");

}  // namespace guard::cli::args
