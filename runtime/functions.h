// The built-in functions of spec/guard-language.md §12 (count, json_parse,
// regex_replace, join, substring, to_upper, to_lower, url_decode, parse_int,
// parse_float, parse_boolean, parse_string, parse_char). The compiler
// resolves a call's name to an id; the VM checks the id and arity when the
// call is evaluated (3.1.1 reports both only at evaluation) and calls
// callBuiltin with the argument result sets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <llvm/ADT/STLFunctionalExtras.h>

#include "runtime/document.h"
#include "runtime/error.h"
#include "runtime/query_result.h"

namespace guard {

// -1 when `name` is not a built-in.
int builtinId(std::string_view name);
const char* builtinName(int id);
int builtinArity(int id);
// Ids are 0 .. builtinCount()-1, in the order of spec §12 (packs store them).
int builtinCount();

// The part of the query an unresolved member did not satisfy (the VM knows
// the query; cfn-guard names it when join meets such a member).
using UnsatisfiedPart = llvm::function_ref<std::string(const QValue&)>;

// Evaluates built-in `id` over its argument result sets. New values are
// allocated in `scratch` (a per-evaluation document). Errors are the
// evaluation errors of §12, in cfn-guard 3.1.1's words (its ParseError and
// IncompatibleError texts). Every value returned is new and starts a query of
// its own: no case conversion chosen (QValue::conv 0, spec §6.3), whatever
// the arguments' members carried.
Result<ResultSet> callBuiltin(int id, const std::vector<ResultSet>& args, Document& scratch,
                              UnsatisfiedPart unsatisfied = nullptr);

// Rust's char::is_lowercase / is_uppercase, from the case-mapping tables of
// to_upper / to_lower (a letter that has an upper / lower case mapping). Used
// by the key case conversions (compiler/case_conversion.cpp).
bool isLowercaseChar(uint32_t cp);
bool isUppercaseChar(uint32_t cp);

}  // namespace guard
