// libFuzzer target: rules × document end to end. The input is a rules file
// and a data file separated by a line "---8<---"; the rules are compiled, the
// data loaded, and every rule evaluated. Seeds pair each conformance case's
// rules.guard with its data file (tools/fuzz.sh). Built by tools/fuzz.sh.
#include "compiler/compile.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace guard;
  std::unique_ptr<vm::Program> program;
  std::unique_ptr<Document> doc;
  const int loaded = fuzz::compileRulesAndLoadData(data, size, program, doc);
  if (loaded != 1) return loaded;
  fuzz::evaluateAll(*program, *doc);
  return 0;
}
