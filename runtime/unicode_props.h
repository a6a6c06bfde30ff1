// Unicode property classes of the regex dialect (\p{..} and \P{..}), resolved
// the way cfn-guard 3.1.1's regex-syntax 0.8 resolves them, against Unicode
// 15.0.0 tables generated at build time (tools/gen-unicode-tables.py). Called
// by the regex translator (runtime/regex.cpp), which writes the code points as
// explicit ranges so that RE2 and PCRE2 match exactly the reference's members.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/error.h"

namespace guard::unicode {

struct CodeRange {
  uint32_t lo = 0, hi = 0;
};

// The members of the class named by `spec`: the text between the braces of
// \p{..} (`Greek`, `IsGreek`, `gc=L`, `Script_Extensions:Latin`, `Age=3.0`,
// `wb=ALetter`, ...) or the one letter of \pL. Names and values are matched
// loosely (case, ' ', '_' and '-' ignored, an `Is` prefix dropped). Sorted,
// non-overlapping ranges; an unknown name, or one the reference has no code
// points for, is an error.
Result<std::vector<CodeRange>> propertyClass(std::string_view spec);

// Rust's char::is_alphanumeric (Alphabetic or a Number category): the
// characters fancy-regex allows in group names, besides '_'.
bool isAlphanumeric(uint32_t cp);

}  // namespace guard::unicode
