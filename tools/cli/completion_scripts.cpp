// The completion script generators (see completion_scripts.h). Each shell's
// script is built the way clap_complete 4.1's generator builds it, from the
// same walk of the tree: arguments in declaration order (options before flags
// where clap splits them), subcommands in the tree's order, and the sorted
// lists clap makes of all subcommands (bash's cases and zsh's helper
// functions). Called by completions.cpp; tested by
// tests/completion_scripts_test.cpp and the goldens c01-c03.
#include "tools/cli/completion_scripts.h"

#include <algorithm>
#include <utility>

#include "tools/cli/command_line.h"
#include "tools/cli/common.h"

namespace guard::cli::completion {
namespace {

using args::Arg;

// ---- the tree

Node nodeOf(const args::Command& cmd, std::string name) {
  Node n{std::move(name), cmd.about, {}, {}};
  for (const Arg& a : cmd.args)
    if (!a.hidden) n.args.push_back(a);
  return n;
}

// clap's `help` subcommand: a bare child per subcommand, so that the scripts
// complete `help <COMMAND>`.
Node helpNode(const args::Command& top) {
  Node help{"help", helpCommandAbout(), {}, {}};
  for (const args::Subcommand& sc : top.subcommands) help.subcommands.push_back({sc.name, sc.about, {}, {}});
  return help;
}

// ---- what the generators share

std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

bool takesValue(const Arg& a) { return a.takes != args::Takes::Nothing; }

// clap's Append actions, which zsh marks as repeatable ('*').
bool repeatable(const Arg& a) { return a.takes == args::Takes::Many || a.takes == args::Takes::OneSplit; }

std::vector<const Arg*> options(const Node& n) {
  std::vector<const Arg*> v;
  for (const Arg& a : n.args)
    if (takesValue(a)) v.push_back(&a);
  return v;
}

std::vector<const Arg*> flags(const Node& n) {
  std::vector<const Arg*> v;
  for (const Arg& a : n.args)
    if (!takesValue(a)) v.push_back(&a);
  return v;
}

// Every subcommand below `n` (whose bin name is `bin`), as (name, bin name),
// depth first: clap_complete's utils::all_subcommands.
void allSubcommands(const Node& n, const std::string& bin, std::vector<std::pair<std::string, std::string>>& out) {
  for (const Node& sc : n.subcommands) out.emplace_back(sc.name, bin + " " + sc.name);
  for (const Node& sc : n.subcommands) allSubcommands(sc, bin + " " + sc.name, out);
}

std::vector<std::pair<std::string, std::string>> allSubcommands(const Node& root) {
  std::vector<std::pair<std::string, std::string>> v;
  allSubcommands(root, root.name, v);
  return v;
}

// The node a bin name ("cfn-guard help test") names, from the root.
const Node& nodeAt(const Node& root, const std::string& bin) {
  const Node* n = &root;
  size_t from = bin.find(' ');
  while (from != std::string::npos) {
    const size_t next = bin.find(' ', from + 1);
    const std::string name = bin.substr(from + 1, next == std::string::npos ? std::string::npos : next - from - 1);
    for (const Node& sc : n->subcommands)
      if (sc.name == name) n = &sc;
    from = next;
  }
  return *n;
}

size_t words(const std::string& bin) { return size_t(std::count(bin.begin(), bin.end(), ' ')) + 1; }

std::string joined(const std::vector<std::string>& parts, std::string_view sep) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? std::string(sep) : "") + parts[i];
  return s;
}

// ---- bash

// "cfn__guard__parse__tree": bash names its states by the bin name, '-' and
// ' ' both replaced by "__".
std::string bashState(const std::string& bin) { return replaceAll(replaceAll(bin, "-", "__"), " ", "__"); }

// The words completed at any point of the command: shorts, longs, subcommands.
std::string bashWords(const Node& n) {
  std::vector<std::string> w;
  for (const Arg& a : n.args)
    if (a.shortName) w.push_back(std::string("-") + a.shortName);
  for (const Arg& a : n.args) w.push_back("--" + a.id);
  for (const Node& sc : n.subcommands) w.push_back(sc.name);
  return joined(w, " ");
}

std::string bashValues(const Arg& a) {
  if (a.possible.empty()) return "$(compgen -f \"${cur}\")";
  return "$(compgen -W \"" + joined(a.possible, " ") + "\" -- \"${cur}\")";
}

// The cases on the previous word: an option's values (long name, then short).
std::string bashOptionCases(const Node& n) {
  std::string s;
  for (const Arg* o : options(n)) {
    std::vector<std::string> names = {"--" + o->id};
    if (o->shortName) names.push_back(std::string("-") + o->shortName);
    for (const std::string& name : names)
      s += "\n                " + name + ")\n                    COMPREPLY=(" + bashValues(*o) +
           ")\n                    return 0\n                    ;;";
  }
  return s;
}

// The case of one state: what to complete in command `bin`.
std::string bashStateCase(const Node& root, const std::string& bin) {
  const Node& n = nodeAt(root, bin);
  return bashState(bin) + ")\n            opts=\"" + bashWords(n) +
         "\"\n            if [[ ${cur} == -* || ${COMP_CWORD} -eq " + std::to_string(words(bin)) +
         " ]] ; then\n"
         "                COMPREPLY=( $(compgen -W \"${opts}\" -- \"${cur}\") )\n"
         "                return 0\n"
         "            fi\n"
         "            case \"${prev}\" in" +
         bashOptionCases(n) +
         "\n                *)\n"
         "                    COMPREPLY=()\n"
         "                    ;;\n"
         "            esac\n"
         "            COMPREPLY=( $(compgen -W \"${opts}\" -- \"${cur}\") )\n"
         "            return 0\n"
         "            ;;";
}

// The state changes while reading the words: (state, word) -> state, sorted
// as clap sorts them (by state, then word).
std::string bashTransitions(const Node& root) {
  std::vector<std::pair<std::string, std::string>> moves;  // (state, word)
  for (const auto& [name, bin] : allSubcommands(root))
    moves.emplace_back(bashState(bin.substr(0, bin.size() - name.size() - 1)), name);
  std::sort(moves.begin(), moves.end());
  std::string s;
  for (const auto& [state, word] : moves)
    s += "\n            " + state + "," + word + ")\n                cmd=\"" + state + "__" +
         replaceAll(word, "-", "__") + "\"\n                ;;";
  return s;
}

// The subcommands' states, sorted by bin name with ' ' as "__" (hyphens kept), as clap does.
std::string bashSubcommandCases(const Node& root) {
  std::vector<std::pair<std::string, std::string>> bins;  // (sort key, bin)
  for (const auto& sc : allSubcommands(root)) bins.emplace_back(replaceAll(sc.second, " ", "__"), sc.second);
  std::sort(bins.begin(), bins.end());
  std::string s;
  for (const auto& b : bins) s += "\n        " + bashStateCase(root, b.second);
  return s;
}

// ---- zsh

// Inside '...' and [...]: a help or about.
std::string zshEscapeHelp(const std::string& s) {
  return replaceAll(replaceAll(replaceAll(replaceAll(s, "\\", "\\\\"), "'", "'\\''"), "[", "\\["), "]", "\\]");
}

// Inside '...' and (...): a possible value.
std::string zshEscapeValue(const std::string& s) {
  std::string e = replaceAll(replaceAll(s, "\\", "\\\\"), "'", "'\\''");
  return replaceAll(replaceAll(replaceAll(e, "(", "\\("), ")", "\\)"), " ", "\\ ");
}

std::string zshConflicts(const Node& n, const Arg& a) {
  std::vector<std::string> names;
  for (const std::string& id : a.conflicts)
    for (const Arg& other : n.args)
      if (other.id == id) {
        if (other.shortName) names.push_back(std::string("-") + other.shortName);
        names.push_back("--" + other.id);
      }
  return names.empty() ? "" : "(" + joined(names, " ") + ")";
}

// ":NAME:(a b)" or ":NAME: ", once per value the option needs (none for 0..n).
std::string zshValueSpec(const Arg& o) {
  if (o.takes == args::Takes::Many) return "";
  if (o.possible.empty()) return ":" + o.valueName + ": ";
  std::vector<std::string> values;
  for (const std::string& v : o.possible) values.push_back(zshEscapeValue(v));
  return ":" + o.valueName + ":(" + joined(values, " ") + ")";
}

// One _arguments spec per short and long name: options ("-r+", "--rules=")
// then flags.
std::vector<std::string> zshArgSpecs(const Node& n) {
  std::vector<std::string> lines;
  for (const Arg* o : options(n)) {
    const std::string head = "'" + zshConflicts(n, *o) + (repeatable(*o) ? "*" : "");
    const std::string tail = "[" + zshEscapeHelp(o->help) + "]" + zshValueSpec(*o) + "' \\";
    if (o->shortName) lines.push_back(head + "-" + o->shortName + "+" + tail);
    lines.push_back(head + "--" + o->id + "=" + tail);
  }
  for (const Arg* f : flags(n)) {
    const std::string head = "'" + zshConflicts(n, *f);
    const std::string tail = "[" + zshEscapeHelp(f->help) + "]' \\";
    if (f->shortName) lines.push_back(head + "-" + f->shortName + tail);
    lines.push_back(head + "--" + f->id + tail);
  }
  return lines;
}

// The _arguments call of command `bin`, handing over to the subcommands' state.
std::string zshArguments(const Node& n, const std::string& bin) {
  std::vector<std::string> lines = {"_arguments \"${_arguments_options[@]}\" \\"};
  for (std::string& l : zshArgSpecs(n)) lines.push_back(std::move(l));
  if (!n.subcommands.empty()) {
    lines.push_back("\":: :_" + replaceAll(bin, " ", "__") + "_commands\" \\");
    lines.push_back("\"*::: :->" + n.name + "\" \\");
  }
  lines.push_back("&& ret=0");
  return joined(lines, "\n");
}

// The state machine of `n`'s subcommands, nested for theirs.
std::string zshSubcommands(const Node& n, const std::string& bin) {
  if (n.subcommands.empty()) return "";
  std::vector<std::string> cases;
  for (const Node& sc : n.subcommands) {
    const std::string scBin = bin + " " + sc.name;
    std::vector<std::string> parts = {"(" + sc.name + ")", zshArguments(sc, scBin)};
    if (std::string children = zshSubcommands(sc, scBin); !children.empty()) parts.push_back(children);
    parts.push_back(";;");
    cases.push_back(joined(parts, "\n"));
  }
  return "\n    case $state in\n    (" + n.name +
         ")\n        words=($line[1] \"${words[@]}\")\n        (( CURRENT += 1 ))\n"
         "        curcontext=\"${curcontext%:*:*}:" +
         replaceAll(bin, " ", "-") + "-command-$line[1]:\"\n        case $line[1] in\n            " +
         joined(cases, "\n") + "\n        esac\n    ;;\nesac";
}

// The function listing the subcommands of command `bin` with their abouts.
std::string zshCommandsFunction(const Node& n, const std::string& bin) {
  std::vector<std::string> entries;
  for (const Node& sc : n.subcommands) entries.push_back("'" + sc.name + ":" + zshEscapeHelp(sc.about) + "' \\");
  std::string list = entries.empty() ? "" : "\n" + joined(entries, "\n") + "\n    ";
  const std::string fn = "_" + replaceAll(bin, " ", "__") + "_commands";
  return "(( $+functions[" + fn + "] )) ||\n" + fn + "() {\n    local commands; commands=(" + list +
         ")\n    _describe -t commands '" + bin + " commands' commands \"$@\"\n}";
}

// The root's function, then one per subcommand, sorted by (name, bin name) as clap does.
std::string zshCommandsFunctions(const Node& root) {
  std::vector<std::string> fns = {zshCommandsFunction(root, root.name)};
  auto all = allSubcommands(root);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  for (const auto& sc : all) fns.push_back(zshCommandsFunction(nodeAt(root, sc.second), sc.second));
  return joined(fns, "\n");
}

// ---- fish

std::string fishEscape(const std::string& s, bool comma = false) {
  std::string e = replaceAll(replaceAll(s, "\\", "\\\\"), "'", "\\'");
  return comma ? replaceAll(e, ",", "\\,") : e;
}

// What an option's value completes to: its possible values (each with an
// empty description, so that they do not take the option's), else anything.
std::string fishValues(const Arg& o) {
  if (o.possible.empty()) return " -r";
  std::vector<std::string> values;
  for (const std::string& v : o.possible) values.push_back(fishEscape(v, true) + "\t");
  return " -r -f -a \"{" + joined(values, ",") + "}\"";
}

std::string fishArg(const std::string& head, const Arg& a) {
  std::string s = head;
  if (a.shortName) s += std::string(" -s ") + a.shortName;
  s += " -l " + fishEscape(a.id);
  if (!a.help.empty()) s += " -d '" + fishEscape(a.help) + "'";
  return s + (takesValue(a) ? fishValues(a) : "") + "\n";
}

// The lines of `n` (reached through `parents`), then its subcommands' lines.
std::string fishLines(const std::string& prog, const std::vector<std::string>& parents, const Node& n) {
  std::string head = "complete -c " + prog;
  if (parents.empty()) {
    if (!n.subcommands.empty()) head += " -n \"__fish_use_subcommand\"";
  } else {
    std::vector<std::string> conds;
    for (const std::string& p : parents) conds.push_back("__fish_seen_subcommand_from " + p);
    for (const Node& sc : n.subcommands) conds.push_back("not __fish_seen_subcommand_from " + sc.name);
    head += " -n \"" + joined(conds, "; and ") + "\"";
  }
  std::string s;
  for (const Arg* o : options(n)) s += fishArg(head, *o);
  for (const Arg* f : flags(n)) s += fishArg(head, *f);
  for (const Node& sc : n.subcommands)
    s += head + " -f -a \"" + sc.name + "\"" + (sc.about.empty() ? "" : " -d '" + fishEscape(sc.about) + "'") + "\n";
  for (const Node& sc : n.subcommands) {
    std::vector<std::string> path = parents;
    path.push_back(sc.name);
    s += fishLines(prog, path, sc);
  }
  return s;
}

}  // namespace

Node commandTree() {
  const args::Command top = topCommand();
  Node root = nodeOf(top, gProgramName);
  for (const args::Subcommand& sc : top.subcommands) {
    if (std::optional<args::Command> cmd = subcommand(sc.name)) root.subcommands.push_back(nodeOf(*cmd, sc.name));
    else root.subcommands.push_back(helpNode(top));
  }
  return root;
}

std::string bash(const Node& root) {
  const std::string& name = root.name;
  return "_" + name +
         "() {\n"
         "    local i cur prev opts cmd\n"
         "    COMPREPLY=()\n"
         "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
         "    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
         "    cmd=\"\"\n"
         "    opts=\"\"\n"
         "\n"
         "    for i in ${COMP_WORDS[@]}\n"
         "    do\n"
         "        case \"${cmd},${i}\" in\n"
         "            \",$1\")\n"
         "                cmd=\"" +
         bashState(name) + "\"\n                ;;" + bashTransitions(root) +
         "\n"
         "            *)\n"
         "                ;;\n"
         "        esac\n"
         "    done\n"
         "\n"
         "    case \"${cmd}\" in\n"
         "        " +
         bashStateCase(root, name) + bashSubcommandCases(root) +
         "\n"
         "    esac\n"
         "}\n"
         "\n"
         "complete -F _" +
         name + " -o bashdefault -o default " + name + "\n";
}

std::string zsh(const Node& root) {
  const std::string& name = root.name;
  return "#compdef " + name +
         "\n"
         "\n"
         "autoload -U is-at-least\n"
         "\n"
         "_" +
         name +
         "() {\n"
         "    typeset -A opt_args\n"
         "    typeset -a _arguments_options\n"
         "    local ret=1\n"
         "\n"
         "    if is-at-least 5.2; then\n"
         "        _arguments_options=(-s -S -C)\n"
         "    else\n"
         "        _arguments_options=(-s -C)\n"
         "    fi\n"
         "\n"
         "    local context curcontext=\"$curcontext\" state line\n"
         "    " +
         zshArguments(root, name) + zshSubcommands(root, name) + "\n}\n\n" + zshCommandsFunctions(root) + "\n\n_" +
         name + " \"$@\"\n";
}

std::string fish(const Node& root) { return fishLines(root.name, {}, root); }

}  // namespace guard::cli::completion
