// Trace mode of the interpreter (part of Machine, vm/machine.h): cfn-guard's
// full record stream for `--verbose`, `--print-json` and `test -v`.
// Called from the dispatch loop (interp.cpp) when EvalLimits::trace is set.
#include "vm/machine.h"

namespace guard::vm::machine {


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
    tpush(TraceKind::Type, TraceContext::Block, a.block);
  }
  if (a.open & kOpenTypeWhen) tpush(TraceKind::TypeWhen, TraceContext::BlockWhen, a.block);
  if (a.open & kOpenWhen) {
    const bool inRule = a.disj == 1;
    tpush(TraceKind::WhenBlock, inRule ? TraceContext::RuleClause : TraceContext::ConditionClause);
    tpush(TraceKind::WhenCond, inRule ? TraceContext::RuleClauseWhen : TraceContext::ConditionClauseWhen);
  }
  if (a.open & kOpenClause) {
    const ClauseInfo& c = P.clauses[a.info];
    tpush(TraceKind::ClauseBlock, TraceContext::ClauseBlock, a.info);
    trace_rec_.back().info = a.info;
    // cfn-guard's at_least_one_matches: `some`, or `!empty` on a filtered query.
    const std::string& ctx = P.str(c.context);
    bool bareVariable = ctx.find('.') == std::string::npos && ctx.find(" %") != std::string::npos;
    trace_rec_.back().flag = c.some || (c.emptyOnSet && !bareVariable);
  }
  if (a.open & kOpenBlock) {
    tpush(TraceKind::BlockCheck, TraceContext::BlockClause, a.info);
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
