// Members of a query result set (spec/guard-language.md §2.3): resolved data
// values, literals from the rules, and unresolved records that remember where
// traversal stopped. Produced by the VM's query instructions and by the
// built-in functions; consumed by comparisons, the VM and the reporters.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/document.h"

namespace guard {

enum class QKind : uint8_t { Resolved, Literal, Unresolved };

// Why a query step could not be carried out (rendered into report texts).
enum class Unresolved : uint8_t {
  None,
  KeyMissing,        // key not found in a map
  NotAMap,           // key lookup on a non-map (list: key is not an index)
  IndexOutOfRange,   // index past the end of a list
  NotAList,          // index on a non-list
  EmptyCollection,   // .* / [*] / [name] over an empty map or list
  FilterOnScalar,    // filter on a scalar reached by a key
  KeysOnNonMap,      // keys filter on a non-map
  VariableMissing,   // interpolated key not present
  VariableMissingListed,  // the same, for a key that was an element of a list member of the variable
  VariableUnresolved,  // a member of the interpolated variable is itself unresolved
  VariableIndexOutOfRange,  // .%v[N] with fewer than N+1 members in %v
};

struct QValue;

// One of cfn-guard's evaluation contexts, in a chain: `root` is the value the
// queries evaluated in it start from; they run in `parent` (a rule body's,
// block's or `when` body's context is its own parent). The VM's frames hold
// one (vm/machine.h, Frame::ctx); a member of a query that iterated a map
// with `.*` or [name] stands in one of its own (QValue::up).
struct ScopeLink {
  const Node* root;
  const ScopeLink* parent;
};

// A result set kept with a value that refers to it (in the scratch arena of an
// evaluation, which outlives its records).
struct QValueSpan {
  const QValue* items;
  size_t size;
};

struct QValue {
  // Resolved and literal members: where the value a filter's clauses see is
  // (spec §6.4, differential case 24): `scope` levels up the document from
  // `node` (0: the node itself), or kContextScope: the context the query
  // started from (the clause's `this`). Set by the VM's query steps.
  static constexpr uint32_t kContextScope = UINT32_MAX;

  const Node* node = nullptr;  // the value; for Unresolved, the value traversal stopped at
  QKind kind = QKind::Resolved;
  Unresolved reason = Unresolved::None;
  // The case conversion (spec §6.3) this member's path through its query
  // chose, 1-based into a key part's keyAlternatives, 0 none yet: once a
  // conversion has matched, the later keys of the same path try only it.
  // Per member, as cfn-guard carries it down each path of the traversal;
  // a query's head (this, a variable, a literal, a call) starts with none.
  uint8_t conv = 0;
  // Unresolved: pack-wide id of the query part that failed. Resolved and
  // literal: the scope (above).
  uint32_t part = 0;
  union {
    // Unresolved VariableMissing(Listed): the key the variable gave that the
    // map lacks (cfn-guard names it in the reason). Null otherwise.
    const Node* missingKey = nullptr;
    // Unresolved VariableUnresolved: the variable's unresolved member, whose
    // stop and reason cfn-guard appends to its own (kept in the scratch
    // document's arena of the evaluation, which outlives its records).
    const QValue* cause;
    // Unresolved VariableIndexOutOfRange: the variable's whole result set,
    // which cfn-guard lists in the reason.
    const QValueSpan* values;
    // Resolved and literal members whose scope is a value (`part` is not
    // kContextScope): the context that value's own context runs in, null
    // for the frame's context (vm/query_steps.cpp, Machine::scopeOf).
    const ScopeLink* up;
  };

  static QValue resolved(const Node* n) { return {n, QKind::Resolved, Unresolved::None, 0, 0}; }
  static QValue literal(const Node* n) { return {n, QKind::Literal, Unresolved::None, 0, 0}; }
  static QValue unresolved(const Node* at, Unresolved why, uint32_t part) {
    return {at, QKind::Unresolved, why, 0, part};
  }
  static QValue variableMissing(const Node* map, const Node* key, bool listed, uint32_t part) {
    return {map, QKind::Unresolved, listed ? Unresolved::VariableMissingListed : Unresolved::VariableMissing,
            0, part, key};
  }
  static QValue variableUnresolved(const Node* map, const QValue* cause, uint32_t part) {
    QValue v{map, QKind::Unresolved, Unresolved::VariableUnresolved, 0, part};
    v.cause = cause;
    return v;
  }
  static QValue variableIndexOutOfRange(const Node* map, const QValueSpan* values, uint32_t part) {
    QValue v{map, QKind::Unresolved, Unresolved::VariableIndexOutOfRange, 0, part};
    v.values = values;
    return v;
  }
  bool isUnresolved() const { return kind == QKind::Unresolved; }
  // A member one level down from this one (a key, an index, a list element):
  // its filter scope is one level further up.
  // Any step of a query makes a resolved member, a literal's too (cfn-guard
  // resolves the rest of `%literal.x` like a document's values).
  // The path goes on: the child keeps the case conversion.
  QValue child(const Node* n) const {
    QValue c{n, QKind::Resolved, Unresolved::None, conv, part == kContextScope ? part : part + 1};
    c.up = up;
    return c;
  }
  // The same value, as a query step's result: resolved, also when it was a
  // literal (a filter over `%v` where v is a literal, differential case s8).
  QValue stepped() const {
    QValue s{node, QKind::Resolved, Unresolved::None, conv, part};
    s.up = up;
    return s;
  }
  // A member that is its own filter scope (a value of a map iterated by `.*`
  // or [name], or of a map filtered after a key), on the same path; its
  // context runs in `parentScope` (null: the frame's context).
  QValue ownScope(const Node* n, const ScopeLink* parentScope) const {
    QValue o{n, QKind::Resolved, Unresolved::None, conv, 0};
    o.up = parentScope;
    return o;
  }
  bool isLiteral() const { return kind == QKind::Literal; }
};

// Result sets are the interpreter's working data: the conversion fits the
// padding after `reason`.
static_assert(sizeof(QValue) == 24);

using ResultSet = std::vector<QValue>;

}  // namespace guard
