// Query operations of the VM, one rule each, evaluated over a loaded
// template (1k and 10k resources): type selection, wildcards, filters,
// `some` over nested lists, a rule whose type is absent (should cost almost
// nothing), and all registry rules. Part of guard_bench.
#include <benchmark/benchmark.h>

#include "compiler/compile.h"
#include "runtime/loader.h"
#include "tests/bench/bench_data.h"
#include "vm/interp.h"

namespace guard::bench {
namespace {

const Document* loadedTemplate(int resources) {
  static std::map<int, std::unique_ptr<Document>> docs;
  auto& d = docs[resources];
  if (!d) {
    // As guardvm reads a file: into a buffer advised for huge pages (the
    // string nodes point into it), not a plain copy.
    const std::string& text = templateText(resources, "json");
    std::string buffer = newTextBuffer(text.size());
    buffer.assign(text);
    auto r = loadDocument(std::move(buffer), "bench.json");
    if (r.ok()) d = std::move(r.value());
  }
  return d.get();
}

std::unique_ptr<vm::Program> compileOne(const std::string& text) {
  auto p = compileSources({SourceFile{"bench.guard", "bench.guard", text}});
  return p.ok() ? std::move(p.value()) : nullptr;
}

// Evaluates every file of `program` against the template once per iteration.
void runProgram(benchmark::State& state, const vm::Program* program) {
  const Document* doc = loadedTemplate(int(state.range(0)));
  if (!program || !doc) return state.SkipWithError("compile or load failed");
  for (auto _ : state)
    for (uint32_t f = 0; f < program->files.size(); ++f) {
      auto r = vm::evaluateFile(*program, f, *doc);
      benchmark::DoNotOptimize(r);
    }
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));  // resources/s
}

void BM_Query(benchmark::State& state, const char* rule) {
  static std::map<const char*, std::unique_ptr<vm::Program>> programs;
  auto& p = programs[rule];
  if (!p) p = compileOne(rule);
  runProgram(state, p.get());
}

constexpr const char* kTypeSelect =
    "rule r { Resources.*[ Type == 'AWS::S3::Bucket' ].Properties.BucketName exists }";
constexpr const char* kWildcard = "rule r { Resources.*.Properties exists }";
constexpr const char* kFilter =
    "rule r { Resources.*[ Type == 'AWS::IAM::Role' Properties.Path exists ].Properties.Path == '/' }";
constexpr const char* kSomeNested =
    "rule r { some Resources.*.Properties.Tags[*].Key == 'Owner' }";
constexpr const char* kAbsentType =
    "let x = Resources.*[ Type == 'AWS::No::Such' ]\nrule r when %x !empty { %x.Properties exists }";
constexpr const char* kRegex =
    "rule r { Resources.*[ Type == 'AWS::IAM::Role' ].Properties.RoleName == /^[a-z][a-z0-9-]*$/ }";

BENCHMARK_CAPTURE(BM_Query, type_select, kTypeSelect)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, wildcard, kWildcard)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, filter, kFilter)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, some_nested, kSomeNested)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, absent_type, kAbsentType)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Query, regex_clause, kRegex)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// All registry rules (one program, one evaluateFile per rules file).
void BM_RegistryRules(benchmark::State& state) {
  static std::unique_ptr<vm::Program> program = [] {
    auto p = compileSources(registrySources());
    return p.ok() ? std::move(p.value()) : nullptr;
  }();
  runProgram(state, program.get());
}
BENCHMARK(BM_RegistryRules)->Arg(100)->Arg(1000)->Arg(4000)->Arg(10000)->Arg(50000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace guard::bench
