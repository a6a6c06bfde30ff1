// The help texts (see help.h). cfn-guard's texts are kept in pieces around
// their usage line, which is made from the command's argument table
// (command_line.cpp) so that the help and the usage errors always agree.
// Called by tools/guardvm.cpp and the subcommands in tools/cli/.
#include "tools/cli/help.h"

#include "tools/cli/command_line.h"
#include "tools/cli/common.h"

namespace guard::cli {
namespace {

// ---- cfn-guard 3.1.1's texts (captured from `cfn-guard <command> --help`)

constexpr std::string_view kTopAbout =
    "Guard is a general-purpose tool that provides a simple declarative syntax to define\n"
    "policy-as-code as rules to validate against any structured hierarchical data (like JSON/YAML).\n"
    "Rules are composed of clauses expressed using Conjunctive Normal Form\n"
    "(fancy way of saying it is a logical AND of OR clauses). Guard has deep\n"
    "integration with CloudFormation templates for evaluation but is a general tool\n"
    "that equally works for any JSON- and YAML- data.\n"
    "\n";

constexpr std::string_view kTopBody =
    "\n"
    "Commands:\n"
    "  validate     Evaluates rules against the data files to determine success or failure.\n"
    "                   You can point rules flag to a rules directory and point data flag to a data directory.\n"
    "                   When pointed to a directory it will read all rules in the directory file and evaluate\n"
    "                   them against the data files found in the directory. The command can also point to a\n"
    "                   single file and it would work as well.\n"
    "                   Note - When pointing the command to a directory, the directory may not contain a mix of\n"
    "                   rules and data files. The directory being pointed to must contain only data files,\n"
    "                   or rules files.\n"
    "                   \n"
    "  test         Built in unit testing capability to validate a Guard rules file against\n"
    "                   unit tests specified in YAML format to determine each individual rule's success\n"
    "                   or failure testing.\n"
    "                   \n"
    "  parse-tree   Prints out the parse tree for the rules defined in the file.\n"
    "  rulegen      Autogenerate rules from an existing JSON- or YAML- formatted data. (Currently works with only CloudFormation templates)\n"
    "  completions  Generate auto-completions for all the sub-commands in shell.\n"
    "  help         Print this message or the help of the given subcommand(s)\n"
    "\n"
    "Options:\n"
    "  -h, --help     Print help\n"
    "  -V, --version  Print version\n";

constexpr std::string_view kValidateAbout =
    "Evaluates rules against the data files to determine success or failure.\n"
    "You can point rules flag to a rules directory and point data flag to a data directory.\n"
    "When pointed to a directory it will read all rules in the directory file and evaluate\n"
    "them against the data files found in the directory. The command can also point to a\n"
    "single file and it would work as well.\n"
    "Note - When pointing the command to a directory, the directory may not contain a mix of\n"
    "rules and data files. The directory being pointed to must contain only data files,\n"
    "or rules files.\n"
    "\n"
    "\n";

constexpr std::string_view kValidateOptions =
    "\n"
    "Options:\n"
    "  -r, --rules [<RULES>...]\n"
    "          Provide a rules file or a directory of rules files. Supports passing multiple values by using this option repeatedly.\n"
    "          Example:\n"
    "           --rules rule1.guard --rules ./rules-dir1 --rules rule2.guard\n"
    "          For directory arguments such as `rules-dir1` above, scanning is only supported for files with following extensions: .guard, .ruleset\n"
    "  -d, --data [<DATA>...]\n"
    "          Provide a data file or directory of data files in JSON or YAML. Supports passing multiple values by using this option repeatedly.\n"
    "          Example:\n"
    "           --data template1.yaml --data ./data-dir1 --data template2.yaml\n"
    "          For directory arguments such as `data-dir1` above, scanning is only supported for files with following extensions: .yaml, .yml, .json, .jsn, .template\n"
    "  -i, --input-params [<INPUT_PARAMS>...]\n"
    "          Provide a data file or directory of data files in JSON or YAML that specifies any additional parameters to use along with data files to be used as a combined context. All the parameter files passed as input get merged and this combined context is again merged with each file passed as an argument for `data`. Due to this, every file is expected to contain mutually exclusive properties, without any overlap. Supports passing multiple values by using this option repeatedly.\n"
    "          Example:\n"
    "           --input-parameters param1.yaml --input-parameters ./param-dir1 --input-parameters param2.yaml\n"
    "          For directory arguments such as `param-dir1` above, scanning is only supported for files with following extensions: .yaml, .yml, .json, .jsn, .template\n"
    "  -t, --type <type>\n"
    "          Specify the type of data file used for improved messaging - ex: CFNTemplate [possible values: CFNTemplate]\n"
    "  -o, --output-format <OUTPUT_FORMAT>\n"
    "          Specify the format in which the output should be displayed [default: single-line-summary] [possible values: single-line-summary, json, yaml, junit, sarif]\n"
    "  -S, --show-summary <SHOW_SUMMARY>\n"
    "          Controls if the summary table needs to be displayed. --show-summary fail (default) or --show-summary pass,fail (only show rules that did pass/fail) or --show-summary none (to turn it off) or --show-summary all (to show all the rules that pass, fail or skip) [default: fail] [possible values: all, pass, fail, skip, none]\n"
    "  -a, --alphabetical\n"
    "          Validate files in a directory ordered alphabetically\n"
    "  -m, --last-modified\n"
    "          Validate files in a directory ordered by last modified times\n"
    "  -v, --verbose\n"
    "          Verbose logging\n"
    "  -p, --print-json\n"
    "          Print the parse tree in a json format. This can be used to get more details on how the clauses were evaluated\n"
    "  -P, --payload\n"
    "          Provide rules and data in the following JSON format via STDIN,\n"
    "          {\"rules\":[\"<rules 1>\", \"<rules 2>\", ...], \"data\":[\"<data 1>\", \"<data 2>\", ...]}, where,\n"
    "          - \"rules\" takes a list of string version of rules files as its value and\n"
    "          - \"data\" takes a list of string version of data files as it value.\n"
    "          When --payload is specified --rules and --data cannot be specified.\n"
    "  -z, --structured\n"
    "          Print out a list of structured and valid JSON/YAML. This argument conflicts with the following arguments: \n"
    "          verbose \n"
    "           print-json \n"
    "           show-summary: all/fail/pass/skip \n"
    "          output-format: single-line-summary\n";

constexpr std::string_view kValidateHelpFlag =
    "  -h, --help\n"
    "          Print help\n";

constexpr std::string_view kTestAbout =
    "Built in unit testing capability to validate a Guard rules file against\n"
    "unit tests specified in YAML format to determine each individual rule's success\n"
    "or failure testing.\n"
    "\n"
    "\n";

constexpr std::string_view kTestOptions =
    "\n"
    "Options:\n"
    "  -r, --rules-file <rules-file>        Provide a rules file\n"
    "  -t, --test-data <test-data>          Provide a file or dir for data files in JSON or YAML\n"
    "  -d, --dir <dir>                      Provide the root directory for rules\n"
    "  -a, --alphabetical                   Sort alphabetically inside a directory\n"
    "  -m, --last-modified                  Sort by last modified times within a directory\n"
    "  -v, --verbose                        Verbose logging\n"
    "  -o, --output-format <OUTPUT_FORMAT>  Specify the format in which the output should be displayed [default: single-line-summary] [possible values: single-line-summary, json, yaml, junit, sarif]\n";

constexpr std::string_view kTestHelpFlag =
    "  -h, --help                           Print help\n";

constexpr std::string_view kParseTreeAbout =
    "Prints out the parse tree for the rules defined in the file.\n"
    "\n";

constexpr std::string_view kParseTreeBody =
    "\n"
    "Options:\n"
    "  -r, --rules <RULES>    Provide a rules file\n"
    "  -o, --output <OUTPUT>  Write to output file\n"
    "  -p, --print-json       Print output in JSON format. Use -p as the short flag\n"
    "  -y, --print-yaml       Print output in YAML format\n"
    "  -h, --help             Print help\n";

constexpr std::string_view kRulegenAbout =
    "Autogenerate rules from an existing JSON- or YAML- formatted data. (Currently works with only CloudFormation templates)\n"
    "\n";

constexpr std::string_view kRulegenBody =
    "\n"
    "Options:\n"
    "  -o, --output <OUTPUT>      Write to output file\n"
    "  -t, --template <TEMPLATE>  Provide path to a CloudFormation template file in JSON or YAML\n"
    "  -h, --help                 Print help\n";

constexpr std::string_view kCompletionsAbout =
    "Generate auto-completions for all the sub-commands in shell.\n"
    "\n";

constexpr std::string_view kCompletionsBody =
    "\n"
    "Options:\n"
    "  -s, --shell <SHELL>  [possible values: bash, zsh, fish]\n"
    "  -h, --help           Print help\n";

constexpr std::string_view kHelpCommandAbout =
    "Print this message or the help of the given subcommand(s)\n"
    "\n";

constexpr std::string_view kHelpCommandBody =
    "\n"
    "Arguments:\n"
    "  [COMMAND]...  Print help for the subcommand(s)\n";

// ---- guardvm's flags, in the layout of the text they join

constexpr std::string_view kValidateOurs =
    "  -j, --jobs <N>\n"
    "          Number of threads that compile the rules, read the data files and evaluate (rules file, data file) pairs; 0 means one per core. The output and the exit code are the same whatever the number [default: 1]\n"
    "      --no-cache\n"
    "          Compile every rules file again, and read or write nothing in the compile cache (also GUARDVM_NO_CACHE=1). The cache keeps the compiled program of each .guard file in $GUARDVM_CACHE_DIR, else $XDG_CACHE_HOME/guardvm, else ~/.cache/guardvm; it never changes the output or the exit code\n"
    "      --lint\n"
    "          Print guardc's lint warnings for every rules file (for a pack, from the source text it keeps) on stderr before evaluating; the output and the exit code are the same as without it\n";

constexpr std::string_view kTestOurs =
    "      --no-cache                       Compile every rules file again, and read or write nothing in the compile cache (also GUARDVM_NO_CACHE=1). The cache keeps the compiled program of each .guard file in $GUARDVM_CACHE_DIR, else $XDG_CACHE_HOME/guardvm, else ~/.cache/guardvm; it never changes the output or the exit code\n";

std::string usageLine(const args::Command& cmd) { return "Usage: " + args::helpUsage(cmd) + "\n"; }

std::string_view oursUnlessCfnGuard(std::string_view text) { return invokedAsCfnGuard() ? "" : text; }

}  // namespace

std::string topHelp() {
  return std::string(kTopAbout) + usageLine(topCommand()) + std::string(kTopBody);
}

std::string validateHelp() {
  return std::string(kValidateAbout) + usageLine(validateCommand()) + std::string(kValidateOptions) +
         std::string(oursUnlessCfnGuard(kValidateOurs)) + std::string(kValidateHelpFlag);
}

std::string testHelp() {
  return std::string(kTestAbout) + usageLine(testCommand()) + std::string(kTestOptions) +
         std::string(oursUnlessCfnGuard(kTestOurs)) + std::string(kTestHelpFlag);
}

std::string parseTreeHelp() {
  return std::string(kParseTreeAbout) + usageLine(parseTreeCommand()) + std::string(kParseTreeBody);
}

std::string rulegenHelp() {
  return std::string(kRulegenAbout) + usageLine(rulegenCommand()) + std::string(kRulegenBody);
}

std::string completionsHelp() {
  return std::string(kCompletionsAbout) + usageLine(completionsCommand()) + std::string(kCompletionsBody);
}

std::string helpCommandHelp() {
  return std::string(kHelpCommandAbout) + "Usage: " + gProgramName + " help [COMMAND]...\n" +
         std::string(kHelpCommandBody);
}

std::string helpOf(std::string_view name) {
  if (name.empty()) return topHelp();
  if (name == "validate") return validateHelp();
  if (name == "test") return testHelp();
  if (name == "parse-tree") return parseTreeHelp();
  if (name == "rulegen") return rulegenHelp();
  if (name == "completions") return completionsHelp();
  if (name == "help") return helpCommandHelp();
  return "";
}

}  // namespace guard::cli
