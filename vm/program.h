// A compiled program: everything a rule pack holds, in memory. Built by the
// compiler (compiler/lower.cpp), written and read by vm/pack.cpp, checked by
// vm/verify.cpp, run by vm/interp.cpp, printed by vm/disasm.cpp, and read by
// the reporters for clause texts, messages and source positions.
//
// All cross references are indices into the tables below; strings are
// indices into `strings`. kNone marks an absent index.
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/document.h"
#include "runtime/regex.h"
#include "vm/opcodes.h"
#include "vm/vocabulary.h"

namespace guard::vm {

inline constexpr uint32_t kNone = UINT32_MAX;

struct ProgramFacts;  // vm/analysis.h

enum class FuncKind : uint8_t {
  Cnf,        // evaluates clauses, returns a status; opens a frame for its slots
  Set,        // evaluates a query or call, returns a result set; runs in its caller's frame
  FileScope,  // no code: holds the file-level variable slots
};

// A variable slot of a frame: a `let`, a rule parameter, or a capture.
struct Slot {
  uint32_t name = kNone;  // string id
  uint32_t init = kNone;  // Set function that computes it lazily; kNone for params/captures
};

// Where a construct that cfn-guard's trace (`--verbose`, `--print-json`,
// `test -v`) shows as a record opens or closes, stated by the compiler
// (compiler/lower.cpp) for the instruction `at` of its function, checked by
// the verifier (vm/verify.cpp: indices, opcodes, nesting on every path) and
// read by trace mode (vm/trace.cpp). Stored in the pack's optional debug
// section 15; only trace mode needs them.
struct TraceMark {
  enum Open : uint8_t {
    kOpenClause = 1,    // CLAUSE_BEGIN of an access clause (info = clause)
    kOpenBlock = 2,     // CLAUSE_BEGIN of a block clause (info = block)
    kOpenType = 4,      // first instruction of a type block (block = the TYPE_BLOCK's block)
    kOpenTypeWhen = 8,  // COND_BEGIN of a type block's conditions (block as above)
    kOpenWhen = 16,     // COND_BEGIN of a `when` clause (disj: 1 in a rule body, else 0)
  };
  enum Close : uint8_t {
    kCloseCond = 1,  // COND_END of a `when` or type block (status = the conditions' register)
    kCloseWhen = 2,  // CALL_CNF of a `when` body, and the ST_SET of its skipped path
    kCloseType = 4,  // TYPE_BLOCK, and the ST_SET of its skipped path
  };
  static constexpr uint8_t kOpenMask = 31, kCloseMask = 7;
  uint32_t at = 0;      // instruction index
  uint8_t open = 0;     // Open bits
  uint8_t close = 0;    // Close bits
  // DISJ_BEGIN: the record's context, 0 GuardClause, 1 RuleClause, 2
  // WhenGuardClause; kOpenWhen: 1 in a rule body, else 0.
  uint8_t disj = 0;
  uint32_t info = UINT32_MAX;    // kOpenClause: clause; kOpenBlock: block
  uint32_t block = UINT32_MAX;   // kOpenType / kOpenTypeWhen: block
  uint32_t status = UINT32_MAX;  // kCloseCond: status register
};

struct Function {
  uint32_t name = kNone;  // string id, for listings ("rule tasks_denied_root", "filter@3:12")
  FuncKind kind = FuncKind::Cnf;
  uint32_t file = kNone;  // rules file index
  uint16_t numRegs = 0;
  uint16_t numStatus = 0;
  std::vector<Slot> slots;
  std::vector<Instr> code;
  std::vector<uint32_t> lines;  // 1-based source line of each instruction (0 unknown)
  std::vector<TraceMark> trace;  // in instruction order; see Program::hasTrace
  // Per instruction: 0, or one past the last step of the query this filter
  // (Q_FILTER, Q_KEYS_FILTER, Q_VALUES_FILTER) belongs to, when a later step
  // of that query can record (stepMayRecord, vm/analysis.h): the interpreter
  // then runs the filter and the query's rest member by member (depth first,
  // as cfn-guard orders the records; Machine::refineDepthFirst) instead of
  // step by step. It changes which records come out and in what order, so it
  // is required, not an optional fact: stated by the compiler
  // (compiler/lower.cpp), stored in pack section 18 (computed from the code
  // by the reader for packs of format 2.0 and 2.1), and checked by the
  // verifier against depthFirstEnds (vm/analysis.h). Empty: 0 everywhere.
  std::vector<uint32_t> depthFirst;
};

// What a Q_FILTER / Q_TYPE_SELECT takes as candidates, by the query part
// before it (spec §6.4 and differential cases 03 and 24). Lists: each element,
// always. Maps: after a key, each value of the map; after .*, [*] or [name],
// the map itself, selected by what the filter says of the member's scope
// (QValue::part: the value the reference's evaluation context holds there,
// not always the map); otherwise (an index, `this`, another filter: cfn-guard
// 3.1.1 panics) the map itself, tested on itself. Scalars: a candidate only
// after [*], [name] or a variable; otherwise unresolved.
enum class FilterMode : uint8_t {
  AfterKey = 0,
  AfterAllIndices = 1,  // [*], [name], or a variable (with or without [*])
  AfterAllValues = 2,   // .*
  AfterOther = 3,       // an index, `this`, a filter or a keys filter
};
inline constexpr uint32_t kFilterModeCount = 4;
// Their names in listings; also part of the instruction-set fingerprint
// (vm/pack.cpp), since a pack's filter operands mean these modes.
inline constexpr const char* kFilterModeNames[kFilterModeCount] = {"after-key", "after-star",
                                                                   "after-values", "after-other"};

// The numbering of the compiler's enums as packs store it (PartKind,
// RhsKind, RuleKind, FuncKind; CmpOp's are vm/operators.def's spellings): part of the instruction-set
// fingerprint, so that a pack written with another numbering is refused
// instead of being read with other meanings. Add a name when an enumerator is
// added (the static_asserts below count them).
inline constexpr const char* kPartKindNames[] = {"this", "variable", "key", "index", "all-values",
                                                 "all-indices", "key-capture", "filter",
                                                 "keys-filter", "interpolate"};
static_assert(std::size(kPartKindNames) == size_t(PartKind::Interpolate) + 1);
inline constexpr const char* kRhsKindNames[] = {"none", "literal", "query", "call"};
inline constexpr const char* kRuleKindNames[] = {"default", "named", "parameterized"};
inline constexpr const char* kFuncKindNames[] = {"cnf", "set", "file-scope"};
static_assert(std::size(kFuncKindNames) == size_t(FuncKind::FileScope) + 1);

struct Part {
  PartKind kind = PartKind::Key;
  uint32_t query = kNone;      // Program::queries index
  uint32_t position = 0;       // index of this part in the query's parts
  // Key: key name; TypeSelect: the type string; Interpolate: the evaluation
  // error it raises on a map, when the part after it is one cfn-guard 3.1.1
  // does not support there (.*, a filter, a keys filter).
  uint32_t key = kNone;
  std::vector<uint32_t> keyAlternatives;  // Key: case conversions (§6.3), in order
  // Index; Filter: number of conjunctions (verbose records); Interpolate with
  // pickIndex: the index of the part after it.
  int64_t index = 0;
  // Interpolate: the part after it is [N], which 3.1.1 applies twice: it first
  // picks the N-th member of the variable's values as the key names.
  bool pickIndex = false;
  // Filter: Cnf function; KeysFilter: Set function for the rhs query;
  // Interpolate: Set function for the variable that names the keys.
  uint32_t func = kNone;
  uint32_t literal = kNone;    // KeysFilter: rhs literal
  CmpOp keysOp = CmpOp::Eq;
  bool keysNegated = false;
  uint32_t captureSlot = kNone;  // Capture / Filter with capture: slot of the file scope (captures live there)
};

// The text of each part of a query (spec §7.6.1 forms) for remaining_query.
struct QueryText {
  std::vector<uint32_t> parts;  // string ids
};

enum class RhsKind : uint8_t { None, Literal, Query, Call };
static_assert(std::size(kRhsKindNames) == size_t(RhsKind::Call) + 1);

struct ClauseInfo {
  CmpOp op = CmpOp::Exists;
  bool opNegated = false;
  bool clauseNegated = false;
  bool some = false;
  bool emptyOnSet = false;   // `empty` tests the result set (query ends in a filter, or bare %var)
  RhsKind rhs = RhsKind::None;
  uint32_t context = kNone;  // clause text, spec §7.6.1
  uint32_t message = kNone;  // custom message
  uint32_t file = kNone;
  uint32_t line = 0, column = 0;
};

struct BlockInfo {
  uint32_t body = kNone;     // Cnf function run once per member
  bool some = false;
  bool notEmpty = false;     // q !empty { }: an empty selection FAILs
  uint32_t context = kNone;  // query text for records
  uint32_t typeName = kNone; // TYPE_BLOCK: the resource type
  uint32_t file = kNone;
  uint32_t line = 0, column = 0;
};

struct RuleRefInfo {
  uint32_t name = kNone;
  bool negated = false;
  uint32_t message = kNone;
  uint32_t file = kNone;
  uint32_t line = 0, column = 0;
};

struct ParamCallInfo {
  uint32_t name = kNone;
  uint16_t numArgs = 0;
  bool negated = false;       // parsed but ignored, as in 3.1.1
  uint32_t message = kNone;
  uint32_t file = kNone;
  uint32_t line = 0, column = 0;
};

struct CallInfo {
  int32_t builtin = -1;       // runtime/functions.h id; -1: unknown (error when evaluated)
  uint32_t name = kNone;
  uint16_t numArgs = 0;
};

enum class RuleKind : uint8_t { Default, Named, Parameterized };
static_assert(std::size(kRuleKindNames) == size_t(RuleKind::Parameterized) + 1);

struct RuleInfo {
  uint32_t name = kNone;      // "default" for the default rule
  uint32_t file = kNone;
  RuleKind kind = RuleKind::Named;
  uint32_t when = kNone;      // Cnf function of the when conditions (file scope), or kNone
  uint32_t body = kNone;      // Cnf function
  uint16_t numParams = 0;     // parameters are the body's first slots
  uint32_t line = 0;
};

struct FileInfo {
  uint32_t name = kNone;      // rules file name as reported
  uint32_t scope = kNone;     // FileScope function holding the file-level lets
  std::vector<uint32_t> rules;  // RuleInfo indices in evaluation order (default rule first)
  bool empty = false;         // only whitespace and comments
  uint32_t source = kNone;    // the source text (for listings)
};

struct Program {
  std::vector<std::string> strings;
  // Literal values live in `literalPool` (regexes compiled into `regexes`).
  std::unique_ptr<Document> literalPool = std::make_unique<Document>();
  std::vector<const Node*> literals;
  std::vector<std::unique_ptr<Regex>> regexes;
  std::vector<Function> functions;
  std::vector<Part> parts;
  std::vector<QueryText> queries;
  std::vector<ClauseInfo> clauses;
  std::vector<BlockInfo> blocks;
  std::vector<RuleRefInfo> ruleRefs;
  std::vector<ParamCallInfo> paramCalls;
  std::vector<CallInfo> calls;
  std::vector<RuleInfo> rules;
  std::vector<FileInfo> files;
  // Functions' `trace` marks are present (the compiler states them; a pack
  // has them when it has the debug section 15). Trace mode needs them.
  bool hasTrace = false;
  // What the interpreter may assume beyond what the verifier proves of the
  // code: stated by the compiler (compiler/compile.h stateFacts), stored in
  // the pack's optional section 16, and proved by verifyProgram before
  // anything runs (vm/analysis.h). Null: no facts (correct, slower).
  std::shared_ptr<const ProgramFacts> facts;

  const std::string& str(uint32_t id) const { return strings[id]; }
  // The id of `s`, adding it if new (used by the compiler and the pack reader).
  uint32_t intern(const std::string& s);

  // Remaining query text from part `position` of query `q` on (spec: remaining_query).
  std::string remainingQuery(uint32_t q, uint32_t position) const;
  // What cfn-guard names as the rest of the query of a member left
  // unresolved at `part` (its remaining_query, join's "unsatisfied part"):
  // the text from that part on, except for an index out of range, where it
  // passes the whole query (with the [*] its parser puts after a variable
  // that starts a query).
  std::string unresolvedRest(uint32_t part, bool indexOutOfRange) const;
  // The whole text of query `q` as cfn-guard prints it: its parser puts a
  // [*] after a variable that starts a query (`%v.x` is `%v[*].x`).
  std::string queryText(uint32_t q) const;

 private:
  std::unordered_map<std::string, uint32_t> stringIndex_;
};

}  // namespace guard::vm
