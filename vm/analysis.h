// Facts about a program that the interpreter relies on beyond what the
// verifier proves of its code, and their prover. The compiler states them
// (deriveFacts, called by compiler/compile.cpp stateFacts on its own output);
// packs carry them in the optional section 16 (vm/pack.cpp); the verifier
// proves every stated fact (proveFacts, called by verifyProgram) and refuses
// a program stating a false one; the interpreter (vm/machine.h) reads only
// proved facts, and never its own code. A program without facts (a pack of
// format 2.0, or one built by hand in a test) runs without them: correct,
// slower.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/error.h"
#include "vm/program.h"

namespace guard::vm {

// A filter function whose first conjunct decides by the candidate's `Type`:
// for a candidate whose Type string fails that conjunct the call is FAIL and
// can be skipped. The first conjunct is the instruction shape
//   ST_SET t0 SKIP; CLAUSE_BEGIN; Q_THIS rX; Q_KEY rX .Type;
//   (Q_LIT rX+1 lit | Q_VAR rX+1 upN sM); CHECK_BINARY tY, rX; ST_CONJ t0, tY
// and the fields below state its operands, so that the interpreter decides
// the conjunct from the fact alone.
struct TypeGuardFact {
  enum Kind : uint8_t { kNone, kEqString, kPredicate };
  uint8_t kind = kNone;
  uint32_t depth = 0;            // frames a call nests: the function and its blocks
  uint64_t literalNodes = 0;     // the most nodes a literal of the skipped code selects
  uint32_t typeKey = kNone;      // string id of the key compared (`Type`)
  bool rhsVariable = false;      // Q_VAR (else Q_LIT)
  uint32_t literal = kNone;      // Q_LIT: the literal
  uint16_t varDepth = 0;         // Q_VAR: frames up from the filter's own (at least 1)
  uint32_t varSlot = kNone;      // Q_VAR: slot
  uint32_t clause = kNone;       // the CHECK_BINARY's clause

  bool operator==(const TypeGuardFact&) const = default;
};

// A rules file whose every evaluated rule has a `when` that cannot pass, and
// nothing before which can raise, when the root's `Resources` map has no
// value of the types below (fileSkipApplies, vm/interp.cpp): evaluating the
// file then gives every rule SKIP, no error and no records, so a pair is
// answered from the document's type tags without a machine (issue 17 item 5).
// The shape (deriveFileSkip): each rule's `when` is a conjunction of clauses
// `%v !empty` / `%v empty` / `%v exists` over file-level lets
// `v = Resources.*[ Type == 'X' ]` or `Resources.*[ <type-guarded filter> ]`,
// one of them `%v !empty` on the whole set (emptyOnSet), whose types are
// the rule's. The condition on the document, beyond the types: the root is a
// map whose `Resources` is a non-empty map of the data, every value of it a
// map with a string `Type`, and the document's nodes and the filters'
// literals are within the result-set limit (the skipped filters' own).
struct FileSkipFact {
  std::vector<std::string> types;  // sorted, unique; empty: no fact
  uint64_t literalNodes = 0;       // the most nodes a literal of the lets' filters selects

  bool operator==(const FileSkipFact&) const = default;
};

struct ProgramFacts {
  std::vector<TypeGuardFact> typeGuards;  // per function (kNone for most)
  // Per function: the literal of a Set function that is exactly
  // `Q_LIT r, lit; RET_SET r` (a `let x = <literal>`), else kNone. A type
  // guard comparing with such a variable is decided without evaluating it.
  std::vector<uint32_t> literalSets;
  // Per rules file (FileInfo), or empty when the program states none (a pack
  // without section 17).
  std::vector<FileSkipFact> fileSkips;
};

// The facts of a verified program, derived from its code (the compiler's
// statement of them).
ProgramFacts deriveFacts(const Program& program);

// The file-skip fact of rules file `file` of a verified program, or one with
// no types when its shape does not prove one.
FileSkipFact deriveFileSkip(const Program& program, uint32_t file);

// A query step that can add records to its clause while its query runs: a
// keys filter's checks, and a filter's over the scalars [*] reaches
// (differential case 19). Looks at `in` alone.
bool stepMayRecord(const Instr& in);

// A query step that may start a depth-first split of the rest of its query
// (Function::depthFirst): a filter or keys filter, and the fused `.*` +
// filter (not a type select, which runs no clauses).
bool startsDepthFirst(Op op);

// Function::depthFirst as the code says it must be: for each instruction
// that startsDepthFirst, the end of its query (the run of query steps on the
// same register after it) when one of those later steps stepMayRecord, else
// 0. Safe on code the verifier has not seen (the pack reader computes it for
// packs of format 2.0 and 2.1, which do not state it); the verifier compares
// every function's stated vector with it.
std::vector<uint32_t> depthFirstEnds(const Function& f);

// Proves `facts` of a program whose code the verifier has accepted: every
// stated type guard and literal set must be what deriveFacts finds (a fact
// left out is allowed: it is only lost speed). A false one is a PackVerify
// error ("false fact: ...") naming the function or rules file.
Status0 proveFacts(const Program& program, const ProgramFacts& facts);

}  // namespace guard::vm
