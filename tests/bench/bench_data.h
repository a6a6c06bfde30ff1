// Inputs shared by the component benchmarks: synthetic CloudFormation
// templates from ../shared/tools/gen-template (fixed seed, cached under
// $GUARD_BENCH_DIR or /tmp/guardvm-bench/components) and the registry rules.
// Called by the *_bench.cpp files.
#pragma once

#include <string>
#include <vector>

#include "compiler/compile.h"

namespace guard::bench {

// The text of a template of `resources` resources in "json" or "yaml"
// (seed 2, as W2 of tools/bench.py), with room for simdjson's padding.
// Empty if gen-template is unavailable.
const std::string& templateText(int resources, const std::string& format);

// Every .guard file of the registry corpus (empty when ../shared is absent).
std::vector<SourceFile> registrySources();

}  // namespace guard::bench
