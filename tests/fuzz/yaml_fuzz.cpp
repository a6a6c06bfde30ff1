// libFuzzer target: arbitrary text through the YAML loader (libyaml events
// into the document arena) and through loadDocument, which picks JSON or YAML
// by content and builds cfn-guard's error texts. Built by tools/fuzz.sh.
#include "tests/fuzz/fuzz_common.h"

namespace guard::detail {
// Defined in runtime/yaml_loader.cpp (internal to the loaders, not in a header).
Result<Node*> parseYaml(Document& doc, std::string_view text);
}  // namespace guard::detail

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace guard;
  if (size > fuzz::kMaxInput) return -1;
  std::string_view text = fuzz::asText(data, size);
  {
    Document doc;
    (void)detail::parseYaml(doc, text);
  }
  (void)loadDocument(std::string(text), "fuzz.yaml");
  return 0;
}
