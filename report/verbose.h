// `validate --verbose` / `test -v` trees and `validate --print-json`
// (spec/cli-and-reports.md §8): views over the full evaluation record tree
// the VM keeps in trace mode (FileResult::trace, EvalLimits::trace).
// Called by guardvm's validate and test commands after each pair's report.
#pragma once

#include <string>

#include "report/report.h"

namespace guard::vm {

// The ASCII tree of §8.1 (every line ends with a newline); `v.dataName` is
// the name in the File record. Nothing when the result has no trace.
// `noLocations`: print every position as [L:0,C:0] (test inputs, §10.5).
void writeVerboseTree(std::string& out, const PairView& v, bool noLocations = false);

// The root record as pretty JSON (§8.2, §9.7) followed by a newline.
void writePrintJson(std::string& out, const PairView& v);

}  // namespace guard::vm
