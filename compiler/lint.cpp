// The lint pass of lint.h: walks a parsed rules file with the scopes of its
// `let`s and reports the §16 traps it can prove. Called by the tools layer
// (tools/cli/sources.cpp, tools/cli/validate.cpp) after a successful parse.
//
// Every check is conservative: it fires only on what the text alone shows.
// Where a fact depends on data the check stays silent (a variable that is a
// parameter, a key whose value may or may not be a list). docs/lint.md gives
// each warning's reasoning and the registry review.
#include "compiler/lint.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "compiler/compile.h"

namespace guard::lint {
namespace {

using ast::Clause;
using ast::ClauseKind;
using ast::CmpOp;
using ast::Conjunction;
using ast::Expr;
using ast::ExprKind;
using ast::LitKind;
using ast::PartKind;
using ast::Query;
using ast::QueryPart;

constexpr std::string_view kNotBinaryClause = "not-binary-clause";
constexpr std::string_view kNotParamCall = "not-param-call";
constexpr std::string_view kNegativeIndex = "negative-index";
constexpr std::string_view kRangeInList = "range-in-list";
constexpr std::string_view kInString = "in-string";
constexpr std::string_view kVariableStar = "variable-star";
constexpr std::string_view kVariableEmpty = "variable-empty";
constexpr std::string_view kSkipRuleReference = "skip-rule-reference";
constexpr std::string_view kUnguardedFilter = "unguarded-filter";
constexpr std::string_view kQueryNeQuery = "query-ne-query";
constexpr std::string_view kLiteralLhsQuery = "literal-lhs-query";
constexpr std::string_view kNeverComparable = "never-comparable";
constexpr std::string_view kNumericKey = "numeric-key";
constexpr std::string_view kLetSwallowsKeyword = "let-swallows-keyword";
constexpr std::string_view kRegexReplaceDrops = "regex-replace-drops";

// How far a chain `let a = %b`, `let b = %c`... is followed.
constexpr int kMaxBindingHops = 16;

// What a variable name stands for where it is used.
struct Binding {
  enum Kind { Unknown, Literal, QueryValue, Call } kind = Unknown;
  const Expr* expr = nullptr;  // the let's value (Literal, QueryValue, Call)
};

bool isFilterPart(const QueryPart& p) { return p.kind == PartKind::Filter || p.kind == PartKind::KeysFilter; }

bool isBareVariable(const Query& q) { return q.parts.size() == 1 && q.parts[0].kind == PartKind::Variable; }

// `%v[*]` with nothing after it.
bool isWholeVariableStar(const Query& q) {
  return q.parts.size() == 2 && q.parts[0].kind == PartKind::Variable && q.parts[1].kind == PartKind::AllIndices;
}

// `%v[*] op r` where a list held in %v meets a scalar literal: cfn-guard
// compares such a list element by element anyway (==, != and IN with a
// string: spec §8.5(a), §8.7(a); ordering flattens lists: §8.6), so not
// iterating it changes no outcome. For a list literal in %v, `==` compares
// the whole list (§8.5(c)), which is the trap; callers check the binding.
// Whether `op` applied to a list value and a literal of kind `k` goes
// element by element (the rules above).
bool appliesPerElement(CmpOp op, LitKind k) {
  if (k == LitKind::List || k == LitKind::Map) return false;
  switch (op) {
    case CmpOp::Eq:
    case CmpOp::Gt:
    case CmpOp::Ge:
    case CmpOp::Lt:
    case CmpOp::Le: return true;
    case CmpOp::In: return k == LitKind::String;
    default: return false;
  }
}

bool comparesElementsAnyway(const Clause& c) {
  if (c.kind != ClauseKind::Access || !c.rhs || c.rhs->kind != ExprKind::Literal) return false;
  return isWholeVariableStar(c.query) && appliesPerElement(c.op, c.rhs->literal.kind);
}

// `q IN %list[*]`: on the right of IN a list is a set of members (§8.7(a)),
// which is what the author means whether or not `[*]` iterates it.
bool isMembershipList(const Clause& c, const Query& q) {
  return c.kind == ClauseKind::Access && c.op == CmpOp::In && c.rhs && c.rhs->kind == ExprKind::Query &&
         &c.rhs->query == &q && isWholeVariableStar(q);
}

// A query whose last part yields each value as it is (a key, an index, a
// `this`), so a value that is a list stays one list member.
bool endsWithPlainValue(const Query& q) {
  if (q.parts.empty()) return false;
  const PartKind k = q.parts.back().kind;
  return k == PartKind::Key || k == PartKind::Index || k == PartKind::Interpolate;
}

// A path to one value: keys and indexes from the root or `this`, nothing
// that selects several values (wildcards, filters, variables).
bool isSinglePath(const Query& q) {
  if (q.parts.empty() || (q.parts[0].kind != PartKind::Key && q.parts[0].kind != PartKind::This)) return false;
  for (size_t i = 1; i < q.parts.size(); ++i)
    if (q.parts[i].kind != PartKind::Key && q.parts[i].kind != PartKind::Index) return false;
  return true;
}

bool isRange(LitKind k) { return k == LitKind::RangeInt || k == LitKind::RangeFloat || k == LitKind::RangeChar; }

// `X` with the clause's operator inverted, for the fix of a `not` prefix.
std::string_view invertedOperator(CmpOp op, bool negated) {
  switch (op) {
    case CmpOp::Eq: return negated ? "==" : "!=";
    case CmpOp::In: return negated ? "in" : "not in";
    case CmpOp::Gt: return "<=";
    case CmpOp::Ge: return "<";
    case CmpOp::Lt: return ">=";
    case CmpOp::Le: return ">";
    default: return "";
  }
}

std::string_view operatorSpelling(CmpOp op, bool negated) {
  if (negated) {
    if (op == CmpOp::Eq) return "!=";
    if (op == CmpOp::In) return "not in";
  }
  return vm::cmpOpInfo(op).spelling;
}

bool parsesAsI32(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
    if (v > int64_t(INT32_MAX) + 1) return false;
  }
  return s[0] == '-' || v <= INT32_MAX;
}

class Linter {
 public:
  Linter(const ast::RulesFile& file, std::string_view source, std::string path)
      : file_(file), source_(source), path_(std::move(path)) {
    for (const auto& rule : file.rules) rulesByName_[rule.name].push_back(&rule);
  }

  std::vector<Warning> run() {
    pushScope(file_.lets, {});
    checkLets(file_.lets);
    checkConjunction(file_.defaultRule, Position::Body);
    for (const auto& rule : file_.rules) checkRule(rule);
    popScope();
    return std::move(out_);
  }

 private:
  // Where a clause stands: in a body a rule reference yields a status; in a
  // `when` condition a reference's FAIL and SKIP both skip, which is intended.
  enum class Position { Body, Condition };

  // One scope: the names it declares, each to its let value, or to null for
  // a parameter (its value is whatever the caller passes).
  using Scope = std::map<std::string, const Expr*, std::less<>>;

  const ast::RulesFile& file_;
  std::string_view source_;
  std::string path_;
  // The `when` conditions in effect where the walk is (the rule's, then
  // those of enclosing `when` blocks), as normalised source texts.
  std::vector<std::string> conditions_;
  // Variables a `when %v !empty` of the rule being analysed proves non-empty.
  std::set<std::string, std::less<>> nonEmptyVariables_;
  std::vector<Scope> scopes_;
  // The access clause whose operands are being checked (variable-star's
  // exemptions need the comparison a query takes part in), else null.
  const Clause* comparing_ = nullptr;
  std::map<std::string, std::vector<const ast::Rule*>, std::less<>> rulesByName_;
  std::vector<Warning> out_;
  // Whether each parameterized rule's body can SKIP, computed once (false
  // while being computed, so a cycle of calls ends).
  // Keyed by the rule and callsMaySkip_.
  std::map<std::pair<const ast::Rule*, bool>, bool> paramRuleSkips_;
  // Whether canSkip counts function results (which may be empty) as a way to
  // SKIP; unguarded-filter is about filters only.
  bool callsMaySkip_ = true;

  // ------------------------------------------------------------ scopes

  void pushScope(const std::vector<ast::LetStmt>& lets, const std::vector<std::string>& params) {
    Scope s;
    for (const auto& p : params) s[p] = nullptr;
    for (const auto& let : lets) s[let.name] = &let.value;  // the later one wins, as in 3.1.1
    scopes_.push_back(std::move(s));
  }
  void popScope() { scopes_.pop_back(); }

  Binding bindingOf(std::string_view name) const {
    for (int hop = 0; hop < kMaxBindingHops; ++hop) {
      const Expr* value = lookup(name);
      if (!value) return {};
      if (value->kind == ExprKind::Literal) return {Binding::Literal, value};
      if (value->kind == ExprKind::Call) return {Binding::Call, value};
      if (!isBareVariable(value->query) || value->query.some) return {Binding::QueryValue, value};
      name = value->query.parts[0].name;  // let a = %b: what %b is
    }
    return {};
  }
  const Expr* lookup(std::string_view name) const {
    for (auto s = scopes_.rbegin(); s != scopes_.rend(); ++s)
      if (auto it = s->find(name); it != s->end()) return it->second;
    return nullptr;
  }

  // A query that is one literal member: `%v` bound to a literal.
  bool isLiteralQuery(const Query& q) const {
    return isBareVariable(q) && bindingOf(q.parts[0].name).kind == Binding::Literal;
  }
  // A query whose members come from the data (not a literal, not a
  // parameter whose nature the caller decides).
  bool isDataQuery(const Query& q) const {
    if (q.parts.empty()) return false;
    if (q.parts[0].kind != PartKind::Variable) return true;
    return bindingOf(q.parts[0].name).kind == Binding::QueryValue;
  }
  const ast::Literal* literalOf(const Expr& e) const {
    if (e.kind == ExprKind::Literal) return &e.literal;
    if (e.kind == ExprKind::Query && isBareVariable(e.query)) {
      const Binding b = bindingOf(e.query.parts[0].name);
      if (b.kind == Binding::Literal) return &b.expr->literal;
    }
    return nullptr;
  }

  // ------------------------------------------------------------ output

  void warn(std::string_view id, const ast::SourceLoc& at, std::string why, std::string fix) {
    Warning w;
    w.id = std::string(id);
    w.where = Error::at(ErrorKind::RulesWarning, path_, at.line, at.column, std::move(why), at.offset);
    w.fix = std::move(fix);
    out_.push_back(std::move(w));
  }

  // ------------------------------------------------------------ walking

  void checkRule(const ast::Rule& rule) {
    if (rule.when) checkConjunction(*rule.when, Position::Condition);
    pushScope(rule.body.lets, rule.params);
    checkLets(rule.body.lets);
    const size_t outer = conditions_.size();
    if (rule.when) addConditions(*rule.when);
    checkConjunction(rule.body.body, Position::Body);
    conditions_.resize(outer);
    if (!rule.parameterized) checkUnguardedFilter(rule);
    popScope();
  }

  void checkLets(const std::vector<ast::LetStmt>& lets) {
    for (const auto& let : lets) {
      checkLetSwallowsKeyword(let);
      checkExpr(let.value);
    }
  }

  void checkBlock(const ast::Block& block, Position pos) {
    pushScope(block.lets, {});
    checkLets(block.lets);
    checkConjunction(block.body, pos);
    popScope();
  }

  void checkConjunction(const Conjunction& c, Position pos) {
    for (const auto& disjunction : c.items)
      for (const auto& clause : disjunction) checkClause(clause, pos, disjunction);
  }

  void checkClause(const Clause& c, Position pos, const ast::Disjunction& disjunction) {
    switch (c.kind) {
      case ClauseKind::Access: {
        const Clause* outer = comparing_;
        comparing_ = &c;
        checkQuery(c.query);
        if (c.rhs) checkExpr(*c.rhs);
        comparing_ = outer;
        checkAccess(c);
        break;
      }
      case ClauseKind::Block: {
        const Clause* outer = comparing_;
        comparing_ = &c;
        checkQuery(c.query);
        comparing_ = outer;
        if (c.body) checkBlock(*c.body, Position::Body);
        break;
      }
      case ClauseKind::When:
      case ClauseKind::TypeBlock: {
        if (c.conditions) checkConjunction(*c.conditions, Position::Condition);
        const size_t outer = conditions_.size();
        if (c.conditions && c.kind == ClauseKind::When) addConditions(*c.conditions);
        if (c.body) checkBlock(*c.body, Position::Body);
        conditions_.resize(outer);
        break;
      }
      case ClauseKind::RuleRef:
        if (pos == Position::Body) checkRuleReference(c, disjunction);
        break;
      case ClauseKind::ParamCall:
        for (const auto& a : c.args) checkExpr(a);
        checkParamCall(c);
        break;
    }
  }

  void checkExpr(const Expr& e) {
    if (e.kind == ExprKind::Query) checkQuery(e.query);
    if (e.kind == ExprKind::Call) {
      for (const auto& a : e.args) checkExpr(a);
      checkRegexReplace(e);
    }
  }

  void checkQuery(const Query& q) {
    for (size_t i = 0; i < q.parts.size(); ++i) {
      const QueryPart& p = q.parts[i];
      checkNegativeIndex(p);
      checkNumericKey(p);
      if (p.kind == PartKind::Filter && p.filter) checkConjunction(*p.filter, Position::Condition);
      if (p.kind == PartKind::KeysFilter && p.keysRhs) {
        checkExpr(*p.keysRhs);
        checkKeysInString(p);
      }
    }
    checkVariableStar(q);
  }

  // ------------------------------------------------------------ the checks

  void checkAccess(const Clause& c) {
    checkNotBinaryClause(c);
    checkVariableEmpty(c);
    if (!c.rhs) return;
    checkRangeInList(c);
    checkInString(c);
    checkQueryNeQuery(c);
    checkLiteralLhsQuery(c);
    checkNeverComparable(c);
  }

  // §16.6: `not q == x` is evaluated as `q == x`.
  void checkNotBinaryClause(const Clause& c) {
    if (!c.negated || ast::isUnary(c.op)) return;
    std::string shown = queryText(c.query) + " " + std::string(operatorSpelling(c.op, c.opNegated)) + " …";
    warn(kNotBinaryClause, c.span.begin,
         "`not` before a binary clause is ignored by cfn-guard 3.1.1 (spec §16.6): this clause checks `" + shown +
             "`, not its negation",
         "negate the operator instead (`" + std::string(invertedOperator(c.op, c.opNegated)) +
             "`), or move the test into a named rule and write `not rule_name`");
  }

  // §16.7: `not p(args)` is evaluated as `p(args)`.
  void checkNotParamCall(const Clause& c) {
    if (!c.negated) return;
    warn(kNotParamCall, c.span.begin,
         "`not` before a call of parameterized rule `" + c.name +
             "` is ignored by cfn-guard 3.1.1 (spec §16.7): the call has the rule's own status",
         "negate the test inside `" + c.name +
             "`, or call it from a named rule and write `not that_rule`");
  }

  void checkParamCall(const Clause& c) {
    checkNotParamCall(c);
    checkParamArgumentsIterated(c);
  }

  // §16.12: `[-1]` is index 1.
  void checkNegativeIndex(const QueryPart& p) {
    if (p.kind != PartKind::Index || p.index >= 0) return;
    const std::string abs = std::to_string(-p.index);
    warn(kNegativeIndex, p.span.begin,
         "negative index " + std::to_string(p.index) + " is absolute in cfn-guard 3.1.1 (spec §16.12): it selects element " +
             abs + " from the start, not from the end",
         "Guard has no index from the end; write `[" + abs + "]` if element " + abs +
             " is meant, or check every element with `[*]`");
  }

  // §16.13: a key that parses as an integer is used as an index.
  void checkNumericKey(const QueryPart& p) {
    if (p.kind != PartKind::Key || !p.quoted || !parsesAsI32(p.name)) return;
    warn(kNumericKey, p.span.begin,
         "key '" + p.name + "' looks like an integer, so cfn-guard 3.1.1 reads it as an index (spec §16.13): a map key '" +
             p.name + "' is never found",
         "select it with a keys filter: `[ keys == '" + p.name + "' ]`");
  }

  // §16.15: `x IN [r[1,9], 10]` never matches the range.
  void checkRangeInList(const Clause& c) {
    if (c.op != CmpOp::In) return;
    const ast::Literal* lit = literalOf(*c.rhs);
    if (!lit || lit->kind != LitKind::List) return;
    for (const auto& item : lit->items) {
      if (!isRange(item.kind)) continue;
      warn(kRangeInList, c.rhs->kind == ExprKind::Literal ? item.span.begin : c.rhs->span.begin,
           "a range inside a list never matches with `" + std::string(operatorSpelling(c.op, c.opNegated)) +
               "` in cfn-guard 3.1.1 (spec §16.15): membership compares the range with the value, not the value "
               "with the range",
           "test the range on its own and join with `or`: `" + queryText(c.query) +
               " IN r[…] or " + queryText(c.query) + " IN [ …the other values… ]`");
      return;
    }
  }

  // §16.18: `x IN 'abc'` is a substring test.
  void checkInString(const Clause& c) {
    if (c.op != CmpOp::In) return;
    const ast::Literal* lit = literalOf(*c.rhs);
    if (!lit || lit->kind != LitKind::String) return;
    if (c.query.parts.empty() || isLiteralQuery(c.query)) return;  // both literal: evaluated once, visible
    warn(kInString, c.rhs->span.begin,
         "`" + std::string(operatorSpelling(c.op, c.opNegated)) + " '" + lit->s +
             "'` is a substring test in cfn-guard 3.1.1 (spec §16.18): any part of '" + lit->s +
             "' (even '') is " + (c.opNegated ? "excluded" : "accepted"),
         std::string("compare for equality with `") + (c.opNegated ? "!=" : "==") + " '" + lit->s +
             "'`, or test membership with a list: `" + std::string(operatorSpelling(c.op, c.opNegated)) + " ['" +
             lit->s + "']`");
  }

  void checkKeysInString(const QueryPart& p) {
    if (p.keysOp != CmpOp::In || !p.keysRhs) return;
    const ast::Literal* lit = literalOf(*p.keysRhs);
    if (!lit || lit->kind != LitKind::String) return;
    warn(kInString, p.keysRhs->span.begin,
         "`keys " + std::string(p.keysNegated ? "not in" : "in") + " '" + lit->s +
             "'` is a substring test in cfn-guard 3.1.1 (spec §16.18, §6.6): every key that is a part of '" + lit->s +
             "' is " + (p.keysNegated ? "excluded" : "selected"),
         "compare the keys for equality: `keys " + std::string(p.keysNegated ? "!=" : "==") + " '" + lit->s +
             "'`, or use a list: `keys in ['" + lit->s + "']`");
  }

  // §16.9: `%v[*]` is `%v`; a list held in %v is not iterated.
  void checkVariableStar(const Query& q) {
    if (q.parts.size() < 2 || q.parts[0].kind != PartKind::Variable || q.parts[1].kind != PartKind::AllIndices)
      return;
    const std::string& name = q.parts[0].name;
    const Binding b = bindingOf(name);
    if (comparing_ && isMembershipList(*comparing_, q)) return;
    std::string holds;
    if (b.kind == Binding::Literal && b.expr->literal.kind == LitKind::List)
      holds = "a list literal";
    else if (b.kind == Binding::QueryValue && (endsWithPlainValue(b.expr->query) || isThisOnly(b.expr->query)) &&
             !(comparing_ && &comparing_->query == &q && comparesElementsLater(*comparing_)))
      holds = "the value of `" + queryText(b.expr->query) + "`, which may be a list";
    if (holds.empty()) return;
    warn(kVariableStar, q.parts[1].span.begin,
         "`%" + name + "[*]` does not iterate a list held in %" + name +
             " (spec §16.9): right after a variable, `[*]` is the implicit projection over its members, and %" + name +
             " holds " + holds,
         b.kind == Binding::Literal ? "write `%" + name + "[*][*]` to visit the list's elements"
                                    : "bind the elements instead: `let " + name + " = " + queryText(b.expr->query) +
                                          "[*]`, or write `%" + name + "[*][*]`");
  }
  static bool isThisOnly(const Query& q) { return q.parts.size() == 1 && q.parts[0].kind == PartKind::This; }

  // §16.9 through a parameter: `rule p(x) { %x[*] … }` called with a query
  // whose values are whole lists.
  void checkParamArgumentsIterated(const Clause& c) {
    auto it = rulesByName_.find(c.name);
    if (it == rulesByName_.end()) return;
    const ast::Rule* callee = nullptr;
    for (const ast::Rule* r : it->second)
      if (r->parameterized && r->params.size() == c.args.size()) callee = r;
    if (!callee) return;
    for (size_t i = 0; i < c.args.size(); ++i) {
      const Expr& arg = c.args[i];
      if (arg.kind != ExprKind::Query || !endsWithPlainValue(arg.query) || arg.query.parts[0].kind == PartKind::Variable)
        continue;
      if (!iteratesParameter(callee->body, callee->params[i])) continue;
      warn(kVariableStar, arg.span.begin,
           "rule `" + c.name + "` iterates its parameter with `%" + callee->params[i] +
               "[*]`, which does not iterate a list held in it (spec §16.9); this argument passes each `" +
               queryText(arg.query) + "` as one whole value",
           "pass the elements: `" + queryText(arg.query) + "[*]`");
    }
  }

  // Whether `%param[*]` appears anywhere in `block` (an inner let of the
  // same name shadows it; such code is rare enough to ignore that).
  // Uses that compare a held list element by element anyway, or as a set
  // of members, do not count (comparesElementsAnyway, isMembershipList).
  bool iteratesParameter(const ast::Block& block, const std::string& param) const {
    bool found = false;
    visitQueries(block, [&](const Query& q, const Clause* in) {
      if (q.parts.size() < 2 || q.parts[0].kind != PartKind::Variable || q.parts[0].name != param ||
          q.parts[1].kind != PartKind::AllIndices)
        return;
      if (in && ((&in->query == &q && comparesElementsLater(*in)) || isMembershipList(*in, q))) return;
      found = true;
    });
    return found;
  }

  // Whether the clause `%v[*] …` (an access clause, or a block over it)
  // compares a list held in %v element by element anyway: a comparison
  // with a scalar (comparesElementsAnyway), or a block whose every clause
  // compares `this` with a scalar or regex literal (or a variable holding
  // one; resolved in the scopes of the walk, the file's lets included).
  bool comparesElementsLater(const Clause& c) const {
    if (c.kind == ClauseKind::Access) return comparesElementsAnyway(c);
    if (c.kind != ClauseKind::Block || !c.body || !isWholeVariableStar(c.query) || !c.body->lets.empty()) return false;
    for (const auto& d : c.body->body.items)
      for (const auto& inner : d)
        if (!comparesThisWithScalar(inner)) return false;
    return !c.body->body.items.empty();
  }
  bool comparesThisWithScalar(const Clause& c) const {
    if (c.kind != ClauseKind::Access || !c.rhs || !isThisOnly(c.query)) return false;
    const ast::Literal* lit = literalOf(*c.rhs);
    return lit && appliesPerElement(c.op, lit->kind);
  }

  // §16.10: `%v empty` tests the result set, not the value.
  void checkVariableEmpty(const Clause& c) {
    if (c.op != CmpOp::Empty || !isBareVariable(c.query)) return;
    const std::string& name = c.query.parts[0].name;
    const Binding b = bindingOf(name);
    const bool listLiteral = b.kind == Binding::Literal &&
                             (b.expr->literal.kind == LitKind::List || b.expr->literal.kind == LitKind::Map);
    const bool plainValue = b.kind == Binding::QueryValue && !b.expr->query.some && isSinglePath(b.expr->query);
    if (!listLiteral && !plainValue) return;
    const bool notEmpty = c.opNegated != c.negated;
    std::string why = "`%" + name + (notEmpty ? " !empty" : " empty") +
                      "` tests %" + name + "'s result set, not its value (spec §16.10): %" + name +
                      " holding one empty list or map counts as " + (notEmpty ? "not empty (PASS)" : "not empty (FAIL)");
    std::string fix = listLiteral ? "test the literal's size with `count(…)`, or drop the check"
                                  : "test the query itself (`" + queryText(b.expr->query) +
                                        (notEmpty ? " !empty" : " empty") + "`), or bind the elements: `let " + name +
                                        " = " + queryText(b.expr->query) + "[*]`";
    warn(kVariableEmpty, c.query.span.begin, std::move(why), std::move(fix));
  }

  // §16.16: query `!=` query is a set comparison that rarely PASSes.
  void checkQueryNeQuery(const Clause& c) {
    if (c.op != CmpOp::Eq || !c.opNegated || c.rhs->kind != ExprKind::Query) return;
    if (!isDataQuery(c.query) || !isDataQuery(c.rhs->query)) return;
    warn(kQueryNeQuery, c.span.begin,
         "`!=` between two queries is a set comparison in cfn-guard 3.1.1 (spec §16.16): it PASSes only when the "
         "left side has more values than the right and none of them is on the right",
         "for \"no left value is on the right\" write `" + queryText(c.query) + " not in " +
             queryText(c.rhs->query) + "`; to compare value by value, compare inside a block");
  }

  // §16.28: `%lit == query` / `%lit IN query` must hold for every right value.
  void checkLiteralLhsQuery(const Clause& c) {
    if (c.opNegated || (c.op != CmpOp::Eq && c.op != CmpOp::In) || c.query.some) return;
    if (!isLiteralQuery(c.query) || c.rhs->kind != ExprKind::Query || !isDataQuery(c.rhs->query)) return;
    const std::string lhs = queryText(c.query), rhs = queryText(c.rhs->query);
    warn(kLiteralLhsQuery, c.span.begin,
         "with a literal on the left, `" + std::string(operatorSpelling(c.op, false)) +
             "` must hold for every value of `" + rhs + "` (spec §16.28), not for one of them",
         "for \"one of them\" put the query on the left: `some " + rhs + " == " + lhs +
             "`; to require all of them, write `" + rhs + " == " + lhs + "`");
  }

  // §16.3: comparisons that are not comparable for any value of the data.
  void checkNeverComparable(const Clause& c) {
    const ast::Literal* lit = literalOf(*c.rhs);
    if (!lit || isLiteralQuery(c.query)) return;
    const std::string lhs = queryText(c.query);
    if (c.op == CmpOp::Eq && c.opNegated && lit->kind == LitKind::Null) {
      warn(kNeverComparable, c.rhs->span.begin,
           "`!= null` FAILs for every value in cfn-guard 3.1.1 (spec §16.3): a value other than null is not "
           "comparable with null, and a null value is equal to it",
           "write `" + lhs + " !is_null` (with `" + lhs + " exists` if it must be present)");
      return;
    }
    const bool ordering = c.op == CmpOp::Gt || c.op == CmpOp::Ge || c.op == CmpOp::Lt || c.op == CmpOp::Le;
    const bool unordered = lit->kind == LitKind::Bool || lit->kind == LitKind::Regex || isRange(lit->kind) ||
                           lit->kind == LitKind::Map;
    if (!ordering || !unordered) return;
    warn(kNeverComparable, c.rhs->span.begin,
         "`" + std::string(operatorSpelling(c.op, false)) +
             "` against a " + literalKindName(lit->kind) +
             " is never comparable in cfn-guard 3.1.1 (spec §16.3, §8.1): the clause FAILs for every value",
         isRange(lit->kind) ? "test membership with `" + lhs + " IN r[…]`"
                            : "compare with `==`/`!=`, or order against a number or string");
  }
  static std::string literalKindName(LitKind k) {
    switch (k) {
      case LitKind::Bool: return "boolean";
      case LitKind::Regex: return "regex";
      case LitKind::Map: return "map";
      default: return "range";
    }
  }

  // §16.26: `let x =` with the value missing takes the next word.
  void checkLetSwallowsKeyword(const ast::LetStmt& let) {
    if (let.value.kind != ExprKind::Query) return;
    const Query& q = let.value.query;
    if (q.some || q.parts.size() != 1 || q.parts[0].kind != PartKind::Key || q.parts[0].quoted) return;
    static const std::set<std::string, std::less<>> kKeywords = {"rule", "let", "when", "WHEN"};
    if (!kKeywords.count(q.parts[0].name) || q.span.begin.line <= let.span.begin.line) return;
    warn(kLetSwallowsKeyword, q.span.begin,
         "`let " + let.name + " =` has no value on its line, so cfn-guard 3.1.1 takes the next word `" +
             q.parts[0].name + "` as a query (spec §16.26), and what follows changes meaning",
         "give `" + let.name + "` its value on the same line");
  }

  // §16.25: regex_replace keeps only the replaced matches.
  void checkRegexReplace(const Expr& call) {
    if (call.callee != "regex_replace" || call.args.size() != 3) return;
    const ast::Literal* pattern = literalOf(call.args[1]);
    if (!pattern || pattern->kind != LitKind::String) return;
    const std::string& p = pattern->s;
    const bool anchored = p.size() >= 2 && p.front() == '^' && p.back() == '$' && p[p.size() - 2] != '\\';
    if (anchored) return;
    warn(kRegexReplaceDrops, call.args[1].span.begin,
         "regex_replace in cfn-guard 3.1.1 keeps only the replaced matches and drops all text outside them "
         "(spec §16.25); pattern '" + p + "' does not cover the whole string",
         "anchor the pattern to the whole string and carry the rest in groups, e.g. '^(.*)" +
             std::string(p.empty() || p.front() != '^' ? p : p.substr(1)) + "(.*)$' with `$1…$N`");
  }

  // ------------------------------------------------------------ SKIP analysis

  // §16.8: a reference (in a body) to a rule that can SKIP FAILs then, and
  // `not name` PASSes.
  void checkRuleReference(const Clause& c, const ast::Disjunction& disjunction) {
    auto it = rulesByName_.find(c.name);
    if (it == rulesByName_.end()) return;
    std::string reason;
    for (const ast::Rule* r : it->second) {
      if (r->parameterized) return;
      std::string why = skipReason(*r, disjunction);
      if (why.empty()) return;  // this one never SKIPs, and a reference takes the first non-SKIP rule
      if (reason.empty()) reason = std::move(why);
    }
    if (reason.empty()) return;
    warn(kSkipRuleReference, c.span.begin,
         "rule `" + c.name + "` can SKIP (" + reason + "), and a reference to a SKIPped rule counts as " +
             (c.negated ? "PASS for `not " + c.name + "`" : std::string("FAIL")) + " (spec §16.8)",
         c.negated ? "use `" + c.name + "` as a `when` condition of this rule's checks, or give `" + c.name +
                         "` a status when there is nothing to check"
                   : "reference it from a `when` condition instead (`rule … when " + c.name +
                         " { … }`), where FAIL and SKIP both skip");
  }

  // Why rule `r` can SKIP where it is referenced, or "" when it cannot. Its
  // `when` does not count when every condition of it holds there already:
  // the same condition text is in effect (the referencing rule's `when` or
  // an enclosing `when` block), or it is `not x` where `x` is another
  // alternative of the same `or` (if `x` PASSes, so does the disjunction).
  std::string skipReason(const ast::Rule& r, const ast::Disjunction& disjunction) {
    if (r.when && !conditionsHold(*r.when, disjunction)) return "it has a `when` condition";
    if (r.when) nonEmptyVariables_ = variablesTestedNotEmpty(*r.when);
    pushScope(r.body.lets, r.params);
    const bool skips = canSkip(r.body.body);
    popScope();
    nonEmptyVariables_.clear();
    return skips ? "every clause of it SKIPs when its filters or variables select nothing" : "";
  }

  // The names `v` of the conditions `%v !empty` / `%v not empty`.
  static std::set<std::string, std::less<>> variablesTestedNotEmpty(const Conjunction& when) {
    std::set<std::string, std::less<>> names;
    for (const auto& d : when.items)
      if (d.size() == 1 && d[0].kind == ClauseKind::Access && d[0].op == CmpOp::Empty &&
          d[0].opNegated != d[0].negated && isBareVariable(d[0].query))
        names.insert(d[0].query.parts[0].name);
    return names;
  }

  bool conditionsHold(const Conjunction& when, const ast::Disjunction& disjunction) const {
    for (const auto& d : when.items) {
      if (d.size() != 1) return false;
      const Clause& cond = d[0];
      if (std::find(conditions_.begin(), conditions_.end(), textOf(cond)) != conditions_.end()) continue;
      const bool alternative =
          cond.kind == ClauseKind::RuleRef && cond.negated &&
          std::any_of(disjunction.begin(), disjunction.end(), [&](const Clause& other) {
            return other.kind == ClauseKind::RuleRef && !other.negated && other.name == cond.name;
          });
      if (!alternative) return false;
    }
    return true;
  }

  void addConditions(const Conjunction& when) {
    for (const auto& d : when.items)
      if (d.size() == 1) conditions_.push_back(textOf(d[0]));
  }

  // A clause's source text with runs of whitespace made one space.
  std::string textOf(const Clause& c) const {
    std::string out;
    const size_t begin = c.span.begin.offset, end = std::min<size_t>(c.span.end.offset, source_.size());
    for (size_t i = begin; i < end; ++i) {
      const char ch = source_[i];
      if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
        if (!out.empty() && out.back() != ' ') out.push_back(' ');
      } else {
        out.push_back(ch);
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }

  // §16.2: a rule reaching its data only through filters, without a `when`.
  void checkUnguardedFilter(const ast::Rule& rule) {
    if (rule.when || rule.body.body.items.empty()) return;
    for (const auto& d : rule.body.body.items)
      for (const auto& clause : d)
        if (clause.kind != ClauseKind::Access && clause.kind != ClauseKind::Block) return;
    callsMaySkip_ = false;
    const bool skips = canSkip(rule.body.body);
    callsMaySkip_ = true;
    if (!skips) return;
    warn(kUnguardedFilter, rule.span.begin,
         "every clause of rule `" + rule.name +
             "` reaches its data through a filter or a filtered variable, so when nothing is selected the rule "
             "SKIPs without saying why (spec §16.2), and a reference to it FAILs",
         "state the condition: `rule " + rule.name + " when %selected !empty { … }`");
  }

  bool canSkip(const Conjunction& c) {
    for (const auto& d : c.items)
      for (const auto& clause : d)
        if (!canSkip(clause)) return false;
    return !c.items.empty();
  }

  bool canSkip(const Clause& c) {
    switch (c.kind) {
      case ClauseKind::Access: {
        const bool resultSetTest = c.op == CmpOp::Empty &&
                                   (isBareVariable(c.query) || (!c.query.parts.empty() && isFilterPart(c.query.parts.back())));
        if (resultSetTest) return false;
        if (canBeEmpty(c.query)) return true;
        if (!c.rhs) return false;
        if (c.rhs->kind == ExprKind::Call) return callsMaySkip_;
        return c.rhs->kind == ExprKind::Query && canBeEmpty(c.rhs->query);
      }
      case ClauseKind::Block: {
        if (!c.notEmpty && canBeEmpty(c.query)) return true;
        if (!c.body) return false;
        pushScope(c.body->lets, {});
        const bool skips = canSkip(c.body->body);
        popScope();
        return skips;
      }
      case ClauseKind::When:
      case ClauseKind::TypeBlock: return true;
      case ClauseKind::RuleRef: return false;
      case ClauseKind::ParamCall: return paramCallCanSkip(c);
    }
    return false;
  }

  bool paramCallCanSkip(const Clause& c) {
    for (const auto& a : c.args)
      if ((a.kind == ExprKind::Call && callsMaySkip_) || (a.kind == ExprKind::Query && canBeEmpty(a.query)))
        return true;
    auto it = rulesByName_.find(c.name);
    if (it == rulesByName_.end()) return false;
    for (const ast::Rule* r : it->second) {
      if (!r->parameterized) continue;
      const auto key = std::pair(r, callsMaySkip_);
      if (auto known = paramRuleSkips_.find(key); known != paramRuleSkips_.end()) return known->second;
      paramRuleSkips_[key] = false;
      pushScope(r->body.lets, r->params);
      const bool skips = canSkip(r->body.body);
      popScope();
      paramRuleSkips_[key] = skips;
      return skips;
    }
    return false;
  }

  // Whether a query can select nothing (an empty result set, not a missing
  // key, which is an unresolved member): a filter, or a variable that can.
  bool canBeEmpty(const Query& q) {
    for (const auto& p : q.parts)
      if (isFilterPart(p)) return true;
    if (q.parts.empty() || q.parts[0].kind != PartKind::Variable) return false;
    if (nonEmptyVariables_.count(q.parts[0].name)) return false;
    const Binding b = bindingOf(q.parts[0].name);
    if (b.kind == Binding::Call) return callsMaySkip_;
    if (b.kind != Binding::QueryValue) return false;  // literals never; parameters: the caller decides
    return b.expr->query.some || canBeEmpty(b.expr->query);
  }

  // ------------------------------------------------------------ visiting

  // Calls f(query, clause) for every query of a block; `clause` is the
  // access clause whose operand (left or right) the query is, or the block
  // clause over it, else null.
  template <typename F>
  static void visitQueries(const ast::Block& b, F&& f) {
    for (const auto& let : b.lets) visitExpr(let.value, f, nullptr);
    visitConjunction(b.body, f);
  }
  template <typename F>
  static void visitConjunction(const Conjunction& c, F& f) {
    for (const auto& d : c.items)
      for (const auto& clause : d) {
        const bool operand = clause.kind == ClauseKind::Access || clause.kind == ClauseKind::Block;
        const Clause* operandOf = operand ? &clause : nullptr;
        visitQuery(clause.query, f, operandOf);
        if (clause.rhs) visitExpr(*clause.rhs, f, operandOf);
        for (const auto& a : clause.args) visitExpr(a, f, nullptr);
        if (clause.conditions) visitConjunction(*clause.conditions, f);
        if (clause.body) visitQueries(*clause.body, f);
      }
  }
  template <typename F>
  static void visitExpr(const Expr& e, F& f, const Clause* operandOf) {
    if (e.kind == ExprKind::Query) visitQuery(e.query, f, operandOf);
    for (const auto& a : e.args) visitExpr(a, f, nullptr);
  }
  template <typename F>
  static void visitQuery(const Query& q, F& f, const Clause* operandOf) {
    f(q, operandOf);
    for (const auto& p : q.parts) {
      if (p.filter) visitConjunction(*p.filter, f);
      if (p.keysRhs) visitExpr(*p.keysRhs, f, nullptr);
    }
  }

};

bool lineAllows(std::string_view line, std::string_view id) {
  static constexpr std::string_view kMarker = "guardc: allow(";
  const size_t hash = line.find('#');
  if (hash == std::string_view::npos) return false;
  size_t at = line.find(kMarker, hash);
  while (at != std::string_view::npos) {
    const size_t open = at + kMarker.size();
    const size_t close = line.find(')', open);
    if (close == std::string_view::npos) return false;
    std::string_view list = line.substr(open, close - open);
    while (!list.empty()) {
      const size_t comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (item == id) return true;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    at = line.find(kMarker, close);
  }
  return false;
}

std::string_view lineOf(std::string_view source, uint32_t line) {
  size_t start = 0;
  for (uint32_t l = 1; l < line; ++l) {
    const size_t nl = source.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  const size_t end = source.find('\n', start);
  return source.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

}  // namespace

const std::vector<WarningKind>& warningKinds() {
  static const std::vector<WarningKind> kinds = {
      {kUnguardedFilter, 2},   {kNeverComparable, 3},  {kNotBinaryClause, 6},    {kNotParamCall, 7},
      {kSkipRuleReference, 8}, {kVariableStar, 9},     {kVariableEmpty, 10},     {kNegativeIndex, 12},
      {kNumericKey, 13},       {kRangeInList, 15},     {kQueryNeQuery, 16},      {kInString, 18},
      {kRegexReplaceDrops, 25}, {kLetSwallowsKeyword, 26}, {kLiteralLhsQuery, 28},
  };
  return kinds;
}

bool isWarningId(std::string_view id) {
  const auto& kinds = warningKinds();
  return std::any_of(kinds.begin(), kinds.end(), [&](const WarningKind& k) { return k.id == id; });
}

bool isAllowedAt(std::string_view source, uint32_t line, std::string_view id) {
  if (line == 0) return false;
  if (lineAllows(lineOf(source, line), id)) return true;
  return line > 1 && lineAllows(lineOf(source, line - 1), id);
}

std::vector<Warning> lintRulesFile(const ast::RulesFile& file, std::string_view source, const std::string& path) {
  std::vector<Warning> found = Linter(file, source, path).run();
  std::vector<Warning> kept;
  for (auto& w : found)
    if (!isAllowedAt(source, w.where.line, w.id)) kept.push_back(std::move(w));
  std::stable_sort(kept.begin(), kept.end(), [](const Warning& a, const Warning& b) {
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
  });
  return kept;
}

}  // namespace guard::lint
