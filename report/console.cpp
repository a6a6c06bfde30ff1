// The console detail report of `validate` (spec/cli-and-reports.md §7.2–7.6):
// the CloudFormation report (failures grouped by resource, with a stateful
// code excerpt cursor), the Terraform plan report, and the generic report.
// Called by the validate command after the summary table of each pair.
// cfn-guard 3.1.1 panics on a few inputs here (panicText marks where); those
// files get the generic report instead (writeConsoleDetail).
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "report/report.h"
#include "runtime/value_text.h"
#include "report/model.h"

namespace guard::vm {
namespace {

using report::ClauseReport;
using report::CrKind;
using report::CodeCursor;
using report::emitClauseMessages;
using report::emitMessages;
using report::padRight;

constexpr const char* kReset = "\x1b[0m";

std::string panicText(const std::string& where, const std::string& what) {
  return "thread 'main' panicked at guard/src/commands/reporters/validate/" + where + ":\n" + what +
         "\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
}

const char* kUnreachable = "internal error: entered unreachable code";

std::string colored(std::string_view text, const char* code, bool color) {
  if (!color) return std::string(text);
  return std::string(code) + std::string(text) + kReset;
}

// ------------------------------------------------------------------ code excerpt

// ------------------------------------------------------------------ messages

std::string_view optView(const std::optional<std::string>& s) {
  return s ? std::string_view(*s) : std::string_view();
}

// ------------------------------------------------------------------ attribution

// The clause nodes of the failure tree, by the data paths they refer to
// (cfn-guard's path tree), with each clause's hierarchy key.
struct PathTree {
  std::map<std::string, std::vector<const ClauseReport*>> byPath;

  void add(const ClauseReport& c) {
    switch (c.kind) {
      case CrKind::Rule:
      case CrKind::Disjunctions:
        for (const ClauseReport& child : c.checks) add(child);
        return;
      default:
        break;
    }
    if (const Node* f = c.valueFrom()) byPath[pathOf(f)].push_back(&c);
    if (const Node* t = c.valueTo()) byPath[pathOf(t)].push_back(&c);
  }
};

struct ResourceView {
  std::string name;
  std::string type;
  std::string cdkPath;
  std::set<const ClauseReport*> clauses;
  std::set<std::string> keys;  // hierarchy keys of the clauses

  void take(const std::vector<const ClauseReport*>& nodes) {
    for (const ClauseReport* c : nodes) {
      clauses.insert(c);
      keys.insert(c->key);
    }
  }
  // Does any clause of the rule (by key prefix, as cfn-guard tests it) fall here?
  bool showsRule(const std::string& rule) const {
    std::string prefix = "/" + rule;
    auto it = keys.lower_bound(prefix);
    return it != keys.end() && it->compare(0, prefix.size(), prefix) == 0;
  }
};

size_t countSlashes(std::string_view s) { return size_t(std::count(s.begin(), s.end(), '/')); }

// ^/Resources/(?P<name>[^/]+): the resource name of a path, if any.
bool cfnResourceName(std::string_view path, std::string& name) {
  constexpr std::string_view kPrefix = "/Resources/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view rest = path.substr(kPrefix.size());
  size_t slash = rest.find('/');
  rest = rest.substr(0, slash);
  if (rest.empty()) return false;
  name = std::string(rest);
  return true;
}

// get_resource_name: the name candidate that cuts the path before its
// count-th last '/', keeping the '/' inside the name.
bool candidateName(const std::string& key, size_t count, size_t matches, std::string& name) {
  constexpr char kMark = '\x0c';
  std::string s = key;
  size_t toMark = matches - count;
  for (size_t i = 0; i < s.size() && toMark; ++i)
    if (s[i] == '/') s[i] = kMark, --toMark;
  size_t toRestore = 2;
  for (size_t i = 0; i < s.size() && toRestore; ++i)
    if (s[i] == kMark) s[i] = '/', --toRestore;
  if (!cfnResourceName(s, name)) {
    // The name part of the regex stops at '/', not at the marks.
    return false;
  }
  // [^/]+ ran over the marks; put the slashes back.
  std::replace(name.begin(), name.end(), kMark, '/');
  return true;
}

// By the document's key index: the report looks up every failing resource
// by name, and a scan of a 50,000-entry Resources map each time made the
// console report quadratic.
const Node* mapGet(const Document& doc, const Node* map, std::string_view key) {
  if (!map || map->kind != NodeKind::Map) return nullptr;
  return doc.lookupKeyText(map, key);
}

// data.at("/Resources/<name>"): a name holding '/' is also a path.
const Node* findResource(const Document& doc, const std::string& name) {
  const Node* resources = mapGet(doc, doc.root(), "Resources");
  if (const Node* r = mapGet(doc, resources, name)) return r;
  const Node* cur = resources;
  size_t start = 0;
  while (cur) {
    size_t slash = name.find('/', start);
    std::string_view part = std::string_view(name).substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (cur->kind == NodeKind::Map) {
      cur = mapGet(doc, cur, part);
    } else if (cur->kind == NodeKind::List) {
      uint32_t idx = 0;
      bool ok = !part.empty();
      for (char c : part) ok = ok && c >= '0' && c <= '9', idx = idx * 10 + uint32_t(c - '0');
      cur = ok && idx < cur->list.size ? cur->list.items[idx] : nullptr;
    } else {
      cur = nullptr;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return cur;
}

enum class Aggr { Found, Missing, Panicked };

// handle_resource_aggr: the resource must exist and have a string Type.
Aggr aggregateResource(const Document& doc, const std::string& name,
                       const std::vector<const ClauseReport*>& nodes,
                       std::map<std::string, ResourceView>& out, std::string& panic) {
  const Node* res = findResource(doc, name);
  if (!res) return Aggr::Missing;
  const Node* type = mapGet(doc, res, "Type");
  if (!type) return Aggr::Missing;
  if (type->kind != NodeKind::String) {
    panic = panicText("cfn.rs:472:18", kUnreachable);
    return Aggr::Panicked;
  }
  std::string cdk;
  if (const Node* c = mapGet(doc, mapGet(doc, res, "Metadata"), "aws:cdk:path")) {
    if (c->kind != NodeKind::String) {
      panic = panicText("cfn.rs:479:18", kUnreachable);
      return Aggr::Panicked;
    }
    cdk = std::string(c->text());
  }
  auto [it, inserted] = out.try_emplace(name);
  if (inserted) {
    it->second.name = name;
    it->second.type = std::string(type->text());
    it->second.cdkPath = cdk;
  }
  it->second.take(nodes);
  return Aggr::Found;
}

enum class Attribution { Ok, Fallback, Panicked };

Attribution attributeCfn(const Document& doc, const PathTree& tree,
                         std::map<std::string, ResourceView>& resources, std::string& panic) {
  for (auto it = tree.byPath.lower_bound("/Resources"); it != tree.byPath.end(); ++it) {
    const std::string& key = it->first;
    size_t matches = countSlashes(key);
    if (matches > 2) {
      for (size_t count = 1;; ++count) {
        if (matches - count == 0) {
          panic = panicText("cfn.rs:187:21", kUnreachable);
          return Attribution::Panicked;
        }
        std::string name;
        if (!candidateName(key, count, matches, name)) {
          panic = panicText("cfn.rs:452:14", kUnreachable);
          return Attribution::Panicked;
        }
        Aggr a = aggregateResource(doc, name, it->second, resources, panic);
        if (a == Aggr::Panicked) return Attribution::Panicked;
        if (a == Aggr::Found) break;
      }
    } else {
      std::string name;
      if (!cfnResourceName(key, name)) return Attribution::Fallback;
      Aggr a = aggregateResource(doc, name, it->second, resources, panic);
      if (a == Aggr::Panicked) return Attribution::Panicked;
      if (a == Aggr::Missing) {
        panic = panicText("cfn.rs:218:25", kUnreachable);
        return Attribution::Panicked;
      }
    }
  }
  return Attribution::Ok;
}

// ------------------------------------------------------------------ clause printing

// The parts of a clause block that differ between the CloudFormation and the
// Terraform report (cfn-guard's ComparisonErrorWriter).
class ErrWriter {
 public:
  virtual ~ErrWriter() = default;
  // Returns false when cfn-guard panics here.
  virtual bool missingProperty(std::string& out, const report::Unresolved& u, const std::string& prefix) {
    return true;
  }
  virtual bool binary(std::string& out, const ClauseReport& c, const std::string& prefix, size_t& width) = 0;
  virtual bool binaryIn(std::string& out, const ClauseReport& c, const std::string& prefix, size_t& width) = 0;
  virtual bool unary(std::string& out, const ClauseReport& c, const std::string& prefix, size_t& width) = 0;
  std::string panic;
};

void appendLabelled(std::string& out, const std::string& prefix, const char* label, std::string_view value) {
  out += prefix;
  out += padRight(label, 16);
  out += "= ";
  out += value;
  out += '\n';
}

class CfnErrWriter : public ErrWriter {
 public:
  CfnErrWriter(CodeCursor& cursor, bool color) : cursor_(cursor), color_(color) {}

  bool missingProperty(std::string& out, const report::Unresolved& u, const std::string& prefix) override {
    emitCode(out, u.traversedTo->line, prefix);
    return true;
  }

  bool binary(std::string& out, const ClauseReport& c, const std::string& prefix, size_t& width) override {
    appendLabelled(out, prefix, "PropertyPath", report::pathLoc(c.from));
    appendLabelled(out, prefix, "Operator", report::operatorWords(c.op, c.opNegated));
    appendLabelled(out, prefix, "Value", valueOnly(c.from));
    appendLabelled(out, prefix, "ComparedWith", valueOnly(c.to));
    emitCode(out, c.from->line, prefix);
    width = 16;
    return true;
  }

  bool binaryIn(std::string& out, const ClauseReport& c, const std::string& prefix, size_t& width) override {
    std::string with = "[";
    for (size_t i = 0; i < c.inTo->size(); ++i) {
      if (i) with += ", ";
      with += valueOnly((*c.inTo)[i]);
    }
    with += "]";
    appendLabelled(out, prefix, "PropertyPath", report::pathLoc(c.from));
    appendLabelled(out, prefix, "Operator", report::operatorWords(c.op, c.opNegated));
    appendLabelled(out, prefix, "Value", valueOnly(c.from));
    appendLabelled(out, prefix, "ComparedWith", with);
    emitCode(out, c.from->line, prefix);
    width = 16;
    return true;
  }

  bool unary(std::string& out, const ClauseReport& c, const std::string& prefix, size_t& width) override {
    appendLabelled(out, prefix, "PropertyPath", report::pathLoc(c.from));
    appendLabelled(out, prefix, "Operator", report::operatorWords(c.op, c.opNegated));
    emitCode(out, c.from->line, prefix);
    width = 16;
    return true;
  }

 private:
  void codeLine(std::string& out, const std::string& prefix, uint64_t num, std::string_view text) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%5llu.", static_cast<unsigned long long>(num));
    out += prefix;
    if (color_) out += "\x1b[92m";
    out += buf;
    out += text;
    if (color_) out += kReset;
    out += '\n';
  }

  // emit_code: the excerpt around zero-based `line` (wrapping like Rust's usize).
  void emitCode(std::string& out, uint64_t line, const std::string& prefix) {
    out += prefix + "Code:\n";
    std::string inner = prefix + "  ";
    uint64_t from = std::max<uint64_t>(1, line - 2);
    uint64_t num;
    std::string_view text;
    if (cursor_.seek(from, num, text)) codeLine(out, inner, num, text);
    for (int i = 0; i < 5; ++i) {
      if (!cursor_.next(num, text)) break;
      codeLine(out, inner, num, text);
    }
  }

  CodeCursor& cursor_;
  bool color_;
};

// The Terraform report's property name: the path after change/after/ with
// '/' written as '.'.
class TfErrWriter : public ErrWriter {
 public:
  bool binary(std::string& out, const ClauseReport& c, const std::string& prefix, size_t& width) override {
    std::string from = pathOf(c.from);
    std::string to = pathOf(c.to);
    const std::string& based = from.rfind("/resource_changes", 0) == 0 ? from : to;
    size_t at = based.find("change/after/");
    if (at == std::string::npos) {
      // Slicing "" past its end: Rust panics inside nom's Slice impl.
      panic = "thread 'main' panicked at /usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/"
              "nom-7.1.3/src/traits.rs:1030:1:\nbyte index 13 is out of bounds of ``\n"
              "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
      return false;
    }
    std::string property = based.substr(at + std::string_view("change/after/").size());
    std::replace(property.begin(), property.end(), '/', '.');
    appendLabelled(out, prefix, "PropertyPath", property);
    appendLabelled(out, prefix, "Operator", report::operatorWords(c.op, c.opNegated));
    appendLabelled(out, prefix, "Value", valueOnly(c.from));
    appendLabelled(out, prefix, "ComparedWith", valueOnly(c.to));
    width = 16;
    return true;
  }

  bool binaryIn(std::string&, const ClauseReport&, const std::string&, size_t&) override {
    panic = panicText("tf.rs:252:25", "not yet implemented");
    return false;
  }

  bool unary(std::string& out, const ClauseReport& c, const std::string& prefix, size_t& width) override {
    // 3.1.1 looks for "changes/after/", which a plan path never contains.
    std::string based = pathOf(c.from);
    size_t at = based.find("changes/after/");
    std::string property = at == std::string::npos ? std::string() : based.substr(at);
    std::replace(property.begin(), property.end(), '/', '.');
    appendLabelled(out, prefix, "PropertyPath", property);
    appendLabelled(out, prefix, "Operator", report::operatorWords(c.op, c.opNegated));
    width = 16;
    return true;
  }
};

// Where each clause of a report sits, built once per report: a resource's
// section walks only the containers (rules, disjunctions: printed for every
// resource) and its own clauses, not every clause of every rule. Walking the
// whole tree for each resource made the console report of 40,000 failing
// resources quadratic (11.5 s; the JSON report took 0.3 s).
class ClauseTree {
 public:
  explicit ClauseTree(const std::vector<ClauseReport>& rules) {
    for (const ClauseReport& r : rules) index(r);
  }
  static bool isContainer(const ClauseReport& c) {
    return c.kind == CrKind::Rule || c.kind == CrKind::Disjunctions;
  }
  // Positions of the container children of `parent`, ascending.
  const std::vector<uint32_t>& containers(const ClauseReport* parent) const {
    static const std::vector<uint32_t> kNone;
    auto it = containers_.find(parent);
    return it == containers_.end() ? kNone : it->second;
  }
  // The parent of a clause and its position there; {nullptr, 0} for a top rule.
  std::pair<const ClauseReport*, uint32_t> parentOf(const ClauseReport* c) const {
    auto it = parents_.find(c);
    return it == parents_.end() ? std::pair<const ClauseReport*, uint32_t>{nullptr, 0} : it->second;
  }

 private:
  void index(const ClauseReport& node) {
    for (uint32_t i = 0; i < node.checks.size(); ++i) {
      const ClauseReport& child = node.checks[i];
      parents_[&child] = {&node, i};
      if (isContainer(child)) {
        containers_[&node].push_back(i);
        index(child);
      }
    }
  }
  std::unordered_map<const ClauseReport*, std::vector<uint32_t>> containers_;
  std::unordered_map<const ClauseReport*, std::pair<const ClauseReport*, uint32_t>> parents_;
};

class ClausePrinter {
 public:
  ClausePrinter(const ResourceView& res, const ClauseTree& tree, ErrWriter& ew, bool color)
      : res_(res), tree_(tree), ew_(ew), color_(color) {
    for (const ClauseReport* c : res.clauses) {
      auto [parent, at] = tree.parentOf(c);
      if (parent) ownChildren_[parent].push_back(at);
    }
    for (auto& [parent, list] : ownChildren_) std::sort(list.begin(), list.end());
  }

  bool print(std::string& out, const ClauseReport& c, const std::string& prefix) {
    switch (c.kind) {
      case CrKind::Rule: return rule(out, c, prefix);
      case CrKind::Disjunctions: {
        out += prefix + "ANY {\n";
        if (!printChildren(out, c, prefix + "  ")) return false;
        out += prefix + "}\n";
        return true;
      }
      default:
        break;
    }
    if (!res_.clauses.count(&c)) return true;
    switch (c.kind) {
      case CrKind::Block: return block(out, c, prefix);
      case CrKind::UnaryUnresolved:
      case CrKind::BinaryUnresolved: return retrievalError(out, c, prefix);
      case CrKind::UnaryResolved: return comparison(out, c, prefix, false);
      case CrKind::BinaryResolved: return comparison(out, c, prefix, true);
      case CrKind::InResolved: return inComparison(out, c, prefix);
      default: return true;
    }
  }

 private:
  bool rule(std::string& out, const ClauseReport& c, const std::string& prefix) {
    out += prefix + "Rule = " + colored(c.name, "\x1b[95m", color_) + " {\n";
    std::string p2 = prefix + "  ";
    emitClauseMessages(out, p2, optView(c.custom), c.error, 0);
    out += p2 + "ALL {\n";
    if (!printChildren(out, c, p2 + "  ")) return false;
    out += p2 + "}\n";
    out += prefix + "}\n";
    return true;
  }

  bool block(std::string& out, const ClauseReport& c, const std::string& prefix) {
    out += prefix + "Check = " + c.context + " {\n";
    std::string p2 = prefix + "  ";
    out += p2 + "RequiredPropertyError {\n";
    std::string p3 = p2 + "  ";
    std::string traversed = c.hasUnresolved ? pathOf(c.unresolved.traversedTo) : std::string();
    size_t width = 11;  // "Message".len() + 4
    if (!traversed.empty()) {
      width = 19;  // "MissingProperty".len() + 4
      out += p3 + padRight("PropertyPath", width) + "= " + traversed + "\n";
      out += p3 + padRight("MissingProperty", width) + "= " + c.unresolved.remainingQuery + "\n";
    }
    std::string post;
    if (c.hasUnresolved && !ew_.missingProperty(post, c.unresolved, p3)) return fail();
    emitClauseMessages(out, p3, optView(c.custom), c.error, width);
    out += post + "\n";
    out += p2 + "}\n";
    out += prefix + "}\n";
    return true;
  }

  bool retrievalError(std::string& out, const ClauseReport& c, const std::string& prefix) {
    out += prefix + "Check = " + c.context + " {\n";
    std::string p2 = prefix + "  ";
    emitMessages(out, p2, optView(c.custom), "", 0);
    out += p2 + "RequiredPropertyError {\n";
    std::string p3 = p2 + "  ";
    out += p3 + "PropertyPath = " + report::pathLoc(c.unresolved.traversedTo) + "\n";
    out += p3 + "MissingProperty = " + c.unresolved.remainingQuery + "\n";
    if (c.unresolved.reason && !c.unresolved.reason->empty())
      out += p3 + "Reason = " + *c.unresolved.reason + "\n";
    if (!ew_.missingProperty(out, c.unresolved, p3)) return fail();
    out += p2 + "}\n";
    out += prefix + "}\n";
    return true;
  }

  bool comparison(std::string& out, const ClauseReport& c, const std::string& prefix, bool isBinary) {
    out += prefix + "Check = " + c.context + " {\n";
    std::string p2 = prefix + "  ";
    out += p2 + "ComparisonError {\n";
    std::string p3 = p2 + "  ";
    std::string post;
    size_t width = 0;
    bool ok = isBinary ? ew_.binary(post, c, p3, width) : ew_.unary(post, c, p3, width);
    if (!ok) return fail();
    emitClauseMessages(out, p3, optView(c.custom), c.error, width);
    out += post + "\n";
    out += p2 + "}\n";
    out += prefix + "}\n";
    return true;
  }

  // `in` failures print their details after the ComparisonError block (§7.3.4 d).
  bool inComparison(std::string& out, const ClauseReport& c, const std::string& prefix) {
    out += prefix + "Check = " + c.context + " {\n";
    std::string p2 = prefix + "  ";
    out += p2 + "ComparisonError {\n";
    std::string p3 = p2 + "  ";
    std::string post;
    size_t width = 0;
    if (!ew_.binaryIn(post, c, p3, width)) return fail();
    emitClauseMessages(out, p3, optView(c.custom), c.error, width);
    out += p2 + "}\n";
    out += post + "\n";
    out += prefix + "}\n";
    return true;
  }

  bool fail() { return false; }

  // The children of `parent` that this resource shows, in order: its
  // containers and this resource's own clauses (two ascending lists merged).
  bool printChildren(std::string& out, const ClauseReport& parent, const std::string& prefix) {
    static const std::vector<uint32_t> kNone;
    const std::vector<uint32_t>& boxes = tree_.containers(&parent);
    auto own = ownChildren_.find(&parent);
    const std::vector<uint32_t>& mine = own == ownChildren_.end() ? kNone : own->second;
    size_t a = 0, b = 0;
    while (a < boxes.size() || b < mine.size()) {
      uint32_t next;
      if (b == mine.size() || (a < boxes.size() && boxes[a] < mine[b])) next = boxes[a++];
      else if (a < boxes.size() && boxes[a] == mine[b]) next = boxes[a++], ++b;
      else next = mine[b++];
      if (!print(out, parent.checks[next], prefix)) return false;
    }
    return true;
  }

  const ResourceView& res_;
  const ClauseTree& tree_;
  ErrWriter& ew_;
  bool color_;
  // Per parent: positions of this resource's own clauses among its children.
  std::unordered_map<const ClauseReport*, std::vector<uint32_t>> ownChildren_;
};

// The skeleton shared by the CloudFormation and Terraform reports.
bool writeResources(std::string& out, const PairView& v, const ConsoleOptions& o,
                    const report::FileReportModel& model,
                    const std::map<std::string, ResourceView>& resources, ErrWriter& ew,
                    std::string& panic, const ReportDrain& drain) {
  out += "Evaluating data " + std::string(v.dataName) + " against rules " + std::string(v.rulesName) + "\n";
  out += "Number of non-compliant resources " +
         colored(std::to_string(resources.size()), "\x1b[1m", o.color) + "\n";
  const ClauseTree tree(model.notCompliant);
  for (const auto& [name, res] : resources) {
    out += "Resource = " + colored(res.name, "\x1b[1;33m", o.color) + " {\n";
    out += "  " + padRight("Type", 10) + "= " + res.type + "\n";
    if (!res.cdkPath.empty()) out += "  " + padRight("CDK-Path", 10) + "= " + res.cdkPath + "\n";
    ClausePrinter printer(res, tree, ew, o.color);
    for (const ClauseReport& rule : model.notCompliant) {
      if (!res.showsRule(rule.name)) continue;
      if (!printer.print(out, rule, "  ")) {
        panic = ew.panic;
        return false;
      }
    }
    out += "}\n";
    if (drain) drain(out);
  }
  return true;
}

// ------------------------------------------------------------------ generic report

class GenericLines {
 public:
  GenericLines(const PairView& v) : v_(v), P(v.program) {}

  // The rule's lines, each ending in a line break.
  std::string forRule(const RuleResult& rr) {
    std::string lines;
    rule_ = P.str(P.rules[rr.rule].name);
    walk(rr.records, 0, uint32_t(rr.records.size()), lines);
    return lines;
  }

  // The same lines appended to `out`, handing `out` to `drain` after each
  // record: one rule can fail with hundreds of MB of lines (a `keys in` over
  // 50,000 resources), which must not be held twice.
  void appendRule(const RuleResult& rr, std::string& out, const ReportDrain& drain) {
    rule_ = P.str(P.rules[rr.rule].name);
    drain_ = drain ? &drain : nullptr;
    walk(rr.records, 0, uint32_t(rr.records.size()), out);
    drain_ = nullptr;
  }

 private:
  std::string head(const std::string& path) const {
    return "Property [" + path + "] in data [" + std::string(v_.dataName) + "] is not compliant with [" +
           rule_ + "] because ";
  }

  static std::string jsonOf(const Node* n) {
    std::string s;
    json::writeCompact(s, json::fromNode(n));
    return s;
  }

  static std::string semicolons(std::string s, const char* with) {
    std::string out;
    for (char c : s) {
      if (c == '\n') out += with;
      else out.push_back(c);
    }
    return out;
  }

  std::string retrieval(const std::string& path, const std::string& error) const {
    return "Property traversed until [" + path + "] in data [" + std::string(v_.dataName) +
           "] is not compliant with [" + rule_ + "] due to retrieval error. Error Message [" + error + "]";
  }

  std::string unaryLine(const std::string& path, const std::string& provided, CmpOp op, bool n,
                        const std::string& msg) const {
    return head(path) + "needed value at [" + provided + "] " + phrase(op, n) + ". Error Message [" +
           semicolons(msg, ";") + "]";
  }

  // Appended in place: `expected` may list a whole right-hand set.
  void binaryLine(std::string& out, const std::string& path, const std::string& provided,
                  const std::string& expected, CmpOp op, bool n, const std::string& msg) const {
    out += head(path);
    out += "provided value [";
    out += provided;
    out += "] ";
    out += n ? "did" : "did not";
    out += op == CmpOp::In ? " match expected value in [" : " match expected value [";
    out += expected;
    out += "]. Error Message [";
    out += semicolons(msg, ";");
    out += "]\n";
  }

  static void line(std::string& out, const std::string& text) {
    out += text;
    out += '\n';
  }

  std::string parameterized(const std::string& rule, const std::string& msg) const {
    return "Parameterized Rule " + rule + " failed for " + std::string(v_.dataName) + ". Reason " +
           semicolons(msg, "; ");
  }

  static const char* phrase(CmpOp op, bool n) { return cmpOpInfo(op).consolePhrase[n]; }

  std::string message(uint32_t id) const { return id == kNone ? std::string() : P.str(id); }

  // Every failed check under the rule, whatever the status of the containers
  // around it (cfn-guard's find_failing_clauses), except what is under a
  // failed parameterized-rule call that carries its own message.
  void walk(const std::vector<Record>& R, uint32_t begin, uint32_t end, std::string& lines) {
    for (uint32_t i = begin; i < end;) {
      const Record& r = R[i];
      uint32_t next = r.end > i ? r.end : i + 1;
      leafOrContainer(R, i, next, lines);
      if (drain_) (*drain_)(lines);
      i = next;
    }
  }

  void leafOrContainer(const std::vector<Record>& R, uint32_t i, uint32_t end, std::string& lines) {
    const Record& r = R[i];
    switch (r.kind) {
      case RecKind::Disjunction:
      case RecKind::Block:
      case RecKind::Rule:
        walk(R, i + 1, end, lines);
        return;
      case RecKind::ParamCall: {
        const ParamCallInfo& pc = P.paramCalls[r.info];
        if (pc.message != kNone && r.status == Status::Fail)
          line(lines, parameterized(P.str(pc.name), P.str(pc.message)));
        else
          walk(R, i + 1, end, lines);
        return;
      }
      case RecKind::BlockEmpty:
        return;
      case RecKind::BlockMissing: {
        const BlockInfo& b = P.blocks[r.info];
        report::Unresolved u = report::unresolvedOf(P, r.from);
        line(lines, retrieval(pathOf(u.traversedTo), "Query " + P.str(b.context) +
                                                             " did not resolve to correct value, reason " +
                                                             u.reason.value_or("")));
        return;
      }
      case RecKind::RuleRef:
        line(lines, parameterized(rule_, message(P.ruleRefs[r.info].message)));
        return;
      case RecKind::EmptySet: {
        const ClauseInfo& c = P.clauses[r.info];
        line(lines, unaryLine("", "null", CmpOp::Empty, false, message(c.message)));
        return;
      }
      case RecKind::Unary: {
        const ClauseInfo& c = P.clauses[r.info];
        if (r.from.isUnresolved()) {
          report::Unresolved u = report::unresolvedOf(P, r.from);
          line(lines, retrieval(pathOf(u.traversedTo), u.reason.value_or("")));
        } else {
          line(lines, unaryLine(pathOf(r.from.node), jsonOf(r.from.node), c.op, c.opNegated, message(c.message)));
        }
        return;
      }
      case RecKind::Binary:
      case RecKind::KeysCheck:
        binary(r, lines);
        return;
      default:
        walk(R, i + 1, end, lines);  // a container kind added later
        return;
    }
  }

  void binary(const Record& r, std::string& out) {
    ClauseInfo keys;
    if (r.kind == RecKind::KeysCheck) keys = report::keysClause(P, r);
    const ClauseInfo& c = r.kind == RecKind::KeysCheck ? keys : P.clauses[r.info];
    if (r.detail == CmpDetail::LeftUnresolved || r.detail == CmpDetail::RightUnresolved) {
      const QValue& u = r.from.isUnresolved() ? r.from : r.to;
      const QValue& other = r.from.isUnresolved() ? r.to : r.from;
      report::Unresolved ur = report::unresolvedOf(P, u);
      if (r.detail == CmpDetail::LeftUnresolved || !other.node)
        return line(out, retrieval(pathOf(ur.traversedTo), ur.reason.value_or("")));
      // A missing right-hand side reads as a mismatch with where it stopped.
      return binaryLine(out, pathOf(other.node), jsonOf(other.node), jsonOf(ur.traversedTo), c.op, c.opNegated,
                        message(c.message));
    }
    const bool inForm = r.kind == RecKind::KeysCheck
                            ? report::keysInForm(r)
                            : (r.kind == RecKind::Binary && r.toSet != UINT32_MAX) ||
                                  (r.detail != CmpDetail::NotComparable && report::isInForm(c, r.from, r.to));
    if (inForm)
      return binaryLine(out, "", jsonOf(r.from.node), inList(r), c.op, c.opNegated, "");
    if (r.detail == CmpDetail::NotComparable)
      return line(out, retrieval(pathOf(r.from.node), report::notComparableReason(c.op, r.from.node, r.to.node, report::substringPair(r.from, r.to))));
    binaryLine(out, pathOf(r.from.node), jsonOf(r.from.node), jsonOf(r.to.node), c.op, c.opNegated,
               message(c.message));
  }

  // "[v1,v2,...]" of an IN failure's right-hand values; every failure of one
  // comparison shares its set, so the listing is rendered once per set. A
  // keys filter's check lists an unresolved value too, as the value where
  // it stopped (cfn-guard; the structured reports list resolved ones only).
  const std::string& inList(const Record& r) {
    const bool shared = r.toSet < v_.result.sets.size();
    if (shared) {
      auto it = inLists_.find(r.toSet);
      if (it != inLists_.end()) return it->second;
    }
    std::vector<const Node*> to;
    if (r.kind == RecKind::KeysCheck && shared) {
      for (const QValue& q : v_.result.sets[r.toSet])
        to.push_back(q.isUnresolved() ? report::unresolvedOf(P, q).traversedTo : q.node);
    } else {
      report::inTargets(r, v_.result.sets, to);
    }
    std::string expected = "[";
    for (size_t k = 0; k < to.size(); ++k) {
      if (k) expected += ",";
      expected += jsonOf(to[k]);
    }
    expected += "]";
    if (!shared) return scratch_ = std::move(expected);
    return inLists_[r.toSet] = std::move(expected);
  }

  const PairView& v_;
  const Program& P;
  const ReportDrain* drain_ = nullptr;  // set by appendRule
  std::string rule_;
  std::unordered_map<uint32_t, std::string> inLists_;  // toSet -> inList
  std::string scratch_;
};

bool reportable(const PairView& v, unsigned set) {
  bool anyFail = false, anyPass = false, anySkip = false;
  for (const RuleResult& rr : v.result.rules) {
    anyFail |= rr.status == Status::Fail;
    anyPass |= rr.status == Status::Pass;
    anySkip |= rr.status == Status::Skip;
  }
  if (set & kShowFail) return anyFail;
  if (set & kShowPass) return anyPass;
  if (set & kShowSkip) return anySkip;
  return false;
}

void writeGeneric(std::string& out, const PairView& v, const ConsoleOptions& o, const ReportDrain& drain) {
  if (!reportable(v, o.summary)) return;
  const Program& P = v.program;
  std::map<std::string, const RuleResult*> failed;  // the last same-named rule wins
  std::set<std::string> passed, skipped;
  GenericLines gen(v);
  for (const RuleResult& rr : v.result.rules) {
    const std::string& name = P.str(P.rules[rr.rule].name);
    if (rr.status == Status::Fail) failed[name] = &rr;
    else if (rr.status == Status::Pass) passed.insert(name);
    else skipped.insert(name);
  }
  out += "Evaluation of rules " + std::string(v.rulesName) + " against data " + std::string(v.dataName) + "\n";
  if (o.summary & kShowFail) {
    if (!failed.empty()) out += "--\n";
    if (failed.size() == 1) {
      gen.appendRule(*failed.begin()->second, out, drain);  // nothing to sort: streamed
    } else {
      // Each rule's lines are one group; groups are printed in text order.
      std::vector<std::string> groups;
      for (const auto& [name, rr] : failed) groups.push_back(gen.forRule(*rr));
      std::sort(groups.begin(), groups.end());
      for (std::string& g : groups) {
        out += g;
        std::string().swap(g);
        if (drain) drain(out);
      }
    }
  }
  auto ruleLines = [&](const std::set<std::string>& names, const char* what) {
    std::vector<std::string> lines;
    for (const std::string& n : names)
      lines.push_back("Rule [" + n + "] is " + what + " for template [" + std::string(v.dataName) + "]\n");
    std::sort(lines.begin(), lines.end());
    out += "--\n";
    for (const std::string& l : lines) out += l;
  };
  if ((o.summary & kShowPass) && !passed.empty()) ruleLines(passed, "compliant");
  if ((o.summary & kShowSkip) && !skipped.empty()) ruleLines(skipped, "not applicable");
  out += "--\n";
}

// ------------------------------------------------------------------ dispatch

bool writeCfn(std::string& out, const PairView& v, const ConsoleOptions& o, std::string& panic,
              const ReportDrain& drain) {
  report::FileReportModel model = report::buildFileReport(v);
  if (model.notCompliant.empty()) return true;
  PathTree tree;
  for (const ClauseReport& rule : model.notCompliant) tree.add(rule);
  std::map<std::string, ResourceView> resources;
  switch (attributeCfn(v.data, tree, resources, panic)) {
    case Attribution::Panicked: return false;
    case Attribution::Fallback: writeGeneric(out, v, o, drain); return true;
    case Attribution::Ok: break;
  }
  // Validate's pairs report on the document's own text: index its lines once
  // for every rules file instead of once per pair.
  const bool ownText = v.dataText.data() == v.data.text().data() && v.dataText.size() == v.data.text().size();
  std::optional<CodeCursor> cursor;
  if (ownText) cursor.emplace(v.data.lines());
  else cursor.emplace(v.dataText);
  CfnErrWriter ew(*cursor, o.color);
  return writeResources(out, v, o, model, resources, ew, panic, drain);
}

// /resource_changes/<i>/change/after/<property>: the index part, if the path has that shape.
bool tfResourceIndex(const std::string& path, std::string& index) {
  constexpr std::string_view kHead = "/resource_changes/";
  for (size_t at = path.find(kHead); at != std::string::npos; at = path.find(kHead, at + 1)) {
    size_t start = at + kHead.size();
    size_t slash = path.find('/', start);
    if (slash == std::string::npos || slash == start) continue;
    if (path.compare(slash, 14, "/change/after/") == 0) {
      index = path.substr(start, slash - start);
      return true;
    }
  }
  return false;
}

bool writeTf(std::string& out, const PairView& v, const ConsoleOptions& o, std::string& panic,
             const ReportDrain& drain) {
  report::FileReportModel model = report::buildFileReport(v);
  if (model.notCompliant.empty()) return true;
  PathTree tree;
  for (const ClauseReport& rule : model.notCompliant) tree.add(rule);
  std::map<std::string, ResourceView> resources;
  const Node* changes = mapGet(v.data, v.data.root(), "resource_changes");
  for (auto it = tree.byPath.lower_bound("/resource_changes/"); it != tree.byPath.end(); ++it) {
    std::string index;
    if (!tfResourceIndex(it->first, index)) {
      panic = panicText("tf.rs:124:25", kUnreachable);
      return false;
    }
    const Node* res = nullptr;
    if (changes && changes->kind == NodeKind::List) {
      uint32_t idx = 0;
      bool ok = true;
      for (char c : index) ok = ok && c >= '0' && c <= '9', idx = idx * 10 + uint32_t(c - '0');
      if (ok && idx < changes->list.size) res = changes->list.items[idx];
    } else {
      res = mapGet(v.data, changes, index);
    }
    const Node* addr = mapGet(v.data, res, "address");
    if (!addr) {
      // cfn-guard fails with a data retrieval error here; closest we can do.
      panic = "Error occurred Could not retrieve data from incoming context. Error = `Path /resource_changes/" +
              index + "/address did not yield value.`\n";
      return false;
    }
    if (addr->kind != NodeKind::String) {
      panic = panicText("tf.rs:136:22", kUnreachable);
      return false;
    }
    std::string_view a = addr->text();
    size_t dot = a.find('.');
    if (dot == std::string_view::npos) {
      panic = panicText("tf.rs:140:38", "called `Option::unwrap()` on a `None` value");
      return false;
    }
    std::string name(a.substr(dot + 1));
    auto [rit, inserted] = resources.try_emplace(name);
    if (inserted) {
      rit->second.name = name;
      rit->second.type = std::string(a.substr(0, dot));
    }
    rit->second.take(it->second);
  }
  TfErrWriter ew;
  return writeResources(out, v, o, model, resources, ew, panic, drain);
}

}  // namespace

bool writeConsoleDetail(std::string& out, const PairView& v, const ConsoleOptions& o, std::string& panic,
                        const ReportDrain& drain) {
  const Node* root = v.data.root();
  const bool cfn = mapGet(v.data, root, "Resources") != nullptr;
  if (!cfn && !mapGet(v.data, root, "resource_changes")) {
    writeGeneric(out, v, o, drain);
    return true;
  }
  // Where cfn-guard 3.1.1's CloudFormation or Terraform reporter panics (a
  // failing path it cannot attribute to a resource: goldens v48, v49), a gate
  // still needs the report: guardvm gives this file the generic report
  // instead of imitating the crash (docs/compatibility.md). What the resource
  // report wrote is taken back when it is still in `out`; if part of it was
  // already drained, the generic report follows it.
  const size_t start = out.size();
  bool drained = false;
  ReportDrain watched;
  if (drain) watched = [&](std::string& text) {
    drained = true;
    drain(text);
  };
  std::string crash;
  const bool ok = cfn ? writeCfn(out, v, o, crash, watched) : writeTf(out, v, o, crash, watched);
  if (ok) return true;
  if (crash.rfind("thread 'main' panicked", 0) != 0) {  // an error cfn-guard reports as such
    panic = std::move(crash);
    return false;
  }
  if (!drained) out.resize(start);
  writeGeneric(out, v, o, drain);
  return true;
}

}  // namespace guard::vm
