// Loader throughput per format (bytes/s in the report) on gen-template
// templates, beside the parse floor of the same bytes (simdjson DOM parse,
// libyaml's bare event loop). Part of guard_bench (tests/bench/CMakeLists.txt).
#include <benchmark/benchmark.h>

#include "runtime/loader.h"
#include "tests/bench/bench_data.h"
#include "tests/bench/parse_floor.h"

namespace guard::bench {
namespace {

// loadDocument takes its text by value; a copy per iteration is what
// guardvm pays too when it keeps the text for reports, so it is included.
void BM_LoadDocument(benchmark::State& state, const std::string& format) {
  const std::string& text = templateText(int(state.range(0)), format);
  if (text.empty()) return state.SkipWithError("gen-template unavailable");
  for (auto _ : state) {
    std::string copy;
    copy.reserve(text.size() + 64);
    copy = text;
    auto doc = loadDocument(std::move(copy), "bench");
    if (!doc.ok()) return state.SkipWithError("load failed");
    benchmark::DoNotOptimize(doc.value()->root());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}

void BM_FloorJson(benchmark::State& state) {
  const std::string& text = templateText(int(state.range(0)), "json");
  if (text.empty()) return state.SkipWithError("gen-template unavailable");
  for (auto _ : state) benchmark::DoNotOptimize(simdjsonParse(text));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}

void BM_FloorYaml(benchmark::State& state) {
  const std::string& text = templateText(int(state.range(0)), "yaml");
  if (text.empty()) return state.SkipWithError("gen-template unavailable");
  for (auto _ : state) benchmark::DoNotOptimize(libyamlEvents(text));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}

BENCHMARK_CAPTURE(BM_LoadDocument, json, std::string("json"))->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloorJson)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadDocument, yaml, std::string("yaml"))->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloorYaml)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace guard::bench
