// The interpreter of the register VM. Runs the bytecode of a vm::Program
// over one document: queries build result sets in registers, checks turn
// them into statuses (spec/guard-language.md §6–§11), and failures are
// recorded for the reporters. Called through evaluateFile (interp.h).
//
// Frames: every Cnf function call opens a frame holding its variable slots
// (lazily evaluated lets, parameters, captures) and the value it visits
// (`this`); Set functions (let values) run in the frame that declares them.
// Register files are reused per call depth, so steady-state evaluation
// allocates only for new result members.
#include "vm/interp.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <optional>
#include <string>
#include <utility>

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>

#include "runtime/compare.h"
#include "runtime/functions.h"
#include "runtime/loader.h"
#include "runtime/prefetch.h"
#include "runtime/value_text.h"

// What the verifier proved (vm/verify.h), asserted where the interpreter
// relies on it, in debug and sanitizer builds: a failure here is a verifier
// bug, caught at its source instead of as heap damage later.
#if !defined(NDEBUG) || defined(__SANITIZE_ADDRESS__)
// Out of line, so that the checks add nothing to the interpreter's frame.
[[noreturn, gnu::cold, gnu::noinline]] static void verifiedInvariantBroken(const char* what, int line) {
  std::fprintf(stderr, "guardvm: verified invariant broken: %s (vm/interp.cpp:%d)\n", what, line);
  std::abort();
}
#define GUARD_VERIFIED(cond) \
  do {                       \
    if (!(cond)) verifiedInvariantBroken(#cond, __LINE__); \
  } while (0)
#else
#define GUARD_VERIFIED(cond) ((void)0)
#endif

namespace guard::vm {
namespace {

using ast::CmpOp;

struct SlotState {
  uint8_t state = 0;  // 0 not evaluated, 1 evaluating, 2 ready
  ResultSet value;
};

struct Frame {
  Frame* parent = nullptr;
  // A parameterized rule's frame: the frame it was called from, where the
  // names it does not declare are looked up (Q_DYNVAR).
  Frame* caller = nullptr;
  const Node* self = nullptr;
  // The value a query that starts from `this` stands in when a filter after
  // .*, [*] or [name] picks its scope (filterScope): the frame's own `this`,
  // except in a filter's frame, which keeps its parent's. cfn-guard evaluates
  // a filter's clauses without a scope of their own; rule bodies, blocks,
  // `when` bodies and parameterized rules open one (tests/differential/cases/
  // s9-filter-scope-skips-filters).
  const Node* scope = nullptr;
  uint32_t func = kNone;  // the function whose slots this frame holds
  std::vector<SlotState> slots;
};

struct RegFile {
  std::vector<ResultSet> r;
  std::vector<uint8_t> conv;  // per register: chosen case conversion (0 none yet)
  std::vector<Status> t;
  ResultSet tmp;
};

// Outcome of one comparison. `from` is always the left value and `to` the
// right one; `useSet` points the record at all resolved right-hand values.
struct Outcome {
  bool pass;
  CmpDetail detail;
  QValue from, to;
  bool useSet = false;
};

inline constexpr uint32_t kNoRecord = UINT32_MAX;

// Machine::keyId's table of a program's strings' ids in the data, shared by
// the machines a thread runs one after another. A machine (one rules file ×
// one data file) resolves only the strings it uses and starts in O(1): the
// registry pack has thousands of strings, and filling a table of them for
// every rules file was ~7% of evaluating 1k resources. An entry is a
// machine's own when its stamp is that machine's.
struct KeyIdTable {
  std::vector<KeyId> ids;
  std::vector<uint32_t> stamps;
  uint32_t last = 0;

  uint32_t newStamp(size_t strings) {
    if (++last == 0) {  // wrapped: no entry may keep an old stamp
      std::fill(stamps.begin(), stamps.end(), 0);
      last = 1;
    }
    if (stamps.size() < strings) {
      stamps.resize(strings, 0);
      ids.resize(strings);
    }
    return last;
  }
};
thread_local KeyIdTable keyIdTable;

class Machine {
 public:
  Machine(const Program& p, const Document& d, const Node* root, const EvalLimits& limits)
      : P(p), D(d), root_(root ? root : d.root()), limits_(limits), trace_(limits.trace),
        keyStamp_(keyIdTable.newStamp(p.strings.size())) {}
  Result<FileResult> run(uint32_t file);

 private:
  // ---- calls
  Status callCnf(uint32_t func, Frame* parent, const Node* self);
  Status callFilter(uint32_t func, Frame& parent, const Node* candidate, const Node* scope);
  Status callCnfScoped(uint32_t func, Frame* parent, const Node* self, const Node* scope);
  Status callCnfInFrame(uint32_t func, Frame& frame);
  bool callSet(uint32_t func, Frame& frame, const Node* self, ResultSet& out);
  Status exec(uint32_t func, Frame& frame, const Node* self, ResultSet* setOut);
  bool refine(const Instr& in, RegFile& rf, Frame& frame, const Node* self);
  static uint32_t queryEnd(const Function& f, uint32_t from, uint8_t reg);
  static bool recordsAgain(const Function& f, uint32_t from, uint32_t end);
  bool refineDepthFirst(const Function& f, uint32_t at, uint32_t end, RegFile& rf, Frame& frame,
                        const Node* self);
  // The interpreter loop; kTrace adds the trace hooks (one instantiation
  // each, so the default path carries no trace test per instruction).
  template <bool kTrace>
  Status loop(uint32_t func, Frame& frame, const Node* self, ResultSet* setOut);
  Status evalRule(uint32_t rule, bool fresh = false);
  Status ruleRef(const RuleRefInfo& ref, uint32_t& which);
  Status paramCall(const ParamCallInfo& call, const ResultSet* args, Frame& caller, const Node* self);
  bool variable(Frame& frame, uint32_t depth, uint32_t slot, ResultSet& out);
  bool callerVariable(Frame& frame, uint32_t depth, uint32_t name, ResultSet& out);
  bool variableNamed(Frame* start, uint32_t name, ResultSet& out);

  // ---- query steps (in place on `set`)
  bool stepKey(ResultSet& set, const Part& part, uint8_t& conv, uint32_t partId, ResultSet& tmp);
  void stepIndex(ResultSet& set, const Part& part, uint32_t partId, ResultSet& tmp);
  void stepAll(ResultSet& set, bool values, uint32_t partId, ResultSet& tmp, const Part* capture);
  // What a filter or type select does with one resolved member (FilterMode).
  enum class FilterCandidates : uint8_t {
    Elements,       // a list: each element, on itself
    Values,         // a map after a key: each value, on itself
    Itself,         // the member, on itself
    ItselfInScope,  // a map after .*, [*] or [name]: the member, on its filterScope
    Unresolved,     // a scalar not reached by [*], [name] or a variable
  };
  static FilterCandidates filterCandidates(const QValue& v, FilterMode mode);
  static bool testsACandidate(const Node* n, FilterCandidates candidates);
  const Node* filterScope(const QValue& v, const Node* context) const;
  // What kContextScope members stand for in function code running on `self`
  // in `frame`: the frame's scope, or `self` itself for a set function run on
  // another value (a keys filter's right-hand side runs on the map).
  static const Node* contextScope(const Frame& frame, const Node* self) {
    return self == frame.self ? frame.scope : self;
  }
  bool stepFilter(ResultSet& set, const Part& part, FilterMode mode, uint32_t partId, Frame& frame,
                  const Node* context, ResultSet& tmp);
  bool stepTypeSelect(ResultSet& set, const Part& part, FilterMode mode, uint32_t partId,
                      const Node* context, ResultSet& tmp);
  bool stepKeysFilter(ResultSet& set, const Part& part, uint32_t partId, Frame& frame, ResultSet& tmp);
  void recordKeyCheck(std::vector<Record>& out, const Node* map, const MapEntry& e, uint32_t partId,
                      const QValue& to, uint32_t inSet);
  uint32_t keysInTargets(const Node* key, const Part& part, uint32_t rhsSet);
  void recordKeysMiss(const Node* map, uint32_t partId, const ResultSet& rhs);
  bool entryNamed(const Node* map, std::string_view name, const MapEntry*& entry) const;
  Node* keyAsValue(const Node* map, const MapEntry& e);
  void expandKeysMisses(std::vector<Record>& records);
  void recordOutcomes(RecKind kind, uint32_t clauseId, Status clauseStatus,
                      const std::vector<Outcome>& outcomes, const ResultSet* rightSet);
  bool interpolatedNames(const Part& part, Frame& frame, const Node* self, ResultSet& names,
                         const QValueSpan*& indexMiss);
  bool stepInterp(ResultSet& set, const Part& part, uint32_t partId, Frame& frame, const Node* self,
                  ResultSet& tmp);
  bool call(const CallInfo& c, const ResultSet* args, ResultSet& out);
  void capture(const Part& part, const Node* map, const MapEntry& e);

  // ---- checks
  Status checkUnary(const ClauseInfo& c, uint32_t clauseId, const ResultSet& left);
  Status checkBinary(const ClauseInfo& c, uint32_t clauseId, const ResultSet& left,
                     const ResultSet& right);

  // ---- helpers
  const Node* lookup(const Node* map, uint32_t keyString) const;
  const Node* lookupKey(const Node* map, const Part& part, uint8_t& conv) const;
  KeyId keyId(uint32_t s) const;
  bool typeMatches(const Node* v, const Part& part) const;
  // A filter function whose first conjunct decides by the candidate's Type
  // (see analyzeTypeGuard).
  struct TypeGuard {
    enum Kind : uint8_t { kUnanalysed, kNone, kEqString, kPredicate };
    uint8_t kind = kUnanalysed;
    uint32_t depth = 0;  // frames a call nests: the function and its blocks
  };
  bool typeGuardRejects(uint32_t func, const Node* candidate, Frame& frame);
  const TypeGuard* usableTypeGuard(uint32_t func);
  TypeGuard analyzeTypeGuard(uint32_t func) const;
  bool cannotRaise(uint32_t func, size_t from, bool guarded, uint32_t& depth, uint32_t level) const;
  Status guardFirstConjunct(uint32_t func, const Node* typeNode, Frame& frame);
  // Kept out of loop(): inlined, its locals grew loop's frame under ASan from
  // 1.6 to 6.4 KB, and a chain of kMaxCallDepth rule references (one loop
  // frame each) overflowed the 8 MB stack (LimitCallDepth).
  [[gnu::noinline]] bool stepAllValuesOfType(ResultSet& set, const Instr& filter, ResultSet& tmp, Frame& frame);
  bool fail(std::string message) {
    if (!err_) err_ = Error::plain(std::move(message));
    return false;
  }
  bool failed() const { return err_.has_value(); }

  // ---- trace mode (EvalLimits::trace): cfn-guard's full record stream
  // Per-instruction trace actions, derived once per function from the shapes
  // compiler/lower.cpp emits (see traceAnnotations).
  enum : uint8_t {
    kOpenClause = 1,     // CLAUSE_BEGIN of an access clause (info = clause)
    kOpenBlock = 2,      // CLAUSE_BEGIN of a block clause (info = block)
    kOpenType = 4,       // first instruction of a type block (block = block)
    kOpenTypeWhen = 8,   // COND_BEGIN of a type block's conditions
    kOpenWhen = 16,      // COND_BEGIN of a `when` clause
  };
  enum : uint8_t { kCloseCond = 1, kCloseWhen = 2, kCloseType = 4 };
  struct Ann {
    uint8_t open = 0, close = 0;
    uint8_t disj = 0;    // DISJ_BEGIN: 0 GuardClause, 1 RuleClause, 2 WhenGuardClause
    uint32_t info = kNone, block = kNone;
  };
  const std::vector<Ann>& traceAnnotations(uint32_t func);
  void traceBefore(const Ann& a, uint32_t func);
  void traceAfter(const Ann& a, const Instr& in, const Instr* code, uint32_t pc, const std::vector<Status>& T);
  uint32_t topen(TraceKind k, std::string context, std::string text = {}) {
    TraceRecord r;
    r.kind = k;
    r.context = std::move(context);
    r.text = std::move(text);
    trace_rec_.push_back(std::move(r));
    return uint32_t(trace_rec_.size() - 1);
  }
  void tclose(uint32_t at, Status s) {
    trace_rec_[at].status = s;
    trace_rec_[at].end = uint32_t(trace_rec_.size());
  }
  void tpush(TraceKind k, std::string context, std::string text = {}) {
    tstack_.push_back(topen(k, std::move(context), std::move(text)));
  }
  void tpop(Status s) {
    if (tstack_.size() <= tfloor_) return;  // not this function's to close
    tclose(tstack_.back(), s);
    tstack_.pop_back();
  }
  TraceRecord& tleaf(TraceKind k, Status s, std::string context) {
    uint32_t at = topen(k, std::move(context));
    tclose(at, s);
    return trace_rec_[at];
  }
  std::string location(uint32_t file, uint32_t line, uint32_t col) const {
    return "Location[file:" + (file < P.files.size() ? P.str(P.files[file].name) : std::string()) +
           ", line:" + std::to_string(line) + ", column:" + std::to_string(col) + "]";
  }
  void traceOutcomes(uint32_t clauseId, const std::vector<Outcome>& outcomes, const ResultSet* rightSet,
                     bool grouped);
  void traceTypeSelect(const Node* candidate, const Part& part, uint32_t partId, bool fromList);
  void traceKey(const Node* map, const MapEntry& e, bool selected, const ResultSet& rhs, const Part& part,
                uint32_t& inSet);
  void traceBlockMissing(const BlockInfo& bi, const QValue& v);
  RegFile& regFile(uint32_t depth) {
    while (regs_.size() <= depth) regs_.emplace_back();
    return regs_[depth];
  }

  // ---- records
  uint32_t open(RecKind k, uint32_t info, QValue from = {}) {
    if (suppress_ || !rec_) return kNoRecord;
    Record r{};
    r.kind = k;
    r.status = Status::Fail;
    r.info = info;
    r.from = from;
    rec_->push_back(r);
    return uint32_t(rec_->size() - 1);
  }
  // Ends a container. One that did not FAIL is dropped with its contents,
  // unless `keepPassing` and it holds failures (a passing `or` with failed
  // alternatives, a rule's passing `when`): the generic report lists those.
  void close(uint32_t at, Status s, bool keepPassing = false) {
    if (at == kNoRecord) return;
    bool hasChildren = rec_->size() > at + 1;
    if (s != Status::Fail && !(keepPassing && hasChildren)) {
      rec_->resize(at);
      return;
    }
    (*rec_)[at].status = s;
    (*rec_)[at].end = uint32_t(rec_->size());
  }
  Record* leaf(RecKind k, uint32_t info, QValue from, QValue to = {},
               CmpDetail d = CmpDetail::None) {
    if (suppress_ || !rec_) return nullptr;
    Record r{};
    r.kind = k;
    r.status = Status::Fail;
    r.detail = d;
    r.info = info;
    r.from = from;
    r.to = to;
    rec_->push_back(r);
    rec_->back().end = uint32_t(rec_->size());
    return &rec_->back();
  }

  const Program& P;
  const Document& D;
  const Node* root_;
  EvalLimits limits_;
  std::unique_ptr<Document> scratchOwner_ = std::make_unique<Document>();
  Document& scratch_ = *scratchOwner_;  // values made by functions and captures
  std::optional<Error> err_;
  std::deque<RegFile> regs_;
  uint32_t depth_ = 0;
  uint32_t file_ = 0;
  Frame* fileFrame_ = nullptr;
  std::vector<uint8_t> ruleState_;  // 0 not run, 1 running, 2 done
  std::vector<Status> ruleStatus_;
  std::vector<std::vector<Record>> ruleRecords_;
  std::vector<Record>* rec_ = nullptr;
  int suppress_ = 0;
  std::vector<uint32_t> discStack_;  // open disjunction records
  std::vector<uint32_t> condStack_;  // open condition records (kNoRecord when not recording)
  // At each open clause: the record count, and how many filters had
  // evaluated a candidate (filterTests_) when it began.
  struct ClauseMark {
    uint32_t records;
    uint64_t filterTests;
  };
  std::vector<ClauseMark> clauseMarks_;
  // Filter steps (value, type and keys filters) that evaluated at least one
  // candidate. cfn-guard records those evaluations in the clause whose query
  // runs them, so a block whose query selected nothing reports "did not
  // retrieve any value" only when no filter of its query had a candidate
  // (an empty map or list, or a variable resolved by an earlier clause).
  uint64_t filterTests_ = 0;
  std::vector<ResultSet> sets_;        // right-hand sides of KeysCheck records
  // stepAllValuesOfType's scratch: the kept tags' entry lists, merged.
  std::vector<const std::vector<uint32_t>*> keptLists_;
  std::vector<uint32_t> keptOrder_;
  // Per filter function, analysed on first use (see analyzeTypeGuard).
  std::vector<TypeGuard> typeGuards_;
  ResultSet guardLeft_, guardRight_;  // guardFirstConjunct's operands
  // The outcome lists of checkUnary/checkBinary, reused from clause to clause
  // instead of one allocation per check; a stack, so a check that ever ran
  // inside another would take its own (OutcomeScratch).
  std::deque<std::vector<Outcome>> outcomeStack_;  // a deque: growing it keeps the lists in place
  size_t outcomeDepth_ = 0;
  friend class OutcomeScratch;
  std::vector<uint8_t> keepTags_;     // stepAllValuesOfType's per-type decisions
  // Trace mode.
  bool trace_ = false;
  const uint32_t keyStamp_;  // this machine's entries in keyIdTable
  std::vector<TraceRecord> trace_rec_;
  std::vector<uint32_t> tstack_;              // open records of exec's annotations
  // The records below tstack_[tfloor_] belong to the functions further up the
  // call chain. The trace annotations expect the lowering's instruction
  // shapes; a pack whose code has other shapes (it still verifies) could open
  // trace records it never closes, or close its callers'. So a called
  // function closes only what it opened, and all of it when it returns: the
  // trace tree nests like the calls, whatever the code (a mutated pack once
  // nested it thousands deep). Kept in the callers' frames (callCnfInFrame,
  // callSet), not a wrapper's: kMaxCallDepth rule references must fit the
  // stack under ASan.
  size_t tfloor_ = 0;
  // Out of line: the message's temporaries would otherwise sit in the frame
  // of every call level (each byte counts kMaxCallDepth times under ASan).
  [[gnu::noinline, gnu::cold]] void failTooDeep() {
    fail("evaluation nested deeper than " + std::to_string(kMaxCallDepth) + " levels");
  }
  size_t enterTraceFloor() {
    if (!trace_) return 0;
    return std::exchange(tfloor_, tstack_.size());
  }
  void leaveTraceFloor(size_t saved, Status s) {
    if (!trace_) return;
    while (tstack_.size() > tfloor_) tpop(s);
    tfloor_ = saved;
  }
  std::vector<std::vector<Ann>> anns_;        // per function, built on first use
  std::vector<uint8_t> refDone_;              // per rule: evaluated through a reference
  std::vector<const Node*> typeLits_;         // per part: the type string of a Q_TYPE_SELECT

  // What a clause's queries recorded (keys-filter checks) stays only if the
  // clause FAILed; the clause's own records (e.g. of a passing `some`) stay.
  void endClause(Status s) {
    GUARD_VERIFIED(!clauseMarks_.empty());
    uint32_t mark = clauseMarks_.back().records;
    clauseMarks_.pop_back();
    if (s == Status::Fail || !rec_ || suppress_ || rec_->size() <= mark) return;
    auto queryRecord = [](const Record& r) {
      return r.kind == RecKind::KeysCheck || r.kind == RecKind::KeysMiss || r.fromQuery;
    };
    auto first = rec_->begin() + mark;
    if (std::none_of(first, rec_->end(), queryRecord)) return;
    // What follows the mark may hold containers (a passing block keeps its
    // failures): each one's end moves back by the leaves erased before it.
    std::vector<Record>& R = *rec_;
    std::vector<uint32_t> erasedBefore(R.size() - mark + 1, 0);
    for (uint32_t i = mark; i < R.size(); ++i)
      erasedBefore[i - mark + 1] = erasedBefore[i - mark] + (queryRecord(R[i]) ? 1 : 0);
    uint32_t w = mark;
    for (uint32_t i = mark; i < R.size(); ++i) {
      if (queryRecord(R[i])) continue;
      Record r = R[i];
      r.end -= erasedBefore[r.end - mark];
      R[w++] = r;
    }
    R.resize(w);
  }
  uint32_t recordCount() const { return rec_ ? uint32_t(rec_->size()) : 0; }
};

KeyId Machine::keyId(uint32_t s) const {
  KeyIdTable& t = keyIdTable;
  if (t.stamps[s] != keyStamp_) {
    t.ids[s] = D.keys().find(P.strings[s]);
    t.stamps[s] = keyStamp_;
  }
  return t.ids[s];
}

// Maps from the data use interned ids; literal maps and values built by
// functions carry kNoKey ids and are searched by text.
const Node* Machine::lookup(const Node* map, uint32_t keyString) const {
  if (map->kind != NodeKind::Map || map->map.size == 0) return nullptr;
  if (map->map.entries[0].id == kNoKey) return Document::lookupText(map, P.strings[keyString]);
  return D.lookup(map, keyId(keyString));
}

const Node* Machine::lookupKey(const Node* map, const Part& part, uint8_t& conv) const {
  if (const Node* n = lookup(map, part.key)) return n;
  // Case-conversion fallback (spec §6.3): the first conversion that hits is
  // then the only one tried for the rest of the query.
  if (conv == 0) {
    for (size_t i = 0; i < part.keyAlternatives.size(); ++i) {
      if (const Node* n = lookup(map, part.keyAlternatives[i])) {
        conv = uint8_t(i + 1);
        return n;
      }
    }
    return nullptr;
  }
  if (conv - 1u < part.keyAlternatives.size()) return lookup(map, part.keyAlternatives[conv - 1]);
  return nullptr;
}

// ------------------------------------------------------------------ rules

Result<FileResult> Machine::run(uint32_t file) {
  file_ = file;
  const FileInfo& fi = P.files[file];
  Frame fileFrame;
  fileFrame.self = root_;
  fileFrame.scope = root_;
  fileFrame.func = fi.scope;
  fileFrame.slots.resize(P.functions[fi.scope].slots.size());
  fileFrame_ = &fileFrame;
  ruleState_.assign(P.rules.size(), 0);
  ruleStatus_.assign(P.rules.size(), Status::Skip);
  ruleRecords_.assign(P.rules.size(), {});

  // Captures are the one side effect of evaluating a rule: each evaluation
  // appends its keys again. Where a file has any, a rule a reference made
  // evaluate before its turn is evaluated again at its turn, as in cfn-guard
  // (its records and later readers see the keys twice).
  bool captures = false;
  for (const Slot& slot : P.functions[fi.scope].slots) captures |= slot.init == kNone;

  FileResult out;
  out.file = file;
  bool anyPass = false, anyFail = false;
  uint32_t fileRec = kNoRecord;
  if (trace_) {
    refDone_.assign(P.rules.size(), 0);
    size_t n = 0;
    for (uint32_t ri : fi.rules) n += P.rules[ri].kind != RuleKind::Parameterized;
    fileRec = topen(TraceKind::File, "File(rules=" + std::to_string(n) + ")");
  }
  for (uint32_t ri : fi.rules) {
    if (P.rules[ri].kind == RuleKind::Parameterized) continue;
    // cfn-guard evaluates every rule afresh at the top level (records and
    // all); only references reuse an earlier status. Without captures the
    // earlier evaluation's answer is the same, and reused.
    Status s = evalRule(ri, /*fresh=*/trace_ || captures);
    if (failed()) return *err_;
    anyPass |= s == Status::Pass;
    anyFail |= s == Status::Fail;
    expandKeysMisses(ruleRecords_[ri]);
    out.rules.push_back(RuleResult{ri, s, std::move(ruleRecords_[ri])});
  }
  out.status = anyFail ? Status::Fail : anyPass ? Status::Pass : Status::Skip;
  if (trace_) {
    tclose(fileRec, out.status);
    out.trace = std::move(trace_rec_);
  }
  out.scratch = std::move(scratchOwner_);
  out.sets = std::move(sets_);
  return out;
}

Status Machine::evalRule(uint32_t ri, bool fresh) {
  if (ruleState_[ri] == 2 && !fresh) return ruleStatus_[ri];
  if (ruleState_[ri] == 1) {
    fail("rule " + P.str(P.rules[ri].name) + " refers to itself (a cycle of rule references)");
    return Status::Skip;
  }
  ruleState_[ri] = 1;
  const RuleInfo& r = P.rules[ri];
  std::vector<Record>* savedRec = rec_;
  int savedSuppress = suppress_;
  rec_ = &ruleRecords_[ri];
  rec_->clear();
  suppress_ = 0;
  Status s = Status::Skip;
  bool applies = true;
  const std::string& name = P.str(r.name);
  uint32_t trec = trace_ ? topen(TraceKind::Rule, name, name) : kNoRecord;
  if (r.when != kNone) {
    uint32_t rec = open(RecKind::When, ri);
    uint32_t tw = trace_ ? topen(TraceKind::RuleWhen, "Rule#" + name + "/When") : kNoRecord;
    Status w = callCnf(r.when, fileFrame_, root_);
    if (trace_) tclose(tw, w);
    applies = w == Status::Pass;
    close(rec, w, /*keepPassing=*/true);
  }
  if (applies && !failed()) s = callCnf(r.body, fileFrame_, root_);
  if (trace_) tclose(trec, s);
  if (s != Status::Fail) rec_->clear();
  rec_ = savedRec;
  suppress_ = savedSuppress;
  ruleState_[ri] = 2;
  ruleStatus_[ri] = s;
  return s;
}

// A reference uses the first same-named rule whose status is not SKIP (spec §5.3).
Status Machine::ruleRef(const RuleRefInfo& ref, uint32_t& which) {
  const std::string& name = P.str(ref.name);
  bool found = false;
  Status s = Status::Skip;
  which = kNone;
  for (uint32_t ri : P.files[file_].rules) {
    const RuleInfo& r = P.rules[ri];
    if (r.kind != RuleKind::Named || P.str(r.name) != name) continue;
    found = true;
    // Trace mode: like cfn-guard, a rule's first evaluation through a
    // reference runs it again (its records nest under the reference); later
    // references reuse that status.
    bool fresh = trace_ && !refDone_[ri];
    if (trace_) refDone_[ri] = 1;
    Status rs = evalRule(ri, fresh);
    if (failed()) return Status::Skip;
    if (which == kNone) which = ri;
    if (rs != Status::Skip) {
      s = rs;
      which = ri;
      break;
    }
  }
  if (!found) fail("Rule " + name + " was not found in the rules file (referenced at line " +
                   std::to_string(ref.line) + ")");
  return s;
}

Status Machine::paramCall(const ParamCallInfo& call, const ResultSet* args, Frame& caller,
                          const Node* self) {
  const std::string& name = P.str(call.name);
  for (uint32_t ri : P.files[file_].rules) {
    const RuleInfo& r = P.rules[ri];
    if (r.kind != RuleKind::Parameterized || P.str(r.name) != name) continue;
    if (r.numParams != call.numArgs) {
      fail("Parameterized rule " + name + " expects " + std::to_string(r.numParams) +
           " arguments but was called with " + std::to_string(call.numArgs));
      return Status::Skip;
    }
    Frame frame;
    frame.parent = fileFrame_;
    frame.caller = &caller;
    frame.self = self;
    frame.scope = self;
    frame.func = r.body;
    frame.slots.resize(P.functions[r.body].slots.size());
    for (uint16_t i = 0; i < call.numArgs; ++i) {
      frame.slots[i].state = 2;
      frame.slots[i].value = args[i];
    }
    uint32_t trec = trace_ ? topen(TraceKind::Rule, name, name) : kNoRecord;
    Status s = callCnfInFrame(r.body, frame);
    if (trace_) tclose(trec, s);
    return s;
  }
  fail("Parameterized rule " + name + " was not found in the rules file");
  return Status::Skip;
}

// ------------------------------------------------------------------ calls

Status Machine::callCnf(uint32_t func, Frame* parent, const Node* self) {
  return callCnfScoped(func, parent, self, self);
}

// A filter's clauses run on each candidate in the scope of the query that
// holds the filter (contextScope), which they do not change.
Status Machine::callFilter(uint32_t func, Frame& parent, const Node* candidate, const Node* scope) {
  return callCnfScoped(func, &parent, candidate, scope);
}

Status Machine::callCnfScoped(uint32_t func, Frame* parent, const Node* self, const Node* scope) {
  Frame frame;
  frame.parent = parent;
  frame.self = self;
  frame.scope = scope;
  frame.func = func;
  frame.slots.resize(P.functions[func].slots.size());
  return callCnfInFrame(func, frame);
}

Status Machine::callCnfInFrame(uint32_t func, Frame& frame) {
  if (depth_ + 1 >= kMaxCallDepth) {
    failTooDeep();
    return Status::Skip;
  }
  ++depth_;
  const size_t floor = enterTraceFloor();
  Status s = exec(func, frame, frame.self, nullptr);
  leaveTraceFloor(floor, s);
  --depth_;
  return s;
}

bool Machine::callSet(uint32_t func, Frame& frame, const Node* self, ResultSet& out) {
  if (depth_ + 1 >= kMaxCallDepth) return fail("evaluation nested too deeply");
  ++depth_;
  const size_t floor = enterTraceFloor();
  leaveTraceFloor(floor, exec(func, frame, self, &out));
  --depth_;
  return !failed();
}

bool Machine::variable(Frame& frame, uint32_t depth, uint32_t slot, ResultSet& out) {
  Frame* f = &frame;
  for (uint32_t i = 0; i < depth && f; ++i) f = f->parent;
  if (!f || slot >= f->slots.size()) return fail("corrupt program: variable slot out of range");
  SlotState& st = f->slots[slot];
  if (st.state == 2) {
    out = st.value;
    return true;
  }
  if (st.state == 1) return fail("a variable is defined in terms of itself");
  // Captures and parameters have no initializer. Parameters are filled when
  // the call starts; a capture exists only once its query has captured a
  // key, and until then the name means the same name further out, as in
  // cfn-guard (differential case 22).
  uint32_t init = P.functions[f->func].slots[slot].init;
  if (init == kNone)
    return variableNamed(f->caller ? f->caller : f->parent, P.functions[f->func].slots[slot].name, out);
  // Evaluated lazily: what it records (keys-filter checks) belongs to the
  // clause that first uses it, as in cfn-guard.
  st.state = 1;
  ResultSet value;
  bool ok = callSet(init, *f, f->self, value);
  if (!ok) return false;
  st.state = 2;
  st.value = std::move(value);
  out = st.value;
  return true;
}


// A name a parameterized rule does not declare, looked up from the frame it
// was called from outward (through further calls' callers), as cfn-guard
// resolves it: the callers' rule and block lets, parameters and filled
// captures, then the file's lets. A parameterized rule met on the way goes on
// from its own caller.
bool Machine::callerVariable(Frame& frame, uint32_t depth, uint32_t name, ResultSet& out) {
  Frame* f = &frame;
  for (uint32_t i = 0; i < depth && f; ++i) f = f->parent;
  if (!f || !f->caller) return fail("corrupt program: no parameterized rule frame for a caller's variable");
  return variableNamed(f->caller, name, out);
}

// The variable `name` as seen from frame `start`: the first frame outward
// (lexical parents; for a parameterized rule's frame, its caller) that has it.
bool Machine::variableNamed(Frame* start, uint32_t name, ResultSet& out) {
  for (Frame* c = start; c; c = c->caller ? c->caller : c->parent) {
    const Function& fn = P.functions[c->func];
    for (uint32_t slot = 0; slot < fn.slots.size() && slot < c->slots.size(); ++slot) {
      if (fn.slots[slot].name != name) continue;
      // Parameters are filled when the call starts; a capture only exists
      // once its query has run (differential case 22).
      if (fn.slots[slot].init == kNone && c->slots[slot].state != 2) continue;
      return variable(*c, 0, slot, out);
    }
  }
  return fail("There was no variable or value object to resolve. Error = `Could not resolve variable by name " +
              P.str(name) + " across scopes`");
}


// ------------------------------------------------------------------ dispatch

// ---- query steps

// One step that refines register in.a in place (a Q_ instruction after the
// query's head). False when the evaluation failed.
inline bool Machine::refine(const Instr& in, RegFile& rf, Frame& frame, const Node* self) {
  ResultSet& set = rf.r[in.a];
  switch (in.op) {
    case Op::Q_KEY:
      stepKey(set, P.parts[in.c], rf.conv[in.a], in.c, rf.tmp);
      return true;
    case Op::Q_INDEX:
      stepIndex(set, P.parts[in.c], in.c, rf.tmp);
      return true;
    case Op::Q_ALL_VALUES:
      stepAll(set, true, in.c, rf.tmp, nullptr);
      return true;
    case Op::Q_ALL_INDICES:
      stepAll(set, false, in.c, rf.tmp, nullptr);
      return true;
    case Op::Q_CAPTURE:
      stepAll(set, true, in.c, rf.tmp, &P.parts[in.c]);
      return true;
    case Op::Q_FILTER:
      return stepFilter(set, P.parts[in.c], FilterMode(in.b), in.c, frame, contextScope(frame, self),
                        rf.tmp);
    case Op::Q_TYPE_SELECT:
      stepTypeSelect(set, P.parts[in.c], FilterMode(in.b), in.c, contextScope(frame, self), rf.tmp);
      return true;
    case Op::Q_KEYS_FILTER:
      return stepKeysFilter(set, P.parts[in.c], in.c, frame, rf.tmp);
    case Op::Q_INTERP:
      return stepInterp(set, P.parts[in.c], in.c, frame, self, rf.tmp);
    default:
      GUARD_VERIFIED(false);
      return true;
  }
}

static bool isRefineStep(Op op) {
  switch (op) {
    case Op::Q_KEY:
    case Op::Q_INDEX:
    case Op::Q_ALL_VALUES:
    case Op::Q_ALL_INDICES:
    case Op::Q_CAPTURE:
    case Op::Q_FILTER:
    case Op::Q_TYPE_SELECT:
    case Op::Q_KEYS_FILTER:
    case Op::Q_INTERP:
      return true;
    default:
      return false;
  }
}

// A step that can add records to the clause while its query runs: a keys
// filter's checks, and a filter's over scalars reached by [*] (case 19).
static bool mayRecord(const Instr& in) {
  return in.op == Op::Q_KEYS_FILTER ||
         (in.op == Op::Q_FILTER && FilterMode(in.b) == FilterMode::AfterAllIndices);
}

// One past the last refine step of register `reg` from `from` on: the rest of
// the query whose step is just before `from`.
uint32_t Machine::queryEnd(const Function& f, uint32_t from, uint8_t reg) {
  uint32_t end = from;
  while (end < f.code.size() && isRefineStep(f.code[end].op) && f.code[end].a == reg) ++end;
  return end;
}

bool Machine::recordsAgain(const Function& f, uint32_t from, uint32_t end) {
  for (uint32_t i = from; i < end; ++i)
    if (mayRecord(f.code[i])) return true;
  return false;
}

// Runs the query steps [at, end) of register code[at].a member by member: the
// first step, then the rest, on one member before the next. cfn-guard resolves
// a query depth first, so when two steps record, the records of a member's
// later steps come before those of the next member's first step (level 3; the
// breadth-first steps of `loop` give the same records in another order). Only
// taken when a later step records too; each recursion level has its own
// member, so nested splits stay in order.
bool Machine::refineDepthFirst(const Function& f, uint32_t at, uint32_t end, RegFile& rf,
                               Frame& frame, const Node* self) {
  const uint8_t reg = f.code[at].a;
  ResultSet input = std::move(rf.r[reg]);
  ResultSet out;
  for (const QValue& member : input) {
    rf.r[reg].assign(1, member);
    for (uint32_t i = at; i < end; ++i) {
      const Instr& in = f.code[i];
      if (i > at && mayRecord(in) && rf.r[reg].size() > 1 && recordsAgain(f, i + 1, end)) {
        if (!refineDepthFirst(f, i, end, rf, frame, self)) return false;
        break;
      }
      if (!refine(in, rf, frame, self)) return false;
    }
    out.insert(out.end(), rf.r[reg].begin(), rf.r[reg].end());
  }
  rf.r[reg] = std::move(out);
  return true;
}

Status Machine::exec(uint32_t fi, Frame& frame, const Node* self, ResultSet* setOut) {
  return trace_ ? loop<true>(fi, frame, self, setOut) : loop<false>(fi, frame, self, setOut);
}

template <bool kTrace>
Status Machine::loop(uint32_t fi, Frame& frame, const Node* self, ResultSet* setOut) {
  const Function& f = P.functions[fi];
  const Ann* anns = nullptr;
  if constexpr (kTrace) anns = traceAnnotations(fi).data();
  RegFile& rf = regFile(depth_);
  GUARD_VERIFIED(!f.code.empty());
  if (rf.r.size() < f.numRegs) rf.r.resize(f.numRegs);
  if (rf.conv.size() < f.numRegs) rf.conv.resize(f.numRegs);
  rf.t.assign(f.numStatus, Status::Skip);
  auto& R = rf.r;
  auto& T = rf.t;
  const Instr* code = f.code.data();
  uint32_t pc = 0;
  for (;;) {
    const uint32_t at = pc;  // jumps change pc; trace hooks need this instruction's index
    const Instr in = code[pc++];
    if constexpr (kTrace) traceBefore(anns[at], fi);
    switch (in.op) {
      case Op::Q_ROOT:
        R[in.a].assign(1, QValue{root_, QKind::Resolved, Unresolved::None, QValue::kContextScope});
        rf.conv[in.a] = 0;
        break;
      case Op::Q_THIS:
        R[in.a].assign(1, QValue{self, QKind::Resolved, Unresolved::None, QValue::kContextScope});
        rf.conv[in.a] = 0;
        break;
      case Op::Q_LIT:
        R[in.a].assign(1, QValue::literal(P.literals[in.c]));
        rf.conv[in.a] = 0;
        break;
      case Op::Q_ARG_LIT:
        R[in.a].assign(1, QValue::resolved(P.literals[in.c]));
        rf.conv[in.a] = 0;
        break;
      case Op::Q_NAMEDVAR:
      case Op::Q_DYNVAR:
      case Op::Q_VAR:
        rf.conv[in.a] = 0;
        if (!(in.op == Op::Q_VAR      ? variable(frame, in.b, in.c, R[in.a])
              : in.op == Op::Q_DYNVAR ? callerVariable(frame, in.b, in.c, R[in.a])
                                      : variableNamed(&frame, in.c, R[in.a])))
          return Status::Skip;
        // The rest of the query runs in a scope of each value (filterScope).
        for (QValue& m : R[in.a])
          if (!m.isUnresolved()) m.part = 0;
        break;
      case Op::Q_EMPTY:
        R[in.a].clear();
        break;
      case Op::Q_ALL_VALUES:
        if constexpr (!kTrace) {
          const Op next = code[pc].op;
          if ((next == Op::Q_FILTER || next == Op::Q_TYPE_SELECT) && code[pc].a == in.a &&
              stepAllValuesOfType(R[in.a], code[pc], rf.tmp, frame))
            break;
        }
        if (!refine(in, rf, frame, self)) return Status::Skip;
        break;
      case Op::Q_FILTER:
      case Op::Q_KEYS_FILTER:
        if constexpr (!kTrace) {
          if (R[in.a].size() > 1 && rec_ && !suppress_) {
            const uint32_t end = queryEnd(f, pc, in.a);
            if (recordsAgain(f, pc, end)) {
              if (!refineDepthFirst(f, at, end, rf, frame, self)) return Status::Skip;
              pc = end;
              break;
            }
          }
        }
        if (!refine(in, rf, frame, self)) return Status::Skip;
        break;
      case Op::Q_KEY:
      case Op::Q_INDEX:
      case Op::Q_ALL_INDICES:
      case Op::Q_CAPTURE:
      case Op::Q_TYPE_SELECT:
      case Op::Q_INTERP:
        if (!refine(in, rf, frame, self)) return Status::Skip;
        break;
      case Op::Q_RESOLVED: {
        auto& set = R[in.a];
        size_t w = 0;
        for (size_t i = 0; i < set.size(); ++i)
          if (!set[i].isUnresolved()) set[w++] = set[i];
        set.resize(w);
        break;
      }
      case Op::Q_CALL:
        if (!call(P.calls[in.c], R.data() + in.b, R[in.a])) return Status::Skip;
        break;
      case Op::Q_SUBQUERY:
        if (!callSet(in.c, frame, self, R[in.a])) return Status::Skip;
        break;
      case Op::CLAUSE_BEGIN:
        clauseMarks_.push_back({recordCount(), filterTests_});
        break;
      case Op::CHECK_UNARY:
        T[in.a] = checkUnary(P.clauses[in.c], in.c, R[in.b]);
        if (failed()) return Status::Skip;
        endClause(T[in.a]);
        if constexpr (kTrace) tpop(T[in.a]);
        break;
      case Op::CHECK_BINARY:
        T[in.a] = checkBinary(P.clauses[in.c], in.c, R[in.b], R[in.b + 1]);
        if (failed()) return Status::Skip;
        endClause(T[in.a]);
        if constexpr (kTrace) tpop(T[in.a]);
        break;
      case Op::BLOCK:
      case Op::TYPE_BLOCK: {
        const BlockInfo& bi = P.blocks[in.c];
        const ResultSet& vals = R[in.b];
        bool typeBlock = in.op == Op::TYPE_BLOCK;
        if (vals.empty()) {
          // cfn-guard's block record reports "did not retrieve any value"
          // only when its query recorded nothing (it renders those instead).
          if (bi.notEmpty && (typeBlock || clauseMarks_.empty() ||
                              (recordCount() == clauseMarks_.back().records &&
                               filterTests_ == clauseMarks_.back().filterTests)))
            leaf(RecKind::BlockEmpty, in.c, {});
          T[in.a] = bi.notEmpty ? Status::Fail : Status::Skip;
          if (!typeBlock) endClause(T[in.a]);
          if constexpr (kTrace) if (!typeBlock) tpop(T[in.a]);
          break;
        }
        uint32_t rec = open(RecKind::Block, in.c);
        Status acc = Status::Skip;
        uint32_t index = 0;
        for (const QValue& v : vals) {
          prefetchAhead(vals.data(), index, vals.size());
          Status s;
          if (v.isUnresolved()) {
            if (typeBlock) {
              fail("There was no variable or value object to resolve. Error = `Unable to resolve "
                   "type block query: " + P.str(bi.typeName) + "`");
              return Status::Skip;
            }
            leaf(RecKind::BlockMissing, in.c, v);
            if constexpr (kTrace) traceBlockMissing(bi, v);
            s = Status::Fail;
          } else {
            uint32_t tb = kNoRecord;
            if constexpr (kTrace)
              if (typeBlock)
                tb = topen(TraceKind::TypeBody, P.str(bi.context) + "/" + std::to_string(index));
            s = callCnf(bi.body, &frame, v.node);
            if (failed()) return Status::Skip;
            if constexpr (kTrace) if (typeBlock) tclose(tb, s);
          }
          ++index;
          acc = bi.some ? disj(acc, s) : conj(acc, s);
        }
        // A passing block keeps the failures under it (a `some` block's
        // failed values, failed alternatives, conditions): the generic
        // console report lists them; the structured reports skip it.
        close(rec, acc, /*keepPassing=*/true);
        T[in.a] = acc;
        if (!typeBlock) endClause(acc);
        if constexpr (kTrace) if (!typeBlock) tpop(acc);
        break;
      }
      case Op::CALL_CNF:
        T[in.a] = callCnf(in.c, &frame, self);
        if (failed()) return Status::Skip;
        break;
      case Op::RULE_REF: {
        const RuleRefInfo& ref = P.ruleRefs[in.c];
        uint32_t which = kNone;
        uint32_t tref = kNoRecord;
        if constexpr (kTrace)
          tref = topen(TraceKind::Pass,
                       "Rule(" + P.str(ref.name) + "@" + location(ref.file, ref.line, ref.column) + ")");
        Status rs = ruleRef(ref, which);
        if (failed()) return Status::Skip;
        bool pass = (rs == Status::Pass) != ref.negated;
        T[in.a] = pass ? Status::Pass : Status::Fail;
        if constexpr (kTrace) {
          TraceRecord& t = trace_rec_[tref];
          t.kind = pass ? TraceKind::Pass : TraceKind::DependentRule;
          t.text = P.str(ref.name);
          tclose(tref, T[in.a]);
        }
        if (!pass) {
          if (Record* r = leaf(RecKind::RuleRef, in.c, {})) {
            r->ruleStatus = rs;
            r->rule = which;
          }
        }
        break;
      }
      case Op::PARAM_CALL: {
        const ParamCallInfo& pc2 = P.paramCalls[in.c];
        uint32_t rec = open(RecKind::ParamCall, in.c);
        Status s = paramCall(pc2, R.data() + in.b, frame, self);
        if (failed()) return Status::Skip;
        close(rec, s);
        T[in.a] = s;
        break;
      }
      case Op::ST_SET:
        T[in.a] = Status(in.c);
        break;
      case Op::ST_CONJ:
        T[in.a] = conj(T[in.a], T[in.b]);
        break;
      case Op::ST_DISJ:
        T[in.a] = disj(T[in.a], T[in.b]);
        break;
      case Op::JUMP:
        pc = in.c;
        break;
      case Op::JUMP_IF_PASS:
        if (T[in.a] == Status::Pass) pc = in.c;
        break;
      case Op::JUMP_UNLESS_PASS:
        if (T[in.a] != Status::Pass) pc = in.c;
        break;
      case Op::DISJ_BEGIN:
        discStack_.push_back(open(RecKind::Disjunction, 0));
        if constexpr (kTrace) {
          static const char* const kinds[] = {"GuardClause", "RuleClause", "WhenGuardClause"};
          tpush(TraceKind::Disjunction,
                std::string("cfn_guard::rules::exprs::") + kinds[anns[at].disj] + "#disjunction");
          trace_rec_.back().flag = true;
        }
        break;
      case Op::DISJ_END:
        GUARD_VERIFIED(!discStack_.empty());
        close(discStack_.back(), T[in.a], /*keepPassing=*/true);
        discStack_.pop_back();
        if constexpr (kTrace) tpop(T[in.a]);
        break;
      case Op::COND_BEGIN:
        // The conditions of a `when` or type block record their failures in a
        // container closed as passing, whatever they answer: the generic
        // console report lists its failures (cfn-guard's find_failing_clauses
        // walks conditions too), the structured reports never show it.
        condStack_.push_back(open(RecKind::When, kNone));
        break;
      case Op::COND_END:
        GUARD_VERIFIED(!condStack_.empty());
        close(condStack_.back(), Status::Pass, /*keepPassing=*/true);
        condStack_.pop_back();
        break;
      case Op::RET_STATUS:
        return T[in.a];
      case Op::RET_SET:
        if (setOut) *setOut = std::move(R[in.a]);
        return Status::Skip;
      case Op::RAISE:
        fail(P.str(in.c));
        return Status::Skip;
      case Op::Count_:
        fail("corrupt program: bad opcode");
        return Status::Skip;
    }
    if constexpr (kTrace) traceAfter(anns[at], in, code, at, T);
    // Every instruction whose A operand is a result-set register wrote it:
    // that is where a query could grow past the bound on one result set.
    if (opInfo(in.op).a == OperandKind::Reg && R[in.a].size() > limits_.maxResultSetSize) {
      fail("a query selected more than " + std::to_string(limits_.maxResultSetSize) +
           " values (the limit on one result set)");
      return Status::Skip;
    }
  }
}

// ------------------------------------------------------------------ query steps

bool Machine::stepKey(ResultSet& set, const Part& part, uint8_t& conv, uint32_t partId,
                      ResultSet& tmp) {
  tmp.clear();
  for (size_t i = 0; i < set.size(); ++i) {
    prefetchAhead(set.data(), i, set.size());
    const QValue& v = set[i];
    if (v.isUnresolved()) {
      tmp.push_back(v);
      continue;
    }
    const Node* n = v.node;
    if (n->kind == NodeKind::Map) {
      if (const Node* hit = lookupKey(n, part, conv))
        tmp.push_back(v.child(hit));
      else
        tmp.push_back(QValue::unresolved(n, Unresolved::KeyMissing, partId));
    } else {
      tmp.push_back(QValue::unresolved(n, Unresolved::NotAMap, partId));
    }
  }
  set.swap(tmp);
  return true;
}

void Machine::stepIndex(ResultSet& set, const Part& part, uint32_t partId, ResultSet& tmp) {
  tmp.clear();
  uint64_t index = part.index < 0 ? uint64_t(-(part.index + 1)) + 1 : uint64_t(part.index);
  for (const QValue& v : set) {
    if (v.isUnresolved()) {
      tmp.push_back(v);
      continue;
    }
    const Node* n = v.node;
    if (n->kind == NodeKind::List && index < n->list.size)
      tmp.push_back(v.child(n->list.items[index]));
    else
      tmp.push_back(QValue::unresolved(
          n, n->kind == NodeKind::List ? Unresolved::IndexOutOfRange : Unresolved::NotAList, partId));
  }
  set.swap(tmp);
}

// Appends the key of entry `e` of `map` to the capture variable of `part`,
// as a string at the map's path (where cfn-guard reports a captured key).
void Machine::capture(const Part& part, const Node* map, const MapEntry& e) {
  if (!fileFrame_ || part.captureSlot == kNone || part.captureSlot >= fileFrame_->slots.size()) return;
  Node* key = keyAsValue(map, e);
  // The file's scope (compiler/lower.cpp declareCapture): a query let's value
  // that was already evaluated gets the keys appended, as in cfn-guard.
  SlotState& st = fileFrame_->slots[part.captureSlot];
  st.state = 2;
  st.value.push_back(QValue::resolved(key));
}

// .* (values) and [*] (indices); with `capture`, [name] which also records keys.
void Machine::stepAll(ResultSet& set, bool values, uint32_t partId, ResultSet& tmp,
                      const Part* capturePart) {
  tmp.clear();
  for (const QValue& v : set) {
    if (v.isUnresolved()) {
      tmp.push_back(v);
      continue;
    }
    const Node* n = v.node;
    if (n->kind == NodeKind::List) {
      if (n->list.size == 0) tmp.push_back(QValue::unresolved(n, Unresolved::EmptyCollection, partId));
      for (uint32_t i = 0; i < n->list.size; ++i)
        tmp.push_back(v.child(n->list.items[i]));
    } else if (n->kind == NodeKind::Map && values) {
      if (n->map.size == 0) tmp.push_back(QValue::unresolved(n, Unresolved::EmptyCollection, partId));
      for (uint32_t i = 0; i < n->map.size; ++i) {
        tmp.push_back(v.ownScope(n->map.entries[i].value));
        if (capturePart) capture(*capturePart, n, n->map.entries[i]);
      }
    } else {
      tmp.push_back(v.child(n));  // a single value passes through (spec §6.2), resolved
      tmp.back().part = v.part;
    }
  }
  set.swap(tmp);
}

// The value the clauses of a filter see for map member `v` after .*, [*] or
// [name]: cfn-guard evaluates them in the evaluation context it holds at that
// point of the query, which is the map itself only when the map was a value of
// a map iterated by .* or [name], of a map filtered after a key, or of a
// variable; after [*] over a list it is the scope of the list (differential
// case 24). Literals and function results have no parents: their own scope.
const Node* Machine::filterScope(const QValue& v, const Node* context) const {
  if (v.part == QValue::kContextScope) return context;
  const Node* n = v.node;
  for (uint32_t up = 0; up < v.part; ++up) {
    if (!n->parent) return v.node;
    n = n->parent;
  }
  return n;
}

// What a filter part does with resolved member `v` (FilterMode, spec §6.4).
Machine::FilterCandidates Machine::filterCandidates(const QValue& v, FilterMode mode) {
  switch (v.node->kind) {
    case NodeKind::List:
      return FilterCandidates::Elements;
    case NodeKind::Map:
      if (mode == FilterMode::AfterKey) return FilterCandidates::Values;
      if (mode == FilterMode::AfterOther) return FilterCandidates::Itself;
      return FilterCandidates::ItselfInScope;
    default:
      return mode == FilterMode::AfterAllIndices ? FilterCandidates::Itself
                                                 : FilterCandidates::Unresolved;
  }
}

// Whether a filter step evaluates at least one candidate of member n.
bool Machine::testsACandidate(const Node* n, FilterCandidates candidates) {
  switch (candidates) {
    case FilterCandidates::Elements:
    case FilterCandidates::Values:
      return n->size() > 0;
    case FilterCandidates::Itself:
    case FilterCandidates::ItselfInScope:
      return true;
    case FilterCandidates::Unresolved:
      return false;
  }
  return false;
}

bool Machine::stepFilter(ResultSet& set, const Part& part, FilterMode mode, uint32_t partId,
                         Frame& frame, const Node* context, ResultSet& in) {
  // `in` is this depth's scratch set; nested filter calls use deeper register files.
  in.clear();
  in.swap(set);  // set is now empty and receives the selection
  auto passes = [&](const Node* candidate, bool fromList) {
    if (trace_) {
      // Every candidate's evaluation is part of the record stream.
      uint32_t t = topen(TraceKind::Filter, std::string(fromList ? "Filter/List#" : "Filter/Map#") +
                                                std::to_string(part.index));
      ++suppress_;
      Status s = callFilter(part.func, frame, candidate, context);
      --suppress_;
      tclose(t, s);
      return s == Status::Pass;
    }
    if (typeGuardRejects(part.func, candidate, frame)) return false;
    ++suppress_;
    Status s = callFilter(part.func, frame, candidate, context);
    --suppress_;
    return s == Status::Pass;
  };
  // A scalar reached by [*] is evaluated as a filter candidate without a
  // record of its own in cfn-guard, so what its checks record lands in the
  // enclosing clause (differential case 19); other candidates record nothing.
  auto passesRecorded = [&](const Node* candidate) {
    if (trace_ || suppress_ || !rec_) return passes(candidate, false);
    const size_t before = rec_->size();
    Status s = callFilter(part.func, frame, candidate, context);
    for (size_t i = before; i < rec_->size(); ++i) (*rec_)[i].fromQuery = true;
    return s == Status::Pass;
  };
  ResultSet input = std::move(in);
  for (size_t vi = 0; vi < input.size(); ++vi) {
    prefetchAhead(input.data(), vi, input.size());
    const QValue& v = input[vi];
    if (v.isUnresolved()) {
      set.push_back(v);
      continue;
    }
    const Node* n = v.node;
    const FilterCandidates candidates = filterCandidates(v, mode);
    if (testsACandidate(n, candidates)) ++filterTests_;
    switch (candidates) {
      case FilterCandidates::Elements:
        for (uint32_t i = 0; i < n->list.size; ++i) {
          if (passes(n->list.items[i], true)) set.push_back(v.child(n->list.items[i]));
          if (failed()) return false;
        }
        break;
      case FilterCandidates::Values:
        for (uint32_t i = 0; i < n->map.size; ++i) {
          const MapEntry& e = n->map.entries[i];
          if (passes(e.value, false)) {
            set.push_back(v.ownScope(e.value));
            capture(part, n, e);
          }
          if (failed()) return false;
        }
        break;
      case FilterCandidates::Itself:
        if (n->kind == NodeKind::Map ? passes(n, false) : passesRecorded(n)) set.push_back(v.stepped());
        if (failed()) return false;
        break;
      case FilterCandidates::ItselfInScope:
        if (passes(filterScope(v, context), false)) set.push_back(v.stepped());
        if (failed()) return false;
        break;
      case FilterCandidates::Unresolved:
        set.push_back(QValue::unresolved(n, Unresolved::FilterOnScalar, partId));
        break;
    }
  }
  in = std::move(input);
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
// selected more values than the result-set limit (see usableTypeGuard).
//
// The first conjunct is the instruction shape
//   ST_SET t0 SKIP; CLAUSE_BEGIN; Q_THIS rX; Q_KEY rX .Type;
//   (Q_LIT rX+1 lit | Q_VAR rX+1 upN sM); CHECK_BINARY tY, rX; ST_CONJ t0, tY
// kEqString is `Type == 'string'`, decided by eq alone; kPredicate is any
// other comparison, decided by running CHECK_BINARY's comparison on the type
// string (guardFirstConjunct).
Machine::TypeGuard Machine::analyzeTypeGuard(uint32_t func) const {
  TypeGuard none;
  none.kind = TypeGuard::kNone;
  const Function& f = P.functions[func];
  const auto& c = f.code;
  if (f.kind != FuncKind::Cnf || c.size() < 8) return none;
  if (c[0].op != Op::ST_SET || c[0].a != 0 || Status(c[0].c) != Status::Skip) return none;
  if (c[1].op != Op::CLAUSE_BEGIN || c[2].op != Op::Q_THIS || c[3].op != Op::Q_KEY ||
      (c[4].op != Op::Q_LIT && c[4].op != Op::Q_VAR) || c[5].op != Op::CHECK_BINARY ||
      c[6].op != Op::ST_CONJ)
    return none;
  const uint32_t rx = c[2].a;
  if (c[3].a != rx || c[4].a != rx + 1 || c[5].b != rx) return none;
  if (P.parts[c[3].c].kind != ast::PartKind::Key || P.str(P.parts[c[3].c].key) != "Type") return none;
  if (c[4].op == Op::Q_VAR && c[4].b == 0) return none;  // a variable of the filter itself
  if (c[6].a != 0 || c[6].b != c[5].a || c[5].a == 0) return none;
  uint32_t depth = 0;
  if (!cannotRaise(func, /*from=*/7, /*guarded=*/true, depth, 0)) return none;
  const ClauseInfo& ci = P.clauses[c[5].c];
  TypeGuard g;
  g.depth = depth;
  g.kind = c[4].op == Op::Q_LIT && P.literals[c[4].c]->kind == NodeKind::String && ci.op == CmpOp::Eq &&
                   !ci.opNegated && !ci.clauseNegated
               ? TypeGuard::kEqString
               : TypeGuard::kPredicate;
  return g;
}

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
// `guarded`: the code after a guard's first conjunct, where t0 may change only
// by conjunction. `depth` receives the frames a call nests (the function and
// its blocks); `level` bounds the recursion over block bodies.
bool Machine::cannotRaise(uint32_t func, size_t from, bool guarded, uint32_t& depth,
                          uint32_t level) const {
  constexpr uint32_t kMaxLevels = 32;
  if (level >= kMaxLevels || func >= P.functions.size()) return false;
  const auto& c = P.functions[func].code;
  uint32_t inner = 0;  // deepest block body
  for (size_t i = from; i < c.size(); ++i) {
    const Instr& in = c[i];
    switch (in.op) {
      case Op::Q_THIS: case Op::Q_KEY: case Op::Q_INDEX: case Op::Q_ALL_VALUES:
      case Op::Q_ALL_INDICES: case Op::Q_EMPTY: case Op::Q_RESOLVED: case Op::Q_TYPE_SELECT:
      case Op::CLAUSE_BEGIN: case Op::JUMP: case Op::JUMP_IF_PASS: case Op::JUMP_UNLESS_PASS:
      case Op::DISJ_BEGIN: case Op::DISJ_END: case Op::COND_BEGIN: case Op::COND_END:
        break;
      case Op::Q_LIT:  // regexes may hit the backtracking limit (an error)
        if (P.literals[in.c]->kind == NodeKind::Regex ||
            literalNodeCount(P.literals[in.c]) > limits_.maxResultSetSize)
          return false;
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
        if (!cannotRaise(P.blocks[in.c].body, 0, false, d, level + 1)) return false;
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

// The guard of filter function `func` if it may be used now, else nullptr.
const Machine::TypeGuard* Machine::usableTypeGuard(uint32_t func) {
  if (typeGuards_.size() != P.functions.size()) typeGuards_.assign(P.functions.size(), TypeGuard{});
  TypeGuard& g = typeGuards_[func];
  if (g.kind == TypeGuard::kUnanalysed) g = analyzeTypeGuard(func);
  if (g.kind == TypeGuard::kNone) return nullptr;
  // The skipped call would have nested g.depth frames, and its queries
  // selected at most the document's nodes (literals were checked above).
  if (depth_ + g.depth >= kMaxCallDepth || D.nodeCount() > limits_.maxResultSetSize) return nullptr;
  return &g;
}

// The status of guard `func`'s first conjunct for a candidate whose `Type`
// is the string `typeNode`, computed by the same comparison the call would
// make. `frame` is the frame the filter is called from. Skip when it cannot
// be decided here (the variable is not a plain literal, or the comparison
// raised an error, which the call itself will then raise).
Status Machine::guardFirstConjunct(uint32_t func, const Node* typeNode, Frame& frame) {
  const auto& c = P.functions[func].code;
  guardLeft_.assign(1, QValue::resolved(typeNode));
  if (c[4].op == Op::Q_LIT) {
    guardRight_.assign(1, QValue::literal(P.literals[c[4].c]));
  } else {
    // Q_VAR upN: N frames up from the filter's own, i.e. N-1 from `frame`.
    Frame* owner = &frame;
    for (uint32_t i = 1; i < c[4].b && owner; ++i) owner = owner->parent;
    if (!owner || owner->func >= P.functions.size()) return Status::Skip;
    const auto& slots = P.functions[owner->func].slots;
    if (c[4].c >= slots.size() || slots[c[4].c].init >= P.functions.size()) return Status::Skip;
    const auto& init = P.functions[slots[c[4].c].init].code;
    if (init.size() != 2 || init[0].op != Op::Q_LIT || init[1].op != Op::RET_SET ||
        init[1].a != init[0].a)
      return Status::Skip;  // only `let x = <literal>` is known to be pure
    if (!variable(frame, c[4].b - 1, c[4].c, guardRight_)) {
      err_.reset();
      return Status::Skip;
    }
  }
  ++suppress_;
  Status s = checkBinary(P.clauses[c[5].c], c[5].c, guardLeft_, guardRight_);
  --suppress_;
  if (failed()) {
    err_.reset();
    return Status::Skip;
  }
  return s;
}

bool Machine::typeGuardRejects(uint32_t func, const Node* candidate, Frame& frame) {
  const TypeGuard* g = usableTypeGuard(func);
  if (!g || candidate->kind != NodeKind::Map) return false;
  const auto& c = P.functions[func].code;
  // Only a plain hit on `Type` counts; a case-converted `type` takes the full path.
  const Node* t = lookup(candidate, P.parts[c[3].c].key);
  if (!t || t->kind != NodeKind::String) return false;
  if (g->kind == TypeGuard::kEqString) return eq(t, P.literals[c[4].c]) == Cmp::False;
  return guardFirstConjunct(func, t, frame) == Status::Fail;
}

// `.*` over one big map of the document, when the next instruction selects
// its values by type: `Resources.*[ Type == 'X' ]` (Q_TYPE_SELECT) or a filter
// whose function is type-guarded, `Resources.*[ Type in %types <more clauses> ]`.
// The values of other types, which typeMatches / typeGuardRejects would turn
// away, are left out here already, found by the document's type tags instead
// of by visiting every resource (each distinct type string is decided once):
// with 209 rules files over 50,000 resources those visits were the
// evaluation's cost (cache misses). What is kept, in order, still goes
// through the next instruction, so records and statuses are unchanged.
// False: take the general path.
bool Machine::stepAllValuesOfType(ResultSet& set, const Instr& next, ResultSet& tmp, Frame& frame) {
  constexpr uint32_t kMinEntries = 64;  // below this a visit is as cheap as a tag
  if (FilterMode(next.b) != FilterMode::AfterAllValues || set.size() != 1 || set[0].isUnresolved())
    return false;
  const Node* map = set[0].node;
  if (map->kind != NodeKind::Map || map->map.size < kMinEntries || map->map.entries[0].id == kNoKey ||
      map->map.size > limits_.maxResultSetSize)
    return false;  // a literal or computed map, or one the result-set limit will refuse
  uint32_t typeKeyString;  // "Type"
  const Part& part = P.parts[next.c];
  const TypeGuard* guard = nullptr;
  if (next.op == Op::Q_TYPE_SELECT) {
    if (part.keyAlternatives.size() != 2) return false;
    typeKeyString = part.keyAlternatives[0];  // its case conversion `type` is left to typeMatches
  } else {
    guard = usableTypeGuard(part.func);
    if (!guard) return false;
    typeKeyString = P.parts[P.functions[part.func].code[3].c].key;
  }
  const KeyId typeKey = keyId(typeKeyString);
  if (typeKey == kNoKey) return false;
  const TypeTags& tags = D.typeTags(map, typeKey);
  // keep[tag]: the values of that type go on to the next instruction.
  std::vector<uint8_t>& keep = keepTags_;
  keep.assign(tags.ids.size(), 0);
  if (!guard || guard->kind == TypeGuard::kEqString) {
    std::string_view want = guard ? P.literals[P.functions[part.func].code[4].c]->text() : P.str(part.key);
    auto it = tags.ids.find(want);
    if (it != tags.ids.end()) keep[it->second] = 1;
  } else {
    for (const auto& e : tags.ids) {
      Node typeNode;
      typeNode.kind = NodeKind::String;
      typeNode.str.data = e.first().data();
      typeNode.str.size = uint32_t(e.first().size());
      keep[e.second] = guardFirstConjunct(part.func, &typeNode, frame) != Status::Fail;
    }
  }
  // The kept entries in map order: from the per-tag lists when they are few
  // (one type of fifty), else by one pass over the tags.
  const QKind kind = set[0].kind;
  tmp.clear();
  std::vector<const std::vector<uint32_t>*>& lists = keptLists_;
  lists.clear();
  size_t kept = tags.others.size();
  if (!tags.others.empty()) lists.push_back(&tags.others);
  for (uint32_t t = 0; t < keep.size(); ++t)
    if (keep[t]) {
      lists.push_back(&tags.members[t]);
      kept += tags.members[t].size();
    }
  if (lists.size() == 1) {
    for (uint32_t i : *lists[0]) tmp.push_back(QValue{map->map.entries[i].value, kind, Unresolved::None, 0});
  } else if (kept * 8 < map->map.size) {
    std::vector<uint32_t>& order = keptOrder_;
    order.clear();
    for (const auto* l : lists) order.insert(order.end(), l->begin(), l->end());
    std::sort(order.begin(), order.end());
    for (uint32_t i : order) tmp.push_back(QValue{map->map.entries[i].value, kind, Unresolved::None, 0});
  } else {
    for (uint32_t i = 0; i < map->map.size; ++i) {
      const uint32_t t = tags.tags[i];
      if (t == TypeTags::kOther || keep[t])
        tmp.push_back(QValue{map->map.entries[i].value, kind, Unresolved::None, 0});
    }
  }
  ++filterTests_;  // the map has kMinEntries or more candidates
  set.swap(tmp);
  return true;
}

// `Type == '<type>'` evaluated without calling a filter function: the value
// under Type (or its case conversion `type`) must be that string, or a list
// all of whose elements are that string.
bool Machine::typeMatches(const Node* v, const Part& part) const {
  if (v->kind != NodeKind::Map || part.keyAlternatives.size() != 2) return false;
  // keyAlternatives: "Type", then its case conversion "type" (spec §6.3).
  const Node* t = lookup(v, part.keyAlternatives[0]);
  if (!t) t = lookup(v, part.keyAlternatives[1]);
  if (!t) return false;
  std::string_view want = P.str(part.key);
  if (t->kind == NodeKind::String) return t->text() == want;
  if (t->kind == NodeKind::List) {
    for (uint32_t i = 0; i < t->list.size; ++i) {
      const Node* e = t->list.items[i];
      if (e->kind != NodeKind::String || e->text() != want) return false;
    }
    return true;
  }
  return false;
}

bool Machine::stepTypeSelect(ResultSet& set, const Part& part, FilterMode mode, uint32_t partId,
                             const Node* context, ResultSet& tmp) {
  tmp.clear();
  for (size_t vi = 0; vi < set.size(); ++vi) {
    prefetchAhead(set.data(), vi, set.size());
    const QValue& v = set[vi];
    if (v.isUnresolved()) {
      tmp.push_back(v);
      continue;
    }
    const Node* n = v.node;
    const FilterCandidates candidates = filterCandidates(v, mode);
    if (testsACandidate(n, candidates)) ++filterTests_;
    switch (candidates) {
      case FilterCandidates::Elements:
        for (uint32_t i = 0; i < n->list.size; ++i) {
          if (trace_) traceTypeSelect(n->list.items[i], part, partId, true);
          if (typeMatches(n->list.items[i], part)) tmp.push_back(v.child(n->list.items[i]));
        }
        break;
      case FilterCandidates::Values:
        for (uint32_t i = 0; i < n->map.size; ++i) {
          if (trace_) traceTypeSelect(n->map.entries[i].value, part, partId, false);
          if (typeMatches(n->map.entries[i].value, part))
            tmp.push_back(v.ownScope(n->map.entries[i].value));
        }
        break;
      case FilterCandidates::Itself:
      case FilterCandidates::ItselfInScope: {
        const Node* tested = candidates == FilterCandidates::Itself ? n : filterScope(v, context);
        if (trace_) traceTypeSelect(tested, part, partId, false);
        if (typeMatches(tested, part)) tmp.push_back(v.stepped());
        break;
      }
      case FilterCandidates::Unresolved:
        tmp.push_back(QValue::unresolved(n, Unresolved::FilterOnScalar, partId));
        break;
    }
  }
  set.swap(tmp);
  return true;
}

// ---- map-key filters `Map[ keys <op> <rhs> ]` (spec §6.6)
//
// cfn-guard compares every key of the map, as a string value, with the
// right-hand values through the binary operation of clauses: `==`/`!=` with
// one right-hand value compares the key with it; `in`/`not in`, and `==`/`!=`
// with several right-hand values, ask whether some right-hand value has the
// key (a string contains it as a substring, a list has an element equal to
// it, anything else equals it). A list with an element a string cannot be
// compared with (a number, a list, a map...) makes that whole comparison
// not comparable, even after an element matched. A not-comparable
// comparison with a literal one-element list is retried with its element.
// A key is selected when a comparison holds; every other key is recorded
// as a failed check of the rule. An empty right-hand side compares nothing:
// no key is selected, none is recorded.

// Several right-hand values turn `==`/`!=` into `in`/`not in`.
static bool keysInForm(const Part& part, size_t rhsCount) {
  return part.keysOp == CmpOp::In || rhsCount > 1;
}

static Cmp negatedIf(Cmp c, bool negated) {
  if (!negated || (c != Cmp::True && c != Cmp::False)) return c;
  return c == Cmp::True ? Cmp::False : Cmp::True;
}

// `key in r` (negated: `key not in r`) for one right-hand value.
static Cmp keyInValue(const Node* key, const Node* r, bool negated) {
  Cmp c;
  if (r->kind == NodeKind::String) {
    c = r->text().find(key->text()) != std::string_view::npos ? Cmp::True : Cmp::False;
  } else if (r->kind == NodeKind::List) {
    bool hit = false;
    for (uint32_t i = 0; i < r->list.size; ++i) {
      const Cmp e = eq(key, r->list.items[i]);
      if (e == Cmp::Error || e == Cmp::NotComparable) return e;
      hit |= e == Cmp::True;
    }
    c = hit ? Cmp::True : Cmp::False;
  } else {
    c = eq(key, r);
  }
  return negatedIf(c, negated);
}

// One comparison of a key with one right-hand value, and the value it was
// compared with in the end (the element of a literal one-element list, after
// the retry): the `to` of its record.
struct KeyComparison {
  Cmp result;
  QValue with;
};

static KeyComparison compareKey(const Node* key, const QValue& r, bool inForm, bool negated) {
  if (r.isUnresolved()) return {Cmp::NotComparable, r};
  auto once = [&](const Node* v) {
    return inForm ? keyInValue(key, v, negated) : negatedIf(eq(key, v), negated);
  };
  Cmp c = once(r.node);
  if (c == Cmp::NotComparable && r.isLiteral() && r.node->kind == NodeKind::List && r.node->list.size == 1) {
    const Node* element = r.node->list.items[0];
    return {once(element), QValue::literal(element)};
  }
  return {c, r};
}

// Does map key `key` pass the keys filter `part` with right-hand values
// `rhs`? Cmp::True: selected; Cmp::False: not selected, and recorded;
// Cmp::NotComparable: nothing to compare with (neither selected nor
// recorded); Cmp::Error: a regex was too expensive to match.
static Cmp keySelected(const Node* key, const Part& part, const ResultSet& rhs) {
  if (rhs.empty()) return Cmp::NotComparable;
  const bool inForm = keysInForm(part, rhs.size());
  for (const QValue& r : rhs) {
    const Cmp c = compareKey(key, r, inForm, part.keysNegated).result;
    if (c == Cmp::Error || c == Cmp::True) return c;
  }
  return Cmp::False;
}

// How a right-hand list value of a `keys in` takes part in KeysInMatcher.
enum class ListUse { Strings, Nothing, Unusable };

// A list whose elements are all strings has a key iff one equals it; a list
// with an element a string is not comparable with (null, bool, number, list,
// map) has no key at all, unless it is a literal one-element list, which is
// retried with its element (compareKey); regexes, ranges and characters are
// not string equality.
static ListUse listUse(const QValue& r) {
  const Node* n = r.node;
  bool comparable = true;
  for (uint32_t i = 0; i < n->list.size; ++i) {
    const NodeKind k = n->list.items[i]->kind;
    if (k == NodeKind::String) continue;
    if (k != NodeKind::Null && k != NodeKind::Bool && k != NodeKind::Int && k != NodeKind::Float &&
        k != NodeKind::List && k != NodeKind::Map)
      return ListUse::Unusable;
    comparable = false;
  }
  if (comparable) return ListUse::Strings;
  if (!r.isLiteral() || n->list.size != 1) return ListUse::Nothing;
  // The retry compares the key with the element: not comparable unless a list.
  return n->list.items[0]->kind == NodeKind::List ? ListUse::Unusable : ListUse::Nothing;
}

// keySelected for every key of one big map, when `keys in` has many string
// right-hand members: `Resources[ keys in %secret_names ]` compared each of
// 50,000 keys with each of hundreds of names. A key is selected iff it is a
// substring of a string member or equal to an element of a list member of
// strings (§6.6), so every such string of the lengths the map's keys have
// goes into one set once, and each key is one lookup. Not usable for negated
// filters, regexes and other members whose eq is not string equality, or when
// the set would cost more than the comparisons it saves.
class KeysInMatcher {
 public:
  KeysInMatcher(const Node* map, const Part& part, const ResultSet& rhs) {
    constexpr uint32_t kMinKeys = 64;
    constexpr size_t kMinMembers = 8;
    constexpr size_t kMaxStrings = 4u << 20;
    if (map->kind != NodeKind::Map || map->map.size < kMinKeys || part.keysNegated ||
        !(part.keysOp == CmpOp::In || rhs.size() > 1) || rhs.size() < kMinMembers)
      return;
    size_t minLen = SIZE_MAX, maxLen = 0;
    for (uint32_t i = 0; i < map->map.size; ++i) {
      minLen = std::min<size_t>(minLen, map->map.entries[i].keyLen);
      maxLen = std::max<size_t>(maxLen, map->map.entries[i].keyLen);
    }
    // Count first: a key of length L occurs in a string of length m at m-L+1 places.
    size_t count = 0, textBytes = 0;
    for (const QValue& r : rhs) {
      if (r.isUnresolved()) continue;
      const Node* n = r.node;
      if (n->kind == NodeKind::String) {
        for (size_t len = minLen; len <= std::min<size_t>(maxLen, n->str.size); ++len)
          count += n->str.size - len + 1;
        textBytes += n->str.size;
      } else if (n->kind == NodeKind::List) {
        const ListUse use = listUse(r);
        if (use == ListUse::Unusable) return;
        if (use == ListUse::Strings) count += n->list.size;
      } else if (n->kind != NodeKind::Null && n->kind != NodeKind::Bool && n->kind != NodeKind::Int &&
                 n->kind != NodeKind::Float && n->kind != NodeKind::Map) {
        return;  // eq(key, regex/range/char) is not string equality
      }
    }
    // The pairwise cost is keys × the bytes searched; the set must be far cheaper.
    if (count > kMaxStrings || count * 8 > size_t(map->map.size) * std::max<size_t>(textBytes, rhs.size()))
      return;
    strings_.reserve(uint32_t(count));
    for (const QValue& r : rhs) {
      if (r.isUnresolved()) continue;
      const Node* n = r.node;
      if (n->kind == NodeKind::String) {
        std::string_view t = n->text();
        for (size_t len = minLen; len <= std::min<size_t>(maxLen, t.size()); ++len)
          for (size_t at = 0; at + len <= t.size(); ++at) strings_.insert(llvm::StringRef(t.data() + at, len));
      } else if (n->kind == NodeKind::List && listUse(r) == ListUse::Strings) {
        for (uint32_t i = 0; i < n->list.size; ++i) {
          std::string_view t = n->list.items[i]->text();
          strings_.insert(llvm::StringRef(t.data(), t.size()));
        }
      }
    }
    usable_ = true;
  }
  bool usable() const { return usable_; }
  // keySelected's answer for a key of the map.
  Cmp selected(std::string_view key) const {
    return strings_.contains(llvm::StringRef(key.data(), key.size())) ? Cmp::True : Cmp::False;
  }

 private:
  bool usable_ = false;
  llvm::DenseSet<llvm::StringRef> strings_;
};

static Node keyNode(const MapEntry& e) {
  Node key;
  key.kind = NodeKind::String;
  key.str.data = e.key;
  key.str.size = e.keyLen;
  return key;
}

// The keys a filter did not select are recorded as failed comparisons of
// each key against the rhs — but only when a report can show them. The filter
// records one KeysMiss per map (the rhs kept once, in sets_), which the
// clause drops when it passes (endClause); those that survive are expanded
// into their KeysCheck records when the evaluation ends. Recording every key
// at once cost a record and a scratch node per key of the map for every
// application of the filter: `%doc.Resources[ keys == %name ]` once per
// reference made the registry's ELB rules quadratic in the template's size.
void Machine::recordKeysMiss(const Node* map, uint32_t partId, const ResultSet& rhs) {
  if (Record* r = leaf(RecKind::KeysMiss, partId, QValue::resolved(map))) {
    r->toSet = uint32_t(sets_.size());
    sets_.push_back(rhs);
  }
}

// The entry of `map` whose key is `name` (nullptr: none). False when the
// map's keys are not in this document's key table (maps made by functions),
// which must be searched by text.
bool Machine::entryNamed(const Node* map, std::string_view name, const MapEntry*& entry) const {
  entry = nullptr;
  if (map->map.size == 0) return true;
  if (map->map.entries[0].id == kNoKey) return false;
  KeyId id = D.keys().find(name);
  if (id == kNoKey) return true;  // no key of this document has that text
  const Node* v = D.lookup(map, id);
  if (!v) return true;
  if (v->parent != map || v->slot >= map->map.size || map->map.entries[v->slot].value != v) return false;
  entry = &map->map.entries[v->slot];
  return true;
}

// A map key as a string value for the records: the map's path, the key's
// position. A key of a map made by json_parse or written in the rules stands
// at its entry's path instead (3.1.1 builds those keys as values under the
// map: /J/k1).
Node* Machine::keyAsValue(const Node* map, const MapEntry& e) {
  Node* key = scratch_.newNode(NodeKind::String);
  key->str.data = e.key;
  key->str.size = e.keyLen;
  key->line = e.line;
  key->col = e.col;
  if (e.id == kNoKey) {
    key->parent = map;
    key->slot = uint32_t(&e - map->map.entries);
  } else {
    key->parent = map->parent;
    key->slot = map->slot;
  }
  return key;
}

// One KeysCheck: the key (with the map's path and the key's position)
// against the right-hand value it was compared with (`to`, the `==`/`!=`
// form) or against the right-hand values `inSet` (the `in` form).
void Machine::recordKeyCheck(std::vector<Record>& out, const Node* map, const MapEntry& e,
                             uint32_t partId, const QValue& to, uint32_t inSet) {
  Node* key = keyAsValue(map, e);
  Record r{};
  r.kind = RecKind::KeysCheck;
  r.status = Status::Fail;
  // An `in`-form check lists its resolved right-hand values only.
  r.detail = inSet == UINT32_MAX && to.isUnresolved() ? CmpDetail::RightUnresolved : CmpDetail::False;
  r.info = partId;
  r.from = QValue::resolved(key);
  r.to = to;
  r.toSet = inSet;
  out.push_back(r);
}

// The right-hand values an `in`-form keys check lists: each as the key was
// compared with it (a retried literal one-element list is its element). The
// retry depends on the kinds of the values only, never on the key's text, so
// one key tells it for every key. Returns the index of the set in sets_.
uint32_t Machine::keysInTargets(const Node* key, const Part& part, uint32_t rhsSet) {
  ResultSet compared;
  bool retried = false;
  for (const QValue& r : sets_[rhsSet]) {
    compared.push_back(compareKey(key, r, true, part.keysNegated).with);
    retried |= compared.back().node != r.node;
  }
  if (!retried) return rhsSet;
  sets_.push_back(std::move(compared));
  return uint32_t(sets_.size() - 1);
}

// Replaces each KeysMiss by the KeysCheck records of its unselected keys,
// in map order, keeping every container's `end` pointing past its contents.
void Machine::expandKeysMisses(std::vector<Record>& records) {
  if (std::none_of(records.begin(), records.end(),
                   [](const Record& r) { return r.kind == RecKind::KeysMiss; }))
    return;
  std::vector<Record> out;
  out.reserve(records.size());
  std::vector<uint32_t> moved(records.size() + 1);  // old index -> new index
  for (size_t i = 0; i < records.size(); ++i) {
    moved[i] = uint32_t(out.size());
    const Record& r = records[i];
    if (r.kind != RecKind::KeysMiss) {
      out.push_back(r);
      continue;
    }
    const Node* map = r.from.node;
    const Part& part = P.parts[r.info];
    const bool inForm = keysInForm(part, sets_[r.toSet].size());
    const KeysInMatcher matcher(map, part, sets_[r.toSet]);
    uint32_t inSet = UINT32_MAX;
    for (uint32_t k = 0; k < map->map.size; ++k) {
      const MapEntry& e = map->map.entries[k];
      Node key = keyNode(e);
      const Cmp c = matcher.usable() ? matcher.selected(e.keyText()) : keySelected(&key, part, sets_[r.toSet]);
      if (c != Cmp::False) continue;
      if (!inForm) {
        recordKeyCheck(out, map, e, r.info, compareKey(&key, sets_[r.toSet][0], false, part.keysNegated).with,
                       UINT32_MAX);
        continue;
      }
      if (inSet == UINT32_MAX) inSet = keysInTargets(&key, part, r.toSet);
      recordKeyCheck(out, map, e, r.info, sets_[inSet][0], inSet);
    }
  }
  moved[records.size()] = uint32_t(out.size());
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].kind == RecKind::KeysMiss) continue;
    Record& r = out[moved[i]];
    r.end = moved[records[i].end];
  }
  // Expanded records are leaves.
  for (uint32_t i = 0; i < out.size(); ++i)
    if (out[i].kind == RecKind::KeysCheck && out[i].end <= i) out[i].end = i + 1;
  records.swap(out);
}

bool Machine::stepKeysFilter(ResultSet& set, const Part& part, uint32_t partId, Frame& frame,
                             ResultSet& tmp) {
  ResultSet out;
  ResultSet rhs;
  for (const QValue& v : set) {
    if (v.isUnresolved()) {
      out.push_back(v);
      continue;
    }
    const Node* n = v.node;
    if (n->kind != NodeKind::Map) {
      out.push_back(QValue::unresolved(n, Unresolved::KeysOnNonMap, partId));
      continue;
    }
    rhs.clear();
    if (part.literal != kNone) {
      rhs.push_back(QValue::literal(P.literals[part.literal]));
    } else {
      // The rhs query runs against the map, in the frame of the filter,
      // recording like the clause it is part of (a variable it resolves
      // first records its own checks there, as in cfn-guard).
      if (!callSet(part.func, frame, n, rhs)) return false;
    }
    // `keys == 'Name'` (one string: looking a resource up by its logical id)
    // selects at most the entry with that key, found through the map's key
    // index instead of comparing every key; the trace shows every key.
    const MapEntry* named = nullptr;
    if (!rhs.empty() && n->map.size > 0) ++filterTests_;
    if (!trace_ && part.keysOp != CmpOp::In && !part.keysNegated && rhs.size() == 1 &&
        !rhs[0].isUnresolved() && rhs[0].node->kind == NodeKind::String &&
        entryNamed(n, rhs[0].node->text(), named)) {
      if (named) {
        out.push_back(v.child(named->value));
        capture(part, n, *named);
      }
      if (n->map.size > (named ? 1u : 0u) && !suppress_ && rec_) recordKeysMiss(n, partId, rhs);
      continue;
    }
    // Nothing to compare with: no key is selected, none is recorded.
    if (rhs.empty()) continue;
    bool missed = false;
    uint32_t traceSet = UINT32_MAX;  // the trace's copy of rhs, in sets_
    // Exact (the same True/False as keySelected), so the trace uses it too.
    const KeysInMatcher matcher(n, part, rhs);
    for (uint32_t i = 0; i < n->map.size; ++i) {
      const MapEntry& e = n->map.entries[i];
      Node key = keyNode(e);
      Cmp c = matcher.usable() ? matcher.selected(e.keyText()) : keySelected(&key, part, rhs);
      if (c == Cmp::Error) return fail("regular expression too expensive to match");
      if (trace_) traceKey(n, e, c == Cmp::True, rhs, part, traceSet);
      if (c == Cmp::True) {
        out.push_back(v.child(e.value));
        capture(part, n, e);
      } else if (c == Cmp::False) {
        missed = true;
      }
    }
    if (missed && !suppress_ && rec_) recordKeysMiss(n, partId, rhs);
  }
  set.swap(out);
  (void)tmp;
  return true;
}

// The key names of an interpolation part for the map members of a query:
// its variable's members (only the one at the part's index, with pickIndex).
// The query's members in `set` are not touched. False on an evaluation error.
bool Machine::interpolatedNames(const Part& part, Frame& frame, const Node* self, ResultSet& names,
                                const QValueSpan*& indexMiss) {
  if (!callSet(part.func, frame, self, names)) return false;
  if (part.key != kNone) return fail(P.str(part.key));
  if (!part.pickIndex) return true;
  const uint64_t index = part.index < 0 ? uint64_t(-(part.index + 1)) + 1 : uint64_t(part.index);
  if (index >= names.size()) {
    // The whole set, for the reason of the unresolved members this makes.
    QValue* items = scratch_.arena().allocate<QValue>(names.size());
    std::copy(names.begin(), names.end(), items);
    QValueSpan* span = scratch_.arena().allocate<QValueSpan>();
    *span = QValueSpan{items, names.size()};
    indexMiss = span;
    names.clear();
    return true;
  }
  QValue picked = names[index];
  names.assign(1, picked);
  return true;
}

// `.%v` (spec §6.7 and differential cases 04, 05, 06): on a map, the values
// under the keys named by %v's members; an unresolved member, or a name the
// map lacks, gives an unresolved member; a name that is not a string (or a
// list of strings) is an evaluation error. Anything but a map is unresolved,
// and the variable is not evaluated unless the query meets a map.
bool Machine::stepInterp(ResultSet& set, const Part& part, uint32_t partId, Frame& frame,
                         const Node* self, ResultSet& tmp) {
  ResultSet names;
  bool haveNames = false;
  const QValueSpan* indexMiss = nullptr;
  tmp.clear();
  ResultSet input = std::move(set);
  for (const QValue& v : input) {
    if (v.isUnresolved()) {
      tmp.push_back(v);
      continue;
    }
    const Node* n = v.node;
    if (n->kind != NodeKind::Map) {
      tmp.push_back(QValue::unresolved(n, Unresolved::NotAMap, partId));
      continue;
    }
    if (!haveNames) {
      if (!interpolatedNames(part, frame, self, names, indexMiss)) return false;
      haveNames = true;
    }
    if (part.pickIndex && names.empty()) {
      tmp.push_back(QValue::variableIndexOutOfRange(n, indexMiss, partId));
      continue;
    }
    for (const QValue& name : names) {
      if (name.isUnresolved()) {
        QValue* cause = scratch_.arena().allocate<QValue>();
        *cause = name;
        tmp.push_back(QValue::variableUnresolved(n, cause, partId));
        continue;
      }
      const Node* k = name.node;
      const bool isList = k->kind == NodeKind::List;
      const uint32_t count = isList ? k->list.size : 1;
      for (uint32_t i = 0; i < count; ++i) {
        const Node* key = isList ? k->list.items[i] : k;
        if (key->kind != NodeKind::String)
          return fail("Comparing incoming context with literals or dynamic results wasn't possible "
                      "`Variable projections inside Query " + P.remainingQuery(part.query, 0) +
                      ", is returning a non-string value for key " + typeInfo(k) + "`");
        if (const Node* hit = D.lookupKeyText(n, key->text()))
          tmp.push_back(v.child(hit));
        else
          tmp.push_back(QValue::variableMissing(n, key, isList, partId));
      }
    }
  }
  set.swap(tmp);
  input.clear();
  tmp.swap(input);
  return true;
}

static void forgetKeyIds(Node* n, uint32_t depth) {
  if (depth > kMaxDocumentDepth) return;
  if (n->kind == NodeKind::Map) {
    for (uint32_t i = 0; i < n->map.size; ++i) {
      n->map.entries[i].id = kNoKey;
      forgetKeyIds(n->map.entries[i].value, depth + 1);
    }
  } else if (n->kind == NodeKind::List) {
    for (uint32_t i = 0; i < n->list.size; ++i) forgetKeyIds(n->list.items[i], depth + 1);
  }
}

bool Machine::call(const CallInfo& c, const ResultSet* args, ResultSet& out) {
  if (c.builtin < 0) return fail("No function named " + P.str(c.name) + " was found");
  if (builtinArity(c.builtin) != c.numArgs)
    return fail("Function " + P.str(c.name) + " expects " + std::to_string(builtinArity(c.builtin)) +
                " arguments, but " + std::to_string(c.numArgs) + " were given");
  std::vector<ResultSet> argv(args, args + c.numArgs);
  auto r = callBuiltin(c.builtin, argv, scratch_);
  if (!r.ok()) return fail(r.error().message);
  out = std::move(r.value());
  // Maps built by functions (json_parse) are searched by key text, not by
  // this document's key ids.
  for (QValue& v : out)
    if (v.node) forgetKeyIds(const_cast<Node*>(v.node), 0);
  return true;
}

// ------------------------------------------------------------------ checks

static bool isList(const Node* n) { return n->kind == NodeKind::List; }

// Records the failed outcomes of a clause. A FAILing clause keeps them as
// FAIL; a passing `some` clause keeps them as PASS (only the generic console
// report lists those). Unresolved left members come first, then unresolved
// right members, then the comparisons, as cfn-guard reports them.
void Machine::recordOutcomes(RecKind kind, uint32_t clauseId, Status clauseStatus,
                             const std::vector<Outcome>& outcomes, const ResultSet* rightSet) {
  if (suppress_ || !rec_) return;
  uint32_t setIndex = UINT32_MAX;
  for (int pass = 0; pass < 3; ++pass) {
    for (const Outcome& o : outcomes) {
      if (o.pass) continue;
      int group = o.detail == CmpDetail::LeftUnresolved ? 0 : o.detail == CmpDetail::RightUnresolved ? 1 : 2;
      if (group != pass) continue;
      Record* r = leaf(kind, clauseId, o.from, o.to, o.detail);
      r->status = clauseStatus == Status::Fail ? Status::Fail : Status::Pass;
      if (o.useSet && rightSet) {
        if (setIndex == UINT32_MAX) {
          setIndex = uint32_t(sets_.size());
          sets_.push_back(*rightSet);
        }
        r->toSet = setIndex;
      }
    }
  }
}

// One of the machine's outcome lists, empty, for the duration of a check.
class OutcomeScratch {
 public:
  explicit OutcomeScratch(Machine& m) : outcomes(take(m)), m_(m) {}
  ~OutcomeScratch() { --m_.outcomeDepth_; }
  OutcomeScratch(const OutcomeScratch&) = delete;
  OutcomeScratch& operator=(const OutcomeScratch&) = delete;

  std::vector<Outcome>& outcomes;

 private:
  Machine& m_;

  static std::vector<Outcome>& take(Machine& m) {
    if (m.outcomeDepth_ == m.outcomeStack_.size()) m.outcomeStack_.emplace_back();
    std::vector<Outcome>& v = m.outcomeStack_[m.outcomeDepth_++];
    v.clear();
    return v;
  }
};

Status Machine::checkUnary(const ClauseInfo& c, uint32_t clauseId, const ResultSet& left) {
  auto finish = [&](bool b) { return (b != c.opNegated) != c.clauseNegated; };
  if (c.emptyOnSet && left.empty()) {
    bool pass = finish(true);
    if (!pass) leaf(RecKind::EmptySet, clauseId, {});
    if (trace_) {
      TraceRecord& t = tleaf(pass ? TraceKind::Pass : TraceKind::EmptyCheck,
                             pass ? Status::Pass : Status::Fail, P.str(c.context));
      t.info = clauseId;
    }
    return pass ? Status::Pass : Status::Fail;
  }
  if (left.empty()) return Status::Skip;
  OutcomeScratch scratch(*this);
  std::vector<Outcome>& outcomes = scratch.outcomes;
  outcomes.reserve(left.size());
  for (const QValue& v : left) {
    bool b = false;
    const Node* n = v.node;
    bool unresolved = v.isUnresolved();
    switch (c.op) {
      case CmpOp::Exists: b = !unresolved; break;
      case CmpOp::Empty:
        if (unresolved) {
          b = true;
        } else if (c.emptyOnSet) {
          b = n->kind == NodeKind::Null;
        } else {
          switch (n->kind) {
            case NodeKind::List: b = n->list.size == 0; break;
            case NodeKind::Map: b = n->map.size == 0; break;
            case NodeKind::String: b = n->str.size == 0; break;
            case NodeKind::Bool: b = false; break;
            default:
              fail(std::string("Attempting EMPTY operation on type ") + nodeKindName(n->kind) +
                   " that does not support it");
              return Status::Skip;
          }
        }
        break;
      case CmpOp::IsString: b = !unresolved && n->kind == NodeKind::String; break;
      case CmpOp::IsList: b = !unresolved && n->kind == NodeKind::List; break;
      case CmpOp::IsStruct: b = !unresolved && n->kind == NodeKind::Map; break;
      case CmpOp::IsBool: b = !unresolved && n->kind == NodeKind::Bool; break;
      case CmpOp::IsInt: b = !unresolved && n->kind == NodeKind::Int; break;
      case CmpOp::IsFloat: b = !unresolved && n->kind == NodeKind::Float; break;
      case CmpOp::IsNull: b = !unresolved && n->kind == NodeKind::Null; break;
      default: break;
    }
    outcomes.push_back({finish(b), CmpDetail::None, v, {}});
  }
  bool anyPass = false, anyFail = false;
  for (const Outcome& o : outcomes) (o.pass ? anyPass : anyFail) = true;
  Status s = c.some ? (anyPass ? Status::Pass : Status::Fail)
                    : (anyFail ? Status::Fail : Status::Pass);
  if (trace_) traceOutcomes(clauseId, outcomes, nullptr, /*grouped=*/false);
  if (s == Status::Fail || c.some) {
    // Unary records keep member order (no left/right grouping).
    if (!suppress_ && rec_)
      for (const Outcome& o : outcomes)
        if (!o.pass) leaf(RecKind::Unary, clauseId, o.from)->status = s == Status::Fail ? Status::Fail : Status::Pass;
  }
  return s;
}

namespace {

// Applies `==` / `IN` per spec §8.5 / §8.7 to produce outcomes.
class BinaryEval {
 public:
  BinaryEval(const ClauseInfo& c, std::vector<Outcome>& out) : c_(c), out_(out) {}
  bool error = false;

  void add(Cmp r, QValue left, QValue right) {
    if (r == Cmp::Error) {
      error = true;
      return;
    }
    if (r == Cmp::NotComparable) {
      out_.push_back({false, CmpDetail::NotComparable, left, right});
      return;
    }
    bool b = r == Cmp::True;
    out_.push_back({b != c_.opNegated, CmpDetail::False, left, right});
  }
  void addBool(bool b, QValue left, QValue right) { add(b ? Cmp::True : Cmp::False, left, right); }
  void leftUnresolved(QValue left, QValue right) {
    out_.push_back({false, CmpDetail::LeftUnresolved, left, right});
  }
  void rightUnresolved(QValue left, QValue right) {
    out_.push_back({false, CmpDetail::RightUnresolved, left, right});
  }
  // One member of a set comparison's `diff`: a FAIL that names the member
  // and lists all resolved right-hand values.
  void setFail(QValue left, QValue right) {
    out_.push_back({false, CmpDetail::False, left, right, true});
  }

  // The result of a set comparison (cfn-guard's QueryIn): `lhs` the resolved
  // left members, `diff` the members that found no match. Negated operators
  // turn it around as 3.1.1 does: a success FAILs naming every left member,
  // a failure keeps the left members that are not in `diff` and FAILs naming
  // those, if any. A success counts one PASS per left member (so none when
  // every left member was unresolved: `some` does not pass on it).
  void setResult(const std::vector<QValue>& lhs, std::vector<QValue>& diff, const QValue& to) {
    bool success = diff.empty();
    if (c_.opNegated) {
      if (success) {
        diff = lhs;
      } else {
        llvm::DenseSet<const Node*> named;
        for (const QValue& d : diff) named.insert(d.node);
        diff.clear();
        for (const QValue& x : lhs)
          if (!named.count(x.node)) diff.push_back(x);
      }
      success = diff.empty();
    }
    if (success) {
      if (!lhs.empty()) setPassed = true;
      return;
    }
    for (const QValue& d : diff) setFail(d, to);
  }
  bool setPassed = false;  // a set comparison contributed PASS outcomes

  static QValue elem(const QValue& parent, const Node* e) {
    return QValue{e, parent.kind, Unresolved::None, 0};
  }

  // §8.5(a): left query member v against the literal r.
  void eqQueryLiteral(const QValue& v, const QValue& r) {
    const Node* rn = r.node;
    const Node* vn = v.node;
    if (isList(rn)) {
      if (vn->isScalar() && rn->list.size == 1)
        add(eq(vn, rn->list.items[0]), v, elem(r, rn->list.items[0]));
      else
        add(eq(vn, rn), v, r);
    } else if (isList(vn)) {
      for (uint32_t i = 0; i < vn->list.size; ++i) add(eq(vn->list.items[i], rn), elem(v, vn->list.items[i]), r);
    } else {
      add(eq(vn, rn), v, r);
    }
  }

  // §8.5(b): the literal l against a right query member w.
  void eqLiteralQuery(const QValue& l, const QValue& w) {
    const Node* ln = l.node;
    const Node* wn = w.node;
    if (isList(ln)) {
      add(eq(ln, wn), l, w);
    } else if (isList(wn)) {
      for (uint32_t i = 0; i < wn->list.size; ++i) add(eq(ln, wn->list.items[i]), l, elem(w, wn->list.items[i]));
    } else {
      add(eq(ln, wn), l, w);
    }
  }

  static bool isListOfLists(const Node* r) { return r->list.size > 0 && isList(r->list.items[0]); }

  // §8.7: is v contained in r (cfn-guard's contained_in)? The substring test
  // is not part of it: that applies only to a literal string on the right
  // (stringIn), never between two queries (differential/20).
  static Cmp contained(const Node* v, const Node* r) {
    if (isList(v)) {
      if (!isList(r)) return Cmp::NotComparable;
      if (isListOfLists(r)) {
        for (uint32_t i = 0; i < r->list.size; ++i)
          if (same(r->list.items[i], v)) return Cmp::True;
        return Cmp::False;
      }
      for (uint32_t i = 0; i < v->list.size; ++i)
        if (!memberOf(v->list.items[i], r)) return Cmp::False;
      return Cmp::True;
    }
    if (isList(r)) return memberOf(v, r) ? Cmp::True : Cmp::False;
    return eq(v, r);
  }

  // `IN 'string'`: substring of a string, anything else not comparable.
  static Cmp stringIn(const Node* v, const Node* r) {
    if (v->kind != NodeKind::String || r->kind != NodeKind::String) return Cmp::NotComparable;
    return r->text().find(v->text()) != std::string_view::npos ? Cmp::True : Cmp::False;
  }

  // One outcome of `v in r` / `v not in r` by contained(). A list v against
  // a list r is negated the way 3.1.1 negates its list result: `not in` a
  // plain list PASSes iff v has elements and none of them is in r (so `[]
  // not in [1]` FAILs, differential/07); `not in` a list of lists PASSes
  // only for an empty v that is not an element of r (so `[1, 2] not in
  // [[3], [4]]` FAILs, differential/08).
  void addContained(const QValue& v, const QValue& r) {
    const Node* vn = v.node;
    const Node* rn = r.node;
    if (!(c_.opNegated && isList(vn) && isList(rn))) {
      add(contained(vn, rn), v, r);
      return;
    }
    bool pass;
    if (isListOfLists(rn)) {
      pass = vn->list.size == 0 && contained(vn, rn) == Cmp::False;
    } else {
      pass = vn->list.size > 0;
      for (uint32_t i = 0; i < vn->list.size && pass; ++i)
        if (memberOf(vn->list.items[i], rn)) pass = false;
    }
    out_.push_back({pass, CmpDetail::False, v, r});
  }

  // §8.7(a): left query member v against the literal r.
  void inQueryLiteral(const QValue& v, const QValue& r) {
    const Node* vn = v.node;
    const Node* rn = r.node;
    if (rn->kind != NodeKind::String) {
      addContained(v, r);
    } else if (isList(vn)) {
      for (uint32_t i = 0; i < vn->list.size; ++i)
        add(stringIn(vn->list.items[i], rn), elem(v, vn->list.items[i]), r);
    } else {
      add(stringIn(vn, rn), v, r);
    }
  }

 private:
  const ClauseInfo& c_;
  std::vector<Outcome>& out_;
};

}  // namespace

static bool isLiteralSet(const ResultSet& s) { return s.size() == 1 && s[0].isLiteral(); }

// The right-hand members of `%a in %b` (§8.7(d)) by eqHash, when they are all
// maps: a left map is then contained only in a right map equal to it, and
// `%secrets in %referenced` over thousands of resources need not try every
// pair. Not usable (the pairwise loop is taken) for few pairs, or when a
// member is not a map or holds a value eqHash does not cover.
struct MapsByHash {
  bool usable = false;
  llvm::DenseMap<uint64_t, llvm::SmallVector<const Node*, 1>> maps;
};

static MapsByHash indexMapsByHash(size_t leftSize, const std::vector<QValue>& right) {
  constexpr size_t kMinPairs = 256;
  MapsByHash index;
  if (leftSize * right.size() < kMinPairs) return index;
  for (const QValue& y : right) {
    uint64_t h;
    if (y.node->kind != NodeKind::Map || !eqHash(y.node, h)) {
      index.maps.clear();
      return index;
    }
    index.maps[h].push_back(y.node);
  }
  index.usable = true;
  return index;
}

Status Machine::checkBinary(const ClauseInfo& c, uint32_t clauseId, const ResultSet& left,
                            const ResultSet& right) {
  if (left.empty() || right.empty()) return Status::Skip;
  OutcomeScratch scratch(*this);
  std::vector<Outcome>& outcomes = scratch.outcomes;
  BinaryEval ev(c, outcomes);
  bool leftLit = isLiteralSet(left);
  bool rightLit = isLiteralSet(right);
  ResultSet resolvedRight;     // what set-comparison records list as the right side

  // The resolved members of each side, for the comparisons that take whole
  // sets. An unresolved left member is one FAIL; an unresolved right member
  // is one FAIL per resolved left member (none when there is none), as in
  // cfn-guard.
  std::vector<QValue> L, R;
  auto splitLeft = [&] {
    for (const QValue& v : left) {
      if (v.isUnresolved()) ev.leftUnresolved(v, right[0]);
      else L.push_back(v);
    }
  };
  auto splitRight = [&](const std::vector<QValue>& against) {
    for (const QValue& w : right) {
      if (!w.isUnresolved()) {
        R.push_back(w);
        continue;
      }
      for (const QValue& x : against) ev.rightUnresolved(x, w);
    }
    resolvedRight.assign(R.begin(), R.end());
  };
  auto setTarget = [&] { return R.empty() ? right[0] : R[0]; };

  switch (c.op) {
    case CmpOp::Eq:
      if (rightLit) {
        const QValue& r = right[0];
        for (const QValue& v : left) {
          if (v.isUnresolved()) ev.leftUnresolved(v, r);
          else if (leftLit) ev.add(eq(v.node, r.node), v, r);
          else ev.eqQueryLiteral(v, r);
        }
      } else if (leftLit) {
        const QValue& l = left[0];
        for (const QValue& w : right) {
          if (w.isUnresolved()) ev.rightUnresolved(l, w);
          else ev.eqLiteralQuery(l, w);
        }
      } else {
        // §8.5(d): a set comparison of two queries; `diff` is taken from the
        // side with more resolved members (the right one on a tie).
        splitLeft();
        splitRight(L);
        auto hasSame = [](const QValue& x, const std::vector<QValue>& in) {
          for (const QValue& y : in)
            if (same(x.node, y.node) || same(y.node, x.node)) return true;
          return false;
        };
        std::vector<QValue> diff;
        const auto& big = L.size() > R.size() ? L : R;
        const auto& small = L.size() > R.size() ? R : L;
        for (const QValue& x : big)
          if (!hasSame(x, small)) diff.push_back(x);
        ev.setResult(L, diff, setTarget());
      }
      break;

    case CmpOp::In:
      if (rightLit) {
        const QValue& r = right[0];
        for (const QValue& v : left) {
          if (v.isUnresolved()) {
            ev.leftUnresolved(v, r);
          } else if (leftLit && BinaryEval::stringIn(v.node, r.node) == Cmp::True) {
            ev.addBool(true, v, r);  // §8.7(c): both literal strings: substring
          } else if (leftLit) {
            ev.addContained(v, r);
          } else {
            ev.inQueryLiteral(v, r);
          }
        }
      } else if (leftLit) {
        // §8.7(b)
        const QValue& l = left[0];
        L.push_back(l);
        splitRight(L);
        bool rightHasList = false;
        for (const QValue& w : R)
          if (isList(w.node)) rightHasList = true;
        if (rightHasList) {
          for (const QValue& w : R) ev.addContained(l, w);
        } else if (isList(l.node)) {
          // A set comparison whose left side is the literal list: `diff` is
          // its elements found in no right member.
          std::vector<QValue> diff;
          for (uint32_t i = 0; i < l.node->list.size; ++i) {
            bool found = false;
            for (const QValue& w : R)
              if (same(l.node->list.items[i], w.node)) found = true;
            if (!found) diff.push_back(BinaryEval::elem(l, l.node->list.items[i]));
          }
          ev.setResult(L, diff, setTarget());
        } else {
          for (const QValue& w : R) ev.add(eq(l.node, w.node), l, w);
        }
      } else {
        // §8.7(d): every left member contained in some right member.
        splitLeft();
        splitRight(L);
        std::vector<QValue> diff;
        const MapsByHash index = indexMapsByHash(L.size(), R);
        for (const QValue& x : L) {
          bool in = false;
          uint64_t h;
          if (index.usable && x.node->kind == NodeKind::Map && eqHash(x.node, h)) {
            // Only a map with the same hash can be equal (the members are all maps).
            if (auto it = index.maps.find(h); it != index.maps.end())
              for (const Node* y : it->second)
                if (eq(x.node, y) == Cmp::True) {
                  in = true;
                  break;
                }
          } else {
            for (const QValue& y : R)
              if (BinaryEval::contained(x.node, y.node) == Cmp::True) {
                in = true;
                break;
              }
          }
          if (!in) diff.push_back(x);
        }
        ev.setResult(L, diff, setTarget());
      }
      break;

    default: {
      // Ordering: flatten both sides one level, compare the cross product.
      std::vector<QValue> FL, FR;
      auto flatten = [](const ResultSet& in, std::vector<QValue>& out) {
        for (const QValue& v : in) {
          if (!v.isUnresolved() && isList(v.node)) {
            for (uint32_t i = 0; i < v.node->list.size; ++i)
              out.push_back(QValue{v.node->list.items[i], v.kind, Unresolved::None, 0});
          } else {
            out.push_back(v);
          }
        }
      };
      flatten(left, FL);
      flatten(right, FR);
      // Each unresolved right member fails once per resolved left value, in
      // cfn-guard's order (right member outer).
      for (const QValue& y : FR) {
        if (!y.isUnresolved()) continue;
        for (const QValue& x : FL)
          if (!x.isUnresolved()) ev.rightUnresolved(x, y);
      }
      for (const QValue& x : FL) {
        if (x.isUnresolved()) {
          ev.leftUnresolved(x, right[0]);
          continue;
        }
        for (const QValue& y : FR) {
          if (y.isUnresolved()) continue;
          Ord o = order(x.node, y.node);
          if (o == Ord::NotComparable) {
            outcomes.push_back({false, CmpDetail::NotComparable, x, y});
            continue;
          }
          bool b = false;
          switch (c.op) {
            case CmpOp::Gt: b = o == Ord::Greater; break;
            case CmpOp::Ge: b = o != Ord::Less; break;
            case CmpOp::Lt: b = o == Ord::Less; break;
            case CmpOp::Le: b = o != Ord::Greater; break;
            default: break;
          }
          outcomes.push_back({b != c.opNegated, CmpDetail::False, x, y});
        }
      }
      break;
    }
  }
  if (ev.error) {
    fail("a regular expression was too expensive to match (backtracking limit reached)");
    return Status::Skip;
  }

  bool anyPass = ev.setPassed, anyFail = false;
  for (const Outcome& o : outcomes) (o.pass ? anyPass : anyFail) = true;
  Status s;
  if (c.some) {
    s = anyPass ? Status::Pass : Status::Fail;
  } else {
    s = anyFail ? Status::Fail : Status::Pass;
  }
  if (s == Status::Fail || c.some)
    recordOutcomes(RecKind::Binary, clauseId, s, outcomes, &resolvedRight);
  if (trace_) traceOutcomes(clauseId, outcomes, &resolvedRight, /*grouped=*/true);
  return s;
}

// ------------------------------------------------------------------ trace mode

// Where the constructs of one function begin and end, read off the shapes
// compiler/lower.cpp emits (lowerAccess, lowerBlockClause, lowerWhen,
// lowerTypeBlock, lowerDisjunction): a clause runs from its CLAUSE_BEGIN to
// its CHECK_* / BLOCK; a `when` clause is COND_BEGIN..COND_END,
// JUMP_UNLESS_PASS, CALL_CNF body, JUMP, ST_SET SKIP; a type block is
// [conditions, JUMP_UNLESS_PASS] Q_THIS Q_KEY Q_ALL_VALUES Q_TYPE_SELECT
// TYPE_BLOCK [JUMP, ST_SET SKIP]. Only trace mode reads this, so the
// bytecode and the pack format carry nothing extra.
const std::vector<Machine::Ann>& Machine::traceAnnotations(uint32_t func) {
  if (anns_.size() != P.functions.size()) anns_.resize(P.functions.size());
  std::vector<Ann>& A = anns_[func];
  const std::vector<Instr>& code = P.functions[func].code;
  if (!A.empty() || code.empty()) return A;
  A.assign(code.size(), Ann{});
  const size_t n = code.size();
  uint8_t role = 0;  // 0 block-like body, 1 rule body, 2 rule `when`
  for (const RuleInfo& r : P.rules) {
    if (r.body == func) role = 1;
    else if (r.when == func) role = 2;
  }
  for (size_t p = 0; p < n; ++p) {
    if (code[p].op != Op::CLAUSE_BEGIN) continue;
    for (size_t q = p + 1; q < n; ++q) {
      Op op = code[q].op;
      if (op == Op::CHECK_UNARY || op == Op::CHECK_BINARY) {
        A[p].open |= kOpenClause;
        A[p].info = code[q].c;
        break;
      }
      if (op == Op::BLOCK) {
        A[p].open |= kOpenBlock;
        A[p].info = code[q].c;
        break;
      }
    }
  }
  for (size_t p = 4; p < n; ++p) {
    if (code[p].op != Op::TYPE_BLOCK) continue;
    uint32_t blk = code[p].c;
    A[p].close |= kCloseType;
    if (p >= 6 && code[p - 5].op == Op::JUMP_UNLESS_PASS && code[p - 6].op == Op::COND_END) {
      size_t cb = p - 6;
      while (cb > 0 && code[cb].op != Op::COND_BEGIN) --cb;
      A[cb].open |= kOpenType | kOpenTypeWhen;
      A[cb].block = blk;
      A[p - 6].close |= kCloseCond;
      if (p + 2 < n) A[p + 2].close |= kCloseType;
    } else {
      A[p - 4].open |= kOpenType;
      A[p - 4].block = blk;
    }
  }
  bool inCond = false;
  for (size_t p = 0; p < n; ++p) {
    Op op = code[p].op;
    if (op == Op::COND_END) inCond = false;
    if (op == Op::DISJ_BEGIN) A[p].disj = (inCond || role == 2) ? 2 : role == 1 ? 1 : 0;
    if (op != Op::COND_BEGIN) continue;
    inCond = true;
    if (A[p].open & kOpenTypeWhen) continue;
    size_t e = p + 1;
    while (e < n && code[e].op != Op::COND_END) ++e;
    if (e + 4 < n && code[e + 2].op == Op::CALL_CNF) {
      A[p].open |= kOpenWhen;
      A[p].disj = role == 1 ? 1 : 0;  // context RuleClause / GuardConditionClause
      A[e].close |= kCloseCond;
      A[e + 2].close |= kCloseWhen;
      A[e + 4].close |= kCloseWhen;
    }
  }
  return A;
}

void Machine::traceBefore(const Ann& a, uint32_t func) {
  if (!a.open) return;
  if (a.open & kOpenType) {
    const BlockInfo& b = P.blocks[a.block];
    tpush(TraceKind::Type, P.str(b.context), P.str(b.typeName));
  }
  if (a.open & kOpenTypeWhen) tpush(TraceKind::TypeWhen, P.str(P.blocks[a.block].context) + "/When");
  if (a.open & kOpenWhen) {
    std::string ctx = a.disj == 1 ? "RuleClause" : "GuardConditionClause";
    tpush(TraceKind::WhenBlock, ctx);
    tpush(TraceKind::WhenCond, ctx + "/When");
  }
  if (a.open & kOpenClause) {
    const ClauseInfo& c = P.clauses[a.info];
    tpush(TraceKind::ClauseBlock, "GuardAccessClause#block" + P.str(c.context));
    trace_rec_.back().info = a.info;
    // cfn-guard's at_least_one_matches: `some`, or `!empty` on a filtered query.
    const std::string& ctx = P.str(c.context);
    bool bareVariable = ctx.find('.') == std::string::npos && ctx.find(" %") != std::string::npos;
    trace_rec_.back().flag = c.some || (c.emptyOnSet && !bareVariable);
  }
  if (a.open & kOpenBlock) {
    const BlockInfo& b = P.blocks[a.info];
    tpush(TraceKind::BlockCheck, "BlockGuardClause#" + location(b.file, b.line, b.column));
  }
}

void Machine::traceAfter(const Ann& a, const Instr& in, const Instr* code, uint32_t pc,
                         const std::vector<Status>& T) {
  if (!a.close) return;
  if (a.close & kCloseCond) tpop(T[code[pc + 1].a]);
  if (a.close & (kCloseWhen | kCloseType)) tpop(T[in.a]);
}

// One record per compared value: passes as GuardClauseValueCheck, failures
// with their values. Binary clauses list unresolved left members first, then
// unresolved right members, then the comparisons (as the failure records do).
void Machine::traceOutcomes(uint32_t clauseId, const std::vector<Outcome>& outcomes,
                            const ResultSet* rightSet, bool grouped) {
  const ClauseInfo& c = P.clauses[clauseId];
  const std::string& ctx = P.str(c.context);
  bool unary = ast::isUnary(c.op);
  uint32_t setIndex = UINT32_MAX;
  auto one = [&](const Outcome& o) {
    if (o.pass) {
      tleaf(TraceKind::Pass, Status::Pass, ctx).info = clauseId;
      return;
    }
    TraceRecord& t = tleaf(unary ? TraceKind::Unary : TraceKind::Binary, Status::Fail, ctx);
    t.info = clauseId;
    t.op = c.op;
    t.opNegated = c.opNegated;
    t.message = c.message;
    t.from = o.from;
    t.detail = o.detail;
    if (!unary && o.detail != CmpDetail::LeftUnresolved) {
      t.to = o.to;
      t.hasTo = true;
    }
    if (o.useSet && rightSet) {
      if (setIndex == UINT32_MAX) {
        setIndex = uint32_t(sets_.size());
        sets_.push_back(*rightSet);
      }
      t.toSet = setIndex;
    }
  };
  if (!grouped) {
    for (const Outcome& o : outcomes) one(o);
    return;
  }
  for (int group = 0; group < 3; ++group)
    for (const Outcome& o : outcomes) {
      int g = o.detail == CmpDetail::LeftUnresolved ? 0 : o.detail == CmpDetail::RightUnresolved ? 1 : 2;
      if (g == group) one(o);
    }
}

// What cfn-guard records for one candidate of `[ Type == '<type>' ]` (the
// VM selects those without calling a filter function): the filter, its
// clause and the comparison of the candidate's Type with the string.
void Machine::traceTypeSelect(const Node* candidate, const Part& part, uint32_t partId, bool fromList) {
  if (typeLits_.size() != P.parts.size()) typeLits_.assign(P.parts.size(), nullptr);
  const Node*& lit = typeLits_[partId];
  if (!lit) {
    Node* s = scratch_.newNode(NodeKind::String);
    const std::string& text = P.str(part.key);
    s->str.data = scratch_.copyString(text);
    s->str.size = uint32_t(text.size());
    lit = s;
  }
  std::string ctx = " Type EQUALS  " + valueOnly(lit);
  uint32_t f = topen(TraceKind::Filter, fromList ? "Filter/List#1" : "Filter/Map#1");
  uint32_t cb = topen(TraceKind::ClauseBlock, "GuardAccessClause#block" + ctx);
  const Node* t = nullptr;
  if (candidate->kind == NodeKind::Map) {
    t = lookup(candidate, part.keyAlternatives[0]);
    if (!t) t = lookup(candidate, part.keyAlternatives[1]);
  }
  auto failed = [&](QValue from, bool hasTo) {
    TraceRecord& r = tleaf(TraceKind::Binary, Status::Fail, ctx);
    r.op = CmpOp::Eq;
    r.from = from;
    r.hasTo = hasTo;
    if (hasTo) r.to = QValue::literal(lit);
  };
  Status st = Status::Pass;
  if (!t) {
    failed(QValue::unresolved(candidate, candidate->kind == NodeKind::Map ? Unresolved::KeyMissing
                                                                          : Unresolved::NotAMap,
                              partId),
           false);
    st = Status::Fail;
  } else if (t->kind == NodeKind::List) {
    for (uint32_t i = 0; i < t->list.size; ++i) {
      const Node* e = t->list.items[i];
      if (eq(e, lit) == Cmp::True) {
        tleaf(TraceKind::Pass, Status::Pass, ctx);
      } else {
        failed(QValue::resolved(e), true);
        st = Status::Fail;
      }
    }
  } else if (eq(t, lit) == Cmp::True) {
    tleaf(TraceKind::Pass, Status::Pass, ctx);
  } else {
    failed(QValue::resolved(t), true);
    st = Status::Fail;
  }
  tclose(cb, st);
  tclose(f, st);
}

// Each key a keys filter compares is recorded with an empty context.
void Machine::traceKey(const Node* map, const MapEntry& e, bool selected, const ResultSet& rhs,
                       const Part& part, uint32_t& inSet) {
  if (selected) {
    tleaf(TraceKind::Pass, Status::Pass, "");
    return;
  }
  Node* key = keyAsValue(map, e);
  TraceRecord& t = tleaf(TraceKind::Binary, Status::Fail, "");
  t.opNegated = part.keysNegated;
  t.from = QValue::resolved(key);
  t.hasTo = true;
  if (keysInForm(part, rhs.size())) {
    t.op = CmpOp::In;
    if (inSet == UINT32_MAX) {
      sets_.push_back(rhs);
      inSet = keysInTargets(key, part, uint32_t(sets_.size() - 1));
    }
    t.toSet = inSet;
    t.to = sets_[inSet][0];
  } else {
    t.op = CmpOp::Eq;
    t.to = compareKey(key, rhs[0], false, part.keysNegated).with;
  }
  if (t.toSet == UINT32_MAX && t.to.isUnresolved()) t.detail = CmpDetail::RightUnresolved;
}

// A block value that did not resolve; the renderer words the reason.
void Machine::traceBlockMissing(const BlockInfo& bi, const QValue& v) {
  TraceRecord& t = tleaf(TraceKind::BlockMissing, Status::Fail,
                         "GuardBlockAccessClause#" + location(bi.file, bi.line, bi.column));
  t.info = uint32_t(&bi - P.blocks.data());
  t.from = v;
}

}  // namespace

Result<FileResult> evaluateFile(const Program& program, uint32_t file, const Document& doc,
                                const Node* root, const EvalLimits& limits) {
  Machine m(program, doc, root, limits);
  return m.run(file);
}

}  // namespace guard::vm
