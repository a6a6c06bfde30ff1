// The Guard rules-language parser: turns the text of a .guard rules file into
// the AST of compiler/ast.h, or reports the first parse error (the condition
// cfn-guard 3.1.1 reports with exit code 5). Called by the compiler driver
// (guardc), by `guardvm parse-tree` and by anything else that loads rules
// files. The grammar is spec/guard-language.md §3-§4; parser.cpp explains how
// it is reproduced, including the reference implementation's quirks.
#pragma once

#include <string>
#include <string_view>

#include "compiler/ast.h"
#include "runtime/error.h"

namespace guard {

// Deepest nesting of blocks, filters, list/map literals and call argument
// lists the parser accepts. It bounds the parser's recursion (and that of
// every later pass that walks the AST); deeper input is a parse error.
inline constexpr int kMaxRuleNesting = 256;

// Parses one rules file. `fileName` is used in error values and, reduced to
// its base name, as RulesFile::name. On failure the Error carries fileName and
// the 1-based line and column (in Unicode characters) of the fragment that
// could not be parsed, as cfn-guard reports it.
//
// Spans in the AST: `begin` is the first character of the construct, `end` is
// one past its last character (trailing whitespace excluded).
Result<ast::RulesFile> parseRules(std::string_view source, std::string fileName);

}  // namespace guard
