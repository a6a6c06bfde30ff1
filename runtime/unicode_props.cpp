// Resolves \p{..} names to code point ranges (see unicode_props.h), following
// regex-syntax 0.8's ClassQuery: a lone name is a binary property, else a
// general category, else a script; `name=value` (or `name:value`, or
// `name!=value`, which 3.1.1 reads like `=`) selects General_Category,
// Script, Script_Extensions, Age, Grapheme_Cluster_Break, Sentence_Break or
// Word_Break by value. Called by the regex translator (runtime/regex.cpp).
#include "runtime/unicode_props.h"

#include <algorithm>
#include <optional>
#include <string>

namespace guard::unicode {
namespace {

struct NamedRanges {
  std::string_view name;
  uint32_t first, count;  // into kRanges
};
struct Alias {
  std::string_view normalized, canonical;
};

#include "unicode_tables.inc"  // generated: kRanges, the tables and the aliases

// regex-syntax's symbolic_name_normalize: drop an "is" prefix, ' ', '_', '-'
// and every non-ASCII character; lower-case the rest. "isc" stays "isc" (the
// ISO_Comment alias), not the category "c".
std::string normalize(std::string_view s) {
  const bool isPrefix = s.size() >= 2 && (s[0] | 32) == 'i' && (s[1] | 32) == 's';
  std::string out;
  for (size_t k = isPrefix ? 2 : 0; k < s.size(); ++k) {
    const auto c = static_cast<unsigned char>(s[k]);
    if (c == ' ' || c == '_' || c == '-' || c > 0x7F) continue;
    out.push_back(c >= 'A' && c <= 'Z' ? char(c + 32) : char(c));
  }
  if (isPrefix && out == "c") out = "isc";
  return out;
}

template <size_t N>
std::string_view canonical(const Alias (&aliases)[N], std::string_view normalized) {
  for (const Alias& a : aliases)
    if (a.normalized == normalized) return a.canonical;
  return {};
}

template <size_t N>
const NamedRanges* table(const NamedRanges (&tables)[N], std::string_view name) {
  for (const NamedRanges& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

void append(std::vector<CodeRange>& out, const NamedRanges& t) {
  for (uint32_t k = t.first; k < t.first + t.count; ++k) out.push_back({kRanges[k][0], kRanges[k][1]});
}

Error notFound(std::string_view spec) {
  return Error::plain(ErrorKind::RegexInvalid, "Unicode property not found: '" + std::string(spec) + "'");
}

template <size_t N>
Result<std::vector<CodeRange>> fromTable(const NamedRanges (&tables)[N], std::string_view name,
                                         std::string_view spec) {
  const NamedRanges* t = name.empty() ? nullptr : table(tables, name);
  if (!t) return notFound(spec);
  std::vector<CodeRange> out;
  append(out, *t);
  return out;
}

// The complement of the Unassigned category (surrogates stay out).
std::vector<CodeRange> assigned() {
  std::vector<CodeRange> out;
  uint32_t next = 0;
  std::vector<CodeRange> unassigned;
  append(unassigned, *table(kGeneralCategories, "Unassigned"));
  for (const CodeRange r : unassigned) {
    if (r.lo > next) out.push_back({next, r.lo - 1});
    next = r.hi + 1;
  }
  if (next <= 0x10FFFF) out.push_back({next, 0x10FFFF});
  return out;
}

// A general category by normalized name, with regex-syntax's three extra
// names Any, Assigned and ASCII; nullopt if it names none.
std::optional<Result<std::vector<CodeRange>>> generalCategory(const std::string& norm, std::string_view spec) {
  if (norm == "any") return std::vector<CodeRange>{{0, 0x10FFFF}};
  if (norm == "assigned") return assigned();
  if (norm == "ascii") return std::vector<CodeRange>{{0, 0x7F}};
  std::string_view name = canonical(kGeneralCategoryValues, norm);
  if (name.empty()) return std::nullopt;
  return fromTable(kGeneralCategories, name, spec);
}

Result<std::vector<CodeRange>> byName(std::string_view name, std::string_view spec) {
  const std::string norm = normalize(name);
  // cf, sc and lc are also property aliases (Case_Folding, Script,
  // Lowercase_Mapping); regex-syntax reads them as the categories.
  if (norm != "cf" && norm != "sc" && norm != "lc") {
    std::string_view property = canonical(kPropertyNames, norm);
    if (!property.empty()) return fromTable(kBinaryProperties, property, spec);
  }
  if (auto gc = generalCategory(norm, spec)) return std::move(*gc);
  std::string_view script = canonical(kScriptValues, norm);
  if (!script.empty()) return fromTable(kScripts, script, spec);
  return notFound(spec);
}

// Age=V is cumulative: every code point assigned in version V or before.
Result<std::vector<CodeRange>> age(std::string_view version, std::string_view spec) {
  std::vector<CodeRange> out;
  for (const NamedRanges& t : kAges) {
    append(out, t);
    if (t.name == version) {
      std::sort(out.begin(), out.end(), [](CodeRange a, CodeRange b) { return a.lo < b.lo; });
      return out;
    }
  }
  return notFound(spec);
}

Result<std::vector<CodeRange>> byValue(std::string_view name, std::string_view value, std::string_view spec) {
  const std::string_view property = canonical(kPropertyNames, normalize(name));
  const std::string v = normalize(value);
  if (property == "General_Category") {
    if (auto gc = generalCategory(v, spec)) return std::move(*gc);
    return notFound(spec);
  }
  if (property == "Script") return fromTable(kScripts, canonical(kScriptValues, v), spec);
  if (property == "Script_Extensions") return fromTable(kScriptExtensions, canonical(kScriptValues, v), spec);
  if (property == "Age") {
    std::string_view version = canonical(kAgeValues, v);
    return version.empty() ? Result<std::vector<CodeRange>>(notFound(spec)) : age(version, spec);
  }
  if (property == "Grapheme_Cluster_Break")
    return fromTable(kGraphemeClusterBreak, canonical(kGraphemeClusterBreakValues, v), spec);
  if (property == "Sentence_Break") return fromTable(kSentenceBreak, canonical(kSentenceBreakValues, v), spec);
  if (property == "Word_Break") return fromTable(kWordBreak, canonical(kWordBreakValues, v), spec);
  return notFound(spec);
}

}  // namespace

Result<std::vector<CodeRange>> propertyClass(std::string_view spec) {
  // regex-syntax looks for "!=" first, then ':', then '='.
  if (size_t k = spec.find("!="); k != std::string_view::npos)
    return byValue(spec.substr(0, k), spec.substr(k + 2), spec);
  if (size_t k = spec.find(':'); k != std::string_view::npos)
    return byValue(spec.substr(0, k), spec.substr(k + 1), spec);
  if (size_t k = spec.find('='); k != std::string_view::npos)
    return byValue(spec.substr(0, k), spec.substr(k + 1), spec);
  return byName(spec, spec);
}

bool isAlphanumeric(uint32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || ((cp | 32) >= 'a' && (cp | 32) <= 'z');
  auto in = [cp](const NamedRanges* t) {
    for (uint32_t k = t->first; k < t->first + t->count; ++k)
      if (kRanges[k][0] <= cp && cp <= kRanges[k][1]) return true;
    return false;
  };
  static const NamedRanges* alphabetic = table(kBinaryProperties, "Alphabetic");
  static const NamedRanges* number = table(kGeneralCategories, "Number");
  return in(alphabetic) || in(number);
}

}  // namespace guard::unicode
