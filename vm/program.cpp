// Small out-of-line helpers of the in-memory program (vm/program.h).
#include "vm/program.h"

namespace guard::vm {

uint32_t Program::intern(const std::string& s) {
  if (stringIndex_.size() != strings.size()) {
    stringIndex_.clear();
    for (uint32_t i = 0; i < strings.size(); ++i) stringIndex_.emplace(strings[i], i);
  }
  auto [it, inserted] = stringIndex_.emplace(s, uint32_t(strings.size()));
  if (inserted) strings.push_back(s);
  return it->second;
}

std::string Program::remainingQuery(uint32_t q, uint32_t position) const {
  std::string out;
  if (q >= queries.size()) return out;
  const auto& parts = queries[q].parts;
  for (uint32_t i = position; i < parts.size(); ++i) {
    const std::string& t = strings[parts[i]];
    if (!out.empty() && !(t.size() && t[0] == '[')) out.push_back('.');
    out += t;
  }
  return out;
}

}  // namespace guard::vm
