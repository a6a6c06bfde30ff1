// Rust {:?} texts of values, as cfn-guard 3.1.1 prints them inside its
// messages (PathAwareValue, Path, f64, RangeType). Called by the reports
// (report/model.cpp: reasons, unresolved values) and by the VM's error texts
// (vm/keys_filter.cpp: a non-string interpolated key).
#include "runtime/rust_debug.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "runtime/value_text.h"

namespace guard {

std::string floatDebug(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  double a = std::fabs(d);
  if (a != 0 && (a < 1e-4 || a >= 1e16)) {
    // {:e}: shortest digits, "d.ddde<exp>" without a '+'.
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string s(buf, r.ptr);
    size_t e = s.find('e');
    std::string mant = s.substr(0, e);
    int exp = std::atoi(s.c_str() + e + 1);
    return mant + "e" + std::to_string(exp);
  }
  std::string s = formatFloatDisplay(d);
  if (s.find('.') == std::string::npos) s += ".0";
  return s;
}

void appendDebugString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\0': out += "\\0"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "\\u{%x}", c);
          out += buf;
        } else {
          out.push_back(char(c));
        }
    }
  }
  out.push_back('"');
}

void appendDebugPath(std::string& out, std::string_view path, uint32_t line, uint32_t col) {
  out += "Path(";
  appendDebugString(out, path);
  out += ", Location { line: " + std::to_string(line) + ", col: " + std::to_string(col) + " })";
}

// Rust {:?} of cfn-guard's RangeType: `inclusive` holds its bit flags, which
// are ours (kLowerInclusive 1, kUpperInclusive 2).
static void appendRangeDebug(std::string& out, const Node* n) {
  std::string lo, hi;
  switch (n->kind) {
    case NodeKind::RangeInt:
      lo = std::to_string(n->irange.lo);
      hi = std::to_string(n->irange.hi);
      break;
    case NodeKind::RangeFloat:
      lo = floatDebug(n->frange.lo);
      hi = floatDebug(n->frange.hi);
      break;
    default:
      lo = "'";
      appendUtf8(lo, n->crange.lo);
      lo += "'";
      hi = "'";
      appendUtf8(hi, n->crange.hi);
      hi += "'";
      break;
  }
  out += "RangeType { upper: " + hi + ", lower: " + lo +
         ", inclusive: " + std::to_string(n->flags & (kLowerInclusive | kUpperInclusive)) + " }";
}

void appendRustDebug(std::string& out, const Node* n) {
  std::string path = pathOf(n);
  auto open = [&](const char* kind) {
    out += kind;
    out += "((";
    appendDebugPath(out, path, n->line, n->col);
    out += ", ";
  };
  switch (n->kind) {
    case NodeKind::Null:
      out += "Null(";
      appendDebugPath(out, path, n->line, n->col);
      out += ")";
      return;
    case NodeKind::Bool: open("Bool"); out += n->b ? "true" : "false"; break;
    case NodeKind::Int: open("Int"); out += std::to_string(n->i); break;
    case NodeKind::Float: open("Float"); out += floatDebug(n->f); break;
    case NodeKind::String: open("String"); appendDebugString(out, n->text()); break;
    case NodeKind::Regex: open("Regex"); appendDebugString(out, n->text()); break;
    case NodeKind::Char: {
      open("Char");
      std::string v = valueOnly(n);  // 'c'
      out += v;
      break;
    }
    case NodeKind::List:
      open("List");
      out += "[";
      for (uint32_t i = 0; i < n->list.size; ++i) {
        if (i) out += ", ";
        appendRustDebug(out, n->list.items[i]);
      }
      out += "]";
      break;
    case NodeKind::Map: {
      open("Map");
      out += "MapValue { keys: [";
      // Every occurrence of a key the text repeats, at its own position.
      bool first = true;
      forEachKeyOccurrence(n, [&](const MapEntry& e, const KeyOccurrence& o) {
        if (!first) out += ", ";
        first = false;
        out += "String((";
        // A data map's keys carry the map's path; a rule literal's, and
        // those a merge added, their own.
        const bool atEntry = e.id == kNoKey || o.atEntryPath;
        appendDebugPath(out, atEntry ? path + "/" + std::string(e.keyText()) : path, o.line, o.col);
        out += ", ";
        appendDebugString(out, e.keyText());
        out += "))";
      });
      out += "], values: {";
      for (uint32_t i = 0; i < n->map.size; ++i) {
        const MapEntry& e = n->map.entries[i];
        if (i) out += ", ";
        appendDebugString(out, e.keyText());
        out += ": ";
        appendRustDebug(out, e.value);
      }
      out += "} }";
      break;
    }
    case NodeKind::RangeInt:
    case NodeKind::RangeFloat:
    case NodeKind::RangeChar:
      open(n->kind == NodeKind::RangeInt ? "RangeInt" : n->kind == NodeKind::RangeFloat ? "RangeFloat" : "RangeChar");
      appendRangeDebug(out, n);
      break;
  }
  out += "))";
}

std::string rustDebug(const Node* n) {
  std::string s;
  appendRustDebug(s, n);
  return s;
}

}  // namespace guard
