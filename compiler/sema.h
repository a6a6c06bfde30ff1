// Semantic checks of a parsed rules file, beyond what the grammar says.
// Called by compileInto (compile.cpp) before lowering.
//
// Errors (the file is rejected): a cycle of named-rule or parameterized-rule
// references, which cfn-guard 3.1.1 runs into a stack overflow.
// Warnings (reported by guardc, ignored by guardvm, because cfn-guard 3.1.1
// only fails on them when the clause is evaluated): references to unknown
// rules, parameterized calls with the wrong number of arguments, unknown
// functions and wrong function arity.
#pragma once

#include <vector>

#include "compiler/ast.h"
#include "runtime/error.h"

namespace guard {

struct SemaResult {
  std::vector<Error> errors;
  std::vector<Error> warnings;
};

SemaResult checkRulesFile(const ast::RulesFile& file, const std::string& path);

}  // namespace guard
