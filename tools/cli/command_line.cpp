// The argument tables of guardvm's commands (see command_line.h), in
// cfn-guard 3.1.1's declaration order: clap lists arguments, groups and
// suggestions in that order. Each subcommand has clap-derive's group of all
// its arguments (named like the command), which shows in the usage line of
// an unknown flag once an argument was given, e.g. for
// `validate --rules x.guard --bogus` (golden h08):
//   cfn-guard validate <--rules [<RULES>...]|--payload> <--rules [<RULES>...]|--data ...|--structured>
#include "tools/cli/command_line.h"

#include "tools/cli/common.h"

namespace guard::cli {
namespace {

using args::Arg;
using args::Takes;

const std::vector<std::string> kOutputFormats = {"single-line-summary", "json", "yaml", "junit", "sarif"};

Arg flag(std::string id, char s, std::vector<std::string> conflicts = {}) {
  Arg a;
  a.id = std::move(id);
  a.shortName = s;
  a.conflicts = std::move(conflicts);
  return a;
}

Arg option(std::string id, char s, std::string valueName, Takes takes = Takes::One,
           std::vector<std::string> possible = {}) {
  Arg a;
  a.id = std::move(id);
  a.shortName = s;
  a.valueName = std::move(valueName);
  a.takes = takes;
  a.possible = std::move(possible);
  return a;
}

Arg helpFlag() {
  Arg a = flag("help", 'h');
  a.action = args::Action::Help;
  return a;
}

// A guardvm flag: in every text as guardvm, in none as cfn-guard.
Arg ours(Arg a) {
  a.hidden = invokedAsCfnGuard();
  return a;
}

// -j's value, as clap's usize parser refuses one (guardvm keeps it to an int).
std::string jobsCheck(std::string_view v) {
  if (v.empty()) return "cannot parse integer from empty string";
  long long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return "invalid digit found in string";
    n = n * 10 + (c - '0');
    if (n > 2147483647) return "number too large to fit in target type";
  }
  return "";
}

// The command's arguments, then clap-derive's group of all of them (first
// among the groups, as clap adds it).
args::Command command(std::string name, std::vector<Arg> list) {
  args::Command c;
  c.bin = gProgramName + " " + name;
  args::Group all{name, {}, false};
  for (const Arg& a : list) all.members.push_back(a.id);
  list.push_back(helpFlag());
  c.args = std::move(list);
  c.groups.push_back(std::move(all));
  return c;
}

}  // namespace

bool invokedAsCfnGuard() { return gProgramName == "cfn-guard"; }

args::Command topCommand() {
  args::Command c;
  c.bin = gProgramName;
  Arg version = flag("version", 'V');
  version.action = args::Action::Version;
  c.args = {helpFlag(), version};
  for (const char* name : {"validate", "test", "parse-tree", "rulegen", "completions"}) {
    args::Subcommand sc{name, {}};
    const std::optional<args::Command> sub = subcommand(name);
    for (const Arg& a : sub->args)
      if (!a.hidden) sc.longs.push_back(a.id);
    c.subcommands.push_back(std::move(sc));
  }
  c.subcommands.push_back({"help", {}});
  return c;
}

args::Command validateCommand() {
  Arg params = option("input-params", 'i', "INPUT_PARAMS", Takes::Many);
  params.aliases = {"input-parameters"};  // guardvm has always taken this spelling too
  Arg jobs = option("jobs", 'j', "N");
  jobs.check = jobsCheck;
  Arg noCache = flag("no-cache", 0);
  args::Command c = command(
      "validate",
      {option("rules", 'r', "RULES", Takes::Many), option("data", 'd', "DATA", Takes::Many), params,
       option("type", 't', "type", Takes::One, {"CFNTemplate"}),
       option("output-format", 'o', "OUTPUT_FORMAT", Takes::One, kOutputFormats),
       option("show-summary", 'S', "SHOW_SUMMARY", Takes::OneSplit, {"all", "pass", "fail", "skip", "none"}),
       flag("alphabetical", 'a'), flag("last-modified", 'm', {"alphabetical"}), flag("verbose", 'v'),
       flag("print-json", 'p'), flag("payload", 'P'), flag("structured", 'z', {"print-json", "verbose"}),
       ours(jobs), ours(noCache), ours(flag("lint", 0))});
  for (const char* id : {"rules", "data"})
    for (Arg& a : c.args)
      if (a.id == id) a.conflicts = {"payload"};
  c.groups.push_back({"required_flags", {"rules", "payload"}, true});
  return c;
}

args::Command testCommand() {
  args::Command c = command(
      "test", {option("rules-file", 'r', "rules-file"), option("test-data", 't', "test-data"),
               option("dir", 'd', "dir"), flag("alphabetical", 'a', {"last-modified"}),
               flag("last-modified", 'm', {"alphabetical"}), flag("verbose", 'v'),
               option("output-format", 'o', "OUTPUT_FORMAT", Takes::One, kOutputFormats),
               ours(flag("no-cache", 0))});
  c.groups.push_back({"directory-only", {"dir"}, false});
  return c;
}

args::Command parseTreeCommand() {
  return command("parse-tree", {option("rules", 'r', "RULES"), option("output", 'o', "OUTPUT"),
                                flag("print-json", 'p'), flag("print-yaml", 'y')});
}

args::Command rulegenCommand() {
  Arg templ = option("template", 't', "TEMPLATE");
  templ.required = true;
  return command("rulegen", {option("output", 'o', "OUTPUT"), templ});
}

args::Command completionsCommand() {
  Arg shell = option("shell", 's', "SHELL", Takes::One, {"bash", "zsh", "fish"});
  shell.required = true;
  return command("completions", {shell});
}

std::optional<args::Command> subcommand(std::string_view name) {
  if (name == "validate") return validateCommand();
  if (name == "test") return testCommand();
  if (name == "parse-tree") return parseTreeCommand();
  if (name == "rulegen") return rulegenCommand();
  if (name == "completions") return completionsCommand();
  return std::nullopt;
}

int settle(const args::Parsed& parsed, const std::string& help) {
  switch (parsed.outcome) {
    case args::Outcome::Help:
      out(help);
      return kExitOk;
    case args::Outcome::HelpOnStderr:
      err(help);
      return kExitUsage;
    case args::Outcome::Error:
      err(parsed.errorText);
      return kExitUsage;
    default:
      return -1;
  }
}

}  // namespace guard::cli
