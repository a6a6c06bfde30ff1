// `guardvm completions --shell bash|zsh|fish`: prints a completion script for
// the subcommands and flags of guardvm, registered under the name the program
// was invoked as (spec §11.3 lets the text differ; exit codes match: 0, or 2
// for an unknown shell). Called by tools/guardvm.cpp through runCompletions.
// The command table below is the single source for all three shells.
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/args.h"
#include "tools/cli/command_line.h"
#include "tools/cli/help.h"

namespace guard::cli {
namespace {

struct Flag {
  const char* shortName;  // without '-', or "" when there is none
  const char* longName;   // without "--"
  const char* values;     // space-separated choices; "FILE" for a path; "" for a switch
  const char* help;
};

struct Command {
  const char* name;
  const char* help;
  std::vector<Flag> flags;
};

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"validate", "Evaluate rules against data files",
       {{"r", "rules", "FILE", "rules file, pack or directory"},
        {"d", "data", "FILE", "data file or directory"},
        {"i", "input-parameters", "FILE", "input parameters file or directory"},
        {"t", "type", "CFNTemplate", "type of the data"},
        {"o", "output-format", "single-line-summary json yaml junit sarif", "output format"},
        {"S", "show-summary", "none all pass fail skip", "summary sections to show"},
        {"a", "alphabetical", "", "sort directory entries by name"},
        {"m", "last-modified", "", "sort directory entries by modification time"},
        {"v", "verbose", "", "print the evaluation tree"},
        {"p", "print-json", "", "print the evaluation records as JSON"},
        {"P", "payload", "", "read rules and data as JSON from stdin"},
        {"z", "structured", "", "one structured report for all files"},
        {"j", "jobs", "", "threads evaluating (rules file, data file) pairs"},
        {"", "no-cache", "", "compile the rules again, keep nothing in the compile cache"},
        {"", "lint", "", "print lint warnings of the rules on stderr"},
        {"h", "help", "", "print help"}}},
      {"test", "Run rules unit tests",
       {{"r", "rules-file", "FILE", "rules file"},
        {"t", "test-data", "FILE", "test file or directory"},
        {"d", "dir", "FILE", "root directory of rules and tests"},
        {"a", "alphabetical", "", "sort by name"},
        {"m", "last-modified", "", "sort by modification time"},
        {"v", "verbose", "", "print the evaluation trees"},
        {"o", "output-format", "single-line-summary json yaml junit", "output format"},
        {"", "no-cache", "", "compile the rules again, keep nothing in the compile cache"},
        {"h", "help", "", "print help"}}},
      {"parse-tree", "Print the parse tree of a rules file",
       {{"r", "rules", "FILE", "rules file"},
        {"o", "output", "FILE", "output file"},
        {"p", "print-json", "", "print JSON"},
        {"y", "print-yaml", "", "print YAML"},
        {"h", "help", "", "print help"}}},
      {"rulegen", "Generate rules from a CloudFormation template",
       {{"t", "template", "FILE", "template file"},
        {"o", "output", "FILE", "output file"},
        {"h", "help", "", "print help"}}},
      {"completions", "Print a shell completion script",
       {{"s", "shell", "bash zsh fish", "shell"}, {"h", "help", "", "print help"}}},
      {"help", "Print help", {}},
  };
  return table;
}

std::string fnName(const std::string& prog) {
  std::string o = "_";
  for (char c : prog) o += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return o;
}

std::string bashScript(const std::string& prog) {
  std::string fn = fnName(prog);
  std::string s = fn + "() {\n"
                  "    local cur prev cmd i\n"
                  "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
                  "    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
                  "    cmd=\"\"\n"
                  "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
                  "        case \"${COMP_WORDS[i]}\" in -*) ;; *) cmd=\"${COMP_WORDS[i]}\"; break ;; esac\n"
                  "    done\n"
                  "    case \"$cmd\" in\n"
                  "        \"\")\n"
                  "            COMPREPLY=($(compgen -W \"";
  for (const auto& c : commands()) s += std::string(c.name) + " ";
  s += "-h --help -V --version\" -- \"$cur\"))\n"
       "            return 0 ;;\n";
  for (const auto& c : commands()) {
    s += "        " + std::string(c.name) + ")\n            case \"$prev\" in\n";
    std::string words;
    for (const auto& f : c.flags) {
      std::string names = std::string(*f.shortName ? "-" + std::string(f.shortName) + "|" : "") + "--" + f.longName;
      words += (*f.shortName ? "-" + std::string(f.shortName) + " " : "") + "--" + f.longName + " ";
      if (!*f.values) continue;
      if (std::string(f.values) == "FILE")
        s += "                " + names + ") COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n";
      else
        s += "                " + names + ") COMPREPLY=($(compgen -W \"" + f.values + "\" -- \"$cur\")); return 0 ;;\n";
    }
    if (std::string(c.name) == "help") {
      for (const auto& d : commands()) words += std::string(d.name) + " ";
    }
    s += "            esac\n            COMPREPLY=($(compgen -W \"" + words + "\" -- \"$cur\"))\n"
         "            return 0 ;;\n";
  }
  s += "    esac\n}\ncomplete -F " + fn + " -o bashdefault -o default " + prog + "\n";
  return s;
}

std::string zshScript(const std::string& prog) {
  std::string fn = fnName(prog);
  std::string s = "#compdef " + prog + "\n\n" + fn + "() {\n"
                  "    local line state\n"
                  "    _arguments -C \\\n"
                  "        '(-h --help)'{-h,--help}'[Print help]' \\\n"
                  "        '(-V --version)'{-V,--version}'[Print version]' \\\n"
                  "        '1: :->cmds' \\\n"
                  "        '*:: :->args'\n"
                  "    case $state in\n"
                  "        cmds)\n"
                  "            local -a cmds\n"
                  "            cmds=(\n";
  for (const auto& c : commands()) s += "                '" + std::string(c.name) + ":" + c.help + "'\n";
  s += "            )\n            _describe 'command' cmds ;;\n        args)\n            case $line[1] in\n";
  for (const auto& c : commands()) {
    s += "                " + std::string(c.name) + ")\n                    _arguments";
    for (const auto& f : c.flags) {
      std::string action;
      if (std::string(f.values) == "FILE") action = ":file:_files";
      else if (*f.values) action = ":value:(" + std::string(f.values) + ")";
      std::string spec = std::string("'[") + f.help + "]" + action + "'";
      if (*f.shortName)
        s += " \\\n                        '(-" + std::string(f.shortName) + " --" + f.longName + ")'{-" +
             f.shortName + ",--" + f.longName + "}" + spec;
      else
        s += " \\\n                        '--" + std::string(f.longName) + spec.substr(1);
    }
    if (std::string(c.name) == "help") s += " '1: :(validate test parse-tree rulegen completions)'";
    s += " ;;\n";
  }
  s += "            esac ;;\n    esac\n}\n\nif [ \"$funcstack[1]\" = \"" + fn + "\" ]; then\n    " + fn +
       " \"$@\"\nelse\n    compdef " + fn + " " + prog + "\nfi\n";
  return s;
}

std::string fishScript(const std::string& prog) {
  std::string s = "complete -c " + prog + " -n \"__fish_use_subcommand\" -s h -l help -d 'Print help'\n" +
                  "complete -c " + prog + " -n \"__fish_use_subcommand\" -s V -l version -d 'Print version'\n";
  for (const auto& c : commands())
    s += "complete -c " + prog + " -n \"__fish_use_subcommand\" -f -a \"" + c.name + "\" -d '" + c.help + "'\n";
  for (const auto& c : commands()) {
    for (const auto& f : c.flags) {
      s += "complete -c " + prog + " -n \"__fish_seen_subcommand_from " + c.name + "\"";
      if (*f.shortName) s += " -s " + std::string(f.shortName);
      s += " -l " + std::string(f.longName);
      if (std::string(f.values) == "FILE") s += " -r -F";
      else if (*f.values) s += " -r -f -a \"" + std::string(f.values) + "\"";
      s += " -d '" + std::string(f.help) + "'\n";
    }
  }
  return s;
}

}  // namespace

int runCompletions(std::vector<std::string> args) {
  const args::Parsed parsed = args::parse(completionsCommand(), args);
  if (int rc = settle(parsed, completionsHelp()); rc >= 0) return rc;
  const std::string shell = parsed.matches.value("shell");
  if (shell == "bash") out(bashScript(gProgramName));
  else if (shell == "zsh") out(zshScript(gProgramName));
  else out(fishScript(gProgramName));
  return kExitOk;
}

}  // namespace guard::cli
