// The register VM: runs a verified vm::Program over one document and
// returns the statuses and failure records of every rule of a rules file.
// Called by guardvm (validate, test) once per (rules file, data file) pair.
#pragma once

#include <memory>

#include "runtime/document.h"
#include "runtime/error.h"
#include "vm/program.h"
#include "vm/results.h"

namespace guard::vm {

// Limits that keep hostile rules and data bounded.
// Under ASan a level costs ~6.5 KB of stack (8 MB overflowed at ~1250 levels), so
// 1000 keeps the deepest evaluation inside the default 8 MB stack in every build.
inline constexpr uint32_t kMaxCallDepth = 1000;        // nested blocks/filters/rule calls
inline constexpr size_t kMaxResultSetSize = 50'000'000; // members of one query result

// Evaluates every rule of rules file `file` of `program` against `doc`.
// An evaluation error (spec §15.2) aborts the file and is returned.
// Bounds that a run may lower (tests use small values to check both sides).
struct EvalLimits {
  size_t maxResultSetSize = kMaxResultSetSize;
  // Not a limit: also record the full evaluation tree in FileResult::trace
  // (--verbose, --print-json). Off by default; the default path is unchanged.
  bool trace = false;
};

// `root` defaults to the document root (the test command passes a sub-tree).
Result<FileResult> evaluateFile(const Program& program, uint32_t file, const Document& doc,
                                const Node* root = nullptr, const EvalLimits& limits = {});

}  // namespace guard::vm
