// The bytecode verifier (see verify.h for what it proves and what it leaves
// to the interpreter). One pass over the tables, one over each function's
// instructions, then a cycle check of the static call graph. Errors name the
// function and instruction index. Tested by tests/pack_test.cpp.
#include "vm/verify.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/functions.h"
#include "vm/analysis.h"

namespace guard::vm {
namespace {

const char* operandKindName(OperandKind k) {
  switch (k) {
    case OperandKind::None: return "none";
    case OperandKind::Reg: return "register";
    case OperandKind::Status: return "status register";
    case OperandKind::Depth: return "depth";
    case OperandKind::Slot: return "slot";
    case OperandKind::Imm: return "immediate";
    case OperandKind::Literal: return "literal";
    case OperandKind::Part: return "part";
    case OperandKind::Call: return "call";
    case OperandKind::Func: return "function";
    case OperandKind::Clause: return "clause";
    case OperandKind::Block: return "block";
    case OperandKind::RuleRef: return "rule reference";
    case OperandKind::ParamCall: return "parameterized call";
    case OperandKind::Target: return "jump target";
    case OperandKind::String: return "string";
  }
  return "?";
}

const char* funcKindName(FuncKind k) {
  switch (k) {
    case FuncKind::Cnf: return "cnf";
    case FuncKind::Set: return "set";
    case FuncKind::FileScope: return "file-scope";
  }
  return "?";
}

// The part kind each query opcode expects of its Part operand.
bool expectedPartKind(Op op, PartKind& kind) {
  switch (op) {
    case Op::Q_KEY: kind = PartKind::Key; return true;
    case Op::Q_INDEX: kind = PartKind::Index; return true;
    case Op::Q_ALL_VALUES: kind = PartKind::AllValues; return true;
    case Op::Q_ALL_INDICES: kind = PartKind::AllIndices; return true;
    case Op::Q_CAPTURE: kind = PartKind::KeyCapture; return true;
    case Op::Q_FILTER: kind = PartKind::Filter; return true;
    case Op::Q_TYPE_SELECT: kind = PartKind::Filter; return true;  // a type-equality filter
    case Op::Q_KEYS_FILTER: kind = PartKind::KeysFilter; return true;
    case Op::Q_INTERP: kind = PartKind::Interpolate; return true;
    case Op::Q_VALUES_FILTER: case Op::Q_VALUES_OF_TYPE:  // the .*; the filter is part C+1
      kind = PartKind::AllValues; return true;
    default: return false;
  }
}

// The function kind each opcode expects of its Func operand.
FuncKind expectedFuncKind(Op op) { return op == Op::Q_SUBQUERY ? FuncKind::Set : FuncKind::Cnf; }

bool isTerminator(Op op) {
  return op == Op::RET_STATUS || op == Op::RET_SET || op == Op::JUMP || op == Op::RAISE;
}

class Verifier {
 public:
  explicit Verifier(const Program& p) : p_(p) {
    for (const Function& f : p.functions) maxSlots_ = std::max<size_t>(maxSlots_, f.slots.size());
  }

  Result<Unit> run() {
    bool ok = checkLiterals() && checkFunctionTables() && checkParts() && checkQueries() &&
              checkClauses() && checkBlocks() && checkRuleRefs() && checkParamCalls() &&
              checkCalls() && checkRules() && checkFiles() && checkCode() && checkCallGraph() &&
              checkDepthFirst() && checkTrace() && checkFacts();
    if (ok) return Unit{};
    return error_ ? std::move(*error_) : Error::plain(ErrorKind::PackVerify, "");
  }

 private:
  const Program& p_;
  size_t maxSlots_ = 0;
  // What is being checked, turned into text only when a check fails: a table
  // entry, or a function and maybe one of its instructions.
  const char* table_ = nullptr;
  size_t index_ = 0;
  uint32_t func_ = kNone, instr_ = kNone;
  // The failure that ended the checks (each check stops at its first one);
  // run() hands it over.
  std::optional<Error> error_;

  bool fail(const std::string& msg) {
    const std::string w = where();
    error_ = Error::plain(ErrorKind::PackVerify, w.empty() ? msg : w + ": " + msg);
    return false;
  }
  void at(const char* table, size_t i) { table_ = table, index_ = i, func_ = instr_ = kNone; }
  void atFunction(uint32_t f, uint32_t instr = kNone) { table_ = nullptr, func_ = f, instr_ = instr; }
  void clearWhere() { table_ = nullptr, func_ = instr_ = kNone; }

  std::string where() const {
    if (table_) return std::string(table_) + " " + std::to_string(index_);
    if (func_ == kNone) return {};
    std::string s = funcLabel(func_);
    if (instr_ == kNone) return s;
    s += ", instruction " + std::to_string(instr_);
    const Op op = p_.functions[func_].code[instr_].op;
    if (op < Op::Count_) s += std::string(" (") + opInfo(op).name + ")";
    return s;
  }

  std::string funcLabel(uint32_t f) const {
    std::string s = "function f" + std::to_string(f);
    uint32_t name = p_.functions[f].name;
    if (name < p_.strings.size()) s += " '" + p_.strings[name].substr(0, 200) + "'";
    return s;
  }

  // An index into a table of `size` entries; kNone allowed when `optional`.
  bool index(uint32_t v, size_t size, const char* what, bool optional) {
    if (v == kNone && optional) return true;
    if (v < size) return true;
    if (v == kNone) return fail(std::string("missing ") + what);
    return fail(std::string(what) + " " + std::to_string(v) + " out of range (" +
                std::to_string(size) + " entries)");
  }
  bool str(uint32_t v, const char* what, bool optional = true) {
    return index(v, p_.strings.size(), what, optional);
  }
  bool file(uint32_t v) { return index(v, p_.files.size(), "file", true); }
  bool func(uint32_t v, const char* what, FuncKind kind, bool optional) {
    if (!index(v, p_.functions.size(), what, optional)) return false;
    if (v == kNone || p_.functions[v].kind == kind) return true;
    return fail(std::string(what) + " f" + std::to_string(v) + " is a " +
                funcKindName(p_.functions[v].kind) + " function, expected " + funcKindName(kind));
  }

  // ---------------------------------------------------------------- literals

  bool checkLiterals() {
    for (size_t i = 0; i < p_.literals.size(); ++i) {
      at("literal", i);
      if (p_.literals[i] && p_.literals[i]->parent) return fail("a literal's root has a parent");
      if (!checkNode(p_.literals[i], 1)) return false;
    }
    clearWhere();
    return true;
  }

  bool checkNode(const Node* n, uint32_t depth) {
    if (!n) return fail("null node");
    if (depth > kMaxLiteralDepth)
      return fail("nested deeper than " + std::to_string(kMaxLiteralDepth) + " levels");
    switch (n->kind) {
      case NodeKind::Null: case NodeKind::Bool: case NodeKind::Int: case NodeKind::Float:
        return true;
      case NodeKind::String:
        return n->str.size == 0 || n->str.data || fail("string without text");
      case NodeKind::Regex:
        if (n->str.size && !n->str.data) return fail("regex without text");
        return n->str.re || fail("regex not compiled");
      case NodeKind::Char:
        return n->ch <= 0x10FFFF || fail("char beyond U+10FFFF");
      case NodeKind::RangeInt: case NodeKind::RangeFloat:
        return checkRangeFlags(n);
      case NodeKind::RangeChar:
        if (n->crange.lo > 0x10FFFF || n->crange.hi > 0x10FFFF) return fail("char beyond U+10FFFF");
        return checkRangeFlags(n);
      case NodeKind::List: return checkList(n, depth);
      case NodeKind::Map: return checkMap(n, depth);
    }
    return fail("unknown node kind " + std::to_string(unsigned(n->kind)));
  }
  // A child's parent, when set, is its container: paths of literal values
  // (pathOf) walk up the parents and must reach the root.
  bool checkChild(const Node* container, const Node* child, uint32_t depth) {
    if (child && child->parent && child->parent != container)
      return fail("a nested value whose parent is not its container");
    return checkNode(child, depth + 1);
  }
  bool checkRangeFlags(const Node* n) {
    return (n->flags & ~(kLowerInclusive | kUpperInclusive)) == 0 || fail("unknown range flags");
  }
  bool checkList(const Node* n, uint32_t depth) {
    if (n->list.size && !n->list.items) return fail("list without items");
    for (uint32_t i = 0; i < n->list.size; ++i)
      if (!checkChild(n, n->list.items[i], depth)) return false;
    return true;
  }
  bool checkMap(const Node* n, uint32_t depth) {
    if (n->map.size && !n->map.entries) return fail("map without entries");
    for (uint32_t i = 0; i < n->map.size; ++i) {
      const MapEntry& e = n->map.entries[i];
      if (e.keyLen && !e.key) return fail("map key without text");
      if (!checkChild(n, e.value, depth)) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- tables

  bool checkFunctionTables() {
    for (size_t i = 0; i < p_.functions.size(); ++i) {
      const Function& f = p_.functions[i];
      atFunction(uint32_t(i));
      if (f.kind > FuncKind::FileScope) return fail("unknown function kind");
      if (!str(f.name, "name") || !file(f.file)) return false;
      if (f.numRegs > kMaxRegisters || f.numStatus > kMaxRegisters)
        return fail("more than " + std::to_string(kMaxRegisters) + " registers");
      for (const Slot& s : f.slots)
        // Every slot has a name: an uninitialised one is looked up by it (a
        // capture, a caller's variable), and its errors print it.
        if (!str(s.name, "slot name", false) || !func(s.init, "slot initialiser", FuncKind::Set, true))
          return false;
      if (f.lines.size() != f.code.size())
        return fail(std::to_string(f.lines.size()) + " line entries for " +
                    std::to_string(f.code.size()) + " instructions");
    }
    clearWhere();
    return true;
  }

  bool checkParts() {
    for (size_t i = 0; i < p_.parts.size(); ++i) {
      const Part& pt = p_.parts[i];
      at("part", i);
      if (pt.kind > PartKind::Interpolate) return fail("unknown part kind");
      if (!isValidCmpOp(uint8_t(pt.keysOp))) return fail("unknown keys operator");
      if (!index(pt.query, p_.queries.size(), "query", true) || !str(pt.key, "key")) return false;
      if (pt.query != kNone && pt.position >= p_.queries[pt.query].parts.size())
        return fail("position beyond its query's parts");
      for (uint32_t k : pt.keyAlternatives)
        if (!str(k, "key alternative", false)) return false;
      if (!index(pt.literal, p_.literals.size(), "literal", true)) return false;
      if (pt.captureSlot != kNone && pt.captureSlot >= maxSlots_)
        return fail("capture slot beyond every frame");
      if (!checkPartFunc(pt)) return false;
    }
    clearWhere();
    return true;
  }
  bool checkPartFunc(const Part& pt) {
    if (pt.kind == PartKind::Filter) return func(pt.func, "filter function", FuncKind::Cnf, true);
    if (pt.kind == PartKind::KeysFilter)
      return func(pt.func, "keys filter query", FuncKind::Set, true);
    if (pt.kind == PartKind::Interpolate)
      return func(pt.func, "interpolated variable", FuncKind::Set, false);
    return pt.func == kNone || fail("a function on a part that runs none");
  }

  bool checkQueries() {
    for (size_t i = 0; i < p_.queries.size(); ++i) {
      at("query", i);
      for (uint32_t s : p_.queries[i].parts)
        if (!str(s, "part text", false)) return false;
    }
    clearWhere();
    return true;
  }

  bool checkClauses() {
    for (size_t i = 0; i < p_.clauses.size(); ++i) {
      const ClauseInfo& c = p_.clauses[i];
      at("clause", i);
      if (!isValidCmpOp(uint8_t(c.op))) return fail("unknown operator");
      if (c.rhs > RhsKind::Call) return fail("unknown right-hand side kind");
      // Reports print every clause's text.
      if (!str(c.context, "context", false) || !str(c.message, "message") || !file(c.file))
        return false;
    }
    clearWhere();
    return true;
  }

  bool checkBlocks() {
    for (size_t i = 0; i < p_.blocks.size(); ++i) {
      const BlockInfo& b = p_.blocks[i];
      at("block", i);
      if (!func(b.body, "body", FuncKind::Cnf, false) || !str(b.context, "context", false) ||
          !str(b.typeName, "type name") || !file(b.file))
        return false;
    }
    clearWhere();
    return true;
  }

  bool checkRuleRefs() {
    for (size_t i = 0; i < p_.ruleRefs.size(); ++i) {
      const RuleRefInfo& r = p_.ruleRefs[i];
      at("rule reference", i);
      if (!str(r.name, "rule name", false) || !str(r.message, "message") || !file(r.file))
        return false;
    }
    clearWhere();
    return true;
  }

  bool checkParamCalls() {
    for (size_t i = 0; i < p_.paramCalls.size(); ++i) {
      const ParamCallInfo& c = p_.paramCalls[i];
      at("parameterized call", i);
      if (!str(c.name, "rule name", false) || !str(c.message, "message") || !file(c.file))
        return false;
    }
    clearWhere();
    return true;
  }

  bool checkCalls() {
    for (size_t i = 0; i < p_.calls.size(); ++i) {
      const CallInfo& c = p_.calls[i];
      at("call", i);
      if (c.builtin < -1) return fail("negative builtin id");
      if (c.builtin >= builtinCount()) return fail("unknown builtin id " + std::to_string(c.builtin));
      if (!str(c.name, "function name", false)) return false;
    }
    clearWhere();
    return true;
  }

  bool checkRules() {
    for (size_t i = 0; i < p_.rules.size(); ++i) {
      const RuleInfo& r = p_.rules[i];
      at("rule", i);
      if (r.kind > RuleKind::Parameterized) return fail("unknown rule kind");
      if (!str(r.name, "rule name", false) || !file(r.file) ||
          !func(r.when, "when function", FuncKind::Cnf, true) ||
          !func(r.body, "body", FuncKind::Cnf, false))
        return false;
      if (r.numParams > p_.functions[r.body].slots.size())
        return fail("more parameters than body slots");
    }
    clearWhere();
    return true;
  }

  bool checkFiles() {
    for (size_t i = 0; i < p_.files.size(); ++i) {
      const FileInfo& f = p_.files[i];
      at("file", i);
      if (!str(f.name, "file name", false) || !str(f.source, "source") ||
          !func(f.scope, "scope", FuncKind::FileScope, false))
        return false;
      for (uint32_t r : f.rules)
        if (!index(r, p_.rules.size(), "rule", false)) return false;
    }
    clearWhere();
    return true;
  }

  // ---------------------------------------------------------------- code

  bool checkCode() {
    for (size_t i = 0; i < p_.functions.size(); ++i)
      if (!checkFunctionCode(uint32_t(i))) return false;
    clearWhere();
    return true;
  }

  bool checkFunctionCode(uint32_t fi) {
    const Function& f = p_.functions[fi];
    atFunction(fi);
    if (f.kind == FuncKind::FileScope) return f.code.empty() || fail("a file scope has no code");
    if (f.code.empty()) return fail("no instructions");
    for (size_t i = 0; i < f.code.size(); ++i) {
      atFunction(fi, uint32_t(i));
      if (!checkInstr(f, uint32_t(i), f.code[i])) return false;
    }
    if (!isTerminator(f.code.back().op))
      return fail("the last instruction does not return, jump or raise");
    return checkMarkers(fi) && checkRegisterDefs(fi);
  }

  // ---------------------------------------------------------------- register definitions
  // The register a Q_COPY reads (a query prefix its block computed once,
  // compiler/lower.cpp) was written before it on every path through the
  // function: register files are reused between calls, so an unwritten
  // register would hold another call's values. Jumps go forward only, so one
  // pass in instruction order meets every predecessor first; where paths
  // meet, a register is written if it is on all of them. (Only Q_COPY's
  // source is checked: the other readers read the register their own query
  // or arguments wrote just before, and hand-built programs in the tests read
  // registers nothing wrote.)

  using RegSet = std::vector<uint64_t>;

  bool checkRegisterDefs(uint32_t fi) {
    const Function& f = p_.functions[fi];
    if (std::none_of(f.code.begin(), f.code.end(), [](const Instr& in) { return in.op == Op::Q_COPY; }))
      return true;  // nothing to prove (most functions)
    const size_t words = (size_t(f.numRegs) + 63) / 64;
    std::unordered_map<uint32_t, RegSet> atTarget;  // written on every jump seen to it
    RegSet cur(words, 0);
    bool reached = true;
    auto meet = [&](uint32_t target) {
      auto [it, added] = atTarget.try_emplace(target, cur);
      if (!added)
        for (size_t w = 0; w < words; ++w) it->second[w] &= cur[w];
    };
    for (uint32_t pc = 0; pc < f.code.size(); ++pc) {
      if (auto it = atTarget.find(pc); it != atTarget.end()) {
        if (reached)
          for (size_t w = 0; w < words; ++w) cur[w] &= it->second[w];
        else
          cur = it->second;
        reached = true;
        atTarget.erase(it);
      }
      if (!reached) continue;  // no path leads here
      const Instr& in = f.code[pc];
      if (in.op == Op::Q_COPY && !(cur[in.b / 64] >> (in.b % 64) & 1)) {
        atFunction(fi, pc);
        return fail("reads r" + std::to_string(in.b) + ", which is not written on every path before it");
      }
      if (opInfo(in.op).a == OperandKind::Reg) cur[in.a / 64] |= uint64_t(1) << (in.a % 64);
      if (opInfo(in.op).c == OperandKind::Target) meet(in.c);
      if (isTerminator(in.op)) reached = false;
    }
    return true;
  }

  // ---------------------------------------------------------------- markers
  // CLAUSE_BEGIN, DISJ_BEGIN and COND_BEGIN open records or suppression that
  // the interpreter keeps on machine-wide stacks; what closes them
  // (CHECK_UNARY, CHECK_BINARY and BLOCK close a clause, DISJ_END a
  // disjunction, COND_END conditions) pops the top. So on every path through
  // a function the markers must nest like brackets, each closer must meet its
  // own opener on top, and every return must find none open: otherwise a
  // clause's end would erase the record of a disjunction still open, or pop
  // an empty stack. Jumps go forward only, so one pass in instruction order
  // sees every predecessor of an instruction before it; the open markers are
  // interned as nodes of a tree (parent, marker), so that two paths meet with
  // the same markers exactly when they carry the same node.

  enum class Marker : uint8_t { Clause, Disjunction, Conditions };
  static constexpr uint32_t kUnreached = UINT32_MAX;
  static constexpr uint32_t kNoMarkers = 0;  // the root node: nothing open

  struct MarkerStacks {
    std::vector<std::pair<uint32_t, Marker>> nodes{{kUnreached, Marker::Clause}};  // [0] = root
    std::unordered_map<uint64_t, uint32_t> children;

    uint32_t push(uint32_t at, Marker m) {
      const uint64_t key = (uint64_t(at) << 2) | uint64_t(m);
      auto [it, added] = children.try_emplace(key, uint32_t(nodes.size()));
      if (added) nodes.push_back({at, m});
      return it->second;
    }
  };

  static const char* markerName(Marker m) {
    switch (m) {
      case Marker::Clause: return "CLAUSE_BEGIN";
      case Marker::Disjunction: return "DISJ_BEGIN";
      case Marker::Conditions: return "COND_BEGIN";
    }
    return "?";
  }

  bool checkMarkers(uint32_t fi) {
    const Function& f = p_.functions[fi];
    MarkerStacks stacks;
    std::vector<uint32_t> state(f.code.size(), kUnreached);
    state[0] = kNoMarkers;
    // Joins a path into instruction `to` with open markers `open`.
    auto reach = [&](uint32_t to, uint32_t open) {
      if (state[to] == kUnreached || state[to] == open) {
        state[to] = open;
        return true;
      }
      return fail("paths reach instruction " + std::to_string(to) + " with different open markers");
    };
    for (uint32_t pc = 0; pc < f.code.size(); ++pc) {
      atFunction(fi, pc);
      if (state[pc] == kUnreached) continue;  // dead code: never runs
      const Instr& in = f.code[pc];
      uint32_t open = state[pc];
      if (!step(stacks, in.op, open)) return false;
      if (in.op == Op::JUMP || in.op == Op::JUMP_IF_PASS || in.op == Op::JUMP_UNLESS_PASS)
        if (!reach(in.c, open)) return false;
      if (in.op == Op::RET_STATUS || in.op == Op::RET_SET) {
        if (open != kNoMarkers)
          return fail("returns with " + std::string(markerName(stacks.nodes[open].second)) + " still open");
        continue;
      }
      if (isTerminator(in.op)) continue;  // RAISE ends the evaluation; JUMP handled above
      if (pc + 1 < f.code.size() && !reach(pc + 1, open)) return false;
    }
    return true;
  }

  // The open markers after one instruction.
  bool step(MarkerStacks& stacks, Op op, uint32_t& open) {
    auto close = [&](Marker m) {
      if (open == kNoMarkers) return fail(std::string("closes a ") + markerName(m) + " that is not open");
      if (stacks.nodes[open].second != m)
        return fail(std::string("closes a ") + markerName(m) + " while a " +
                    markerName(stacks.nodes[open].second) + " is open inside it");
      open = stacks.nodes[open].first;
      return true;
    };
    switch (op) {
      case Op::CLAUSE_BEGIN: open = stacks.push(open, Marker::Clause); return true;
      case Op::DISJ_BEGIN: open = stacks.push(open, Marker::Disjunction); return true;
      case Op::COND_BEGIN: open = stacks.push(open, Marker::Conditions); return true;
      case Op::CHECK_UNARY: case Op::CHECK_BINARY: case Op::BLOCK: return close(Marker::Clause);
      case Op::DISJ_END: return close(Marker::Disjunction);
      case Op::COND_END: return close(Marker::Conditions);
      default: return true;
    }
  }

  bool checkInstr(const Function& f, uint32_t pc, const Instr& in) {
    if (static_cast<unsigned>(in.op) >= kNumOps)
      return fail("unknown opcode " + std::to_string(unsigned(in.op)));
    const OpInfo& info = opInfo(in.op);
    // The first argument register of a call is checked with its count (args below).
    const bool argsInB = in.op == Op::Q_CALL || in.op == Op::PARAM_CALL;
    return checkOperand(f, pc, info.a, in.a, "A") &&
           (argsInB || checkOperand(f, pc, info.b, in.b, "B")) &&
           checkOperand(f, pc, info.c, in.c, "C") && checkOpcodeRules(f, in);
  }

  // One operand against its kind from vm/opcodes.def.
  bool checkOperand(const Function& f, uint32_t pc, OperandKind kind, uint32_t v, const char* which) {
    auto range = [&](size_t size) {
      if (v < size) return true;
      return fail(std::string("operand ") + which + ": " + operandKindName(kind) + " " +
                  std::to_string(v) + " out of range (" + std::to_string(size) + ")");
    };
    switch (kind) {
      case OperandKind::None:
        return v == 0 || fail(std::string("operand ") + which + " must be 0");
      case OperandKind::Reg: return range(f.numRegs);
      case OperandKind::Status: return range(f.numStatus);
      case OperandKind::Depth: return range(p_.functions.size() + 1);
      case OperandKind::Slot: return range(maxSlots_);
      case OperandKind::Imm: return true;  // opcode-specific, see checkOpcodeRules
      case OperandKind::Literal: return range(p_.literals.size());
      case OperandKind::Part: return range(p_.parts.size());
      case OperandKind::Call: return range(p_.calls.size());
      case OperandKind::Func: return range(p_.functions.size());
      case OperandKind::Clause: return range(p_.clauses.size());
      case OperandKind::Block: return range(p_.blocks.size());
      case OperandKind::RuleRef: return range(p_.ruleRefs.size());
      case OperandKind::ParamCall: return range(p_.paramCalls.size());
      case OperandKind::String: return range(p_.strings.size());
      case OperandKind::Target:
        if (!range(f.code.size())) return false;
        // Forward jumps only: Guard has no loops, and this makes every function terminate.
        return v > pc || fail("jump target " + std::to_string(v) + " is not after the jump");
    }
    return fail("unknown operand kind");
  }

  // Facts about particular opcodes beyond their operand kinds.
  bool checkOpcodeRules(const Function& f, const Instr& in) {
    const Op op = in.op;
    PartKind want;
    if (expectedPartKind(op, want) && !checkPartUse(op, p_.parts[in.c], want)) return false;
    switch (op) {
      case Op::Q_SUBQUERY: case Op::CALL_CNF:
        return func(in.c, "function", expectedFuncKind(op), false);
      case Op::Q_FILTER: case Op::Q_TYPE_SELECT:
        return in.b < kFilterModeCount || fail("unknown filter mode");
      case Op::Q_VALUES_FILTER: case Op::Q_VALUES_OF_TYPE: return checkFusedSelect(in);
      case Op::ST_SET:
        return in.c <= uint32_t(Status::Fail) || fail("unknown status " + std::to_string(in.c));
      case Op::CHECK_BINARY: return args(f, in.b, 2);
      case Op::Q_CALL: return args(f, in.b, p_.calls[in.c].numArgs);
      case Op::PARAM_CALL: return args(f, in.b, p_.paramCalls[in.c].numArgs);
      case Op::Q_VAR: return checkVar(f, in);
      case Op::TYPE_BLOCK:
        return p_.blocks[in.c].typeName != kNone || fail("type block without a type name");
      case Op::RET_STATUS:
        return f.kind == FuncKind::Cnf || fail("RET_STATUS outside a cnf function");
      case Op::RET_SET:
        return f.kind == FuncKind::Set || fail("RET_SET outside a set function");
      default: return true;
    }
  }

  bool checkPartUse(Op op, const Part& pt, PartKind want) {
    if (pt.kind != want) return fail("part of the wrong kind for this opcode");
    if ((op == Op::Q_KEY || op == Op::Q_TYPE_SELECT) && pt.key == kNone)
      return fail("part without a key");
    if (op == Op::Q_FILTER && pt.func == kNone) return fail("filter part without a function");
    if (op == Op::Q_KEYS_FILTER && pt.func == kNone && pt.literal == kNone)
      return fail("keys filter part without a right-hand side");
    return true;
  }

  // A fused `.*` + filter: part C is the `.*`, part C+1 the filter right
  // after it in the same query, complete for the opcode it stands for.
  bool checkFusedSelect(const Instr& in) {
    if (uint64_t(in.c) + 1 >= p_.parts.size()) return fail("no filter part after the .* part");
    const Part& values = p_.parts[in.c];
    const Part& filter = p_.parts[in.c + 1];
    if (filter.kind != PartKind::Filter) return fail("the part after the .* part is not a filter");
    if (filter.query != values.query || filter.position != values.position + 1)
      return fail("the filter part does not follow the .* part in its query");
    return checkPartUse(in.op == Op::Q_VALUES_FILTER ? Op::Q_FILTER : Op::Q_TYPE_SELECT, filter,
                        PartKind::Filter);
  }

  // Registers rB .. rB+n-1 hold the arguments; with no arguments B must be 0.
  bool args(const Function& f, uint32_t first, uint32_t n) {
    if (n == 0) return first == 0 || fail("operand B must be 0 for a call without arguments");
    if (uint64_t(first) + n <= f.numRegs) return true;
    return fail("argument registers r" + std::to_string(first) + "..r" +
                std::to_string(uint64_t(first) + n - 1) + " beyond " + std::to_string(f.numRegs) +
                " registers");
  }

  // Depth 0 in a Cnf function is the function's own frame: the slot must be one of its own.
  bool checkVar(const Function& f, const Instr& in) {
    if (in.b != 0 || f.kind != FuncKind::Cnf || in.c < f.slots.size()) return true;
    return fail("slot " + std::to_string(in.c) + " beyond the function's " +
                std::to_string(f.slots.size()) + " slots");
  }

  // ---------------------------------------------------------------- trace marks
  // The compiler's statement of where trace records open and close
  // (Function::trace, TraceMark). Trace mode pushes and pops records by them
  // and by the instructions that close clauses and disjunctions, so each mark
  // must sit at an instruction of the right opcode, name table entries in
  // range, and on every path the records must nest: never a pop of nothing,
  // the same depth where paths meet, none open at a return.

  bool checkTrace() {
    if (!p_.hasTrace) {
      for (size_t i = 0; i < p_.functions.size(); ++i)
        if (!p_.functions[i].trace.empty()) {
          atFunction(uint32_t(i));
          return fail("trace marks in a program without trace information");
        }
      return true;
    }
    for (uint32_t fi = 0; fi < p_.functions.size(); ++fi)
      if (!checkTraceMarks(fi) || !checkTraceNesting(fi)) return false;
    clearWhere();
    return true;
  }

  bool checkTraceMarks(uint32_t fi) {
    const Function& f = p_.functions[fi];
    for (size_t i = 0; i < f.trace.size(); ++i) {
      const TraceMark& m = f.trace[i];
      atFunction(fi);
      if (m.at >= f.code.size())
        return fail("trace mark at instruction " + std::to_string(m.at) + " of " +
                    std::to_string(f.code.size()));
      if (i > 0 && m.at <= f.trace[i - 1].at) return fail("trace marks out of instruction order");
      atFunction(fi, m.at);
      if (!checkTraceMark(f, m)) return false;
    }
    return true;
  }

  bool checkTraceMark(const Function& f, const TraceMark& m) {
    using M = TraceMark;
    const Op op = f.code[m.at].op;
    if ((m.open & ~M::kOpenMask) || (m.close & ~M::kCloseMask)) return fail("unknown trace mark bits");
    auto need = [&](bool ok, const char* what) { return ok || fail(std::string("trace mark: ") + what); };
    const uint8_t clauseBits = m.open & (M::kOpenClause | M::kOpenBlock);
    if (clauseBits && !need(op == Op::CLAUSE_BEGIN && clauseBits != (M::kOpenClause | M::kOpenBlock),
                            "a clause opens at one CLAUSE_BEGIN"))
      return false;
    if ((m.open & M::kOpenClause) && !index(m.info, p_.clauses.size(), "trace clause", false)) return false;
    if ((m.open & M::kOpenBlock) && !index(m.info, p_.blocks.size(), "trace block", false)) return false;
    if ((m.open & (M::kOpenType | M::kOpenTypeWhen))) {
      if (!index(m.block, p_.blocks.size(), "trace type block", false)) return false;
      if (!need(p_.blocks[m.block].typeName != kNone, "a type block without a type name")) return false;
    }
    if ((m.open & M::kOpenTypeWhen) && !need((m.open & M::kOpenType) && op == Op::COND_BEGIN,
                                             "type block conditions open at a COND_BEGIN with the type block"))
      return false;
    if ((m.open & M::kOpenWhen) &&
        !need(op == Op::COND_BEGIN && !(m.open & (M::kOpenType | M::kOpenTypeWhen)) && m.disj <= 1,
              "a when clause opens at its COND_BEGIN"))
      return false;
    if (!need(m.disj == 0 || op == Op::DISJ_BEGIN || (m.open & M::kOpenWhen), "a context on no disjunction") ||
        !need(m.disj <= 2, "unknown disjunction context"))
      return false;
    if ((m.close & M::kCloseCond) &&
        (!need(op == Op::COND_END, "conditions close at a COND_END") ||
         !index(m.status, f.numStatus, "trace status register", false)))
      return false;
    if ((m.close & M::kCloseWhen) && !need(op == Op::CALL_CNF || op == Op::ST_SET, "a when clause closes at its call or its skip"))
      return false;
    if ((m.close & M::kCloseType) && !need(op == Op::TYPE_BLOCK || op == Op::ST_SET, "a type block closes at TYPE_BLOCK or its skip"))
      return false;
    return true;
  }

  // Records a mark opens before its instruction runs (vm/trace.cpp traceBefore).
  static int tracePushes(const TraceMark& m) {
    using M = TraceMark;
    return !!(m.open & M::kOpenType) + !!(m.open & M::kOpenTypeWhen) + 2 * !!(m.open & M::kOpenWhen) +
           !!(m.open & M::kOpenClause) + !!(m.open & M::kOpenBlock);
  }
  // Records a mark closes after its instruction ran (traceAfter).
  static int tracePops(const TraceMark& m) {
    using M = TraceMark;
    return !!(m.close & M::kCloseCond) + !!(m.close & (M::kCloseWhen | M::kCloseType));
  }
  // Records the instruction itself opens (+) or closes (-) in trace mode (interp.cpp).
  static int traceEffect(Op op) {
    switch (op) {
      case Op::CHECK_UNARY: case Op::CHECK_BINARY: case Op::BLOCK: case Op::DISJ_END: return -1;
      case Op::DISJ_BEGIN: return 1;
      default: return 0;
    }
  }

  bool checkTraceNesting(uint32_t fi) {
    const Function& f = p_.functions[fi];
    if (f.code.empty()) return true;
    constexpr int64_t kUnreachedDepth = -1;
    std::vector<int64_t> depth(f.code.size(), kUnreachedDepth);
    depth[0] = 0;
    auto reach = [&](uint32_t to, int64_t d) {
      if (depth[to] == kUnreachedDepth || depth[to] == d) {
        depth[to] = d;
        return true;
      }
      return fail("trace records: paths reach instruction " + std::to_string(to) + " with different open records");
    };
    size_t mark = 0;
    for (uint32_t pc = 0; pc < f.code.size(); ++pc) {
      atFunction(fi, pc);
      while (mark < f.trace.size() && f.trace[mark].at < pc) ++mark;
      const TraceMark* m = mark < f.trace.size() && f.trace[mark].at == pc ? &f.trace[mark] : nullptr;
      if (depth[pc] == kUnreachedDepth) continue;
      int64_t d = depth[pc] + (m ? tracePushes(*m) : 0) + traceEffect(f.code[pc].op);
      if (d < 0) return fail("trace records: closes a record that is not open");
      if (m) d -= tracePops(*m);
      if (d < 0) return fail("trace records: closes a record that is not open");
      const Instr& in = f.code[pc];
      if (in.op == Op::JUMP || in.op == Op::JUMP_IF_PASS || in.op == Op::JUMP_UNLESS_PASS)
        if (!reach(in.c, d)) return false;
      if (in.op == Op::RET_STATUS || in.op == Op::RET_SET) {
        if (d != 0) return fail("trace records: returns with " + std::to_string(d) + " still open");
        continue;
      }
      if (isTerminator(in.op)) continue;
      if (pc + 1 < f.code.size() && !reach(pc + 1, d)) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- depth-first splits
  // Function::depthFirst is required: it decides which records a query makes
  // and in what order. The stated vector must be what the code says
  // (depthFirstEnds); a pack stating another is refused.

  bool checkDepthFirst() {
    for (uint32_t fi = 0; fi < p_.functions.size(); ++fi) {
      const Function& f = p_.functions[fi];
      atFunction(fi);
      if (!f.depthFirst.empty() && f.depthFirst.size() != f.code.size())
        return fail("depth-first ends for " + std::to_string(f.depthFirst.size()) + " instructions of " +
                    std::to_string(f.code.size()));
      const std::vector<uint32_t> derived = depthFirstEnds(f);
      for (uint32_t i = 0; i < derived.size(); ++i) {
        const uint32_t stated = f.depthFirst.empty() ? 0 : f.depthFirst[i];
        if (stated == derived[i]) continue;
        atFunction(fi, i);
        return fail("false fact: the stated depth-first end " + std::to_string(stated) +
                    " is not what the query's later steps need (" + std::to_string(derived[i]) + ")");
      }
    }
    clearWhere();
    return true;
  }

  // ---------------------------------------------------------------- facts

  bool checkFacts() {
    if (!p_.facts) return true;
    Status0 proved = proveFacts(p_, *p_.facts);
    return proved.ok() || fail(proved.error().message);
  }

  // ---------------------------------------------------------------- call graph
  // Nodes: the functions, then one node per (file, rule name) that a RULE_REF or
  // PARAM_CALL can resolve to, so that the edge count stays linear in the program.

  struct Graph {
    std::vector<std::vector<uint32_t>> edges;
    std::vector<uint32_t> ruleNameOf;  // per rule node: a string id of its name
  };

  // Rule nodes are keyed by file and name; names by a canonical string id (the
  // first with the same text), so that each name's text is hashed only once.
  class RuleNodes {
   public:
    explicit RuleNodes(const Program& p) : p_(p), canon_(p.strings.size(), kNone) {}
    uint64_t key(uint32_t file, uint32_t name) {
      if (canon_[name] == kNone) canon_[name] = byText_.try_emplace(p_.strings[name], name).first->second;
      return (uint64_t(file) << 32) | canon_[name];
    }
    std::unordered_map<uint64_t, uint32_t> nodes;  // key -> graph node

   private:
    const Program& p_;
    std::vector<uint32_t> canon_;
    std::unordered_map<std::string_view, uint32_t> byText_;
  };

  Graph callGraph() const {
    Graph g;
    g.edges.resize(p_.functions.size());
    RuleNodes rules(p_);
    for (const RuleInfo& r : p_.rules) {
      auto [it, added] = rules.nodes.try_emplace(rules.key(r.file, r.name), uint32_t(g.edges.size()));
      if (added) {
        g.edges.emplace_back();
        g.ruleNameOf.push_back(r.name);
      }
      if (r.when != kNone) g.edges[it->second].push_back(r.when);
      g.edges[it->second].push_back(r.body);
    }
    for (uint32_t fi = 0; fi < p_.functions.size(); ++fi) {
      for (const Slot& s : p_.functions[fi].slots)
        if (s.init != kNone) g.edges[fi].push_back(s.init);
      for (const Instr& in : p_.functions[fi].code) addEdge(g.edges[fi], in, rules);
    }
    return g;
  }

  void addEdge(std::vector<uint32_t>& out, const Instr& in, RuleNodes& rules) const {
    const OperandKind c = opInfo(in.op).c;
    if (c == OperandKind::Func) out.push_back(in.c);
    if (c == OperandKind::Block) out.push_back(p_.blocks[in.c].body);
    if (c == OperandKind::Part && p_.parts[in.c].func != kNone) out.push_back(p_.parts[in.c].func);
    if (in.op == Op::Q_VALUES_FILTER) out.push_back(p_.parts[in.c + 1].func);  // checkFusedSelect
    if (c != OperandKind::RuleRef && c != OperandKind::ParamCall) return;
    // A reference resolves among the rules of its own file (the interpreter also
    // bounds its call depth, for packs whose file fields lie).
    const bool isRef = c == OperandKind::RuleRef;
    const uint32_t file = isRef ? p_.ruleRefs[in.c].file : p_.paramCalls[in.c].file;
    const uint32_t name = isRef ? p_.ruleRefs[in.c].name : p_.paramCalls[in.c].name;
    auto it = rules.nodes.find(rules.key(file, name));
    if (it != rules.nodes.end()) out.push_back(it->second);
  }

  std::string nodeLabel(const Graph& g, uint32_t node) const {
    if (node < p_.functions.size()) return funcLabel(node);
    return "rule '" + p_.strings[g.ruleNameOf[node - p_.functions.size()]].substr(0, 200) + "'";
  }

  // Iterative depth-first search (no recursion on pack-controlled depth).
  bool checkCallGraph() {
    const Graph g = callGraph();
    enum : uint8_t { White, Grey, Black };
    std::vector<uint8_t> colour(g.edges.size(), White);
    std::vector<std::pair<uint32_t, size_t>> stack;  // node, next edge
    for (uint32_t root = 0; root < g.edges.size(); ++root) {
      if (colour[root] != White) continue;
      stack.push_back({root, 0});
      colour[root] = Grey;
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next == g.edges[node].size()) {
          colour[node] = Black;
          stack.pop_back();
          continue;
        }
        const uint32_t to = g.edges[node][next++];
        if (colour[to] == Grey) return fail("call cycle: " + nodeLabel(g, to) + " can start itself");
        if (colour[to] == White) {
          colour[to] = Grey;
          stack.push_back({to, 0});  // invalidates node/next: not used after this
        }
      }
    }
    return true;
  }
};

}  // namespace

Result<Unit> verifyProgram(const Program& program) { return Verifier(program).run(); }

}  // namespace guard::vm
