// The compiler's entry points: parse Guard source into an AST (parser.h),
// lower it into a vm::Program (lower.cpp), and verify the result. Called by
// guardc (to build packs) and by guardvm (to run .guard files directly).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/ast.h"
#include "runtime/error.h"
#include "vm/program.h"

namespace guard {

struct SourceFile {
  std::string name;  // reported rules file name (base name)
  std::string path;  // for error messages
  std::string text;
};

// Registers (an instruction names one in a byte, at most 255 a function):
// at most kMaxSharedPrefixRegisters hold the query prefixes the compiler
// shares between the clauses of a block (lower.cpp, planSharedPrefixes), and
// the function's own code may use kMaxFunctionRegisters more, whatever the
// compiler shared; more is a "too complex" error. A clause's registers and
// status registers are reused by the next clause and the next alternative of
// an `or`, so only the largest clause counts, not the number of clauses.
inline constexpr uint32_t kMaxSharedPrefixRegisters = 32;
inline constexpr uint32_t kMaxFunctionRegisters = 255 - kMaxSharedPrefixRegisters;
inline constexpr uint32_t kMaxStatusRegisters = 255;

// Lowers one parsed rules file into `program` (which may already hold other files).
// Variables that are not visible where they are used go to `warnings` (3.1.1
// reports them only when the clause is evaluated).
Result<Unit> lowerRulesFile(const ast::RulesFile& file, const std::string& source,
                            vm::Program& program, const std::string& path = {},
                            std::vector<Error>* warnings = nullptr);

// Parses, checks and lowers one source into `program`. Parse errors and
// semantic errors (sema.h) name the file, line and column; semantic warnings
// go to `warnings` when given.
Result<Unit> compileInto(const SourceFile& source, vm::Program& program,
                         std::vector<Error>* warnings = nullptr);

// States the facts of a verified program that the interpreter may rely on
// (vm/analysis.h; written to packs as section 16, proved when read). Called
// by compileSources and the tools after verifyProgram accepts the program.
void stateFacts(vm::Program& program);

// Parses, lowers and verifies several sources into one program (a pack), with its facts.
Result<std::unique_ptr<vm::Program>> compileSources(const std::vector<SourceFile>& sources);

// The clause text of spec/cli-and-reports.md §7.6.1 for a query.
std::string queryText(const ast::Query& q);

}  // namespace guard
