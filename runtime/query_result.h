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
};

struct QValue {
  const Node* node = nullptr;  // the value; for Unresolved, the value traversal stopped at
  QKind kind = QKind::Resolved;
  Unresolved reason = Unresolved::None;
  uint32_t part = 0;           // Unresolved: pack-wide id of the query part that failed

  static QValue resolved(const Node* n) { return {n, QKind::Resolved, Unresolved::None, 0}; }
  static QValue literal(const Node* n) { return {n, QKind::Literal, Unresolved::None, 0}; }
  static QValue unresolved(const Node* at, Unresolved why, uint32_t part) {
    return {at, QKind::Unresolved, why, part};
  }
  bool isUnresolved() const { return kind == QKind::Unresolved; }
  bool isLiteral() const { return kind == QKind::Literal; }
};

using ResultSet = std::vector<QValue>;

}  // namespace guard
