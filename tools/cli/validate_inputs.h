// Inputs of `guardvm validate` besides plain rules and data files: the
// --payload document read from stdin (spec/cli-and-reports.md §5.6) and
// --input-params merged into each data file (§5.5). Called by
// tools/cli/validate.cpp; implemented in validate_inputs.cpp.
#pragma once

#include <string>
#include <vector>

#include "runtime/document.h"
#include "runtime/error.h"

namespace guard::cli {

// The two string lists of a payload, in array order.
struct Payload {
  std::vector<std::string> rules, data;
};

// Parses `{"rules": [<string>...], "data": [<string>...]}`; errors carry
// serde_json's wording ("missing field `data` at line 1 column 12").
Result<Payload> parsePayload(const std::string& text);

// One input-parameter file, kept as text: it is re-parsed into each data
// document it is merged with (KeyIds of different Documents do not mix).
struct ParamText {
  std::string name;   // bare file name, for messages
  std::string text;
};

// Parses every parameter text and merges them in order (§5.5); the error
// is the message for `Error occurred`.
Result<Unit> checkParams(const std::vector<ParamText>& params);

// Re-parses the parameters into `doc` and makes `params ⊕ data` its root.
// Top-level merge: maps append keys (a key in both is an error), lists
// concatenate, any other pair is an error.
Result<Unit> mergeParamsInto(Document& doc, const std::vector<ParamText>& params);

}  // namespace guard::cli
