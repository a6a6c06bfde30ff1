// Builds cfn-guard's simplified failure report (report/model.h) from the VM's
// records, and the Display/Debug texts that go into it. Called by the JSON,
// YAML and console report views. The record-to-entry mapping and every
// message sentence were established against cfn-guard 3.1.1 (docs/reports.md,
// "JSON check entries").
#include "report/model.h"

#include <algorithm>
#include <functional>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "runtime/compare.h"
#include "runtime/rust_debug.h"
#include "runtime/value_text.h"

namespace guard::vm::report {


// ------------------------------------------------------------------ small texts

const char* statusWord(Status s) {
  switch (s) {
    case Status::Pass: return "PASS";
    case Status::Fail: return "FAIL";
    default: return "SKIP";
  }
}

std::string pathValue(const Node* n) { return "Path=" + pathLoc(n) + " Value=" + valueOnly(n); }


const char* operatorName(CmpOp op) { return cmpOpInfo(op).debug; }

const char* operatorWords(CmpOp op, bool n) { return cmpOpInfo(op).words[n]; }

// ------------------------------------------------------------------ unresolved

static std::string listItemsDebug(const Node* list) {
  std::string s = "[";
  for (uint32_t i = 0; i < list->list.size; ++i) {
    if (i) s += ", ";
    appendRustDebug(s, list->list.items[i]);
  }
  return s + "]";
}

// The source text of a query part (`%name` for an interpolation).
static std::string partText(const Program& p, const Part& part) {
  if (part.query >= p.queries.size() || part.position >= p.queries[part.query].parts.size()) return {};
  return p.str(p.queries[part.query].parts[part.position]);
}

// The variable name of an interpolation part (its text is `%name`).
// |index| without overflow (INT64_MIN included).
static uint64_t indexMagnitude(int64_t index) { return index < 0 ? uint64_t(-(index + 1)) + 1 : uint64_t(index); }

static std::string interpolatedName(const Program& p, const Part& part) {
  std::string text = partText(p, part);
  return !text.empty() && text[0] == '%' ? text.substr(1) : text;
}

// Rust {:?} of one member of a query's result set (cfn-guard's QueryResult).
static void appendQueryResultDebug(std::string& out, const Program& p, const QValue& v) {
  if (!v.isUnresolved()) {
    out += v.isLiteral() ? "Literal(" : "Resolved(";
    appendRustDebug(out, v.node);
    out += ")";
    return;
  }
  Unresolved u = unresolvedOf(p, v);
  out += "UnResolved(UnResolved { traversed_to: ";
  if (u.traversedTo) appendRustDebug(out, u.traversedTo);
  out += ", remaining_query: ";
  appendDebugString(out, u.remainingQuery);
  out += ", reason: ";
  if (u.reason) {
    out += "Some(";
    appendDebugString(out, *u.reason);
    out += ")";
  } else {
    out += "None";
  }
  out += " })";
}

Unresolved unresolvedOf(const Program& p, const QValue& v) {
  Unresolved u;
  u.traversedTo = v.node;
  if (v.part >= p.parts.size() || !v.node) return u;
  const Part& part = p.parts[v.part];
  u.remainingQuery = p.unresolvedRest(v.part, false);
  const Node* n = v.node;
  std::string at = pathLoc(n);
  // An interpolated part (`.%v`) has no key of its own: cfn-guard names its
  // text (its `key` holds the error it raises on a map, not a name).
  std::string key = part.kind != PartKind::Interpolate && part.key != kNone ? p.str(part.key)
                                                                                : partText(p, part);
  switch (v.reason) {
    case guard::Unresolved::KeyMissing:
      u.reason = "Could not find key " + key + " inside struct at path " + at;
      break;
    case guard::Unresolved::NotAMap:
      u.reason = "Attempting to retrieve from key " + key + " but type is not an struct type at path " +
                 at + ", Type = " + typeInfo(n) + ", Value = " + rustDebug(n);
      break;
    case guard::Unresolved::IndexOutOfRange: {
      u.remainingQuery = p.unresolvedRest(v.part, true);
      u.reason = "Array Index out of bounds for path = " + at + " on index = " +
                 std::to_string(part.index) + " inside Array = " + listItemsDebug(n) +
                 ", remaining query = " + u.remainingQuery;
      break;
    }
    case guard::Unresolved::NotAList:
      u.reason = "Attempting to retrieve from index " + std::to_string(part.index) +
                 " but type is not an array at path " + at + ", type " + typeInfo(n);
      break;
    case guard::Unresolved::EmptyCollection:
      u.reason = "No more entries for value at path = " + at + " on type = " + typeInfo(n) + " ";
      break;
    case guard::Unresolved::FilterOnScalar:
      u.reason = std::string("Filter on value type that was not a struct or array ") + typeInfo(n) + " " + at;
      break;
    case guard::Unresolved::KeysOnNonMap:
      u.reason = std::string("Map Filter for keys was not a struct ") + typeInfo(n) + " " + at;
      break;
    case guard::Unresolved::VariableMissing:
    case guard::Unresolved::VariableMissingListed:
      // The path is the map's, or, for a key taken from a list the variable
      // holds, the key's own (a literal list's elements: /0, /1, ...).
      u.reason = "Could not locate key = " +
                 (v.missingKey ? std::string(v.missingKey->text()) : key) + " inside struct at path = " +
                 (v.reason == guard::Unresolved::VariableMissingListed && v.missingKey ? pathLoc(v.missingKey)
                                                                                      : at);
      break;
    case guard::Unresolved::VariableUnresolved:
      // cfn-guard names where the variable's own query stopped, and why.
      u.reason = "Keys returned for variable " + interpolatedName(p, part) +
                 " could not completely resolve. Path traversed until " +
                 (v.cause ? pathLoc(v.cause->node) + unresolvedOf(p, *v.cause).reason.value_or("")
                          : at);
      break;
    case guard::Unresolved::VariableIndexOutOfRange:
      // cfn-guard prints the index without its sign (`%v[-1]`: "Index 1").
      u.reason = "Index " + std::to_string(indexMagnitude(part.index)) + " on the set of values returned for variable " +
                 interpolatedName(p, part) + " on the join, is out of bounds";
      if (v.values) {
        std::string values;
        for (size_t i = 0; i < v.values->size; ++i) {
          if (i) values += ", ";
          appendQueryResultDebug(values, p, v.values->items[i]);
        }
        *u.reason += ". Length " + std::to_string(v.values->size) + ", Values = [" + values + "]";
      }
      break;
    case guard::Unresolved::None:
      break;
  }
  return u;
}

// ------------------------------------------------------------------ comparisons

// The pair whose types cfn-guard names in "PathAwareValues are not comparable
// a, b": the innermost not-comparable pair met while walking eq (§8.2) over
// lists and maps in order.
static std::pair<const Node*, const Node*> incomparablePair(const Node* a, const Node* b) {
  if (a->kind == NodeKind::List && b->kind == NodeKind::List && a->list.size == b->list.size) {
    for (uint32_t i = 0; i < a->list.size; ++i) {
      Cmp c = eq(a->list.items[i], b->list.items[i]);
      if (c == Cmp::NotComparable) return incomparablePair(a->list.items[i], b->list.items[i]);
      if (c != Cmp::True) break;
    }
  } else if (a->kind == NodeKind::Map && b->kind == NodeKind::Map && a->map.size == b->map.size) {
    for (uint32_t i = 0; i < a->map.size; ++i) {
      const Node* other = Document::lookupText(b, a->map.entries[i].keyText());
      if (!other) break;
      Cmp c = eq(a->map.entries[i].value, other);
      if (c == Cmp::NotComparable) return incomparablePair(a->map.entries[i].value, other);
      if (c != Cmp::True) break;
    }
  }
  return {a, b};
}

std::string notComparableReason(CmpOp op, const Node* from, const Node* to, bool substring) {
  if (op == CmpOp::In) {
    if (substring && to->kind == NodeKind::String && from->kind != NodeKind::String)
      return "Type not comparable, " + pathValue(from) + ", " + pathValue(to);
    if (from->kind == NodeKind::List && to->kind != NodeKind::List)
      return "Can not compare type " + pathValue(from) + ", " + pathValue(to);
  }
  auto [a, b] = (op == CmpOp::Eq || op == CmpOp::In) ? incomparablePair(from, to)
                                                     : std::pair<const Node*, const Node*>{from, to};
  return std::string("PathAwareValues are not comparable ") + typeInfo(a) + ", " + typeInfo(b);
}

static const char* binaryPhrase(CmpOp op, bool n) { return isUnary(op) ? "" : cmpOpInfo(op).phrase[n]; }

static const char* unaryPhrase(CmpOp op, bool n) { return isUnary(op) ? cmpOpInfo(op).phrase[n] : ""; }

// cfn-guard reports a failed comparison either as a value pair ("Comparison")
// or as a value missing from a set ("InComparison"). Which one depends on
// the shapes of the operands (spec/guard-language.md §8.5, §8.7).
// A clause's set comparison names each failing member against all resolved
// right-hand values (Record::toSet): always the IN form.
static bool isInForm(const ClauseInfo& c, const Record& r) {
  if (r.kind == RecKind::Binary && r.toSet != UINT32_MAX) return true;
  if (r.detail == CmpDetail::NotComparable) return false;  // always a value pair
  return isInForm(c, r.from, r.to);
}

bool substringPair(const QValue& from, const QValue& to) { return to.isLiteral() && !from.isLiteral(); }

bool isInForm(const ClauseInfo& c, const QValue& from, const QValue& to) {
  if (!to.node || !from.node) return false;
  if (c.op == CmpOp::In) {
    if (c.rhs == RhsKind::Literal || to.isLiteral()) return to.node->kind == NodeKind::List;
    if (from.isLiteral())
      return to.node->kind == NodeKind::List || from.node->kind == NodeKind::List;
    return true;  // query IN query
  }
  if (c.op == CmpOp::Eq)
    return c.rhs != RhsKind::Literal && !from.isLiteral() && !to.isLiteral();  // set comparison
  return false;
}

// cfn-guard lists resolved right-hand values only.
void inTargets(const Record& r, const std::vector<ResultSet>& sets, std::vector<const Node*>& out) {
  if (r.toSet < sets.size()) {
    for (const QValue& q : sets[r.toSet])
      if (q.node && !q.isUnresolved()) out.push_back(q.node);
  } else if (r.to.node && !r.to.isUnresolved()) {
    out.push_back(r.to.node);
  }
}

// ------------------------------------------------------------------ the tree

const Node* ClauseReport::valueFrom() const {
  switch (kind) {
    case CrKind::Block:
      return hasUnresolved ? unresolved.traversedTo : nullptr;
    case CrKind::UnaryUnresolved:
    case CrKind::BinaryUnresolved:
      return unresolved.traversedTo;
    case CrKind::UnaryResolved:
    case CrKind::BinaryResolved:
    case CrKind::InResolved:
      return from;
    default:
      return nullptr;
  }
}

const Node* ClauseReport::valueTo() const { return kind == CrKind::BinaryResolved ? to : nullptr; }

bool keysInForm(const Record& r) { return r.kind == RecKind::KeysCheck && r.toSet != UINT32_MAX; }

ClauseInfo keysClause(const Program& p, const Record& r) {
  ClauseInfo ci;
  ci.op = keysInForm(r) ? CmpOp::In : CmpOp::Eq;
  ci.rhs = RhsKind::Literal;
  if (r.info < p.parts.size()) ci.opNegated = p.parts[r.info].keysNegated;
  return ci;
}

namespace {

class Builder {
 public:
  Builder(const Program& p, const std::vector<Record>& recs, const std::vector<ResultSet>& sets)
      : P(p), R(recs), S(sets) {}

  void children(uint32_t begin, uint32_t end, const std::string& parentKey,
                std::vector<ClauseReport>& out) {
    for (uint32_t i = begin; i < end;) {
      const Record& r = R[i];
      uint32_t next = r.end > i ? r.end : i + 1;
      // Only what failed is reported; passing containers and the failed
      // alternatives under them belong to the generic report alone.
      if (r.status == Status::Fail) one(i, next, parentKey, out);
      i = next;
    }
  }

 private:
  std::string clauseKey(const std::string& parent) {
    return parent + "/C[" + std::to_string(counter_++) + "]";
  }

  void one(uint32_t i, uint32_t end, const std::string& parentKey, std::vector<ClauseReport>& out) {
    const Record& r = R[i];
    switch (r.kind) {
      case RecKind::Disjunction: {
        ClauseReport d;
        d.kind = CrKind::Disjunctions;
        d.key = parentKey + "/Or[" + std::to_string(counter_++) + "]";
        children(i + 1, end, d.key, d.checks);
        out.push_back(std::move(d));
        break;
      }
      case RecKind::Block:
        // Query blocks, type blocks and `when` blocks are flattened.
        children(i + 1, end, parentKey, out);
        break;
      case RecKind::ParamCall: {
        const ParamCallInfo& pc = P.paramCalls[r.info];
        ClauseReport rule;
        rule.kind = CrKind::Rule;
        rule.name = P.str(pc.name);
        if (pc.message != kNone) rule.custom = P.str(pc.message);
        rule.key = parentKey + "/" + rule.name;
        children(i + 1, end, rule.key, rule.checks);
        out.push_back(std::move(rule));
        break;
      }
      case RecKind::Rule: {
        ClauseReport rule;
        rule.kind = CrKind::Rule;
        rule.name = r.rule < P.rules.size() ? P.str(P.rules[r.rule].name) : std::string();
        rule.key = parentKey + "/" + rule.name;
        children(i + 1, end, rule.key, rule.checks);
        out.push_back(std::move(rule));
        break;
      }
      case RecKind::BlockEmpty:
        out.push_back(blockEmpty(r, parentKey));
        break;
      case RecKind::BlockMissing:
        out.push_back(blockMissing(r, parentKey));
        break;
      case RecKind::Unary:
        out.push_back(unary(r, parentKey));
        break;
      case RecKind::Binary:
        out.push_back(binary(r, parentKey));
        break;
      case RecKind::EmptySet:
        out.push_back(emptySet(r, parentKey));
        break;
      case RecKind::RuleRef:
        out.push_back(ruleRef(r, parentKey));
        break;
      case RecKind::KeysCheck:
        out.push_back(keysCheck(r, parentKey));
        break;
      default:
        // A container kind added later (e.g. a `when` condition): flattened
        // like a block; it only gets here when it FAILed.
        children(i + 1, end, parentKey, out);
        break;
    }
  }

  std::string fileName(uint32_t file) const {
    return file < P.files.size() ? P.str(P.files[file].name) : std::string();
  }

  std::string location(uint32_t file, uint32_t line, uint32_t col) const {
    return "Location[file:" + fileName(file) + ", line:" + std::to_string(line) +
           ", column:" + std::to_string(col) + "]";
  }

  std::optional<std::string> messageOr(uint32_t id, bool nullWhenAbsent) const {
    if (id != kNone) return P.str(id);
    if (nullWhenAbsent) return std::nullopt;
    return std::string();
  }

  // `q !empty { }` whose query selected nothing and recorded nothing (the VM
  // records BlockEmpty only then).
  ClauseReport blockEmpty(const Record& r, const std::string& parentKey) {
    ClauseReport c = block(r, parentKey, "BlockGuardClause#");
    c.error = "query for block clause did not retrieve any value";
    return c;
  }

  // A Block check of block r.info, with its context `kind#Location[...]`.
  ClauseReport block(const Record& r, const std::string& parentKey, const char* kind) {
    const BlockInfo& b = P.blocks[r.info];
    ClauseReport c;
    c.kind = CrKind::Block;
    c.key = clauseKey(parentKey);
    c.context = kind + location(b.file, b.line, b.column);
    return c;
  }

  ClauseReport blockMissing(const Record& r, const std::string& parentKey) {
    ClauseReport c = block(r, parentKey, "GuardBlockAccessClause#");
    c.unresolved = unresolvedOf(P, r.from);
    c.hasUnresolved = true;
    c.custom = std::string();
    c.error = "Check was not compliant as property [" + c.unresolved.remainingQuery +
              "] is missing. Value traversed to [" + pathValue(c.unresolved.traversedTo) + "]";
    return c;
  }

  ClauseReport unary(const Record& r, const std::string& parentKey) {
    const ClauseInfo& ci = P.clauses[r.info];
    ClauseReport c;
    c.key = clauseKey(parentKey);
    c.context = P.str(ci.context);
    c.op = ci.op;
    c.opNegated = ci.opNegated;
    c.custom = messageOr(ci.message, false);
    if (r.from.isUnresolved()) {
      c.kind = CrKind::UnaryUnresolved;
      c.unresolved = unresolvedOf(P, r.from);
      c.hasUnresolved = true;
      c.error = "Check was not compliant as property [" + c.unresolved.remainingQuery +
                "] is missing. Value traversed to [" + pathValue(c.unresolved.traversedTo) + "].";
    } else {
      c.kind = CrKind::UnaryResolved;
      c.from = r.from.node;
      c.error = "Check was not compliant as property [" + pathLoc(c.from) + "] " +
                unaryPhrase(ci.op, ci.opNegated) + ".";
    }
    return c;
  }

  ClauseReport emptySet(const Record& r, const std::string& parentKey) {
    const ClauseInfo& ci = P.clauses[r.info];
    ClauseReport c;
    c.kind = CrKind::UnaryContext;
    c.key = clauseKey(parentKey);
    c.context = P.str(ci.context);
    c.contextCheck = c.context;
    c.op = ci.op;
    c.opNegated = ci.opNegated;
    // cfn-guard writes this one report's custom message with its newlines as
    // `;` (every format built from the report; tests/differential/cases/
    // s11-empty-variable-message-newlines).
    c.custom = messageOr(ci.message, false);
    std::replace(c.custom->begin(), c.custom->end(), '\n', ';');
    c.error = "Check was not compliant as variable in context [" + c.context + "] was not empty";
    return c;
  }

  ClauseReport ruleRef(const Record& r, const std::string& parentKey) {
    const RuleRefInfo& ref = P.ruleRefs[r.info];
    ClauseReport c;
    c.kind = CrKind::UnaryContext;
    c.key = clauseKey(parentKey);
    std::string name = P.str(ref.name);
    c.context = "Rule(" + name + "@" + location(ref.file, ref.line, ref.column) + ")";
    c.contextCheck = name;
    c.custom = messageOr(ref.message, false);
    c.error = "Check was not compliant as dependent rule [" + name + "] did not PASS. Context [" +
              c.context + "]";
    return c;
  }

  ClauseReport binary(const Record& r, const std::string& parentKey) {
    const ClauseInfo& ci = P.clauses[r.info];
    return binaryAs(ci, P.str(ci.context), r, parentKey);
  }

  ClauseReport binaryAs(const ClauseInfo& ci, const std::string& context, const Record& r,
                        const std::string& parentKey) {
    ClauseReport c;
    c.key = clauseKey(parentKey);
    c.context = context;
    c.op = ci.op;
    c.opNegated = ci.opNegated;
    bool leftMissing = r.detail == CmpDetail::LeftUnresolved;
    bool rightMissing = r.detail == CmpDetail::RightUnresolved;
    if (leftMissing || rightMissing) {
      const QValue& u = r.from.isUnresolved() ? r.from : r.to;
      c.kind = CrKind::BinaryUnresolved;
      c.custom = messageOr(ci.message, false);
      c.unresolved = unresolvedOf(P, u);
      c.hasUnresolved = true;
      c.error = std::string("Check was not compliant as property [") + c.unresolved.remainingQuery +
                (leftMissing ? "] to compare from is missing. Value traversed to ["
                             : "] to compare to is missing. Value traversed to [") +
                pathValue(c.unresolved.traversedTo) + "].";
      return c;
    }
    if (isInForm(ci, r)) {
      c.kind = CrKind::InResolved;
      c.custom = messageOr(ci.message, true);
      c.from = r.from.node;
      const InListing& in = inListing(r);
      c.inTo = in.targets;
      c.error = inError(c, in.slice);
      return c;
    }
    c.kind = CrKind::BinaryResolved;
    c.custom = messageOr(ci.message, false);
    c.from = r.from.node;
    c.to = r.to.node;
    std::string err;
    if (r.detail == CmpDetail::NotComparable)
      err = " Error = [" + notComparableReason(ci.op, c.from, c.to, substringPair(r.from, r.to)) + "]";
    c.error = "Check was not compliant as property value [" + pathValue(c.from) + "] " +
              binaryPhrase(ci.op, ci.opNegated) + " value [" + pathValue(c.to) + "]." + err;
    return c;
  }

  // The right-hand values of an IN failure and their listing. Every failure
  // of one comparison shares its right-hand set (Record::toSet), so both are
  // made once per set: `%a in %b` with both sets growing with the template
  // would otherwise hold and render |a|·|b| values.
  struct InListing {
    std::shared_ptr<const std::vector<const Node*>> targets;
    std::shared_ptr<const std::string> slice;
  };

  const InListing& inListing(const Record& r) {
    auto make = [&] {
      auto targets = std::make_shared<std::vector<const Node*>>();
      inTargets(r, S, *targets);
      auto slice = std::make_shared<const std::string>(renderSlice(*targets));
      return InListing{std::move(targets), std::move(slice)};
    };
    if (r.toSet >= S.size()) return lastListing_ = make();
    auto [it, fresh] = inListings_.try_emplace(r.toSet);
    if (fresh) it->second = make();
    return it->second;
  }

  static std::string renderSlice(const std::vector<const Node*>& values) {
    std::string slice;
    for (size_t k = 0; k < values.size(); ++k) {
      if (k) slice += ".";
      slice += "(resolved, ";
      slice += pathValue(values[k]);
      slice += ")";
    }
    return slice;
  }

  static ErrorText inError(const ClauseReport& c, std::shared_ptr<const std::string> slice) {
    return ErrorText("Check was not compliant as property [" + pathLoc(c.from) + "] was not present in [",
                     std::move(slice), "]");
  }

  // A key a `[keys op x]` filter did not select: cfn-guard records it like a
  // binary clause with an empty clause text and no message: a comparison
  // with one value, or (the `in` form) a value missing from all of them.
  ClauseReport keysCheck(const Record& r, const std::string& parentKey) {
    const ClauseInfo ci = keysClause(P, r);
    if (!keysInForm(r)) return binaryAs(ci, std::string(), r, parentKey);
    ClauseReport c;
    c.key = clauseKey(parentKey);
    c.op = ci.op;
    c.opNegated = ci.opNegated;
    c.kind = CrKind::InResolved;
    c.custom = messageOr(ci.message, true);
    c.from = r.from.node;
    const InListing& in = keysInListing(r);
    c.inTo = in.targets;
    c.error = inError(c, in.slice);
    return c;
  }

  // The right-hand values of an `in`-form keys check: the resolved ones for
  // the check, all of them in order (unresolved ones where their query
  // stopped) for the message. One per right-hand set, like inListing.
  const InListing& keysInListing(const Record& r) {
    auto [it, fresh] = keysInListings_.try_emplace(r.toSet);
    if (!fresh) return it->second;
    auto targets = std::make_shared<std::vector<const Node*>>();
    inTargets(r, S, *targets);
    std::string slice;
    for (const QValue& q : S[r.toSet]) {
      if (!q.node) continue;
      if (!slice.empty()) slice += ".";
      const Node* at = q.isUnresolved() ? unresolvedOf(P, q).traversedTo : q.node;
      slice += q.isUnresolved() ? "(unresolved, " : "(resolved, ";
      slice += pathValue(at);
      slice += ")";
    }
    it->second = InListing{std::move(targets), std::make_shared<const std::string>(std::move(slice))};
    return it->second;
  }

  const Program& P;
  const std::vector<Record>& R;
  const std::vector<ResultSet>& S;
  uint32_t counter_ = 0;
  std::unordered_map<uint32_t, InListing> inListings_;  // by toSet
  std::unordered_map<uint32_t, InListing> keysInListings_;  // by toSet
  InListing lastListing_;  // of a failure with no right-hand set
};

}  // namespace

FileReportModel buildFileReport(const PairView& v) {
  FileReportModel m;
  m.name = std::string(v.dataName);
  m.status = v.result.status;
  const Program& P = v.program;
  for (const RuleResult& rr : v.result.rules) {
    std::string name = P.str(P.rules[rr.rule].name);
    if (rr.status == Status::Fail) {
      ClauseReport rule;
      rule.kind = CrKind::Rule;
      rule.name = name;
      rule.key = "/" + name;
      Builder b(P, rr.records, v.result.sets);
      b.children(0, uint32_t(rr.records.size()), rule.key, rule.checks);
      m.notCompliant.push_back(std::move(rule));
    } else if (rr.status == Status::Pass) {
      m.compliant.push_back(name);
    } else {
      m.notApplicable.push_back(name);
    }
  }
  for (auto* list : {&m.compliant, &m.notApplicable}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  return m;
}

void combine(FileReportModel& into, FileReportModel other) {
  if (other.status == Status::Fail || (other.status == Status::Pass && into.status == Status::Skip))
    into.status = other.status;
  for (ClauseReport& c : other.notCompliant) into.notCompliant.push_back(std::move(c));
  auto merge = [](std::vector<std::string>& a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
  };
  merge(into.compliant, other.compliant);
  merge(into.notApplicable, other.notApplicable);
}

// ------------------------------------------------------------------ JSON form

// The report's shape (cfn-guard's serde output), described once as events:
// PrettyWriter writes it as JSON text, YamlWriter as YAML, TreeWriter builds
// the tree (--structured, the verbose report). No tree is built for -o json
// or -o yaml: a report can grow with the square of the template's size.

static void optText(json::Events& w, const std::optional<std::string>& s) {
  if (s) w.string(*s);
  else w.null();
}

static void messagesEvents(json::Events& w, const ClauseReport& c) {
  w.beginObject();
  w.key("custom_message");
  optText(w, c.custom);
  w.key("error_message");
  if (!c.error) {
    w.null();
  } else if (!c.error->shared && c.error->tail.empty()) {
    w.string(c.error->head);  // no copy
  } else {
    w.string(c.error->str());
  }
  w.endObject();
}

static void pathValueEvents(json::Events& w, const Node* n) {
  std::string path;
  appendPath(path, n);
  w.beginObject();
  w.key("path");
  w.string(path);
  w.key("value");
  w.node(n);
  w.endObject();
}

json::Value pathValueJson(const Node* n) {
  json::TreeWriter t;
  pathValueEvents(t, n);
  return t.take();
}

static void comparisonEvents(json::Events& w, const ClauseReport& c) {
  w.beginArray();
  w.string(operatorName(c.op));
  w.boolean(c.opNegated);
  w.endArray();
}

static void unresolvedEvents(json::Events& w, const Unresolved& u) {
  w.beginObject();
  w.key("traversed_to");
  pathValueEvents(w, u.traversedTo);
  w.key("remaining_query");
  w.string(u.remainingQuery);
  w.key("reason");
  optText(w, u.reason);
  w.endObject();
}

static void valueUnresolvedEvents(json::Events& w, const ClauseReport& c) {
  w.beginObject();
  w.key("value");
  unresolvedEvents(w, c.unresolved);
  w.key("comparison");
  comparisonEvents(w, c);
  w.endObject();
}

// Opens `{"outer": {"inner": ` ... closed by closeTwo.
static void openTwo(json::Events& w, const char* outer, const char* inner) {
  w.beginObject();
  w.key(outer);
  w.beginObject();
  w.key(inner);
}

static void closeTwo(json::Events& w) {
  w.endObject();
  w.endObject();
}

// {"Clause": {"Unary": {"check": {<kind>: ...}, "context", "messages"}}} or
// {"Clause": {"Binary": {"context", "messages", "check": {<kind>: ...}}}}
// (serde's field orders), the check's payload written by `payload`.
enum class ClauseForm { Unary, Binary };

template <typename Payload>
static void checkClauseEvents(json::Events& w, const ClauseReport& c, ClauseForm form, const char* kind,
                              Payload&& payload) {
  auto check = [&] {
    w.key("check");
    w.beginObject();
    w.key(kind);
    payload();
    w.endObject();
  };
  openTwo(w, "Clause", form == ClauseForm::Unary ? "Unary" : "Binary");
  w.beginObject();
  if (form == ClauseForm::Unary) check();
  w.key("context");
  w.string(c.context);
  w.key("messages");
  messagesEvents(w, c);
  if (form == ClauseForm::Binary) check();
  w.endObject();
  closeTwo(w);
}

// `between` (if set) runs after each check of a Rule or Disjunctions: the
// reports drain their text there.
using BetweenChecks = std::function<void()>;

static void checksEvents(json::Events& w, const std::vector<ClauseReport>& checks, const BetweenChecks& between);

static void clauseEvents(json::Events& w, const ClauseReport& c, const BetweenChecks& between) {
  switch (c.kind) {
    case CrKind::Rule:
      openTwo(w, "Rule", "name");
      w.string(c.name);
      w.key("metadata");
      w.beginObject();
      w.endObject();
      w.key("messages");
      messagesEvents(w, c);
      w.key("checks");
      checksEvents(w, c.checks, between);
      return closeTwo(w);
    case CrKind::Disjunctions:
      openTwo(w, "Disjunctions", "checks");
      checksEvents(w, c.checks, between);
      return closeTwo(w);
    case CrKind::Block:
      openTwo(w, "Block", "context");
      w.string(c.context);
      w.key("messages");
      messagesEvents(w, c);
      w.key("unresolved");
      if (c.hasUnresolved) unresolvedEvents(w, c.unresolved);
      else w.null();
      return closeTwo(w);
    case CrKind::UnaryUnresolved:
      return checkClauseEvents(w, c, ClauseForm::Unary, "UnResolved", [&] { valueUnresolvedEvents(w, c); });
    case CrKind::UnaryResolved:
      return checkClauseEvents(w, c, ClauseForm::Unary, "Resolved", [&] {
        w.beginObject();
        w.key("value");
        pathValueEvents(w, c.from);
        w.key("comparison");
        comparisonEvents(w, c);
        w.endObject();
      });
    case CrKind::UnaryContext:
      return checkClauseEvents(w, c, ClauseForm::Unary, "UnResolvedContext", [&] { w.string(c.contextCheck); });
    case CrKind::BinaryUnresolved:
      return checkClauseEvents(w, c, ClauseForm::Binary, "UnResolved", [&] { valueUnresolvedEvents(w, c); });
    case CrKind::BinaryResolved:
      return checkClauseEvents(w, c, ClauseForm::Binary, "Resolved", [&] {
        w.beginObject();
        w.key("from");
        pathValueEvents(w, c.from);
        w.key("to");
        pathValueEvents(w, c.to);
        w.key("comparison");
        comparisonEvents(w, c);
        w.endObject();
      });
    case CrKind::InResolved:
      return checkClauseEvents(w, c, ClauseForm::Binary, "InResolved", [&] {
        w.beginObject();
        w.key("from");
        pathValueEvents(w, c.from);
        w.key("to");
        w.beginArray();
        for (const Node* n : *c.inTo) pathValueEvents(w, n);
        w.endArray();
        w.key("comparison");
        comparisonEvents(w, c);
        w.endObject();
      });
  }
}

static void checksEvents(json::Events& w, const std::vector<ClauseReport>& checks, const BetweenChecks& between) {
  w.beginArray();
  for (const ClauseReport& c : checks) {
    clauseEvents(w, c, between);
    if (between) between();
  }
  w.endArray();
}

static void stringsEvents(json::Events& w, const std::vector<std::string>& list) {
  w.beginArray();
  for (const auto& s : list) w.string(s);
  w.endArray();
}

static void fileReportEvents(json::Events& w, const FileReportModel& m, const BetweenChecks& between) {
  w.beginObject();
  w.key("name");
  w.string(m.name);
  w.key("metadata");
  w.beginObject();
  w.endObject();
  w.key("status");
  w.string(statusWord(m.status));
  w.key("not_compliant");
  checksEvents(w, m.notCompliant, between);
  w.key("not_applicable");
  stringsEvents(w, m.notApplicable);
  w.key("compliant");
  stringsEvents(w, m.compliant);
  w.endObject();
}

json::Value toJson(const FileReportModel& m) {
  json::TreeWriter t;
  fileReportEvents(t, m, {});
  return t.take();
}

void writeJsonPretty(std::string& out, const FileReportModel& m, const ReportDrain& drain) {
  json::PrettyWriter w(out);
  BetweenChecks between;
  if (drain) between = [&] { drain(out); };
  fileReportEvents(w, m, between);
}

bool writeYamlStream(std::string& out, const FileReportModel& m, const ReportDrain& drain) {
  json::YamlWriter y(out);
  if (!y.begin()) return false;
  BetweenChecks between;
  if (drain) between = [&] {
    if (y.flush()) drain(out);
  };
  fileReportEvents(y, m, between);
  return y.end();
}

void writeJsonPrettyList(std::string& out, const std::vector<FileReportModel>& ms,
                         const ReportDrain& drain) {
  json::PrettyWriter w(out);
  BetweenChecks between;
  if (drain) between = [&] { drain(out); };
  w.beginArray();
  for (const FileReportModel& m : ms) fileReportEvents(w, m, between);
  w.endArray();
}

bool writeYamlList(std::string& out, const std::vector<FileReportModel>& ms, const ReportDrain& drain) {
  json::YamlWriter y(out);
  if (!y.begin()) return false;
  BetweenChecks between;
  if (drain) between = [&] {
    if (y.flush()) drain(out);
  };
  y.beginArray();
  for (const FileReportModel& m : ms) fileReportEvents(y, m, between);
  y.endArray();
  return y.end();
}

// ------------------------------------------------------------------ console helpers

static std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

std::string padRight(std::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

// emit_messages: the custom message split into parts, then the error.
void emitMessages(std::string& out, const std::string& prefix, std::string_view message,
                  std::string_view error, size_t width) {
  if (!message.empty()) {
    char sep = message.find(';') != std::string_view::npos    ? ';'
               : message.find('\n') != std::string_view::npos ? '\n'
                                                               : '\0';
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
      size_t at = sep ? message.find(sep, start) : std::string_view::npos;
      std::string_view part = trim(message.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
      if (!part.empty()) parts.push_back(part);
      if (at == std::string_view::npos) break;
      start = at + 1;
    }
    if (parts.size() > 1) {
      out += prefix + padRight("Message", width) + " {\n";
      for (std::string_view p : parts) out += prefix + "  " + std::string(p) + "\n";
      out += prefix + "}\n";
    } else if (parts.size() == 1) {
      out += prefix + padRight("Message", width) + " = " + std::string(parts[0]) + "\n";
    }
  }
  if (!error.empty()) {
    out += prefix;
    out += padRight("Error", width);
    out += " = ";
    out += error;
    out += '\n';
  }
}

void emitClauseMessages(std::string& out, const std::string& prefix, std::string_view message,
                        const std::optional<ErrorText>& error, size_t width) {
  emitMessages(out, prefix, message, std::string_view(), width);
  if (error && !error->empty()) {
    out += prefix;
    out += padRight("Error", width);
    out += " = ";
    error->appendTo(out);
    out += '\n';
  }
}

}  // namespace guard::vm::report
