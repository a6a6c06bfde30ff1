// YAML data loading (spec/guard-language.md §14): libyaml's event API feeding
// Nodes straight into a Document's arena, with cfn-guard 3.1.1's scalar
// typing, tags, key rules and positions. Called by loader.cpp (loadDocument,
// parseInto) for YAML text and for JSON text the JSON fast path declines;
// json_loader.cpp reuses the scalar typing and the list/map finishing here so
// both paths build identical trees.
#include <yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/document.h"
#include "runtime/error.h"
#include "runtime/loader.h"
#include "runtime/value_text.h"

namespace guard::detail {

// --- Shared between the loader files (there is no private header; the same
// declarations appear in loader.cpp, json_loader.cpp and tests/loader_test.cpp).
Result<Node*> parseYaml(Document& doc, std::string_view text);
Result<Node*> parseYamlValue(Document& doc, std::string_view text);
bool parseRustI64(std::string_view s, int64_t* out);
bool parseRustF64(std::string_view s, double* out);
void setPlainScalar(Document& doc, Node* n, std::string_view text);
Node* makeList(Document& doc, uint32_t line, uint32_t col, Node** items, uint32_t n);
Node* makeMap(Document& doc, uint32_t line, uint32_t col, MapEntry* entries, uint32_t n);
// ---

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool equalsIgnoreCase(std::string_view a, std::string_view lowerB) {
  if (a.size() != lowerB.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != lowerB[i]) return false;
  }
  return true;
}

// Rust's `f64::from_str` grammar without sign and special words:
// ( Digit+ | Digit+ '.' Digit* | Digit* '.' Digit+ ) ( [eE] [+-]? Digit+ )?
bool isRustDecimal(std::string_view s) {
  size_t p = 0, mantissa = 0;
  while (p < s.size() && isDigit(s[p])) ++p, ++mantissa;
  if (p < s.size() && s[p] == '.') {
    ++p;
    while (p < s.size() && isDigit(s[p])) ++p, ++mantissa;
  }
  if (mantissa == 0) return false;
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
    size_t exp = 0;
    while (p < s.size() && isDigit(s[p])) ++p, ++exp;
    if (exp == 0) return false;
  }
  return p == s.size();
}

// The correctly rounded value of a validated decimal. from_chars is exact and
// locale-free; it reports out-of-range (overflow to inf, underflow to 0 or a
// subnormal) without a value, where Rust returns the rounded result, so those
// go to strtod, which rounds the same way (only '.' can appear, so the locale
// does not matter for text that reaches it... unless LC_NUMERIC was changed,
// which guardvm never does).
double decimalValue(std::string_view s) {
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return v;
  std::string copy(s);
  return std::strtod(copy.c_str(), nullptr);
}

// --- CloudFormation short-form tags (§14.4) ---

struct ShortForm {
  std::string_view tag;
  const char* key;
  bool onScalar;
  bool onSequence;
};

constexpr ShortForm kShortForms[] = {
    {"Ref", "Ref", true, false},
    {"Condition", "Condition", true, false},
    {"GetAtt", "Fn::GetAtt", true, true},
    {"Sub", "Fn::Sub", true, true},
    {"Base64", "Fn::Base64", true, false},
    {"GetAZs", "Fn::GetAZs", true, false},
    {"ImportValue", "Fn::ImportValue", true, false},
    {"RefAll", "Fn::RefAll", true, false},
    {"Select", "Fn::Select", false, true},
    {"Split", "Fn::Split", false, true},
    {"Join", "Fn::Join", false, true},
    {"FindInMap", "Fn::FindInMap", false, true},
    {"And", "Fn::And", false, true},
    {"Or", "Fn::Or", false, true},
    {"Not", "Fn::Not", false, true},
    {"Equals", "Fn::Equals", false, true},
    {"If", "Fn::If", false, true},
    {"Contains", "Fn::Contains", false, true},
    {"EachMemberIn", "Fn::EachMemberIn", false, true},
    {"EachMemberEquals", "Fn::EachMemberEquals", false, true},
    {"ValueOf", "Fn::ValueOf", false, true},
};

// The long-form key for a local tag name, or nullptr when the tag is dropped.
const char* shortFormKey(std::string_view name, bool onSequence) {
  for (const ShortForm& f : kShortForms)
    if (f.tag == name) return (onSequence ? f.onSequence : f.onScalar) ? f.key : nullptr;
  return nullptr;
}

// cfn-guard splits a resolved tag into a "handle" (its leading '!'s) and the
// rest: handle "!" is a local tag (`!Ref`), and a rest starting with the YAML
// prefix is a standard tag (`!!int` resolves to tag:yaml.org,2002:int).
enum class TagKind { Local, Standard, Other };
struct TagInfo {
  TagKind kind;
  std::string_view name;  // Local: the name after '!'; Standard: the type after the prefix
};

TagInfo classifyTag(const char* tag) {
  constexpr std::string_view kStandardPrefix = "tag:yaml.org,2002:";
  std::string_view t(tag);
  size_t bangs = 0;
  while (bangs < t.size() && t[bangs] == '!') ++bangs;
  if (bangs == 1) return {TagKind::Local, t.substr(1)};
  std::string_view rest = t.substr(bangs);
  if (rest.substr(0, kStandardPrefix.size()) == kStandardPrefix)
    return {TagKind::Standard, rest.substr(kStandardPrefix.size())};
  return {TagKind::Other, {}};
}

// What a scalar event loads as, before any allocation.
struct Typed {
  NodeKind kind = NodeKind::String;
  bool bad = false;                // cfn-guard's BadValue: `!!int x`, `!!float x`
  const char* wrapKey = nullptr;   // a CFN short form: {wrapKey: <string>}
  int64_t i = 0;
  double f = 0;
  bool b = false;
};

// §14.2 step 3, the order cfn-guard tries: i64, f64, bool, null, string.
void typePlain(std::string_view s, Typed& t) {
  if (s.empty()) return;  // the empty plain value is the empty string
  const char c = s[0];
  if (isDigit(c) || c == '+' || c == '-' || c == '.' || c == 'i' || c == 'I' || c == 'n' ||
      c == 'N') {
    if (parseRustI64(s, &t.i)) {
      t.kind = NodeKind::Int;
      return;
    }
    if (parseRustF64(s, &t.f)) {
      t.kind = NodeKind::Float;
      return;
    }
  }
  if (s == "true" || s == "false") {
    t.kind = NodeKind::Bool;
    t.b = s[0] == 't';
    return;
  }
  if (s == "~" || equalsIgnoreCase(s, "null")) t.kind = NodeKind::Null;
}

// `!!type text` (§14.3).
void typeStandard(std::string_view type, std::string_view s, Typed& t) {
  if (type == "bool") {
    if (s == "true" || s == "false") {
      t.kind = NodeKind::Bool;
      t.b = s[0] == 't';
    }
  } else if (type == "int") {
    if (parseRustI64(s, &t.i)) t.kind = NodeKind::Int;
    else t.bad = true;
  } else if (type == "float") {
    if (parseRustF64(s, &t.f)) t.kind = NodeKind::Float;
    else t.bad = true;
  } else if (type == "null") {
    t.kind = NodeKind::Null;  // 3.1.1 loads any `!!null` text as null
  }
}

// --- json_parse's scalars: serde_yaml 0.9 (YAML 1.2 core-like), not the data
// loader's rules above (spec §12.2, differential/17-json-parse-scalar-resolution).

// "010", "-00": a leading zero followed by digits is a string in YAML 1.2.
bool digitsButNotNumber(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  if (s.size() < 2 || s[0] != '0') return false;
  for (char c : s)
    if (!isDigit(c)) return false;
  return true;
}

// Rust's u128::from_str_radix without a sign: false when empty, not a digit
// of `radix`, or too big.
bool parseU128(std::string_view s, unsigned radix, unsigned __int128& v) {
  if (s.empty()) return false;
  v = 0;
  for (char c : s) {
    unsigned d = isDigit(c) ? unsigned(c - '0') : (c >= 'a' && c <= 'z') ? unsigned(c - 'a' + 10)
               : (c >= 'A' && c <= 'Z') ? unsigned(c - 'A' + 10) : 99;
    if (d >= radix) return false;
    if (v > (~static_cast<unsigned __int128>(0) - d) / radix) return false;
    v = v * radix + d;
  }
  return true;
}

std::string u128Text(unsigned __int128 v) {
  std::string s;
  do {
    s.push_back(char('0' + unsigned(v % 10)));
    v /= 10;
  } while (v);
  return std::string(s.rbegin(), s.rend());
}

// serde_yaml's integers: an optional sign, then 0x / 0o / 0b digits or
// decimal digits. u64 values above i64's range wrap (3.1.1 converts them
// `as i64`); values that only fit 128 bits are serde_yaml's error. False when
// the text is not an integer.
bool typeSerdeInt(std::string_view s, Typed& t, std::string& error) {
  bool neg = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  unsigned radix = 10;
  if (body.size() >= 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o' || body[1] == 'b')) {
    radix = body[1] == 'x' ? 16 : body[1] == 'o' ? 8 : 2;
    body.remove_prefix(2);
  }
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) return false;
  unsigned __int128 v;
  if (!parseU128(body, radix, v)) return false;
  constexpr unsigned __int128 kU64Max = std::numeric_limits<uint64_t>::max();
  constexpr unsigned __int128 kI128Min = static_cast<unsigned __int128>(1) << 127;
  if (!neg && v <= kU64Max) {
    t.kind = NodeKind::Int;
    t.i = int64_t(uint64_t(v));
  } else if (neg && v <= (static_cast<unsigned __int128>(1) << 63)) {
    t.kind = NodeKind::Int;
    t.i = int64_t(uint64_t(0) - uint64_t(v));
  } else if (!neg) {
    error = "invalid type: integer `" + u128Text(v) + "` as u128, expected any YAML value";
  } else if (v <= kI128Min) {
    error = "invalid type: integer `-" + u128Text(v) + "` as i128, expected any YAML value";
  } else {
    return false;  // beyond 128 bits: the float parse takes it
  }
  return true;
}

// serde_yaml's floats: .inf / .nan spellings, else Rust's f64 syntax when the
// value is finite ("inf", "nan" and "1e400" stay strings).
bool typeSerdeFloat(std::string_view s, Typed& t) {
  std::string_view unpositive = s;
  if (!s.empty() && s[0] == '+') {
    unpositive.remove_prefix(1);
    if (!unpositive.empty() && (unpositive[0] == '+' || unpositive[0] == '-')) return false;
  }
  t.kind = NodeKind::Float;
  if (unpositive == ".inf" || unpositive == ".Inf" || unpositive == ".INF") {
    t.f = std::numeric_limits<double>::infinity();
  } else if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
    t.f = -std::numeric_limits<double>::infinity();
  } else if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    t.f = std::numeric_limits<double>::quiet_NaN();
  } else if (!parseRustF64(unpositive, &t.f) || !std::isfinite(t.f)) {
    t.kind = NodeKind::String;
    return false;
  }
  return true;
}

// An untagged plain scalar, in serde_yaml's order: null, bool, integer,
// float, string; digits with a leading zero are a string.
void typeSerdePlain(std::string_view s, Typed& t, std::string& error) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    t.kind = NodeKind::Null;
  } else if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
    t.kind = NodeKind::Bool;
    t.b = s[0] == 't' || s[0] == 'T';
  } else if (!digitsButNotNumber(s) && !typeSerdeInt(s, t, error)) {
    typeSerdeFloat(s, t);
  }
}

// `scalarError`, when given, selects json_parse's serde_yaml typing and
// receives its error (an integer only 128 bits hold).
Typed typeScalar(const yaml_event_t& ev, std::string_view text, std::string* scalarError = nullptr) {
  Typed t;
  const bool plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  if (const char* tag = reinterpret_cast<const char*>(ev.data.scalar.tag)) {
    TagInfo info = classifyTag(tag);
    if (info.kind == TagKind::Local) t.wrapKey = shortFormKey(info.name, false);
    else if (info.kind == TagKind::Standard) typeStandard(info.name, text, t);
    // serde_yaml checks !!bool and !!null texts and ignores tags it does not know.
    if (scalarError && info.kind == TagKind::Standard && (info.name == "bool" || info.name == "null")) {
      Typed plainTyped;
      typeSerdePlain(text, plainTyped, *scalarError);
      const NodeKind want = info.name == "bool" ? NodeKind::Bool : NodeKind::Null;
      if (plainTyped.kind == want && !text.empty()) t = plainTyped;  // `!!null` alone is refused
      else t.bad = true;
    }
    if (scalarError && info.kind != TagKind::Standard && !t.wrapKey && plain) typeSerdePlain(text, t, *scalarError);
    return t;  // any other tag: a string, whatever the text looks like
  }
  if (plain) {
    if (scalarError) typeSerdePlain(text, t, *scalarError);
    else typePlain(text, t);
  }
  return t;
}

// `inText`, when not null, holds the same bytes as `text` inside the
// document's own text, and is used instead of a copy.
void applyTyped(Document& doc, Node* n, const Typed& t, std::string_view text,
                const char* inText = nullptr) {
  n->kind = t.kind;
  switch (t.kind) {
    case NodeKind::Int: n->i = t.i; break;
    case NodeKind::Float: n->f = t.f; break;
    case NodeKind::Bool: n->b = t.b; break;
    case NodeKind::Null: break;
    default:
      n->kind = NodeKind::String;
      n->str.data = inText ? inText : doc.copyString(text);
      n->str.size = uint32_t(text.size());
      n->str.re = nullptr;
      break;
  }
}

Node* newAt(Document& doc, NodeKind k, uint32_t line, uint32_t col) {
  Node* n = doc.newNode(k);
  n->line = line;
  n->col = col;
  return n;
}

// {key: value}, the long form of a CFN short-form tag. The map, its key and
// the value all take the tagged node's position.
Node* wrapInMap(Document& doc, const char* key, Node* value, uint32_t line, uint32_t col) {
  KeyId id = doc.keys().intern(key);
  std::string_view name = doc.keys().name(id);
  MapEntry* e = doc.newEntries(1);
  *e = MapEntry{name.data(), uint32_t(name.size()), id, line, col, value};
  Node* m = newAt(doc, NodeKind::Map, line, col);
  m->map.entries = e;
  m->map.size = 1;
  value->parent = m;
  value->slot = 0;
  return m;
}

// " at line L column C", 1-based, the way serde_yaml prints libyaml marks.
std::string markText(const yaml_mark_t& m) {
  if (m.line == 0 && m.column == 0) return "position " + std::to_string(m.index);
  return "line " + std::to_string(m.line + 1) + " column " + std::to_string(m.column + 1);
}

// libyaml's error in serde_yaml's wording ("did not find expected node content
// at line 2 column 1, while parsing a flow node"), which json_parse errors show.
std::string libyamlMessage(const yaml_parser_t& p) {
  std::string s = p.problem ? p.problem : "unknown YAML error";
  if (p.problem_mark.line != 0 || p.problem_mark.column != 0) {
    s += " at " + markText(p.problem_mark);
  } else if (p.problem_offset != 0) {
    s += " at position " + std::to_string(p.problem_offset);
  }
  if (p.context) {
    s += ", ";
    s += p.context;
    bool contextMarkSet = p.context_mark.line != 0 || p.context_mark.column != 0;
    bool sameAsProblem = p.context_mark.line == p.problem_mark.line &&
                         p.context_mark.column == p.problem_mark.column;
    if (contextMarkSet && !sameAsProblem) s += " at " + markText(p.context_mark);
  }
  return s;
}

std::string locText(uint32_t line, uint32_t col) {
  return "L:" + std::to_string(line) + ",C:" + std::to_string(col);
}

// Owns one libyaml event and frees it on every path out of the loop body.
struct EventHolder {
  yaml_event_t ev;
  bool live = false;
  void reset() {
    if (live) yaml_event_delete(&ev);
    live = false;
  }
  ~EventHolder() { reset(); }
};

// Builds the first document of a YAML stream. Containers are open frames on
// an explicit stack (no recursion, so depth is bounded by kMaxDocumentDepth
// and not by the C++ stack); their children collect on two shared scratch
// stacks and are copied into arena arrays when the container closes.
class YamlBuilder {
 public:
  // `serdeValues`: json_parse's reading (serde_yaml's scalars, aliases,
  // duplicate keys refused) instead of the data loader's.
  YamlBuilder(Document& doc, std::string_view text, bool serdeValues = false)
      : doc_(doc), text_(text), inPlace_(!doc.text().empty() && doc.text().data() == text.data()),
        serde_(serdeValues) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    // cfn-guard's parser declares UTF-8 up front, so a BOM is not stripped by
    // the reader but skipped by the scanner, counting as column 0 of line 0.
    yaml_parser_set_encoding(&parser_, YAML_UTF8_ENCODING);
    nonAscii_ = !isAscii(text);
  }
  ~YamlBuilder() { yaml_parser_delete(&parser_); }

  Result<Node*> run();

 private:
  struct Frame {
    bool isMap;
    bool expectKey = true;     // map: the next child is a key
    bool badKey = false;       // map: saw a key that is not a string
    uint32_t line, col;        // the container's start mark
    uint32_t base;             // its first slot in items_ / entries_
    uint32_t depth;            // containers from the root, wrappers included
    const char* wrapKey;       // sequence with a CFN short-form tag
    uint32_t badLine = 0, badCol = 0;
    MapEntry key{};            // map: the pending key, waiting for its value
    uint32_t anchor = 0;       // serde mode: 1 + index in anchorNames_, or 0
  };

  bool onScalar(const yaml_event_t& ev);
  bool onKeyScalar(Frame& f, const yaml_event_t& ev, std::string_view text);
  bool onStart(const yaml_event_t& ev, bool isMap);
  bool onSequenceEnd();
  bool onMappingEnd();
  void attach(Node* n);
  Result<Node*> finish();
  bool checkSimpleKeyLength(const yaml_event_t& ev);
  size_t byteOffsetOfChar(size_t charIndex);
  const char* inText(const yaml_event_t& ev, std::string_view value) const;

  // The first failure ends the parse; `offset` is a byte of the text.
  bool fail(ErrorKind kind, std::string message, uint32_t line1, uint32_t col1, size_t offset = kNoOffset) {
    error_ = Error::at(kind, {}, line1, col1, std::move(message), offset);
    return false;
  }
  // libyaml's marks count characters; the Error's offset is a byte.
  bool failAt(const yaml_mark_t& m, std::string message, ErrorKind kind = ErrorKind::DataSyntax) {
    return fail(kind, std::move(message) + " at " + markText(m), uint32_t(m.line + 1), uint32_t(m.column + 1),
                byteOffsetOfChar(m.index));
  }

  bool onAlias(const yaml_event_t& ev);
  void remember(const yaml_char_t* anchor, Node* n);
  bool checkUniqueKeys(const MapEntry* entries, uint32_t n);

  Document& doc_;
  std::string_view text_;
  bool inPlace_;  // text_ is the document's own text (loadDocument)
  bool serde_;
  std::string scalarError_;               // serde mode: an integer only 128 bits hold
  std::vector<std::string> anchorNames_;  // serde mode: anchors of open containers
  std::vector<std::pair<std::string, Node*>> anchors_;  // serde mode: anchored values, latest last
  yaml_parser_t parser_;
  bool nonAscii_ = false;
  std::vector<Frame> frames_;
  std::vector<Node*> items_;
  std::vector<MapEntry> entries_;
  Node* root_ = nullptr;
  // The first `!!int`/`!!float` value that does not parse: cfn-guard only
  // notices it when converting the loaded tree, i.e. after every other error.
  bool haveBad_ = false;
  std::string badText_;
  uint32_t badLine_ = 0, badCol_ = 0;
  // Monotonic cursor mapping libyaml's character index to a byte offset.
  size_t cursorChar_ = 0, cursorByte_ = 0;
  Error error_;
};

Result<Node*> YamlBuilder::run() {
  frames_.reserve(32);
  items_.reserve(256);
  entries_.reserve(256);
  EventHolder h;
  for (;;) {
    h.reset();
    if (!yaml_parser_parse(&parser_, &h.ev)) {
      const yaml_mark_t& m = parser_.problem_mark;
      bool hasMark = m.line != 0 || m.column != 0;
      fail(ErrorKind::DataSyntax, libyamlMessage(parser_), hasMark ? uint32_t(m.line + 1) : 0,
           hasMark ? uint32_t(m.column + 1) : 0, byteOffsetOfChar(m.index));
      break;
    }
    h.live = true;
    const yaml_event_t& ev = h.ev;
    bool ok = true;
    switch (ev.type) {
      case YAML_STREAM_START_EVENT:
      case YAML_DOCUMENT_START_EVENT:
        break;
      case YAML_DOCUMENT_END_EVENT:
        // Only the first document counts; the rest of the stream is never
        // parsed, so errors after it go unnoticed, as in cfn-guard.
        return finish();
      case YAML_STREAM_END_EVENT:
      case YAML_NO_EVENT:
        // A stream without a document (only comments): cfn-guard 3.1.1 panics.
        fail(ErrorKind::DataNoDocument, "the stream holds no YAML document", 0, 0);
        ok = false;
        break;
      case YAML_ALIAS_EVENT:
        ok = serde_ ? onAlias(ev) : failAt(ev.start_mark, "Guard does not currently support aliases");
        break;
      case YAML_SCALAR_EVENT:
        ok = onScalar(ev);
        break;
      case YAML_SEQUENCE_START_EVENT:
        ok = onStart(ev, false);
        break;
      case YAML_MAPPING_START_EVENT:
        ok = onStart(ev, true);
        break;
      case YAML_SEQUENCE_END_EVENT:
        ok = onSequenceEnd();
        break;
      case YAML_MAPPING_END_EVENT:
        ok = onMappingEnd();
        break;
    }
    if (!ok) break;
  }
  return std::move(error_);
}

Result<Node*> YamlBuilder::finish() {
  if (!root_) return Error::plain(ErrorKind::DataSyntax, "the document has no content");  // libyaml always gives one
  // cfn-guard gives a root *list* the root path's location, L:0,C:0, rather
  // than its own mark (a root map keeps its mark).
  if (root_->kind == NodeKind::List) root_->line = root_->col = 0;
  if (haveBad_) {
    return Error::at(
        ErrorKind::DataBadValue, {}, badLine_ + 1, badCol_ + 1,
        "Bad Value encountered parsing incoming file Value = " + badText_ + ", Loc = " + locText(badLine_, badCol_));
  }
  return root_;
}

bool YamlBuilder::onScalar(const yaml_event_t& ev) {
  std::string_view text(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length);
  if (!frames_.empty() && frames_.back().isMap && frames_.back().expectKey)
    return onKeyScalar(frames_.back(), ev, text);

  const uint32_t line = uint32_t(ev.start_mark.line), col = uint32_t(ev.start_mark.column);
  Typed t = typeScalar(ev, text, serde_ ? &scalarError_ : nullptr);
  if (!scalarError_.empty())
    return fail(ErrorKind::DataSyntax, scalarError_, line + 1, col + 1, byteOffsetOfChar(ev.start_mark.index));
  Node* n = newAt(doc_, NodeKind::String, line, col);
  applyTyped(doc_, n, t, text, t.kind == NodeKind::String ? inText(ev, text) : nullptr);
  if (t.bad && !haveBad_) {
    haveBad_ = true;
    badText_.assign(text);
    badLine_ = line;
    badCol_ = col;
  }
  if (t.wrapKey) n = wrapInMap(doc_, t.wrapKey, n, line, col);
  if (serde_) remember(ev.data.scalar.anchor, n);
  attach(n);
  return true;
}

// A key must load as a string (§14.6). The error waits for the end of the
// map, as in cfn-guard, so a syntax error or an inner map's bad key that
// comes first in the event stream wins.
bool YamlBuilder::onKeyScalar(Frame& f, const yaml_event_t& ev, std::string_view text) {
  const uint32_t line = uint32_t(ev.start_mark.line), col = uint32_t(ev.start_mark.column);
  f.expectKey = false;
  Typed t = typeScalar(ev, text, serde_ ? &scalarError_ : nullptr);
  if (!scalarError_.empty())
    return fail(ErrorKind::DataSyntax, scalarError_, line + 1, col + 1, byteOffsetOfChar(ev.start_mark.index));
  if (t.kind != NodeKind::String || t.bad || t.wrapKey) {
    if (!f.badKey) {
      f.badKey = true;
      f.badLine = line;
      f.badCol = col;
    }
    return true;
  }
  if (nonAscii_ && !checkSimpleKeyLength(ev)) return false;
  KeyId id = doc_.keys().intern(text);
  std::string_view name = doc_.keys().name(id);
  f.key = MapEntry{name.data(), uint32_t(name.size()), id, line, col, nullptr};
  return true;
}

// libyaml refuses an implicit key whose ':' is more than 1024 positions after
// the key's start. cfn-guard's libyaml counts those positions in bytes, the
// system libyaml in characters, so for non-ASCII text we repeat the check in
// bytes. (ASCII text needs nothing: the two counts agree.)
bool YamlBuilder::checkSimpleKeyLength(const yaml_event_t& ev) {
  if (ev.start_mark.line != ev.end_mark.line) return true;  // not an implicit key
  size_t start = byteOffsetOfChar(ev.start_mark.index);
  size_t end = byteOffsetOfChar(ev.end_mark.index);
  size_t p = end;
  while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t')) ++p;
  if (p >= text_.size() || text_[p] != ':') return true;
  if (p - start <= 1024) return true;
  yaml_mark_t colon = ev.end_mark;
  colon.column += p - end;  // only blanks in between
  return fail(ErrorKind::DataSyntax,
              "could not find expected ':' at " + markText(colon) + ", while scanning a simple key at " +
                  markText(ev.start_mark),
              uint32_t(colon.line + 1), uint32_t(colon.column + 1), p);
}

size_t YamlBuilder::byteOffsetOfChar(size_t charIndex) {
  if (charIndex < cursorChar_) cursorChar_ = cursorByte_ = 0;
  while (cursorChar_ < charIndex && cursorByte_ < text_.size()) {
    ++cursorByte_;
    while (cursorByte_ < text_.size() && (uint8_t(text_[cursorByte_]) & 0xC0) == 0x80)
      ++cursorByte_;
    ++cursorChar_;
  }
  return cursorByte_;
}

// Where a scalar's value stands unchanged in the document's text (plain and
// quoted scalars without escapes or folding, i.e. almost all of them), so
// the node can point there rather than hold a copy. The bytes are compared,
// so a scalar whose value differs from its source text is simply copied.
// ASCII text only: there libyaml's character index is the byte offset.
const char* YamlBuilder::inText(const yaml_event_t& ev, std::string_view value) const {
  if (!inPlace_ || nonAscii_) return nullptr;
  size_t at = ev.start_mark.index;
  const yaml_scalar_style_t style = ev.data.scalar.style;
  if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) ++at;
  else if (style != YAML_PLAIN_SCALAR_STYLE) return nullptr;
  if (at > text_.size() || value.size() > text_.size() - at) return nullptr;
  const char* p = text_.data() + at;
  return std::memcmp(p, value.data(), value.size()) == 0 ? p : nullptr;
}

bool YamlBuilder::onStart(const yaml_event_t& ev, bool isMap) {
  const char* wrapKey = nullptr;
  // Tags on mappings are dropped; on sequences only the short forms count.
  const yaml_char_t* tag = isMap ? ev.data.mapping_start.tag : ev.data.sequence_start.tag;
  if (!isMap && tag) {
    TagInfo info = classifyTag(reinterpret_cast<const char*>(tag));
    if (info.kind == TagKind::Local) wrapKey = shortFormKey(info.name, true);
  }
  uint32_t depth = (frames_.empty() ? 0 : frames_.back().depth) + 1 + (wrapKey ? 1 : 0);
  if (depth > kMaxDocumentDepth)
    return failAt(ev.start_mark,
                  "documents nested deeper than " + std::to_string(kMaxDocumentDepth) + " levels are not supported",
                  ErrorKind::DataTooDeep);
  Frame f;
  f.isMap = isMap;
  f.line = uint32_t(ev.start_mark.line);
  f.col = uint32_t(ev.start_mark.column);
  f.base = uint32_t(isMap ? entries_.size() : items_.size());
  f.depth = depth;
  f.wrapKey = wrapKey;
  const yaml_char_t* anchor = isMap ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
  if (serde_ && anchor) {
    anchorNames_.emplace_back(reinterpret_cast<const char*>(anchor));
    f.anchor = uint32_t(anchorNames_.size());
  }
  frames_.push_back(f);
  return true;
}

// serde mode: a finished value under an anchor, for the aliases after it.
void YamlBuilder::remember(const yaml_char_t* anchor, Node* n) {
  if (anchor) anchors_.emplace_back(reinterpret_cast<const char*>(anchor), n);
}

// A copy of the tree at n, so that each use of an alias has its own path.
Node* copyTree(Document& doc, const Node* n) {
  Node* c = doc.newNode(n->kind);
  *c = *n;
  c->parent = nullptr;
  if (n->kind == NodeKind::List) {
    c->list.items = doc.newItems(n->list.size);
    for (uint32_t i = 0; i < n->list.size; ++i) {
      c->list.items[i] = copyTree(doc, n->list.items[i]);
      c->list.items[i]->parent = c;
    }
  } else if (n->kind == NodeKind::Map) {
    c->map.entries = doc.newEntries(n->map.size);
    for (uint32_t i = 0; i < n->map.size; ++i) {
      c->map.entries[i] = n->map.entries[i];
      c->map.entries[i].value = copyTree(doc, n->map.entries[i].value);
      c->map.entries[i].value->parent = c;
    }
  }
  return c;
}

// serde mode: `*name` is a copy of the latest value anchored `&name`.
bool YamlBuilder::onAlias(const yaml_event_t& ev) {
  std::string_view name(reinterpret_cast<const char*>(ev.data.alias.anchor));
  for (size_t i = anchors_.size(); i-- > 0;) {
    if (anchors_[i].first != name) continue;
    if (!frames_.empty() && frames_.back().isMap && frames_.back().expectKey) {
      Frame& f = frames_.back();  // an alias as a key: only a string will do
      const Node* v = anchors_[i].second;
      f.expectKey = false;
      if (v->kind != NodeKind::String) {
        if (!f.badKey) f.badKey = true, f.badLine = v->line, f.badCol = v->col;
        return true;
      }
      KeyId id = doc_.keys().intern(v->text());
      std::string_view key = doc_.keys().name(id);
      f.key = MapEntry{key.data(), uint32_t(key.size()), id, uint32_t(ev.start_mark.line),
                       uint32_t(ev.start_mark.column), nullptr};
      return true;
    }
    attach(copyTree(doc_, anchors_[i].second));
    return true;
  }
  // serde_yaml's text names no position here.
  return fail(ErrorKind::DataSyntax, "unknown anchor", uint32_t(ev.start_mark.line + 1),
              uint32_t(ev.start_mark.column + 1), byteOffsetOfChar(ev.start_mark.index));
}

// serde mode: serde_yaml refuses a map that repeats a key.
bool YamlBuilder::checkUniqueKeys(const MapEntry* entries, uint32_t n) {
  for (uint32_t i = 1; i < n; ++i)
    for (uint32_t j = 0; j < i; ++j)
      if (entries[j].id == entries[i].id)
        return fail(ErrorKind::DataSyntax, "duplicate entry with key \"" + std::string(entries[i].keyText()) + "\"",
                    entries[i].line + 1, entries[i].col + 1);
  return true;
}

bool YamlBuilder::onSequenceEnd() {
  Frame f = frames_.back();
  frames_.pop_back();
  Node* list = makeList(doc_, f.line, f.col, items_.data() + f.base,
                        uint32_t(items_.size() - f.base));
  items_.resize(f.base);
  Node* n = f.wrapKey ? wrapInMap(doc_, f.wrapKey, list, f.line, f.col) : list;
  if (f.anchor) anchors_.emplace_back(anchorNames_[f.anchor - 1], n);
  attach(n);
  return true;
}

bool YamlBuilder::onMappingEnd() {
  Frame f = frames_.back();
  frames_.pop_back();
  if (f.badKey) {
    return fail(ErrorKind::DataNonStringKey,
                "non string type detected for key in a map at " + locText(f.badLine, f.badCol) +
                    ", cfn-guard only supports keys that are string types",
                f.badLine + 1, f.badCol + 1);
  }
  if (serde_ && !checkUniqueKeys(entries_.data() + f.base, uint32_t(entries_.size() - f.base))) return false;
  Node* map = makeMap(doc_, f.line, f.col, entries_.data() + f.base,
                      uint32_t(entries_.size() - f.base));
  entries_.resize(f.base);
  if (f.anchor) anchors_.emplace_back(anchorNames_[f.anchor - 1], map);
  attach(map);
  return true;
}

// Hands a finished node to its container (or makes it the root).
void YamlBuilder::attach(Node* n) {
  if (frames_.empty()) {
    root_ = n;
    return;
  }
  Frame& f = frames_.back();
  if (!f.isMap) {
    items_.push_back(n);
    return;
  }
  if (f.expectKey) {  // a list or map used as a key
    f.expectKey = false;
    if (!f.badKey) {
      f.badKey = true;
      f.badLine = n->line;
      f.badCol = n->col;
    }
    return;
  }
  f.expectKey = true;
  if (f.badKey) return;  // the map fails when it closes
  MapEntry e = f.key;
  e.value = n;
  entries_.push_back(e);
}

// Scratch for de-duplicating big maps: per key id, the map it was last seen
// in (a stamp) and its slot there.
struct DedupeScratch {
  std::vector<uint32_t> stamp, slot;
  uint32_t current = 0;
};
thread_local DedupeScratch tDedupe;

// Every key occurrence of a map that repeats a key, collected from the first
// repeat on (before it, occurrence i is entry i).
class RepeatLog {
 public:
  explicit RepeatLog(std::vector<KeyOccurrence>& log) : log_(log) { log_.clear(); }
  // Entry i of the text, at `slot` of the de-duplicated map; `fresh`: its
  // key's first occurrence. The entries before the first repeat are still
  // in place (e[k] for k < i), so they can be logged late.
  void note(const MapEntry* e, uint32_t i, uint32_t slot, bool fresh) {
    if (!repeated_) {
      if (fresh) return;
      repeated_ = true;
      for (uint32_t k = 0; k < i; ++k) log_.push_back({k, e[k].line, e[k].col});
    }
    log_.push_back({slot, e[i].line, e[i].col});
  }
  bool repeated() const { return repeated_; }

 private:
  std::vector<KeyOccurrence>& log_;
  bool repeated_ = false;
};

// Duplicate keys: the last value wins, at the first occurrence's slot and
// key position (§14.6); each occurrence goes to `log`. Returns the new entry
// count. Entry i is read before any write reaches it (writes go to slots
// below i), so the log reads the occurrences' own positions.
uint32_t dedupeEntries(MapEntry* e, uint32_t n, RepeatLog& log) {
  if (n < 2) return n;
  uint32_t out = 0;
  if (n <= 16) {
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t j = 0;
      while (j < out && e[j].id != e[i].id) ++j;
      log.note(e, i, j, j == out);
      if (j < out) e[j].value = e[i].value;
      else e[out++] = e[i];
    }
    return out;
  }
  DedupeScratch& s = tDedupe;
  if (++s.current == 0) {  // stamp wrapped: forget everything
    std::fill(s.stamp.begin(), s.stamp.end(), 0);
    s.current = 1;
  }
  for (uint32_t i = 0; i < n; ++i) {
    KeyId id = e[i].id;
    if (id >= s.stamp.size()) {
      s.stamp.resize(size_t(id) + 1024, 0);
      s.slot.resize(size_t(id) + 1024, 0);
    }
    const bool fresh = s.stamp[id] != s.current;
    log.note(e, i, fresh ? out : s.slot[id], fresh);
    if (!fresh) {
      e[s.slot[id]].value = e[i].value;
    } else {
      s.stamp[id] = s.current;
      s.slot[id] = out;
      e[out++] = e[i];
    }
  }
  return out;
}

}  // namespace

bool parseRustI64(std::string_view s, int64_t* out) {
  size_t i = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return false;
  const uint64_t limit = neg ? uint64_t(std::numeric_limits<int64_t>::max()) + 1
                             : uint64_t(std::numeric_limits<int64_t>::max());
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    unsigned d = unsigned(s[i]) - '0';
    if (d > 9) return false;
    if (v > (limit - d) / 10) return false;  // too big: the float parse takes it
    v = v * 10 + d;
  }
  *out = neg ? int64_t(uint64_t(0) - v) : int64_t(v);
  return true;
}

bool parseRustF64(std::string_view s, double* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  double v;
  if (equalsIgnoreCase(s, "inf") || equalsIgnoreCase(s, "infinity")) {
    v = std::numeric_limits<double>::infinity();
  } else if (equalsIgnoreCase(s, "nan")) {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (isRustDecimal(s)) {
    v = decimalValue(s);
  } else {
    return false;
  }
  *out = neg ? -v : v;
  return true;
}

void setPlainScalar(Document& doc, Node* n, std::string_view text) {
  Typed t;
  typePlain(text, t);
  applyTyped(doc, n, t, text);
}

Node* makeList(Document& doc, uint32_t line, uint32_t col, Node** items, uint32_t n) {
  Node* list = newAt(doc, NodeKind::List, line, col);
  Node** arr = doc.newItems(n);
  for (uint32_t i = 0; i < n; ++i) {
    arr[i] = items[i];
    items[i]->parent = list;
    items[i]->slot = i;
  }
  list->list.items = arr;
  list->list.size = n;
  return list;
}

Node* makeMap(Document& doc, uint32_t line, uint32_t col, MapEntry* entries, uint32_t n) {
  thread_local std::vector<KeyOccurrence> tOccurrences;
  RepeatLog log(tOccurrences);
  n = dedupeEntries(entries, n, log);
  Node* map = newAt(doc, NodeKind::Map, line, col);
  if (log.repeated()) {
    KeyOccurrence* items = doc.arena().allocate<KeyOccurrence>(tOccurrences.size());
    std::copy(tOccurrences.begin(), tOccurrences.end(), items);
    KeyOccurrences* repeats = doc.arena().allocate<KeyOccurrences>();
    *repeats = KeyOccurrences{items, uint32_t(tOccurrences.size())};
    map->map.repeats = repeats;
  }
  MapEntry* arr = doc.newEntries(n);
  for (uint32_t i = 0; i < n; ++i) {
    arr[i] = entries[i];
    arr[i].value->parent = map;
    arr[i].value->slot = i;
  }
  map->map.entries = arr;
  map->map.size = n;
  return map;
}

Result<Node*> parseYaml(Document& doc, std::string_view text) {
  YamlBuilder b(doc, text);
  return b.run();
}

// json_parse's reading of a string (spec §12.2): serde_yaml's scalar
// resolution, aliases and duplicate-key error.
Result<Node*> parseYamlValue(Document& doc, std::string_view text) {
  YamlBuilder b(doc, text, true);
  return b.run();
}

}  // namespace guard::detail
