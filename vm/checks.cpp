// Clause checks of the interpreter (part of Machine, vm/machine.h): unary
// and binary comparisons of result sets, their outcomes and the failure
// records the reports are built from. Called from the dispatch loop
// (interp.cpp) on CHECK_UNARY and CHECK_BINARY.
#include "vm/machine.h"

namespace guard::vm::machine {


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
                             pass ? Status::Pass : Status::Fail, TraceContext::Clause, clauseId);
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
              fail(ErrorKind::EvalError, std::string("Types or variable assignments are incompatible `Attempting "
                                                     "EMPTY operation on type ") +
                                             nodeKindName(n->kind) + " that does not support it at " + pathLoc(n) + "`");
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
    return QValue{e, parent.kind, Unresolved::None, 0, 0};
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
              out.push_back(QValue{v.node->list.items[i], v.kind, Unresolved::None, 0, 0});
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
    fail(ErrorKind::RegexBudget, "a regular expression was too expensive to match (backtracking limit reached)");
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


}  // namespace guard::vm::machine
