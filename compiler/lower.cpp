// Lowering: turns a parsed rules file (ast.h) into bytecode functions and
// descriptor tables of a vm::Program. Called by compileInto (compile.cpp).
//
// Shape of the output:
//  * each rules file gets a FileScope function holding its file-level lets;
//  * each rule gets a Cnf body function (its lets are the frame's slots; the
//    parameters of a parameterized rule come first) and, with `when`, a Cnf
//    condition function evaluated in the file scope;
//  * every block, when-body and filter body is its own Cnf function (a new
//    frame, so block-level lets are per visited value); every let value is
//    a Set function run lazily in the frame that declares it;
//  * clause conjunctions and disjunctions are straight-line code over status
//    registers (ST_CONJ / ST_DISJ, with JUMP_IF_PASS short-circuiting `or`);
//  * `.*` followed by a filter on the same register is one fused instruction
//    (Q_VALUES_FILTER, Q_VALUES_OF_TYPE), so the interpreter can select a
//    big map's values by type without looking ahead at its code;
//  * where a query must run member by member (depth first) because a later
//    step of it records is stated per instruction (Function::depthFirst), so
//    that the interpreter never scans ahead in its code;
//  * where each clause, block, `when` and type block opens and closes for
//    cfn-guard's trace is stated as TraceMarks (vm/program.h), so that trace
//    mode never has to recognise these shapes in the code.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <unordered_map>
#include <set>

#include "compiler/case_conversion.h"
#include "compiler/compile.h"
#include "runtime/functions.h"
#include "runtime/value_text.h"
#include "vm/analysis.h"

namespace guard {
namespace {

using namespace vm;
using ast::CmpOp;
using ast::PartKind;

// A lexical scope: one runtime frame (Cnf function or file scope).
struct Scope {
  Scope* parent = nullptr;
  uint32_t func = kNone;  // the function whose frame holds these slots
  std::map<std::string, uint32_t> slots;
  // A parameterized rule's body: a name it does not declare is looked up
  // where the rule was called (cfn-guard's dynamic scoping, differential
  // case 25), not in the enclosing file scope.
  bool callerScoped = false;
  // Names of this scope whose (last) let is a literal: cfn-guard looks these
  // up before the keys a capture of the same name collected.
  std::set<std::string> literalLets;
};

struct VarRef {
  uint16_t depth;
  uint32_t slot;
  bool dynamic = false;  // Q_DYNVAR: `depth` reaches the parameterized rule's frame
};

class Lowerer {
 public:
  Lowerer(Program& p, uint32_t fileIndex, std::string path, std::vector<Error>* warnings)
      : P(p), file_(fileIndex), path_(std::move(path)), warnings_(warnings) {}

  Result<Unit> lowerFile(const ast::RulesFile& f);

 private:
  // ---- function building
  struct Builder {
    uint32_t func;
    uint32_t nextReg = 0, nextStatus = 0;
    // Registers held by shared query prefixes (planSharedPrefixes) of the
    // conjunctions being lowered: they do not count towards the limit.
    uint32_t sharedRegs = 0;
    // What trace records its disjunctions open in (TraceMark::disj): 0 any
    // other function, 1 a rule body, 2 a rule's `when` conditions.
    uint8_t role = 0;
    uint32_t condDepth = 0;  // inside COND_BEGIN..COND_END of this function
  };

  Function& fn() { return P.functions[cur_->func]; }
  uint32_t newFunction(FuncKind kind, const std::string& name) {
    Function f;
    f.kind = kind;
    f.name = P.intern(name);
    f.file = file_;
    P.functions.push_back(std::move(f));
    return uint32_t(P.functions.size() - 1);
  }
  uint32_t emit(Op op, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0) {
    Function& f = fn();
    f.code.push_back(Instr{op, uint8_t(a), uint16_t(b), c});
    f.lines.push_back(at_.line);
    f.depthFirst.push_back(0);  // stated per query by stateDepthFirst
    return uint32_t(f.code.size() - 1);
  }
  uint32_t here() { return uint32_t(fn().code.size()); }
  // States a trace mark at instruction `at` of the current function, merged
  // with one already there (found through markIndex_, so that a function of
  // many clauses stays linear); lowerFile sorts each function's marks at the end.
  TraceMark& mark(uint32_t at) {
    std::vector<TraceMark>& marks = fn().trace;
    auto [it, added] = markIndex_.try_emplace((uint64_t(cur_->func) << 32) | at, uint32_t(marks.size()));
    if (added) {
      TraceMark m;
      m.at = at;
      marks.push_back(m);
    }
    return marks[it->second];
  }
  void patch(uint32_t at, uint32_t target) { fn().code[at].c = target; }
  // The limit leaves out the shared prefixes' registers (compile.h), so that
  // whether a file compiles does not depend on what the compiler shared.
  uint8_t newReg() {
    uint32_t r = cur_->nextReg++;
    // Registers in use, the shared ones (numbered below nextReg) left out.
    if (cur_->nextReg - cur_->sharedRegs > kMaxFunctionRegisters) tooComplex("registers", kMaxFunctionRegisters);
    Function& f = fn();
    if (cur_->nextReg > f.numRegs) f.numRegs = uint16_t(cur_->nextReg);
    return uint8_t(r);
  }
  uint8_t newStatus() {
    uint32_t t = cur_->nextStatus++;
    if (t >= kMaxStatusRegisters) tooComplex("status registers", kMaxStatusRegisters);
    Function& f = fn();
    if (cur_->nextStatus > f.numStatus) f.numStatus = uint16_t(cur_->nextStatus);
    return uint8_t(t);
  }

  // Runs `body` with a fresh builder for function `func` and scope `scope`.
  template <typename F>
  void inFunction(uint32_t func, Scope* scope, F&& body, uint8_t role = 0) {
    Builder b{func};
    b.role = role;
    Builder* savedB = cur_;
    Scope* savedS = scope_;
    cur_ = &b;
    scope_ = scope;
    body();
    cur_ = savedB;
    scope_ = savedS;
  }

  // ---- scopes and variables
  void declareLets(Scope& s, const std::vector<ast::LetStmt>& lets);
  uint32_t declareCapture(const std::string& name);
  bool resolve(const std::string& name, VarRef& out) const;

  // ---- pieces
  uint32_t literal(const ast::Literal& lit);
  Node* buildLiteral(const ast::Literal& lit);
  uint32_t cnfFunction(const ast::Conjunction& conj, const std::vector<ast::LetStmt>* lets,
                       const std::string& name, Scope* parentScope, uint8_t role = 0);
  uint8_t lowerConjunction(const ast::Conjunction& conj);
  uint8_t lowerDisjunction(const ast::Disjunction& d);
  uint8_t lowerClause(const ast::Clause& c);
  uint8_t lowerAccess(const ast::Clause& c);
  uint8_t lowerBlockClause(const ast::Clause& c);
  uint8_t lowerWhen(const ast::Clause& c);
  uint8_t lowerTypeBlock(const ast::Clause& c);
  uint8_t lowerRuleRef(const ast::Clause& c);
  uint8_t lowerParamCall(const ast::Clause& c);
  uint8_t lowerConditions(const ast::Conjunction& conds);
  void lowerExpr(const ast::Expr& e, uint8_t dst);
  void lowerQuery(const ast::Query& q, uint8_t dst);
  void lowerQuerySteps(const ast::Query& q, uint8_t dst, uint32_t qid, size_t from, FilterMode mode);
  void stateDepthFirst(uint32_t first, uint32_t end);
  uint32_t stepPart(const ast::QueryPart& p, uint32_t qid, uint32_t pos, Op& op, FilterMode& mode);
  void planSharedPrefixes(const ast::Conjunction& conj);
  void lowerSharedQuery(const ast::Query& q, uint8_t dst, size_t prefix);
  std::vector<uint32_t> keyAlternatives(uint32_t key);
  void lowerInterpolation(const std::vector<ast::QueryPart>& parts, size_t at, uint32_t part);
  void lowerVariable(const std::string& name, uint8_t dst, const ast::Span& span);
  uint32_t newPart(PartKind kind, uint32_t query, uint32_t position);
  bool fuseAfterValues(const std::vector<ast::QueryPart>& parts, size_t i, uint8_t dst,
                       uint32_t filterPart, Op fused);
  uint32_t queryTextOf(const ast::Query& q);
  bool isTypeEqualityFilter(const ast::QueryPart& p, std::string& type) const;
  std::string clauseContext(const ast::Clause& c) const;
  std::string exprText(const ast::Expr& e) const;

  Program& P;
  uint32_t file_;
  std::string path_;                // for warnings
  std::vector<Error>* warnings_;    // may be null
  // Variables no enclosing scope declared where they were used (Q_NAMEDVAR),
  // warned about at the end of the file unless a capture declared them.
  std::vector<std::pair<std::string, ast::Span>> unresolvedNames_;
  Builder* cur_ = nullptr;
  Scope* scope_ = nullptr;
  // Where the clause, let or rule being lowered starts: the line each
  // instruction records, and the place a "too complex" error names.
  ast::SourceLoc at_{0, 0, 0};
  // Set by the first limit a function exceeds, with where (lowerFile reports it).
  std::string tooComplex_;
  ast::SourceLoc tooComplexAt_;
  void tooComplex(const char* what, uint32_t limit) {
    if (!tooComplex_.empty()) return;
    tooComplex_ = "more than " + std::to_string(limit) + " " + what + " in one function";
    tooComplexAt_ = at_;
  }
  std::vector<std::unique_ptr<Scope>> scopes_;
  std::string fileName_;
  std::unordered_map<uint64_t, uint32_t> markIndex_;  // (function, instruction) -> its trace mark
  // Query prefixes shared by the clauses of the conjunction being lowered
  // (planSharedPrefixes): each clause query that takes part, with the index
  // of its prefix; each prefix's register, its length in parts, and whether
  // its first clause has computed it yet.
  struct SharedPrefix {
    uint8_t reg = 0;
    size_t parts = 0;
    bool computed = false;
  };
  std::unordered_map<const ast::Query*, uint32_t> sharedOf_;
  std::vector<SharedPrefix> shared_;
};

// ------------------------------------------------------------------ texts

const char* opName(CmpOp op) { return vm::cmpOpInfo(op).trace; }

// `[*]`, or `[name]`, which cfn-guard parses as the same part.
bool isAllIndices(const ast::QueryPart& p) {
  return p.kind == PartKind::AllIndices || (p.kind == PartKind::KeyCapture && !p.spacedCapture);
}

std::string partText(const ast::QueryPart& p) {
  switch (p.kind) {
    case PartKind::This: return "_";
    case PartKind::Variable: return "%" + p.name;
    case PartKind::Key: return p.name;
    case PartKind::Index: return std::to_string(p.index);
    case PartKind::AllValues: return "*";
    case PartKind::AllIndices: return "[*]";
    // cfn-guard shows the part it parsed a capture as, and a filter's capture
    // name before the filter.
    case PartKind::KeyCapture: return p.spacedCapture ? "*" : "[*]";
    case PartKind::Filter: return p.name + " (filter-clauses)";
    case PartKind::KeysFilter: return p.name + " (map-key-filter-clauses)";
    case PartKind::Interpolate: return "%" + p.name;
  }
  return "?";
}

}  // namespace

std::string queryText(const ast::Query& q) {
  std::string s;
  const auto& parts = q.parts;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) s.push_back('.');
    s += partText(parts[i]);
    // A variable followed by more parts is shown with its implicit [*].
    if (i == 0 && parts[i].kind == PartKind::Variable && parts.size() > 1 && !isAllIndices(parts[1]))
      s += ".[*]";
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.' && i + 1 < s.size() && s[i + 1] == '[') continue;
    out.push_back(s[i]);
  }
  return out;
}

namespace {


std::string Lowerer::exprText(const ast::Expr& e) const {
  switch (e.kind) {
    case ast::ExprKind::Literal: {
      Node* n = const_cast<Lowerer*>(this)->buildLiteral(e.literal);
      return valueOnly(n);
    }
    case ast::ExprKind::Query: return queryText(e.query);
    case ast::ExprKind::Call: {
      std::string s = e.callee + "(";
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i) s += ", ";
        s += exprText(e.args[i]);
      }
      return s + ")";
    }
  }
  return {};
}

std::string Lowerer::clauseContext(const ast::Clause& c) const {
  std::string s = c.negated ? "not" : "";
  s += " ";
  s += queryText(c.query);
  s += " ";
  if (c.opNegated) s += "not ";
  s += opName(c.op);
  s += " ";
  s += " ";
  if (c.rhs) s += exprText(*c.rhs);
  return s;
}

// ------------------------------------------------------------------ literals

Node* Lowerer::buildLiteral(const ast::Literal& lit) {
  Document& pool = *P.literalPool;
  Node* n = nullptr;
  switch (lit.kind) {
    case ast::LitKind::Null: n = pool.newNode(NodeKind::Null); break;
    case ast::LitKind::Bool: n = pool.newNode(NodeKind::Bool); n->b = lit.b; break;
    case ast::LitKind::Int: n = pool.newNode(NodeKind::Int); n->i = lit.i; break;
    case ast::LitKind::Float: n = pool.newNode(NodeKind::Float); n->f = lit.f; break;
    case ast::LitKind::Char: n = pool.newNode(NodeKind::Char); n->ch = lit.ch; break;
    case ast::LitKind::String:
    case ast::LitKind::Regex: {
      n = pool.newNode(lit.kind == ast::LitKind::String ? NodeKind::String : NodeKind::Regex);
      n->str.data = pool.copyString(lit.s);
      n->str.size = uint32_t(lit.s.size());
      n->str.re = nullptr;
      if (lit.kind == ast::LitKind::Regex) {
        // Built on first use: most of a rule set's regexes never run on a
        // given input, and an RE2 compile dominated compiling the registry.
        auto re = Regex::compileLazy(lit.s);
        if (re.ok()) {
          n->str.re = re.value().get();
          P.regexes.push_back(std::move(re.value()));
        }
      }
      break;
    }
    case ast::LitKind::RangeInt:
      n = pool.newNode(NodeKind::RangeInt);
      n->irange.lo = lit.loInt;
      n->irange.hi = lit.hiInt;
      break;
    case ast::LitKind::RangeFloat:
      n = pool.newNode(NodeKind::RangeFloat);
      n->frange.lo = lit.loFloat;
      n->frange.hi = lit.hiFloat;
      break;
    case ast::LitKind::RangeChar:
      n = pool.newNode(NodeKind::RangeChar);
      n->crange.lo = lit.loChar;
      n->crange.hi = lit.hiChar;
      break;
    case ast::LitKind::List: {
      n = pool.newNode(NodeKind::List);
      n->list.size = uint32_t(lit.items.size());
      n->list.items = pool.newItems(n->list.size);
      for (uint32_t i = 0; i < n->list.size; ++i) {
        // Children know their place, so their paths read /0, /1 (the root has none).
        n->list.items[i] = buildLiteral(lit.items[i]);
        n->list.items[i]->parent = n;
        n->list.items[i]->slot = i;
      }
      break;
    }
    case ast::LitKind::Map: {
      // Duplicate keys: the last value wins, at the first key's place (the
      // parser already merges them; this keeps the rule for any AST).
      std::vector<std::pair<std::string, const ast::Literal*>> entries;
      std::unordered_map<std::string_view, size_t> entryOf;
      entries.reserve(lit.entries.size());
      for (const auto& [k, v] : lit.entries) {
        auto [it, added] = entryOf.try_emplace(k, entries.size());
        if (added) entries.emplace_back(k, &v);
        else entries[it->second].second = &v;
      }
      n = pool.newNode(NodeKind::Map);
      n->map.size = uint32_t(entries.size());
      n->map.entries = pool.newEntries(n->map.size);
      for (uint32_t i = 0; i < n->map.size; ++i) {
        MapEntry& e = n->map.entries[i];
        e.key = pool.copyString(entries[i].first);
        e.keyLen = uint32_t(entries[i].first.size());
        e.id = kNoKey;
        e.line = e.col = 0;
        e.value = buildLiteral(*entries[i].second);
        e.value->parent = n;
        e.value->slot = i;
      }
      break;
    }
  }
  if (lit.kind == ast::LitKind::RangeInt || lit.kind == ast::LitKind::RangeFloat ||
      lit.kind == ast::LitKind::RangeChar)
    n->flags = uint8_t((lit.loInclusive ? kLowerInclusive : 0) | (lit.hiInclusive ? kUpperInclusive : 0));
  return n;
}

uint32_t Lowerer::literal(const ast::Literal& lit) {
  P.literals.push_back(buildLiteral(lit));
  return uint32_t(P.literals.size() - 1);
}

// ------------------------------------------------------------------ scopes

void Lowerer::declareLets(Scope& s, const std::vector<ast::LetStmt>& lets) {
  Function& f = P.functions[s.func];
  // Later lets of the same name win (spec §5.4): one slot per name, last init.
  for (const auto& let : lets) {
    if (let.value.kind == ast::ExprKind::Literal)
      s.literalLets.insert(let.name);
    else
      s.literalLets.erase(let.name);
    auto it = s.slots.find(let.name);
    uint32_t slot;
    if (it == s.slots.end()) {
      slot = uint32_t(f.slots.size());
      P.functions[s.func].slots.push_back(Slot{P.intern(let.name), kNone});
      s.slots.emplace(let.name, slot);
    } else {
      slot = it->second;
    }
    (void)slot;
  }
  // Initializers are lowered after every name of the scope is known, so a
  // let may use a sibling declared after it.
  for (const auto& let : lets) {
    uint32_t slot = s.slots[let.name];
    uint32_t init = newFunction(FuncKind::Set, "let " + let.name);
    const ast::SourceLoc savedAt = at_;
    at_ = let.span.begin;
    inFunction(init, &s, [&] {
      uint8_t r = newReg();
      lowerExpr(let.value, r);
      if (let.value.kind == ast::ExprKind::Query && let.value.query.some) emit(Op::Q_RESOLVED, r);
      emit(Op::RET_SET, r);
    });
    at_ = savedAt;
    P.functions[s.func].slots[slot].init = init;
  }
}

// A capture's keys go where cfn-guard keeps them: the file's scope, for the
// rest of the evaluation of the file (any rule evaluated later sees them). A
// file-level let of the same name that is a query receives them as well (they
// are appended to its value, or stand for it if it was not evaluated yet); a
// literal let is looked up first, so the keys are lost (kNone).
uint32_t Lowerer::declareCapture(const std::string& name) {
  Scope* fs = scope_;
  while (fs->parent) fs = fs->parent;
  if (fs->literalLets.count(name)) return kNone;
  auto it = fs->slots.find(name);
  if (it != fs->slots.end()) return it->second;
  uint32_t slot = uint32_t(P.functions[fs->func].slots.size());
  P.functions[fs->func].slots.push_back(Slot{P.intern(name), kNone});
  fs->slots.emplace(name, slot);
  return slot;
}

bool Lowerer::resolve(const std::string& name, VarRef& out) const {
  uint16_t depth = 0;
  for (const Scope* s = scope_; s; s = s->parent, ++depth) {
    auto it = s->slots.find(name);
    if (it != s->slots.end()) {
      out = VarRef{depth, it->second};
      return true;
    }
    if (s->callerScoped) {
      out = VarRef{depth, kNone, true};
      return true;
    }
  }
  return false;
}

// ------------------------------------------------------------------ CNF

uint32_t Lowerer::cnfFunction(const ast::Conjunction& conj, const std::vector<ast::LetStmt>* lets,
                              const std::string& name, Scope* parentScope, uint8_t role) {
  uint32_t func = newFunction(FuncKind::Cnf, name);
  auto scope = std::make_unique<Scope>();
  scope->parent = parentScope;
  scope->func = func;
  Scope* s = scope.get();
  scopes_.push_back(std::move(scope));
  inFunction(func, s, [&] {
    if (lets) declareLets(*s, *lets);
    uint8_t t = lowerConjunction(conj);
    emit(Op::RET_STATUS, t);
  }, role);
  return func;
}

uint8_t Lowerer::lowerConjunction(const ast::Conjunction& conj) {
  uint8_t acc = newStatus();
  emit(Op::ST_SET, acc, 0, uint32_t(Status::Skip));
  // Each conjunction has its own shared prefixes (their registers are
  // allocated before its clauses', so no clause reuses them).
  auto savedOf = std::move(sharedOf_);
  auto savedShared = std::move(shared_);
  sharedOf_.clear();
  shared_.clear();
  const uint32_t entryReg = cur_->nextReg, entryShared = cur_->sharedRegs;
  planSharedPrefixes(conj);
  // A clause's registers and statuses are dead once ST_CONJ has read its
  // status: the next clause reuses them, so that a rule of thousands of
  // clauses needs no more of either than its largest clause.
  for (const auto& d : conj.items) {
    const uint32_t savedReg = cur_->nextReg, savedStatus = cur_->nextStatus;
    uint8_t t = lowerDisjunction(d);
    emit(Op::ST_CONJ, acc, t);
    cur_->nextReg = savedReg;
    cur_->nextStatus = savedStatus;
  }
  // The prefixes' registers too: the conjunction's value is its status.
  cur_->nextReg = entryReg;
  cur_->sharedRegs = entryShared;
  sharedOf_ = std::move(savedOf);
  shared_ = std::move(savedShared);
  return acc;
}

namespace {

// A query part a shared prefix may hold: a step that only walks the
// document (no call, no capture, no record, no variable, nothing that trace
// mode shows), so that its result is the same wherever in the block it runs.
bool walksOnly(const ast::QueryPart& p) {
  return p.kind == PartKind::Key || p.kind == PartKind::Index || p.kind == PartKind::AllValues ||
         p.kind == PartKind::AllIndices;
}

// The query of a clause that may share its prefix: an access or block clause
// alone in its disjunction (so it runs whenever the conjunction does, in
// order), whose query starts at `this` (written or not).
const ast::Query* shareableQuery(const ast::Disjunction& d) {
  if (d.size() != 1) return nullptr;
  const ast::Clause& c = d[0];
  if (c.kind != ast::ClauseKind::Access && c.kind != ast::ClauseKind::Block) return nullptr;
  const auto& parts = c.query.parts;
  if (parts.empty() || !(parts[0].kind == PartKind::This || walksOnly(parts[0]))) return nullptr;
  return &c.query;
}

// How many leading parts of `q` a prefix may hold.
size_t walkingParts(const ast::Query& q) {
  size_t n = 0;
  while (n < q.parts.size() && (walksOnly(q.parts[n]) || (n == 0 && q.parts[0].kind == PartKind::This))) ++n;
  return n;
}

// An order of query parts in which two parts are equivalent exactly when
// they make the same step (kind, and a key's name or an index's value).
int compareParts(const ast::QueryPart& a, const ast::QueryPart& b) {
  if (a.kind != b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.kind == PartKind::Key) return a.name.compare(b.name);
  if (a.kind == PartKind::Index) return a.index == b.index ? 0 : a.index < b.index ? -1 : 1;
  return 0;
}

// The leading walking parts of a query, compared without copying them.
struct WalkingPrefix {
  const ast::Query* q;
  size_t n;  // walkingParts(*q)
  size_t common(const WalkingPrefix& o) const {
    size_t k = 0;
    while (k < n && k < o.n && compareParts(q->parts[k], o.q->parts[k]) == 0) ++k;
    return k;
  }
  bool operator<(const WalkingPrefix& o) const {
    const size_t k = common(o);
    if (k < n && k < o.n) return compareParts(q->parts[k], o.q->parts[k]) < 0;
    return n < o.n;
  }
};

}  // namespace

// Common query prefixes computed once per conjunction: where two or more
// clauses of a block (rule body, block body, type block body, conditions)
// walk the same path from `this` (`Resources.*.Properties.A exists`,
// `Resources.*.Properties.B exists`), the first of them computes the path
// into a register of its own, and each of them, the first included, starts
// its query from a copy of it (Q_COPY). Only clauses alone in their
// disjunction take part (they all run, in order, whenever the conjunction
// does: the first one defines the register before the others read it, which
// the verifier proves), and only steps that walk the document: the prefix's
// value cannot change between the clauses (same `this`, no variable, capture
// or filter), and computing it in the first clause keeps its errors where
// they were. Unresolved members made by the prefix name the part where they
// stopped; Q_COPY moves them to the copying query's part at that position, so
// reports read each clause's own query text. A prefix of fewer than two steps
// is not worth its copies.
void Lowerer::planSharedPrefixes(const ast::Conjunction& conj) {
  std::vector<const ast::Query*> queries;
  for (const auto& d : conj.items)
    if (const ast::Query* q = shareableQuery(d)) queries.push_back(q);
  if (queries.size() < 2) return;
  // Each query's longest prefix shared with another is shared with a
  // neighbour in sorted order: n log n, for rules of thousands of clauses.
  std::vector<WalkingPrefix> prefixes;
  for (const ast::Query* q : queries) prefixes.push_back({q, walkingParts(*q)});
  std::vector<size_t> order(queries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return prefixes[a] < prefixes[b]; });
  std::vector<size_t> lengths(queries.size(), 0);
  for (size_t k = 0; k + 1 < order.size(); ++k) {
    const size_t n = prefixes[order[k]].common(prefixes[order[k + 1]]);
    lengths[order[k]] = std::max(lengths[order[k]], n);
    lengths[order[k + 1]] = std::max(lengths[order[k + 1]], n);
  }
  for (size_t i = 0; i < queries.size(); ++i) {
    const auto& parts = queries[i]->parts;
    size_t& n = lengths[i];
    // `.*` then a filter is one fused instruction: keep the `.*` with its filter.
    if (n > 0 && n < parts.size() && parts[n - 1].kind == PartKind::AllValues && parts[n].kind == PartKind::Filter)
      --n;
    const size_t steps = n - (n > 0 && parts[0].kind == PartKind::This ? 1 : 0);
    if (steps < 2) n = 0;
  }
  // The queries of one prefix: same length, same parts (a key only for the
  // queries that share one). Clause order within a group.
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < queries.size(); ++i) {
    if (!lengths[i]) continue;
    std::string key;
    for (size_t k = 0; k < lengths[i]; ++k) {
      const ast::QueryPart& p = queries[i]->parts[k];
      key += char('0' + int(p.kind));  // then the name with its length, so no two keys run together
      if (p.kind == PartKind::Key) key += std::to_string(p.name.size()) + ':' + p.name;
      if (p.kind == PartKind::Index) key += std::to_string(p.index);
      key += ';';
    }
    groups[key].push_back(i);
  }
  for (const auto& [key, members] : groups) {
    if (members.size() < 2) continue;
    if (cur_->sharedRegs == kMaxSharedPrefixRegisters) break;  // the rest compute their prefixes themselves
    SharedPrefix sp;
    ++cur_->sharedRegs;  // first: a shared register does not count towards newReg's limit
    sp.reg = newReg();
    sp.parts = lengths[members[0]];
    for (size_t i : members) sharedOf_[queries[i]] = uint32_t(shared_.size());
    shared_.push_back(sp);
  }
}

uint8_t Lowerer::lowerDisjunction(const ast::Disjunction& d) {
  if (d.size() == 1) return lowerClause(d[0]);
  uint8_t acc = newStatus();
  const uint32_t begin = emit(Op::DISJ_BEGIN);
  mark(begin).disj = cur_->condDepth > 0 || cur_->role == 2 ? 2 : cur_->role == 1 ? 1 : 0;
  emit(Op::ST_SET, acc, 0, uint32_t(Status::Skip));
  std::vector<uint32_t> exits;
  for (const auto& c : d) {
    // As in lowerConjunction: the alternative's registers and statuses are
    // dead once ST_DISJ and JUMP_IF_PASS have read its status.
    const uint32_t savedReg = cur_->nextReg, savedStatus = cur_->nextStatus;
    uint8_t t = lowerClause(c);
    emit(Op::ST_DISJ, acc, t);
    exits.push_back(emit(Op::JUMP_IF_PASS, t, 0, 0));
    cur_->nextReg = savedReg;
    cur_->nextStatus = savedStatus;
  }
  uint32_t end = here();
  for (uint32_t at : exits) patch(at, end);
  emit(Op::DISJ_END, acc);
  return acc;
}

// The conditions of a `when` or type block; their COND_BEGIN is the
// instruction before the first of the caller's here(), their COND_END the
// last emitted: the caller marks both.
uint8_t Lowerer::lowerConditions(const ast::Conjunction& conds) {
  emit(Op::COND_BEGIN);
  ++cur_->condDepth;
  uint8_t t = lowerConjunction(conds);
  --cur_->condDepth;
  const uint32_t end = emit(Op::COND_END);
  TraceMark& m = mark(end);
  m.close |= TraceMark::kCloseCond;
  m.status = t;
  return t;
}

uint8_t Lowerer::lowerClause(const ast::Clause& c) {
  const ast::SourceLoc savedAt = at_;
  at_ = c.span.begin;
  uint8_t t = 0;
  switch (c.kind) {
    case ast::ClauseKind::Access: t = lowerAccess(c); break;
    case ast::ClauseKind::Block: t = lowerBlockClause(c); break;
    case ast::ClauseKind::When: t = lowerWhen(c); break;
    case ast::ClauseKind::RuleRef: t = lowerRuleRef(c); break;
    case ast::ClauseKind::ParamCall: t = lowerParamCall(c); break;
    case ast::ClauseKind::TypeBlock: t = lowerTypeBlock(c); break;
  }
  at_ = savedAt;
  return t;
}

uint8_t Lowerer::lowerAccess(const ast::Clause& c) {
  ClauseInfo info;
  info.op = c.op;
  info.opNegated = c.opNegated;
  info.clauseNegated = c.negated;
  info.some = c.query.some;
  const auto& parts = c.query.parts;
  bool endsInFilter = !parts.empty() && (parts.back().kind == PartKind::Filter ||
                                         parts.back().kind == PartKind::KeysFilter);
  bool bareVariable = parts.size() == 1 && parts[0].kind == PartKind::Variable;
  info.emptyOnSet = c.op == CmpOp::Empty && (endsInFilter || bareVariable);
  info.context = P.intern(clauseContext(c));
  if (c.message) info.message = P.intern(*c.message);
  info.file = file_;
  info.line = c.span.begin.line;
  info.column = c.span.begin.column;
  if (c.rhs) {
    info.rhs = c.rhs->kind == ast::ExprKind::Literal ? RhsKind::Literal
             : c.rhs->kind == ast::ExprKind::Query  ? RhsKind::Query
                                                    : RhsKind::Call;
  }
  P.clauses.push_back(info);
  uint32_t clauseId = uint32_t(P.clauses.size() - 1);

  uint8_t left = newReg();
  uint8_t t = newStatus();
  const uint32_t begin = emit(Op::CLAUSE_BEGIN);
  mark(begin).open |= TraceMark::kOpenClause;
  mark(begin).info = clauseId;
  if (ast::isUnary(c.op)) {
    lowerQuery(c.query, left);
    emit(Op::CHECK_UNARY, t, left, clauseId);
  } else {
    uint8_t right = newReg();  // always left + 1
    // cfn-guard resolves a query or call on the right before the left-hand
    // query: its records come first, and its error wins when both sides
    // fail. A literal cannot record or fail, so it stays after the query.
    if (c.rhs->kind == ast::ExprKind::Literal) {
      lowerQuery(c.query, left);
      lowerExpr(*c.rhs, right);
    } else {
      lowerExpr(*c.rhs, right);
      lowerQuery(c.query, left);
    }
    emit(Op::CHECK_BINARY, t, left, clauseId);
  }
  return t;
}

uint8_t Lowerer::lowerBlockClause(const ast::Clause& c) {
  BlockInfo info;
  info.some = c.query.some;
  info.notEmpty = c.notEmpty;
  info.context = P.intern(queryText(c.query));
  info.file = file_;
  info.line = c.span.begin.line;
  info.column = c.span.begin.column;
  uint8_t r = newReg();
  const uint32_t begin = emit(Op::CLAUSE_BEGIN);
  lowerQuery(c.query, r);
  info.body = cnfFunction(c.body->body, &c.body->lets,
                          "block@" + std::to_string(c.span.begin.line) + ":" +
                              std::to_string(c.span.begin.column),
                          scope_);
  P.blocks.push_back(info);
  uint8_t t = newStatus();
  emit(Op::BLOCK, t, r, uint32_t(P.blocks.size() - 1));
  mark(begin).open |= TraceMark::kOpenBlock;
  mark(begin).info = uint32_t(P.blocks.size() - 1);
  return t;
}

uint8_t Lowerer::lowerWhen(const ast::Clause& c) {
  uint8_t t = newStatus();
  const uint32_t condBegin = here();
  uint8_t cond = lowerConditions(*c.conditions);
  mark(condBegin).open |= TraceMark::kOpenWhen;
  mark(condBegin).disj = cur_->role == 1 ? 1 : 0;  // context RuleClause / GuardConditionClause
  uint32_t skip = emit(Op::JUMP_UNLESS_PASS, cond, 0, 0);
  uint32_t body = cnfFunction(c.body->body, &c.body->lets,
                              "when@" + std::to_string(c.span.begin.line) + ":" +
                                  std::to_string(c.span.begin.column),
                              scope_);
  mark(emit(Op::CALL_CNF, t, 0, body)).close |= TraceMark::kCloseWhen;
  uint32_t done = emit(Op::JUMP, 0, 0, 0);
  patch(skip, here());
  mark(emit(Op::ST_SET, t, 0, uint32_t(Status::Skip))).close |= TraceMark::kCloseWhen;
  patch(done, here());
  return t;
}

uint8_t Lowerer::lowerTypeBlock(const ast::Clause& c) {
  uint8_t t = newStatus();
  uint32_t skip = kNone;
  // The type block's record opens at its conditions, or at its query.
  const uint32_t open = here();
  if (c.conditions) {
    uint8_t cond = lowerConditions(*c.conditions);
    skip = emit(Op::JUMP_UNLESS_PASS, cond, 0, 0);
    mark(open).open |= TraceMark::kOpenTypeWhen;
  }
  // Resources.*[ Type == '<name>' ]
  QueryText qt;
  qt.parts = {P.intern("Resources"), P.intern("*"), P.intern(" (filter-clauses)")};
  P.queries.push_back(qt);
  uint32_t q = uint32_t(P.queries.size() - 1);
  uint8_t r = newReg();
  emit(Op::Q_THIS, r);
  uint32_t keyPart = newPart(PartKind::Key, q, 0);
  P.parts[keyPart].key = P.intern("Resources");
  emit(Op::Q_KEY, r, 0, keyPart);
  const uint32_t valuesPart = newPart(PartKind::AllValues, q, 1);
  uint32_t typePart = newPart(PartKind::Filter, q, 2);  // valuesPart + 1, as Q_VALUES_OF_TYPE needs
  P.parts[typePart].key = P.intern(c.name);
  P.parts[typePart].keyAlternatives = {P.intern("Type"), P.intern("type")};
  emit(Op::Q_VALUES_OF_TYPE, r, 0, valuesPart);

  BlockInfo info;
  info.typeName = P.intern(c.name);
  info.context = P.intern("TypeBlock#" + c.name);
  info.file = file_;
  info.line = c.span.begin.line;
  info.column = c.span.begin.column;
  info.body = cnfFunction(c.body->body, &c.body->lets,
                          "type " + c.name + "@" + std::to_string(c.span.begin.line), scope_);
  P.blocks.push_back(info);
  const uint32_t blockId = uint32_t(P.blocks.size() - 1);
  mark(open).open |= TraceMark::kOpenType;
  mark(open).block = blockId;
  mark(emit(Op::TYPE_BLOCK, t, r, blockId)).close |= TraceMark::kCloseType;
  if (skip != kNone) {
    uint32_t done = emit(Op::JUMP, 0, 0, 0);
    patch(skip, here());
    mark(emit(Op::ST_SET, t, 0, uint32_t(Status::Skip))).close |= TraceMark::kCloseType;
    patch(done, here());
  }
  return t;
}

uint8_t Lowerer::lowerRuleRef(const ast::Clause& c) {
  RuleRefInfo info;
  info.name = P.intern(c.name);
  info.negated = c.negated;
  if (c.message) info.message = P.intern(*c.message);
  info.file = file_;
  info.line = c.span.begin.line;
  info.column = c.span.begin.column;
  P.ruleRefs.push_back(info);
  uint8_t t = newStatus();
  emit(Op::RULE_REF, t, 0, uint32_t(P.ruleRefs.size() - 1));
  return t;
}

uint8_t Lowerer::lowerParamCall(const ast::Clause& c) {
  ParamCallInfo info;
  info.name = P.intern(c.name);
  info.numArgs = uint16_t(c.args.size());
  info.negated = c.negated;
  if (c.message) info.message = P.intern(*c.message);
  info.file = file_;
  info.line = c.span.begin.line;
  info.column = c.span.begin.column;
  P.paramCalls.push_back(info);
  uint32_t id = uint32_t(P.paramCalls.size() - 1);
  std::vector<uint8_t> regs;
  for (size_t i = 0; i < c.args.size(); ++i) regs.push_back(newReg());
  for (size_t i = 0; i < c.args.size(); ++i) {
    // cfn-guard 3.1.1 binds a literal argument as a resolved value, not a
    // literal: inside the rule `%p == %q` is then a query-to-query comparison
    // (spec §19, differential/D-param-literal-arg-is-query). A literal reached
    // through a variable (`f(%lit)`) stays a literal.
    if (c.args[i].kind == ast::ExprKind::Literal)
      emit(Op::Q_ARG_LIT, regs[i], 0, literal(c.args[i].literal));
    else
      lowerExpr(c.args[i], regs[i]);
  }
  uint8_t t = newStatus();
  emit(Op::PARAM_CALL, t, regs.empty() ? 0 : regs[0], id);
  return t;
}

// ------------------------------------------------------------------ queries

uint32_t Lowerer::newPart(PartKind kind, uint32_t query, uint32_t position) {
  Part p;
  p.kind = kind;
  p.query = query;
  p.position = position;
  P.parts.push_back(std::move(p));
  return uint32_t(P.parts.size() - 1);
}

// The filter of part `i` right after a `.*` on register `dst`: turns the
// Q_ALL_VALUES just emitted into the fused instruction `fused`, whose part
// C+1 is the filter's (the two parts are made one after the other).
bool Lowerer::fuseAfterValues(const std::vector<ast::QueryPart>& parts, size_t i, uint8_t dst,
                              uint32_t filterPart, Op fused) {
  if (i == 0 || parts[i - 1].kind != PartKind::AllValues) return false;
  Instr& last = fn().code.back();
  if (last.op != Op::Q_ALL_VALUES || last.a != dst || last.c + 1 != filterPart) return false;
  last.op = fused;
  return true;
}

uint32_t Lowerer::queryTextOf(const ast::Query& q) {
  QueryText qt;
  for (size_t i = 0; i < q.parts.size(); ++i) qt.parts.push_back(P.intern(partText(q.parts[i])));
  P.queries.push_back(std::move(qt));
  return uint32_t(P.queries.size() - 1);
}

bool parsesAsInt32(const std::string& s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return false;
  if (s.size() - i > 10) return false;
  long long v = std::atoll(s.c_str());
  return v >= INT32_MIN && v <= INT32_MAX;
}

bool Lowerer::isTypeEqualityFilter(const ast::QueryPart& p, std::string& type) const {
  if (p.kind != PartKind::Filter || !p.name.empty() || !p.filter) return false;
  const auto& items = p.filter->items;
  if (items.size() != 1 || items[0].size() != 1) return false;
  const ast::Clause& c = items[0][0];
  if (c.kind != ast::ClauseKind::Access || c.op != CmpOp::Eq || c.opNegated || c.query.some)
    return false;
  if (c.query.parts.size() != 1 || c.query.parts[0].kind != PartKind::Key ||
      c.query.parts[0].name != "Type")
    return false;
  if (!c.rhs || c.rhs->kind != ast::ExprKind::Literal || c.rhs->literal.kind != ast::LitKind::String)
    return false;
  type = c.rhs->literal.s;
  return true;
}

void Lowerer::lowerVariable(const std::string& name, uint8_t dst, const ast::Span& span) {
  VarRef ref;
  if (resolve(name, ref)) {
    if (ref.dynamic)
      emit(Op::Q_DYNVAR, dst, ref.depth, P.intern(name));
    else
      emit(Op::Q_VAR, dst, ref.depth, ref.slot);
  } else {
    // No enclosing scope declares it here: a capture made elsewhere in the
    // file (kept in the file's scope) may, by the time this runs; else it is
    // 3.1.1's "Could not resolve variable" error, raised only when the
    // clause is evaluated. The warning waits for the whole file.
    unresolvedNames_.push_back({name, span});
    emit(Op::Q_NAMEDVAR, dst, 0, P.intern(name));
  }
}

// Key interpolation `.%v` (part `at` of `parts`): the variable is evaluated
// only when the query meets a map (cfn-guard 3.1.1 makes the part unresolved
// on anything else without looking at it), so it is a Set function of the
// part. What 3.1.1 does with the part after it is decided here: an index is
// applied twice (pickIndex), and .*, a filter or a keys filter is an error.
void Lowerer::lowerInterpolation(const std::vector<ast::QueryPart>& parts, size_t at, uint32_t part) {
  const ast::QueryPart& p = parts[at];
  uint32_t f = newFunction(FuncKind::Set, "interp@" + std::to_string(p.span.begin.line));
  inFunction(f, scope_, [&] {
    uint8_t r = newReg();
    lowerVariable(p.name, r, p.span);
    emit(Op::RET_SET, r);
  });
  P.parts[part].func = f;
  if (at + 1 >= parts.size()) return;
  const ast::QueryPart& next = parts[at + 1];
  if (next.kind == PartKind::Index) {
    P.parts[part].pickIndex = true;
    P.parts[part].index = next.index;
  } else if (next.kind != PartKind::Key && next.kind != PartKind::Interpolate && !isAllIndices(next)) {
    // (cfn-guard parses `.%v` as a key part too, so `.%a.%b` is allowed.)
    // The query's second part, as 3.1.1's parser has it: the [*] it puts
    // after a leading variable (Program::queryText) when the text has none.
    const uint32_t q = P.parts[part].query;
    const auto& texts = P.queries[q].parts;
    const bool implicitAll = !texts.empty() && !P.str(texts[0]).empty() && P.str(texts[0])[0] == '%' &&
                             (texts.size() < 2 || P.str(texts[1]) != "[*]");
    const std::string second = implicitAll ? "[*]" : texts.size() > 1 ? P.str(texts[1]) : std::string();
    P.parts[part].key = P.intern("Types or variable assignments are incompatible `This type of query " + second +
                                 " based variable interpolation is not supported map, " + P.queryText(q) + "`");
  }
}

// The interned case conversions of the key with string id `key` (spec §6.3),
// computed once per distinct key: the registry's 209 files name the same keys
// thousands of times, and the conversions were a tenth of a whole run.
std::vector<uint32_t> Lowerer::keyAlternatives(uint32_t key) {
  // Per thread, across the rules files of a compile; bounded for long-lived
  // processes that compile many different programs.
  static thread_local std::unordered_map<std::string, std::vector<std::string>> cache;
  constexpr size_t kMaxCachedKeys = 1 << 16;
  const std::string& name = P.str(key);
  auto it = cache.find(name);
  if (it == cache.end()) {
    if (cache.size() >= kMaxCachedKeys) cache.clear();
    it = cache.emplace(name, caseConversions(name)).first;
  }
  std::vector<uint32_t> ids;
  ids.reserve(it->second.size());
  for (const auto& alt : it->second) ids.push_back(P.intern(alt));
  return ids;
}

// States Function::depthFirst for the query just emitted at [first, end) of
// the current function: a filter after which a later step of the same query
// may record (a keys filter, a filter over [*]'s scalars) runs the rest of
// the query member by member, up to `end`, so that the records come in
// cfn-guard's depth-first order. The verifier derives the same from the code
// (depthFirstEnds) and refuses a program where the two differ.
void Lowerer::stateDepthFirst(uint32_t first, uint32_t end) {
  Function& f = fn();
  bool records = false;
  for (uint32_t i = end; i-- > first;) {
    if (records && startsDepthFirst(f.code[i].op)) f.depthFirst[i] = end;
    records |= stepMayRecord(f.code[i]);
  }
}

void Lowerer::lowerQuery(const ast::Query& q, uint8_t dst) {
  if (auto it = sharedOf_.find(&q); it != sharedOf_.end()) return lowerSharedQuery(q, dst, it->second);
  const uint32_t first = here();
  lowerQuerySteps(q, dst, queryTextOf(q), 0, FilterMode::AfterKey);
  stateDepthFirst(first, here());
}

// A query whose first parts are the shared prefix `prefix`
// (planSharedPrefixes): the first clause computes the prefix into its
// register; every one copies it and runs the rest of its own query. The
// prefix's parts are made for each query all the same (Q_COPY moves an
// unresolved member to the part of the copying query at its position).
void Lowerer::lowerSharedQuery(const ast::Query& q, uint8_t dst, size_t prefix) {
  SharedPrefix& sp = shared_[prefix];
  const uint32_t qid = queryTextOf(q);
  const auto& parts = q.parts;
  size_t i = parts[0].kind == PartKind::This ? 1 : 0;
  FilterMode mode = FilterMode::AfterKey;
  uint32_t firstPart = kNone;
  std::vector<Instr> steps;
  for (; i < sp.parts; ++i) {
    Op op;
    const uint32_t part = stepPart(parts[i], qid, uint32_t(i), op, mode);
    if (firstPart == kNone) firstPart = part;
    steps.push_back(Instr{op, sp.reg, 0, part});
  }
  if (!sp.computed) {
    emit(Op::Q_THIS, sp.reg);
    for (const Instr& in : steps) emit(in.op, in.a, in.b, in.c);
    sp.computed = true;
  }
  emit(Op::Q_COPY, dst, sp.reg, firstPart);
  const uint32_t first = here();
  lowerQuerySteps(q, dst, qid, sp.parts, mode);
  stateDepthFirst(first, here());
}

// The part and instruction of a step that only walks the document (a key,
// an index, .*, [*]), and the filter mode after it.
uint32_t Lowerer::stepPart(const ast::QueryPart& p, uint32_t qid, uint32_t pos, Op& op, FilterMode& mode) {
  uint32_t part = kNone;
  switch (p.kind) {
    case PartKind::Key:
      if (parsesAsInt32(p.name)) {
        part = newPart(PartKind::Index, qid, pos);
        P.parts[part].index = std::atoll(p.name.c_str());
        op = Op::Q_INDEX;
      } else {
        part = newPart(PartKind::Key, qid, pos);
        P.parts[part].key = P.intern(p.name);
        P.parts[part].keyAlternatives = keyAlternatives(P.parts[part].key);
        op = Op::Q_KEY;
      }
      mode = FilterMode::AfterKey;
      break;
    case PartKind::Index:
      part = newPart(PartKind::Index, qid, pos);
      P.parts[part].index = p.index;
      op = Op::Q_INDEX;
      mode = FilterMode::AfterOther;
      break;
    case PartKind::AllValues:
      part = newPart(PartKind::AllValues, qid, pos);
      op = Op::Q_ALL_VALUES;
      mode = FilterMode::AfterAllValues;
      break;
    default:  // AllIndices
      part = newPart(PartKind::AllIndices, qid, pos);
      op = Op::Q_ALL_INDICES;
      mode = FilterMode::AfterAllIndices;
      break;
  }
  return part;
}

// The query's parts from `from` on into register `dst`; from 0 with its head.
void Lowerer::lowerQuerySteps(const ast::Query& q, uint8_t dst, uint32_t qid, size_t from, FilterMode mode) {
  const auto& parts = q.parts;
  size_t i = from;
  if (parts.empty()) {
    emit(Op::Q_THIS, dst);
    return;
  }
  if (from == 0) {
  switch (parts[0].kind) {
    case PartKind::This:
      emit(Op::Q_THIS, dst);
      i = 1;
      mode = FilterMode::AfterOther;
      break;
    case PartKind::Variable:
      lowerVariable(parts[0].name, dst, parts[0].span);
      i = 1;
      // The implicit [*] after a variable: an explicit [*], or a [name]
      // (cfn-guard parses both as the same part), right after it is skipped.
      if (i < parts.size() && isAllIndices(parts[i])) ++i;
      mode = FilterMode::AfterAllIndices;
      break;
    default:
      emit(Op::Q_THIS, dst);
      break;
  }
  }
  for (; i < parts.size(); ++i) {
    const ast::QueryPart& p = parts[i];
    uint32_t pos = uint32_t(i);
    switch (p.kind) {
      case PartKind::This:
      case PartKind::Variable:
        // Only valid as the first part; the parser never produces these later.
        break;
      case PartKind::Key:
      case PartKind::Index:
      case PartKind::AllValues:
      case PartKind::AllIndices: {
        Op op;
        const uint32_t part = stepPart(p, qid, pos, op, mode);
        emit(op, dst, 0, part);
        break;
      }
      case PartKind::KeyCapture: {
        uint32_t part = newPart(PartKind::KeyCapture, qid, pos);
        P.parts[part].captureSlot = declareCapture(p.name);
        emit(Op::Q_CAPTURE, dst, 0, part);
        mode = p.spacedCapture ? FilterMode::AfterAllValues : FilterMode::AfterAllIndices;
        break;
      }
      case PartKind::Filter: {
        uint32_t part = newPart(PartKind::Filter, qid, pos);
        std::string type;
        if (isTypeEqualityFilter(p, type)) {
          P.parts[part].key = P.intern(type);
          P.parts[part].keyAlternatives = {P.intern("Type"), P.intern("type")};
          if (!fuseAfterValues(parts, i, dst, part, Op::Q_VALUES_OF_TYPE))
            emit(Op::Q_TYPE_SELECT, dst, uint32_t(mode), part);
        } else {
          if (!p.name.empty()) P.parts[part].captureSlot = declareCapture(p.name);
          uint32_t f = cnfFunction(*p.filter, nullptr,
                                   "filter@" + std::to_string(p.span.begin.line) + ":" +
                                       std::to_string(p.span.begin.column),
                                   scope_);
          P.parts[part].func = f;
          // The number of conjunctions: verbose records name a filter
          // candidate "Filter/Map#<n>" (vm/interp.cpp, trace mode).
          P.parts[part].index = int64_t(p.filter->items.size());
          if (!fuseAfterValues(parts, i, dst, part, Op::Q_VALUES_FILTER))
            emit(Op::Q_FILTER, dst, uint32_t(mode), part);
        }
        mode = FilterMode::AfterOther;
        break;
      }
      case PartKind::KeysFilter: {
        uint32_t part = newPart(PartKind::KeysFilter, qid, pos);
        P.parts[part].keysOp = p.keysOp;
        P.parts[part].keysNegated = p.keysNegated;
        // A capture name on a keys filter is parsed, and never bound, by 3.1.1.
        if (p.keysRhs->kind == ast::ExprKind::Literal) {
          P.parts[part].literal = literal(p.keysRhs->literal);
        } else {
          uint32_t f = newFunction(FuncKind::Set, "keys@" + std::to_string(p.span.begin.line));
          inFunction(f, scope_, [&] {
            uint8_t r = newReg();
            lowerExpr(*p.keysRhs, r);
            emit(Op::RET_SET, r);
          });
          P.parts[part].func = f;
        }
        emit(Op::Q_KEYS_FILTER, dst, 0, part);
        mode = FilterMode::AfterOther;
        break;
      }
      case PartKind::Interpolate: {
        uint32_t part = newPart(PartKind::Interpolate, qid, pos);
        lowerInterpolation(parts, i, part);
        emit(Op::Q_INTERP, dst, 0, part);
        mode = FilterMode::AfterKey;
        break;
      }
    }
  }
}

void Lowerer::lowerExpr(const ast::Expr& e, uint8_t dst) {
  switch (e.kind) {
    case ast::ExprKind::Literal:
      emit(Op::Q_LIT, dst, 0, literal(e.literal));
      break;
    case ast::ExprKind::Query:
      lowerQuery(e.query, dst);
      break;
    case ast::ExprKind::Call: {
      CallInfo info;
      info.builtin = builtinId(e.callee);
      info.name = P.intern(e.callee);
      info.numArgs = uint16_t(e.args.size());
      P.calls.push_back(info);
      uint32_t id = uint32_t(P.calls.size() - 1);
      std::vector<uint8_t> regs;
      for (size_t i = 0; i < e.args.size(); ++i) regs.push_back(newReg());
      for (size_t i = 0; i < e.args.size(); ++i) lowerExpr(e.args[i], regs[i]);
      emit(Op::Q_CALL, dst, regs.empty() ? 0 : regs[0], id);
      break;
    }
  }
}

// ------------------------------------------------------------------ file

Result<Unit> Lowerer::lowerFile(const ast::RulesFile& f) {
  FileInfo info;
  info.name = P.intern(f.name);
  info.empty = f.empty;
  fileName_ = f.name;

  uint32_t scopeFn = newFunction(FuncKind::FileScope, "file " + f.name);
  info.scope = scopeFn;
  auto fileScope = std::make_unique<Scope>();
  fileScope->func = scopeFn;
  Scope* fs = fileScope.get();
  scopes_.push_back(std::move(fileScope));
  // File-level lets are lowered with the file scope as the current scope.
  {
    Builder b{scopeFn};
    Builder* saved = cur_;
    cur_ = &b;
    scope_ = fs;
    declareLets(*fs, f.lets);
    cur_ = saved;
  }

  if (!f.defaultRule.items.empty()) {
    RuleInfo r;
    r.name = P.intern(f.name + "/default");
    r.file = file_;
    r.kind = RuleKind::Default;
    r.body = cnfFunction(f.defaultRule, nullptr, "rule default", fs, /*role=*/1);
    P.rules.push_back(r);
    info.rules.push_back(uint32_t(P.rules.size() - 1));
  }
  for (const auto& rule : f.rules) {
    RuleInfo r;
    r.name = P.intern(rule.name);
    r.file = file_;
    r.kind = rule.parameterized ? RuleKind::Parameterized : RuleKind::Named;
    r.line = rule.span.begin.line;
    at_ = rule.span.begin;
    if (rule.when) r.when = cnfFunction(*rule.when, nullptr, "when " + rule.name, fs, /*role=*/2);
    // The body's frame: parameters first, then the rule's lets.
    uint32_t body = newFunction(FuncKind::Cnf, "rule " + rule.name);
    auto scope = std::make_unique<Scope>();
    scope->parent = fs;
    scope->func = body;
    scope->callerScoped = rule.parameterized;
    Scope* s = scope.get();
    scopes_.push_back(std::move(scope));
    for (const auto& param : rule.params) {
      s->slots.emplace(param, uint32_t(P.functions[body].slots.size()));
      P.functions[body].slots.push_back(Slot{P.intern(param), kNone});
    }
    r.numParams = uint16_t(rule.params.size());
    inFunction(body, s, [&] {
      declareLets(*s, rule.body.lets);
      uint8_t t = lowerConjunction(rule.body.body);
      emit(Op::RET_STATUS, t);
    }, /*role=*/1);
    r.body = body;
    P.rules.push_back(r);
    info.rules.push_back(uint32_t(P.rules.size() - 1));
  }
  P.files.push_back(std::move(info));
  for (uint32_t fi = scopeFn; fi < P.functions.size(); ++fi)
    std::sort(P.functions[fi].trace.begin(), P.functions[fi].trace.end(),
              [](const TraceMark& a, const TraceMark& b) { return a.at < b.at; });
  if (warnings_)
    for (const auto& [name, span] : unresolvedNames_)
      if (!fs->slots.count(name))
        warnings_->push_back(Error::at(ErrorKind::RulesWarning, path_, span.begin.line, span.begin.column,
                                       "no variable named `" + name + "` is visible here", span.begin.offset));
  if (!tooComplex_.empty())
    return Error::at(ErrorKind::RulesTooComplex, path_, tooComplexAt_.line, tooComplexAt_.column,
                     "rules file " + f.name + " is too complex (" + tooComplex_ + ")", tooComplexAt_.offset);
  return Unit{};
}

}  // namespace

Result<Unit> lowerRulesFile(const ast::RulesFile& file, const std::string& source, Program& program,
                            const std::string& path, std::vector<Error>* warnings) {
  uint32_t index = uint32_t(program.files.size());
  Lowerer l(program, index, path, warnings);
  auto r = l.lowerFile(file);
  if (!r.ok()) return r;
  program.files.back().source = program.intern(source);
  if (program.files.size() == 1) program.hasTrace = true;  // every file's functions state their marks
  return r;
}

}  // namespace guard
