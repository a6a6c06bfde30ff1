// The built-in functions of spec/guard-language.md §12 (count, json_parse,
// regex_replace, join, substring, to_upper, to_lower, url_decode, parse_int,
// parse_float, parse_boolean, parse_string, parse_char). The compiler maps a
// call's name to an id with builtinId; the VM checks the arity and calls
// callBuiltin (vm/interp.cpp) with the evaluated argument result sets.
//
// Each function maps the members of its first argument to new values in the
// scratch document (parent = nullptr, position copied from the input);
// members of a type the function does not take are dropped. Where an
// argument is a "scalar" (delimiter, offsets, pattern) its first member is
// used. Error texts follow cfn-guard 3.1.1's wording.
#include "runtime/functions.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/loader.h"
#include "runtime/regex.h"
#include "runtime/value_text.h"

namespace guard {
namespace {

// cfn-guard 3.1.1's Error::ParseError and Error::IncompatibleError texts,
// which its functions raise.
Error parserError(ErrorKind kind, const std::string& message) {
  return Error::plain(kind, "Parser Error when parsing `" + message + "`");
}
Error incompatibleError(ErrorKind kind, const std::string& message) {
  return Error::plain(kind, "Types or variable assignments are incompatible `" + message + "`");
}

enum BuiltinId {
  kCount,
  kJsonParse,
  kRegexReplace,
  kJoin,
  kSubstring,
  kToUpper,
  kToLower,
  kUrlDecode,
  kParseInt,
  kParseFloat,
  kParseBoolean,
  kParseString,
  kParseChar,
  kNumBuiltins,
};

struct BuiltinInfo {
  const char* name;
  int arity;
};

constexpr BuiltinInfo kBuiltins[kNumBuiltins] = {
    {"count", 1},      {"json_parse", 1},    {"regex_replace", 3}, {"join", 2},
    {"substring", 3},  {"to_upper", 1},      {"to_lower", 1},      {"url_decode", 1},
    {"parse_int", 1},  {"parse_float", 1},   {"parse_boolean", 1}, {"parse_string", 1},
    {"parse_char", 1},
};

// ---------------------------------------------------------------------------
// Values

// A function's result keeps the position and the data path of the value it
// was made from (3.1.1 reports a failing parse_string(F) at /F): it borrows
// that value's parent link and slot, which is all pathOf reads. It is not an
// entry of that parent: lookups check the parent's entry (Machine::entryNamed).
void takePlaceOf(Node* n, const Node* from) {
  n->line = from->line;
  n->col = from->col;
  n->parent = from->parent;
  n->slot = from->slot;
}

// Gives every value (and map key) of the tree at n the position line:col.
void moveTo(Node* n, uint32_t line, uint32_t col) {
  n->line = line;
  n->col = col;
  if (n->kind == NodeKind::List) {
    for (uint32_t k = 0; k < n->list.size; ++k) moveTo(n->list.items[k], line, col);
  } else if (n->kind == NodeKind::Map) {
    for (uint32_t k = 0; k < n->map.size; ++k) {
      MapEntry& e = n->map.entries[k];
      e.line = line;
      e.col = col;
      moveTo(e.value, line, col);
    }
  }
}

Node* newValue(Document& doc, NodeKind kind, const Node* from) {
  Node* n = doc.newNode(kind);
  if (from) takePlaceOf(n, from);
  return n;
}

Node* newString(Document& doc, std::string_view s, const Node* from) {
  Node* n = newValue(doc, NodeKind::String, from);
  n->str.data = doc.copyString(s);
  n->str.size = uint32_t(s.size());
  return n;
}

Node* newInt(Document& doc, int64_t v, const Node* from) {
  Node* n = newValue(doc, NodeKind::Int, from);
  n->i = v;
  return n;
}

Node* newFloat(Document& doc, double v, const Node* from) {
  Node* n = newValue(doc, NodeKind::Float, from);
  n->f = v;
  return n;
}

Node* newBool(Document& doc, bool v, const Node* from) {
  Node* n = newValue(doc, NodeKind::Bool, from);
  n->b = v;
  return n;
}

Node* newChar(Document& doc, uint32_t cp, const Node* from) {
  Node* n = newValue(doc, NodeKind::Char, from);
  n->ch = cp;
  return n;
}

// The first member of a scalar argument (§12.1); nullptr when it is missing
// or unresolved.
const Node* firstValue(const ResultSet& arg) {
  if (arg.empty() || arg[0].isUnresolved() || !arg[0].node) return nullptr;
  return arg[0].node;
}

// Values of an argument that a function maps over; unresolved ones are skipped.
template <typename F>
Status0 forEachValue(const ResultSet& arg, F&& f) {
  for (const QValue& q : arg) {
    if (q.isUnresolved() || !q.node) continue;
    Status0 s = f(q.node);
    if (!s.ok()) return s;
  }
  return okStatus();
}

// ---------------------------------------------------------------------------
// UTF-8


// Length of the valid UTF-8 sequence at s[i] and its code point; 0 if invalid.
size_t decodeUtf8(std::string_view s, size_t i, uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t n;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, min = 0x80, cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, min = 0x800, cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool validUtf8(std::string_view s) {
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    const size_t n = decodeUtf8(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool isCharBoundary(std::string_view s, size_t i) {
  return i == 0 || i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

// ---------------------------------------------------------------------------
// Unicode case mapping (Rust's str::to_uppercase / to_lowercase): full
// mappings from the tables at the end of this file, plus the final-sigma
// rule of to_lowercase.

struct CaseRun {
  uint32_t lo, hi;  // code points lo, lo+stride, ..., hi
  int32_t delta;    // mapped = cp + delta
  int32_t stride;
};

struct CaseMulti {
  uint32_t cp;
  uint32_t to[3];  // 0-terminated when shorter
};

extern const CaseRun kUpperRuns[];
extern const size_t kUpperRunCount;
extern const CaseMulti kUpperMulti[];
extern const size_t kUpperMultiCount;
extern const CaseRun kLowerRuns[];
extern const size_t kLowerRunCount;
extern const CaseMulti kLowerMulti[];
extern const size_t kLowerMultiCount;

struct CaseTable {
  const CaseRun* runs;
  size_t runCount;
  const CaseMulti* multi;
  size_t multiCount;
};

const CaseTable& upperTable() {
  static const CaseTable t{kUpperRuns, kUpperRunCount, kUpperMulti, kUpperMultiCount};
  return t;
}
const CaseTable& lowerTable() {
  static const CaseTable t{kLowerRuns, kLowerRunCount, kLowerMulti, kLowerMultiCount};
  return t;
}

// The simple (one code point) mapping of cp, or cp itself.
uint32_t mapSimple(const CaseTable& t, uint32_t cp) {
  const CaseRun* end = t.runs + t.runCount;
  const CaseRun* r = std::upper_bound(t.runs, end, cp, [](uint32_t c, const CaseRun& run) { return c < run.lo; });
  if (r == t.runs) return cp;
  --r;
  if (cp > r->hi || (cp - r->lo) % uint32_t(r->stride) != 0) return cp;
  return uint32_t(int64_t(cp) + r->delta);
}

const CaseMulti* mapMulti(const CaseTable& t, uint32_t cp) {
  const CaseMulti* end = t.multi + t.multiCount;
  const CaseMulti* m = std::lower_bound(t.multi, end, cp, [](const CaseMulti& e, uint32_t c) { return e.cp < c; });
  return m != end && m->cp == cp ? m : nullptr;
}

void appendMapped(const CaseTable& t, std::string& out, uint32_t cp) {
  if (const CaseMulti* m = mapMulti(t, cp)) {
    for (uint32_t c : m->to)
      if (c) appendUtf8(out, c);
    return;
  }
  appendUtf8(out, mapSimple(t, cp));
}

// Approximations of the Cased and Case_Ignorable properties, enough for the
// final-sigma rule: cased letters are those with a case mapping; ignorable
// are combining marks, format controls and the word-internal punctuation.
bool isCased(uint32_t cp) {
  return mapSimple(upperTable(), cp) != cp || mapSimple(lowerTable(), cp) != cp ||
         mapMulti(upperTable(), cp) != nullptr;
}

bool isCaseIgnorable(uint32_t cp) {
  switch (cp) {
    case '\'': case '.': case ':': case '^': case '`':
    case 0xA8: case 0xAD: case 0xAF: case 0xB4: case 0xB7: case 0xB8:
    case 0x2018: case 0x2019: case 0x2024: case 0x2027:
      return true;
    default:
      return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x483 && cp <= 0x489) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
             (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x20D0 && cp <= 0x20FF) ||
             (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F);
  }
}

// Σ at the end of a word lowercases to ς: a cased letter before it (skipping
// case-ignorables) and none after it.
bool isFinalSigma(std::string_view s, size_t at, size_t len) {
  auto casedBefore = [&] {
    size_t i = at;
    while (i > 0) {
      size_t start = i - 1;
      while (start > 0 && !isCharBoundary(s, start)) --start;
      uint32_t cp;
      if (decodeUtf8(s, start, cp) == 0) return false;
      if (!isCaseIgnorable(cp)) return isCased(cp);
      i = start;
    }
    return false;
  };
  auto casedAfter = [&] {
    for (size_t i = at + len; i < s.size();) {
      uint32_t cp;
      const size_t n = decodeUtf8(s, i, cp);
      if (n == 0) return false;
      if (!isCaseIgnorable(cp)) return isCased(cp);
      i += n;
    }
    return false;
  };
  return casedBefore() && !casedAfter();
}

std::string changeCase(std::string_view s, bool upper) {
  const CaseTable& t = upper ? upperTable() : lowerTable();
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {  // ASCII fast path
      out.push_back(char(upper ? (b >= 'a' && b <= 'z' ? b - 32 : b) : (b >= 'A' && b <= 'Z' ? b + 32 : b)));
      ++i;
      continue;
    }
    uint32_t cp;
    const size_t n = decodeUtf8(s, i, cp);
    if (n == 0) {  // not UTF-8: keep the byte
      out.push_back(char(b));
      ++i;
      continue;
    }
    if (!upper && cp == 0x3A3 && isFinalSigma(s, i, n)) {
      appendUtf8(out, 0x3C2);
    } else {
      appendMapped(t, out, cp);
    }
    i += n;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Number parsing with Rust's str::parse rules

// i64::from_str: an optional sign and at least one ASCII digit, nothing else.
std::optional<int64_t> parseRustInt(std::string_view s) {
  std::string_view digits = s;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  // Parse the magnitude as unsigned so that i64::MIN is accepted.
  uint64_t mag = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), mag);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  if (neg) {
    if (mag > uint64_t(INT64_MAX) + 1) return std::nullopt;
    return mag == uint64_t(INT64_MAX) + 1 ? INT64_MIN : -int64_t(mag);
  }
  if (mag > uint64_t(INT64_MAX)) return std::nullopt;
  return int64_t(mag);
}

bool equalsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
}

// For a decimal that does not fit a double: whether it is >= 1 (so it
// overflowed rather than underflowed), from where its first nonzero digit is.
bool decimalAtLeastOne(std::string_view body) {
  const size_t ePos = body.find_first_of("eE");
  const std::string_view mantissa = body.substr(0, ePos);
  long exp10 = 0;
  if (ePos != std::string_view::npos) {
    std::string_view e = body.substr(ePos + 1);
    const bool negExp = !e.empty() && e[0] == '-';
    if (!e.empty() && (e[0] == '+' || e[0] == '-')) e.remove_prefix(1);
    for (char c : e) exp10 = std::min(exp10 * 10 + (c - '0'), 100000L);
    if (negExp) exp10 = -exp10;
  }
  const size_t dot = mantissa.find('.');
  const std::string_view intPart = mantissa.substr(0, dot);
  const size_t firstInt = intPart.find_first_not_of('0');
  long order;  // the value is in [10^(order-1), 10^order)
  if (firstInt != std::string_view::npos) {
    order = long(intPart.size() - firstInt);
  } else {
    const std::string_view frac = dot == std::string_view::npos ? std::string_view() : mantissa.substr(dot + 1);
    const size_t firstFrac = frac.find_first_not_of('0');
    if (firstFrac == std::string_view::npos) return false;  // zero
    order = -long(firstFrac);
  }
  return order + exp10 > 0;
}

// f64::from_str: [+-] then inf / infinity / nan (any case), or decimal digits
// with an optional fraction and exponent (at least one mantissa digit).
std::optional<double> parseRustFloat(std::string_view s) {
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (equalsIgnoreAsciiCase(body, "inf") || equalsIgnoreAsciiCase(body, "infinity"))
    return neg ? -HUGE_VAL : HUGE_VAL;
  if (equalsIgnoreAsciiCase(body, "nan")) return std::nan("");
  size_t i = 0, mantissaDigits = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i;
    return i - start;
  };
  mantissaDigits += digits();
  if (i < body.size() && body[i] == '.') {
    ++i;
    mantissaDigits += digits();
  }
  if (mantissaDigits == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    if (digits() == 0) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (p != body.data() + body.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) v = decimalAtLeastOne(body) ? HUGE_VAL : 0.0;  // Rust rounds
  return neg ? -v : v;
}

// Rust's `n as u16`: integers wrap, floats saturate (NaN is 0).
uint16_t asU16(const Node* n) {
  if (n->kind == NodeKind::Int) return uint16_t(uint64_t(n->i));
  const double f = n->f;
  if (std::isnan(f) || f <= 0) return 0;
  if (f >= 65535.0) return 65535;
  return uint16_t(f);
}

// Rust's `f as i64`: truncation toward zero, saturating, NaN is 0.
int64_t asI64(double f) {
  if (std::isnan(f)) return 0;
  if (f >= 9223372036854775807.0) return INT64_MAX;
  if (f <= -9223372036854775808.0) return INT64_MIN;
  return int64_t(f);
}

std::optional<uint32_t> asciiDigit(uint32_t cp) {
  if (cp >= '0' && cp <= '9') return cp - '0';
  return std::nullopt;
}

std::string charText(uint32_t cp) {
  std::string s;
  appendUtf8(s, cp);
  return s;
}

// ---------------------------------------------------------------------------
// The functions

using Args = std::vector<ResultSet>;

Result<ResultSet> fnCount(const Args& a, Document& doc) {
  int64_t n = 0;
  for (const QValue& q : a[0])
    if (!q.isUnresolved()) ++n;
  // The count stands at the first member, resolved or not (an unresolved
  // one at the value its query stopped at); at the root for an empty set.
  const Node* first = a[0].empty() ? nullptr : a[0][0].node;
  return ResultSet{QValue::resolved(newInt(doc, n, first))};
}

Result<ResultSet> fnJsonParse(const Args& a, Document& doc) {
  ResultSet out;
  Status0 s = forEachValue(a[0], [&](const Node* v) -> Status0 {
    if (v->kind != NodeKind::String) return okStatus();
    // 3.1.1's text: serde_yaml's message under its YAML error's prefix.
    constexpr const char* kYamlError = "Error parsing incoming YAML context ";
    if (v->text().empty()) return Error::plain(ErrorKind::DataEmpty, std::string(kYamlError) + "EOF while parsing a value");
    Result<Node*> parsed = parseInto(doc, v->text());
    if (!parsed.ok()) {
      Error e = parsed.takeError();
      e.message = kYamlError + e.message;
      return e;
    }
    // The parsed document hangs under the string's path (/J, /J/a/0), and
    // all its values stand at the string's position.
    takePlaceOf(*parsed, v);
    moveTo(*parsed, v->line, v->col);
    out.push_back(QValue::resolved(*parsed));
    return okStatus();
  });
  if (!s.ok()) return s.takeError();
  return out;
}

// Compiled regex_replace patterns, per thread: a rule evaluates the same
// call once per resource, so recompiling each time would dominate.
const Regex* cachedRegex(std::string_view pattern, Error& error) {
  constexpr size_t kCacheSize = 16;
  static thread_local std::vector<std::unique_ptr<Regex>> cache;
  for (size_t k = 0; k < cache.size(); ++k) {
    if (cache[k]->pattern() == pattern) {
      std::rotate(cache.begin(), cache.begin() + long(k), cache.begin() + long(k) + 1);
      return cache[0].get();
    }
  }
  auto compiled = Regex::compile(pattern);
  if (!compiled.ok()) {
    error = compiled.takeError();
    return nullptr;
  }
  if (cache.size() == kCacheSize) cache.pop_back();
  cache.insert(cache.begin(), std::move(compiled.value()));
  return cache[0].get();
}

Result<ResultSet> fnRegexReplace(const Args& a, Document& doc) {
  const Node* pattern = firstValue(a[1]);
  if (!pattern || pattern->kind != NodeKind::String)
    return parserError(ErrorKind::FunctionArgument,
                       "regex_replace function requires the second argument to be a string");
  const Node* replacement = firstValue(a[2]);
  if (!replacement || replacement->kind != NodeKind::String)
    return parserError(ErrorKind::FunctionArgument,
                       "regex_replace function requires the third argument to be a string");
  ResultSet out;
  const Regex* re = nullptr;
  Status0 s = forEachValue(a[0], [&](const Node* v) -> Status0 {
    if (v->kind != NodeKind::String) return okStatus();
    if (!re) {  // 3.1.1 compiles the pattern only once there is a string to replace in
      Error error;
      re = cachedRegex(pattern->text(), error);
      if (!re) return error;
    }
    Result<std::string> r = re->replaceMatchesOnly(v->text(), replacement->text());
    if (!r.ok()) return r.takeError();
    out.push_back(QValue::resolved(newString(doc, *r, v)));
    return okStatus();
  });
  if (!s.ok()) return s.takeError();
  return out;
}

Result<ResultSet> fnJoin(const Args& a, Document& doc, UnsatisfiedPart unsatisfied) {
  const Node* delim = firstValue(a[1]);
  std::string delimiter;
  if (delim && delim->kind == NodeKind::String) {
    delimiter = delim->text();
  } else if (delim && delim->kind == NodeKind::Char) {
    delimiter = charText(delim->ch);
  } else {
    return parserError(ErrorKind::FunctionArgument,
                       "join function requires the second argument to be either a char or string");
  }
  std::string joined;
  const Node* first = nullptr;
  for (size_t k = 0; k < a[0].size(); ++k) {
    const QValue& q = a[0][k];
    if (q.isUnresolved()) {
      std::string at = q.node ? " Path=" + pathLoc(q.node) + " Value=" + valueOnly(q.node) : "";
      if (unsatisfied) at += ", unsatisfied part " + unsatisfied(q);
      return incompatibleError(ErrorKind::FunctionArgument, "Joining unresolved values is not allowed" + at);
    }
    if (q.node->kind != NodeKind::String)
      return incompatibleError(ErrorKind::FunctionArgument,
                               "Joining non string values Path=" + pathLoc(q.node) + " Value=" + valueOnly(q.node));
    if (!first) first = q.node;
    if (k) joined += delimiter;
    joined.append(q.node->text());
  }
  return ResultSet{QValue::resolved(newString(doc, joined, first))};
}

Result<ResultSet> fnSubstring(const Args& a, Document& doc) {
  auto offset = [](const ResultSet& arg) -> std::optional<uint16_t> {
    const Node* n = firstValue(arg);
    if (!n || (n->kind != NodeKind::Int && n->kind != NodeKind::Float)) return std::nullopt;
    return asU16(n);
  };
  const auto from = offset(a[1]);
  if (!from)
    return parserError(ErrorKind::FunctionArgument, "substring function requires the second argument to be a number");
  const auto to = offset(a[2]);
  if (!to)
    return parserError(ErrorKind::FunctionArgument, "substring function requires the third argument to be a number");
  ResultSet out;
  Status0 s = forEachValue(a[0], [&](const Node* v) -> Status0 {
    if (v->kind != NodeKind::String) return okStatus();
    const std::string_view text = v->text();
    if (text.empty() || *from >= *to || *to > text.size()) return okStatus();
    // 3.1.1 slices bytes and aborts when an offset falls inside a character.
    if (!isCharBoundary(text, *from) || !isCharBoundary(text, *to))
      return Error::plain(ErrorKind::FunctionArgument,
                          "substring offsets " + std::to_string(*from) + ".." + std::to_string(*to) +
                              " are not on character boundaries of the string at " + pathLoc(v));
    out.push_back(QValue::resolved(newString(doc, text.substr(*from, *to - *from), v)));
    return okStatus();
  });
  if (!s.ok()) return s.takeError();
  return out;
}

Result<ResultSet> fnChangeCase(const Args& a, Document& doc, bool upper) {
  ResultSet out;
  (void)forEachValue(a[0], [&](const Node* v) -> Status0 {
    if (v->kind == NodeKind::String)
      out.push_back(QValue::resolved(newString(doc, changeCase(v->text(), upper), v)));
    return okStatus();
  });
  return out;
}

// %XX sequences decoded; anything else (including '+' and a '%' not
// followed by two hex digits) kept as is.
std::string percentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if ((c | 32) >= 'a' && (c | 32) <= 'f') return (c | 32) - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(char(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Result<ResultSet> fnUrlDecode(const Args& a, Document& doc) {
  ResultSet out;
  (void)forEachValue(a[0], [&](const Node* v) -> Status0 {
    if (v->kind != NodeKind::String) return okStatus();
    std::string decoded = percentDecode(v->text());
    if (validUtf8(decoded)) out.push_back(QValue::resolved(newString(doc, decoded, v)));
    return okStatus();
  });
  return out;
}

Result<ResultSet> fnParseInt(const Args& a, Document& doc) {
  ResultSet out;
  Status0 s = forEachValue(a[0], [&](const Node* v) -> Status0 {
    switch (v->kind) {
      case NodeKind::String: {
        auto n = parseRustInt(v->text());
        if (!n)
          return parserError(ErrorKind::FunctionConversion, "failed to convert a string: " + std::string(v->text()) +
                                                                 " into an integer at " + pathLoc(v));
        out.push_back(QValue::resolved(newInt(doc, *n, v)));
        break;
      }
      case NodeKind::Int: out.push_back(QValue::resolved(newInt(doc, v->i, v))); break;
      case NodeKind::Float: out.push_back(QValue::resolved(newInt(doc, asI64(v->f), v))); break;
      case NodeKind::Char: {
        auto d = asciiDigit(v->ch);
        if (!d)
          return parserError(ErrorKind::FunctionConversion,
                             "failed to convert a character: " + charText(v->ch) + " into an integer at " + pathLoc(v));
        out.push_back(QValue::resolved(newInt(doc, *d, v)));
        break;
      }
      default: break;
    }
    return okStatus();
  });
  if (!s.ok()) return s.takeError();
  return out;
}

Result<ResultSet> fnParseFloat(const Args& a, Document& doc) {
  ResultSet out;
  Status0 s = forEachValue(a[0], [&](const Node* v) -> Status0 {
    switch (v->kind) {
      case NodeKind::String: {
        auto f = parseRustFloat(v->text());
        if (!f)
          return parserError(ErrorKind::FunctionConversion,
                             "failed to convert a string: " + std::string(v->text()) + " into a float at " + pathLoc(v));
        out.push_back(QValue::resolved(newFloat(doc, *f, v)));
        break;
      }
      case NodeKind::Int: out.push_back(QValue::resolved(newFloat(doc, double(v->i), v))); break;
      case NodeKind::Float: out.push_back(QValue::resolved(newFloat(doc, v->f, v))); break;
      case NodeKind::Char: {
        auto d = asciiDigit(v->ch);
        if (!d)
          return parserError(ErrorKind::FunctionConversion,
                             "failed to convert a character: " + charText(v->ch) + " into a float at " + pathLoc(v));
        out.push_back(QValue::resolved(newFloat(doc, double(*d), v)));
        break;
      }
      default: break;
    }
    return okStatus();
  });
  if (!s.ok()) return s.takeError();
  return out;
}

Result<ResultSet> fnParseBoolean(const Args& a, Document& doc) {
  ResultSet out;
  Status0 s = forEachValue(a[0], [&](const Node* v) -> Status0 {
    if (v->kind == NodeKind::Bool) {
      out.push_back(QValue::resolved(newBool(doc, v->b, v)));
    } else if (v->kind == NodeKind::String) {
      // Rust lowercases with Unicode rules, but no non-ASCII letter
      // lowercases to one of the letters of "true"/"false".
      if (equalsIgnoreAsciiCase(v->text(), "true")) {
        out.push_back(QValue::resolved(newBool(doc, true, v)));
      } else if (equalsIgnoreAsciiCase(v->text(), "false")) {
        out.push_back(QValue::resolved(newBool(doc, false, v)));
      } else {
        return parserError(ErrorKind::FunctionConversion,
                           "failed to convert a string: " + std::string(v->text()) + " into a boolean at " + pathLoc(v));
      }
    }
    return okStatus();
  });
  if (!s.ok()) return s.takeError();
  return out;
}

Result<ResultSet> fnParseString(const Args& a, Document& doc) {
  ResultSet out;
  (void)forEachValue(a[0], [&](const Node* v) -> Status0 {
    switch (v->kind) {
      case NodeKind::Int: out.push_back(QValue::resolved(newString(doc, std::to_string(v->i), v))); break;
      case NodeKind::Float: out.push_back(QValue::resolved(newString(doc, formatFloatDisplay(v->f), v))); break;
      case NodeKind::Bool: out.push_back(QValue::resolved(newString(doc, v->b ? "true" : "false", v))); break;
      case NodeKind::String: out.push_back(QValue::resolved(newString(doc, v->text(), v))); break;
      case NodeKind::Char: out.push_back(QValue::resolved(newString(doc, charText(v->ch), v))); break;
      default: break;
    }
    return okStatus();
  });
  return out;
}

Result<ResultSet> fnParseChar(const Args& a, Document& doc) {
  ResultSet out;
  Status0 s = forEachValue(a[0], [&](const Node* v) -> Status0 {
    switch (v->kind) {
      case NodeKind::Int:
        if (v->i < 0 || v->i > 9)
          return parserError(ErrorKind::FunctionConversion,
                             "failed to convert an int: " + std::to_string(v->i) + " into a char at " + pathLoc(v));
        out.push_back(QValue::resolved(newChar(doc, uint32_t('0' + v->i), v)));
        break;
      case NodeKind::String: {
        const std::string_view t = v->text();
        // 3.1.1 checks the byte length, so one non-ASCII character is rejected.
        if (t.size() > 1)
          return parserError(ErrorKind::FunctionConversion,
                             "failed to convert an string: " + std::string(t) + " into a char at " + pathLoc(v));
        if (t.size() == 1) out.push_back(QValue::resolved(newChar(doc, static_cast<unsigned char>(t[0]), v)));
        break;
      }
      case NodeKind::Char: out.push_back(QValue::resolved(newString(doc, charText(v->ch), v))); break;
      default: break;
    }
    return okStatus();
  });
  if (!s.ok()) return s.takeError();
  return out;
}

}  // namespace

// Title-case letters (Lt, "ǅ") have both mappings but are neither.
static bool isTitlecaseChar(uint32_t cp) {
  return cp == 0x1C5 || cp == 0x1C8 || cp == 0x1CB || cp == 0x1F2 || (cp >= 0x1F88 && cp <= 0x1F8F) ||
         (cp >= 0x1F98 && cp <= 0x1F9F) || (cp >= 0x1FA8 && cp <= 0x1FAF) || cp == 0x1FBC || cp == 0x1FCC ||
         cp == 0x1FFC;
}

bool isLowercaseChar(uint32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  if (isTitlecaseChar(cp)) return false;
  return mapSimple(upperTable(), cp) != cp || mapMulti(upperTable(), cp) != nullptr;
}

bool isUppercaseChar(uint32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  if (isTitlecaseChar(cp)) return false;
  return !isLowercaseChar(cp) && (mapSimple(lowerTable(), cp) != cp || mapMulti(lowerTable(), cp) != nullptr);
}

int builtinId(std::string_view name) {
  for (int k = 0; k < kNumBuiltins; ++k)
    if (name == kBuiltins[k].name) return k;
  return -1;
}

const char* builtinName(int id) { return id >= 0 && id < kNumBuiltins ? kBuiltins[id].name : nullptr; }

int builtinCount() { return kNumBuiltins; }
int builtinArity(int id) { return id >= 0 && id < kNumBuiltins ? kBuiltins[id].arity : -1; }

Result<ResultSet> callBuiltin(int id, const std::vector<ResultSet>& args, Document& scratch,
                              UnsatisfiedPart unsatisfied) {
  if (id < 0 || id >= kNumBuiltins)
    return Error::plain(ErrorKind::FunctionUnknown, "no such function (id " + std::to_string(id) + ") exists");
  const BuiltinInfo& info = kBuiltins[id];
  if (int(args.size()) != info.arity)
    return parserError(ErrorKind::FunctionArgument, std::string(info.name) + " function requires " +
                                                        std::to_string(info.arity) +
                                                        " arguments be passed, but received " +
                                                        std::to_string(args.size()));
  switch (id) {
    case kCount: return fnCount(args, scratch);
    case kJsonParse: return fnJsonParse(args, scratch);
    case kRegexReplace: return fnRegexReplace(args, scratch);
    case kJoin: return fnJoin(args, scratch, unsatisfied);
    case kSubstring: return fnSubstring(args, scratch);
    case kToUpper: return fnChangeCase(args, scratch, true);
    case kToLower: return fnChangeCase(args, scratch, false);
    case kUrlDecode: return fnUrlDecode(args, scratch);
    case kParseInt: return fnParseInt(args, scratch);
    case kParseFloat: return fnParseFloat(args, scratch);
    case kParseBoolean: return fnParseBoolean(args, scratch);
    case kParseString: return fnParseString(args, scratch);
    case kParseChar: return fnParseChar(args, scratch);
    default: break;
  }
  return Error::plain(ErrorKind::FunctionUnknown, "no such function");
}

// ---------------------------------------------------------------------------
// Case-mapping tables: Unicode 15.0 full case mappings (root locale),
// generated with ICU's u_strToUpper / u_strToLower over every code point
// (identical to Python 3.11's str.upper/str.lower). Runs cover the simple
// one-to-one mappings; the Multi tables hold the one-to-many ones (ß -> SS).

namespace {
const CaseRun kUpperRuns[] = {
    {0x61, 0x7A, -32, 1}, {0xB5, 0xB5, 743, 1}, {0xE0, 0xF6, -32, 1}, {0xF8, 0xFE, -32, 1},
    {0xFF, 0xFF, 121, 1}, {0x101, 0x12F, -1, 2}, {0x131, 0x131, -232, 1}, {0x133, 0x137, -1, 2},
    {0x13A, 0x148, -1, 2}, {0x14B, 0x177, -1, 2}, {0x17A, 0x17E, -1, 2}, {0x17F, 0x17F, -300, 1},
    {0x180, 0x180, 195, 1}, {0x183, 0x185, -1, 2}, {0x188, 0x188, -1, 1}, {0x18C, 0x18C, -1, 1},
    {0x192, 0x192, -1, 1}, {0x195, 0x195, 97, 1}, {0x199, 0x199, -1, 1}, {0x19A, 0x19A, 163, 1},
    {0x19E, 0x19E, 130, 1}, {0x1A1, 0x1A5, -1, 2}, {0x1A8, 0x1A8, -1, 1}, {0x1AD, 0x1AD, -1, 1},
    {0x1B0, 0x1B0, -1, 1}, {0x1B4, 0x1B6, -1, 2}, {0x1B9, 0x1B9, -1, 1}, {0x1BD, 0x1BD, -1, 1},
    {0x1BF, 0x1BF, 56, 1}, {0x1C5, 0x1C5, -1, 1}, {0x1C6, 0x1C6, -2, 1}, {0x1C8, 0x1C8, -1, 1},
    {0x1C9, 0x1C9, -2, 1}, {0x1CB, 0x1CB, -1, 1}, {0x1CC, 0x1CC, -2, 1}, {0x1CE, 0x1DC, -1, 2},
    {0x1DD, 0x1DD, -79, 1}, {0x1DF, 0x1EF, -1, 2}, {0x1F2, 0x1F2, -1, 1}, {0x1F3, 0x1F3, -2, 1},
    {0x1F5, 0x1F5, -1, 1}, {0x1F9, 0x21F, -1, 2}, {0x223, 0x233, -1, 2}, {0x23C, 0x23C, -1, 1},
    {0x23F, 0x240, 10815, 1}, {0x242, 0x242, -1, 1}, {0x247, 0x24F, -1, 2}, {0x250, 0x250, 10783, 1},
    {0x251, 0x251, 10780, 1}, {0x252, 0x252, 10782, 1}, {0x253, 0x253, -210, 1}, {0x254, 0x254, -206, 1},
    {0x256, 0x257, -205, 1}, {0x259, 0x259, -202, 1}, {0x25B, 0x25B, -203, 1}, {0x25C, 0x25C, 42319, 1},
    {0x260, 0x260, -205, 1}, {0x261, 0x261, 42315, 1}, {0x263, 0x263, -207, 1}, {0x265, 0x265, 42280, 1},
    {0x266, 0x266, 42308, 1}, {0x268, 0x268, -209, 1}, {0x269, 0x269, -211, 1}, {0x26A, 0x26A, 42308, 1},
    {0x26B, 0x26B, 10743, 1}, {0x26C, 0x26C, 42305, 1}, {0x26F, 0x26F, -211, 1}, {0x271, 0x271, 10749, 1},
    {0x272, 0x272, -213, 1}, {0x275, 0x275, -214, 1}, {0x27D, 0x27D, 10727, 1}, {0x280, 0x280, -218, 1},
    {0x282, 0x282, 42307, 1}, {0x283, 0x283, -218, 1}, {0x287, 0x287, 42282, 1}, {0x288, 0x288, -218, 1},
    {0x289, 0x289, -69, 1}, {0x28A, 0x28B, -217, 1}, {0x28C, 0x28C, -71, 1}, {0x292, 0x292, -219, 1},
    {0x29D, 0x29D, 42261, 1}, {0x29E, 0x29E, 42258, 1}, {0x345, 0x345, 84, 1}, {0x371, 0x373, -1, 2},
    {0x377, 0x377, -1, 1}, {0x37B, 0x37D, 130, 1}, {0x3AC, 0x3AC, -38, 1}, {0x3AD, 0x3AF, -37, 1},
    {0x3B1, 0x3C1, -32, 1}, {0x3C2, 0x3C2, -31, 1}, {0x3C3, 0x3CB, -32, 1}, {0x3CC, 0x3CC, -64, 1},
    {0x3CD, 0x3CE, -63, 1}, {0x3D0, 0x3D0, -62, 1}, {0x3D1, 0x3D1, -57, 1}, {0x3D5, 0x3D5, -47, 1},
    {0x3D6, 0x3D6, -54, 1}, {0x3D7, 0x3D7, -8, 1}, {0x3D9, 0x3EF, -1, 2}, {0x3F0, 0x3F0, -86, 1},
    {0x3F1, 0x3F1, -80, 1}, {0x3F2, 0x3F2, 7, 1}, {0x3F3, 0x3F3, -116, 1}, {0x3F5, 0x3F5, -96, 1},
    {0x3F8, 0x3F8, -1, 1}, {0x3FB, 0x3FB, -1, 1}, {0x430, 0x44F, -32, 1}, {0x450, 0x45F, -80, 1},
    {0x461, 0x481, -1, 2}, {0x48B, 0x4BF, -1, 2}, {0x4C2, 0x4CE, -1, 2}, {0x4CF, 0x4CF, -15, 1},
    {0x4D1, 0x52F, -1, 2}, {0x561, 0x586, -48, 1}, {0x10D0, 0x10FA, 3008, 1}, {0x10FD, 0x10FF, 3008, 1},
    {0x13F8, 0x13FD, -8, 1}, {0x1C80, 0x1C80, -6254, 1}, {0x1C81, 0x1C81, -6253, 1}, {0x1C82, 0x1C82, -6244, 1},
    {0x1C83, 0x1C84, -6242, 1}, {0x1C85, 0x1C85, -6243, 1}, {0x1C86, 0x1C86, -6236, 1}, {0x1C87, 0x1C87, -6181, 1},
    {0x1C88, 0x1C88, 35266, 1}, {0x1D79, 0x1D79, 35332, 1}, {0x1D7D, 0x1D7D, 3814, 1}, {0x1D8E, 0x1D8E, 35384, 1},
    {0x1E01, 0x1E95, -1, 2}, {0x1E9B, 0x1E9B, -59, 1}, {0x1EA1, 0x1EFF, -1, 2}, {0x1F00, 0x1F07, 8, 1},
    {0x1F10, 0x1F15, 8, 1}, {0x1F20, 0x1F27, 8, 1}, {0x1F30, 0x1F37, 8, 1}, {0x1F40, 0x1F45, 8, 1},
    {0x1F51, 0x1F57, 8, 2}, {0x1F60, 0x1F67, 8, 1}, {0x1F70, 0x1F71, 74, 1}, {0x1F72, 0x1F75, 86, 1},
    {0x1F76, 0x1F77, 100, 1}, {0x1F78, 0x1F79, 128, 1}, {0x1F7A, 0x1F7B, 112, 1}, {0x1F7C, 0x1F7D, 126, 1},
    {0x1FB0, 0x1FB1, 8, 1}, {0x1FBE, 0x1FBE, -7205, 1}, {0x1FD0, 0x1FD1, 8, 1}, {0x1FE0, 0x1FE1, 8, 1},
    {0x1FE5, 0x1FE5, 7, 1}, {0x214E, 0x214E, -28, 1}, {0x2170, 0x217F, -16, 1}, {0x2184, 0x2184, -1, 1},
    {0x24D0, 0x24E9, -26, 1}, {0x2C30, 0x2C5F, -48, 1}, {0x2C61, 0x2C61, -1, 1}, {0x2C65, 0x2C65, -10795, 1},
    {0x2C66, 0x2C66, -10792, 1}, {0x2C68, 0x2C6C, -1, 2}, {0x2C73, 0x2C73, -1, 1}, {0x2C76, 0x2C76, -1, 1},
    {0x2C81, 0x2CE3, -1, 2}, {0x2CEC, 0x2CEE, -1, 2}, {0x2CF3, 0x2CF3, -1, 1}, {0x2D00, 0x2D25, -7264, 1},
    {0x2D27, 0x2D27, -7264, 1}, {0x2D2D, 0x2D2D, -7264, 1}, {0xA641, 0xA66D, -1, 2}, {0xA681, 0xA69B, -1, 2},
    {0xA723, 0xA72F, -1, 2}, {0xA733, 0xA76F, -1, 2}, {0xA77A, 0xA77C, -1, 2}, {0xA77F, 0xA787, -1, 2},
    {0xA78C, 0xA78C, -1, 1}, {0xA791, 0xA793, -1, 2}, {0xA794, 0xA794, 48, 1}, {0xA797, 0xA7A9, -1, 2},
    {0xA7B5, 0xA7C3, -1, 2}, {0xA7C8, 0xA7CA, -1, 2}, {0xA7D1, 0xA7D1, -1, 1}, {0xA7D7, 0xA7D9, -1, 2},
    {0xA7F6, 0xA7F6, -1, 1}, {0xAB53, 0xAB53, -928, 1}, {0xAB70, 0xABBF, -38864, 1}, {0xFF41, 0xFF5A, -32, 1},
    {0x10428, 0x1044F, -40, 1}, {0x104D8, 0x104FB, -40, 1}, {0x10597, 0x105A1, -39, 1}, {0x105A3, 0x105B1, -39, 1},
    {0x105B3, 0x105B9, -39, 1}, {0x105BB, 0x105BC, -39, 1}, {0x10CC0, 0x10CF2, -64, 1}, {0x118C0, 0x118DF, -32, 1},
    {0x16E60, 0x16E7F, -32, 1}, {0x1E922, 0x1E943, -34, 1},
};
const CaseMulti kUpperMulti[] = {
    {0xDF, {0x53, 0x53, 0x0}}, {0x149, {0x2BC, 0x4E, 0x0}}, {0x1F0, {0x4A, 0x30C, 0x0}},
    {0x390, {0x399, 0x308, 0x301}}, {0x3B0, {0x3A5, 0x308, 0x301}}, {0x587, {0x535, 0x552, 0x0}},
    {0x1E96, {0x48, 0x331, 0x0}}, {0x1E97, {0x54, 0x308, 0x0}}, {0x1E98, {0x57, 0x30A, 0x0}},
    {0x1E99, {0x59, 0x30A, 0x0}}, {0x1E9A, {0x41, 0x2BE, 0x0}}, {0x1F50, {0x3A5, 0x313, 0x0}},
    {0x1F52, {0x3A5, 0x313, 0x300}}, {0x1F54, {0x3A5, 0x313, 0x301}}, {0x1F56, {0x3A5, 0x313, 0x342}},
    {0x1F80, {0x1F08, 0x399, 0x0}}, {0x1F81, {0x1F09, 0x399, 0x0}}, {0x1F82, {0x1F0A, 0x399, 0x0}},
    {0x1F83, {0x1F0B, 0x399, 0x0}}, {0x1F84, {0x1F0C, 0x399, 0x0}}, {0x1F85, {0x1F0D, 0x399, 0x0}},
    {0x1F86, {0x1F0E, 0x399, 0x0}}, {0x1F87, {0x1F0F, 0x399, 0x0}}, {0x1F88, {0x1F08, 0x399, 0x0}},
    {0x1F89, {0x1F09, 0x399, 0x0}}, {0x1F8A, {0x1F0A, 0x399, 0x0}}, {0x1F8B, {0x1F0B, 0x399, 0x0}},
    {0x1F8C, {0x1F0C, 0x399, 0x0}}, {0x1F8D, {0x1F0D, 0x399, 0x0}}, {0x1F8E, {0x1F0E, 0x399, 0x0}},
    {0x1F8F, {0x1F0F, 0x399, 0x0}}, {0x1F90, {0x1F28, 0x399, 0x0}}, {0x1F91, {0x1F29, 0x399, 0x0}},
    {0x1F92, {0x1F2A, 0x399, 0x0}}, {0x1F93, {0x1F2B, 0x399, 0x0}}, {0x1F94, {0x1F2C, 0x399, 0x0}},
    {0x1F95, {0x1F2D, 0x399, 0x0}}, {0x1F96, {0x1F2E, 0x399, 0x0}}, {0x1F97, {0x1F2F, 0x399, 0x0}},
    {0x1F98, {0x1F28, 0x399, 0x0}}, {0x1F99, {0x1F29, 0x399, 0x0}}, {0x1F9A, {0x1F2A, 0x399, 0x0}},
    {0x1F9B, {0x1F2B, 0x399, 0x0}}, {0x1F9C, {0x1F2C, 0x399, 0x0}}, {0x1F9D, {0x1F2D, 0x399, 0x0}},
    {0x1F9E, {0x1F2E, 0x399, 0x0}}, {0x1F9F, {0x1F2F, 0x399, 0x0}}, {0x1FA0, {0x1F68, 0x399, 0x0}},
    {0x1FA1, {0x1F69, 0x399, 0x0}}, {0x1FA2, {0x1F6A, 0x399, 0x0}}, {0x1FA3, {0x1F6B, 0x399, 0x0}},
    {0x1FA4, {0x1F6C, 0x399, 0x0}}, {0x1FA5, {0x1F6D, 0x399, 0x0}}, {0x1FA6, {0x1F6E, 0x399, 0x0}},
    {0x1FA7, {0x1F6F, 0x399, 0x0}}, {0x1FA8, {0x1F68, 0x399, 0x0}}, {0x1FA9, {0x1F69, 0x399, 0x0}},
    {0x1FAA, {0x1F6A, 0x399, 0x0}}, {0x1FAB, {0x1F6B, 0x399, 0x0}}, {0x1FAC, {0x1F6C, 0x399, 0x0}},
    {0x1FAD, {0x1F6D, 0x399, 0x0}}, {0x1FAE, {0x1F6E, 0x399, 0x0}}, {0x1FAF, {0x1F6F, 0x399, 0x0}},
    {0x1FB2, {0x1FBA, 0x399, 0x0}}, {0x1FB3, {0x391, 0x399, 0x0}}, {0x1FB4, {0x386, 0x399, 0x0}},
    {0x1FB6, {0x391, 0x342, 0x0}}, {0x1FB7, {0x391, 0x342, 0x399}}, {0x1FBC, {0x391, 0x399, 0x0}},
    {0x1FC2, {0x1FCA, 0x399, 0x0}}, {0x1FC3, {0x397, 0x399, 0x0}}, {0x1FC4, {0x389, 0x399, 0x0}},
    {0x1FC6, {0x397, 0x342, 0x0}}, {0x1FC7, {0x397, 0x342, 0x399}}, {0x1FCC, {0x397, 0x399, 0x0}},
    {0x1FD2, {0x399, 0x308, 0x300}}, {0x1FD3, {0x399, 0x308, 0x301}}, {0x1FD6, {0x399, 0x342, 0x0}},
    {0x1FD7, {0x399, 0x308, 0x342}}, {0x1FE2, {0x3A5, 0x308, 0x300}}, {0x1FE3, {0x3A5, 0x308, 0x301}},
    {0x1FE4, {0x3A1, 0x313, 0x0}}, {0x1FE6, {0x3A5, 0x342, 0x0}}, {0x1FE7, {0x3A5, 0x308, 0x342}},
    {0x1FF2, {0x1FFA, 0x399, 0x0}}, {0x1FF3, {0x3A9, 0x399, 0x0}}, {0x1FF4, {0x38F, 0x399, 0x0}},
    {0x1FF6, {0x3A9, 0x342, 0x0}}, {0x1FF7, {0x3A9, 0x342, 0x399}}, {0x1FFC, {0x3A9, 0x399, 0x0}},
    {0xFB00, {0x46, 0x46, 0x0}}, {0xFB01, {0x46, 0x49, 0x0}}, {0xFB02, {0x46, 0x4C, 0x0}},
    {0xFB03, {0x46, 0x46, 0x49}}, {0xFB04, {0x46, 0x46, 0x4C}}, {0xFB05, {0x53, 0x54, 0x0}},
    {0xFB06, {0x53, 0x54, 0x0}}, {0xFB13, {0x544, 0x546, 0x0}}, {0xFB14, {0x544, 0x535, 0x0}},
    {0xFB15, {0x544, 0x53B, 0x0}}, {0xFB16, {0x54E, 0x546, 0x0}}, {0xFB17, {0x544, 0x53D, 0x0}},
};
const CaseRun kLowerRuns[] = {
    {0x41, 0x5A, 32, 1}, {0xC0, 0xD6, 32, 1}, {0xD8, 0xDE, 32, 1}, {0x100, 0x12E, 1, 2},
    {0x132, 0x136, 1, 2}, {0x139, 0x147, 1, 2}, {0x14A, 0x176, 1, 2}, {0x178, 0x178, -121, 1},
    {0x179, 0x17D, 1, 2}, {0x181, 0x181, 210, 1}, {0x182, 0x184, 1, 2}, {0x186, 0x186, 206, 1},
    {0x187, 0x187, 1, 1}, {0x189, 0x18A, 205, 1}, {0x18B, 0x18B, 1, 1}, {0x18E, 0x18E, 79, 1},
    {0x18F, 0x18F, 202, 1}, {0x190, 0x190, 203, 1}, {0x191, 0x191, 1, 1}, {0x193, 0x193, 205, 1},
    {0x194, 0x194, 207, 1}, {0x196, 0x196, 211, 1}, {0x197, 0x197, 209, 1}, {0x198, 0x198, 1, 1},
    {0x19C, 0x19C, 211, 1}, {0x19D, 0x19D, 213, 1}, {0x19F, 0x19F, 214, 1}, {0x1A0, 0x1A4, 1, 2},
    {0x1A6, 0x1A6, 218, 1}, {0x1A7, 0x1A7, 1, 1}, {0x1A9, 0x1A9, 218, 1}, {0x1AC, 0x1AC, 1, 1},
    {0x1AE, 0x1AE, 218, 1}, {0x1AF, 0x1AF, 1, 1}, {0x1B1, 0x1B2, 217, 1}, {0x1B3, 0x1B5, 1, 2},
    {0x1B7, 0x1B7, 219, 1}, {0x1B8, 0x1B8, 1, 1}, {0x1BC, 0x1BC, 1, 1}, {0x1C4, 0x1C4, 2, 1},
    {0x1C5, 0x1C5, 1, 1}, {0x1C7, 0x1C7, 2, 1}, {0x1C8, 0x1C8, 1, 1}, {0x1CA, 0x1CA, 2, 1},
    {0x1CB, 0x1DB, 1, 2}, {0x1DE, 0x1EE, 1, 2}, {0x1F1, 0x1F1, 2, 1}, {0x1F2, 0x1F4, 1, 2},
    {0x1F6, 0x1F6, -97, 1}, {0x1F7, 0x1F7, -56, 1}, {0x1F8, 0x21E, 1, 2}, {0x220, 0x220, -130, 1},
    {0x222, 0x232, 1, 2}, {0x23A, 0x23A, 10795, 1}, {0x23B, 0x23B, 1, 1}, {0x23D, 0x23D, -163, 1},
    {0x23E, 0x23E, 10792, 1}, {0x241, 0x241, 1, 1}, {0x243, 0x243, -195, 1}, {0x244, 0x244, 69, 1},
    {0x245, 0x245, 71, 1}, {0x246, 0x24E, 1, 2}, {0x370, 0x372, 1, 2}, {0x376, 0x376, 1, 1},
    {0x37F, 0x37F, 116, 1}, {0x386, 0x386, 38, 1}, {0x388, 0x38A, 37, 1}, {0x38C, 0x38C, 64, 1},
    {0x38E, 0x38F, 63, 1}, {0x391, 0x3A1, 32, 1}, {0x3A3, 0x3AB, 32, 1}, {0x3CF, 0x3CF, 8, 1},
    {0x3D8, 0x3EE, 1, 2}, {0x3F4, 0x3F4, -60, 1}, {0x3F7, 0x3F7, 1, 1}, {0x3F9, 0x3F9, -7, 1},
    {0x3FA, 0x3FA, 1, 1}, {0x3FD, 0x3FF, -130, 1}, {0x400, 0x40F, 80, 1}, {0x410, 0x42F, 32, 1},
    {0x460, 0x480, 1, 2}, {0x48A, 0x4BE, 1, 2}, {0x4C0, 0x4C0, 15, 1}, {0x4C1, 0x4CD, 1, 2},
    {0x4D0, 0x52E, 1, 2}, {0x531, 0x556, 48, 1}, {0x10A0, 0x10C5, 7264, 1}, {0x10C7, 0x10C7, 7264, 1},
    {0x10CD, 0x10CD, 7264, 1}, {0x13A0, 0x13EF, 38864, 1}, {0x13F0, 0x13F5, 8, 1}, {0x1C90, 0x1CBA, -3008, 1},
    {0x1CBD, 0x1CBF, -3008, 1}, {0x1E00, 0x1E94, 1, 2}, {0x1E9E, 0x1E9E, -7615, 1}, {0x1EA0, 0x1EFE, 1, 2},
    {0x1F08, 0x1F0F, -8, 1}, {0x1F18, 0x1F1D, -8, 1}, {0x1F28, 0x1F2F, -8, 1}, {0x1F38, 0x1F3F, -8, 1},
    {0x1F48, 0x1F4D, -8, 1}, {0x1F59, 0x1F5F, -8, 2}, {0x1F68, 0x1F6F, -8, 1}, {0x1F88, 0x1F8F, -8, 1},
    {0x1F98, 0x1F9F, -8, 1}, {0x1FA8, 0x1FAF, -8, 1}, {0x1FB8, 0x1FB9, -8, 1}, {0x1FBA, 0x1FBB, -74, 1},
    {0x1FBC, 0x1FBC, -9, 1}, {0x1FC8, 0x1FCB, -86, 1}, {0x1FCC, 0x1FCC, -9, 1}, {0x1FD8, 0x1FD9, -8, 1},
    {0x1FDA, 0x1FDB, -100, 1}, {0x1FE8, 0x1FE9, -8, 1}, {0x1FEA, 0x1FEB, -112, 1}, {0x1FEC, 0x1FEC, -7, 1},
    {0x1FF8, 0x1FF9, -128, 1}, {0x1FFA, 0x1FFB, -126, 1}, {0x1FFC, 0x1FFC, -9, 1}, {0x2126, 0x2126, -7517, 1},
    {0x212A, 0x212A, -8383, 1}, {0x212B, 0x212B, -8262, 1}, {0x2132, 0x2132, 28, 1}, {0x2160, 0x216F, 16, 1},
    {0x2183, 0x2183, 1, 1}, {0x24B6, 0x24CF, 26, 1}, {0x2C00, 0x2C2F, 48, 1}, {0x2C60, 0x2C60, 1, 1},
    {0x2C62, 0x2C62, -10743, 1}, {0x2C63, 0x2C63, -3814, 1}, {0x2C64, 0x2C64, -10727, 1}, {0x2C67, 0x2C6B, 1, 2},
    {0x2C6D, 0x2C6D, -10780, 1}, {0x2C6E, 0x2C6E, -10749, 1}, {0x2C6F, 0x2C6F, -10783, 1}, {0x2C70, 0x2C70, -10782, 1},
    {0x2C72, 0x2C72, 1, 1}, {0x2C75, 0x2C75, 1, 1}, {0x2C7E, 0x2C7F, -10815, 1}, {0x2C80, 0x2CE2, 1, 2},
    {0x2CEB, 0x2CED, 1, 2}, {0x2CF2, 0x2CF2, 1, 1}, {0xA640, 0xA66C, 1, 2}, {0xA680, 0xA69A, 1, 2},
    {0xA722, 0xA72E, 1, 2}, {0xA732, 0xA76E, 1, 2}, {0xA779, 0xA77B, 1, 2}, {0xA77D, 0xA77D, -35332, 1},
    {0xA77E, 0xA786, 1, 2}, {0xA78B, 0xA78B, 1, 1}, {0xA78D, 0xA78D, -42280, 1}, {0xA790, 0xA792, 1, 2},
    {0xA796, 0xA7A8, 1, 2}, {0xA7AA, 0xA7AA, -42308, 1}, {0xA7AB, 0xA7AB, -42319, 1}, {0xA7AC, 0xA7AC, -42315, 1},
    {0xA7AD, 0xA7AD, -42305, 1}, {0xA7AE, 0xA7AE, -42308, 1}, {0xA7B0, 0xA7B0, -42258, 1}, {0xA7B1, 0xA7B1, -42282, 1},
    {0xA7B2, 0xA7B2, -42261, 1}, {0xA7B3, 0xA7B3, 928, 1}, {0xA7B4, 0xA7C2, 1, 2}, {0xA7C4, 0xA7C4, -48, 1},
    {0xA7C5, 0xA7C5, -42307, 1}, {0xA7C6, 0xA7C6, -35384, 1}, {0xA7C7, 0xA7C9, 1, 2}, {0xA7D0, 0xA7D0, 1, 1},
    {0xA7D6, 0xA7D8, 1, 2}, {0xA7F5, 0xA7F5, 1, 1}, {0xFF21, 0xFF3A, 32, 1}, {0x10400, 0x10427, 40, 1},
    {0x104B0, 0x104D3, 40, 1}, {0x10570, 0x1057A, 39, 1}, {0x1057C, 0x1058A, 39, 1}, {0x1058C, 0x10592, 39, 1},
    {0x10594, 0x10595, 39, 1}, {0x10C80, 0x10CB2, 64, 1}, {0x118A0, 0x118BF, 32, 1}, {0x16E40, 0x16E5F, 32, 1},
    {0x1E900, 0x1E921, 34, 1},
};
const CaseMulti kLowerMulti[] = {
    {0x130, {0x69, 0x307, 0x0}},
};
const size_t kUpperRunCount = std::size(kUpperRuns);
const size_t kUpperMultiCount = std::size(kUpperMulti);
const size_t kLowerRunCount = std::size(kLowerRuns);
const size_t kLowerMultiCount = std::size(kLowerMulti);

}  // namespace
}  // namespace guard
