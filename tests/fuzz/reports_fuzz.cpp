// libFuzzer target: the report writers. Input as for e2e (a rules file, a line
// "---8<---", a data file); every rules file is evaluated and its results
// rendered in each format validate writes: the summary table and console
// detail (plain and coloured, every -S set), JSON and YAML file reports (with
// a drain, as the CLI spills them), the --verbose and --print-json trees from
// a traced evaluation, and the --structured SARIF and JUnit documents. The
// e2e target evaluates but renders nothing, and a use after free once lived
// in this layer (docs/reliability.md). The rendering is tests/exercise_program.h. Built by
// tools/fuzz.sh.
#include "tests/exercise_program.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace guard;
  std::unique_ptr<vm::Program> program;
  std::unique_ptr<Document> doc;
  const int loaded = fuzz::compileRulesAndLoadData(data, size, program, doc);
  if (loaded != 1) return loaded;
  testkit::exerciseProgram(*program, *doc);
  return 0;
}
