// Rust {:?} texts of values, as cfn-guard 3.1.1 prints them inside its
// messages. Defined in rust_debug.cpp; used by the reports and the VM.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/document.h"

namespace guard {

// "\"a\\nb\"": a Rust string literal as {:?} writes it.
void appendDebugString(std::string& out, std::string_view s);
// Path("/a/b", Location { line: 3, col: 4 })
void appendDebugPath(std::string& out, std::string_view path, uint32_t line, uint32_t col);
// A PathAwareValue: String((Path("/s", Location { line: 0, col: 3 }), "x")); a data map
// lists every occurrence of a repeated key.
void appendRustDebug(std::string& out, const Node* n);
std::string rustDebug(const Node* n);
// An f64: 1.0, 1e20, 1.5e-7.
std::string floatDebug(double d);

}  // namespace guard
