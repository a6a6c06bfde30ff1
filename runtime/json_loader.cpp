// JSON data loading: a fast path for data files and json_parse strings that
// are JSON. cfn-guard reads JSON with its YAML loader, so this path must build
// exactly the tree yaml_loader.cpp would build from the same text (same scalar
// typing, same 0-based line/column in characters, same duplicate-key rule) and
// must decline any text YAML could read differently or refuse. Called by
// loader.cpp, which falls back to the YAML loader whenever this returns nullptr.
//
// simdjson's On Demand API (error codes only, no exceptions) gives each
// value's token pointer into the text; a monotonic cursor over the line
// breaks found by a first SIMD pass turns those offsets into libyaml's
// line/column.
#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "runtime/document.h"
#include "runtime/loader.h"

namespace guard::detail {

// --- Shared between the loader files (see yaml_loader.cpp, which defines these).
void setPlainScalar(Document& doc, Node* n, std::string_view text);
Node* makeList(Document& doc, uint32_t line, uint32_t col, Node** items, uint32_t n);
Node* makeMap(Document& doc, uint32_t line, uint32_t col, MapEntry* entries, uint32_t n);
Node* parseJson(Document& doc, std::string_view text, size_t capacity);
// ---

namespace {

namespace od = simdjson::ondemand;

constexpr size_t kSharedParserMax = size_t(16) << 20;

bool isJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

uint8_t byteAt(std::string_view t, size_t i) { return i < t.size() ? uint8_t(t[i]) : 0; }

// A byte that may start something libyaml treats unlike JSON; checked closer
// by `yamlAgreesAt`.
bool isSuspect(uint8_t c) { return c == 0x7F || c == 0xC2 || c == 0xE2 || c == 0xEF || c == '\\'; }

bool isHexSurrogateStart(uint8_t d, uint8_t x) {
  return (d == 'd' || d == 'D') && ((x >= '8' && x <= '9') || (x >= 'a' && x <= 'f') ||
                                    (x >= 'A' && x <= 'F'));
}

// libyaml refuses (or reads as line breaks) characters JSON allows: DEL and
// the C1 controls (NEL U+0085 is a line break), U+2028/U+2029 (line breaks),
// U+FFFE/U+FFFF, and escaped surrogates (`\ud83d\ude00`), which simdjson
// joins but libyaml rejects.
bool yamlAgreesAt(std::string_view t, size_t i) {
  const uint8_t c = uint8_t(t[i]), n1 = byteAt(t, i + 1), n2 = byteAt(t, i + 2);
  switch (c) {
    case 0x7F: return false;
    case 0xC2: return !(n1 >= 0x80 && n1 <= 0x9F);
    case 0xE2: return !(n1 == 0x80 && (n2 == 0xA8 || n2 == 0xA9));
    case 0xEF: return !(n1 == 0xBF && (n2 == 0xBE || n2 == 0xBF));
    case '\\': return !(n1 == 'u' && isHexSurrogateStart(n2, byteAt(t, i + 3)));
    default: return true;
  }
}

// One pass over the text: whether YAML is sure to read it as JSON does
// (given that simdjson accepts it; the per-key checks are in JsonBuilder),
// plus where its lines break and whether it is all ASCII, for LineCursor.
struct TextScan {
  bool yamlAgrees = true;
  bool ascii = true;
  std::vector<uint32_t> breaks;  // offsets of "\n" and of a "\r" not followed by "\n"
};

void noteBreak(std::string_view t, size_t i, TextScan& s) {
  if (t[i] == '\n' || byteAt(t, i + 1) != '\n') s.breaks.push_back(uint32_t(i));
}

TextScan scanText(std::string_view t) {
  TextScan s;
  // A tab is not YAML whitespace outside a flow collection, i.e. around the root.
  size_t b = 0, e = t.size();
  while (b < e && isJsonSpace(t[b]))
    if (t[b++] == '\t') s.yamlAgrees = false;
  while (e > b && isJsonSpace(t[e - 1]))
    if (t[--e] == '\t') s.yamlAgrees = false;
  if (!s.yamlAgrees) return s;
  s.breaks.reserve(t.size() / 32);

  size_t i = 0;
#if defined(__SSE2__)
  const __m128i k7F = _mm_set1_epi8(0x7F), kC2 = _mm_set1_epi8(char(0xC2)),
                kE2 = _mm_set1_epi8(char(0xE2)), kEF = _mm_set1_epi8(char(0xEF)),
                kBs = _mm_set1_epi8('\\'), kNl = _mm_set1_epi8('\n'), kCr = _mm_set1_epi8('\r');
  for (; i + 16 <= t.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, k7F), _mm_cmpeq_epi8(v, kC2)),
                             _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, kE2), _mm_cmpeq_epi8(v, kEF)),
                                          _mm_cmpeq_epi8(v, kBs)));
    for (unsigned mask = unsigned(_mm_movemask_epi8(m)); mask; mask &= mask - 1)
      if (!yamlAgreesAt(t, i + unsigned(__builtin_ctz(mask)))) {
        s.yamlAgrees = false;
        return s;
      }
    if (_mm_movemask_epi8(v)) s.ascii = false;
    unsigned brk = unsigned(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, kNl), _mm_cmpeq_epi8(v, kCr))));
    for (; brk; brk &= brk - 1) noteBreak(t, i + unsigned(__builtin_ctz(brk)), s);
  }
#endif
  for (; i < t.size(); ++i) {
    const uint8_t c = uint8_t(t[i]);
    if (isSuspect(c) && !yamlAgreesAt(t, i)) {
      s.yamlAgrees = false;
      return s;
    }
    if (c >= 0x80) s.ascii = false;
    if (c == '\n' || c == '\r') noteBreak(t, i, s);
  }
  return s;
}

// JSON's number grammar (On Demand only checks a number when asked to parse
// it, and we type the token ourselves).
bool isJsonNumber(std::string_view s) {
  size_t p = 0, n = s.size();
  auto digits = [&] {
    size_t start = p;
    while (p < n && s[p] >= '0' && s[p] <= '9') ++p;
    return p > start;
  };
  if (p < n && s[p] == '-') ++p;
  if (p < n && s[p] == '0') ++p;
  else if (!digits()) return false;
  if (p < n && s[p] == '.') {
    ++p;
    if (!digits()) return false;
  }
  if (p < n && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    if (p < n && (s[p] == '+' || s[p] == '-')) ++p;
    if (!digits()) return false;
  }
  return p == n;
}

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && isJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Turns increasing byte offsets into libyaml's 0-based line and column: a
// column counts characters (UTF-8 lead bytes); lines end at the breaks the
// scan found ("\r\n" counts once, at its "\n").
class LineCursor {
 public:
  LineCursor(const char* text, const TextScan& scan) : p_(text), scan_(scan) {}

  void advanceTo(size_t target) {
    const std::vector<uint32_t>& br = scan_.breaks;
    if (next_ < br.size() && br[next_] < target) {
      while (next_ < br.size() && br[next_] < target) ++next_;
      lineStart_ = size_t(br[next_ - 1]) + 1;
      pos_ = lineStart_;
      col_ = 0;
    }
    if (scan_.ascii) {
      col_ = uint32_t(target - lineStart_);
    } else {
      for (; pos_ < target; ++pos_) col_ += (uint8_t(p_[pos_]) & 0xC0) != 0x80;
    }
    pos_ = target;
  }
  uint32_t line() const { return uint32_t(next_); }
  uint32_t col() const { return col_; }

 private:
  const char* p_;
  const TextScan& scan_;
  size_t next_ = 0;       // breaks before the current position
  size_t lineStart_ = 0;
  size_t pos_ = 0;        // where col_ was counted up to (non-ASCII text)
  uint32_t col_ = 0;
};

// Interning through a small direct-mapped cache: data files repeat a few
// key names ("Type", "Properties") many times, and a hit costs one compare.
class KeyCache {
 public:
  explicit KeyCache(KeyTable& keys) : keys_(keys) {}

  KeyId intern(std::string_view k, std::string_view* name) {
    size_t h = k.size() * 0x9E3779B1u;
    if (!k.empty()) h ^= uint8_t(k[0]) * 0x85EBCA6Bu ^ uint8_t(k.back()) * 0xC2B2AE35u ^
                         uint8_t(k[k.size() / 2]) * 0x27D4EB2Fu;
    Slot& s = slots_[(h >> 7) & (kSlots - 1)];
    if (s.id != kNoKey && s.name.size() == k.size() &&
        std::memcmp(s.name.data(), k.data(), k.size()) == 0) {
      *name = s.name;
      return s.id;
    }
    s.id = keys_.intern(k);
    s.name = keys_.name(s.id);
    *name = s.name;
    return s.id;
  }

 private:
  static constexpr size_t kSlots = 512;
  struct Slot {
    std::string_view name;
    KeyId id = kNoKey;
  };
  KeyTable& keys_;
  Slot slots_[kSlots];
};

// The contents of a string token `"..."` without escapes (then the text's
// bytes are the value); a null view when it has a backslash. simdjson's first
// stage has already checked UTF-8 and refused raw control characters.
std::string_view plainString(std::string_view token) {
  if (token.size() < 2 || token.back() != '"') return {};
  std::string_view body = token.substr(1, token.size() - 2);
  if (std::memchr(body.data(), '\\', body.size())) return {};
  return body;
}

// A key's contents from its opening quote, when it has no escapes: up to the
// first quote, which closes it when no backslash comes before it.
std::string_view plainKey(const char* quote) {
  const char* b = quote + 1;
  const char* e = b;
  while (*e != '"' && *e != '\\') ++e;
  if (*e == '\\') return {};
  return {b, size_t(e - b)};
}

// Builds the tree from simdjson's On Demand iteration. Open containers are
// frames on an explicit stack holding their iterators; children collect on
// scratch stacks and are copied into the arena when the container closes.
class JsonBuilder {
 public:
  // When `text` is the document's own text (loadDocument), unescaped strings
  // point into it instead of being copied into the arena.
  JsonBuilder(Document& doc, const char* text, const TextScan& scan)
      : doc_(doc), text_(text), inPlace_(!doc.text().empty() && doc.text().data() == text),
        cursor_(text, scan), keyCache_(doc.keys()) {}

  Node* run(od::document& d, size_t rootOffset);

 private:
  struct Frame {
    bool isMap;
    bool started = false;
    uint32_t line, col, base, depth;
    od::object_iterator oit, oend;
    od::array_iterator ait, aend;
    MapEntry key{};  // map: the pending key
  };
  enum class Step { Error, Scalar, Pushed };

  bool stepMap();
  bool stepList();
  Step value(od::value& v, Node** out);
  bool pushMap(od::object obj, uint32_t line, uint32_t col);
  bool pushList(od::array arr, uint32_t line, uint32_t col);
  bool keyColonOk(const char* keyQuote, const char* valueStart) const;
  void attach(Node* n);
  Node* newAt(NodeKind k) {
    Node* n = doc_.newNode(k);
    n->line = cursor_.line();
    n->col = cursor_.col();
    return n;
  }

  Document& doc_;
  const char* text_;
  bool inPlace_;
  LineCursor cursor_;
  KeyCache keyCache_;
  std::vector<Frame> frames_;
  std::vector<Node*> items_;
  std::vector<MapEntry> entries_;
  Node* root_ = nullptr;
};

Node* JsonBuilder::run(od::document& d, size_t rootOffset) {
  frames_.reserve(32);
  items_.reserve(256);
  entries_.reserve(256);
  cursor_.advanceTo(rootOffset);
  const uint32_t line = cursor_.line(), col = cursor_.col();
  if (text_[rootOffset] == '{') {
    od::object obj;
    if (d.get_object().get(obj) || !pushMap(obj, line, col)) return nullptr;
  } else {
    od::array arr;
    if (d.get_array().get(arr) || !pushList(arr, line, col)) return nullptr;
  }
  while (!frames_.empty())
    if (!(frames_.back().isMap ? stepMap() : stepList())) return nullptr;
  // Anything after the root (more values, stray brackets) is not JSON.
  const char* rest = nullptr;
  if (d.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) return nullptr;
  // As on the YAML path: a root list gets L:0,C:0 (cfn-guard's root location).
  if (root_->kind == NodeKind::List) root_->line = root_->col = 0;
  return root_;
}

bool JsonBuilder::pushMap(od::object obj, uint32_t line, uint32_t col) {
  uint32_t depth = frames_.empty() ? 1 : frames_.back().depth + 1;
  if (depth > kMaxDocumentDepth) return false;  // the YAML path reports it
  Frame f;
  f.isMap = true;
  f.line = line;
  f.col = col;
  f.base = uint32_t(entries_.size());
  f.depth = depth;
  if (obj.begin().get(f.oit) || obj.end().get(f.oend)) return false;
  frames_.push_back(f);
  return true;
}

bool JsonBuilder::pushList(od::array arr, uint32_t line, uint32_t col) {
  uint32_t depth = frames_.empty() ? 1 : frames_.back().depth + 1;
  if (depth > kMaxDocumentDepth) return false;
  Frame f;
  f.isMap = false;
  f.line = line;
  f.col = col;
  f.base = uint32_t(items_.size());
  f.depth = depth;
  if (arr.begin().get(f.ait) || arr.end().get(f.aend)) return false;
  frames_.push_back(f);
  return true;
}

// YAML only takes `"key": value` as a map entry if the ':' is on the key's
// line and at most 1024 bytes after the key's opening quote (libyaml's
// "simple key" limit, counted in bytes by cfn-guard's libyaml).
bool JsonBuilder::keyColonOk(const char* keyQuote, const char* valueStart) const {
  const char* p = valueStart - 1;
  while (p > keyQuote && isJsonSpace(*p)) --p;
  if (*p != ':') return false;
  const char* colon = p--;
  for (; p > keyQuote && isJsonSpace(*p); --p)
    if (*p == '\n' || *p == '\r') return false;
  return colon - keyQuote <= 1024;
}

bool JsonBuilder::stepMap() {
  for (;;) {
    Frame& f = frames_.back();
    if (f.started) ++f.oit;
    f.started = true;
    if (!(f.oit != f.oend)) {
      Frame done = f;
      frames_.pop_back();
      Node* map = makeMap(doc_, done.line, done.col, entries_.data() + done.base,
                          uint32_t(entries_.size() - done.base));
      entries_.resize(done.base);
      attach(map);
      return true;
    }
    od::field field;
    if ((*f.oit).get(field)) return false;
    const char* keyQuote = field.key().raw() - 1;
    std::string_view key = plainKey(keyQuote);
    if (!key.data() && field.unescaped_key().get(key)) return false;
    od::value& v = field.value();
    if (!keyColonOk(keyQuote, v.raw_json_token().data())) return false;

    cursor_.advanceTo(size_t(keyQuote - text_));
    std::string_view name;
    KeyId id = keyCache_.intern(key, &name);
    f.key = MapEntry{name.data(), uint32_t(name.size()), id, cursor_.line(), cursor_.col(), nullptr};

    Node* n = nullptr;
    Step s = value(v, &n);
    if (s == Step::Error) return false;
    if (s == Step::Pushed) return true;  // the child's frame is on top now
    attach(n);
  }
}

bool JsonBuilder::stepList() {
  for (;;) {
    Frame& f = frames_.back();
    if (f.started) ++f.ait;
    f.started = true;
    if (!(f.ait != f.aend)) {
      Frame done = f;
      frames_.pop_back();
      Node* list = makeList(doc_, done.line, done.col, items_.data() + done.base,
                            uint32_t(items_.size() - done.base));
      items_.resize(done.base);
      attach(list);
      return true;
    }
    od::value v;
    if ((*f.ait).get(v)) return false;
    Node* n = nullptr;
    Step s = value(v, &n);
    if (s == Step::Error) return false;
    if (s == Step::Pushed) return true;
    attach(n);
  }
}

// One value: a scalar node in *out, or a new frame for a container.
JsonBuilder::Step JsonBuilder::value(od::value& v, Node** out) {
  od::json_type type;
  if (v.type().get(type)) return Step::Error;
  std::string_view token = v.raw_json_token();
  cursor_.advanceTo(size_t(token.data() - text_));
  switch (type) {
    case od::json_type::object: {
      od::object obj;
      if (v.get_object().get(obj)) return Step::Error;
      return pushMap(obj, cursor_.line(), cursor_.col()) ? Step::Pushed : Step::Error;
    }
    case od::json_type::array: {
      od::array arr;
      if (v.get_array().get(arr)) return Step::Error;
      return pushList(arr, cursor_.line(), cursor_.col()) ? Step::Pushed : Step::Error;
    }
    case od::json_type::string: {
      Node* n = newAt(NodeKind::String);
      std::string_view s = plainString(trimRight(token));
      if (s.data() && inPlace_) {
        n->str.data = s.data();
      } else {
        if (!s.data() && v.get_string().get(s)) return Step::Error;
        n->str.data = doc_.copyString(s);
      }
      n->str.size = uint32_t(s.size());
      n->str.re = nullptr;
      *out = n;
      return Step::Scalar;
    }
    case od::json_type::number: {
      std::string_view t = trimRight(token);
      if (!isJsonNumber(t)) return Step::Error;
      Node* n = newAt(NodeKind::Null);
      setPlainScalar(doc_, n, t);  // the YAML typing: 10 int, 10.0 / 1e3 / 2^70 float
      *out = n;
      return Step::Scalar;
    }
    case od::json_type::boolean: {
      std::string_view t = trimRight(token);
      if (t != "true" && t != "false") return Step::Error;
      Node* n = newAt(NodeKind::Bool);
      n->b = t[0] == 't';
      *out = n;
      return Step::Scalar;
    }
    case od::json_type::null: {
      if (trimRight(token) != "null") return Step::Error;
      *out = newAt(NodeKind::Null);
      return Step::Scalar;
    }
  }
  return Step::Error;
}

void JsonBuilder::attach(Node* n) {
  if (frames_.empty()) {
    root_ = n;
    return;
  }
  Frame& f = frames_.back();
  if (f.isMap) {
    MapEntry e = f.key;
    e.value = n;
    entries_.push_back(e);
  } else {
    items_.push_back(n);
  }
}

}  // namespace

Node* parseJson(Document& doc, std::string_view text, size_t capacity) {
  size_t root = 0;
  while (root < text.size() && isJsonSpace(text[root])) ++root;
  if (root == text.size() || (text[root] != '{' && text[root] != '[')) return nullptr;
  TextScan scan = scanText(text);
  if (!scan.yamlAgrees || text.size() >= UINT32_MAX) return nullptr;

  // simdjson reads up to SIMDJSON_PADDING bytes past the end.
  simdjson::padded_string copy;
  const char* data = text.data();
  if (capacity < text.size() + simdjson::SIMDJSON_PADDING) {
    copy = simdjson::padded_string(text);
    data = copy.data();
    capacity = copy.size() + simdjson::SIMDJSON_PADDING;
  }
  // Small texts (json_parse strings, small files) share one parser per
  // thread, keeping its buffers; a big file gets its own, freed afterwards
  // (simdjson's buffers are larger than the text).
  thread_local od::parser shared;
  od::parser own;
  od::parser& parser = text.size() <= kSharedParserMax ? shared : own;
  od::document d;
  if (parser.iterate(data, text.size(), capacity).get(d)) return nullptr;
  JsonBuilder b(doc, data, scan);
  return b.run(d, root);
}

}  // namespace guard::detail
