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
  // Not a limit: answer a pair from the document's type tags, without a
  // machine, when the rules file's proved skip condition holds for it
  // (FileSkipFact, vm/analysis.h). Tests turn it off to check that the
  // machine gives the same answer; nothing else does.
  bool preAnswer = true;
  // Not a limit: keep, as passing records, what the query of a clause that
  // did not fail recorded (a keys filter's unselected keys, the checks of a
  // scalar a filter tested): cfn-guard's generic console report lists them
  // when the rule fails; the structured reports never show them. Off: they
  // are dropped with the clause, and a keys filter's misses never expanded.
  bool passingQueryChecks = false;
};

// `root` defaults to the document root (the test command passes a sub-tree).
Result<FileResult> evaluateFile(const Program& program, uint32_t file, const Document& doc,
                                const Node* root = nullptr, const EvalLimits& limits = {});

// evaluateFile into `out`, reusing its storage (the rule list and each rule's
// record list keep their capacity): a caller that keeps one FileResult per
// thread and evaluates pair after pair allocates nothing for results in the
// steady state. On an error `out` holds no result.
Status0 evaluateFileInto(FileResult& out, const Program& program, uint32_t file, const Document& doc,
                         const Node* root = nullptr, const EvalLimits& limits = {});

// Whether the pair (rules file `file`, `doc`) is answered without evaluating
// it: the file's proved skip condition holds for the document (every rule
// SKIP, nothing recorded). evaluateFile checks this first; exposed for tests.
bool fileSkipApplies(const Program& program, uint32_t file, const Document& doc, const Node* root,
                     const EvalLimits& limits);

}  // namespace guard::vm
