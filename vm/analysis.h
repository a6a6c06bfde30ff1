// Facts about a verified program that the interpreter relies on, derived
// once per program instead of once per (rules file, document) pair. Called
// by the loaders right after the verifier accepts a program (readPack,
// compileSources, the CLI's rules loading); read by the interpreter
// (vm/machine.h). A program without facts (one built by hand in a test) gets
// them computed for each evaluation, which is correct but slower.
//
// Why not in the pack: a fact read from a pack would have to be proved by
// the verifier before the VM could trust it, and proving these costs what
// deriving them costs (one pass over the code at load).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "vm/program.h"

namespace guard::vm {

// A filter function whose first conjunct decides by the candidate's `Type`
// (vm/analysis.cpp, analyzeTypeGuard): for a candidate whose Type string
// fails that conjunct the call is FAIL and can be skipped.
struct TypeGuardFact {
  enum Kind : uint8_t { kNone, kEqString, kPredicate };
  uint8_t kind = kNone;
  uint32_t depth = 0;        // frames a call nests: the function and its blocks
  size_t literalNodes = 0;   // the most nodes a literal of the skipped code selects
};

struct ProgramFacts {
  std::vector<TypeGuardFact> typeGuards;  // per function
};

ProgramFacts analyzeProgram(const Program& program);

// Derives the facts of a verified program and attaches them (Program::facts).
void attachFacts(Program& program);

}  // namespace guard::vm
