// Runs a program every way guardvm can: each rules file evaluated over a
// document and rendered in every format validate writes (summary table and
// console detail for each -S set, plain and coloured; JSON and YAML file
// reports with a drain; the --verbose and --print-json trees of a traced
// evaluation; SARIF and JUnit over all files). The output is thrown away:
// callers check that nothing crashes, leaks or hangs. Used by the reports and
// pack fuzz targets (tests/fuzz/) and tests/pack_mutation_test.cpp.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "runtime/document.h"
#include "vm/interp.h"
#include "vm/program.h"
#include "report/report.h"
#include "report/model.h"
#include "report/verbose.h"

namespace guard::testkit {

// A small CloudFormation-like template with the value types Guard rules look
// at: what the pack fuzzers and the pack mutation test evaluate packs over.
inline constexpr const char* kFixtureTemplate = R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: logs
      Tags: [{Key: env, Value: prod}, {Key: n, Value: 3}]
      Versioning: {Status: Enabled}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          User: root
          Privileged: true
          Memory: 512
          Ratio: 1.5
          Env: ~
Parameters:
  Env: {Type: String, Default: dev}
)";

// `results` keeps each evaluation alive: a report model points into its
// result (values made by functions live there), as --structured keeps them.
inline void renderPair(const vm::Program& program, uint32_t file, const Document& doc,
                       std::vector<vm::report::FileReportModel>& models,
                       std::deque<vm::FileResult>& results) {
  auto fast = vm::evaluateFile(program, file, doc);
  if (!fast) return;
  results.push_back(std::move(fast.value()));
  vm::PairView view{program, results.back(), doc, doc.text(), "rules.guard", "data.yaml"};
  std::string out, panic;
  for (unsigned summary : {0u, unsigned(vm::kShowFail), unsigned(vm::kShowPass | vm::kShowSkip | vm::kShowFail)})
    for (bool color : {false, true}) {
      vm::ConsoleOptions o;
      o.summary = summary;
      o.color = color;
      vm::writeSummaryTable(out, view, o);
      (void)vm::writeConsoleDetail(out, view, o, panic);
    }
  auto drain = [](std::string& text) { text.clear(); };
  vm::writeFileReportJson(out, view, drain);
  vm::writeFileReportYaml(out, view, drain);
  models.push_back(vm::report::buildFileReport(view));

  vm::EvalLimits traced;
  traced.trace = true;
  auto full = vm::evaluateFile(program, file, doc, nullptr, traced);
  if (!full) return;
  vm::PairView tview{program, full.value(), doc, doc.text(), "rules.guard", "data.yaml"};
  vm::writeVerboseTree(out, tview);
  vm::writePrintJson(out, tview);
}

inline void exerciseProgram(const vm::Program& program, const Document& doc) {
  std::vector<vm::report::FileReportModel> models;
  std::deque<vm::FileResult> results;
  for (uint32_t f = 0; f < program.files.size(); ++f) renderPair(program, f, doc, models, results);
  std::string out;
  vm::report::writeSarif(out, models);
  std::vector<vm::report::JunitSuite> suites(1);
  suites[0].dataName = "data.yaml";
  for (auto& m : models) suites[0].cases.push_back(vm::report::JunitCase{"rules.guard", std::move(m), 1});
  (void)vm::report::writeJunit(out, suites, 2);
}

}  // namespace guard::testkit
