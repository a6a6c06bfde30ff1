// Query steps of the interpreter (part of Machine, vm/machine.h): keys,
// indices, `.*`/`[*]`/captures, value filters and type selects, and the
// type guards that let a filter decide by a candidate's Type. Called from
// the dispatch loop (interp.cpp).
#include "vm/machine.h"

namespace guard::vm::machine {


bool Machine::stepKey(ResultSet& set, const Part& part, uint32_t partId, ResultSet& tmp) {
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
      uint8_t conv = v.conv;
      if (const Node* hit = lookupKey(n, part, conv)) {
        tmp.push_back(v.child(hit));
        tmp.back().conv = conv;
      } else {
        tmp.push_back(QValue::unresolved(n, Unresolved::KeyMissing, partId));
      }
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

// Appends `key` of `map` to the capture variable of `part`, as a string at
// the map's path (where cfn-guard reports a captured key).
void Machine::capture(const Part& part, const Node* map, const KeyAt& key) {
  // The file frame's list is the thread's and may be longer than the file
  // scope's slots: the index must name one of the scope's slots too.
  if (!fileFrame_ || part.captureSlot == kNone || part.captureSlot >= fileFrame_->slots.size() ||
      part.captureSlot >= P.functions[fileFrame_->func].slots.size())
    return;
  Node* keyValue = keyAsValue(map, key);
  // The file's scope (compiler/lower.cpp declareCapture): a query let's value
  // that was already evaluated gets the keys appended, as in cfn-guard.
  SlotState& st = fileFrame_->slots[part.captureSlot];
  st.state = 2;
  st.value.push_back(QValue::resolved(keyValue));
}

// .* (values) and [*] (indices); with `capture`, [name] which also records keys.
void Machine::stepAll(ResultSet& set, bool values, uint32_t partId, const ScopeLink* ctx, ResultSet& tmp,
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
      const ScopeLink* up = n->map.size ? upOfValues(v, ctx) : nullptr;
      for (uint32_t i = 0; i < n->map.size; ++i) {
        tmp.push_back(v.ownScope(n->map.entries[i].value, up));
        if (capturePart) capture(*capturePart, n, KeyAt::pairedWithValue(n, i));
      }
    } else {
      tmp.push_back(v.stepped());  // a single value passes through (spec §6.2), resolved
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

// cfn-guard evaluates a query in a context (a chain of them: ScopeLink) and
// gives the values of a map it iterates with .* or [name] one of their own,
// whose parent is the map's. A member's `part` names the root of its context
// (filterScope) and `up` that context's parent, null for the frame's context.
const ScopeLink* Machine::scopeOf(const QValue& v, const ScopeLink* ctx, ScopeLink& own) const {
  if (v.part == QValue::kContextScope) return ctx;
  own = {filterScope(v, ctx->root), v.up ? v.up : ctx};
  return &own;
}

// The same, kept in the scratch arena: the values of a map keep it.
const ScopeLink* Machine::scopeOf(const QValue& v, const ScopeLink* ctx) {
  if (v.part == QValue::kContextScope) return ctx;
  ScopeLink* link = scratch().arena().allocate<ScopeLink>();
  *link = {filterScope(v, ctx->root), v.up ? v.up : ctx};
  return link;
}

const ScopeLink* Machine::contextOf(const Frame& frame, const Node* self) {
  if (self == frame.self) return frame.ctx;
  ScopeLink* own = scratch().arena().allocate<ScopeLink>();
  *own = {self, own};
  return own;
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
                         Frame& frame, const ScopeLink* ctx, ResultSet& in) {
  const Node* context = ctx->root;
  // `in` is this depth's scratch set; nested filter calls use deeper register files.
  in.clear();
  in.swap(set);  // set is now empty and receives the selection
  // The clauses run in a context (Frame::ctx), as in cfn-guard: on the
  // elements of a list or the values of a map after a key, in the context
  // of that list or map; on a map after .*, [*] or [name] (on its
  // filterScope, the root of its context), in the parent of that context;
  // on any other candidate too.
  auto passes = [&](const Node* candidate, bool fromList, const ScopeLink* scope) {
    if (trace_) {
      // Every candidate's evaluation is part of the record stream.
      uint32_t t = topen(TraceKind::Filter, fromList ? TraceContext::FilterList : TraceContext::FilterMap,
                         kNone, uint32_t(part.index));
      ++suppress_;
      Status s = callFilter(part.func, frame, candidate, scope);
      --suppress_;
      tclose(t, s);
      return s == Status::Pass;
    }
    if (typeGuardRejects(part.func, candidate, frame)) return false;
    ++suppress_;
    Status s = callFilter(part.func, frame, candidate, scope);
    --suppress_;
    return s == Status::Pass;
  };
  auto parentScope = [&](const QValue& v) {
    return v.part == QValue::kContextScope ? ctx->parent : v.up ? v.up : ctx;
  };
  // A scalar reached by [*] is evaluated as a filter candidate without a
  // record of its own in cfn-guard, so what its checks record lands in the
  // enclosing clause (differential case 19); other candidates record nothing.
  auto passesRecorded = [&](const Node* candidate, const ScopeLink* scope) {
    if (trace_ || suppress_ || !rec_) return passes(candidate, false, scope);
    const size_t before = rec_->size();
    Status s = callFilter(part.func, frame, candidate, scope);
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
      case FilterCandidates::Elements: {
        ScopeLink own;
        const ScopeLink* scope = scopeOf(v, ctx, own);
        for (uint32_t i = 0; i < n->list.size; ++i) {
          if (passes(n->list.items[i], true, scope)) set.push_back(v.child(n->list.items[i]));
          if (failed()) return false;
        }
        break;
      }
      case FilterCandidates::Values: {
        ScopeLink own;
        const ScopeLink* scope = scopeOf(v, ctx, own);
        const ScopeLink* up = nullptr;  // the selected values' (upOfValues), made once
        for (uint32_t i = 0; i < n->map.size; ++i) {
          const MapEntry& e = n->map.entries[i];
          if (passes(e.value, false, scope)) {
            if (!up) up = upOfValues(v, ctx);
            set.push_back(v.ownScope(e.value, up));
            capture(part, n, KeyAt::pairedWithValue(n, i));
          }
          if (failed()) return false;
        }
        break;
      }
      case FilterCandidates::Itself:
        if (n->kind == NodeKind::Map ? passes(n, false, parentScope(v)) : passesRecorded(n, parentScope(v)))
          set.push_back(v.stepped());
        if (failed()) return false;
        break;
      case FilterCandidates::ItselfInScope:
        if (passes(filterScope(v, context), false, parentScope(v))) set.push_back(v.stepped());
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

// The guard of filter function `func` if it may be used now, else nullptr.
const Machine::TypeGuard* Machine::usableTypeGuard(uint32_t func) {
  if (func >= facts_->typeGuards.size()) return nullptr;  // no facts
  const TypeGuard& g = facts_->typeGuards[func];
  if (g.kind == TypeGuard::kNone) return nullptr;
  // The skipped call would have nested g.depth frames, and its queries
  // selected at most the document's nodes and its literals' nodes.
  if (depth_ + g.depth >= kMaxCallDepth || D.nodeCount() > limits_.maxResultSetSize ||
      g.literalNodes > limits_.maxResultSetSize)
    return nullptr;
  return &g;
}

// The status of guard `func`'s first conjunct for a candidate whose `Type`
// is the string `typeNode`, computed by the same comparison the call would
// make, from the operands its proved fact states. `frame` is the frame the
// filter is called from. Skip when it cannot be decided here (the variable
// is not a plain literal, or the comparison raised an error, which the call
// itself will then raise).
Status Machine::guardFirstConjunct(uint32_t func, const Node* typeNode, Frame& frame) {
  const TypeGuard& g = facts_->typeGuards[func];
  guardLeft_.assign(1, QValue::resolved(typeNode));
  if (!g.rhsVariable) {
    guardRight_.assign(1, QValue::literal(P.literals[g.literal]));
  } else {
    // Q_VAR upN: N frames up from the filter's own, i.e. N-1 from `frame`.
    Frame* owner = &frame;
    for (uint32_t i = 1; i < g.varDepth && owner; ++i) owner = owner->parent;
    if (!owner || owner->func >= P.functions.size()) return Status::Skip;
    const auto& slots = P.functions[owner->func].slots;
    if (g.varSlot >= slots.size() || slots[g.varSlot].init >= facts_->literalSets.size() ||
        facts_->literalSets[slots[g.varSlot].init] == kNone)
      return Status::Skip;  // only `let x = <literal>` is known to be pure
    if (!variable(frame, g.varDepth - 1, g.varSlot, guardRight_)) {
      err_.reset();
      return Status::Skip;
    }
  }
  ++suppress_;
  Status s = checkBinary(P.clauses[g.clause], g.clause, guardLeft_, guardRight_);
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
  // Only a plain hit on `Type` counts; a case-converted `type` takes the full path.
  const Node* t = lookup(candidate, g->typeKey);
  if (!t || t->kind != NodeKind::String) return false;
  if (g->kind == TypeGuard::kEqString) return eq(t, P.literals[g->literal]) == Cmp::False;
  return guardFirstConjunct(func, t, frame) == Status::Fail;
}

// `.*` over one big map of the document, when the fused instruction then
// selects its values by type: `Resources.*[ Type == 'X' ]` (Q_VALUES_OF_TYPE)
// or a filter whose function is type-guarded, `Resources.*[ Type in %types
// <more clauses> ]` (Q_VALUES_FILTER); `selectPart` is the filter's part.
// The values of other types, which typeMatches / typeGuardRejects would turn
// away, are left out here already, found by the document's type tags instead
// of by visiting every resource (each distinct type string is decided once):
// with 209 rules files over 50,000 resources those visits were the
// evaluation's cost (cache misses). What is kept, in order, still goes
// through the filter, so records and statuses are unchanged.
// False: take the general path.
bool Machine::stepAllValuesOfType(ResultSet& set, bool typeSelect, uint32_t selectPart, ResultSet& tmp,
                                  Frame& frame, const Node* self) {
  constexpr uint32_t kMinEntries = 2;  // below this a visit is as cheap as a tag
  if (set.size() != 1 || set[0].isUnresolved()) return false;
  const Node* map = set[0].node;
  if (map->kind != NodeKind::Map || map->map.size < kMinEntries || map->map.entries[0].id == kNoKey ||
      map->map.size > limits_.maxResultSetSize)
    return false;  // a literal or computed map, or one the result-set limit will refuse
  uint32_t typeKeyString;  // "Type"
  const Part& part = P.parts[selectPart];
  const TypeGuard* guard = nullptr;
  if (typeSelect) {
    if (part.keyAlternatives.size() != 2) return false;
    typeKeyString = part.keyAlternatives[0];  // its case conversion `type` is left to typeMatches
  } else {
    guard = usableTypeGuard(part.func);
    if (!guard) return false;
    typeKeyString = guard->typeKey;
  }
  const KeyId typeKey = keyId(typeKeyString);
  if (typeKey == kNoKey) return false;
  const TypeTags& tags = D.typeTags(map, typeKey);
  // keep[tag]: the values of that type go on to the next instruction.
  std::vector<uint8_t>& keep = keepTags_;
  keep.assign(tags.ids.size(), 0);
  if (!guard || guard->kind == TypeGuard::kEqString) {
    std::string_view want = guard ? P.literals[guard->literal]->text() : P.str(part.key);
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
  const uint8_t conv = set[0].conv;  // the values go on along the map's path
  QValue value{nullptr, kind, Unresolved::None, conv, 0};
  value.up = upOfValues(set[0], contextOf(frame, self));  // their context's parent (stepAll)
  auto valueAt = [&](uint32_t i) {
    value.node = map->map.entries[i].value;
    return value;
  };
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
    for (uint32_t i : *lists[0]) tmp.push_back(valueAt(i));
  } else if (kept * 8 < map->map.size) {
    std::vector<uint32_t>& order = keptOrder_;
    order.clear();
    for (const auto* l : lists) order.insert(order.end(), l->begin(), l->end());
    std::sort(order.begin(), order.end());
    for (uint32_t i : order) tmp.push_back(valueAt(i));
  } else {
    for (uint32_t i = 0; i < map->map.size; ++i) {
      const uint32_t t = tags.tags[i];
      if (t == TypeTags::kOther || keep[t]) tmp.push_back(valueAt(i));
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
                             const ScopeLink* ctx, ResultSet& tmp) {
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
      case FilterCandidates::Values: {
        const ScopeLink* up = nullptr;  // made once, for the first selected value
        for (uint32_t i = 0; i < n->map.size; ++i) {
          if (trace_) traceTypeSelect(n->map.entries[i].value, part, partId, false);
          if (typeMatches(n->map.entries[i].value, part)) {
            if (!up) up = upOfValues(v, ctx);
            tmp.push_back(v.ownScope(n->map.entries[i].value, up));
          }
        }
        break;
      }
      case FilterCandidates::Itself:
      case FilterCandidates::ItselfInScope: {
        const Node* tested = candidates == FilterCandidates::Itself ? n : filterScope(v, ctx->root);
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


}  // namespace guard::vm::machine
