// JSON value tree, serde_json-style writers and the serde_yaml-style YAML
// writer over libyaml; see json_writer.h. Used by every structured report.
#include "runtime/json_writer.h"

#include <yaml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "runtime/value_text.h"

namespace guard::json {

// ------------------------------------------------------------------ values

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::Bool;
  v.b_ = b;
  return v;
}

Value Value::integer(int64_t i) {
  Value v;
  v.kind_ = Kind::Int;
  v.i_ = i;
  return v;
}

Value Value::number(double d) {
  // serde_json turns non-finite floats into null.
  if (!std::isfinite(d)) return null();
  Value v;
  v.kind_ = Kind::Float;
  v.f_ = d;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::String;
  v.s_ = std::move(s);
  return v;
}

Value Value::array() {
  Value v;
  v.kind_ = Kind::Array;
  return v;
}

Value Value::object() {
  Value v;
  v.kind_ = Kind::Object;
  return v;
}

Value& Value::push(Value v) {
  items_.push_back(std::move(v));
  return items_.back();
}

Value& Value::set(std::string key, Value v) {
  members_.emplace_back(std::move(key), std::move(v));
  return members_.back().second;
}

static std::string charText(uint32_t cp) {
  std::string s;
  // Reuse the compact JSON writer's UTF-8 encoding through a temporary node.
  Node n;
  n.kind = NodeKind::Char;
  n.ch = cp;
  appendValueOnly(s, &n);  // 'c'
  return s.substr(1, s.size() - 2);
}

Value fromNode(const Node* n) {
  TreeWriter t;
  t.node(n);
  return t.take();
}

// ------------------------------------------------------------------ floats

// Shortest round-trip digits and the decimal exponent of the first digit.
static void shortestDigits(double d, std::string& digits, int& exp10) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  size_t e = s.find('e');
  exp10 = std::atoi(s.c_str() + e + 1);
  digits.clear();
  for (size_t i = 0; i < e; ++i)
    if (s[i] >= '0' && s[i] <= '9') digits.push_back(s[i]);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
}

// ryu::Buffer::format_finite (ryu's pretty.rs), which both serde_json and
// serde_yaml use for f64.
std::string formatFloat(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  std::string out = std::signbit(d) ? "-" : "";
  if (d == 0) return out + "0.0";
  std::string digits;
  int exp10;
  shortestDigits(std::fabs(d), digits, exp10);
  int length = int(digits.size());
  int kk = exp10 + 1;        // 10^(kk-1) <= v < 10^kk
  int k = kk - length;       // v = digits * 10^k
  if (k >= 0 && kk <= 16) {
    out += digits + std::string(size_t(k), '0') + ".0";
  } else if (kk > 0 && kk <= 16) {
    out += digits.substr(0, size_t(kk)) + "." + digits.substr(size_t(kk));
  } else if (kk > -5 && kk <= 0) {
    out += "0." + std::string(size_t(-kk), '0') + digits;
  } else if (length == 1) {
    out += digits + "e" + std::to_string(kk - 1);
  } else {
    out += digits.substr(0, 1) + "." + digits.substr(1) + "e" + std::to_string(kk - 1);
  }
  return out;
}

// ------------------------------------------------------------------ JSON

static void writeScalar(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Null: out += "null"; break;
    case Value::Kind::Bool: out += v.asBool() ? "true" : "false"; break;
    case Value::Kind::Int: out += std::to_string(v.asInt()); break;
    case Value::Kind::Float: out += formatFloat(v.asFloat()); break;
    case Value::Kind::String: appendJsonString(out, v.asString()); break;
    default: break;
  }
}

// ------------------------------------------------------------------ events

void Events::value(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Null: return null();
    case Value::Kind::Bool: return boolean(v.asBool());
    case Value::Kind::Int: return integer(v.asInt());
    case Value::Kind::Float: return number(v.asFloat());
    case Value::Kind::String: return string(v.asString());
    case Value::Kind::Array:
      beginArray();
      for (const Value& item : v.items()) value(item);
      return endArray();
    case Value::Kind::Object:
      beginObject();
      for (const auto& [k, item] : v.members()) {
        key(k);
        value(item);
      }
      return endObject();
  }
}

void Events::node(const Node* n) {
  switch (n->kind) {
    case NodeKind::Null: return null();
    case NodeKind::Bool: return boolean(n->b);
    case NodeKind::Int: return integer(n->i);
    case NodeKind::Float: return number(n->f);
    case NodeKind::String: return string(n->text());
    case NodeKind::Regex: return string(slashedRegex(n));
    case NodeKind::Char: return string(charText(n->ch));
    case NodeKind::List:
      beginArray();
      for (uint32_t i = 0; i < n->list.size; ++i) node(n->list.items[i]);
      return endArray();
    case NodeKind::Map:
      beginObject();
      for (uint32_t i = 0; i < n->map.size; ++i) {
        key(n->map.entries[i].keyText());
        node(n->map.entries[i].value);
      }
      return endObject();
    case NodeKind::RangeInt:
    case NodeKind::RangeFloat:
    case NodeKind::RangeChar:
      return string(valueOnly(n));
  }
}

static void indentTo(std::string& out, int level) { out.append(size_t(level) * 2, ' '); }

void PrettyWriter::beforeValue() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (empty_.empty()) return;  // the value itself, not an item
  out_ += empty_.back() ? "\n" : ",\n";
  empty_.back() = false;
  indentTo(out_, base_ + int(empty_.size()));
}

void PrettyWriter::open(char bracket) {
  beforeValue();
  out_.push_back(bracket);
  empty_.push_back(true);
}

void PrettyWriter::close(char bracket) {
  const bool wasEmpty = empty_.back();
  empty_.pop_back();
  if (!wasEmpty) {
    out_.push_back('\n');
    indentTo(out_, base_ + int(empty_.size()));
  }
  out_.push_back(bracket);
}

void PrettyWriter::key(std::string_view k) {
  beforeValue();
  appendJsonString(out_, k);
  out_ += ": ";
  afterKey_ = true;
}

void PrettyWriter::null() {
  beforeValue();
  out_ += "null";
}

void PrettyWriter::boolean(bool b) {
  beforeValue();
  out_ += b ? "true" : "false";
}

void PrettyWriter::integer(int64_t i) {
  beforeValue();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, i).ptr);
}

void PrettyWriter::number(double d) {
  if (!std::isfinite(d)) return null();
  beforeValue();
  out_ += formatFloat(d);
}

void PrettyWriter::string(std::string_view s) {
  beforeValue();
  appendJsonString(out_, s);
}

Value& TreeWriter::put(Value v) {
  if (stack_.empty()) return root_ = std::move(v);
  Value& parent = *stack_.back();
  return parent.kind() == Value::Kind::Array ? parent.push(std::move(v)) : parent.set(std::move(key_), std::move(v));
}

void writePretty(std::string& out, const Value& v) { writePretty(out, v, 0); }

void writePretty(std::string& out, const Value& v, int level) {
  PrettyWriter w(out, level);
  w.value(v);
}

void writeCompact(std::string& out, const Value& v) {
  if (v.kind() == Value::Kind::Array) {
    out.push_back('[');
    for (size_t i = 0; i < v.items().size(); ++i) {
      if (i) out.push_back(',');
      writeCompact(out, v.items()[i]);
    }
    out.push_back(']');
  } else if (v.kind() == Value::Kind::Object) {
    out.push_back('{');
    for (size_t i = 0; i < v.members().size(); ++i) {
      if (i) out.push_back(',');
      appendJsonString(out, v.members()[i].first);
      out.push_back(':');
      writeCompact(out, v.members()[i].second);
    }
    out.push_back('}');
  } else {
    writeScalar(out, v);
  }
}

// ------------------------------------------------------------------ YAML

namespace {

// serde_yaml's digits_but_not_number: a leading zero followed by digits is a
// string in YAML 1.2, but would look like a number to a reader.
bool digitsButNotNumber(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.size() <= 1 || s[0] != '0') return false;
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

bool allDigits(std::string_view s, int radix) {
  if (s.empty()) return false;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0'
            : (c >= 'a' && c <= 'z') ? c - 'a' + 10
            : (c >= 'A' && c <= 'Z') ? c - 'A' + 10
                                     : 99;
    if (d >= radix) return false;
  }
  return true;
}

// Would serde_yaml's untagged-scalar visitor read `s` as an integer? Rust's
// from_str_radix takes an optional sign; values past 128 bits are not ints.
bool readsAsInt(std::string_view s) {
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && body[0] == '+') {
    body.remove_prefix(1);
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) return false;
  } else if (!body.empty() && body[0] == '-') {
    body.remove_prefix(1);
    neg = true;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) return false;
  }
  static const struct { const char* prefix; int radix; int maxDigits; } kRadix[] = {
      {"0x", 16, 32}, {"0o", 8, 43}, {"0b", 2, 128}};
  for (const auto& r : kRadix) {
    if (body.substr(0, 2) == r.prefix) {
      std::string_view rest = body.substr(2);
      // from_str_radix accepts one leading '+' on the digits too.
      if (!neg && !rest.empty() && rest[0] == '+') rest.remove_prefix(1);
      std::string_view trimmed = rest;
      while (trimmed.size() > 1 && trimmed[0] == '0') trimmed.remove_prefix(1);
      if (allDigits(rest, r.radix) && int(trimmed.size()) <= r.maxDigits) return true;
    }
  }
  if (digitsButNotNumber(s)) return false;
  std::string_view trimmed = body;
  while (trimmed.size() > 1 && trimmed[0] == '0') trimmed.remove_prefix(1);
  return allDigits(body, 10) && trimmed.size() <= 39;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Rust's str::parse::<f64> grammar: [+-]? (digits [. digits?] | . digits) ([eE][+-]?digits)?,
// or inf/infinity/nan in any case; serde_yaml keeps only finite results.
bool readsAsFloat(std::string_view s) {
  std::string_view body = s;
  if (!body.empty() && body[0] == '+') {
    body.remove_prefix(1);
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) return false;
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") return true;
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return true;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  std::string_view num = body;
  if (!num.empty() && (num[0] == '-' || num[0] == '+')) num.remove_prefix(1);
  if (equalsNoCase(num, "inf") || equalsNoCase(num, "infinity") || equalsNoCase(num, "nan"))
    return false;  // parses, but not finite
  size_t i = 0, intDigits = 0, fracDigits = 0;
  while (i < num.size() && num[i] >= '0' && num[i] <= '9') ++i, ++intDigits;
  if (i < num.size() && num[i] == '.') {
    ++i;
    while (i < num.size() && num[i] >= '0' && num[i] <= '9') ++i, ++fracDigits;
  }
  if (intDigits + fracDigits == 0) return false;
  if (i < num.size() && (num[i] == 'e' || num[i] == 'E')) {
    ++i;
    if (i < num.size() && (num[i] == '+' || num[i] == '-')) ++i;
    size_t expDigits = 0;
    while (i < num.size() && num[i] >= '0' && num[i] <= '9') ++i, ++expDigits;
    if (expDigits == 0) return false;
  }
  if (i != num.size()) return false;
  std::string copy(body);
  return std::isfinite(std::strtod(copy.c_str(), nullptr));
}

// serde_yaml 0.9 serialize_str: multi-line strings ask for a literal block;
// strings that would read back as null, a bool or a number ask for single
// quotes; everything else lets libyaml choose.
yaml_scalar_style_t stringStyle(std::string_view s) {
  if (s.find('\n') != std::string_view::npos) return YAML_LITERAL_SCALAR_STYLE;
  if (s.empty() || s == "null" || s == "Null" || s == "NULL" || s == "~")
    return YAML_SINGLE_QUOTED_SCALAR_STYLE;
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE")
    return YAML_SINGLE_QUOTED_SCALAR_STYLE;
  if (readsAsInt(s)) return YAML_SINGLE_QUOTED_SCALAR_STYLE;
  // 0.9.17 leaves "0123" (digits with a leading zero) to libyaml: plain.
  if (!digitsButNotNumber(s) && readsAsFloat(s)) return YAML_SINGLE_QUOTED_SCALAR_STYLE;
  return YAML_ANY_SCALAR_STYLE;
}

int appendToString(void* data, unsigned char* buffer, size_t size) {
  static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
  return 1;
}

class YamlEmitter {
 public:
  explicit YamlEmitter(std::string& out) {
    ok_ = yaml_emitter_initialize(&em_) != 0;
    if (!ok_) return;
    yaml_emitter_set_unicode(&em_, 1);
    yaml_emitter_set_width(&em_, -1);
    yaml_emitter_set_output(&em_, appendToString, &out);
  }
  ~YamlEmitter() { yaml_emitter_delete(&em_); }

  bool begin() {
    yaml_event_t ev;
    if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) || !emit(ev)) return ok_ = false;
    if (!yaml_document_start_event_initialize(&ev, nullptr, nullptr, nullptr, 1)) return ok_ = false;
    return emit(ev);
  }

  bool end() {
    yaml_event_t ev;
    yaml_document_end_event_initialize(&ev, 1);
    if (!emit(ev)) return false;
    yaml_stream_end_event_initialize(&ev);
    if (!emit(ev)) return false;
    return flush();
  }

  bool flush() { return ok_ && yaml_emitter_flush(&em_) != 0; }

  // libyaml refuses a scalar that is not UTF-8 and then leaves the event
  // uninitialised: emitting it anyway queued stack garbage that
  // yaml_emitter_delete freed (found by the reports fuzzer). A refused event
  // fails the writer instead.
  bool scalar(std::string_view text, yaml_scalar_style_t style) {
    if (!ok_) return false;  // an event made and not emitted would leak
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, nullptr, nullptr,
                                      reinterpret_cast<yaml_char_t*>(const_cast<char*>(text.data())),
                                      int(text.size()), 1, 1, style))
      return ok_ = false;
    return emit(ev);
  }

  bool beginMap() {
    if (!ok_) return false;
    yaml_event_t ev;
    if (!yaml_mapping_start_event_initialize(&ev, nullptr, nullptr, 1, YAML_ANY_MAPPING_STYLE)) return ok_ = false;
    return emit(ev);
  }
  bool endMap() {
    yaml_event_t ev;
    yaml_mapping_end_event_initialize(&ev);
    return emit(ev);
  }
  bool beginSeq() {
    if (!ok_) return false;
    yaml_event_t ev;
    if (!yaml_sequence_start_event_initialize(&ev, nullptr, nullptr, 1, YAML_ANY_SEQUENCE_STYLE)) return ok_ = false;
    return emit(ev);
  }
  bool endSeq() {
    yaml_event_t ev;
    yaml_sequence_end_event_initialize(&ev);
    return emit(ev);
  }

  bool ok() const { return ok_; }

 private:
  bool emit(yaml_event_t& ev) {
    ok_ = ok_ && yaml_emitter_emit(&em_, &ev) != 0;
    return ok_;
  }

  yaml_emitter_t em_;
  bool ok_ = false;
};

}  // namespace

bool writeYaml(std::string& out, const Value& v) {
  YamlWriter y(out);
  if (!y.begin()) return false;
  y.value(v);
  return y.end();
}

struct YamlWriter::Impl {
  explicit Impl(std::string& out) : e(out) {}
  YamlEmitter e;
};

YamlWriter::YamlWriter(std::string& out) : impl_(std::make_unique<Impl>(out)) {}
YamlWriter::~YamlWriter() = default;
bool YamlWriter::begin() { return impl_->e.begin(); }
bool YamlWriter::end() { return impl_->e.end(); }
bool YamlWriter::flush() { return impl_->e.flush(); }
bool YamlWriter::ok() const { return impl_->e.ok(); }
void YamlWriter::beginObject() { impl_->e.beginMap(); }
void YamlWriter::endObject() { impl_->e.endMap(); }
void YamlWriter::beginArray() { impl_->e.beginSeq(); }
void YamlWriter::endArray() { impl_->e.endSeq(); }
void YamlWriter::key(std::string_view k) { impl_->e.scalar(k, stringStyle(k)); }
void YamlWriter::null() { impl_->e.scalar("null", YAML_PLAIN_SCALAR_STYLE); }
void YamlWriter::boolean(bool b) { impl_->e.scalar(b ? "true" : "false", YAML_PLAIN_SCALAR_STYLE); }
void YamlWriter::integer(int64_t i) { impl_->e.scalar(std::to_string(i), YAML_PLAIN_SCALAR_STYLE); }
void YamlWriter::number(double d) {
  if (!std::isfinite(d)) return null();
  impl_->e.scalar(formatFloat(d), YAML_PLAIN_SCALAR_STYLE);
}
void YamlWriter::string(std::string_view s) { impl_->e.scalar(s, stringStyle(s)); }

}  // namespace guard::json
