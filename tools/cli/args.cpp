// The clap-rules command-line parser (see args.h): the token loop of clap's
// Parser (long and short flags, attached and pending values, `--`), its
// checks after parsing (no arguments, conflicts, required arguments), and the
// texts of its errors and usage lines. Called through parse(); the error
// texts follow clap_builder 4.5 (parser.rs, validator.rs, usage.rs,
// error/format.rs) as cfn-guard 3.1.1 prints them.
#include "tools/cli/args.h"

#include <algorithm>
#include <optional>

#include "tools/cli/suggest.h"

namespace guard::cli::args {

// ---- the tables

std::string Arg::display() const {
  std::string s = "--" + id;
  if (takes == Takes::Many) s += " [<" + valueName + ">...]";
  else if (takes != Takes::Nothing) s += " <" + valueName + ">";
  return s;
}

const Arg* Command::find(std::string_view id) const {
  for (const Arg& a : args)
    if (a.id == id) return &a;
  return nullptr;
}

const Group* Command::group(std::string_view id) const {
  for (const Group& g : groups)
    if (g.id == id) return &g;
  return nullptr;
}

bool Matches::has(std::string_view id) const {
  for (const Entry& e : entries)
    if (e.id == id) return true;
  return false;
}

const std::vector<std::string>& Matches::values(std::string_view id) const {
  static const std::vector<std::string> kNone;
  for (const Entry& e : entries)
    if (e.id == id) return e.values;
  return kNone;
}

std::string Matches::value(std::string_view id, const std::string& fallback) const {
  const auto& v = values(id);
  return v.empty() ? fallback : v.back();
}

// ---- usage lines (clap's Usage)

namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void addOnce(std::vector<std::string>& v, std::string s) {
  if (!contains(v, s)) v.push_back(std::move(s));
}

std::string formatGroup(const Command& cmd, const Group& g) {
  std::string s;
  for (const std::string& id : g.members)
    if (const Arg* a = cmd.find(id); a && !a->hidden) {
      if (!s.empty()) s += '|';
      s += a->display();
    }
  return "<" + s + ">";
}

// clap's get_required_usage_from: the required arguments and groups of the
// command plus `incls`; an argument is left out when a group that is shown
// holds it, and a required one when `given` (for a missing-argument list)
// says it is present.
std::vector<std::string> requiredUsage(const Command& cmd, const std::vector<std::string>& incls,
                                       const Matches* given = nullptr) {
  std::vector<std::string> ids;
  for (const Arg& a : cmd.args)
    if (a.required) ids.push_back(a.id);
  for (const Group& g : cmd.groups)
    if (g.required) ids.push_back(g.id);
  ids.insert(ids.end(), incls.begin(), incls.end());
  std::vector<std::string> groups, members, opts;
  for (const std::string& id : ids)
    if (const Group* g = cmd.group(id)) {
      addOnce(groups, formatGroup(cmd, *g));
      members.insert(members.end(), g->members.begin(), g->members.end());
    }
  for (const std::string& id : ids) {
    const Arg* a = cmd.find(id);
    if (!a || contains(members, id) || (given && given->has(id) && !contains(incls, id))) continue;
    addOnce(opts, a->display());
  }
  opts.insert(opts.end(), groups.begin(), groups.end());
  return opts;
}

bool needsOptionsTag(const Command& cmd) {
  for (const Arg& a : cmd.args)
    if (a.action == Action::Normal && !a.hidden && !a.required) return true;
  return false;
}

std::string joined(std::string head, const std::vector<std::string>& parts) {
  for (const std::string& p : parts) head += " " + p;
  return head;
}

}  // namespace

std::string helpUsage(const Command& cmd) {
  std::string s = cmd.bin + (needsOptionsTag(cmd) ? " [OPTIONS]" : "");
  s = joined(s, requiredUsage(cmd, {}));
  return cmd.subcommands.empty() ? s : s + " <COMMAND>";
}

std::string usageFor(const Command& cmd, const std::vector<std::string>& used) {
  if (used.empty()) return helpUsage(cmd);
  std::string s = joined(cmd.bin, requiredUsage(cmd, used));
  return cmd.subcommands.empty() ? s : s + " <COMMAND>";
}

std::string render(const ErrorText& e) {
  std::string s = "error: " + e.message;
  if (!e.tip.empty()) s += "\n\n  tip: " + e.tip;
  if (!e.usage.empty()) s += "\n\nUsage: " + e.usage;
  s += e.tryHelp ? "\n\nFor more information, try '--help'.\n" : "\n";
  return s;
}

std::string missingError(const Command& cmd, const Matches& m, const std::vector<std::string>& missing,
                         std::string_view note) {
  std::string message = "the following required arguments were not provided:";
  for (const std::string& r : requiredUsage(cmd, missing, &m)) message += "\n  " + r;
  if (!note.empty()) message += "\n\n" + std::string(note);
  std::vector<std::string> used;
  for (const Matches::Entry& e : m.entries)
    if (const Arg* a = cmd.find(e.id); a && !a->hidden) used.push_back(e.id);
  used.insert(used.end(), missing.begin(), missing.end());
  return render({message, "", usageFor(cmd, used)});
}

// ---- the parser (clap's Parser and Validator)

namespace {

using Stop = std::optional<Parsed>;

Parsed failure(std::string text) {
  Parsed p;
  p.outcome = Outcome::Error;
  p.errorText = std::move(text);
  return p;
}

Parsed outcome(Outcome o) {
  Parsed p;
  p.outcome = o;
  return p;
}

// A clap-style "value" error: no usage line, the possible values, a tip.
std::string valueError(const Arg& arg, const std::string& value) {
  std::string message = value.empty()
                            ? "a value is required for '" + arg.display() + "' but none was supplied"
                            : "invalid value '" + value + "' for '" + arg.display() + "'";
  if (!arg.possible.empty()) {
    message += "\n  [possible values: ";
    for (size_t i = 0; i < arg.possible.size(); ++i) {
      if (i) message += ", ";
      message += arg.possible[i];
    }
    message += "]";
  }
  std::vector<std::string> close = similar(value, arg.possible);
  return render({message, close.empty() ? "" : "a similar value exists: '" + close.back() + "'", ""});
}

class Parser {
 public:
  Parser(const Command& cmd, const std::vector<std::string>& argv) : cmd_(cmd), argv_(argv) {}
  Parsed run();

 private:
  struct Pending {
    const Arg* arg;
    std::vector<std::string> values;
    bool open;  // still takes values
  };

  Stop longFlag(size_t index);
  Stop shortFlags(std::string_view cluster);
  Stop react(const Arg& arg, std::vector<std::string> values);
  Stop resolvePending();
  void dropPending() { (void)resolvePending(); }  // clap resolves, ignoring errors, before reporting another
  Stop acceptValue(const Arg& arg, const std::string& value);
  void start(const Arg& arg);
  Parsed validate() const;
  Parsed unknownLong(std::string_view name, size_t index);
  Parsed unexpectedValue(const std::string& value) const;
  Parsed conflict(const Arg& arg, const std::vector<const Arg*>& others) const;
  Parsed missing(const std::vector<std::string>& ids) const;

  const Arg* findLong(std::string_view name) const;
  const Arg* findShort(std::string_view c) const;
  std::vector<std::string> used(bool keepGroups) const;
  bool isSubcommand(std::string_view s) const;

  const Command& cmd_;
  const std::vector<std::string>& argv_;
  Matches m_;
  std::optional<Pending> pending_;
  bool trailing_ = false;
};

const Arg* Parser::findLong(std::string_view name) const {
  for (const Arg& a : cmd_.args)
    if (a.id == name || contains(a.aliases, name)) return &a;
  return nullptr;
}

const Arg* Parser::findShort(std::string_view c) const {
  for (const Arg& a : cmd_.args)
    if (a.shortName && c.size() == 1 && c[0] == a.shortName) return &a;
  return nullptr;
}

bool Parser::isSubcommand(std::string_view s) const {
  for (const Subcommand& sc : cmd_.subcommands)
    if (sc.name == s) return true;
  return false;
}

// The arguments given, in order, without hidden ones; groups too when asked.
std::vector<std::string> Parser::used(bool keepGroups) const {
  std::vector<std::string> ids;
  for (const Matches::Entry& e : m_.entries) {
    if (e.group) {
      if (keepGroups) ids.push_back(e.id);
      continue;
    }
    if (!cmd_.find(e.id)->hidden) ids.push_back(e.id);
  }
  return ids;
}

Parsed Parser::run() {
  for (size_t i = 0; i < argv_.size(); ++i) {
    const std::string& a = argv_[i];
    if (!trailing_) {
      if (!(pending_ && pending_->open) && isSubcommand(a)) {
        Parsed p = outcome(Outcome::Subcommand);
        p.subcommand = a;
        p.rest.assign(argv_.begin() + i + 1, argv_.end());
        return p;
      }
      if (a == "--") {
        trailing_ = true;
        continue;
      }
      if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
        if (Stop s = longFlag(i)) return *s;
        continue;
      }
      if (a.size() > 1 && a[0] == '-' && a != "--") {
        if (Stop s = shortFlags(std::string_view(a).substr(1))) return *s;
        continue;
      }
      if (pending_ && pending_->open) {
        pending_->values.push_back(a);
        if (pending_->arg->takes != Takes::Many) pending_->open = false;
        continue;
      }
    }
    dropPending();
    return unexpectedValue(a);
  }
  if (Stop s = resolvePending()) return *s;
  return validate();
}

Stop Parser::longFlag(size_t index) {
  std::string_view text = std::string_view(argv_[index]).substr(2);
  const size_t eq = text.find('=');
  const std::string_view name = text.substr(0, eq);
  std::optional<std::string> attached;
  if (eq != std::string_view::npos) attached = std::string(text.substr(eq + 1));
  const Arg* arg = findLong(name);
  if (!arg) {
    dropPending();
    return unknownLong(name, index);
  }
  if (arg->takes != Takes::Nothing) {
    if (attached) return react(*arg, {*attached});
    if (Stop s = resolvePending()) return s;
    pending_ = Pending{arg, {}, true};
    return std::nullopt;
  }
  if (attached) {
    // clap names the arguments given so far (not the required ones), then this one.
    std::vector<std::string> ids;
    for (const std::string& id : used(true))
      if (const Arg* a = cmd_.find(id); !a || !a->required) ids.push_back(id);
    ids.push_back(arg->id);
    dropPending();
    return failure(render({"unexpected value '" + *attached + "' for '" + arg->display() +
                               "' found; no more were expected",
                           "", usageFor(cmd_, ids)}));
  }
  return react(*arg, {});
}

// One UTF-8 character at the start of `s`.
size_t charLength(std::string_view s) {
  const unsigned char c = static_cast<unsigned char>(s[0]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  return std::min(n, s.size());
}

Stop Parser::shortFlags(std::string_view cluster) {
  while (!cluster.empty()) {
    const std::string_view c = cluster.substr(0, charLength(cluster));
    cluster.remove_prefix(c.size());
    const Arg* arg = findShort(c);
    if (!arg) {
      dropPending();
      return failure(render({"unexpected argument '-" + std::string(c) + "' found", "", helpUsage(cmd_)}));
    }
    if (arg->takes == Takes::Nothing) {
      if (Stop s = react(*arg, {})) return s;
      continue;
    }
    if (!cluster.empty()) {
      if (cluster[0] == '=') cluster.remove_prefix(1);
      return react(*arg, {std::string(cluster)});
    }
    if (Stop s = resolvePending()) return s;
    pending_ = Pending{arg, {}, true};
  }
  return std::nullopt;
}

Stop Parser::resolvePending() {
  if (!pending_) return std::nullopt;
  Pending p = std::move(*pending_);
  pending_.reset();
  return react(*p.arg, std::move(p.values));
}

// clap's react: an occurrence of `arg` with its values.
Stop Parser::react(const Arg& arg, std::vector<std::string> values) {
  if (Stop s = resolvePending()) return s;
  if ((arg.takes == Takes::One || arg.takes == Takes::OneSplit) && values.empty())
    return failure(valueError(arg, ""));
  if (arg.takes == Takes::OneSplit) {
    std::vector<std::string> split;
    for (const std::string& v : values)
      for (size_t from = 0;;) {
        size_t comma = v.find(',', from);
        split.push_back(v.substr(from, comma - from));
        if (comma == std::string::npos) break;
        from = comma + 1;
      }
    values = std::move(split);
  }
  if (arg.action == Action::Help) return outcome(Outcome::Help);
  if (arg.action == Action::Version) return outcome(Outcome::Version);
  if ((arg.takes == Takes::Nothing || arg.takes == Takes::One) && m_.has(arg.id))
    return failure(render({"the argument '" + arg.display() + "' cannot be used multiple times", "",
                           helpUsage(cmd_)}));
  start(arg);
  for (const std::string& v : values)
    if (Stop s = acceptValue(arg, v)) return s;
  return std::nullopt;
}

Stop Parser::acceptValue(const Arg& arg, const std::string& value) {
  if (!arg.possible.empty() && !contains(arg.possible, value)) return failure(valueError(arg, value));
  if (arg.check) {
    if (std::string why = arg.check(value); !why.empty())
      return failure(render({"invalid value '" + value + "' for '" + arg.display() + "': " + why, "", ""}));
  }
  for (Matches::Entry& e : m_.entries)
    if (e.id == arg.id) e.values.push_back(value);
  return std::nullopt;
}

// The argument's entry, and one for each group that holds it, at first sight.
void Parser::start(const Arg& arg) {
  if (!m_.has(arg.id)) m_.entries.push_back({arg.id, false, {}});
  for (const Group& g : cmd_.groups)
    if (contains(g.members, arg.id) && !m_.has(g.id)) m_.entries.push_back({g.id, true, {}});
}

Parsed Parser::unknownLong(std::string_view name, size_t index) {
  std::vector<std::string> longs;
  for (const Arg& a : cmd_.args)
    if (!a.hidden) longs.push_back(a.id);
  std::vector<std::string> close = similar(name, longs);
  std::string tip;
  if (!close.empty()) {
    tip = "a similar argument exists: '--" + close.back() + "'";
    start(*findLong(close.back()));  // clap names it in the usage line
  } else {
    // A flag of a subcommand named later on the line: "'validate --rules' exists".
    size_t best = argv_.size();
    for (const Subcommand& sc : cmd_.subcommands) {
      std::vector<std::string> theirs = similar(name, sc.longs);
      auto at = std::find(argv_.begin() + index + 1, argv_.end(), sc.name);
      if (theirs.empty() || at == argv_.end() || size_t(at - argv_.begin()) >= best) continue;
      best = size_t(at - argv_.begin());
      tip = "'" + sc.name + " --" + theirs.back() + "' exists";
    }
  }
  return failure(render({"unexpected argument '--" + std::string(name) + "' found", tip,
                         usageFor(cmd_, used(true))}));
}

// A word where no value is expected (clap's match_arg_error).
Parsed Parser::unexpectedValue(const std::string& value) const {
  const std::string usage = helpUsage(cmd_);
  if (trailing_ && isSubcommand(value))
    return failure(render({"unexpected argument '" + value + "' found",
                           "subcommand '" + value + "' exists; to use it, remove the '--' before it", usage}));
  if (cmd_.subcommands.empty())
    return failure(render({"unexpected argument '" + value + "' found", "", usage}));
  std::vector<std::string> names;
  for (const Subcommand& sc : cmd_.subcommands) names.push_back(sc.name);
  std::vector<std::string> close = similar(value, names);
  std::string tip;
  for (size_t i = 0; i < close.size(); ++i) {
    if (i) tip += ", ";
    tip += "'" + close[i] + "'";
  }
  if (!tip.empty())
    tip = (close.size() == 1 ? "a similar subcommand exists: " : "some similar subcommands exist: ") + tip;
  return failure(render({"unrecognized subcommand '" + value + "'", tip, usage}));
}

bool conflictsWith(const Arg& a, const Arg& b) {
  return contains(a.conflicts, b.id) || contains(b.conflicts, a.id);
}

// clap's checks once every argument is read: something given, no conflict,
// every required argument and group present.
Parsed Parser::validate() const {
  if (m_.entries.empty()) return outcome(Outcome::HelpOnStderr);
  for (const Matches::Entry& e : m_.entries) {
    if (e.group) continue;
    const Arg& arg = *cmd_.find(e.id);
    std::vector<const Arg*> others;
    for (const Matches::Entry& o : m_.entries)
      if (!o.group && o.id != e.id && conflictsWith(arg, *cmd_.find(o.id))) others.push_back(cmd_.find(o.id));
    if (!others.empty()) return conflict(arg, others);
  }
  std::vector<std::string> absent;
  for (const Arg& a : cmd_.args)
    if (a.required && !m_.has(a.id)) absent.push_back(a.id);
  for (const Group& g : cmd_.groups)
    if (g.required && std::none_of(g.members.begin(), g.members.end(), [&](auto& id) { return m_.has(id); }))
      absent.push_back(g.id);
  if (!absent.empty()) return missing(absent);
  Parsed p = outcome(Outcome::Run);
  p.matches = m_;
  return p;
}

// The first argument given that conflicts with others is named first; the
// usage line names what was given except those others.
Parsed Parser::conflict(const Arg& arg, const std::vector<const Arg*>& others) const {
  std::string message = "the argument '" + arg.display() + "' cannot be used with";
  if (others.size() == 1) message += " '" + others[0]->display() + "'";
  else {
    message += ":";
    for (const Arg* o : others) message += "\n  " + o->display();
  }
  std::vector<std::string> ids;
  for (const std::string& id : used(false))
    if (std::none_of(others.begin(), others.end(), [&](const Arg* o) { return o->id == id; })) ids.push_back(id);
  return failure(render({message, "", usageFor(cmd_, ids)}));
}

Parsed Parser::missing(const std::vector<std::string>& ids) const {
  return failure(missingError(cmd_, m_, ids));
}

}  // namespace

Parsed parse(const Command& cmd, const std::vector<std::string>& argv) { return Parser(cmd, argv).run(); }

}  // namespace guard::cli::args
