// The lines of a text as Rust's str::lines() splits them: at '\n', with one
// trailing '\r' dropped, and no empty line after a final '\n'. Indexed once so
// that the console report's code excerpts (report/model.h, CodeCursor) reach
// any line in O(1) however many (rules file, data file) pairs report on the same
// text. Built by Document::lines() on first use, or directly over any text.
#pragma once

#include <string_view>
#include <vector>

namespace guard {

class LineTable {
 public:
  explicit LineTable(std::string_view text);

  size_t size() const { return starts_.size(); }
  // Line i (0-based), without its line break.
  std::string_view line(size_t i) const;

 private:
  std::string_view text_;
  std::vector<size_t> starts_;  // where each line begins
};

}  // namespace guard
