// Renders the trace-mode record tree (vm/results.h TraceRecord, preorder)
// as cfn-guard 3.1.1's verbose ASCII tree and as its --print-json document
// (spec/cli-and-reports.md §8). Called through report/verbose.h by
// tools/cli/validate.cpp and tools/cli/test_cmd.cpp.
#include "report/verbose.h"

#include "runtime/json_writer.h"
#include "runtime/value_text.h"
#include "report/model.h"

namespace guard::vm {
namespace {

using report::pathValue;
using report::pathValueJson;
using report::statusWord;

// Walks one PairView's trace; the tree and the JSON share the wording of
// values (query results, reasons) computed here.
class TraceView {
 public:
  TraceView(const PairView& v, bool noLocations)
      : V(v), P(v.program), T(v.result.trace), noLoc_(noLocations) {}

  void tree(std::string& out) const {
    if (!T.empty()) treeNode(out, 0, "", true);
  }
  json::Value json() const { return T.empty() ? json::Value::null() : jsonNode(0); }

 private:
  // ---- shared pieces

  const ClauseInfo* clause(const TraceRecord& r) const {
    return r.info < P.clauses.size() ? &P.clauses[r.info] : nullptr;
  }

  // IN-form failures show every right-hand value (GuardClauseInBinaryCheck).
  bool inForm(const TraceRecord& r) const {
    if (r.info == UINT32_MAX) return r.toSet != UINT32_MAX;  // a keys-filter check
    const ClauseInfo* c = clause(r);
    if (!c || !r.hasTo || r.from.isUnresolved() || r.to.isUnresolved()) return false;
    if (r.toSet != UINT32_MAX) return true;  // a set comparison's member
    if (r.detail == CmpDetail::NotComparable) return false;  // always a value pair
    return report::isInForm(*c, r.from, r.to);
  }

  std::vector<QValue> inTargets(const TraceRecord& r) const {
    std::vector<QValue> out;
    const auto& sets = V.result.sets;
    if (r.toSet < sets.size()) {
      // A keys-filter check lists the unresolved values too.
      for (const QValue& q : sets[r.toSet])
        if (q.node && (!q.isUnresolved() || r.info == UINT32_MAX)) out.push_back(q);
    } else if (r.hasTo && r.to.node) {
      out.push_back(r.to);
    }
    return out;
  }

  // ---- the record's context and name, from the program's tables (the VM
  // records which, vm/results.h TraceContext)

  std::string str(uint32_t id) const { return id < P.strings.size() ? P.str(id) : std::string(); }

  std::string location(uint32_t file, uint32_t line, uint32_t column) const {
    return "Location[file:" + (file < P.files.size() ? P.str(P.files[file].name) : std::string()) +
           ", line:" + std::to_string(line) + ", column:" + std::to_string(column) + "]";
  }

  std::string blockLocation(uint32_t b) const {
    if (b >= P.blocks.size()) return std::string();
    const BlockInfo& bi = P.blocks[b];
    return location(bi.file, bi.line, bi.column);
  }

  std::string blockQuery(uint32_t b) const { return b < P.blocks.size() ? str(P.blocks[b].context) : ""; }
  std::string ruleName(uint32_t r) const { return r < P.rules.size() ? str(P.rules[r].name) : ""; }
  std::string clauseText(uint32_t c) const { return c < P.clauses.size() ? str(P.clauses[c].context) : ""; }

  // `Type == '<type>'` of a type select, as cfn-guard's filter clause shows it.
  std::string typeSelectText(uint32_t part) const {
    if (part >= P.parts.size()) return std::string();
    const std::string& type = P.str(P.parts[part].key);
    Node lit;
    lit.kind = NodeKind::String;
    lit.str.data = type.data();
    lit.str.size = uint32_t(type.size());
    return " Type EQUALS  " + valueOnly(&lit);
  }

  std::string context(const TraceRecord& r) const {
    static const char* const kDisjunctions[] = {"GuardClause", "RuleClause", "WhenGuardClause"};
    switch (r.ctx) {
      case TraceContext::None: return "";
      case TraceContext::File: return "File(rules=" + std::to_string(r.ctxN) + ")";
      case TraceContext::Rule: return ruleName(r.ctxId);
      case TraceContext::RuleWhen: return "Rule#" + ruleName(r.ctxId) + "/When";
      case TraceContext::RuleRef: {
        if (r.ctxId >= P.ruleRefs.size()) return "";
        const RuleRefInfo& ref = P.ruleRefs[r.ctxId];
        return "Rule(" + str(ref.name) + "@" + location(ref.file, ref.line, ref.column) + ")";
      }
      case TraceContext::Block: return blockQuery(r.ctxId);
      case TraceContext::BlockWhen: return blockQuery(r.ctxId) + "/When";
      case TraceContext::BlockValue: return blockQuery(r.ctxId) + "/" + std::to_string(r.ctxN);
      case TraceContext::BlockClause: return "BlockGuardClause#" + blockLocation(r.ctxId);
      case TraceContext::BlockMissing: return "GuardBlockAccessClause#" + blockLocation(r.ctxId);
      case TraceContext::FilterList: return "Filter/List#" + std::to_string(r.ctxN);
      case TraceContext::FilterMap: return "Filter/Map#" + std::to_string(r.ctxN);
      case TraceContext::RuleClause: return "RuleClause";
      case TraceContext::ConditionClause: return "GuardConditionClause";
      case TraceContext::RuleClauseWhen: return "RuleClause/When";
      case TraceContext::ConditionClauseWhen: return "GuardConditionClause/When";
      case TraceContext::Clause: return clauseText(r.ctxId);
      case TraceContext::ClauseBlock: return "GuardAccessClause#block" + clauseText(r.ctxId);
      case TraceContext::TypeSelect: return typeSelectText(r.ctxId);
      case TraceContext::TypeSelectBlock: return "GuardAccessClause#block" + typeSelectText(r.ctxId);
      case TraceContext::Disjunction:
        return std::string("cfn_guard::rules::exprs::") + kDisjunctions[r.ctxN < 3 ? r.ctxN : 0] +
               "#disjunction";
    }
    return "";
  }

  // The name a Rule, Type or DependentRule record shows.
  std::string name(const TraceRecord& r) const {
    switch (r.kind) {
      case TraceKind::Rule: return ruleName(r.ctxId);
      case TraceKind::Type: return r.ctxId < P.blocks.size() ? str(P.blocks[r.ctxId].typeName) : "";
      case TraceKind::DependentRule: return r.ctxId < P.ruleRefs.size() ? str(P.ruleRefs[r.ctxId].name) : "";
      default: return "";
    }
  }

  static std::string cmpText(const TraceRecord& r) {
    return std::string(r.opNegated ? "not" : "") + " " + opWord(r.op);
  }

  static const char* opWord(CmpOp op) { return cmpOpInfo(op).trace; }

  std::string pv(const Node* n) const {
    if (!noLoc_) return pathValue(n);
    return "Path=" + pathOf(n) + "[L:0,C:0] Value=" + valueOnly(n);
  }

  std::string qr(const QValue& v) const {
    if (!v.node) return "";
    return std::string(v.isUnresolved() ? "(unresolved, " : "(resolved, ") + pv(v.node) + ")";
  }

  // "Query <q> did not resolve to correct value, reason <reason>, <path>"
  std::string missingReason(const TraceRecord& r) const {
    report::Unresolved u = report::unresolvedOf(P, r.from);
    std::string query = r.info < P.blocks.size() ? P.str(P.blocks[r.info].context) : std::string();
    return "Query " + query + " did not resolve to correct value, reason " + u.reason.value_or("");
  }

  std::string customMessage(const TraceRecord& r) const {
    return r.message < P.strings.size() ? P.str(r.message) : std::string();
  }

  // ---- the ASCII tree (§8.1)

  std::string text(const TraceRecord& r) const {
    std::string s = statusWord(r.status);
    switch (r.kind) {
      case TraceKind::File: return "File(" + std::string(V.dataName) + ", Status=" + s + ")";
      case TraceKind::Rule: return "Rule(" + name(r) + ", Status=" + s + ")";
      case TraceKind::RuleWhen: return "Rule/When(Status=" + s + ")";
      case TraceKind::Type: return "Type(" + name(r) + ", Status=" + s + ")";
      case TraceKind::TypeWhen: return "TypeBlock/When Status=" + s + ")";
      case TraceKind::TypeBody: return "TypeBlock/Block Status=" + s + ")";
      case TraceKind::Filter: return "Filter/ConjunctionsBlock(Status=" + s + ")";
      case TraceKind::WhenBlock: return "WhenConditionalBlock(Status = " + s + ")";
      case TraceKind::WhenCond: return "WhenCondition(Status = " + s + ")";
      case TraceKind::Disjunction: return "Disjunction(Status = " + s + ")";
      case TraceKind::BlockCheck: return "GuardValueBlockCheck(Status = " + s + ")";
      case TraceKind::ClauseBlock: return "GuardClauseBlock(Status = " + s + ")";
      case TraceKind::Pass: return "GuardClauseValueCheck(Status=" + s + ")";
      case TraceKind::Unary:
        return "GuardClauseUnaryCheck(Status=" + s + ", Comparison=" + cmpText(r) +
               ", Value-At=" + qr(r.from) + ")";
      case TraceKind::Binary: {
        if (inForm(r)) {
          std::string to;
          for (const QValue& q : inTargets(r)) {
            if (!to.empty()) to += '.';
            to += qr(q);
          }
          return "GuardClauseInBinaryCheck(Status=" + s + ", Comparison=" + cmpText(r) +
                 ", from=" + qr(r.from) + ", to=" + to + ")";
        }
        return "GuardClauseBinaryCheck(Status=" + s + ", Comparison=" + cmpText(r) +
               ", from=" + qr(r.from) + ", to=" + (r.hasTo ? qr(r.to) : "") + ")";
      }
      case TraceKind::DependentRule:
        return "GuardClauseDependentRule(Rule=" + name(r) + ", Status=" + s + ")";
      case TraceKind::BlockMissing: {
        std::string path = r.from.node ? pathOf(r.from.node) : std::string();
        return "GuardBlockValueMissing(Status=" + s + ", Reason=" + missingReason(r) + ", " + path + ")";
      }
      case TraceKind::EmptyCheck:
        return "GuardClause(Status=" + s + ", Empty, " + customMessage(r) + ")";
    }
    return "";
  }

  // Returns the index after the subtree of `i`.
  uint32_t treeNode(std::string& out, uint32_t i, const std::string& indent, bool last) const {
    const TraceRecord& r = T[i];
    out += indent;
    out += last ? "`- " : "|- ";
    out += text(r);
    out += "[Context=" + context(r) + "]\n";
    std::string childIndent = indent + (last ? "   " : "|  ");
    uint32_t c = i + 1;
    while (c < r.end) {
      bool lastChild = T[c].end >= r.end;
      c = treeNode(out, c, childIndent, lastChild);
    }
    return r.end;
  }

  // ---- --print-json (§8.2)

  static json::Value statusJson(Status s) { return json::Value::string(statusWord(s)); }

  static json::Value blockCheck(const TraceRecord& r) {
    json::Value o = json::Value::object();
    // A clause that selected nothing (SKIP) says true as well.
    bool skipped = r.kind == TraceKind::ClauseBlock && r.status == Status::Skip;
    o.set("at_least_one_matches", json::Value::boolean(r.flag || skipped));
    o.set("status", statusJson(r.status));
    o.set("message", json::Value::null());
    return o;
  }

  static json::Value named(const std::string& name, Status s) {
    json::Value o = json::Value::object();
    o.set("name", json::Value::string(name));
    o.set("status", statusJson(s));
    o.set("message", json::Value::null());
    return o;
  }

  static json::Value single(const char* key, json::Value v) {
    json::Value o = json::Value::object();
    o.set(key, std::move(v));
    return o;
  }

  json::Value qrJson(const QValue& v) const {
    if (!v.node) return json::Value::null();
    if (!v.isUnresolved()) return single("Resolved", pathValueJson(v.node));
    report::Unresolved u = report::unresolvedOf(P, v);
    json::Value o = json::Value::object();
    o.set("traversed_to", pathValueJson(v.node));
    o.set("remaining_query", json::Value::string(u.remainingQuery));
    o.set("reason", u.reason ? json::Value::string(*u.reason) : json::Value::null());
    return single("UnResolved", std::move(o));
  }

  json::Value comparison(const TraceRecord& r) const {
    json::Value a = json::Value::array();
    a.push(json::Value::string(report::operatorName(r.op)));
    a.push(json::Value::boolean(r.opNegated));
    return a;
  }

  json::Value customJson(const TraceRecord& r) const {
    return r.message < P.strings.size() ? json::Value::string(P.str(r.message)) : json::Value::null();
  }

  json::Value clauseCheck(const TraceRecord& r) const {
    switch (r.kind) {
      case TraceKind::Pass:
        return json::Value::string("Success");
      case TraceKind::Unary: {
        json::Value v = json::Value::object();
        v.set("from", qrJson(r.from));
        v.set("message", json::Value::null());
        v.set("custom_message", customJson(r));
        v.set("status", statusJson(r.status));
        json::Value u = json::Value::object();
        u.set("value", std::move(v));
        u.set("comparison", comparison(r));
        return single("Unary", std::move(u));
      }
      case TraceKind::Binary: {
        bool in = inForm(r);
        json::Value c = json::Value::object();
        c.set("comparison", comparison(r));
        c.set("from", qrJson(r.from));
        if (in) {
          json::Value to = json::Value::array();
          for (const QValue& q : inTargets(r)) to.push(qrJson(q));
          c.set("to", std::move(to));
        } else {
          c.set("to", r.hasTo ? qrJson(r.to) : json::Value::null());
        }
        bool incomparable = r.detail == CmpDetail::NotComparable && r.from.node && r.to.node;
        c.set("message", incomparable ? json::Value::string(report::notComparableReason(
                                            r.op, r.from.node, r.to.node,
                                            report::substringPair(r.from, r.to)))
                                      : json::Value::null());
        c.set("custom_message", customJson(r));
        c.set("status", statusJson(r.status));
        return single(in ? "InComparison" : "Comparison", std::move(c));
      }
      case TraceKind::DependentRule: {
        json::Value d = json::Value::object();
        d.set("rule", json::Value::string(name(r)));
        d.set("message", json::Value::null());
        d.set("custom_message", customJson(r));
        d.set("status", statusJson(r.status));
        return single("DependentRule", std::move(d));
      }
      case TraceKind::BlockMissing: {
        json::Value m = json::Value::object();
        m.set("from", qrJson(r.from));
        m.set("message", json::Value::string(missingReason(r)));
        m.set("custom_message", json::Value::null());
        m.set("status", statusJson(r.status));
        return single("MissingBlockValue", std::move(m));
      }
      case TraceKind::EmptyCheck:
        return single("NoValueForEmptyCheck", customJson(r));
      default:
        return json::Value::null();
    }
  }

  json::Value container(const TraceRecord& r) const {
    switch (r.kind) {
      case TraceKind::File: return single("FileCheck", named(std::string(V.dataName), r.status));
      case TraceKind::Rule: return single("RuleCheck", named(name(r), r.status));
      case TraceKind::RuleWhen: return single("RuleCondition", statusJson(r.status));
      case TraceKind::Type: {
        json::Value t = json::Value::object();
        t.set("type_name", json::Value::string(name(r)));
        t.set("block", blockCheck(r));
        return single("TypeCheck", std::move(t));
      }
      case TraceKind::TypeWhen: return single("TypeCondition", statusJson(r.status));
      case TraceKind::TypeBody: return single("TypeBlock", statusJson(r.status));
      case TraceKind::Filter: return single("Filter", statusJson(r.status));
      case TraceKind::WhenBlock: return single("WhenCheck", blockCheck(r));
      case TraceKind::WhenCond: return single("WhenCondition", statusJson(r.status));
      case TraceKind::Disjunction: return single("Disjunction", blockCheck(r));
      case TraceKind::BlockCheck: return single("BlockGuardCheck", blockCheck(r));
      case TraceKind::ClauseBlock: return single("GuardClauseBlockCheck", blockCheck(r));
      default: return single("ClauseValueCheck", clauseCheck(r));
    }
  }

  json::Value jsonNode(uint32_t i) const {
    const TraceRecord& r = T[i];
    json::Value o = json::Value::object();
    o.set("context", json::Value::string(context(r)));
    o.set("container", container(r));
    json::Value children = json::Value::array();
    for (uint32_t c = i + 1; c < r.end; c = T[c].end) children.push(jsonNode(c));
    o.set("children", std::move(children));
    return o;
  }

  const PairView& V;
  const Program& P;
  const std::vector<TraceRecord>& T;
  bool noLoc_;  // test data carries no source positions in cfn-guard: [L:0,C:0]
};

}  // namespace

void writeVerboseTree(std::string& out, const PairView& v, bool noLocations) {
  TraceView(v, noLocations).tree(out);
}

void writePrintJson(std::string& out, const PairView& v) {
  json::writePretty(out, TraceView(v, false).json());
  out += "\n";
}

}  // namespace guard::vm
