// Jaro similarity and the similar-candidates list of clap's suggestions
// (see suggest.h). Called by tools/cli/args.cpp.
#include "tools/cli/suggest.h"

#include <algorithm>
#include <cstdint>

namespace guard::cli {
namespace {

// UTF-8 to code points; a byte that does not start a valid sequence is kept
// as one element (its value plus 0x110000, so it equals no code point).
std::vector<uint32_t> codePoints(std::string_view s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; ok && k < n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {
      out.push_back(0x110000u + c);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

}  // namespace

double jaro(std::string_view aText, std::string_view bText) {
  const std::vector<uint32_t> a = codePoints(aText), b = codePoints(bText);
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const size_t range = std::max<size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  std::vector<char> aFlags(a.size(), 0), bFlags(b.size(), 0);
  size_t matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > range ? i - range : 0;
    const size_t hi = std::min(b.size(), i + range + 1);
    for (size_t j = lo; j < hi; ++j)
      if (a[i] == b[j] && !bFlags[j]) {
        aFlags[i] = bFlags[j] = 1;
        ++matches;
        break;
      }
  }
  if (matches == 0) return 0.0;
  size_t transpositions = 0, j = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!aFlags[i]) continue;
    while (!bFlags[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  transpositions /= 2;
  const double m = double(matches);
  return ((m / double(a.size())) + (m / double(b.size())) + (double(matches - transpositions) / m)) / 3.0;
}

std::vector<std::string> similar(std::string_view word, const std::vector<std::string>& candidates) {
  std::vector<std::pair<double, std::string>> kept;
  for (const std::string& c : candidates)
    if (double score = jaro(word, c); score > kSimilarity) kept.emplace_back(score, c);
  std::stable_sort(kept.begin(), kept.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (auto& k : kept) out.push_back(std::move(k.second));
  return out;
}

}  // namespace guard::cli
