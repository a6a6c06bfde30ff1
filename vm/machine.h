// The interpreter's machine: one rules file × one document (frames, register
// files, records, trace state) and the declarations of its parts. Internal to
// vm/: included by the files that implement it, each one concern: interp.cpp
// (rules, calls, variables, dispatch), query_steps.cpp (query steps, filters,
// type selects), keys_filter.cpp (map-key filters, interpolation, built-in
// calls), checks.cpp (clause checks), trace.cpp (trace mode). The entry point
// is evaluateFile (vm/interp.h).
#pragma once

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

#include "vm/analysis.h"
#include "vm/interp.h"

// What the verifier proved (vm/verify.h), asserted where the interpreter
// relies on it, in debug and sanitizer builds: a failure here is a verifier
// bug, caught at its source instead of as heap damage later.
#if !defined(NDEBUG) || defined(__SANITIZE_ADDRESS__)
// Out of line, so that the checks add nothing to the interpreter's frame.
[[noreturn, gnu::cold, gnu::noinline]] inline void verifiedInvariantBroken(const char* what, const char* file,
                                                                          int line) {
  std::fprintf(stderr, "guardvm: verified invariant broken: %s (%s:%d)\n", what, file, line);
  std::abort();
}
#define GUARD_VERIFIED(cond) \
  do {                       \
    if (!(cond)) verifiedInvariantBroken(#cond, __FILE__, __LINE__); \
  } while (0)
#else
#define GUARD_VERIFIED(cond) ((void)0)
#endif

namespace guard::vm::machine {


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
  // cfn-guard's evaluation context the frame's queries run in: its root is
  // the value a query that starts from `this` stands in when a filter after
  // .*, [*] or [name] picks its scope (filterScope). Rule bodies, blocks,
  // `when` bodies and parameterized rules open one of their own: their
  // `this`, its own parent. A filter's clauses open none (tests/differential/
  // cases/s9-filter-scope-skips-filters): they run in the context of the
  // list or map whose elements or values they test, or in the parent of the
  // context of the map they test after .*, [*] or [name] (Machine::stepFilter,
  // cases s18-filter-in-filter-*).
  const ScopeLink* ctx = nullptr;
  uint32_t func = kNone;  // the function whose slots this frame holds
  std::vector<SlotState> slots;
};

struct RegFile {
  std::vector<ResultSet> r;
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

// At each open clause: the record count, and how many filters had
// evaluated a candidate (Machine::filterTests_) when it began.
struct ClauseMark {
  uint32_t records;
  uint64_t filterTests;
};

// The containers a machine only works in (register files, rule states,
// stacks, scratch sets), kept per thread from one machine to the next: a
// machine evaluates one (rules file, document) pair, and allocating these
// afresh for each pair was most of the allocations of a run over small
// templates. A machine takes them cleared (capacity kept; stale values of a
// freed document never survive), and releases one that grew beyond
// kMaxKeptEntries instead, so that one huge evaluation does not pin memory.
struct MachineBuffers {
  static constexpr size_t kMaxKeptEntries = size_t(1) << 16;
  static constexpr size_t kMaxKeptDepths = 64;
  std::deque<RegFile> regs;
  std::vector<uint8_t> ruleState;
  std::vector<Status> ruleStatus;
  std::vector<uint32_t> discStack, condStack;
  std::vector<ClauseMark> clauseMarks;
  std::vector<const std::vector<uint32_t>*> keptLists;
  std::vector<uint32_t> keptOrder;
  std::vector<uint8_t> keepTags;
  ResultSet guardLeft, guardRight;
  std::deque<std::vector<Outcome>> outcomeStack;
  // Per rule of the file: the records its evaluation makes. Swapped with the
  // record lists of the FileResult the machine fills (evaluateFileInto), so
  // a caller that reuses its result gets back the lists it lends.
  std::vector<std::vector<Record>> ruleRecords;
  // The file scope's slots (its lets' values), swapped into the file frame
  // for one run; at least the file's count, reset to "not evaluated".
  std::vector<SlotState> fileSlots;
  // The slots of the frames Machine::callCnfScoped opens, one list per call
  // depth (one live frame per depth): a rule body's lets without an
  // allocation per call. Reset when lent, not here.
  std::deque<std::vector<SlotState>> frameSlots;
  bool inUse = false;

  void reset();
};

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
extern thread_local KeyIdTable keyIdTable;  // defined in interp.cpp

// One occurrence of a map key: its entry and where the text names it. A
// repeated key has one entry and several occurrences (forEachKeyOccurrence,
// runtime/document.h); the keys filter reports each at its own position.
struct KeyAt {
  const MapEntry* entry;
  uint32_t line, col;
  bool atEntryPath;  // KeyOccurrence::atEntryPath
  static KeyAt of(const MapEntry& e) { return {&e, e.line, e.col, false}; }
  static KeyAt of(const MapEntry& e, const KeyOccurrence& o) { return {&e, o.line, o.col, o.atEntryPath}; }
  // The key cfn-guard captures with the map's i-th value: the i-th key
  // occurrence, since it pairs its list of key occurrences with its list of
  // values. Once the text repeats a key, later values get earlier keys.
  static KeyAt pairedWithValue(const Node* map, uint32_t i) {
    if (!map->map.repeats) return of(map->map.entries[i]);
    const KeyOccurrence& o = map->map.repeats->items[i];  // size >= map.size
    return of(map->map.entries[o.entry], o);
  }
};

// The thread's MachineBuffers, reset, or (while they are in use) `own`,
// made for the one machine; giveBackBuffers frees the thread's for the next.
MachineBuffers& takeBuffers(std::unique_ptr<MachineBuffers>& own);
void giveBackBuffers(MachineBuffers& buffers);

class Machine {
 public:
  Machine(const Program& p, const Document& d, const Node* root, const EvalLimits& limits)
      : P(p), D(d), root_(root ? root : d.root()), limits_(limits),
        facts_(p.facts ? p.facts.get() : &kNoFacts),
        trace_(limits.trace), keyStamp_(keyIdTable.newStamp(p.strings.size())) {}
  ~Machine() { giveBackBuffers(B_); }
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;
  // Fills `out` (its storage reused); on an error `out` is left partly filled.
  Status0 run(uint32_t file, FileResult& out);

 private:
  // ---- calls
  Status callCnf(uint32_t func, Frame* parent, const Node* self);
  Status callFilter(uint32_t func, Frame& parent, const Node* candidate, const ScopeLink* ctx);
  Status callCnfScoped(uint32_t func, Frame* parent, const Node* self, const ScopeLink* ctx);
  Status callCnfInFrame(uint32_t func, Frame& frame);
  bool callSet(uint32_t func, Frame& frame, const Node* self, ResultSet& out);
  Status exec(uint32_t func, Frame& frame, const Node* self, ResultSet* setOut);
  bool refine(const Instr& in, RegFile& rf, Frame& frame, const Node* self);
  bool refineSelect(const Instr& in, RegFile& rf, Frame& frame, const Node* self);
  void copyPrefix(const Instr& in, RegFile& rf);
  // Function::depthFirst at instruction `at` (0: step by step).
  static uint32_t depthFirstEnd(const Function& f, uint32_t at) {
    return at < f.depthFirst.size() ? f.depthFirst[at] : 0;
  }
  bool refineDepthFirst(const Function& f, uint32_t at, uint32_t end, RegFile& rf, Frame& frame,
                        const Node* self, bool selectFirst = false);
  template <bool kTrace>
  bool valuesThenSelect(const Function& f, uint32_t at, const Instr& in, RegFile& rf, Frame& frame,
                        const Node* self, uint32_t& pc);
  // The limit on one result set, checked after every step that writes one:
  // the test inline, the message out of line (it is on the dispatch path).
  bool tooManyValues(const ResultSet& set) {
    if (set.size() <= limits_.maxResultSetSize) [[likely]] return false;
    failTooManyValues();
    return true;
  }
  [[gnu::noinline, gnu::cold]] void failTooManyValues() {
    fail(ErrorKind::EvalResultSetLimit, "a query selected more than " + std::to_string(limits_.maxResultSetSize) +
                                            " values (the limit on one result set)");
  }
  // The interpreter loop; kTrace adds the trace hooks (one instantiation
  // each, so the default path carries no trace test per instruction).
  template <bool kTrace>
  Status loop(uint32_t func, Frame& frame, const Node* self, ResultSet* setOut);
  // `local`: the rule's position in its file's rule list (FileInfo::rules),
  // which indexes the per-rule state: a machine runs one file, so its tables
  // are the file's size, not the program's.
  Status evalRule(uint32_t local, bool fresh = false);
  Status ruleRef(const RuleRefInfo& ref, uint32_t& which);
  Status paramCall(const ParamCallInfo& call, const ResultSet* args, Frame& caller, const Node* self);
  bool variable(Frame& frame, uint32_t depth, uint32_t slot, ResultSet& out);
  bool callerVariable(Frame& frame, uint32_t depth, uint32_t name, ResultSet& out);
  bool variableNamed(Frame* start, uint32_t name, ResultSet& out);

  // ---- query steps (in place on `set`)
  bool stepKey(ResultSet& set, const Part& part, uint32_t partId, ResultSet& tmp);
  void stepIndex(ResultSet& set, const Part& part, uint32_t partId, ResultSet& tmp);
  void stepAll(ResultSet& set, bool values, uint32_t partId, const ScopeLink* ctx, ResultSet& tmp,
               const Part* capture);
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
  // The context of member v's scope, in which `ctx` is the frame's: ctx
  // itself for kContextScope members, else one of v's own (in `own`, or in
  // the scratch arena when it must outlive this step).
  const ScopeLink* scopeOf(const QValue& v, const ScopeLink* ctx, ScopeLink& own) const;
  const ScopeLink* scopeOf(const QValue& v, const ScopeLink* ctx);
  // The QValue::up of the values of map member v: the context v's scope runs in.
  const ScopeLink* upOfValues(const QValue& v, const ScopeLink* ctx) {
    return v.part == QValue::kContextScope ? nullptr : scopeOf(v, ctx);
  }
  // The context function code running on `self` in `frame` runs in: the
  // frame's, or for a set function run on another value (a keys filter's
  // right-hand side runs on the map) that value's own.
  const ScopeLink* contextOf(const Frame& frame, const Node* self);
  // What kContextScope members stand for there.
  static const Node* contextScope(const Frame& frame, const Node* self) {
    return self == frame.self ? frame.ctx->root : self;
  }
  bool stepFilter(ResultSet& set, const Part& part, FilterMode mode, uint32_t partId, Frame& frame,
                  const ScopeLink* ctx, ResultSet& tmp);
  bool stepTypeSelect(ResultSet& set, const Part& part, FilterMode mode, uint32_t partId,
                      const ScopeLink* ctx, ResultSet& tmp);
  bool stepKeysFilter(ResultSet& set, const Part& part, uint32_t partId, Frame& frame, ResultSet& tmp);
  void recordKeyCheck(std::vector<Record>& out, const Node* map, const KeyAt& key, uint32_t partId,
                      const QValue& to, uint32_t inSet, Status status);
  uint32_t keysInTargets(const Node* key, const Part& part, uint32_t rhsSet);
  void recordKeysMiss(const Node* map, uint32_t partId, const ResultSet& rhs);
  bool entryNamed(const Node* map, std::string_view name, const MapEntry*& entry) const;
  Node* keyAsValue(const Node* map, const KeyAt& key);
  void expandKeysMisses(std::vector<Record>& records);
  void recordOutcomes(RecKind kind, uint32_t clauseId, Status clauseStatus,
                      const std::vector<Outcome>& outcomes, const ResultSet* rightSet);
  bool interpolatedNames(const Part& part, Frame& frame, const Node* self, ResultSet& names,
                         const QValueSpan*& indexMiss);
  bool stepInterp(ResultSet& set, const Part& part, uint32_t partId, Frame& frame, const Node* self,
                  ResultSet& tmp);
  bool call(const CallInfo& c, const ResultSet* args, ResultSet& out);
  std::string ruleNames(bool parameterized) const;
  void capture(const Part& part, const Node* map, const KeyAt& key);

  // ---- checks
  Status checkUnary(const ClauseInfo& c, uint32_t clauseId, const ResultSet& left);
  Status checkBinary(const ClauseInfo& c, uint32_t clauseId, const ResultSet& left,
                     const ResultSet& right);

  // ---- helpers
  const Node* lookup(const Node* map, uint32_t keyString) const;
  const Node* lookupKey(const Node* map, const Part& part, uint8_t& conv) const;
  KeyId keyId(uint32_t s) const;
  bool typeMatches(const Node* v, const Part& part) const;
  using TypeGuard = TypeGuardFact;  // vm/analysis.h
  bool typeGuardRejects(uint32_t func, const Node* candidate, Frame& frame);
  const TypeGuard* usableTypeGuard(uint32_t func);
  Status guardFirstConjunct(uint32_t func, const Node* typeNode, Frame& frame);
  // Kept out of loop(): inlined, its locals grew loop's frame under ASan from
  // 1.6 to 6.4 KB, and a chain of kMaxCallDepth rule references (one loop
  // frame each) overflowed the 8 MB stack (LimitCallDepth).
  [[gnu::noinline]] bool stepAllValuesOfType(ResultSet& set, bool typeSelect, uint32_t selectPart,
                                             ResultSet& tmp, Frame& frame, const Node* self);
  // The first error of a run sticks (evaluation stops at it); what leaves the
  // machine is that typed Error.
  bool fail(ErrorKind kind, std::string message) { return fail(Error::plain(kind, std::move(message))); }
  bool fail(Error e) {
    if (!err_) err_ = std::move(e);
    return false;
  }
  bool failed() const { return err_.has_value(); }

  // ---- trace mode (EvalLimits::trace): cfn-guard's full record stream
  // Per-instruction trace actions: the compiler's trace marks (TraceMark,
  // vm/program.h; proved by the verifier), one per instruction of a function
  // (see traceAnnotations).
  using Ann = TraceMark;
  const std::vector<Ann>& traceAnnotations(uint32_t func);
  void traceBefore(const Ann& a, uint32_t func);
  void traceAfter(const Ann& a, const Instr& in, const std::vector<Status>& T);
  uint32_t topen(TraceKind k, TraceContext ctx, uint32_t ctxId = kNone, uint32_t ctxN = 0) {
    TraceRecord r;
    r.kind = k;
    r.ctx = ctx;
    r.ctxId = ctxId;
    r.ctxN = ctxN;
    trace_rec_.push_back(std::move(r));
    return uint32_t(trace_rec_.size() - 1);
  }
  void tclose(uint32_t at, Status s) {
    trace_rec_[at].status = s;
    trace_rec_[at].end = uint32_t(trace_rec_.size());
  }
  void tpush(TraceKind k, TraceContext ctx, uint32_t ctxId = kNone, uint32_t ctxN = 0) {
    tstack_.push_back(topen(k, ctx, ctxId, ctxN));
  }
  void tpop(Status s) {
    if (tstack_.size() <= tfloor_) return;  // not this function's to close
    tclose(tstack_.back(), s);
    tstack_.pop_back();
  }
  TraceRecord& tleaf(TraceKind k, Status s, TraceContext ctx, uint32_t ctxId = kNone) {
    uint32_t at = topen(k, ctx, ctxId);
    tclose(at, s);
    return trace_rec_[at];
  }
  void traceOutcomes(uint32_t clauseId, const std::vector<Outcome>& outcomes, const ResultSet* rightSet,
                     bool grouped);
  void traceTypeSelect(const Node* candidate, const Part& part, uint32_t partId, bool fromList);
  void traceKey(const Node* map, const KeyAt& key, bool selected, const ResultSet& rhs, const Part& part,
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
  // Values made by functions, captures and keys filters; made on first use
  // (most pairs make none) and handed over with the results.
  std::unique_ptr<Document> scratchOwner_;
  Document& scratch() {
    if (!scratchOwner_) scratchOwner_ = std::make_unique<Document>();
    return *scratchOwner_;
  }
  // This thread's buffers, or the machine's own while another machine of
  // the thread holds them (takeBuffers).
  std::unique_ptr<MachineBuffers> ownBuffers_;
  MachineBuffers& B_ = takeBuffers(ownBuffers_);
  std::optional<Error> err_;
  std::deque<RegFile>& regs_ = B_.regs;
  uint32_t depth_ = 0;
  uint32_t file_ = 0;
  Frame* fileFrame_ = nullptr;
  std::vector<uint8_t>& ruleState_ = B_.ruleState;  // per rule of the file: 0 not run, 1 running, 2 done
  std::vector<Status>& ruleStatus_ = B_.ruleStatus;
  std::vector<std::vector<Record>>& ruleRecords_ = B_.ruleRecords;
  std::vector<Record>* rec_ = nullptr;
  int suppress_ = 0;
  std::vector<uint32_t>& discStack_ = B_.discStack;  // open disjunction records
  std::vector<uint32_t>& condStack_ = B_.condStack;  // open condition records (kNoRecord when not recording)
  std::vector<ClauseMark>& clauseMarks_ = B_.clauseMarks;  // at each open clause
  // Filter steps (value, type and keys filters) that evaluated at least one
  // candidate. cfn-guard records those evaluations in the clause whose query
  // runs them, so a block whose query selected nothing reports "did not
  // retrieve any value" only when no filter of its query had a candidate
  // (an empty map or list, or a variable resolved by an earlier clause).
  uint64_t filterTests_ = 0;
  std::vector<ResultSet> sets_;        // right-hand sides of KeysCheck records
  // stepAllValuesOfType's scratch: the kept tags' entry lists, merged.
  std::vector<const std::vector<uint32_t>*>& keptLists_ = B_.keptLists;
  std::vector<uint32_t>& keptOrder_ = B_.keptOrder;
  // The program's proved facts (vm/analysis.h), or none.
  static inline const ProgramFacts kNoFacts{};
  const ProgramFacts* facts_;
  ResultSet& guardLeft_ = B_.guardLeft;  // guardFirstConjunct's operands
  ResultSet& guardRight_ = B_.guardRight;
  // The outcome lists of checkUnary/checkBinary, reused from clause to clause
  // instead of one allocation per check; a stack, so a check that ever ran
  // inside another would take its own (OutcomeScratch).
  std::deque<std::vector<Outcome>>& outcomeStack_ = B_.outcomeStack;  // a deque: growing it keeps the lists in place
  size_t outcomeDepth_ = 0;
  friend class OutcomeScratch;
  std::vector<uint8_t>& keepTags_ = B_.keepTags;  // stepAllValuesOfType's per-type decisions
  // Trace mode.
  bool trace_ = false;
  const uint32_t keyStamp_;  // this machine's entries in keyIdTable
  std::vector<TraceRecord> trace_rec_;
  std::vector<uint32_t> tstack_;              // open records of exec's annotations
  // The records below tstack_[tfloor_] belong to the functions further up the
  // call chain. The verifier proves that a function's trace marks and
  // instructions open and close records in nested pairs on every path to a
  // return; a function left early (an evaluation error) still returns with
  // records open. So, as a backstop, a called function closes only what it
  // opened, and all of it when it returns: the
  // trace tree nests like the calls, whatever the code (a mutated pack once
  // nested it thousands deep). Kept in the callers' frames (callCnfInFrame,
  // callSet), not a wrapper's: kMaxCallDepth rule references must fit the
  // stack under ASan.
  size_t tfloor_ = 0;
  // Out of line: the message's temporaries would otherwise sit in the frame
  // of every call level (each byte counts kMaxCallDepth times under ASan).
  [[gnu::noinline, gnu::cold]] void failTooDeep() {
    fail(ErrorKind::EvalTooDeep, "evaluation nested deeper than " + std::to_string(kMaxCallDepth) + " levels");
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
  std::vector<uint8_t> refDone_;              // per rule of the file: evaluated through a reference
  std::vector<const Node*> typeLits_;         // per part: the type string of a Q_TYPE_SELECT

  // What a clause's queries recorded (keys-filter checks) stays a failure
  // only if the clause FAILed; otherwise it is dropped, or kept as passing
  // records for the generic console report (EvalLimits::passingQueryChecks).
  // The clause's own records (e.g. of a passing `some`) stay.
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
    if (limits_.passingQueryChecks) {
      for (auto it = first; it != rec_->end(); ++it)
        if (queryRecord(*it)) it->status = Status::Pass;
      return;
    }
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


}  // namespace guard::vm::machine
