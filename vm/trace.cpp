// Trace mode of the interpreter (part of Machine, vm/machine.h): cfn-guard's
// full record stream for `--verbose`, `--print-json` and `test -v`.
// Called from the dispatch loop (interp.cpp) when EvalLimits::trace is set.
#include "vm/machine.h"

namespace guard::vm::machine {


// The trace marks of one function, one per instruction (most empty), made
// on first use from the marks the compiler stated (Function::trace, sorted
// and checked by the verifier: every `at` is an instruction of the function).
// Trace mode reads these and never the shapes of the code.
const std::vector<Machine::Ann>& Machine::traceAnnotations(uint32_t func) {
  if (anns_.size() != P.functions.size()) anns_.resize(P.functions.size());
  std::vector<Ann>& A = anns_[func];
  const Function& f = P.functions[func];
  if (!A.empty() || f.code.empty()) return A;
  A.assign(f.code.size(), Ann{});
  for (const TraceMark& m : f.trace) A[m.at] = m;
  return A;
}

void Machine::traceBefore(const Ann& a, uint32_t func) {
  if (!a.open) return;
  if (a.open & Ann::kOpenType) {
    tpush(TraceKind::Type, TraceContext::Block, a.block);
  }
  if (a.open & Ann::kOpenTypeWhen) tpush(TraceKind::TypeWhen, TraceContext::BlockWhen, a.block);
  if (a.open & Ann::kOpenWhen) {
    const bool inRule = a.disj == 1;
    tpush(TraceKind::WhenBlock, inRule ? TraceContext::RuleClause : TraceContext::ConditionClause);
    tpush(TraceKind::WhenCond, inRule ? TraceContext::RuleClauseWhen : TraceContext::ConditionClauseWhen);
  }
  if (a.open & Ann::kOpenClause) {
    const ClauseInfo& c = P.clauses[a.info];
    tpush(TraceKind::ClauseBlock, TraceContext::ClauseBlock, a.info);
    trace_rec_.back().info = a.info;
    // cfn-guard's at_least_one_matches: `some`, or `!empty` on a filtered query.
    const std::string& ctx = P.str(c.context);
    bool bareVariable = ctx.find('.') == std::string::npos && ctx.find(" %") != std::string::npos;
    trace_rec_.back().flag = c.some || (c.emptyOnSet && !bareVariable);
  }
  if (a.open & Ann::kOpenBlock) {
    tpush(TraceKind::BlockCheck, TraceContext::BlockClause, a.info);
  }
}

void Machine::traceAfter(const Ann& a, const Instr& in, const std::vector<Status>& T) {
  if (!a.close) return;
  if (a.close & Ann::kCloseCond) tpop(T[a.status]);  // the conditions' status
  if (a.close & (Ann::kCloseWhen | Ann::kCloseType)) tpop(T[in.a]);
}

// One record per compared value: passes as GuardClauseValueCheck, failures
// with their values. Binary clauses list unresolved left members first, then
// unresolved right members, then the comparisons (as the failure records do).
void Machine::traceOutcomes(uint32_t clauseId, const std::vector<Outcome>& outcomes,
                            const ResultSet* rightSet, bool grouped) {
  const ClauseInfo& c = P.clauses[clauseId];
  bool unary = isUnary(c.op);
  uint32_t setIndex = UINT32_MAX;
  auto one = [&](const Outcome& o) {
    if (o.pass) {
      tleaf(TraceKind::Pass, Status::Pass, TraceContext::Clause, clauseId).info = clauseId;
      return;
    }
    TraceRecord& t = tleaf(unary ? TraceKind::Unary : TraceKind::Binary, Status::Fail, TraceContext::Clause,
                           clauseId);
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
    Node* s = scratch().newNode(NodeKind::String);
    const std::string& text = P.str(part.key);
    s->str.data = scratch().copyString(text);
    s->str.size = uint32_t(text.size());
    lit = s;
  }
  uint32_t f = topen(TraceKind::Filter, fromList ? TraceContext::FilterList : TraceContext::FilterMap, kNone, 1);
  uint32_t cb = topen(TraceKind::ClauseBlock, TraceContext::TypeSelectBlock, partId);
  const Node* t = nullptr;
  if (candidate->kind == NodeKind::Map) {
    t = lookup(candidate, part.keyAlternatives[0]);
    if (!t) t = lookup(candidate, part.keyAlternatives[1]);
  }
  auto failed = [&](QValue from, bool hasTo) {
    TraceRecord& r = tleaf(TraceKind::Binary, Status::Fail, TraceContext::TypeSelect, partId);
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
        tleaf(TraceKind::Pass, Status::Pass, TraceContext::TypeSelect, partId);
      } else {
        failed(QValue::resolved(e), true);
        st = Status::Fail;
      }
    }
  } else if (eq(t, lit) == Cmp::True) {
    tleaf(TraceKind::Pass, Status::Pass, TraceContext::TypeSelect, partId);
  } else {
    failed(QValue::resolved(t), true);
    st = Status::Fail;
  }
  tclose(cb, st);
  tclose(f, st);
}

// A block value that did not resolve; the renderer words the reason.
void Machine::traceBlockMissing(const BlockInfo& bi, const QValue& v) {
  TraceRecord& t = tleaf(TraceKind::BlockMissing, Status::Fail, TraceContext::BlockMissing,
                         uint32_t(&bi - P.blocks.data()));
  t.info = uint32_t(&bi - P.blocks.data());
  t.from = v;
}


}  // namespace guard::vm::machine
