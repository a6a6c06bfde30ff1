// Help texts of guardvm's subcommands and the clap-style argument handling
// shared by them (see help.h). Called by tools/guardvm.cpp, test_cmd.cpp,
// parse_tree.cpp, rulegen.cpp and completions.cpp.
#include "tools/cli/help.h"

#include <CLI/CLI.hpp>

#include "tools/cli/common.h"

namespace guard::cli {

std::string topHelp() {
  const std::string& p = gProgramName;
  return "Guard: policy-as-code checks of structured data (JSON/YAML), compatible with cfn-guard 3.1.1.\n"
         "This is guardvm: rules are compiled to bytecode and run on a register VM.\n"
         "\n"
         "Usage: " + p + " [COMMAND]\n"
         "\n"
         "Commands:\n"
         "  validate     Evaluate rules files (or .gpack packs) against data files and report each result\n"
         "  test         Run a rules file's unit tests (YAML/JSON test specs with expected PASS/FAIL/SKIP)\n"
         "  parse-tree   Print the parse tree of a rules file as YAML or JSON\n"
         "  rulegen      Generate rules from the resource properties of a CloudFormation template\n"
         "  completions  Print a shell completion script (bash, zsh or fish)\n"
         "  help         Print this message or the help of the given subcommand\n"
         "\n"
         "Options:\n"
         "  -h, --help     Print help\n"
         "  -V, --version  Print version\n"
         "\n"
         "Run '" + p + " help <COMMAND>' or '" + p + " <COMMAND> --help' for a command's options.\n";
}

std::string testHelp() {
  const std::string& p = gProgramName;
  return "Run unit tests for Guard rules. A test file is a YAML (or JSON) list of test specs:\n"
         "  - name: <text>            (optional)\n"
         "    input: <the data document>\n"
         "    expectations:\n"
         "      rules:\n"
         "        <rule name>: PASS | FAIL | SKIP\n"
         "Each spec's input is evaluated against the rules file; every rule's status is compared\n"
         "with its expectation.\n"
         "\n"
         "Usage: " + p + " test --rules-file <FILE> --test-data <FILE|DIR> [OPTIONS]\n"
         "       " + p + " test --dir <DIR> [OPTIONS]\n"
         "\n"
         "Options:\n"
         "  -r, --rules-file <FILE>      The rules file to test (needs --test-data)\n"
         "  -t, --test-data <FILE|DIR>   A test file, or a directory searched for .json .jsn .yaml .yml\n"
         "                               .JSON .YAML files\n"
         "  -d, --dir <DIR>              Test every .guard/.ruleset file under DIR with the files of the\n"
         "                               tests/ directory next to it whose names start with the rules\n"
         "                               file's name (wins over -r/-t)\n"
         "  -a, --alphabetical           With -t DIR: visit files in name order\n"
         "  -m, --last-modified          With -t DIR: visit files in modification-time order\n"
         "  -v, --verbose                Also print each test's evaluation tree (console output only)\n"
         "  -o, --output-format <FORMAT> single-line-summary (default), json, yaml or junit\n"
         "      --no-cache               Compile the rules again and keep nothing in the compile cache\n"
         "                               (also GUARDVM_NO_CACHE=1). The cache keeps each .guard file's\n"
         "                               compiled program in $GUARDVM_CACHE_DIR, $XDG_CACHE_HOME/guardvm\n"
         "                               or ~/.cache/guardvm; it never changes the output\n"
         "  -h, --help                   Print help\n"
         "\n"
         "Exit status: 0 all expectations met, 7 an expectation not met, 1 a test file could not be\n"
         "read, 2 bad arguments, 255 other errors.\n";
}

std::string parseTreeHelp() {
  const std::string& p = gProgramName;
  return std::string(kParseTreeAbout) +
         "\n\nUsage: " + p + " parse-tree [OPTIONS]\n"
         "\n"
         "Options:\n"
         "  -r, --rules <FILE>   The rules file (default: read the rules from stdin)\n"
         "  -o, --output <FILE>  Write the tree to FILE instead of stdout\n"
         "  -p, --print-json     Print JSON\n"
         "  -y, --print-yaml     Print YAML (the default)\n"
         "  -h, --help           Print help\n";
}

std::string rulegenHelp() {
  const std::string& p = gProgramName;
  return "Generate Guard rules from a CloudFormation template (JSON or YAML): one rule per resource\n"
         "type, checking every property value the template sets.\n"
         "\n"
         "Usage: " + p + " rulegen [OPTIONS] --template <FILE>\n"
         "\n"
         "Options:\n"
         "  -t, --template <FILE>  The CloudFormation template\n"
         "  -o, --output <FILE>    Write the rules to FILE instead of stdout\n"
         "  -h, --help             Print help\n";
}

std::string completionsHelp() {
  const std::string& p = gProgramName;
  return "Print a shell completion script for " + p + "'s commands and options.\n"
         "For example: " + p + " completions --shell bash > /etc/bash_completion.d/" + p + "\n"
         "\n"
         "Usage: " + p + " completions --shell <SHELL>\n"
         "\n"
         "Options:\n"
         "  -s, --shell <SHELL>  bash, zsh or fish\n"
         "  -h, --help           Print help\n";
}

int usageError(std::string_view message, std::string_view usageLine) {
  err("error: " + std::string(message) + "\n\nUsage: " + std::string(usageLine) +
      "\n\nFor more information, try '--help'.\n");
  return kExitUsage;
}

int parseSubcommand(CLI::App& app, std::string_view name, const std::string& help,
                    std::vector<std::string> args, std::string_view usage) {
  if (args.empty()) {
    err(help);
    return kExitUsage;
  }
  for (const auto& a : args)
    if (a == "-h" || a == "--help") {
      out(help);
      return kExitOk;
    }
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return usageError(e.what(), gProgramName + " " + std::string(name) + " " + std::string(usage));
  }
  return -1;
}

}  // namespace guard::cli
