// Helpers for tests that compile rules and evaluate them over one document:
// the statuses of the rules, and the records kept for reports. Used by
// vm_test.cpp and vm_query_test.cpp.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "compiler/compile.h"
#include "runtime/loader.h"
#include "vm/interp.h"

namespace guard {

struct EvalRun {
  bool ok = false;
  std::string error;
  std::map<std::string, std::string> status;  // rule name -> PASS/FAIL/SKIP
  std::unique_ptr<vm::Program> program;       // records point into these two
  std::unique_ptr<Document> doc;
  vm::FileResult result;
};

inline EvalRun evaluate(const std::string& rules, const std::string& data) {
  EvalRun run;
  auto program = compileSources({SourceFile{"t.guard", "t.guard", rules}});
  EXPECT_TRUE(program.ok()) << (program.ok() ? "" : program.error().message);
  if (!program.ok()) return run;
  auto doc = loadDocument(data, "data.yaml");
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
  if (!doc.ok()) return run;
  auto r = vm::evaluateFile(*program.value(), 0, *doc.value());
  if (!r.ok()) {
    run.error = r.error().message;
    return run;
  }
  run.ok = true;
  for (const auto& rr : r.value().rules)
    run.status[program.value()->str(program.value()->rules[rr.rule].name)] = vm::statusName(rr.status);
  run.result = std::move(r.value());
  run.program = std::move(program.value());
  run.doc = std::move(doc.value());
  return run;
}

inline std::string statusOf(const std::string& rules, const std::string& data, const std::string& rule = "r") {
  EvalRun r = evaluate(rules, data);
  if (!r.ok) return "ERROR: " + r.error;
  return r.status[rule];
}

}  // namespace guard
