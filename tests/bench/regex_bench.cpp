// Regex search through the wrapper (runtime/regex.h): RE2 for plain
// patterns, PCRE2 for look-around, plus the compile cost. Part of guard_bench.
#include <benchmark/benchmark.h>

#include "runtime/regex.h"

namespace guard::bench {
namespace {

const char* kTexts[] = {
    "arn:aws:iam::123456789012:role/service-role/my-lambda-execution-role",
    "arn:aws:s3:::my-company-logs-bucket-eu-west-1/AWSLogs/123456789012/*",
    "0.0.0.0/0",
    "my-bucket-name-with-some-length-0042",
};

void BM_RegexSearch(benchmark::State& state, const char* pattern) {
  auto re = Regex::compile(pattern);
  if (!re.ok()) return state.SkipWithError("compile failed");
  size_t bytes = 0;
  for (auto _ : state)
    for (const char* t : kTexts) {
      auto m = re.value()->search(t);
      benchmark::DoNotOptimize(m);
      bytes += std::char_traits<char>::length(t);
    }
  state.SetBytesProcessed(int64_t(bytes));
  state.SetLabel(re.value()->backtracking() ? "pcre2" : "re2");
}

void BM_RegexCompile(benchmark::State& state, const char* pattern) {
  for (auto _ : state) benchmark::DoNotOptimize(Regex::compile(pattern));
}

constexpr const char* kArn = "^arn:aws[a-z-]*:iam::\\d{12}:role/.*$";
constexpr const char* kAnywhere = "logs";
constexpr const char* kCidr = "^(0\\.0\\.0\\.0/0|::/0)$";
constexpr const char* kLookahead = "^(?!.*admin).*-role$";

BENCHMARK_CAPTURE(BM_RegexSearch, arn_re2, kArn);
BENCHMARK_CAPTURE(BM_RegexSearch, literal_re2, kAnywhere);
BENCHMARK_CAPTURE(BM_RegexSearch, cidr_re2, kCidr);
BENCHMARK_CAPTURE(BM_RegexSearch, lookahead_pcre2, kLookahead);
BENCHMARK_CAPTURE(BM_RegexCompile, arn_re2, kArn);
BENCHMARK_CAPTURE(BM_RegexCompile, lookahead_pcre2, kLookahead);

}  // namespace
}  // namespace guard::bench
