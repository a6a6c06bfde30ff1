// The facts the interpreter may rely on (vm/analysis.h): derived from the
// code by the compiler's statement of them (deriveFacts) and proved by the
// verifier (proveFacts, from verifyProgram) by deriving them again and
// comparing. Runs only on code the verifier has accepted (indices in range),
// except depthFirstEnds, which looks at opcodes and registers only.
#include "vm/analysis.h"

#include <algorithm>
#include <vector>

namespace guard::vm {
namespace {

// Nodes of a literal (an upper bound on what a query over it can select).
static size_t literalNodeCount(const Node* lit) {
  size_t n = 0;
  std::vector<const Node*> work{lit};
  while (!work.empty()) {
    const Node* x = work.back();
    work.pop_back();
    ++n;
    if (x->kind == NodeKind::List)
      for (uint32_t i = 0; i < x->list.size; ++i) work.push_back(x->list.items[i]);
    else if (x->kind == NodeKind::Map)
      for (uint32_t i = 0; i < x->map.size; ++i) work.push_back(x->map.entries[i].value);
  }
  return n;
}

// Can function `func`, from instruction `from` on, neither raise an error nor
// evaluate a variable, capture or call anything but blocks of the same kind?
// `literalNodes` receives the most nodes of a literal it selects (an
// upper bound checked against the result-set limit when the guard is used).
// `guarded`: the code after a guard's first conjunct, where t0 may change only
// by conjunction. `depth` receives the frames a call nests (the function and
// its blocks); `level` bounds the recursion over block bodies.
bool cannotRaise(const Program& P, uint32_t func, size_t from, bool guarded, uint32_t& depth,
                 size_t& literalNodes, uint32_t level) {
  constexpr uint32_t kMaxLevels = 32;
  if (level >= kMaxLevels || func >= P.functions.size()) return false;
  const auto& c = P.functions[func].code;
  uint32_t inner = 0;  // deepest block body
  for (size_t i = from; i < c.size(); ++i) {
    const Instr& in = c[i];
    switch (in.op) {
      case Op::Q_THIS: case Op::Q_KEY: case Op::Q_INDEX: case Op::Q_ALL_VALUES:
      case Op::Q_ALL_INDICES: case Op::Q_EMPTY: case Op::Q_RESOLVED: case Op::Q_TYPE_SELECT:
      case Op::Q_VALUES_OF_TYPE:
      case Op::CLAUSE_BEGIN: case Op::JUMP: case Op::JUMP_IF_PASS: case Op::JUMP_UNLESS_PASS:
      case Op::DISJ_BEGIN: case Op::DISJ_END: case Op::COND_BEGIN: case Op::COND_END:
        break;
      case Op::Q_LIT:  // regexes may hit the backtracking limit (an error)
        if (P.literals[in.c]->kind == NodeKind::Regex) return false;
        literalNodes = std::max(literalNodes, literalNodeCount(P.literals[in.c]));
        break;
      case Op::CHECK_UNARY:  // `empty` on a scalar is an error, unless over a set (`q[*] empty`)
        if ((guarded && in.a == 0) || (P.clauses[in.c].op == CmpOp::Empty && !P.clauses[in.c].emptyOnSet))
          return false;
        break;
      case Op::CHECK_BINARY: case Op::ST_SET: case Op::ST_DISJ:
        if (guarded && in.a == 0) return false;  // t0 may change only by conjunction
        break;
      case Op::ST_CONJ:
        if (guarded && in.b == 0) return false;
        break;
      case Op::RET_STATUS:
        if (guarded && in.a != 0) return false;
        break;
      case Op::BLOCK: {  // `some Properties.Ingress[*] { ... }`: its body must be as safe
        if (in.c >= P.blocks.size()) return false;
        uint32_t d = 0;
        if (!cannotRaise(P, P.blocks[in.c].body, 0, false, d, literalNodes, level + 1)) return false;
        inner = std::max(inner, d);
        break;
      }
      default:  // calls, variables, captures, nested filters, keys filters, raises
        return false;
    }
  }
  depth = 1 + inner;
  return true;
}

// Filters like `[ Type == 'AWS::S3::Bucket' <more clauses> ]` or
// `[ Type in %applicable_types <more clauses> ]` are the registry's way of
// selecting resources; calling the filter function for every resource of
// another type dominated whole runs. When the function's first conjunct
// compares the candidate's `Type` with a literal (or with a variable bound to
// one), and nothing after it can raise an error, evaluate a variable or
// record (filters record nothing), the function's status is FAIL for any
// candidate whose Type string fails that first comparison: the call can be
// skipped without changing any result. Two runtime conditions keep that
// exact: the skipped call must not have reached the call-depth limit, nor
// selected more values than the result-set limit (Machine::usableTypeGuard).
//
// The first conjunct is the instruction shape
//   ST_SET t0 SKIP; CLAUSE_BEGIN; Q_THIS rX; Q_KEY rX .Type;
//   (Q_LIT rX+1 lit | Q_VAR rX+1 upN sM); CHECK_BINARY tY, rX; ST_CONJ t0, tY
// where the compiler puts a variable before Q_THIS (it evaluates the right
// side of a comparison first, as cfn-guard does, unless it is a literal);
// packs compiled before session 16 have it after Q_KEY: both are read.
// kEqString is `Type == 'string'`, decided by eq alone; kPredicate is any
// other comparison, decided by running CHECK_BINARY's comparison on the type
// string (guardFirstConjunct).
TypeGuardFact analyzeTypeGuard(const Program& P, uint32_t func) {
  TypeGuardFact none;
  const Function& f = P.functions[func];
  const auto& c = f.code;
  if (f.kind != FuncKind::Cnf || c.size() < 8) return none;
  if (c[0].op != Op::ST_SET || c[0].a != 0 || Status(c[0].c) != Status::Skip) return none;
  const bool rhsFirst = c[2].op == Op::Q_VAR;
  const Instr& self = c[rhsFirst ? 3 : 2];
  const Instr& key = c[rhsFirst ? 4 : 3];
  const Instr& rhs = c[rhsFirst ? 2 : 4];
  if (c[1].op != Op::CLAUSE_BEGIN || self.op != Op::Q_THIS || key.op != Op::Q_KEY ||
      (rhs.op != Op::Q_LIT && rhs.op != Op::Q_VAR) || c[5].op != Op::CHECK_BINARY || c[6].op != Op::ST_CONJ)
    return none;
  const uint32_t rx = self.a;
  if (key.a != rx || rhs.a != rx + 1 || c[5].b != rx) return none;
  if (P.parts[key.c].kind != PartKind::Key || P.str(P.parts[key.c].key) != "Type") return none;
  if (rhs.op == Op::Q_VAR && rhs.b == 0) return none;  // a variable of the filter itself
  if (c[6].a != 0 || c[6].b != c[5].a || c[5].a == 0) return none;
  uint32_t depth = 0;
  size_t literalNodes = 0;
  if (!cannotRaise(P, func, /*from=*/7, /*guarded=*/true, depth, literalNodes, 0)) return none;
  const ClauseInfo& ci = P.clauses[c[5].c];
  TypeGuardFact g;
  g.depth = depth;
  g.literalNodes = literalNodes;
  g.typeKey = P.parts[key.c].key;
  g.rhsVariable = rhs.op == Op::Q_VAR;
  if (g.rhsVariable) {
    g.varDepth = rhs.b;
    g.varSlot = rhs.c;
  } else {
    g.literal = rhs.c;
  }
  g.clause = c[5].c;
  g.kind = rhs.op == Op::Q_LIT && P.literals[rhs.c]->kind == NodeKind::String && ci.op == CmpOp::Eq &&
                   !ci.opNegated && !ci.clauseNegated
               ? TypeGuardFact::kEqString
               : TypeGuardFact::kPredicate;
  return g;
}

// `let x = <literal>`: the literal, or kNone.
uint32_t literalSet(const Program& P, uint32_t func) {
  const Function& f = P.functions[func];
  const auto& c = f.code;
  if (f.kind != FuncKind::Set || c.size() != 2 || c[0].op != Op::Q_LIT || c[1].op != Op::RET_SET ||
      c[1].a != c[0].a)
    return kNone;
  return c[0].c;
}

// The type strings for which type guard `g`'s first conjunct can pass, when
// it is exactly `Type == 'X'` or `Type in [<strings>]` (a literal list, or a
// file-level `let` of one, which the filter reaches as `up1`: the let
// functions that run it are the file scope's). Any other comparison (a
// regex, a substring test against one string, a negation) gives false.
bool guardTypes(const Program& P, const TypeGuardFact& g, const Function& scope,
                std::vector<std::string>& out) {
  if (g.kind == TypeGuardFact::kEqString) {
    out.emplace_back(P.literals[g.literal]->text());
    return true;
  }
  const ClauseInfo& ci = P.clauses[g.clause];
  if (ci.op != CmpOp::In || ci.opNegated || ci.clauseNegated) return false;
  uint32_t literal = g.literal;
  if (g.rhsVariable) {
    if (g.varDepth != 1 || g.varSlot >= scope.slots.size()) return false;
    const uint32_t init = scope.slots[g.varSlot].init;
    if (init >= P.functions.size()) return false;
    literal = literalSet(P, init);
  }
  if (literal >= P.literals.size()) return false;
  const Node* list = P.literals[literal];
  // `x in [strings]` is membership by equality (contained, vm/checks.cpp);
  // against one string it would be a substring test.
  if (list->kind != NodeKind::List || list->list.size == 0) return false;
  for (uint32_t i = 0; i < list->list.size; ++i) {
    if (list->list.items[i]->kind != NodeKind::String) return false;
    out.emplace_back(list->list.items[i]->text());
  }
  return true;
}

// The types a file-level `let` of slot `slot` can select: its function must be
// exactly `Q_THIS|Q_ROOT r; Q_KEY r .Resources; (Q_VALUES_OF_TYPE |
// Q_VALUES_FILTER) r; RET_SET r`, the filter type-guarded with a first
// conjunct guardTypes reads. Over a `Resources` map whose values are all maps
// with a string `Type`, none of these types, it selects nothing and raises
// nothing (the guard's rest cannot raise; the limits are fileSkipApplies').
bool letTypes(const Program& P, const Function& scope, uint32_t slot, std::vector<std::string>& types,
              uint64_t& literalNodes) {
  if (slot >= scope.slots.size()) return false;
  const uint32_t init = scope.slots[slot].init;
  if (init >= P.functions.size()) return false;
  const Function& f = P.functions[init];
  const auto& c = f.code;
  if (f.kind != FuncKind::Set || c.size() != 4) return false;
  const uint8_t r = c[0].a;
  if ((c[0].op != Op::Q_THIS && c[0].op != Op::Q_ROOT) || c[1].op != Op::Q_KEY || c[1].a != r ||
      (c[2].op != Op::Q_VALUES_OF_TYPE && c[2].op != Op::Q_VALUES_FILTER) || c[2].a != r ||
      c[3].op != Op::RET_SET || c[3].a != r)
    return false;
  if (c[1].c >= P.parts.size() || c[2].c + 1 >= P.parts.size()) return false;
  const Part& key = P.parts[c[1].c];
  if (key.kind != PartKind::Key || P.str(key.key) != "Resources") return false;
  const Part& select = P.parts[c[2].c + 1];
  if (select.captureSlot != kNone) return false;
  if (c[2].op == Op::Q_VALUES_OF_TYPE) {
    // typeMatches looks up keyAlternatives[0], then [1]: `Type` first.
    if (select.keyAlternatives.size() != 2 || P.str(select.keyAlternatives[0]) != "Type") return false;
    types.push_back(P.str(select.key));
    return true;
  }
  if (select.kind != PartKind::Filter || select.func >= P.functions.size()) return false;
  const TypeGuardFact g = analyzeTypeGuard(P, select.func);
  if (g.kind == TypeGuardFact::kNone || P.str(g.typeKey) != "Type") return false;
  literalNodes = std::max<uint64_t>(literalNodes, g.literalNodes);
  return guardTypes(P, g, scope, types);
}

// The types of rule `when` function `when` whose absence makes it not PASS:
// the function is `ST_SET t0 SKIP`, then clauses `CLAUSE_BEGIN; Q_VAR rX up1
// sM; CHECK_UNARY tY rX; ST_CONJ t0 tY` over lets letTypes reads, checked by
// `empty`/`exists` (which raise nothing on resolved maps), then `RET_STATUS
// t0`. The first `%v !empty` on the whole set (emptyOnSet: an empty set
// FAILs it, where a member-wise check would SKIP) decides: with none of its
// types present it FAILs, and a conjunction with a FAIL is FAIL.
bool whenTypes(const Program& P, const Function& scope, uint32_t when, std::vector<std::string>& types,
               uint64_t& literalNodes) {
  if (when >= P.functions.size()) return false;
  const Function& f = P.functions[when];
  const auto& c = f.code;
  if (f.kind != FuncKind::Cnf || c.size() < 6) return false;
  if (c[0].op != Op::ST_SET || c[0].a != 0 || Status(c[0].c) != Status::Skip) return false;
  bool decided = false;
  size_t i = 1;
  for (; i + 4 < c.size() && c[i].op == Op::CLAUSE_BEGIN; i += 4) {
    const Instr &var = c[i + 1], &check = c[i + 2], &conj = c[i + 3];
    if (var.op != Op::Q_VAR || var.b != 1 || check.op != Op::CHECK_UNARY || check.b != var.a || check.a == 0 ||
        conj.op != Op::ST_CONJ || conj.a != 0 || conj.b != check.a || check.c >= P.clauses.size())
      return false;
    const ClauseInfo& ci = P.clauses[check.c];
    if (ci.op != CmpOp::Empty && ci.op != CmpOp::Exists) return false;
    std::vector<std::string> selected;
    if (!letTypes(P, scope, var.c, selected, literalNodes)) return false;
    if (!decided && ci.op == CmpOp::Empty && ci.opNegated && !ci.clauseNegated && ci.emptyOnSet) {
      types = std::move(selected);
      decided = true;
    }
  }
  return decided && i + 1 == c.size() && c[i].op == Op::RET_STATUS && c[i].a == 0;
}

std::string functionLabel(const Program& P, uint32_t f) {
  return "function f" + std::to_string(f) + " '" + P.str(P.functions[f].name).substr(0, 200) + "'";
}

}  // namespace

FileSkipFact deriveFileSkip(const Program& P, uint32_t file) {
  const FileSkipFact none;
  if (file >= P.files.size()) return none;
  const FileInfo& fi = P.files[file];
  if (fi.scope >= P.functions.size() || P.functions[fi.scope].kind != FuncKind::FileScope) return none;
  const Function& scope = P.functions[fi.scope];
  FileSkipFact fact;
  size_t evaluated = 0;
  for (uint32_t ri : fi.rules) {
    if (ri >= P.rules.size()) return none;
    const RuleInfo& r = P.rules[ri];
    if (r.kind == RuleKind::Parameterized) continue;  // run only when called
    ++evaluated;
    std::vector<std::string> types;
    if (r.when == kNone || !whenTypes(P, scope, r.when, types, fact.literalNodes)) return none;
    fact.types.insert(fact.types.end(), types.begin(), types.end());
  }
  if (evaluated == 0) return none;
  std::sort(fact.types.begin(), fact.types.end());
  fact.types.erase(std::unique(fact.types.begin(), fact.types.end()), fact.types.end());
  return fact;
}

ProgramFacts deriveFacts(const Program& P) {
  ProgramFacts facts;
  facts.typeGuards.resize(P.functions.size());
  facts.literalSets.resize(P.functions.size(), kNone);
  for (uint32_t f = 0; f < P.functions.size(); ++f) {
    facts.typeGuards[f] = analyzeTypeGuard(P, f);
    facts.literalSets[f] = literalSet(P, f);
  }
  facts.fileSkips.resize(P.files.size());
  for (uint32_t file = 0; file < P.files.size(); ++file) facts.fileSkips[file] = deriveFileSkip(P, file);
  return facts;
}

namespace {
Error falseFact(std::string why) { return Error::plain(ErrorKind::PackVerify, "false fact: " + std::move(why)); }
}  // namespace

Status0 proveFacts(const Program& P, const ProgramFacts& facts) {
  const size_t n = P.functions.size();
  if (facts.typeGuards.size() != n || facts.literalSets.size() != n)
    return falseFact("facts for " + std::to_string(facts.typeGuards.size()) + " functions, the program has " +
                     std::to_string(n));
  for (uint32_t f = 0; f < n; ++f) {
    const TypeGuardFact& stated = facts.typeGuards[f];
    if (stated.kind != TypeGuardFact::kNone && !(stated == analyzeTypeGuard(P, f)))
      return falseFact(functionLabel(P, f) +
                       ": the stated type guard does not hold (its first conjunct, "
                       "depth, literal bound or operands are not what its code does, or the code after it "
                       "can raise)");
    if (facts.literalSets[f] != kNone && facts.literalSets[f] != literalSet(P, f))
      return falseFact(functionLabel(P, f) + ": the stated literal value is not what its code returns");
  }
  if (facts.fileSkips.empty()) return okStatus();  // none stated (no section 17)
  if (facts.fileSkips.size() != P.files.size())
    return falseFact("skip conditions for " + std::to_string(facts.fileSkips.size()) +
                     " rules files, the program has " + std::to_string(P.files.size()));
  for (uint32_t file = 0; file < P.files.size(); ++file) {
    const FileSkipFact& stated = facts.fileSkips[file];
    if (!stated.types.empty() && !(stated == deriveFileSkip(P, file)))
      return falseFact("rules file " + std::to_string(file) + " '" + P.str(P.files[file].name).substr(0, 200) +
                       "': the stated skip condition does not hold (a rule's `when` is not decided by the "
                       "stated resource types, or something before it can raise)");
  }
  return okStatus();
}

// ---------------------------------------------------------------- depth-first splits

bool stepMayRecord(const Instr& in) {
  return in.op == Op::Q_KEYS_FILTER ||
         (in.op == Op::Q_FILTER && FilterMode(in.b) == FilterMode::AfterAllIndices);
}

bool startsDepthFirst(Op op) {
  return op == Op::Q_FILTER || op == Op::Q_KEYS_FILTER || op == Op::Q_VALUES_FILTER;
}

namespace {

// The steps that refine a query's register in place (not its head).
bool isRefineStep(Op op) {
  switch (op) {
    case Op::Q_KEY: case Op::Q_INDEX: case Op::Q_ALL_VALUES: case Op::Q_ALL_INDICES:
    case Op::Q_CAPTURE: case Op::Q_FILTER: case Op::Q_TYPE_SELECT: case Op::Q_KEYS_FILTER:
    case Op::Q_INTERP: case Op::Q_VALUES_FILTER: case Op::Q_VALUES_OF_TYPE:
      return true;
    default:
      return false;
  }
}

}  // namespace

// One backward pass: `end` is where the run of refine steps containing the
// instruction ends, `records` whether a step after it in that run may record.
std::vector<uint32_t> depthFirstEnds(const Function& f) {
  const auto& c = f.code;
  std::vector<uint32_t> ends(c.size(), 0);
  uint32_t end = 0;
  bool records = false;
  for (size_t i = c.size(); i-- > 0;) {
    if (!isRefineStep(c[i].op)) continue;
    const bool continues = i + 1 < c.size() && isRefineStep(c[i + 1].op) && c[i + 1].a == c[i].a;
    if (!continues) end = uint32_t(i + 1), records = false;
    if (records && startsDepthFirst(c[i].op)) ends[i] = end;
    records |= stepMayRecord(c[i]);
  }
  return ends;
}

}  // namespace guard::vm
