// bench_pairs: the cost of one (rules file, template) pair and the heap
// allocations it makes (issue 17 item 5), over all registry rules × ten small
// templates (5–40 resources, JSON and YAML, gen-template seed 2: W7's sizes).
// A counting operator new (this program only, so guard_bench's figures are
// not touched) counts the allocations of the evaluation, not of loading.
// Variants: the machine for every pair with a fresh FileResult (what
// evaluateFile did before the pre-answer), the pre-answer with a fresh
// FileResult, and both with one FileResult reused per thread
// (evaluateFileInto, what guardvm validate does). Not run by ctest.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "compiler/compile.h"
#include "runtime/loader.h"
#include "tests/bench/bench_data.h"
#include "vm/interp.h"

namespace {
std::atomic<uint64_t> gAllocations{0};
}  // namespace

void* operator new(std::size_t n) {
  gAllocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  gAllocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::aligned_alloc(size_t(a), (n + size_t(a) - 1) / size_t(a) * size_t(a))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace guard::bench {
namespace {

const vm::Program* registry() {
  static std::unique_ptr<vm::Program> program = [] {
    auto p = compileSources(registrySources());
    return p.ok() ? std::move(p.value()) : nullptr;
  }();
  return program.get();
}

const std::vector<std::unique_ptr<Document>>& templates() {
  static std::vector<std::unique_ptr<Document>> docs = [] {
    std::vector<std::unique_ptr<Document>> out;
    for (int n : {5, 10, 20, 30, 40})
      for (const char* format : {"json", "yaml"}) {
        const std::string& text = templateText(n, format);
        if (text.empty()) continue;
        auto d = loadDocument(text, std::string("t") + std::to_string(n) + "." + format);
        if (d.ok()) out.push_back(std::move(d.value()));
      }
    return out;
  }();
  return docs;
}

enum Variant : int64_t { kMachineFresh, kPreAnswerFresh, kMachineReused, kPreAnswerReused };

// One iteration: every rules file × every template.
void BM_Pairs(benchmark::State& state) {
  const vm::Program* P = registry();
  const auto& docs = templates();
  if (!P || docs.empty()) return state.SkipWithError("no registry or no gen-template");
  const Variant variant = Variant(state.range(0));
  vm::EvalLimits limits;
  limits.preAnswer = variant == kPreAnswerFresh || variant == kPreAnswerReused;
  const bool reuse = variant == kMachineReused || variant == kPreAnswerReused;
  vm::FileResult reused;
  uint64_t pairs = 0, preAnswered = 0;
  auto onePass = [&] {
    for (uint32_t f = 0; f < P->files.size(); ++f) {
      if (P->files[f].empty) continue;
      for (const auto& d : docs) {
        if (reuse) {
          benchmark::DoNotOptimize(vm::evaluateFileInto(reused, *P, f, *d, nullptr, limits).ok());
        } else {
          auto r = vm::evaluateFile(*P, f, *d, nullptr, limits);
          benchmark::DoNotOptimize(r.ok());
        }
        ++pairs;
      }
    }
  };
  onePass();  // warm: type tags, key ids, buffers at their steady sizes
  // GUARD_BENCH_PAIRS_BY_FILE=1: the rules files that still allocate, on stderr.
  if (std::getenv("GUARD_BENCH_PAIRS_BY_FILE"))
    for (uint32_t f = 0; f < P->files.size(); ++f) {
      const uint64_t at = gAllocations.load();
      for (const auto& d : docs)
        if (reuse) benchmark::DoNotOptimize(vm::evaluateFileInto(reused, *P, f, *d, nullptr, limits).ok());
      if (const uint64_t n = gAllocations.load() - at)
        std::fprintf(stderr, "%8llu %s\n", (unsigned long long)n, P->str(P->files[f].name).c_str());
    }
  for (uint32_t f = 0; f < P->files.size(); ++f)
    for (const auto& d : docs) preAnswered += !P->files[f].empty && vm::fileSkipApplies(*P, f, *d, nullptr, limits);
  pairs = 0;
  const uint64_t before = gAllocations.load();
  for (auto _ : state) onePass();
  const uint64_t allocations = gAllocations.load() - before;
  state.counters["pairs"] = double(pairs) / double(state.iterations());
  state.counters["pre_answered"] = double(preAnswered);
  state.counters["allocs_per_pair"] = double(allocations) / double(pairs);
  state.counters["ns_per_pair"] =
      benchmark::Counter(double(pairs), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_Pairs)
    ->ArgName("variant")
    ->Arg(kMachineFresh)
    ->Arg(kPreAnswerFresh)
    ->Arg(kMachineReused)
    ->Arg(kPreAnswerReused)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace guard::bench

BENCHMARK_MAIN();
