// libFuzzer target: rules × document end to end. The input is a rules file
// and a data file separated by a line "---8<---"; the rules are compiled, the
// data loaded, and every rule evaluated. Seeds pair each conformance case's
// rules.guard with its data file (tools/fuzz.sh). Built by tools/fuzz.sh.
#include "compiler/compile.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace guard;
  if (size > fuzz::kMaxInput) return -1;
  std::string_view text = fuzz::asText(data, size);
  constexpr std::string_view kSep = "\n---8<---\n";
  size_t cut = text.find(kSep);
  if (cut == std::string_view::npos) return -1;  // not an input of this target
  std::vector<SourceFile> sources{{"fuzz.guard", "fuzz.guard", std::string(text.substr(0, cut))}};
  auto program = compileSources(sources);
  if (!program) return 0;
  auto doc = loadDocument(std::string(text.substr(cut + kSep.size())), "fuzz.yaml");
  if (!doc) return 0;
  fuzz::evaluateAll(*program.value(), *doc.value());
  return 0;
}
