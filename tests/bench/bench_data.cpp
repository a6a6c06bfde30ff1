// Inputs of the component benchmarks (see bench_data.h). Templates are made
// once by gen-template and cached on disk, so repeated runs measure the same bytes.
#include "tests/bench/bench_data.h"

#include <cstdlib>
#include <filesystem>
#include <map>

#include "tests/bench/parse_floor.h"

namespace fs = std::filesystem;

namespace guard::bench {

namespace {
std::string cacheDir() {
  const char* d = std::getenv("GUARD_BENCH_DIR");
  std::string dir = d ? d : "/tmp/guardvm-bench/components";
  fs::create_directories(dir);
  return dir;
}
}  // namespace

const std::string& templateText(int resources, const std::string& format) {
  static std::map<std::pair<int, std::string>, std::string> cache;
  auto key = std::make_pair(resources, format);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  std::string path = cacheDir() + "/t" + std::to_string(resources) + "." + format;
  if (!fs::exists(path)) {
    std::string cmd = std::string(GUARD_SHARED_DIR) + "/tools/gen-template -n " + std::to_string(resources) +
                      " -s 2 -f " + format + " -o " + path + ".tmp && mv " + path + ".tmp " + path;
    if (std::system(cmd.c_str()) != 0) return cache[key];
  }
  return cache[key] = readWhole(path);
}

std::vector<SourceFile> registrySources() {
  std::vector<SourceFile> out;
  fs::path root = fs::path(GUARD_SHARED_DIR) / "corpus" / "registry" / "rules";
  if (!fs::exists(root)) return out;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".guard") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    SourceFile s;
    s.name = p.filename().string();
    s.path = p.string();
    s.text = readWhole(p.string());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace guard::bench
