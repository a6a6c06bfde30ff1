// "Did you mean" for the command line, as clap 4 (cfn-guard 3.1.1's parser)
// computes it: the Jaro similarity of the mistyped word with each candidate
// (strsim::jaro), candidates above 0.7 kept, most similar last. Used by the
// argument parser (tools/cli/args.cpp) for flags, subcommands and values;
// tested by tests/cli_args_test.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guard::cli {

// Jaro similarity of two strings compared as sequences of Unicode code points
// (UTF-8 decoded; a byte that does not decode counts as one element): 1 for
// two empty strings, 0 when one is empty or nothing matches. Computed with
// strsim's operations in strsim's order, so that values at the threshold
// compare the same way.
double jaro(std::string_view a, std::string_view b);

// clap's confidence threshold: a candidate is similar when jaro > 0.7.
inline constexpr double kSimilarity = 0.7;

// The candidates similar to `word`, least similar first; among equally
// similar ones, in the order given (clap's stable sort). clap suggests the
// last one for a flag or a value, and lists them all for a subcommand.
std::vector<std::string> similar(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace guard::cli
