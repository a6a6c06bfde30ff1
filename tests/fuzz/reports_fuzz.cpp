// libFuzzer target: the report writers. Input as for e2e (a rules file, a line
// "---8<---", a data file); every rules file is evaluated and its results
// rendered in each format validate writes: the summary table and console
// detail (plain and coloured, every -S set), JSON and YAML file reports (with
// a drain, as the CLI spills them), the --verbose and --print-json trees from
// a traced evaluation, and the --structured SARIF and JUnit documents. The
// e2e target evaluates but renders nothing, and a use after free once lived
// in this layer (docs/reliability.md). Built by tools/fuzz.sh.
#include <deque>

#include "compiler/compile.h"
#include "tests/fuzz/fuzz_common.h"
#include "vm/report.h"
#include "vm/report_model.h"
#include "vm/report_verbose.h"

namespace {

using namespace guard;

// `results` keeps each evaluation alive: a report model points into its
// result (values made by functions live there), as --structured keeps them.
void renderPair(const vm::Program& program, uint32_t file, const Document& doc,
                std::vector<vm::report::FileReportModel>& models, std::deque<vm::FileResult>& results) {
  auto fast = vm::evaluateFile(program, file, doc);
  if (!fast) return;
  results.push_back(std::move(fast.value()));
  vm::PairView view{program, results.back(), doc, doc.text(), "fuzz.guard", "fuzz.yaml"};
  std::string out, panic;
  for (unsigned summary : {0u, unsigned(vm::kShowFail), unsigned(vm::kShowPass | vm::kShowSkip | vm::kShowFail)})
    for (bool color : {false, true}) {
      vm::ConsoleOptions o;
      o.summary = summary;
      o.color = color;
      vm::writeSummaryTable(out, view, o);
      (void)vm::writeConsoleDetail(out, view, o, panic);
    }
  size_t drained = 0;
  auto drain = [&](std::string& text) {
    drained += text.size();
    text.clear();
  };
  vm::writeFileReportJson(out, view, drain);
  vm::writeFileReportYaml(out, view, drain);
  models.push_back(vm::report::buildFileReport(view));

  vm::EvalLimits traced;
  traced.trace = true;
  auto full = vm::evaluateFile(program, file, doc, nullptr, traced);
  if (!full) return;
  vm::PairView tview{program, full.value(), doc, doc.text(), "fuzz.guard", "fuzz.yaml"};
  vm::writeVerboseTree(out, tview);
  vm::writePrintJson(out, tview);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<vm::Program> program;
  std::unique_ptr<Document> doc;
  const int loaded = fuzz::compileRulesAndLoadData(data, size, program, doc);
  if (loaded != 1) return loaded;
  std::vector<vm::report::FileReportModel> models;
  std::deque<vm::FileResult> results;
  for (uint32_t f = 0; f < program->files.size(); ++f) renderPair(*program, f, *doc, models, results);
  std::string out;
  vm::report::writeSarif(out, models);
  std::vector<vm::report::JunitSuite> suites(1);
  suites[0].dataName = "fuzz.yaml";
  for (auto& m : models) suites[0].cases.push_back(vm::report::JunitCase{"fuzz.guard", std::move(m), 1});
  (void)vm::report::writeJunit(out, suites, 2);
  return 0;
}
