// Rules loading: compiling all registry rules from source, writing the
// pack, reading it back (decode + verify; regex engines are built on first
// use), reading it and using every regex once, and verifying alone; guardvm
// pays readPack per run with -r PACK and compileSources per run with
// -r DIR. Part of guard_bench.
#include <benchmark/benchmark.h>

#include "tests/bench/bench_data.h"
#include "vm/pack.h"
#include "vm/verify.h"

namespace guard::bench {
namespace {

const std::vector<SourceFile>& sources() {
  static std::vector<SourceFile> s = registrySources();
  return s;
}

const vm::Program* registryProgram() {
  static std::unique_ptr<vm::Program> p = [] {
    auto r = compileSources(sources());
    return r.ok() ? std::move(r.value()) : nullptr;
  }();
  return p.get();
}

void BM_CompileRegistry(benchmark::State& state) {
  if (sources().empty()) return state.SkipWithError("registry rules not found");
  for (auto _ : state) benchmark::DoNotOptimize(compileSources(sources()));
  state.SetItemsProcessed(int64_t(state.iterations() * sources().size()));  // files/s
}

void BM_WritePack(benchmark::State& state) {
  if (!registryProgram()) return state.SkipWithError("compile failed");
  for (auto _ : state) benchmark::DoNotOptimize(vm::writePack(*registryProgram()));
}

void BM_ReadPack(benchmark::State& state) {
  if (!registryProgram()) return state.SkipWithError("compile failed");
  std::string bytes = vm::writePack(*registryProgram());
  for (auto _ : state) {
    auto p = vm::readPack(bytes, "registry.gpack");
    if (!p.ok()) return state.SkipWithError("readPack failed");
    benchmark::DoNotOptimize(p);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * bytes.size()));
  state.SetLabel(std::to_string(bytes.size() / 1024) + " KiB pack");
}

// readPack then one search with every regex: what a run that evaluates all
// of a pack's regexes pays, since readPack builds regex engines lazily.
void BM_ReadPackUseAllRegexes(benchmark::State& state) {
  if (!registryProgram()) return state.SkipWithError("compile failed");
  std::string bytes = vm::writePack(*registryProgram());
  for (auto _ : state) {
    auto p = vm::readPack(bytes, "registry.gpack");
    if (!p.ok()) return state.SkipWithError("readPack failed");
    for (const auto& re : p.value()->regexes) benchmark::DoNotOptimize(re->search("arn:aws:s3:::x"));
  }
  state.SetLabel(std::to_string(registryProgram()->regexes.size()) + " regexes");
}

void BM_Verify(benchmark::State& state) {
  if (!registryProgram()) return state.SkipWithError("compile failed");
  for (auto _ : state) benchmark::DoNotOptimize(vm::verifyProgram(*registryProgram()));
}

BENCHMARK(BM_CompileRegistry)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WritePack)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadPack)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadPackUseAllRegexes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Verify)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace guard::bench
