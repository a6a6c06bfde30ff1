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
#include "vm/machine.h"

#include "vm/analysis.h"

namespace guard::vm {
namespace machine {

thread_local KeyIdTable keyIdTable;

namespace {
thread_local MachineBuffers threadBuffers;

template <typename V>
void clearKeeping(V& v, size_t maxKept) {
  if (v.capacity() > maxKept)
    V().swap(v);
  else
    v.clear();
}
}  // namespace

void MachineBuffers::reset() {
  if (regs.size() > kMaxKeptDepths) regs.resize(kMaxKeptDepths);
  for (RegFile& rf : regs) {
    for (ResultSet& r : rf.r) clearKeeping(r, kMaxKeptEntries);
    clearKeeping(rf.tmp, kMaxKeptEntries);
    rf.t.clear();
  }
  clearKeeping(ruleState, kMaxKeptEntries);
  clearKeeping(ruleStatus, kMaxKeptEntries);
  clearKeeping(discStack, kMaxKeptEntries);
  clearKeeping(condStack, kMaxKeptEntries);
  clearKeeping(clauseMarks, kMaxKeptEntries);
  clearKeeping(keptLists, kMaxKeptEntries);
  clearKeeping(keptOrder, kMaxKeptEntries);
  clearKeeping(keepTags, kMaxKeptEntries);
  clearKeeping(guardLeft, kMaxKeptEntries);
  clearKeeping(guardRight, kMaxKeptEntries);
  for (auto& outcomes : outcomeStack) clearKeeping(outcomes, kMaxKeptEntries);
  if (ruleRecords.size() > kMaxKeptEntries) ruleRecords.resize(kMaxKeptEntries);
  for (auto& records : ruleRecords) clearKeeping(records, kMaxKeptEntries);
  if (frameSlots.size() > kMaxKeptDepths) frameSlots.resize(kMaxKeptDepths);
  for (auto& slots : frameSlots)
    if (slots.size() > kMaxKeptEntries) slots.resize(kMaxKeptEntries);
  if (fileSlots.size() > kMaxKeptEntries) fileSlots.resize(kMaxKeptEntries);
  for (SlotState& slot : fileSlots) {
    slot.state = 0;
    clearKeeping(slot.value, kMaxKeptEntries);
  }
}

MachineBuffers& takeBuffers(std::unique_ptr<MachineBuffers>& own) {
  if (!threadBuffers.inUse) {
    threadBuffers.reset();
    threadBuffers.inUse = true;
    return threadBuffers;
  }
  own = std::make_unique<MachineBuffers>();
  return *own;
}

void giveBackBuffers(MachineBuffers& buffers) {
  if (&buffers == &threadBuffers) threadBuffers.inUse = false;
}

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

// The file frame's slots are the thread's (MachineBuffers::fileSlots), lent
// for one run and given back whichever way it ends.
namespace {
struct LentSlots {
  std::vector<SlotState>& owner;
  std::vector<SlotState>& borrower;
  LentSlots(std::vector<SlotState>& o, std::vector<SlotState>& b) : owner(o), borrower(b) { owner.swap(borrower); }
  ~LentSlots() { owner.swap(borrower); }
};
}  // namespace

Status0 Machine::run(uint32_t file, FileResult& out) {
  file_ = file;
  const FileInfo& fi = P.files[file];
  Frame fileFrame;
  fileFrame.self = root_;
  ScopeLink fileScope{root_, nullptr};
  fileScope.parent = &fileScope;
  fileFrame.ctx = &fileScope;
  fileFrame.func = fi.scope;
  // Reset by takeBuffers; a longer list than the file's is harmless (every
  // slot index is checked against the function's slots).
  if (B_.fileSlots.size() < P.functions[fi.scope].slots.size())
    B_.fileSlots.resize(P.functions[fi.scope].slots.size());
  LentSlots lent(B_.fileSlots, fileFrame.slots);
  fileFrame_ = &fileFrame;
  const size_t fileRules = fi.rules.size();
  ruleState_.assign(fileRules, 0);
  ruleStatus_.assign(fileRules, Status::Skip);
  if (ruleRecords_.size() < fileRules) ruleRecords_.resize(fileRules);  // cleared by takeBuffers

  // Captures are the one side effect of evaluating a rule: each evaluation
  // appends its keys again. Where a file has any, a rule a reference made
  // evaluate before its turn is evaluated again at its turn, as in cfn-guard
  // (its records and later readers see the keys twice).
  bool captures = false;
  for (const Slot& slot : P.functions[fi.scope].slots) captures |= slot.init == kNone;

  if (trace_ && !P.hasTrace)
    return Error::plain(ErrorKind::PackNoTrace, "the rule pack of " + P.str(fi.name) +
                        " has no trace information (its optional debug section 15, which --verbose, "
                        "--print-json and test -v need): compile it again with this guardc");
  out.file = file;
  size_t kept = 0;  // out.rules in use; the rest are reused or dropped below
  bool anyPass = false, anyFail = false;
  uint32_t fileRec = kNoRecord;
  if (trace_) {
    refDone_.assign(fileRules, 0);
    size_t n = 0;
    for (uint32_t ri : fi.rules) n += P.rules[ri].kind != RuleKind::Parameterized;
    fileRec = topen(TraceKind::File, TraceContext::File, kNone, uint32_t(n));
  }
  for (uint32_t local = 0; local < fileRules; ++local) {
    const uint32_t ri = fi.rules[local];
    if (P.rules[ri].kind == RuleKind::Parameterized) continue;
    // cfn-guard evaluates every rule afresh at the top level (records and
    // all); only references reuse an earlier status. Without captures the
    // earlier evaluation's answer is the same, and reused.
    Status s = evalRule(local, /*fresh=*/trace_ || captures);
    if (failed()) return *err_;
    anyPass |= s == Status::Pass;
    anyFail |= s == Status::Fail;
    expandKeysMisses(ruleRecords_[local]);
    if (kept == out.rules.size()) out.rules.emplace_back();
    RuleResult& rr = out.rules[kept++];
    rr.rule = ri;
    rr.status = s;
    // The result takes the records; the buffers take the result's old list.
    rr.records.swap(ruleRecords_[local]);
    ruleRecords_[local].clear();
  }
  out.rules.resize(kept);
  out.status = anyFail ? Status::Fail : anyPass ? Status::Pass : Status::Skip;
  if (trace_) {
    tclose(fileRec, out.status);
    out.trace = std::move(trace_rec_);
  } else {
    out.trace.clear();
  }
  out.scratch = std::move(scratchOwner_);
  out.sets = std::move(sets_);
  return okStatus();
}

Status Machine::evalRule(uint32_t local, bool fresh) {
  if (ruleState_[local] == 2 && !fresh) return ruleStatus_[local];
  const uint32_t ri = P.files[file_].rules[local];
  if (ruleState_[local] == 1) {
    fail(ErrorKind::EvalRuleCycle,
         "rule " + P.str(P.rules[ri].name) + " refers to itself (a cycle of rule references)");
    return Status::Skip;
  }
  ruleState_[local] = 1;
  const RuleInfo& r = P.rules[ri];
  std::vector<Record>* savedRec = rec_;
  int savedSuppress = suppress_;
  rec_ = &ruleRecords_[local];
  rec_->clear();
  suppress_ = 0;
  Status s = Status::Skip;
  bool applies = true;
  uint32_t trec = trace_ ? topen(TraceKind::Rule, TraceContext::Rule, ri) : kNoRecord;
  if (r.when != kNone) {
    uint32_t rec = open(RecKind::When, ri);
    uint32_t tw = trace_ ? topen(TraceKind::RuleWhen, TraceContext::RuleWhen, ri) : kNoRecord;
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
  ruleState_[local] = 2;
  ruleStatus_[local] = s;
  return s;
}

// A reference uses the first same-named rule whose status is not SKIP (spec §5.3).
Status Machine::ruleRef(const RuleRefInfo& ref, uint32_t& which) {
  const std::string& name = P.str(ref.name);
  bool found = false;
  Status s = Status::Skip;
  which = kNone;
  const std::vector<uint32_t>& rules = P.files[file_].rules;
  for (uint32_t local = 0; local < rules.size(); ++local) {
    const uint32_t ri = rules[local];
    const RuleInfo& r = P.rules[ri];
    if (r.kind != RuleKind::Named || P.str(r.name) != name) continue;
    found = true;
    // Trace mode: like cfn-guard, a rule's first evaluation through a
    // reference runs it again (its records nest under the reference); later
    // references reuse that status.
    bool fresh = trace_ && !refDone_[local];
    if (trace_) refDone_[local] = 1;
    Status rs = evalRule(local, fresh);
    if (failed()) return Status::Skip;
    if (which == kNone) which = ri;
    if (rs != Status::Skip) {
      s = rs;
      which = ri;
      break;
    }
  }
  if (!found)
    fail(ErrorKind::EvalRuleNotFound,
         "There was no variable or value object to resolve. Error = `Rule " + name +
             " by that name does not exist, Rule Names = " + ruleNames(false) + "` (referenced at line " +
             std::to_string(ref.line) + ")");
  return s;
}

// The names of the file's parameterized rules, or of its other rules (the
// default rule, "<file>/default", among them), each once, in the file's
// order, as 3.1.1's errors list them (in its hash order, which varies from
// run to run).
std::string Machine::ruleNames(bool parameterized) const {
  std::vector<std::string_view> names;
  for (uint32_t ri : P.files[file_].rules) {
    const RuleInfo& r = P.rules[ri];
    if ((r.kind == RuleKind::Parameterized) != parameterized) continue;
    std::string_view n = P.str(r.name);
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", \"" : "\"") + std::string(names[i]) + "\"";
  return out + "]";
}

Status Machine::paramCall(const ParamCallInfo& call, const ResultSet* args, Frame& caller,
                          const Node* self) {
  const std::string& name = P.str(call.name);
  for (uint32_t ri : P.files[file_].rules) {
    const RuleInfo& r = P.rules[ri];
    if (r.kind != RuleKind::Parameterized || P.str(r.name) != name) continue;
    if (r.numParams != call.numArgs) {
      fail(ErrorKind::EvalError, "Types or variable assignments are incompatible `Arity mismatch for called "
                                 "parameter rule " + name + ", expected " + std::to_string(r.numParams) + ", got " +
                                     std::to_string(call.numArgs) + "`");
      return Status::Skip;
    }
    Frame frame;
    frame.parent = fileFrame_;
    frame.caller = &caller;
    frame.self = self;
    ScopeLink own{self, nullptr};
    own.parent = &own;
    frame.ctx = &own;
    frame.func = r.body;
    frame.slots.resize(P.functions[r.body].slots.size());
    for (uint16_t i = 0; i < call.numArgs; ++i) {
      frame.slots[i].state = 2;
      frame.slots[i].value = args[i];
    }
    uint32_t trec = trace_ ? topen(TraceKind::Rule, TraceContext::Rule, ri) : kNoRecord;
    Status s = callCnfInFrame(r.body, frame);
    if (trace_) tclose(trec, s);
    return s;
  }
  fail(ErrorKind::EvalRuleNotFound, "There was no variable or value object to resolve. Error = `Parameterized Rule "
                                    "with name " + name + " was not found, candidate " +
                                        ruleNames(true) + "`");
  return Status::Skip;
}

// ------------------------------------------------------------------ calls

// A rule body, block or `when` body: a context of its own, its own parent.
Status Machine::callCnf(uint32_t func, Frame* parent, const Node* self) {
  ScopeLink own{self, nullptr};
  own.parent = &own;
  return callCnfScoped(func, parent, self, &own);
}

// A filter's clauses run on each candidate in the context stepFilter picks.
Status Machine::callFilter(uint32_t func, Frame& parent, const Node* candidate, const ScopeLink* ctx) {
  return callCnfScoped(func, &parent, candidate, ctx);
}

Status Machine::callCnfScoped(uint32_t func, Frame* parent, const Node* self, const ScopeLink* ctx) {
  Frame frame;
  frame.parent = parent;
  frame.self = self;
  frame.ctx = ctx;
  frame.func = func;
  const size_t n = P.functions[func].slots.size();
  if (n == 0) return callCnfInFrame(func, frame);
  // The frame lives at depth_ + 1 while it runs, the only one there: it
  // borrows that depth's slot list (a longer one is harmless: every slot
  // index is checked against the function's slots, in Machine::variable and
  // Machine::capture), reset to unevaluated.
  while (B_.frameSlots.size() <= depth_) B_.frameSlots.emplace_back();
  std::vector<SlotState>& lent = B_.frameSlots[depth_];
  if (lent.size() < n) lent.resize(n);
  for (size_t i = 0; i < n; ++i) {
    lent[i].state = 0;
    lent[i].value.clear();
  }
  LentSlots borrowed(lent, frame.slots);
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
  if (depth_ + 1 >= kMaxCallDepth) return fail(ErrorKind::EvalTooDeep, "evaluation nested too deeply");
  ++depth_;
  const size_t floor = enterTraceFloor();
  leaveTraceFloor(floor, exec(func, frame, self, &out));
  --depth_;
  return !failed();
}

bool Machine::variable(Frame& frame, uint32_t depth, uint32_t slot, ResultSet& out) {
  Frame* f = &frame;
  for (uint32_t i = 0; i < depth && f; ++i) f = f->parent;
  // Both bounds: a frame's slot list may be longer than its function's (the
  // lists are the thread's, lent; see callCnfScoped), and the index must name
  // a slot of the function as well as an entry of the list.
  if (!f || f->func >= P.functions.size() || slot >= P.functions[f->func].slots.size() || slot >= f->slots.size())
    return fail(ErrorKind::Internal, "corrupt program: variable slot out of range");
  SlotState& st = f->slots[slot];
  if (st.state == 2) {
    out = st.value;
    return true;
  }
  if (st.state == 1) return fail(ErrorKind::EvalRuleCycle, "a variable is defined in terms of itself");
  // Captures and parameters have no initializer. Parameters are filled when
  // the call starts; a capture exists only once its query has captured a
  // key, and until then the name means the same name further out, as in
  // cfn-guard (differential case 22).
  uint32_t init = P.functions[f->func].slots[slot].init;
  if (init == kNone)
    return variableNamed(f->caller ? f->caller : f->parent, P.functions[f->func].slots[slot].name, out);
  // Evaluated lazily: what it records (keys-filter checks) belongs to the
  // clause that first uses it, as in cfn-guard.
  // Straight into the slot (RET_SET swaps the register in): its capacity is
  // the thread's (MachineBuffers::fileSlots) for file-level lets.
  st.state = 1;
  bool ok = callSet(init, *f, f->self, st.value);
  if (!ok) return false;
  st.state = 2;
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
  if (!f || !f->caller)
    return fail(ErrorKind::Internal, "corrupt program: no parameterized rule frame for a caller's variable");
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
  return fail(ErrorKind::EvalUnresolvedVariable,
              "There was no variable or value object to resolve. Error = `Could not resolve variable by name " +
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
      stepKey(set, P.parts[in.c], in.c, rf.tmp);
      return true;
    case Op::Q_INDEX:
      stepIndex(set, P.parts[in.c], in.c, rf.tmp);
      return true;
    case Op::Q_ALL_VALUES:
      stepAll(set, true, in.c, contextOf(frame, self), rf.tmp, nullptr);
      return true;
    case Op::Q_ALL_INDICES:
      stepAll(set, false, in.c, contextOf(frame, self), rf.tmp, nullptr);
      return true;
    case Op::Q_CAPTURE:
      stepAll(set, true, in.c, contextOf(frame, self), rf.tmp, &P.parts[in.c]);
      return true;
    case Op::Q_FILTER:
      return stepFilter(set, P.parts[in.c], FilterMode(in.b), in.c, frame, contextOf(frame, self), rf.tmp);
    case Op::Q_TYPE_SELECT:
      stepTypeSelect(set, P.parts[in.c], FilterMode(in.b), in.c, contextOf(frame, self), rf.tmp);
      return true;
    case Op::Q_KEYS_FILTER:
      return stepKeysFilter(set, P.parts[in.c], in.c, frame, rf.tmp);
    case Op::Q_INTERP:
      return stepInterp(set, P.parts[in.c], in.c, frame, self, rf.tmp);
    case Op::Q_VALUES_FILTER:
    case Op::Q_VALUES_OF_TYPE:
      stepAll(set, true, in.c, contextOf(frame, self), rf.tmp, nullptr);
      return refineSelect(in, rf, frame, self);
    default:
      GUARD_VERIFIED(false);
      return true;
  }
}

// The second half of a fused `.*` + filter (Q_VALUES_FILTER,
// Q_VALUES_OF_TYPE): the filter of part C+1 over the values (after-values).
inline bool Machine::refineSelect(const Instr& in, RegFile& rf, Frame& frame, const Node* self) {
  const uint32_t part = in.c + 1;  // checkFusedSelect (vm/verify.cpp)
  ResultSet& set = rf.r[in.a];
  if (in.op == Op::Q_VALUES_OF_TYPE)
    return stepTypeSelect(set, P.parts[part], FilterMode::AfterAllValues, part, contextOf(frame, self),
                          rf.tmp);
  return stepFilter(set, P.parts[part], FilterMode::AfterAllValues, part, frame, contextOf(frame, self),
                    rf.tmp);
}

// A fused `.*` + filter at dispatch. Outside trace mode the `.*` of one big
// map keeps only the values of the types the filter can select (the
// document's type tags, stepAllValuesOfType); then the limit on one result
// set, as after any step; then the filter, depth first when the compiler
// stated that later steps of the query record (Function::depthFirst; never
// for a type select), as a Q_FILTER's dispatch does.
template <bool kTrace>
bool Machine::valuesThenSelect(const Function& f, uint32_t at, const Instr& in, RegFile& rf,
                               Frame& frame, const Node* self, uint32_t& pc) {
  ResultSet& set = rf.r[in.a];
  bool pruned = false;
  if constexpr (!kTrace)
    pruned = stepAllValuesOfType(set, in.op == Op::Q_VALUES_OF_TYPE, in.c + 1, rf.tmp, frame, self);
  if (!pruned) stepAll(set, true, in.c, contextOf(frame, self), rf.tmp, nullptr);
  if (tooManyValues(set)) return false;
  if constexpr (!kTrace) {
    if (const uint32_t end = depthFirstEnd(f, at); end && set.size() > 1 && rec_ && !suppress_) {
      pc = end;
      return refineDepthFirst(f, at, end, rf, frame, self, /*selectFirst=*/true);
    }
  }
  return refineSelect(in, rf, frame, self);
}

// Runs the query steps [at, end) of register code[at].a member by member: the
// first step, then the rest, on one member before the next. cfn-guard resolves
// a query depth first, so when two steps record, the records of a member's
// later steps come before those of the next member's first step (level 3; the
// breadth-first steps of `loop` give the same records in another order). Only
// taken when a later step records too; each recursion level has its own
// member, so nested splits stay in order. Where to split and where the query
// ends are the compiler's statement (Function::depthFirst, proved by the
// verifier): nothing here looks at code it is not running. `selectFirst`: the first step is a
// fused `.*` + filter whose `.*` already ran: only its filter runs.
bool Machine::refineDepthFirst(const Function& f, uint32_t at, uint32_t end, RegFile& rf,
                               Frame& frame, const Node* self, bool selectFirst) {
  const uint8_t reg = f.code[at].a;
  ResultSet input = std::move(rf.r[reg]);
  ResultSet out;
  for (const QValue& member : input) {
    rf.r[reg].assign(1, member);
    for (uint32_t i = at; i < end; ++i) {
      const Instr& in = f.code[i];
      if (i > at && stepMayRecord(in) && rf.r[reg].size() > 1 && depthFirstEnd(f, i)) {
        GUARD_VERIFIED(depthFirstEnd(f, i) == end);  // one query: one run of steps
        if (!refineDepthFirst(f, i, end, rf, frame, self)) return false;
        break;
      }
      if (!(i == at && selectFirst ? refineSelect(in, rf, frame, self) : refine(in, rf, frame, self)))
        return false;
    }
    out.insert(out.end(), rf.r[reg].begin(), rf.r[reg].end());
  }
  rf.r[reg] = std::move(out);
  return true;
}

// Q_COPY: a query starts from the prefix its block computed once
// (compiler/lower.cpp, planSharedPrefixes), each member with the case
// conversion its path chose. An unresolved member names the part of the
// computing query where it stopped; it moves to the part at that position in
// this query (part C's), so that reports read this clause's query text. The
// compiler makes those parts one after the other; other members stay as they are.
void Machine::copyPrefix(const Instr& in, RegFile& rf) {
  ResultSet& out = rf.r[in.a];
  out = rf.r[in.b];
  const Part& first = P.parts[in.c];
  for (QValue& m : out) {
    if (!m.isUnresolved() || m.part >= P.parts.size()) continue;
    const Part& at = P.parts[m.part];
    if (at.query == first.query || at.position < first.position) continue;
    const uint64_t target = uint64_t(in.c) + (at.position - first.position);
    if (target < P.parts.size() && P.parts[target].query == first.query &&
        P.parts[target].position == at.position)
      m.part = uint32_t(target);
  }
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
        R[in.a].assign(1, QValue{root_, QKind::Resolved, Unresolved::None, 0, QValue::kContextScope});
        break;
      case Op::Q_THIS:
        R[in.a].assign(1, QValue{self, QKind::Resolved, Unresolved::None, 0, QValue::kContextScope});
        break;
      case Op::Q_LIT:
        R[in.a].assign(1, QValue::literal(P.literals[in.c]));
        break;
      case Op::Q_ARG_LIT:
        R[in.a].assign(1, QValue::resolved(P.literals[in.c]));
        break;
      case Op::Q_NAMEDVAR:
      case Op::Q_DYNVAR:
      case Op::Q_VAR:
        if (!(in.op == Op::Q_VAR      ? variable(frame, in.b, in.c, R[in.a])
              : in.op == Op::Q_DYNVAR ? callerVariable(frame, in.b, in.c, R[in.a])
                                      : variableNamed(&frame, in.c, R[in.a])))
          return Status::Skip;
        // The rest of the query runs in a scope of each value (filterScope),
        // and is a query of its own: no case conversion chosen yet (the
        // variable's values keep the ones of the query that made them).
        for (QValue& m : R[in.a]) {
          if (!m.isUnresolved()) {
            m.part = 0;
            m.up = nullptr;  // its context runs in this frame's
          }
          m.conv = 0;
        }
        break;
      case Op::Q_EMPTY:
        R[in.a].clear();
        break;
      case Op::Q_COPY:
        copyPrefix(in, rf);
        break;
      case Op::Q_VALUES_FILTER:
      case Op::Q_VALUES_OF_TYPE:
        if (!valuesThenSelect<kTrace>(f, at, in, rf, frame, self, pc)) return Status::Skip;
        break;
      case Op::Q_FILTER:
      case Op::Q_KEYS_FILTER:
        if constexpr (!kTrace) {
          if (const uint32_t end = depthFirstEnd(f, at); end && R[in.a].size() > 1 && rec_ && !suppress_) {
            if (!refineDepthFirst(f, at, end, rf, frame, self)) return Status::Skip;
            pc = end;
            break;
          }
        }
        if (!refine(in, rf, frame, self)) return Status::Skip;
        break;
      case Op::Q_KEY:
      case Op::Q_INDEX:
      case Op::Q_ALL_VALUES:
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
        // Its values start a query of their own (callBuiltin: conv 0, spec §6.3).
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
              fail(ErrorKind::EvalUnresolvedVariable,
                   "There was no variable or value object to resolve. Error = `Unable to resolve "
                   "type block query: " +
                       P.str(bi.typeName) + "`");
              return Status::Skip;
            }
            leaf(RecKind::BlockMissing, in.c, v);
            if constexpr (kTrace) traceBlockMissing(bi, v);
            s = Status::Fail;
          } else {
            uint32_t tb = kNoRecord;
            if constexpr (kTrace)
              if (typeBlock)
                tb = topen(TraceKind::TypeBody, TraceContext::BlockValue, in.c, index);
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
          tref = topen(TraceKind::Pass, TraceContext::RuleRef, in.c);
        Status rs = ruleRef(ref, which);
        if (failed()) return Status::Skip;
        bool pass = (rs == Status::Pass) != ref.negated;
        T[in.a] = pass ? Status::Pass : Status::Fail;
        if constexpr (kTrace) {
          TraceRecord& t = trace_rec_[tref];
          t.kind = pass ? TraceKind::Pass : TraceKind::DependentRule;
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
        // A call that passes keeps the failures under it (a failed
        // alternative of an `or` in its body): cfn-guard's generic report
        // lists them when the calling rule fails.
        close(rec, s, /*keepPassing=*/true);
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
          tpush(TraceKind::Disjunction, TraceContext::Disjunction, kNone, anns[at].disj);
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
        // A swap, so that neither side's capacity is lost; the register is
        // written again before any later read.
        if (setOut) {
          setOut->swap(R[in.a]);
          R[in.a].clear();
        }
        return Status::Skip;
      case Op::RAISE: fail(ErrorKind::EvalError, P.str(in.c)); return Status::Skip;
      case Op::Count_: fail(ErrorKind::Internal, "corrupt program: bad opcode"); return Status::Skip;
    }
    if constexpr (kTrace) traceAfter(anns[at], in, T);
    // Every instruction whose A operand is a result-set register wrote it:
    // that is where a query could grow past the bound on one result set.
    if (opInfo(in.op).a == OperandKind::Reg && tooManyValues(R[in.a])) return Status::Skip;
  }
}

}  // namespace machine

namespace {

// Every rule of `file` SKIP with nothing recorded: what the machine gives
// when the file's skip condition holds (fileSkipApplies), in `out`'s storage.
void answerAllSkip(const Program& P, uint32_t file, FileResult& out) {
  out.file = file;
  out.status = Status::Skip;
  size_t kept = 0;
  for (uint32_t ri : P.files[file].rules) {
    if (P.rules[ri].kind == RuleKind::Parameterized) continue;
    if (kept == out.rules.size()) out.rules.emplace_back();
    RuleResult& rr = out.rules[kept++];
    rr.rule = ri;
    rr.status = Status::Skip;
    rr.records.clear();
  }
  out.rules.resize(kept);
  out.scratch.reset();
  out.sets.clear();
  out.trace.clear();
}

}  // namespace

// The document side of FileSkipFact (vm/analysis.h): the root is a map of the
// data whose `Resources` is a non-empty map of the data, each value a map
// with a string `Type` (no value the type tags call "other": a list, a
// missing or non-string Type, which a type select could still match), none
// of the fact's types among them; and the limits the skipped filters check
// (the document's nodes, the filters' literals) are not reached. The
// machine's own lookups decide the same: `Resources` and `Type` by their
// exact interned ids, as Machine::lookup does before any case conversion.
bool fileSkipApplies(const Program& P, uint32_t file, const Document& doc, const Node* root,
                     const EvalLimits& limits) {
  if (limits.trace || !limits.preAnswer || !P.facts || file >= P.facts->fileSkips.size()) return false;
  const FileSkipFact& fact = P.facts->fileSkips[file];
  if (fact.types.empty()) return false;
  if (root && root != doc.root()) return false;
  if (doc.nodeCount() > limits.maxResultSetSize || fact.literalNodes > limits.maxResultSetSize) return false;
  const TypeTags* tags = doc.resourceTypes();  // the root and Resources as the machine finds them
  if (!tags || !tags->others.empty()) return false;
  for (const std::string& type : fact.types)
    if (tags->ids.count(type)) return false;
  return true;
}

Status0 evaluateFileInto(FileResult& out, const Program& program, uint32_t file, const Document& doc,
                         const Node* root, const EvalLimits& limits) {
  if (fileSkipApplies(program, file, doc, root, limits)) {
    answerAllSkip(program, file, out);
    return okStatus();
  }
  machine::Machine m(program, doc, root, limits);
  Status0 s = m.run(file, out);
  if (!s.ok()) out.rules.clear();
  return s;
}

Result<FileResult> evaluateFile(const Program& program, uint32_t file, const Document& doc,
                                const Node* root, const EvalLimits& limits) {
  FileResult out;
  Status0 s = evaluateFileInto(out, program, file, doc, root, limits);
  if (!s.ok()) return s.takeError();
  return out;
}

}  // namespace guard::vm
