// bench_c_api: the per-call cost of libguardvm's C API (Google Benchmark),
// for docs/performance.md's embedding figures (tools/bench-embedding.py runs
// it beside the Python and CLI figures). A one-rule pack over a tiny
// document (what a call costs besides evaluation), with and without the JSON
// report, and the seed rules over the seed example. Linked against the shared
// library, as an embedding program is.
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "guardvm/guardvm.h"

namespace {

guardvm_pack* compileOrDie(const std::string& rules) {
  guardvm_source src{"bench.guard", rules.data(), rules.size()};
  guardvm_pack* pack = nullptr;
  if (guardvm_compile(&src, 1, &pack, nullptr) != GUARDVM_OK) std::abort();
  return pack;
}

void validateLoop(benchmark::State& state, guardvm_pack* pack, const std::string& doc, unsigned flags) {
  for (auto _ : state) {
    guardvm_result* r = nullptr;
    if (guardvm_validate(pack, doc.data(), doc.size(), "doc.yaml", flags, &r, nullptr) != GUARDVM_OK) std::abort();
    benchmark::DoNotOptimize(guardvm_result_status(r));
    guardvm_result_free(r);
  }
  state.SetItemsProcessed(state.iterations());
}

const char* kOneRule = "rule has_resources { Resources !empty }\n";

void BM_TinyWithReport(benchmark::State& state) {
  guardvm_pack* pack = compileOrDie(kOneRule);
  validateLoop(state, pack, "Resources: {A: {Type: X}}\n", 0);
  guardvm_pack_free(pack);
}
BENCHMARK(BM_TinyWithReport);

void BM_TinyStatusOnly(benchmark::State& state) {
  guardvm_pack* pack = compileOrDie(kOneRule);
  validateLoop(state, pack, "Resources: {A: {Type: X}}\n", GUARDVM_STATUS_ONLY);
  guardvm_pack_free(pack);
}
BENCHMARK(BM_TinyStatusOnly);

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void BM_SeedExample(benchmark::State& state) {
  guardvm_pack* pack = compileOrDie(slurp(GUARD_SOURCE_DIR "/rules/no-root-for-tasks.guard"));
  validateLoop(state, pack, slurp(GUARD_SOURCE_DIR "/rules/examples/seed/bad-task-defs.yml"), 0);
  guardvm_pack_free(pack);
}
BENCHMARK(BM_SeedExample);

}  // namespace

BENCHMARK_MAIN();
