// Text forms of values; see value_text.h.
#include "runtime/value_text.h"

#include "runtime/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace guard {

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

// Shortest round-trip digits in exponent form ("1.2345678901234567e+19"). The
// plain to_chars overload may pick fixed notation, which prints the exact
// binary value of a large float (12345678901234567168) where Rust pads the
// shortest digits with zeros (12345678901234567000).
static std::string shortestRoundTrip(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  return std::string(buf, r.ptr);
}

// Rust prints floats in plain decimal notation (never exponent form) for Display.
static std::string plainDecimal(double d) {
  std::string s = shortestRoundTrip(d);
  auto e = s.find('e');
  if (e == std::string::npos) return s;
  // Expand the exponent form into plain digits.
  bool neg = s[0] == '-';
  std::string mant = s.substr(neg ? 1 : 0, e - (neg ? 1 : 0));
  int exp = std::stoi(s.substr(e + 1));
  std::string digits;
  int pointPos;
  auto dot = mant.find('.');
  if (dot == std::string::npos) {
    digits = mant;
    pointPos = int(mant.size());
  } else {
    digits = mant.substr(0, dot) + mant.substr(dot + 1);
    pointPos = int(dot);
  }
  pointPos += exp;
  std::string res;
  if (pointPos <= 0) {
    res = "0." + std::string(size_t(-pointPos), '0') + digits;
  } else if (pointPos >= int(digits.size())) {
    res = digits + std::string(size_t(pointPos - int(digits.size())), '0');
  } else {
    res = digits.substr(0, size_t(pointPos)) + "." + digits.substr(size_t(pointPos));
  }
  return neg ? "-" + res : res;
}

std::string formatFloatDisplay(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  return plainDecimal(d);
}

// serde_json prints f64 through ryu (json_writer.cpp has the exact rules:
// "1.0", "1e20", "1.5e-7").
std::string formatFloatJson(double d) {
  if (!std::isfinite(d)) return "null";
  return json::formatFloat(d);
}

static bool needsJsonEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The index of the first byte of s[i, n) that JSON must escape, or n. Sixteen
// bytes at a time where SSE2 is there (every x86-64): most report strings
// are paths and messages with nothing to escape.
static size_t nextJsonEscape(const char* s, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  const __m128i lastControl = _mm_set1_epi8(0x1f);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, lastControl), v);  // v <= 0x1f
    const __m128i hit = _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (const int mask = _mm_movemask_epi8(hit)) return i + size_t(__builtin_ctz(unsigned(mask)));
  }
#endif
  for (; i < n; ++i)
    if (needsJsonEscape(static_cast<unsigned char>(s[i]))) return i;
  return n;
}

// JSON string escaping as serde_json writes it: '"', '\\' and the controls
// below 0x20; every other byte is copied, in runs between the escapes.
// Built by appends: GCC 12 warns (-Wrestrict, wrongly) on "/" + text + "/".
std::string slashedRegex(const Node* n) {
  std::string s;
  s.reserve(n->str.size + 2);
  s.push_back('/');
  s.append(n->text());
  s.push_back('/');
  return s;
}

// Eight bytes at a time: big templates are tens of megabytes.
bool isAscii(std::string_view s) {
  size_t i = 0;
  uint64_t acc = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    acc |= w;
  }
  for (; i < s.size(); ++i) acc |= uint8_t(s[i]);
  return (acc & 0x8080808080808080ull) == 0;
}

void appendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t run = 0;  // the first byte not yet appended
  for (size_t i = nextJsonEscape(s.data(), 0, s.size()); i < s.size();
       i = nextJsonEscape(s.data(), i + 1, s.size())) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(u, sizeof u);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

static void appendRange(std::string& out, const Node* n) {
  out.push_back((n->flags & kLowerInclusive) ? '[' : '(');
  switch (n->kind) {
    case NodeKind::RangeInt:
      out += std::to_string(n->irange.lo) + "," + std::to_string(n->irange.hi);
      break;
    case NodeKind::RangeFloat:
      out += formatFloatDisplay(n->frange.lo) + "," + formatFloatDisplay(n->frange.hi);
      break;
    default:
      appendUtf8(out, n->crange.lo);
      out.push_back(',');
      appendUtf8(out, n->crange.hi);
      break;
  }
  out.push_back((n->flags & kUpperInclusive) ? ']' : ')');
}

void appendValueOnly(std::string& out, const Node* n) {
  switch (n->kind) {
    case NodeKind::Null: out += "\"NULL\""; break;
    case NodeKind::Bool: out += n->b ? "true" : "false"; break;
    case NodeKind::Int: out += std::to_string(n->i); break;
    case NodeKind::Float: out += formatFloatDisplay(n->f); break;
    case NodeKind::String:
      out.push_back('"');
      out.append(n->text());
      out.push_back('"');
      break;
    case NodeKind::Regex:
      out += "\"/";
      out.append(n->text());
      out += "/\"";
      break;
    case NodeKind::Char:
      out.push_back('\'');
      appendUtf8(out, n->ch);
      out.push_back('\'');
      break;
    case NodeKind::List:
      out.push_back('[');
      for (uint32_t i = 0; i < n->list.size; ++i) {
        if (i) out.push_back(',');
        appendValueOnly(out, n->list.items[i]);
      }
      out.push_back(']');
      break;
    case NodeKind::Map:
      out.push_back('{');
      for (uint32_t i = 0; i < n->map.size; ++i) {
        if (i) out.push_back(',');
        out.push_back('"');
        out.append(n->map.entries[i].keyText());
        out += "\":";
        appendValueOnly(out, n->map.entries[i].value);
      }
      out.push_back('}');
      break;
    case NodeKind::RangeInt:
    case NodeKind::RangeFloat:
    case NodeKind::RangeChar:
      appendRange(out, n);
      break;
  }
}

std::string valueOnly(const Node* n) {
  std::string s;
  appendValueOnly(s, n);
  return s;
}

void appendJsonCompact(std::string& out, const Node* n) {
  switch (n->kind) {
    case NodeKind::Null: out += "null"; break;
    case NodeKind::Bool: out += n->b ? "true" : "false"; break;
    case NodeKind::Int: out += std::to_string(n->i); break;
    case NodeKind::Float: out += formatFloatJson(n->f); break;
    case NodeKind::String: appendJsonString(out, n->text()); break;
    case NodeKind::Regex: appendJsonString(out, slashedRegex(n)); break;
    case NodeKind::Char: {
      std::string s;
      appendUtf8(s, n->ch);
      appendJsonString(out, s);
      break;
    }
    case NodeKind::List:
      out.push_back('[');
      for (uint32_t i = 0; i < n->list.size; ++i) {
        if (i) out.push_back(',');
        appendJsonCompact(out, n->list.items[i]);
      }
      out.push_back(']');
      break;
    case NodeKind::Map:
      out.push_back('{');
      for (uint32_t i = 0; i < n->map.size; ++i) {
        if (i) out.push_back(',');
        appendJsonString(out, n->map.entries[i].keyText());
        out.push_back(':');
        appendJsonCompact(out, n->map.entries[i].value);
      }
      out.push_back('}');
      break;
    case NodeKind::RangeInt:
    case NodeKind::RangeFloat:
    case NodeKind::RangeChar: {
      std::string s;
      appendRange(s, n);
      appendJsonString(out, s);
      break;
    }
  }
}

const char* typeInfo(const Node* n) {
  switch (n->kind) {
    case NodeKind::Null: return "null";
    case NodeKind::Bool: return "bool";
    case NodeKind::Int: return "int";
    case NodeKind::Float: return "float";
    case NodeKind::String: return "String";
    case NodeKind::List: return "array";
    case NodeKind::Map: return "map";
    case NodeKind::Regex: return "Regex";
    case NodeKind::Char: return "char";
    case NodeKind::RangeInt: return "range(int, int)";
    case NodeKind::RangeFloat: return "range(float, float)";
    case NodeKind::RangeChar: return "range(char, char)";
  }
  return "?";
}

}  // namespace guard
