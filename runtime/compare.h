// Value-level comparison functions of spec/guard-language.md §8.1–8.3:
// order (ordering of scalars), eq (strict equality used by ==, != and scalar
// IN, including regex search and range membership) and same (the lenient
// equality used for membership and set differences). Used by the VM's
// clause instructions (vm/interp.cpp) and by the keys filter.
#pragma once

#include "runtime/document.h"

namespace guard {

// Error: a regex hit the backtracking engine's match limit (an evaluation error).
enum class Cmp : uint8_t { False, True, NotComparable, Error };
enum class Ord : uint8_t { Less, Equal, Greater, NotComparable };

Ord order(const Node* a, const Node* b);   // §8.1
Cmp eq(const Node* a, const Node* b);      // §8.2
bool same(const Node* a, const Node* b);   // §8.3 (regex errors count as false)
// x ∈ list: some element e of `list` has same(e, x) (element on the left).
bool memberOf(const Node* x, const Node* list);

// A hash of a data value such that eq(a, b) == True implies
// eqHash(a) == eqHash(b): map entries are combined in any order, -0.0 hashes
// as 0.0. False for a value that holds a regex, a char or a range (eq gives
// those other equalities), or nests deeper than the documents may. Lets `in`
// over many values find the candidates for eq instead of trying every pair.
bool eqHash(const Node* v, uint64_t& out);

}  // namespace guard
