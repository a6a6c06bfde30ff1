// bench_parse_floor FILE [REPEATS]: prints the best parse time in CPU seconds
// (then MB/s) of FILE with the parse floor of parse_floor.h: simdjson for
// files starting with '{' or '[', libyaml events otherwise. File reading is
// not timed. CPU time, not wall time, so a busy machine does not skew the
// ratio. Called by tools/bench.py (W3: end-to-end vs floor throughput).
#include <time.h>

#include <cstdio>
#include <cstdlib>

#include "tests/bench/parse_floor.h"

static double cpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_parse_floor FILE [REPEATS]\n");
    return 2;
  }
  std::string text = guard::bench::readWhole(argv[1]);
  int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  size_t i = text.find_first_not_of(" \t\r\n");
  bool json = i != std::string::npos && (text[i] == '{' || text[i] == '[');
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    double t0 = cpuSeconds();
    long n = json ? guard::bench::simdjsonParse(text) : guard::bench::libyamlEvents(text);
    double s = cpuSeconds() - t0;
    if (n < 0) {
      std::fprintf(stderr, "parse error\n");
      return 1;
    }
    if (s < best) best = s;
  }
  std::printf("%.6f %.1f\n", best, double(text.size()) / 1e6 / best);
  return 0;
}
