// LineTable (runtime/line_table.h): one memchr pass over the text.
#include "runtime/line_table.h"

#include <cstring>

namespace guard {

LineTable::LineTable(std::string_view text) : text_(text) {
  size_t pos = 0;
  while (pos < text.size()) {
    starts_.push_back(pos);
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    if (!nl) break;
    pos = static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1;
  }
}

std::string_view LineTable::line(size_t i) const {
  const size_t start = starts_[i];
  size_t end = i + 1 < starts_.size() ? starts_[i + 1] - 1 : text_.size();
  if (i + 1 == starts_.size() && end > start && text_[end - 1] == '\n') --end;
  std::string_view l = text_.substr(start, end - start);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  return l;
}

}  // namespace guard
