// The argument tables of guardvm's commands (see command_line.h), in
// cfn-guard 3.1.1's declaration order: clap lists arguments, groups and
// suggestions in that order. Each table also holds the command's about and
// each argument's help and default, cfn-guard's words (captured from
// `cfn-guard <command> --help`), so that the parser, the help texts
// (help.cpp) and the completion scripts (completions.cpp) read one source.
// Each subcommand has clap-derive's group of all
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

// ---- cfn-guard 3.1.1's abouts and argument helps

constexpr const char* kTopAbout =
    "Guard is a general-purpose tool that provides a simple declarative syntax to define\n"
    "policy-as-code as rules to validate against any structured hierarchical data (like JSON/YAML).\n"
    "Rules are composed of clauses expressed using Conjunctive Normal Form\n"
    "(fancy way of saying it is a logical AND of OR clauses). Guard has deep\n"
    "integration with CloudFormation templates for evaluation but is a general tool\n"
    "that equally works for any JSON- and YAML- data.";

// The abouts of validate and test end with a newline: cfn-guard's help shows
// it as a blank line, and its command list as a line of spaces (spec §11.4).
constexpr const char* kValidateAbout =
    "Evaluates rules against the data files to determine success or failure.\n"
    "You can point rules flag to a rules directory and point data flag to a data directory.\n"
    "When pointed to a directory it will read all rules in the directory file and evaluate\n"
    "them against the data files found in the directory. The command can also point to a\n"
    "single file and it would work as well.\n"
    "Note - When pointing the command to a directory, the directory may not contain a mix of\n"
    "rules and data files. The directory being pointed to must contain only data files,\n"
    "or rules files.\n";

constexpr const char* kRulesHelp =
    "Provide a rules file or a directory of rules files. Supports passing multiple values by using this option repeatedly.\n"
    "Example:\n"
    " --rules rule1.guard --rules ./rules-dir1 --rules rule2.guard\n"
    "For directory arguments such as `rules-dir1` above, scanning is only supported for files with following extensions: .guard, .ruleset";

constexpr const char* kDataHelp =
    "Provide a data file or directory of data files in JSON or YAML. Supports passing multiple values by using this option repeatedly.\n"
    "Example:\n"
    " --data template1.yaml --data ./data-dir1 --data template2.yaml\n"
    "For directory arguments such as `data-dir1` above, scanning is only supported for files with following extensions: .yaml, .yml, .json, .jsn, .template";

constexpr const char* kInputParamsHelp =
    "Provide a data file or directory of data files in JSON or YAML that specifies any additional parameters to use along with data files to be used as a combined context. All the parameter files passed as input get merged and this combined context is again merged with each file passed as an argument for `data`. Due to this, every file is expected to contain mutually exclusive properties, without any overlap. Supports passing multiple values by using this option repeatedly.\n"
    "Example:\n"
    " --input-parameters param1.yaml --input-parameters ./param-dir1 --input-parameters param2.yaml\n"
    "For directory arguments such as `param-dir1` above, scanning is only supported for files with following extensions: .yaml, .yml, .json, .jsn, .template";

constexpr const char* kTypeHelp = "Specify the type of data file used for improved messaging - ex: CFNTemplate";
constexpr const char* kOutputFormatHelp = "Specify the format in which the output should be displayed";

constexpr const char* kShowSummaryHelp =
    "Controls if the summary table needs to be displayed. --show-summary fail (default) or --show-summary pass,fail (only show rules that did pass/fail) or --show-summary none (to turn it off) or --show-summary all (to show all the rules that pass, fail or skip)";

constexpr const char* kPayloadHelp =
    "Provide rules and data in the following JSON format via STDIN,\n"
    "{\"rules\":[\"<rules 1>\", \"<rules 2>\", ...], \"data\":[\"<data 1>\", \"<data 2>\", ...]}, where,\n"
    "- \"rules\" takes a list of string version of rules files as its value and\n"
    "- \"data\" takes a list of string version of data files as it value.\n"
    "When --payload is specified --rules and --data cannot be specified.";

// The trailing spaces are cfn-guard's.
constexpr const char* kStructuredHelp =
    "Print out a list of structured and valid JSON/YAML. This argument conflicts with the following arguments: \n"
    "verbose \n"
    " print-json \n"
    " show-summary: all/fail/pass/skip \n"
    "output-format: single-line-summary";

constexpr const char* kTestAbout =
    "Built in unit testing capability to validate a Guard rules file against\n"
    "unit tests specified in YAML format to determine each individual rule's success\n"
    "or failure testing.\n";

constexpr const char* kParseTreeAbout = "Prints out the parse tree for the rules defined in the file.";
constexpr const char* kRulegenAbout =
    "Autogenerate rules from an existing JSON- or YAML- formatted data. (Currently works with only CloudFormation templates)";
constexpr const char* kCompletionsAbout = "Generate auto-completions for all the sub-commands in shell.";

// ---- guardvm's own flags

constexpr const char* kJobsHelp =
    "Number of threads that compile the rules, read the data files and evaluate (rules file, data file) pairs; 0 means one per core. The output and the exit code are the same whatever the number";
constexpr const char* kNoCacheHelp =
    "Compile every rules file again, and read or write nothing in the compile cache (also GUARDVM_NO_CACHE=1). The cache keeps the compiled program of each .guard file in $GUARDVM_CACHE_DIR, else $XDG_CACHE_HOME/guardvm, else ~/.cache/guardvm; it never changes the output or the exit code";
constexpr const char* kLintHelp =
    "Print guardc's lint warnings for every rules file (for a pack, from the source text it keeps) on stderr before evaluating; the output and the exit code are the same as without it";

// ---- table builders

Arg flag(std::string id, char s, std::string help, std::vector<std::string> conflicts = {}) {
  Arg a;
  a.id = std::move(id);
  a.shortName = s;
  a.help = std::move(help);
  a.conflicts = std::move(conflicts);
  return a;
}

Arg option(std::string id, char s, std::string valueName, std::string help, Takes takes = Takes::One,
           std::vector<std::string> possible = {}, std::string defaultValue = "") {
  Arg a;
  a.id = std::move(id);
  a.shortName = s;
  a.valueName = std::move(valueName);
  a.help = std::move(help);
  a.takes = takes;
  a.possible = std::move(possible);
  a.defaultValue = std::move(defaultValue);
  return a;
}

Arg helpFlag() {
  Arg a = flag("help", 'h', "Print help");
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
args::Command command(std::string name, std::string about, std::vector<Arg> list) {
  args::Command c;
  c.bin = gProgramName + " " + name;
  c.about = std::move(about);
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
  c.about = kTopAbout;
  Arg version = flag("version", 'V', "Print version");
  version.action = args::Action::Version;
  c.args = {helpFlag(), version};
  for (const char* name : {"validate", "test", "parse-tree", "rulegen", "completions"}) {
    const std::optional<args::Command> sub = subcommand(name);
    args::Subcommand sc{name, {}, sub->about};
    for (const Arg& a : sub->args)
      if (!a.hidden) sc.longs.push_back(a.id);
    c.subcommands.push_back(std::move(sc));
  }
  c.subcommands.push_back({"help", {}, helpCommandAbout()});
  return c;
}

args::Command validateCommand() {
  Arg params = option("input-params", 'i', "INPUT_PARAMS", kInputParamsHelp, Takes::Many);
  params.aliases = {"input-parameters"};  // guardvm has always taken this spelling too
  Arg jobs = option("jobs", 'j', "N", kJobsHelp, Takes::One, {}, "1");
  jobs.check = jobsCheck;
  args::Command c = command(
      "validate", kValidateAbout,
      {option("rules", 'r', "RULES", kRulesHelp, Takes::Many), option("data", 'd', "DATA", kDataHelp, Takes::Many),
       params, option("type", 't', "type", kTypeHelp, Takes::One, {"CFNTemplate"}),
       option("output-format", 'o', "OUTPUT_FORMAT", kOutputFormatHelp, Takes::One, kOutputFormats,
              "single-line-summary"),
       option("show-summary", 'S', "SHOW_SUMMARY", kShowSummaryHelp, Takes::OneSplit,
              {"all", "pass", "fail", "skip", "none"}, "fail"),
       flag("alphabetical", 'a', "Validate files in a directory ordered alphabetically", {"last-modified"}),
       flag("last-modified", 'm', "Validate files in a directory ordered by last modified times", {"alphabetical"}),
       flag("verbose", 'v', "Verbose logging"),
       flag("print-json", 'p',
            "Print the parse tree in a json format. This can be used to get more details on how the clauses were "
            "evaluated"),
       flag("payload", 'P', kPayloadHelp), flag("structured", 'z', kStructuredHelp, {"print-json", "verbose"}),
       ours(jobs), ours(flag("no-cache", 0, kNoCacheHelp)), ours(flag("lint", 0, kLintHelp))});
  for (const char* id : {"rules", "data"})
    for (Arg& a : c.args)
      if (a.id == id) a.conflicts = {"payload"};
  c.groups.push_back({"required_flags", {"rules", "payload"}, true});
  c.nextLineHelp = true;  // how cfn-guard prints validate's help, -h as --help
  return c;
}

args::Command testCommand() {
  args::Command c = command(
      "test", kTestAbout,
      {option("rules-file", 'r', "rules-file", "Provide a rules file"),
       option("test-data", 't', "test-data", "Provide a file or dir for data files in JSON or YAML"),
       option("dir", 'd', "dir", "Provide the root directory for rules"),
       flag("alphabetical", 'a', "Sort alphabetically inside a directory", {"last-modified"}),
       flag("last-modified", 'm', "Sort by last modified times within a directory", {"alphabetical"}),
       flag("verbose", 'v', "Verbose logging"),
       option("output-format", 'o', "OUTPUT_FORMAT", kOutputFormatHelp, Takes::One, kOutputFormats,
              "single-line-summary"),
       ours(flag("no-cache", 0, kNoCacheHelp))});
  c.groups.push_back({"directory-only", {"dir"}, false});
  return c;
}

args::Command parseTreeCommand() {
  return command("parse-tree", kParseTreeAbout,
                 {option("rules", 'r', "RULES", "Provide a rules file"),
                  option("output", 'o', "OUTPUT", "Write to output file"),
                  flag("print-json", 'p', "Print output in JSON format. Use -p as the short flag"),
                  flag("print-yaml", 'y', "Print output in YAML format")});
}

args::Command rulegenCommand() {
  Arg templ = option("template", 't', "TEMPLATE", "Provide path to a CloudFormation template file in JSON or YAML");
  templ.required = true;
  return command("rulegen", kRulegenAbout, {option("output", 'o', "OUTPUT", "Write to output file"), templ});
}

args::Command completionsCommand() {
  Arg shell = option("shell", 's', "SHELL", "", Takes::One, {"bash", "zsh", "fish"});
  shell.required = true;
  return command("completions", kCompletionsAbout, {shell});
}

std::string helpCommandAbout() { return "Print this message or the help of the given subcommand(s)"; }

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
