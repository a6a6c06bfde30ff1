// Helpers shared by the libFuzzer targets of tests/fuzz/ (built only when
// GUARD_FUZZ=ON, by tools/fuzz.sh). Each target includes this file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "compiler/compile.h"
#include "tests/exercise_program.h"
#include "vm/pack.h"
#include "runtime/document.h"
#include "runtime/loader.h"
#include "vm/interp.h"
#include "vm/program.h"

namespace guard::fuzz {

inline std::string_view asText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Inputs above this size only slow the fuzzer down without reaching new code
// (libFuzzer's -max_len in tools/fuzz.sh keeps them smaller anyway).
inline constexpr size_t kMaxInput = 64 * 1024;

// A broken invariant that is not a memory error: abort so libFuzzer saves the input.
[[noreturn]] inline void invariantBroken(const char* what) {
  __builtin_trap();
  (void)what;
}

// The fixed document the pack targets evaluate packs over
// (testkit::kFixtureTemplate).
inline const Document& fixedDocument() {
  static std::unique_ptr<Document> doc = [] {
    auto loaded = loadDocument(testkit::kFixtureTemplate, "fixed.yaml");
    if (!loaded) std::abort();
    return std::move(loaded.value());
  }();
  return *doc;
}

// Evaluates every rules file of `program` over `doc`; errors are fine, crashes are not.
// Where the pre-answer takes a pair (a proved file-skip fact, vm/analysis.h),
// the machine must give the same answer: no error, every rule SKIP, no records.
inline void evaluateAll(const vm::Program& program, const Document& doc) {
  for (uint32_t f = 0; f < program.files.size(); ++f) {
    auto answered = vm::evaluateFile(program, f, doc);
    if (!vm::fileSkipApplies(program, f, doc, nullptr, vm::EvalLimits{})) continue;
    vm::EvalLimits slow;
    slow.preAnswer = false;
    auto ran = vm::evaluateFile(program, f, doc, nullptr, slow);
    if (!answered.ok() || !ran.ok() || ran->status != answered->status || ran->rules.size() != answered->rules.size())
      std::abort();
    for (size_t i = 0; i < ran->rules.size(); ++i)
      if (ran->rules[i].rule != answered->rules[i].rule || ran->rules[i].status != answered->rules[i].status ||
          !ran->rules[i].records.empty() || !answered->rules[i].records.empty())
        std::abort();
  }
}

// The pack targets: a pack the reader and verifier accept is run and
// rendered in every format over the fixed document.
inline int runPack(const uint8_t* data, size_t size) {
  if (size > 4 * kMaxInput) return -1;
  auto program = vm::readPack(asText(data, size), "fuzz.gpack");
  if (!program) return 0;
  testkit::exerciseProgram(*program.value(), fixedDocument());
  return 0;
}

// The input of the e2e and reports targets: a rules file, a line "---8<---",
// then a data file. -1: not such an input (libFuzzer drops it from the
// corpus); 0: the rules or the data were refused (a fine answer); 1: both
// are in `program` and `doc`.
inline int compileRulesAndLoadData(const uint8_t* data, size_t size, std::unique_ptr<vm::Program>& program,
                                   std::unique_ptr<Document>& doc) {
  if (size > kMaxInput) return -1;
  std::string_view text = asText(data, size);
  constexpr std::string_view kSep = "\n---8<---\n";
  size_t cut = text.find(kSep);
  if (cut == std::string_view::npos) return -1;
  std::vector<SourceFile> sources{{"fuzz.guard", "fuzz.guard", std::string(text.substr(0, cut))}};
  auto compiled = compileSources(sources);
  if (!compiled) return 0;
  auto loaded = loadDocument(std::string(text.substr(cut + kSep.size())), "fuzz.yaml");
  if (!loaded) return 0;
  program = std::move(compiled.value());
  doc = std::move(loaded.value());
  return 1;
}

}  // namespace guard::fuzz
