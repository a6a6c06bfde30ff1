// The help texts (see help.h), rendered from the command tables
// (command_line.cpp: abouts, argument helps, defaults, possible values) with
// clap 4.5's layouts as cfn-guard 3.1.1 prints them, so that the help, the
// usage errors and the completion scripts always agree. Called by
// tools/guardvm.cpp and the subcommands in tools/cli/.
#include "tools/cli/help.h"

#include <algorithm>

#include "tools/cli/command_line.h"
#include "tools/cli/common.h"

namespace guard::cli {
namespace {

// clap's indent of the help under its argument in the next-line layout.
constexpr std::string_view kNextLineIndent = "          ";

// The `help` subcommand's argument list (clap builds that command itself).
constexpr std::string_view kHelpCommandArguments =
    "Arguments:\n"
    "  [COMMAND]...  Print help for the subcommand(s)\n";

// "-r, --rules [<RULES>...]": the argument as its help row names it.
std::string spec(const args::Arg& a) {
  std::string s = a.shortName ? std::string("-") + a.shortName + ", " : std::string("    ");
  s += "--" + a.id;
  if (a.takes == args::Takes::Many) s += " [<" + a.valueName + ">...]";
  else if (a.takes != args::Takes::Nothing) s += " <" + a.valueName + ">";
  return s;
}

// The help with what clap appends: "[default: X] [possible values: a, b]".
std::string helpWithValues(const args::Arg& a) {
  std::string extra;
  if (!a.defaultValue.empty()) extra = "[default: " + a.defaultValue + "]";
  if (!a.possible.empty()) {
    if (!extra.empty()) extra += " ";
    extra += "[possible values: ";
    for (size_t i = 0; i < a.possible.size(); ++i) extra += (i ? ", " : "") + a.possible[i];
    extra += "]";
  }
  if (extra.empty() || a.help.empty()) return a.help + extra;
  return a.help + " " + extra;
}

// `text` after `head`; its later lines indented by `indent` spaces, as clap
// does (for the one-line layout that is the name column plus 8, clap's
// TAB_WIDTH twice, which is why cfn-guard's command list indents by 19).
std::string row(const std::string& head, const std::string& text, size_t indent) {
  std::string s = head;
  size_t from = 0;
  for (;;) {
    const size_t nl = text.find('\n', from);
    s += text.substr(from, nl - from) + "\n";
    if (nl == std::string::npos) return s;
    from = nl + 1;
    s += std::string(indent, ' ');
  }
}

// One row per (name, text) pair: "  name  text", names padded to the longest.
std::string table(const std::vector<std::pair<std::string, std::string>>& rows) {
  size_t longest = 0;
  for (const auto& r : rows) longest = std::max(longest, r.first.size());
  std::string s;
  for (const auto& [name, text] : rows) {
    if (text.empty()) {
      s += "  " + name + "\n";
      continue;
    }
    s += row("  " + name + std::string(longest - name.size() + 2, ' '), text, longest + 8);
  }
  return s;
}

// The Options section: the visible arguments in declaration order.
std::string options(const args::Command& cmd) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const args::Arg& a : cmd.args)
    if (!a.hidden) rows.emplace_back(spec(a), helpWithValues(a));
  std::string s = "Options:\n";
  if (!cmd.nextLineHelp) return s + table(rows);
  for (const auto& [name, text] : rows)
    s += "  " + name + "\n" + row(std::string(kNextLineIndent), text, kNextLineIndent.size());
  return s;
}

std::string commands(const args::Command& cmd) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const args::Subcommand& sc : cmd.subcommands) rows.emplace_back(sc.name, sc.about);
  return "Commands:\n" + table(rows);
}

// clap's help page: about, usage, then the sections.
std::string page(const args::Command& cmd) {
  std::string s = cmd.about + "\n\nUsage: " + args::helpUsage(cmd) + "\n\n";
  if (!cmd.subcommands.empty()) s += commands(cmd) + "\n";
  return s + options(cmd);
}

}  // namespace

std::string topHelp() { return page(topCommand()); }
std::string validateHelp() { return page(validateCommand()); }
std::string testHelp() { return page(testCommand()); }
std::string parseTreeHelp() { return page(parseTreeCommand()); }
std::string rulegenHelp() { return page(rulegenCommand()); }
std::string completionsHelp() { return page(completionsCommand()); }

std::string helpCommandHelp() {
  return helpCommandAbout() + "\n\nUsage: " + gProgramName + " help [COMMAND]...\n\n" +
         std::string(kHelpCommandArguments);
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
