// libFuzzer target: arbitrary text through the simdjson fast path of the
// loaders (parseJson) and, prefixed so it looks like JSON, through
// loadDocument's JSON-then-YAML route. Built by tools/fuzz.sh.
#include "tests/fuzz/fuzz_common.h"

namespace guard::detail {
// Defined in runtime/json_loader.cpp (internal to the loaders, not in a header).
Node* parseJson(Document& doc, std::string_view text, size_t capacity);
}  // namespace guard::detail

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace guard;
  if (size > fuzz::kMaxInput) return -1;
  std::string_view text = fuzz::asText(data, size);
  {
    // Exact capacity (no padding): parseJson must copy rather than over-read.
    std::string exact(text);
    exact.shrink_to_fit();
    Document doc;
    (void)detail::parseJson(doc, exact, exact.capacity());
  }
  std::string json = (!text.empty() && (text[0] == '{' || text[0] == '[')) ? std::string(text)
                                                                           : "{" + std::string(text);
  (void)loadDocument(std::move(json), "fuzz.json");
  return 0;
}
