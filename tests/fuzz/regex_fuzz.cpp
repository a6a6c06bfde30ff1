// libFuzzer target: the regex wrapper. The first line of the input is a
// pattern (fancy-regex syntax), the rest the subject text: compile, search,
// and regex_replace with a fixed replacement. Built by tools/fuzz.sh.
#include "runtime/regex.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace guard;
  if (size > fuzz::kMaxInput) return -1;
  std::string_view text = fuzz::asText(data, size);
  size_t nl = text.find('\n');
  std::string_view pattern = text.substr(0, nl);
  std::string_view subject = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  auto re = Regex::compile(pattern);
  if (!re) return 0;
  (void)re.value()->search(subject);
  (void)re.value()->replaceMatchesOnly(subject, "<$1|${0}|$$>");
  return 0;
}
