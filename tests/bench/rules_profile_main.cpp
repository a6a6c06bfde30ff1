// bench_rules_profile [SMALL LARGE [REPS]]: where W2's time goes. Evaluates
// every registry rules file over a gen-template template of SMALL and of
// LARGE resources (JSON, seed 2; defaults 1000 and 50000), REPS rounds
// alternating the two sizes, and prints the total ratio LARGE/SMALL and the
// rules files with the largest share of the LARGE time, each with its own
// ratio. A linear engine shows ratios near LARGE/SMALL. Measures, never
// asserts; docs/performance.md quotes it. Built with -DGUARD_BENCHMARKS=ON.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "runtime/loader.h"
#include "tests/bench/bench_data.h"
#include "vm/interp.h"

namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<guard::Document> load(int resources) {
  const std::string& text = guard::bench::templateText(resources, "json");
  std::string buffer = guard::newTextBuffer(text.size());  // as guardvm reads a file (huge pages)
  buffer.assign(text);
  auto r = guard::loadDocument(std::move(buffer), "bench.json");
  if (!r.ok()) {
    std::fprintf(stderr, "template of %d resources: %s\n", resources, r.error().message.c_str());
    return nullptr;
  }
  return std::move(r.value());
}

// Adds each file's evaluation time (seconds) over `doc` to `seconds`.
void timeFiles(const guard::vm::Program& program, const guard::Document& doc, std::vector<double>& seconds) {
  for (uint32_t f = 0; f < program.files.size(); ++f) {
    const auto start = Clock::now();
    auto r = guard::vm::evaluateFile(program, f, doc);
    seconds[f] += std::chrono::duration<double>(Clock::now() - start).count();
    if (!r.ok()) seconds[f] += 0;  // evaluation errors are answers too; timed the same
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int small = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int large = argc > 2 ? std::atoi(argv[2]) : 50000;
  const int reps = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  auto sources = guard::bench::registrySources();
  auto program = guard::compileSources(sources);
  if (sources.empty() || !program.ok()) {
    std::fprintf(stderr, "no registry rules (../shared/corpus/registry) or they did not compile\n");
    return 2;
  }
  auto smallDoc = load(small), largeDoc = load(large);
  if (!smallDoc || !largeDoc) return 2;
  const auto& prog = *program.value();
  const size_t n = prog.files.size();
  std::vector<double> tSmall(n), tLarge(n);
  for (int r = 0; r < reps; ++r) {
    timeFiles(prog, *smallDoc, tSmall);
    timeFiles(prog, *largeDoc, tLarge);
  }
  double sumSmall = 0, sumLarge = 0;
  for (size_t f = 0; f < n; ++f) sumSmall += tSmall[f], sumLarge += tLarge[f];
  std::printf("%zu rules files, %d rounds: %d resources %.2f ms, %d resources %.1f ms, ratio %.1f (linear: %.1f)\n",
              n, reps, small, 1e3 * sumSmall / reps, large, 1e3 * sumLarge / reps, sumLarge / sumSmall,
              double(large) / small);
  std::vector<size_t> order(n);
  for (size_t f = 0; f < n; ++f) order[f] = f;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return tLarge[a] > tLarge[b]; });
  std::printf("%-58s %10s %10s %7s %6s\n", "rules file", "small ms", "large ms", "ratio", "share");
  for (size_t k = 0; k < std::min<size_t>(n, 25); ++k) {
    const size_t f = order[k];
    std::printf("%-58s %10.3f %10.2f %7.0f %5.1f%%\n", prog.str(prog.files[f].name).c_str(), 1e3 * tSmall[f] / reps,
                1e3 * tLarge[f] / reps, tLarge[f] / tSmall[f], 100 * tLarge[f] / sumLarge);
  }
  return 0;
}
