// The parse floor: the fastest conforming parse of a data text with a parser
// from Debian's packages, no tree building. Used by bench_parse_floor (for
// tools/bench.py's W3 ratio) and by loader_bench.cpp (floor beside loader).
#pragma once

#include <cstddef>
#include <string>

namespace guard::bench {

// simdjson's DOM parse of `text` (which needs capacity >= size + 64);
// returns the number of top-level members so the work can't be elided, or -1.
long simdjsonParse(const std::string& text);

// libyaml's event loop over `text` with the events discarded; returns the
// number of events, or -1 on a parse error.
long libyamlEvents(const std::string& text);

// Reads a whole file with its size reserved up front plus simdjson's padding.
std::string readWhole(const std::string& path);

}  // namespace guard::bench
