// Text forms of values used in clause texts, messages and reports
// (spec/cli-and-reports.md §7.6.2 and §9.7): the "value-only" form, compact
// JSON, and number formatting matching Rust's Display / serde_json output.
// Used by the compiler (clause texts) and by every reporter.
#pragma once

#include <string>

#include "runtime/document.h"

namespace guard {

// Value-only form: strings "x" (no escaping), regex "/x/", null "NULL", bool/int/float
// bare, char 'c', list [a,b], map {"k":v}, ranges [lo,hi] / (lo,hi).
void appendValueOnly(std::string& out, const Node* n);
std::string valueOnly(const Node* n);

// Compact JSON (serde_json style): keys in document order, minimal escaping,
// floats with ".0" when integral; regexes as "/re/", ranges and chars as strings.
void appendJsonCompact(std::string& out, const Node* n);

// Rust `{}` formatting of an f64: shortest round-trip, no ".0" for whole values.
std::string formatFloatDisplay(double d);
// serde_json formatting of an f64: shortest round-trip, ".0" for whole values.
std::string formatFloatJson(double d);
// Appends the UTF-8 encoding of code point `cp`.
void appendUtf8(std::string& out, uint32_t cp);
// JSON string escaping (quotes included).
void appendJsonString(std::string& out, std::string_view s);
// A regex as the reports show it: "/pattern/".
std::string slashedRegex(const Node* n);
// True when every byte of `s` is below 0x80 (the YAML loader's column
// counting, the regex engines' ASCII fast path).
bool isAscii(std::string_view s);

// cfn-guard's name of a value's type in messages (its type_info): "int",
// "String", "array", "map", ...
const char* typeInfo(const Node* n);

}  // namespace guard
