// Map-key filters `Map[ keys <op> <rhs> ]` (spec §6.6), interpolated keys
// (`.%name`) and built-in function calls of the interpreter (part of
// Machine, vm/machine.h). Called from the dispatch loop (interp.cpp) and the
// query steps.
#include "runtime/rust_debug.h"
#include "vm/machine.h"

namespace guard::vm::machine {

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
// no key is selected, none is recorded. A key the data's text repeats is
// compared at each occurrence (forEachKeyOccurrence): the entry's one value
// is selected, or the key recorded, once per occurrence, as in cfn-guard.

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

// A map key as a string value for the records: the map's path, the
// occurrence's position. A key of a map made by json_parse or written in the
// rules, or added to a map by a merge, stands at its entry's path instead
// (3.1.1 builds those keys as values under the map: /J/k1).
Node* Machine::keyAsValue(const Node* map, const KeyAt& at) {
  const MapEntry& e = *at.entry;
  Node* key = scratch().newNode(NodeKind::String);
  key->str.data = e.key;
  key->str.size = e.keyLen;
  key->line = at.line;
  key->col = at.col;
  if (e.id == kNoKey || at.atEntryPath) {
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
// form) or against the right-hand values `inSet` (the `in` form); `status`
// is its KeysMiss's (Pass: under a clause that did not fail).
void Machine::recordKeyCheck(std::vector<Record>& out, const Node* map, const KeyAt& at,
                             uint32_t partId, const QValue& to, uint32_t inSet, Status status) {
  Node* key = keyAsValue(map, at);
  Record r{};
  r.kind = RecKind::KeysCheck;
  r.status = status;
  // An `in`-form check is never "right unresolved": the structured reports
  // list its resolved right-hand values, the console all of them.
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
    forEachKeyOccurrence(map, [&](const MapEntry& e, const KeyOccurrence& o) {
      Node key = keyNode(e);
      const Cmp c = matcher.usable() ? matcher.selected(e.keyText()) : keySelected(&key, part, sets_[r.toSet]);
      if (c != Cmp::False) return;
      const KeyAt at = KeyAt::of(e, o);
      if (!inForm) {
        recordKeyCheck(out, map, at, r.info, compareKey(&key, sets_[r.toSet][0], false, part.keysNegated).with,
                       UINT32_MAX, r.status);
        return;
      }
      if (inSet == UINT32_MAX) inSet = keysInTargets(&key, part, r.toSet);
      recordKeyCheck(out, map, at, r.info, sets_[inSet][0], inSet, r.status);
    });
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
    // index instead of comparing every key; the trace shows every key, and a
    // map that repeats a key selects it once per occurrence.
    const MapEntry* named = nullptr;
    if (!rhs.empty() && n->map.size > 0) ++filterTests_;
    if (!trace_ && !n->map.repeats && part.keysOp != CmpOp::In && !part.keysNegated && rhs.size() == 1 &&
        !rhs[0].isUnresolved() && rhs[0].node->kind == NodeKind::String &&
        entryNamed(n, rhs[0].node->text(), named)) {
      if (named) {
        out.push_back(v.child(named->value));
        capture(part, n, KeyAt::of(*named));
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
    bool tooExpensive = false;
    forEachKeyOccurrence(n, [&](const MapEntry& e, const KeyOccurrence& o) {
      if (tooExpensive) return;
      Node key = keyNode(e);
      Cmp c = matcher.usable() ? matcher.selected(e.keyText()) : keySelected(&key, part, rhs);
      if (c == Cmp::Error) {
        tooExpensive = true;
        return;
      }
      const KeyAt at = KeyAt::of(e, o);
      if (trace_) traceKey(n, at, c == Cmp::True, rhs, part, traceSet);
      if (c == Cmp::True) {
        out.push_back(v.child(e.value));
        capture(part, n, at);
      } else if (c == Cmp::False) {
        missed = true;
      }
    });
    if (tooExpensive) return fail(ErrorKind::RegexBudget, "regular expression too expensive to match");
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
  if (part.key != kNone) return fail(ErrorKind::EvalError, P.str(part.key));
  if (!part.pickIndex) return true;
  const uint64_t index = part.index < 0 ? uint64_t(-(part.index + 1)) + 1 : uint64_t(part.index);
  if (index >= names.size()) {
    // The whole set, for the reason of the unresolved members this makes.
    QValue* items = scratch().arena().allocate<QValue>(names.size());
    std::copy(names.begin(), names.end(), items);
    QValueSpan* span = scratch().arena().allocate<QValueSpan>();
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
        QValue* cause = scratch().arena().allocate<QValue>();
        *cause = name;
        tmp.push_back(QValue::variableUnresolved(n, cause, partId));
        continue;
      }
      const Node* k = name.node;
      const bool isList = k->kind == NodeKind::List;
      const uint32_t count = isList ? k->list.size : 1;
      for (uint32_t i = 0; i < count; ++i) {
        const Node* key = isList ? k->list.items[i] : k;
        if (key->kind != NodeKind::String) {
          // 3.1.1 ends with its Rust debug of (path, value) of the offending value.
          std::string dump;
          appendDebugPath(dump, pathOf(k), k->line, k->col);
          return fail(ErrorKind::EvalError,
                      "Comparing incoming context with literals or dynamic results wasn't possible "
                      "`Variable projections inside Query " +
                          P.queryText(part.query) + ", is returning a non-string value for key " + typeInfo(k) +
                          ", (" + dump + ", " + rustDebug(k) + ")`");
        }
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

// A function call, checked as 3.1.1 checks it at evaluation (name, then
// arity), with its texts.
bool Machine::call(const CallInfo& c, const ResultSet* args, ResultSet& out) {
  if (c.builtin < 0)
    return fail(ErrorKind::FunctionUnknown, "Parser Error when parsing `no such function named " + P.str(c.name) + " exists`");
  if (builtinArity(c.builtin) != c.numArgs)
    return fail(ErrorKind::FunctionArgument, "Parser Error when parsing `" + P.str(c.name) + " function requires " +
                                                 std::to_string(builtinArity(c.builtin)) +
                                                 " arguments be passed, but received " + std::to_string(c.numArgs) + "`");
  std::vector<ResultSet> argv(args, args + c.numArgs);
  auto unsatisfied = [&](const QValue& v) {
    return P.unresolvedRest(v.part, v.reason == guard::Unresolved::IndexOutOfRange);
  };
  auto r = callBuiltin(c.builtin, argv, scratch(), unsatisfied);
  if (!r.ok()) return fail(r.takeError());
  out = std::move(r.value());
  // Maps built by functions (json_parse) are searched by key text, not by
  // this document's key ids.
  for (QValue& v : out)
    if (v.node) forgetKeyIds(const_cast<Node*>(v.node), 0);
  return true;
}


// Each key a keys filter compares is recorded with an empty context.
void Machine::traceKey(const Node* map, const KeyAt& at, bool selected, const ResultSet& rhs,
                       const Part& part, uint32_t& inSet) {
  if (selected) {
    tleaf(TraceKind::Pass, Status::Pass, TraceContext::None);
    return;
  }
  Node* key = keyAsValue(map, at);
  TraceRecord& t = tleaf(TraceKind::Binary, Status::Fail, TraceContext::None);
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

}  // namespace guard::vm::machine
