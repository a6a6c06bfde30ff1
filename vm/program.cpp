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

std::string Program::unresolvedRest(uint32_t partId, bool indexOutOfRange) const {
  if (partId >= parts.size()) return std::string();
  const Part& part = parts[partId];
  return indexOutOfRange ? queryText(part.query) : remainingQuery(part.query, part.position);
}

std::string Program::queryText(uint32_t q) const {
  std::string whole = remainingQuery(q, 0);
  if (q >= queries.size()) return whole;
  const auto& qp = queries[q].parts;
  if (qp.empty() || str(qp[0]).empty() || str(qp[0])[0] != '%' || (qp.size() >= 2 && str(qp[1]) == "[*]"))
    return whole;
  std::string rest = remainingQuery(q, 1);
  std::string out = str(qp[0]) + "[*]";
  if (!rest.empty()) out += (rest[0] == '[' ? "" : ".") + rest;
  return out;
}

}  // namespace guard::vm
