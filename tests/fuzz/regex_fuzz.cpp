// libFuzzer target: the regex wrapper. The first line of the input is a
// pattern (fancy-regex syntax), the rest the subject text: compile, search,
// and regex_replace with a fixed replacement. The lazily built regex of the
// same pattern (packs, rules from source) must load exactly when compile
// does and give the same answers: on ASCII subjects it may use its ASCII
// engine (runtime/regex.cpp ClassRange), which this checks against the
// Unicode one. Built by tools/fuzz.sh.
#include <cstdlib>

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
  auto lazy = Regex::compileLazy(pattern);
  if (re.ok() != lazy.ok()) std::abort();
  if (!re) return 0;
  auto found = re.value()->search(subject);
  auto replaced = re.value()->replaceMatchesOnly(subject, "<$1|${0}|$$>");
  // Both engines are the same kind; only PCRE2 can fail (its match limit),
  // and then both do.
  auto lazyFound = lazy.value()->search(subject);
  auto lazyReplaced = lazy.value()->replaceMatchesOnly(subject, "<$1|${0}|$$>");
  if (found.ok() && lazyFound.ok() && *found != *lazyFound) std::abort();
  if (replaced.ok() && lazyReplaced.ok() && *replaced != *lazyReplaced) std::abort();
  return 0;
}
