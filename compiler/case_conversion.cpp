// Key case conversions of spec §6.3, as cfn-guard 3.1.1 computes them with
// the Inflector crate 0.11; see case_conversion.h. Called by the lowering of
// key parts (compiler/lower.cpp).
//
// Inflector has two word splitters, and the conversions differ by which one
// they use:
//  * the "camel-like" one (camel, class, pascal, title, train): any
//    non-alphanumeric character separates words; a digit is copied and starts
//    a new word after it ("http2enabled" -> "Http2Enabled"); a capital starts a
//    new word only after a lowercase letter, and the remembered "previous
//    letter" is only updated by letters that are not word starts, so a run of
//    capitals is one word ("SSLCert" -> "Sslcert", "eTag" -> "etag");
//  * the "snake-like" one (snake, kebab): a non-lowercase character (digits
//    and capitals alike) gets a separator before it when the character after
//    or before it is a lowercase letter ("Http2Enabled" -> "http_2_enabled",
//    "SSLCert" -> "ssl_cert", "K8sName" -> "k_8s_name").
// Only ASCII letters change case (Rust's to_ascii_uppercase/lowercase), while
// the letter tests are Unicode ones.
#include "compiler/case_conversion.h"

#include <cstdint>

#include "runtime/functions.h"
#include "runtime/value_text.h"

namespace guard {
namespace {

using Text = std::u32string;

Text decode(std::string_view s) {
  Text out;
  for (size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    const size_t n = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : 4;
    uint32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::string encode(const Text& t) {
  std::string out;
  for (char32_t c : t) appendUtf8(out, uint32_t(c));
  return out;
}

bool isLower(char32_t c) { return isLowercaseChar(uint32_t(c)); }
bool isUpper(char32_t c) { return isUppercaseChar(uint32_t(c)); }
// Rust's char::is_numeric (Unicode N*): ASCII digits and the common
// non-ASCII digit and number-form blocks.
bool isNumeric(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return c == 0xB2 || c == 0xB3 || c == 0xB9 || (c >= 0xBC && c <= 0xBE) || (c >= 0x660 && c <= 0x669) ||
         (c >= 0x6F0 && c <= 0x6F9) || (c >= 0x966 && c <= 0x96F) || c == 0x2070 || (c >= 0x2074 && c <= 0x2079) ||
         (c >= 0x2080 && c <= 0x2089) || (c >= 0x2150 && c <= 0x2182) || (c >= 0x2185 && c <= 0x2189) ||
         (c >= 0x2460 && c <= 0x249B) || (c >= 0x24EA && c <= 0x24FF) || (c >= 0xFF10 && c <= 0xFF19);
}

// Rust's char::is_alphanumeric. Outside ASCII: letters are taken to be the
// characters with a case mapping plus every code point that is not in the
// common punctuation, symbol and space blocks (an approximation: keys are
// ASCII in practice).
bool isAlphanumeric(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isNumeric(c);
  if (isNumeric(c) || isLower(c) || isUpper(c)) return true;
  if (c <= 0xBF) return c == 0xAA || c == 0xBA;
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation, symbols, arrows, shapes
  if (c >= 0x3000 && c <= 0x3003) return false;  // CJK space and punctuation
  if (c >= 0xFF00 && c <= 0xFF0F) return false;  // fullwidth punctuation
  return true;
}

char32_t asciiUpper(char32_t c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }
char32_t asciiLower(char32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// The key without its trailing non-alphanumeric characters.
Text trimRight(const Text& s) {
  size_t n = s.size();
  while (n > 0 && !isAlphanumeric(s[n - 1])) --n;
  return s.substr(0, n);
}

struct CamelOptions {
  bool newWord;          // the first letter starts a word (is capitalised)
  bool firstWord;        // no separator before the first word
  char32_t separator;    // put between words, or 0 for none
};

// Inflector's to_case_camel_like.
Text camelLike(const Text& s, CamelOptions o) {
  bool newWord = o.newWord, firstWord = o.firstWord, foundLetter = false;
  char32_t last = ' ';  // the last letter copied inside a word (not word starts, not digits)
  Text out;
  for (char32_t c : trimRight(s)) {
    if (!isAlphanumeric(c)) {
      if (foundLetter) newWord = true;  // leading separators are skipped
    } else if (isNumeric(c)) {
      foundLetter = true;
      newWord = true;
      out.push_back(c);
    } else if (newWord || (isLower(last) && isUpper(c))) {
      foundLetter = true;
      newWord = false;
      if (o.separator && !firstWord) out.push_back(o.separator);
      out.push_back(asciiUpper(c));
      firstWord = false;
    } else {
      foundLetter = true;
      last = c;
      out.push_back(asciiLower(c));
    }
  }
  return out;
}

// Inflector's char_is_uppercase: anything that to_ascii_uppercase leaves
// alone, so digits and non-ASCII letters count as capitals.
bool notAsciiLower(char32_t c) { return !(c >= 'a' && c <= 'z'); }

// Inflector's next_or_previous_char_is_lowercase, which looks the neighbours
// up by *character* index using a *byte* offset (they differ after a
// non-ASCII character); a missing neighbour counts as a capital.
bool neighbourIsLower(const Text& s, size_t byteOffset) {
  auto at = [&](size_t i) { return i < s.size() ? s[i] : char32_t('A'); };
  return isLower(at(byteOffset + 1)) || isLower(at(byteOffset - 1));
}

size_t utf8Length(char32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

// Inflector's to_case_snake_like (lower case).
Text snakeLike(const Text& s, char32_t separator) {
  bool wordStart = true;
  size_t byteOffset = 0;
  Text out;
  for (char32_t c : trimRight(s)) {
    if (!isAlphanumeric(c)) {
      if (!wordStart) out.push_back(separator);
      wordStart = true;
    } else {
      if (!wordStart && notAsciiLower(c) && neighbourIsLower(s, byteOffset)) out.push_back(separator);
      wordStart = false;
      out.push_back(asciiLower(c));
    }
    byteOffset += utf8Length(c);
  }
  return out;
}

bool endsWith(const Text& w, std::string_view suffix) {
  if (w.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (w[w.size() - suffix.size() + i] != char32_t(static_cast<unsigned char>(suffix[i]))) return false;
  return true;
}

Text ascii(std::string_view s) { return Text(s.begin(), s.end()); }
Text dropLast(const Text& w, size_t n) { return w.substr(0, w.size() - n); }

// Inflector's to_singular applies its regex rules from the last to the
// first and returns at the first match the rule's first group followed by its
// replacement: the text before the match is dropped ("Bignews" -> "news"),
// and rules whose first group is `(\w*)` followed by the kept letters drop
// those letters ("Shoes" -> "Sh", "Leaves" -> "Lefe"). Its list of words
// without plural and its irregular words are all lower case, so they never
// meet a ClassCase word (which starts with a capital, a digit or a non-ASCII
// letter) and are left out; the `^`-anchored rules likewise.
Text singularize(const Text& w) {
  struct Whole { const char* ending; const char* singular; };
  // Rules whose group keeps a fixed word: the whole ending is replaced.
  static const Whole kWholeEndings[] = {
      {"databases", "database"}, {"quizzes", "quiz"},   {"matrices", "matrix"}, {"vertices", "vertex"},
      {"indices", "index"},      {"aliases", "alias"},  {"alias", "alias"},     {"statuses", "status"},
      {"status", "status"},      {"octopus", "octopus"}, {"octopi", "octopus"}, {"virus", "virus"},
      {"viri", "virus"},         {"crisis", "crisis"},  {"crises", "crisis"},   {"testis", "testis"},
      {"testes", "testis"},      {"shoes", "shoe"},     {"buses", "bus"},       {"bus", "bus"},
      {"mice", "mouse"},         {"lice", "louse"},
  };
  for (const Whole& r : kWholeEndings)
    if (endsWith(w, r.ending)) return ascii(r.singular);
  if (endsWith(w, "xes") || endsWith(w, "ches") || endsWith(w, "sses") || endsWith(w, "shes")) return dropLast(w, 2);
  if (endsWith(w, "movies")) return ascii("movie");
  if (endsWith(w, "series")) return ascii("series");
  if (w.size() >= 4 && endsWith(w, "ies")) {
    const Text stem = dropLast(w, 3);
    const char32_t before = stem.back();
    const bool vowel = before == 'a' || before == 'e' || before == 'i' || before == 'o' || before == 'u' || before == 'y';
    if (!vowel || endsWith(stem, "qu")) return stem + U"y";
  }
  if (endsWith(w, "lves") || endsWith(w, "rves")) return dropLast(w, 4) + U"f";
  if (endsWith(w, "tives") || endsWith(w, "hives")) return dropLast(w, 5);
  if (w.size() >= 4 && endsWith(w, "ves") && w[w.size() - 4] != 'f') return dropLast(w, 4) + U"fe";
  // ((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)$: the
  // leftmost match is the longest stem.
  for (const char* stem : {"parenthe", "diagno", "progno", "analy", "synop", "the", "ba"})
    if (endsWith(w, std::string(stem) + "sis") || endsWith(w, std::string(stem) + "ses")) return ascii(stem) + U"sis";
  if (w.size() >= 2 && (endsWith(w, "ta") || endsWith(w, "ia"))) return dropLast(w, 2) + U"um";
  if (endsWith(w, "oes")) return dropLast(w, 3);
  if (endsWith(w, "news")) return ascii("news");
  if (endsWith(w, "ss")) return w;
  if (endsWith(w, "s")) return dropLast(w, 1);
  return w;
}

constexpr CamelOptions kCamel{false, false, 0};
constexpr CamelOptions kPascal{true, false, 0};
constexpr CamelOptions kTitle{true, true, ' '};
constexpr CamelOptions kTrain{true, true, '-'};

}  // namespace

std::string singularizeWord(std::string_view word) { return encode(singularize(decode(word))); }

std::string toCamelCase(std::string_view s) { return encode(camelLike(decode(s), kCamel)); }
std::string toPascalCase(std::string_view s) { return encode(camelLike(decode(s), kPascal)); }
std::string toTitleCase(std::string_view s) { return encode(camelLike(decode(s), kTitle)); }
std::string toTrainCase(std::string_view s) { return encode(camelLike(decode(s), kTrain)); }
std::string toSnakeCase(std::string_view s) { return encode(snakeLike(decode(s), '_')); }
std::string toKebabCase(std::string_view s) { return encode(snakeLike(decode(s), '-')); }

// PascalCase, then the part from the last capital on is singularised.
std::string toClassCase(std::string_view s) {
  const Text pascal = camelLike(decode(s), kPascal);
  size_t split = pascal.size();
  while (split > 0 && !isUpper(pascal[split - 1])) --split;
  split = split > 0 ? split - 1 : 0;
  return encode(pascal.substr(0, split) + singularize(pascal.substr(split)));
}

std::vector<std::string> caseConversions(std::string_view key) {
  return {toCamelCase(key), toClassCase(key), toKebabCase(key), toPascalCase(key),
          toSnakeCase(key), toTitleCase(key), toTrainCase(key)};
}

}  // namespace guard
