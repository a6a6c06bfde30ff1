// Guard regexes (spec/guard-language.md §13) on two engines. Callers: the
// parser (compiling regex literals), compare.cpp (regex search in eq/same)
// and functions.cpp (regex_replace).
//
// Guard patterns use the syntax of Rust's fancy-regex 0.13 over the regex
// crate. A small recursive-descent translator parses that syntax (so it also
// decides what is an invalid pattern) and writes an equivalent pattern that
// both RE2 and PCRE2 accept:
//   * \d \w \s \b are Unicode-aware in Rust but ASCII in RE2, so the Perl
//     classes are spelled out as Unicode property classes;
//   * \x.. \u{..} \U.. escapes become \x{..}; named groups become plain
//     groups (names are resolved here, backreferences become \g{N});
//   * the x flag (free spacing) is applied here and never passed on;
//   * nested classes and class set operations (&&, --, ~~) are flattened or
//     written with look-ahead;
//   * Unicode property classes (\p{..}, resolved as regex-syntax 0.8 does by
//     runtime/unicode_props.cpp) become explicit Unicode 15.0 code point
//     ranges, so neither engine's own (older) tables are used;
//   * counts beyond RE2's 1000 are written as blocks of 1000.
// What the reference refuses is refused here too: fancy-regex's own rules
// (group names, back-references to groups not yet opened or beyond half the
// pattern's length, numbered back-references next to named groups, repetition
// of empty or zero-width items) and regex-syntax's (property names, escapes,
// class syntax), and an estimate of the regex crate's 10 MiB limit on the
// compiled NFA (kRegexSizeLimit).
// Patterns without look-around, back-references, atomic groups, possessive
// quantifiers, word boundaries, conditionals or \K/\G run on RE2 (linear
// time, no limits needed). The rest, and anything RE2 rejects (programs past
// its memory budget), runs on PCRE2 with JIT and a match limit, so that
// catastrophic backtracking ends in an error like fancy-regex's does.
#include "runtime/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "runtime/unicode_props.h"
#include "runtime/value_text.h"

namespace guard {
namespace {

// fancy-regex gives up after about a million backtracking steps; PCRE2's
// match limit counts a similar unit (calls of its internal match function).
constexpr uint32_t kPcre2MatchLimit = 1'000'000;
// Bounds the nesting of backtracking frames (PCRE2's interpreter keeps them
// on the heap, so this is a memory bound rather than a stack one).
constexpr uint32_t kPcre2DepthLimit = 250'000;
constexpr uint32_t kPcre2HeapLimitKiB = 64 * 1024;
// JIT stack per thread; a match that needs more reruns on the interpreter.
constexpr size_t kJitStackMax = 1 << 20;
// RE2's program and DFA budget; patterns that need more fall back to PCRE2.
constexpr int64_t kRe2MaxMem = int64_t(64) << 20;
// PCRE2 compiles a class under (?i) by case-folding every code point of its
// ranges (~2.5 ms for [\x{0}-\x{10FFFF}]): a 244-byte pattern of nested set
// operations took 0.6 s, and minutes under the sanitizers (rules fuzzer).
// Patterns bound for PCRE2 whose case-insensitive classes span more code
// points than this are refused (about 15 full-range classes; ~40 ms).
constexpr uint64_t kMaxCaselessSpan = uint64_t(16) << 20;
// fancy-regex's MAX_RECURSION: deeper nesting of groups/classes is an error.
constexpr int kMaxNesting = 64;
// The regex crate under fancy-regex refuses a pattern whose compiled NFA
// takes more than 10 MiB (its default size_limit): a{327680} is too big, as
// are \w{218} and \d{2256}. The translator estimates that size (cost_).
constexpr uint64_t kRegexSizeLimit = uint64_t(10) << 20;
constexpr uint64_t kStateBytes = 32;  // one NFA state: a{N} costs 32 N bytes
// RE2's largest repetition count; larger counts are written as blocks of it
// (Translator::expandRepeat).
constexpr uint64_t kMaxRepeat = 1000;
constexpr uint64_t kMaxPcre2Repeat = 65535;
// The most copies of one atom the expansion writes: as many as the reference
// compiles of a one-state atom (a{327680} is too big for it). Only atoms the
// regex crate does not compile (back-references, which fancy-regex runs
// itself) are under the size limit with more; beyond this guardvm refuses
// them: \1{9886888} took seconds (regex fuzzer, session 18).
constexpr uint64_t kMaxExpandedCopies = kRegexSizeLimit / kStateBytes;
// The translation of an atom that matches nothing (\0, fancy-regex's
// back-reference to the whole match).
constexpr std::string_view kNothing = "[^\\s\\S]";
// The longest translation of one character class with set operations that
// cannot be computed on ranges (see Translator::emitSet). Real classes need a
// few hundred bytes; 64 KiB also keeps a refused pattern cheap to refuse (at
// 1 MiB, inputs near the bound made the fuzzers spend their time copying).
constexpr size_t kMaxClassText = 64 << 10;

// ---------------------------------------------------------------------------
// Small text helpers

bool isAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHex(char c) { return isDigit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }
bool isAsciiAlnum(uint32_t c) { return c < 128 && (isAsciiAlpha(char(c)) || isDigit(char(c))); }

// Decodes one UTF-8 sequence at s[i]; returns its length (1 for a stray byte).
size_t decodeUtf8(std::string_view s, size_t i, uint32_t& cp) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
  if (i + n > s.size()) n = 1;
  if (n == 1) {
    cp = b;
    return 1;
  }
  cp = b & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return n;
}

size_t utf8Len(std::string_view s, size_t i) {
  uint32_t cp;
  return decodeUtf8(s, i, cp);
}

void appendHexEscape(std::string& out, uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\x{%X}", cp);
  out += buf;
}

// A code point as a literal both engines read the same way.
void appendLiteral(std::string& out, uint32_t cp) {
  if (isAsciiAlnum(cp) || cp == '_') {
    out.push_back(char(cp));
  } else {
    appendHexEscape(out, cp);
  }
}

// ---------------------------------------------------------------------------
// Character classes: parsed into a small tree so that nesting, negation and
// set operations can be flattened into one [...] where possible.

struct ClassSet;

struct ClassItem {
  enum Kind { Range, Frag, Set } kind = Range;
  uint32_t lo = 0, hi = 0;        // Range
  std::string frag;               // Frag: text valid inside [...] in both engines
  std::unique_ptr<ClassSet> set;  // Set: a nested class that could not be flattened

  static ClassItem range(uint32_t lo, uint32_t hi) {
    ClassItem it;
    it.lo = lo;
    it.hi = hi;
    return it;
  }
  static ClassItem fragment(std::string f) {
    ClassItem it;
    it.kind = Frag;
    it.frag = std::move(f);
    return it;
  }
};

using ClassUnion = std::vector<ClassItem>;

struct ClassSet {
  bool negated = false;
  std::vector<ClassUnion> operands;  // operands[0] op[0] operands[1] op[1] ...
  std::vector<char> ops;             // '&' intersection, '-' difference, '~' symmetric
};

bool allRanges(const ClassUnion& u) {
  return std::all_of(u.begin(), u.end(), [](const ClassItem& it) { return it.kind == ClassItem::Range; });
}

// Complement of a union of explicit ranges, as explicit ranges.
ClassUnion complementRanges(const ClassUnion& u) {
  std::vector<std::pair<uint32_t, uint32_t>> rs;
  for (const auto& it : u) rs.emplace_back(it.lo, it.hi);
  std::sort(rs.begin(), rs.end());
  ClassUnion out;
  uint32_t next = 0;
  for (const auto& [lo, hi] : rs) {
    if (lo > next) out.push_back(ClassItem::range(next, lo - 1));
    if (hi + 1 > next) next = hi + 1;
  }
  if (next <= 0x10FFFF) out.push_back(ClassItem::range(next, 0x10FFFF));
  return out;
}

// Surrogates never occur in UTF-8 text and PCRE2 refuses them as range
// bounds (a complement computed here may start or end on one): trimmed.
void appendRange(std::string& out, uint32_t lo, uint32_t hi) {
  if (lo >= 0xD800 && lo <= 0xDFFF) lo = 0xE000;
  if (hi >= 0xD800 && hi <= 0xDFFF) hi = 0xD7FF;
  if (lo > hi) return;
  appendLiteral(out, lo);
  if (hi != lo) {
    out.push_back('-');
    appendLiteral(out, hi);
  }
}

// Rust's Unicode \w (Alphabetic, Mark, Decimal_Number, Connector_Punctuation,
// Join_Control), \d (Decimal_Number) and \s (White_Space), from the
// generated Unicode 15.0 tables: RE2's and PCRE2's own tables are older
// (PCRE2 10.42's \p{L} lacks the letters added in 15.0). Sorted, merged.
using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;
Ranges rangesOf(std::initializer_list<std::string_view> properties) {
  ClassUnion u;
  for (std::string_view p : properties) {
    Result<std::vector<unicode::CodeRange>> ranges = unicode::propertyClass(p);
    for (const unicode::CodeRange& r : ranges.value()) u.push_back(ClassItem::range(r.lo, r.hi));
  }
  Ranges out;
  for (const ClassItem& it : complementRanges(complementRanges(u))) out.emplace_back(it.lo, it.hi);
  return out;
}
const Ranges& unicodeWordRanges() {
  static const Ranges r = rangesOf({"Alphabetic", "M", "Nd", "Pc", "Join_Control"});
  return r;
}
const Ranges& unicodeDigitRanges() {
  static const Ranges r = rangesOf({"Nd"});
  return r;
}
const Ranges& unicodeSpaceRanges() {
  static const Ranges r = rangesOf({"White_Space"});
  return r;
}
std::string rangesText(const Ranges& ranges) {
  std::string out;
  for (const auto& [lo, hi] : ranges) appendRange(out, lo, hi);
  return out;
}
const std::string& unicodeWordItems() {
  static const std::string items = rangesText(unicodeWordRanges());
  return items;
}
const std::string& unicodeSpaceItems() {
  static const std::string items = rangesText(unicodeSpaceRanges());
  return items;
}

// POSIX classes of the regex crate (ASCII only, unlike PCRE2's with UCP),
// as pairs of range bounds.
bool posixRanges(std::string_view name, ClassUnion& out) {
  using namespace std::string_view_literals;
  static constexpr std::pair<std::string_view, std::string_view> kPosix[] = {
      {"alnum", "09AZaz"},  {"alpha", "AZaz"},   {"ascii", "\0\x7F"sv}, {"blank", "\t\t  "},
      {"cntrl", "\0\x1F\x7F\x7F"sv},           {"digit", "09"},        {"graph", "!~"},
      {"lower", "az"},      {"print", " ~"},     {"punct", "!/:@[`{~"},  {"space", "\t\r  "},
      {"upper", "AZ"},      {"word", "09AZaz__"}, {"xdigit", "09AFaf"},
  };
  for (const auto& [n, bounds] : kPosix) {
    if (n != name) continue;
    for (size_t k = 0; k + 1 < bounds.size(); k += 2)
      out.push_back(ClassItem::range(uint8_t(bounds[k]), uint8_t(bounds[k + 1])));
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// The translator

struct Translation {
  std::string pattern;
  bool backtracking = false;  // needs PCRE2
  uint32_t groups = 0;        // capture groups, not counting group 0
  std::vector<std::pair<std::string, uint32_t>> names;
  uint64_t caselessSpan = 0;  // code points of class ranges under an `i` flag (kMaxCaselessSpan)
  bool needsUnicode = false;  // (ClassRange::Ascii) a \p{..} class, which has no ASCII spelling here
};

// Which members the translation gives Rust's Unicode classes (\d \w \s and
// their negations): all of them, or only the ASCII ones, for an engine that
// is only ever given ASCII text. On ASCII text a class and its ASCII part
// match the same characters, and so do their unions, intersections,
// differences and complements; literals (and their case folding) are kept
// as they are. The ASCII form compiles in microseconds where `[\w]{1,64}`
// in Unicode takes RE2 tens of milliseconds.
enum class ClassRange { Unicode, Ascii };

enum class AtomKind { Empty, Assertion, LookAround, Normal };

class Translator {
 public:
  explicit Translator(std::string_view src, ClassRange range = ClassRange::Unicode)
      : s_(src), ascii_(range == ClassRange::Ascii) {}

  Result<Translation> run() {
    if (parseAlt(0) && i_ < s_.size()) fail("unmatched closing parenthesis");
    if (!error_ && cost_ > kRegexSizeLimit) failTooBig();
    if (error_) {
      Error e = Error::plain(ErrorKind::RegexInvalid, *error_);
      e.offset = errorAt_;  // a byte of the pattern
      return e;
    }
    t_.pattern = std::move(out_);
    return std::move(t_);
  }

 private:
  std::string_view s_;
  const bool ascii_;
  size_t i_ = 0;
  bool extended_ = false;  // the x flag, applied here
  bool caseFlagSeen_ = false;  // an `i` flag so far: class set operations keep the look-ahead form
  int lookBehind_ = 0;  // look-behind groups open here
  bool numberedBackref_ = false;  // a \N or (?(N)..) so far (see parseAlt)
  bool classTooBig_ = false;   // see emitSet
  std::string out_;
  Translation t_;
  std::optional<std::string> error_;
  size_t errorAt_ = 0;  // where error_ was found
  uint64_t cost_ = 0;  // estimated NFA bytes in the reference (kRegexSizeLimit)

  // The members of \w, \s, \d and \D, as class items (see ClassRange).
  std::string_view wordItems() const { return ascii_ ? std::string_view("0-9A-Z_a-z") : unicodeWordItems(); }
  std::string_view spaceItems() const { return ascii_ ? std::string_view("\\x{9}-\\x{D}\\x{20}") : unicodeSpaceItems(); }
  // The ranges of \w, \d and \s (for classes and their set operations).
  Ranges perlRanges(char which) const {
    static const Ranges asciiWord = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
    static const Ranges asciiDigit = {{'0', '9'}};
    static const Ranges asciiSpace = {{0x09, 0x0D}, {0x20, 0x20}};
    if (which == 'w') return ascii_ ? asciiWord : unicodeWordRanges();
    if (which == 'd') return ascii_ ? asciiDigit : unicodeDigitRanges();
    return ascii_ ? asciiSpace : unicodeSpaceRanges();
  }

  bool failTooBig() {
    return fail("compiled regex exceeds the size limit of " + std::to_string(kRegexSizeLimit) +
                " bytes (estimated " + std::to_string(cost_) + ")");
  }

  bool fail(std::string why) {
    if (!error_) {
      error_ = why + " at offset " + std::to_string(i_);
      errorAt_ = i_;
    }
    return false;
  }
  bool atEnd() const { return i_ >= s_.size(); }
  char peek(size_t k = 0) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }
  bool startsWith(std::string_view p) const { return s_.substr(i_).substr(0, p.size()) == p; }

  // Whitespace and # comments in x mode, and (?#...) comments always.
  bool skipSpace() {
    while (!atEnd()) {
      char c = s_[i_];
      if (extended_ && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        ++i_;
      } else if (extended_ && c == '#') {
        while (!atEnd() && s_[i_] != '\n') ++i_;
      } else if (startsWith("(?#")) {
        i_ += 3;
        while (!atEnd() && s_[i_] != ')') i_ += s_[i_] == '\\' ? 2 : 1;
        if (atEnd()) return fail("unclosed comment group");
        ++i_;
      } else {
        break;
      }
    }
    return true;
  }

  // An alternation: the pattern, or a group's body (fancy-regex's parse_re).
  // `kind` tells what it is as the target of a repetition: a lone atom keeps
  // its kind, nothing at all is Empty (so `(?:)*` and `(?:^)*` are refused).
  bool parseAlt(int depth, AtomKind* kind = nullptr) {
    AtomKind k = AtomKind::Empty;
    if (!parseConcat(depth, k)) return false;
    const bool alternation = peek() == '|';
    while (peek() == '|') {
      out_ += '|';
      ++i_;
      AtomKind ignored;
      if (!parseConcat(depth, ignored)) return false;
    }
    if (kind) *kind = alternation ? AtomKind::Normal : k;
    // fancy-regex refuses numbered back-references (\1, (?(1)..)) once the
    // pattern has a named group; it checks at the end of each body that is
    // not an alternation, so `(?<n>b)|(a)\1` passes and `(a)\1|(?<n>b)` not.
    if (!alternation && numberedBackref_ && !t_.names.empty())
      return fail("numbered backreferences cannot be used with named groups");
    return true;
  }

  bool parseConcat(int depth, AtomKind& kind) {
    int pieces = 0;
    kind = AtomKind::Empty;
    for (;;) {
      if (!skipSpace()) return false;
      if (atEnd() || peek() == ')' || peek() == '|') {
        if (pieces > 1) kind = AtomKind::Normal;
        return true;
      }
      if (peek() == '*' || peek() == '+' || peek() == '?')
        return fail("repetition operator without an expression to repeat");
      AtomKind k = AtomKind::Normal;
      if (!parsePiece(depth, k)) return false;
      if (k != AtomKind::Empty) {  // fancy-regex drops empty items ((?i), (?:))
        ++pieces;
        kind = k;
      }
    }
  }

  // {n}, {n,}, {n,m}, {,m} (spaces allowed in x mode). nullopt: not a
  // repetition, and the '{' is then a literal (as in fancy-regex).
  std::optional<std::pair<uint64_t, uint64_t>> tryRepeat(size_t& end) const {
    size_t j = i_ + 1;
    auto ws = [&] {
      while (extended_ && j < s_.size() && (s_[j] == ' ' || s_[j] == '\t' || s_[j] == '\n' || s_[j] == '\r')) ++j;
    };
    auto num = [&](uint64_t& v) {
      size_t start = j;
      v = 0;
      while (j < s_.size() && isDigit(s_[j])) {
        v = std::min<uint64_t>(v * 10 + uint64_t(s_[j] - '0'), UINT32_MAX);
        ++j;
      }
      return j > start;
    };
    ws();
    uint64_t lo = 0, hi = 0;
    bool haveLo = num(lo);
    if (!haveLo && (j >= s_.size() || s_[j] != ',')) return std::nullopt;
    ws();
    if (j < s_.size() && s_[j] == '}') {
      if (!haveLo) return std::nullopt;
      end = j + 1;
      return std::make_pair(lo, lo);
    }
    if (j >= s_.size() || s_[j] != ',') return std::nullopt;
    ++j;
    ws();
    if (!num(hi)) hi = UINT64_MAX;
    ws();
    if (j >= s_.size() || s_[j] != '}') return std::nullopt;
    end = j + 1;
    return std::make_pair(lo, hi);
  }

  bool parsePiece(int depth, AtomKind& kind) {
    const size_t start = out_.size();
    const uint32_t groupsBefore = t_.groups;
    const uint64_t costBefore = cost_;
    kind = AtomKind::Normal;
    if (!parseAtom(depth, kind)) return false;
    const uint64_t atomCost = cost_ - costBefore;
    if (!skipSpace()) return false;
    if (atEnd()) return true;
    std::string quant;
    std::optional<std::pair<uint64_t, uint64_t>> bigRepeat;  // counts beyond RE2's and PCRE2's limits
    char c = peek();
    if (c == '?' || c == '*' || c == '+') {
      quant = c;
      ++i_;
    } else if (c == '{') {
      size_t end = 0;
      auto rep = tryRepeat(end);
      if (!rep) return true;  // a literal '{' follows
      auto [lo, hi] = *rep;
      if (hi != UINT64_MAX && lo > hi)
        return fail("invalid repetition range {" + std::to_string(lo) + "," + std::to_string(hi) + "}");
      if (lo > kMaxRepeat || (hi != UINT64_MAX && hi > kMaxRepeat)) bigRepeat = std::make_pair(lo, hi);
      quant = "{" + std::to_string(lo) + (hi == lo ? "" : ",") +
              (hi == lo || hi == UINT64_MAX ? "" : std::to_string(hi)) + "}";
      i_ = end;
    } else {
      return true;
    }
    if (kind != AtomKind::Normal) return fail("target of repetition operator is not repeatable");
    kind = AtomKind::Normal;
    // The regex crate compiles {n,m} as m copies, {n,} as n + 1 (saturating:
    // a count of 2^32 only has to exceed the limit).
    if (quant[0] == '{') {
      const auto [lo, hi] = tryRepeatCounts(quant);
      const uint64_t copies = hi == UINT64_MAX ? lo + 1 : hi;
      cost_ = costBefore + std::min<uint64_t>(UINT32_MAX, copies) * std::max<uint64_t>(atomCost, 1);
    }
    if (!skipSpace()) return false;
    const bool lazy = peek() == '?';
    if (lazy) ++i_;
    if (bigRepeat && std::string_view(out_).substr(start) == kNothing) {
      // Repeated, nothing still matches nothing, or the empty string when it
      // may be repeated no time: \0{9886888} needs no 9,886,888 copies.
      if (bigRepeat->first == 0) out_.replace(start, std::string::npos, "(?:)");
    } else if (bigRepeat) {
      if (!expandRepeat(start, groupsBefore != t_.groups, bigRepeat->first, bigRepeat->second, lazy)) return false;
    } else {
      out_ += quant;
      if (lazy) out_ += '?';
    }
    if (peek() == '+') {  // possessive: an atomic group around the repetition
      ++i_;
      out_.insert(start, "(?>");
      out_ += ')';
      t_.backtracking = true;
    }
    return true;
  }

  // X{lo,hi} with a count beyond kMaxRepeat (fancy-regex takes any count its
  // regex crate can compile, RE2 only 1000 and PCRE2 65535): X's text (out_
  // from `start`) is written once per block of kMaxRepeat. Only the last copy
  // keeps X's capture groups, since a repetition captures its last iteration
  // (after X{lo} and a further X* that repeats nothing, the groups are unset
  // here but hold the last of the lo iterations in the reference).
  // An optional part wider than kMaxRepeat (X{1,5000}) is PCRE2's, which
  // takes up to 65535; wider ones are refused (docs/compatibility.md).
  bool expandRepeat(size_t start, bool captures, uint64_t lo, uint64_t hi, bool lazy) {
    if (hi != UINT64_MAX && hi - lo > kMaxPcre2Repeat)
      return fail("repetition range {" + std::to_string(lo) + "," + std::to_string(hi) +
                  "} is too wide for guardvm (at most " + std::to_string(kMaxPcre2Repeat) + " optional repetitions)");
    if (hi != UINT64_MAX && hi - lo > kMaxRepeat) t_.backtracking = true;
    if (cost_ > kRegexSizeLimit) return failTooBig();  // before writing it out
    if (lo > kMaxExpandedCopies)
      return fail("repetition count " + std::to_string(lo) + " is too large for guardvm (at most " +
                  std::to_string(kMaxExpandedCopies) + " copies of an atom)");
    // PCRE2 copies a repeated group once per count (a{0,65535} is one
    // instruction, (?:a){0,65535} too large), so one character stays bare.
    const std::string atom = singleCharacter(out_.substr(start)) ? out_.substr(start) : "(?:" + out_.substr(start) + ")";
    const std::string plain = captures ? withoutCaptures(atom) : atom;
    const bool tail = hi != lo;
    std::string r;
    for (uint64_t left = lo; left > 0;) {
      const uint64_t n = std::min(left, kMaxRepeat);
      left -= n;
      r += (left == 0 && !tail ? atom : plain) + "{" + std::to_string(n) + "}";
    }
    if (hi == UINT64_MAX) {
      r += atom + "*";
    } else if (tail) {
      r += atom + "{0," + std::to_string(hi - lo) + "}";
    }
    if (tail && lazy) r += '?';
    out_.resize(start);
    out_ += r;
    return true;
  }

  // True if the translation `text` is one literal character or one class.
  static bool singleCharacter(std::string_view text) {
    if (text.size() == 1) return isAsciiAlnum(uint8_t(text[0])) || text[0] == '_';
    if (text.substr(0, 3) == "\\x{") return text.find('}') == text.size() - 1;
    if (text.empty() || text[0] != '[' || text.back() != ']') return false;
    for (size_t k = 1; k + 1 < text.size(); ++k) {
      if (text[k] == '\\') ++k;
      else if (text[k] == '[' || text[k] == ']') return false;
    }
    return true;
  }

  // The translation `text` with its capture groups made non-capturing: in
  // translated text every '(' opens a group ('(' characters are written as
  // \x{28}), and a capture group's '(' is the one not followed by '?'.
  static std::string withoutCaptures(const std::string& text) {
    std::string r;
    for (size_t k = 0; k < text.size(); ++k) {
      r += text[k];
      if (text[k] == '(' && (k + 1 >= text.size() || text[k + 1] != '?')) r += "?:";
    }
    return r;
  }

  static std::pair<uint64_t, uint64_t> tryRepeatCounts(const std::string& quant) {
    uint64_t lo = std::stoull(quant.substr(1));
    const size_t comma = quant.find(',');
    if (comma == std::string::npos) return {lo, lo};
    if (quant[comma + 1] == '}') return {lo, UINT64_MAX};
    return {lo, std::stoull(quant.substr(comma + 1))};
  }

  // Bytes of UTF-8 sequences (regex-syntax's Utf8Sequences) of [lo, hi]:
  // what a class costs the regex crate, beyond ASCII.
  static uint64_t utf8SequenceBytes(uint32_t lo, uint32_t hi) {
    static constexpr uint32_t kMax[] = {0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
    uint64_t total = 0;
    uint32_t from = lo;
    for (size_t n = 0; n < 4 && from <= hi; ++n) {
      if (from > kMax[n]) continue;
      const uint32_t to = std::min(hi, kMax[n]);
      total += splitSequences(from, to, uint32_t(n + 1));
      from = to + 1;
    }
    return total;
  }
  static uint64_t splitSequences(uint32_t lo, uint32_t hi, uint32_t len) {
    for (uint32_t k = 1; k < len; ++k) {
      const uint32_t m = (1u << (6 * k)) - 1;
      if ((lo & ~m) == (hi & ~m)) continue;
      if ((lo & m) != 0) return splitSequences(lo, lo | m, len) + splitSequences((lo | m) + 1, hi, len);
      if ((hi & m) != m) return splitSequences(lo, (hi & ~m) - 1, len) + splitSequences(hi & ~m, hi, len);
    }
    return len;
  }

  // UTF-8 bytes of the members of a class (see utf8SequenceBytes); the
  // Unicode \w, \s, \d and \D fragments are precomputed.
  uint64_t classUtf8Bytes(const ClassUnion& u) const {
    uint64_t total = 0;
    for (const ClassItem& it : u) {
      if (it.kind == ClassItem::Range) {
        if (it.hi >= 0x80) total += utf8SequenceBytes(std::max<uint32_t>(it.lo, 0x80), it.hi);
      } else if (it.kind == ClassItem::Frag) {
        total += 24;
      } else {
        for (const ClassUnion& operand : it.set->operands) total += classUtf8Bytes(operand);
      }
    }
    return total;
  }

  // One class in the reference's NFA: an ASCII class is one state (72
  // bytes); beyond ASCII, the UTF-8 automaton shares suffixes, about 0.45
  // state per sequence byte (fitted on \w, \d, \D, \s, \p{Greek}, [^a]).
  void addClassCost(uint64_t utf8Bytes) {
    cost_ += utf8Bytes == 0 ? 72 : (utf8Bytes * 45 / 100 + 8) * kStateBytes;
  }

  bool parseAtom(int depth, AtomKind& kind) {
    kind = AtomKind::Normal;
    const char c = peek();
    switch (c) {
      case '.':
        out_ += '.';
        ++i_;
        addClassCost(27);  // everything but \n: 9 UTF-8 sequences
        return true;
      case '^':
      case '$':
        out_ += c;
        ++i_;
        kind = AtomKind::Assertion;
        return true;
      case '(':
        return parseGroup(depth, kind);
      case '\\':
        return parseEscape(kind);
      case '[':
        return parseClass(depth);
      default: {
        uint32_t cp;
        const size_t n = decodeUtf8(s_, i_, cp);
        i_ += n;
        appendLiteral(out_, cp);
        cost_ += n * kStateBytes;
        return true;
      }
    }
  }

  bool expectClose() {
    if (!skipSpace()) return false;
    if (atEnd()) return fail("unclosed group");
    if (peek() != ')') return fail("expected ')'");
    ++i_;
    out_ += ')';
    return true;
  }

  // A group name (fancy-regex's parse_id): letters, digits (also first) and
  // '_', in the Unicode sense of Rust's char::is_alphanumeric, up to `close`.
  // With `relative`, a back-reference may also be -N or +N groups away.
  bool readName(char close, std::string& name, bool relative = false) {
    size_t start = i_;
    if (relative && (peek() == '-' || peek() == '+') && isDigit(peek(1))) ++i_;
    while (!atEnd() && peek() != close) {
      uint32_t cp;
      size_t n = decodeUtf8(s_, i_, cp);
      if (!(cp == '_' || unicode::isAlphanumeric(cp))) return fail("invalid character in group name");
      i_ += n;
    }
    if (atEnd()) return fail("unclosed group name");
    name = std::string(s_.substr(start, i_ - start));
    ++i_;  // the closing delimiter
    if (name.empty()) return fail("empty group name");
    return true;
  }

  // A name used twice names its latest group (fancy-regex keeps one map entry).
  std::optional<uint32_t> groupByName(std::string_view name) const {
    for (auto it = t_.names.rbegin(); it != t_.names.rend(); ++it)
      if (it->first == name) return it->second;
    return std::nullopt;
  }

  static std::optional<uint32_t> decimal(std::string_view digits) {
    if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), isDigit))
      return std::nullopt;
    return uint32_t(std::stoul(std::string(digits)));
  }

  // A back-reference target: a defined name, a group number, or (\k<-1>) a
  // group relative to the groups opened so far. It must be a group opened
  // before the reference (fancy-regex's analysis), or 0.
  bool resolveRef(const std::string& name, uint32_t& group) {
    if (auto g = groupByName(name)) {
      group = *g;
    } else if (auto n = decimal(name)) {
      group = *n;
    } else if ((name[0] == '-' || name[0] == '+') && decimal(name.substr(1))) {
      const int64_t step = name[0] == '-' ? 1 - int64_t(*decimal(name.substr(1))) : int64_t(*decimal(name.substr(1)));
      if (int64_t(t_.groups) + step < 0) return fail("invalid relative backreference '" + name + "'");
      group = uint32_t(int64_t(t_.groups) + step);
    } else {
      return fail("backreference to undefined group name '" + name + "'");
    }
    if (group > t_.groups) return fail("backreference to group " + std::to_string(group) + ", which is not defined before it");
    return true;
  }

  // Group 0 is the whole match, never closed while it is being matched: a
  // back-reference to it never matches in fancy-regex.
  bool emitBackref(uint32_t group) {
    // fancy-regex needs a look-behind of a known size; a back-reference has none.
    if (lookBehind_ > 0) return fail("back-reference in a look-behind");
    if (group == 0) {
      out_ += kNothing;
      return true;
    }
    out_ += "\\g{" + std::to_string(group) + "}";
    t_.backtracking = true;
    return true;
  }

  bool parseGroup(int depth, AtomKind& kind) {
    if (depth + 1 >= kMaxNesting) return fail("pattern nests too deeply");
    ++i_;  // '('
    if (!skipSpace()) return false;
    const bool savedExtended = extended_;
    auto body = [&](std::string_view open, AtomKind* bodyKind = nullptr) {
      out_ += open;
      if (!parseAlt(depth + 1, bodyKind) || !expectClose()) return false;
      extended_ = savedExtended;
      return true;
    };
    if (startsWith("?=") || startsWith("?!") || startsWith("?<=") || startsWith("?<!")) {
      const size_t n = s_[i_ + 1] == '<' ? 3 : 2;
      std::string open = "(" + std::string(s_.substr(i_, n));
      i_ += n;
      t_.backtracking = true;
      kind = AtomKind::LookAround;
      if (n == 2) return body(open);
      ++lookBehind_;
      const bool ok = body(open);
      --lookBehind_;
      return ok;
    }
    if (startsWith("?<") || startsWith("?P<")) {
      i_ += peek(1) == 'P' ? 3 : 2;
      std::string name;
      if (!readName('>', name)) return false;
      t_.names.emplace_back(name, ++t_.groups);
      cost_ += 2 * kStateBytes;
      return body("(");
    }
    if (startsWith("?P=")) {
      i_ += 3;
      std::string name;
      uint32_t group = 0;
      if (!readName(')', name) || !resolveRef(name, group)) return false;
      return emitBackref(group);
    }
    if (startsWith("?>")) {
      i_ += 2;
      t_.backtracking = true;
      return body("(?>");
    }
    if (startsWith("?(")) return parseConditional(depth);
    if (startsWith("?:")) {  // the body's own kind: `(?:)*` and `(?:^)*` are refused
      i_ += 2;
      return body("(?:", &kind);
    }
    if (peek() == '?') return parseFlags(depth, kind);
    ++t_.groups;
    cost_ += 2 * kStateBytes;
    return body("(");
  }

  // (?(1)yes|no), (?(<name>)yes|no), and (?(expr)yes|no): a condition that is
  // an expression is matched (and consumed) before `yes`; where it fails,
  // `no` is tried at the same place. At most two branches.
  bool parseConditional(int depth) {
    i_ += 2;
    std::string condition;  // PCRE2's condition, then what the yes branch starts with
    std::string consumed;
    if (peek() == '<') {
      ++i_;
      std::string name;
      uint32_t group = 0;
      if (!readName('>', name) || !resolveRef(name, group)) return false;
      if (peek() != ')') return fail("expected ')' after the condition");
      ++i_;
      condition = std::to_string(group);
    } else if (size_t close = s_.find(')', i_); close != std::string_view::npos && decimal(s_.substr(i_, close - i_))) {
      uint32_t group = 0;
      if (!resolveRef(std::string(s_.substr(i_, close - i_)), group)) return false;
      numberedBackref_ = true;
      i_ = close + 1;
      condition = std::to_string(group);
    } else {
      const size_t at = out_.size();
      if (!parseAlt(depth + 1)) return false;
      if (peek() != ')') return fail("unclosed condition");
      ++i_;
      consumed = out_.substr(at);
      out_.resize(at);
      condition = "?=" + withoutCaptures(consumed);
    }
    t_.backtracking = true;
    out_ += "(?(" + condition + ")(?:" + consumed;
    const bool savedExtended = extended_;
    AtomKind ignored;
    if (!parseConcat(depth + 1, ignored)) return false;
    out_ += ')';
    if (peek() == '|') {
      ++i_;
      out_ += '|';
      if (!parseConcat(depth + 1, ignored)) return false;
      if (peek() == '|') return fail("a conditional has at most two branches");
    }
    extended_ = savedExtended;
    return expectClose();
  }

  // (?flags) and (?flags:...). i, m, s and U pass through to the engines
  // (same meaning and scoping); x is applied by this translator; u is the
  // default and cannot be turned off.
  bool parseFlags(int depth, AtomKind& kind) {
    ++i_;  // '?'
    const size_t start = i_;
    bool neg = false, extended = extended_;
    std::string on, off;
    for (;;) {
      if (!skipSpace()) return false;
      if (atEnd()) return fail("unclosed group");
      const char c = peek();
      if (c == 'i' || c == 'm' || c == 's' || c == 'U') {
        (neg ? off : on) += c;
        if (c == 'i') caseFlagSeen_ = true;
      } else if (c == 'x') {
        extended = !neg;
      } else if (c == 'u') {
        if (neg) return fail("turning off Unicode mode is not supported");
      } else if (c == '-') {
        if (neg) return fail("repeated '-' in flags");
        neg = true;
      } else if (c == ')' || c == ':') {
        if ((c == ')' && i_ == start) || (neg && i_ == start + 1)) return fail("empty flag group");
        ++i_;
        std::string flags = on + (off.empty() ? "" : "-" + off);
        if (c == ')') {
          if (!flags.empty()) out_ += "(?" + flags + ")";
          extended_ = extended;
          kind = AtomKind::Empty;
          return true;
        }
        const bool saved = extended_;
        extended_ = extended;
        out_ += "(?" + flags + ":";
        if (!parseAlt(depth + 1, &kind) || !expectClose()) return false;
        extended_ = saved;
        return true;
      } else {
        return fail(std::string("unknown flag '") + c + "'");
      }
      ++i_;
    }
  }

  // \xHH, \x{H..}, \uHHHH, \u{H..}, \UHHHHHHHH, \U{H..}; i_ points after the letter.
  bool parseHex(size_t digits, uint32_t& cp) {
    std::string_view hex;
    if (i_ + digits <= s_.size() && std::all_of(s_.begin() + i_, s_.begin() + i_ + digits, isHex)) {
      hex = s_.substr(i_, digits);
      i_ += digits;
    } else if (peek() == '{') {
      size_t j = i_ + 1;
      while (j < s_.size() && isHex(s_[j]) && j - i_ <= 8) ++j;
      if (j == i_ + 1 || j >= s_.size() || s_[j] != '}') return fail("invalid hex escape");
      hex = s_.substr(i_ + 1, j - i_ - 1);
      i_ = j + 1;
    } else {
      return fail("invalid hex escape");
    }
    cp = uint32_t(std::stoul(std::string(hex), nullptr, 16));
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail("invalid code point in escape");
    return true;
  }

  // \pX and \p{..} (regex-syntax's syntax; names resolved by
  // runtime/unicode_props.cpp): the class as explicit code point ranges, so
  // that both engines match the reference's Unicode 15.0 members, folded
  // under (?i) like any class. i_ points after the 'p'/'P'. For the ASCII
  // engine (ClassRange) only the ASCII members are kept, unless a case flag
  // may fold others into ASCII.
  bool parseProperty(bool negated, ClassUnion& items) {
    if (atEnd()) return fail("incomplete Unicode class escape");
    std::string_view spec;
    if (peek() == '{') {
      size_t close = s_.find('}', i_);
      if (close == std::string_view::npos) return fail("unclosed Unicode class name");
      spec = s_.substr(i_ + 1, close - i_ - 1);
      i_ = close + 1;
    } else {
      if (peek() == '\\') return fail("invalid Unicode class escape");
      spec = s_.substr(i_, utf8Len(s_, i_));
      i_ += spec.size();
    }
    auto ranges = unicode::propertyClass(spec);
    if (!ranges.ok()) return fail(ranges.error().message);
    ClassUnion u;
    for (const unicode::CodeRange& r : *ranges) u.push_back(ClassItem::range(r.lo, r.hi));
    if (ascii_ && caseFlagSeen_) t_.needsUnicode = true;
    if (ascii_ && !caseFlagSeen_) {
      if (negated) u = complementRanges(u);
      for (auto& it : u) {
        if (it.lo > 0x7F) continue;
        it.hi = std::min<uint32_t>(it.hi, 0x7F);
        items.push_back(std::move(it));
      }
      return true;
    }
    addMaybeNegated(items, std::move(u), negated);
    return true;
  }

  static uint32_t controlEscape(char b) {
    switch (b) {
      case 'a': return 0x07;
      case 'f': return 0x0C;
      case 'n': return 0x0A;
      case 'r': return 0x0D;
      case 't': return 0x09;
      case 'v': return 0x0B;
      case 'e': return 0x1B;
      case ' ': return 0x20;
      default: return UINT32_MAX;
    }
  }

  void emitWordBoundary(bool boundary) {
    const std::string w = "[" + std::string(wordItems()) + "]";
    if (boundary) {
      out_ += "(?:(?<=" + w + ")(?!" + w + ")|(?<!" + w + ")(?=" + w + "))";
    } else {
      out_ += "(?:(?<=" + w + ")(?=" + w + ")|(?<!" + w + ")(?!" + w + "))";
    }
    t_.backtracking = true;
  }

  // \< (start of a word) and \> (end of a word), in Unicode words.
  void emitWordEdge(bool start) {
    const std::string w = "[" + std::string(wordItems()) + "]";
    out_ += start ? "(?:(?<!" + w + ")(?=" + w + "))" : "(?:(?<=" + w + ")(?!" + w + "))";
    t_.backtracking = true;
  }

  bool parseEscape(AtomKind& kind) {
    if (i_ + 1 >= s_.size()) return fail("pattern ends with a backslash");
    const char b = s_[i_ + 1];
    i_ += 2;
    if (isDigit(b)) {
      size_t start = i_ - 1;
      while (!atEnd() && isDigit(peek())) ++i_;
      // fancy-regex takes any run of digits, but only numbers below half the
      // pattern's length, and only of groups opened before.
      std::optional<uint32_t> group = decimal(s_.substr(start, i_ - start));
      if (!group || *group >= s_.size() / 2) return fail("invalid backreference");
      if (*group > t_.groups) return fail("backreference to group " + std::to_string(*group) + ", which is not defined before it");
      numberedBackref_ = true;
      return emitBackref(*group);
    }
    switch (b) {
      case 'k': {
        if (peek() != '<' && peek() != '\'') return fail("invalid named backreference");
        const char close = peek() == '<' ? '>' : '\'';
        ++i_;
        std::string name;
        uint32_t group = 0;
        if (!readName(close, name, true) || !resolveRef(name, group)) return false;
        return emitBackref(group);
      }
      case 'A': out_ += "\\A"; kind = AtomKind::Assertion; return true;
      case 'z': out_ += "\\z"; kind = AtomKind::Assertion; return true;
      case '<':
      case '>':
        emitWordEdge(b == '<');
        kind = AtomKind::Assertion;
        return true;
      case 'b':
      case 'B':
        if (peek() == '{') return fail("\\b{...} is not supported");
        emitWordBoundary(b == 'b');
        kind = AtomKind::Assertion;
        return true;
      // fancy-regex lets \K and \G be repeated (they are not its assertions);
      // PCRE2 does so only for a group.
      case 'K': out_ += "(?:\\K)"; t_.backtracking = true; return true;
      case 'G': out_ += "(?:\\G)"; t_.backtracking = true; return true;
      case 'd': out_ += "[" + rangesText(perlRanges('d')) + "]"; addClassCost(214); return true;
      case 'D': out_ += "[^" + rangesText(perlRanges('d')) + "]"; addClassCost(630); return true;
      case 'w': out_ += "[" + std::string(wordItems()) + "]"; addClassCost(3256); return true;
      case 'W': out_ += "[^" + std::string(wordItems()) + "]"; addClassCost(3256); return true;
      case 's': out_ += "[" + std::string(spaceItems()) + "]"; addClassCost(24); return true;
      case 'S': out_ += "[^" + std::string(spaceItems()) + "]"; addClassCost(28); return true;
      case 'h': out_ += "[0-9A-Fa-f]"; addClassCost(0); return true;
      case 'H': out_ += "[^0-9A-Fa-f]"; addClassCost(27); return true;
      case 'p':
      case 'P': {
        ClassUnion items;
        if (!parseProperty(b == 'P', items)) return false;
        addClassCost(classUtf8Bytes(items));
        out_ += emitUnion(items);
        return true;
      }
      default:
        break;
    }
    uint32_t cp = 0;
    if (!escapedCodepoint(b, cp)) return false;
    appendLiteral(out_, cp);
    cost_ += (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4) * kStateBytes;
    return true;
  }

  // Escapes that stand for one literal code point; i_ is past "\b".
  bool escapedCodepoint(char b, uint32_t& cp) {
    if (b == 'x') return parseHex(2, cp);
    if (b == 'u') return parseHex(4, cp);
    if (b == 'U') return parseHex(8, cp);
    if ((cp = controlEscape(b)) != UINT32_MAX) return true;
    if (isAsciiAlpha(b)) {
      i_ -= 2;
      return fail(std::string("invalid escape \\") + b);
    }
    // Any other escaped character (punctuation, non-ASCII) is itself.
    i_ -= 1;
    i_ += decodeUtf8(s_, i_, cp);
    return true;
  }

  // One escape inside [...]: a literal, or class items.
  bool parseClassEscape(ClassUnion& items, bool& literal, uint32_t& cp) {
    literal = false;
    if (i_ + 1 >= s_.size()) return fail("pattern ends with a backslash");
    const char b = s_[i_ + 1];
    i_ += 2;
    switch (b) {
      case 'd': case 'w': case 's': case 'D': case 'W': case 'S': {
        ClassUnion u;
        for (const auto& [lo, hi] : perlRanges(char(b | 32))) u.push_back(ClassItem::range(lo, hi));
        addMaybeNegated(items, std::move(u), b < 'a');
        return true;
      }
      case 'h':
      case 'H': {
        ClassUnion hex;
        posixRanges("xdigit", hex);
        addMaybeNegated(items, std::move(hex), b == 'H');
        return true;
      }
      case 'p':
      case 'P':
        return parseProperty(b == 'P', items);
      // fancy-regex reads these as the plain letters inside a class, and \b as backspace.
      case 'b': cp = 0x08; literal = true; return true;
      case 'A': case 'z': case 'B': case 'k': case 'K': case 'G':
        cp = uint32_t(b);
        literal = true;
        return true;
      default:
        break;
    }
    if (isDigit(b)) {
      i_ -= 2;
      return fail("backreference inside a character class");
    }
    literal = true;
    return escapedCodepoint(b, cp);
  }

  // One literal class member for a range bound: a character or an escape.
  bool classLiteral(uint32_t& cp, bool& ok) {
    ok = false;
    if (peek() == '\\') {
      ClassUnion scratch;
      bool literal = false;
      if (!parseClassEscape(scratch, literal, cp)) return false;
      ok = literal;
      return true;
    }
    if (peek() == '[') return true;
    i_ += decodeUtf8(s_, i_, cp);
    ok = true;
    return true;
  }

  // i_ is just past '['.
  bool parseClassSet(int depth, ClassSet& set) {
    if (depth + 1 >= kMaxNesting) return fail("character class nests too deeply");
    if (peek() == '^') {
      set.negated = true;
      ++i_;
    }
    set.operands.emplace_back();
    // regex-syntax: any '-' right after the opening are literal ("[--a]" is
    // {-, a}), and so is a ']' that comes first.
    bool first = true;
    while (peek() == '-') {
      set.operands.back().push_back(ClassItem::range('-', '-'));
      ++i_;
      first = false;
    }
    for (;;) {
      if (atEnd()) return fail("unclosed character class");
      ClassUnion& u = set.operands.back();
      const char c = peek();
      if (c == ']' && !first) {
        ++i_;
        return true;
      }
      first = false;
      if (startsWith("&&") || startsWith("--") || startsWith("~~")) {
        set.ops.push_back(c == '&' ? '&' : c == '-' ? '-' : '~');
        set.operands.emplace_back();
        i_ += 2;
        continue;
      }
      if (c == '[') {
        if (!parseNestedClass(depth, u)) return false;
        continue;
      }
      uint32_t lo = 0;
      bool literal = true;
      if (c == '\\') {
        if (!parseClassEscape(u, literal, lo)) return false;
      } else {
        i_ += decodeUtf8(s_, i_, lo);
      }
      const bool rangeFollows = peek() == '-' && peek(1) != ']' && i_ + 1 < s_.size() && peek(1) != '-';
      if (!rangeFollows) {
        if (literal) u.push_back(ClassItem::range(lo, lo));
        continue;
      }
      if (!literal) return fail("invalid range boundary, must be a literal");
      ++i_;  // '-'
      uint32_t hi = 0;
      bool ok = false;
      if (!classLiteral(hi, ok)) return false;
      if (!ok) return fail("invalid range boundary, must be a literal");
      if (hi < lo) return fail("invalid character class range (start > end)");
      u.push_back(ClassItem::range(lo, hi));
    }
  }

  // [:name:] / [:^name:] or a nested class; i_ is at '['.
  bool parseNestedClass(int depth, ClassUnion& u) {
    if (startsWith("[:")) {
      size_t close = s_.find(":]", i_ + 2);
      if (close != std::string_view::npos) {
        std::string_view name = s_.substr(i_ + 2, close - i_ - 2);
        bool neg = !name.empty() && name[0] == '^';
        if (neg) name.remove_prefix(1);
        ClassUnion ranges;
        if (posixRanges(name, ranges)) {
          addMaybeNegated(u, std::move(ranges), neg);
          i_ = close + 2;
          return true;
        }
      }
    }
    ++i_;
    auto nested = std::make_unique<ClassSet>();
    if (!parseClassSet(depth + 1, *nested)) return false;
    addSet(u, std::move(nested));
    return true;
  }

  // Adds `u`, or its complement, to `items`. Under a case flag the
  // reference folds a class before negating it ((?i)[^b] excludes B too), so
  // the complement is left to the engine ([^...]) instead of computed here.
  void addMaybeNegated(ClassUnion& items, ClassUnion u, bool negated) const {
    if (negated && caseFlagSeen_) {
      auto set = std::make_unique<ClassSet>();
      set->negated = true;
      set->operands.push_back(std::move(u));
      ClassItem it;
      it.kind = ClassItem::Set;
      it.set = std::move(set);
      items.push_back(std::move(it));
      return;
    }
    if (negated) u = complementRanges(u);
    for (auto& it : u) items.push_back(std::move(it));
  }

  // Adds a nested class to a union, flattening it when that keeps meaning.
  void addSet(ClassUnion& u, std::unique_ptr<ClassSet> set) const {
    if (set->ops.empty()) {
      ClassUnion& inner = set->operands[0];
      if (!set->negated) {
        for (auto& it : inner) u.push_back(std::move(it));
        return;
      }
      if (allRanges(inner) && !caseFlagSeen_) {
        for (auto& it : complementRanges(inner)) u.push_back(std::move(it));
        return;
      }
    }
    ClassItem it;
    it.kind = ClassItem::Set;
    it.set = std::move(set);
    u.push_back(std::move(it));
  }

  std::string emitUnion(const ClassUnion& u) {
    std::string simple;
    std::vector<std::string> parts;
    size_t total = 0;
    for (const auto& it : u) {
      if (it.kind == ClassItem::Range) {
        appendRange(simple, it.lo, it.hi);
        if (caseFlagSeen_) t_.caselessSpan += it.hi - it.lo + 1;
      } else if (it.kind == ClassItem::Frag) {
        simple += it.frag;
      }
      else {
        parts.push_back(emitSet(*it.set));
        total += parts.back().size();
        if (classTooBig_ || total > kMaxClassText) {
          classTooBig_ = true;
          return std::string();
        }
      }
    }
    if (!simple.empty()) parts.insert(parts.begin(), "[" + simple + "]");
    // The empty class matches nothing; not written as [^\x{0}-\x{10FFFF}],
    // which PCRE2 case-folds code point by code point under (?i).
    if (parts.empty()) return "[^\\s\\S]";
    if (parts.size() == 1) return parts[0];
    std::string r = "(?:";
    for (size_t k = 0; k < parts.size(); ++k) r += (k ? "|" : "") + parts[k];
    return r + ")";
  }

  static bool simpleUnion(const ClassUnion& u) {
    return std::all_of(u.begin(), u.end(), [](const ClassItem& it) { return it.kind != ClassItem::Set; });
  }

  // Set operations on explicit code point ranges, exactly. Not under a case
  // flag: the engines fold each operand before the operation, which the
  // look-ahead form below keeps and a precomputed class would not.
  static ClassUnion unionOf(const ClassUnion& a, const ClassUnion& b) {
    ClassUnion u;
    for (const auto& it : a) u.push_back(ClassItem::range(it.lo, it.hi));
    for (const auto& it : b) u.push_back(ClassItem::range(it.lo, it.hi));
    return u;
  }
  static ClassUnion intersectionOf(const ClassUnion& a, const ClassUnion& b) {
    return complementRanges(unionOf(complementRanges(a), complementRanges(b)));
  }
  static ClassUnion differenceOf(const ClassUnion& a, const ClassUnion& b) {
    return intersectionOf(a, complementRanges(b));
  }
  std::optional<std::string> emitRangeSet(const ClassSet& set) {
    if (caseFlagSeen_ || !std::all_of(set.operands.begin(), set.operands.end(), allRanges)) return std::nullopt;
    ClassUnion acc = unionOf(set.operands[0], {});
    for (size_t k = 0; k < set.ops.size(); ++k) {
      const ClassUnion& b = set.operands[k + 1];
      switch (set.ops[k]) {
        case '&': acc = intersectionOf(acc, b); break;
        case '-': acc = differenceOf(acc, b); break;
        default: acc = unionOf(differenceOf(acc, b), differenceOf(b, acc)); break;
      }
    }
    if (set.negated) acc = complementRanges(acc);
    return emitUnion(acc);
  }

  // A class as an expression matching exactly one character. Negation and
  // set operations on anything but simple members need look-ahead (PCRE2).
  // A symmetric difference repeats its left operand, so a chain of them
  // doubles the text each time: past kMaxClassText the pattern is refused
  // (classTooBig_) instead of exhausting memory (found by the e2e fuzzer).
  std::string emitSet(const ClassSet& set) {
    if (!set.ops.empty())
      if (auto exact = emitRangeSet(set)) return *exact;
    if (set.ops.empty()) {
      const ClassUnion& u = set.operands[0];
      if (!set.negated) return emitUnion(u);
      if (simpleUnion(u) && !u.empty()) {
        std::string r = emitUnion(u);  // "[...]"
        return "[^" + r.substr(1);
      }
    }
    std::string acc = emitUnion(set.operands[0]);
    for (size_t k = 0; k < set.ops.size(); ++k) {
      if (classTooBig_) return std::string();
      const std::string b = emitUnion(set.operands[k + 1]);
      if (classTooBig_ || 2 * (acc.size() + b.size()) > kMaxClassText) {
        classTooBig_ = true;
        return std::string();
      }
      switch (set.ops[k]) {
        case '&': acc = "(?:(?=" + acc + ")" + b + ")"; break;
        case '-': acc = "(?:(?!" + b + ")" + acc + ")"; break;
        default: acc = "(?:(?!" + b + ")" + acc + "|(?!" + acc + ")" + b + ")"; break;
      }
      t_.backtracking = true;
      if (acc.size() > kMaxClassText) {
        classTooBig_ = true;
        return std::string();
      }
    }
    if (set.negated) {
      acc = "(?:(?!" + acc + ")(?s:.))";
      t_.backtracking = true;
    }
    return acc;
  }

  bool parseClass(int depth) {
    ++i_;  // '['
    ClassSet set;
    if (!parseClassSet(depth, set)) return false;
    uint64_t utf8Bytes = 0;
    for (const ClassUnion& operand : set.operands) utf8Bytes += classUtf8Bytes(operand);
    addClassCost(set.negated && utf8Bytes == 0 ? 27 : utf8Bytes);
    std::string emitted = emitSet(set);
    if (classTooBig_) return fail("character class too complex (its set operations translate to more than " +
                                  std::to_string(kMaxClassText) + " bytes)");
    out_ += emitted;
    return true;
  }
};

// ---------------------------------------------------------------------------
// Engines

struct Span {
  size_t start = SIZE_MAX, end = SIZE_MAX;  // SIZE_MAX: group did not take part
};

// Shared part of both engines: group names and regex_replace expansion.
class EngineRegex : public Regex {
 public:
  EngineRegex(std::string pattern, Translation t) : t_(std::move(t)) { pattern_ = std::move(pattern); }

  Result<std::string> replaceMatchesOnly(std::string_view text, std::string_view replacement) const override {
    std::vector<Span> caps(t_.groups + 1);
    std::string out;
    size_t lastEnd = 0;
    std::optional<size_t> lastMatch;
    // fancy-regex's captures_iter: an empty match right where the previous
    // match ended is skipped; after an empty match the search moves on one
    // character.
    while (lastEnd <= text.size()) {
      Result<bool> found = matchAt(text, lastEnd, caps);
      if (!found.ok()) return found.takeError();
      if (!*found) break;
      const Span m = caps[0];
      // A whole match without a place (or before where the search started)
      // would never move lastEnd on: stop rather than loop (found by fuzzing).
      if (m.end == SIZE_MAX || m.end < lastEnd) break;
      if (m.start == m.end) {
        lastEnd = m.end < text.size() ? m.end + utf8Len(text, m.end) : m.end + 1;
        if (lastMatch && *lastMatch == m.end) continue;
      } else {
        lastEnd = m.end;
      }
      lastMatch = m.end;
      expand(text, caps, replacement, out);
    }
    return out;
  }

 protected:
  // Leftmost match at or after `pos` (the whole text stays visible to
  // anchors and look-behind); fills caps[0..groups].
  virtual Result<bool> matchAt(std::string_view text, size_t pos, std::vector<Span>& caps) const = 0;

  Translation t_;

 private:
  static bool isNameChar(char c) { return isAsciiAlnum(uint8_t(c)) || c == '_'; }

  void appendGroup(std::string_view text, const std::vector<Span>& caps, std::string_view name,
                   std::string& out) const {
    std::optional<uint32_t> group;
    for (const auto& [n, idx] : t_.names)
      if (n == name) group = idx;
    if (!group && !name.empty() && name.size() < 10 &&
        std::all_of(name.begin(), name.end(), [](char c) { return isDigit(c); }))
      group = uint32_t(std::stoul(std::string(name)));
    if (!group || *group >= caps.size()) return;  // unknown group: expands to nothing
    const Span& s = caps[*group];
    if (s.start != SIZE_MAX && s.end >= s.start) out.append(text.substr(s.start, s.end - s.start));
  }

  // $$, ${name}, $name (longest run of [A-Za-z0-9_]); a '$' that starts
  // none of these is literal.
  void expand(std::string_view text, const std::vector<Span>& caps, std::string_view rep,
              std::string& out) const {
    size_t k = 0;
    while (k < rep.size()) {
      const size_t dollar = rep.find('$', k);
      if (dollar == std::string_view::npos) {
        out.append(rep.substr(k));
        return;
      }
      out.append(rep.substr(k, dollar - k));
      k = dollar + 1;
      if (k < rep.size() && rep[k] == '$') {
        out.push_back('$');
        ++k;
        continue;
      }
      if (k < rep.size() && rep[k] == '{') {
        size_t j = k + 1;
        while (j < rep.size() && isNameChar(rep[j])) ++j;
        if (j > k + 1 && j < rep.size() && rep[j] == '}') {
          appendGroup(text, caps, rep.substr(k + 1, j - k - 1), out);
          k = j + 1;
          continue;
        }
      }
      size_t j = k;
      while (j < rep.size() && isNameChar(rep[j])) ++j;
      if (j > k) {
        appendGroup(text, caps, rep.substr(k, j - k), out);
        k = j;
        continue;
      }
      out.push_back('$');
    }
  }
};

class Re2Regex final : public EngineRegex {
 public:
  Re2Regex(std::string pattern, Translation t, std::unique_ptr<RE2> re)
      : EngineRegex(std::move(pattern), std::move(t)), re_(std::move(re)) {}

  Result<bool> search(std::string_view text) const override {
    return re_->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, nullptr, 0);
  }
  bool backtracking() const override { return false; }

 protected:
  Result<bool> matchAt(std::string_view text, size_t pos, std::vector<Span>& caps) const override {
    std::vector<re2::StringPiece> sub(caps.size());
    if (!re_->Match(re2::StringPiece(text.data(), text.size()), pos, text.size(), RE2::UNANCHORED, sub.data(),
                    int(sub.size())))
      return false;
    for (size_t k = 0; k < caps.size(); ++k) {
      const size_t start = size_t(sub[k].data() - text.data());
      caps[k] = sub[k].data() ? Span{start, start + sub[k].size()} : Span{};
    }
    // On an empty text RE2 reports the (empty) whole match with a null data
    // pointer, which reads as "did not take part"; the match is at `pos`.
    if (!sub[0].data()) caps[0] = Span{pos, pos};
    return true;
  }

 private:
  std::unique_ptr<RE2> re_;
};

// Per-thread PCRE2 match state, reused so that a search allocates nothing.
struct PcreThreadState {
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jitStack = nullptr;
  pcre2_match_data* oneMatch = nullptr;  // one ovector pair: enough for search()

  PcreThreadState() {
    context = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(context, kPcre2MatchLimit);
    pcre2_set_depth_limit(context, kPcre2DepthLimit);
    pcre2_set_heap_limit(context, kPcre2HeapLimitKiB);
    jitStack = pcre2_jit_stack_create(32 * 1024, kJitStackMax, nullptr);
    if (jitStack) pcre2_jit_stack_assign(context, nullptr, jitStack);
    oneMatch = pcre2_match_data_create(1, nullptr);
  }
  ~PcreThreadState() {
    pcre2_match_data_free(oneMatch);
    pcre2_jit_stack_free(jitStack);
    pcre2_match_context_free(context);
  }
  static PcreThreadState& get() {
    static thread_local PcreThreadState state;
    return state;
  }
};

class PcreRegex final : public EngineRegex {
 public:
  PcreRegex(std::string pattern, Translation t, pcre2_code* code)
      : EngineRegex(std::move(pattern), std::move(t)), code_(code) {}
  ~PcreRegex() override { pcre2_code_free(code_); }

  Result<bool> search(std::string_view text) const override {
    return run(text, 0, PcreThreadState::get().oneMatch);
  }
  bool backtracking() const override { return true; }

 protected:
  Result<bool> matchAt(std::string_view text, size_t pos, std::vector<Span>& caps) const override {
    pcre2_match_data* md = pcre2_match_data_create(uint32_t(caps.size()), nullptr);
    Result<bool> r = run(text, pos, md);
    if (r.ok() && *r) {
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      const uint32_t n = std::min<uint32_t>(pcre2_get_ovector_count(md), uint32_t(caps.size()));
      for (size_t k = 0; k < caps.size(); ++k)
        caps[k] = k < n && ov[2 * k] != PCRE2_UNSET ? Span{ov[2 * k], ov[2 * k + 1]} : Span{};
      if (caps[0].start > caps[0].end) caps[0].start = caps[0].end;  // \K inside look-ahead
    }
    pcre2_match_data_free(md);
    return r;
  }

 private:
  Result<bool> run(std::string_view text, size_t pos, pcre2_match_data* md) const {
    auto& st = PcreThreadState::get();
    auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    int rc = pcre2_match(code_, subject, text.size(), pos, 0, md, st.context);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)  // the interpreter keeps its frames on the heap
      rc = pcre2_match(code_, subject, text.size(), pos, PCRE2_NO_JIT, md, st.context);
    if (rc >= 0) return true;
    if (rc == PCRE2_ERROR_NOMATCH) return false;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
      return Error::plain(ErrorKind::RegexBudget, "regex /" + pattern_ + "/ exceeded the backtracking limit (" +
                                                      std::to_string(kPcre2MatchLimit) + " steps) on a value of " +
                                                      std::to_string(text.size()) + " bytes");
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(rc, buf, sizeof buf);
    return Error::plain(ErrorKind::RegexFailed,
                        "regex /" + pattern_ + "/ failed: " + reinterpret_cast<const char*>(buf));
  }

  pcre2_code* code_;
};

// Why `pattern` does not compile, in the words every caller shows; `offset`
// is the byte of the pattern where the translator or PCRE2 stopped, if known.
Error compileError(std::string_view pattern, const std::string& why, size_t offset = kNoOffset) {
  Error e = Error::plain(ErrorKind::RegexInvalid, "invalid regular expression '" + std::string(pattern) + "': " + why);
  e.offset = offset;
  return e;
}
Error compileError(std::string_view pattern, const Error& why) {
  return compileError(pattern, why.message, why.offset);
}

// PCRE2's compiled form of a translated pattern; the error is PCRE2's text
// (its offset is in the translated pattern, so it is not kept).
Result<pcre2_code*> pcreCode(const Translation& t) {
  pcre2_compile_context* cc = pcre2_compile_context_create(nullptr);
  pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
  pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK);  // fancy-regex takes \K there
  int code = 0;
  PCRE2_SIZE offset = 0;
  // DOLLAR_ENDONLY: Rust's $ never matches before a final newline.
  // ALT_CIRCUMFLEX: Rust's (?m)^ also matches after a final newline.
  const uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY |
                           PCRE2_ALT_CIRCUMFLEX | PCRE2_NEVER_BACKSLASH_C;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(t.pattern.data()), t.pattern.size(), options,
                                 &code, &offset, cc);
  pcre2_compile_context_free(cc);
  if (re) return re;
  PCRE2_UCHAR buf[256];
  pcre2_get_error_message(code, buf, sizeof buf);
  return Error::plain(ErrorKind::RegexInvalid, reinterpret_cast<const char*>(buf));
}

Result<std::unique_ptr<Regex>> compilePcre(std::string_view pattern, Translation t) {
  if (t.caselessSpan > kMaxCaselessSpan)
    return compileError(pattern, "too expensive to compile: its case-insensitive classes span more than " +
                                     std::to_string(kMaxCaselessSpan) + " code points");
  Result<pcre2_code*> compiled = pcreCode(t);
  if (!compiled.ok()) return compileError(pattern, compiled.error().message);
  pcre2_code* re = compiled.value();
  pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);  // without JIT support, the interpreter runs
  return std::unique_ptr<Regex>(new PcreRegex(std::string(pattern), std::move(t), re));
}

// The engine for a translated pattern: RE2 when it can run it, else PCRE2.
Result<std::unique_ptr<Regex>> compileTranslated(std::string_view pattern, Translation t) {
  if (t.backtracking) return compilePcre(pattern, std::move(t));

  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(kRe2MaxMem);
  auto re = std::make_unique<RE2>(re2::StringPiece(t.pattern.data(), t.pattern.size()), opts);
  if (re->ok()) return std::unique_ptr<Regex>(new Re2Regex(std::string(pattern), std::move(t), std::move(re)));
  // Property names RE2 lacks (scripts in loose spelling, binary properties)
  // and repetitions beyond its limits still compile on PCRE2.
  const std::string re2Error = re->error();
  auto fallback = compilePcre(pattern, std::move(t));
  if (fallback.ok()) return fallback;
  return compileError(pattern, re2Error);
}

// The engines of lazy regexes, shared by every regex of the same pattern in
// the process: a pack keeps each literal on its own (the registry has its
// costliest pattern, the ACM certificate ARN with `\d{12}` and `[\w\-]{1,64}`
// in Unicode classes, 37 ms to compile, twice), and so do the files of a
// rules directory. An entry lives exactly as long as its engine: the last
// regex to let go of the engine removes it. A process that loads many rules
// files in turn keeps nothing of the patterns it no longer uses, and each
// fuzzer input frees all it allocated (libFuzzer runs an input again, and
// may stop checking for leaks, when it does not).
class SharedEngines {
 public:
  // One set per ClassRange: the same pattern translates differently for each.
  static SharedEngines& instance(ClassRange range) {
    static SharedEngines* engines = new SharedEngines[2];  // never destroyed: used until exit
    return engines[range == ClassRange::Ascii ? 1 : 0];
  }

  // The engine of `pattern` (translated as `t`), compiled now unless a live
  // regex already has it; null, with `error` set, if it does not compile.
  std::shared_ptr<const Regex> get(const std::string& pattern, const Translation& t, Error& error) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = engines_.find(pattern);
      if (it != engines_.end())
        if (auto engine = it->second.lock()) return engine;
    }
    // Compiled outside the lock: another thread may want another pattern meanwhile.
    auto r = compileTranslated(pattern, t);
    if (!r.ok()) {
      error = r.takeError();
      error.message = "regex /" + pattern + "/ does not compile: " + error.message;
      return nullptr;
    }
    std::shared_ptr<const Regex> engine(r.value().release(), [this](const Regex* dying) { release(dying); });
    std::lock_guard<std::mutex> lock(mutex_);
    std::weak_ptr<const Regex>& slot = engines_[pattern];
    if (auto other = slot.lock()) return other;  // compiled by two threads at once: keep one
    slot = engine;
    return engine;
  }

  size_t size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return engines_.size();
  }

 private:
  // The deleter of every engine handed out. Its entry may already hold a
  // newer engine of the same pattern (compiled after this one expired, before
  // this ran): then the entry stays.
  void release(const Regex* dying) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = engines_.find(dying->pattern());
      if (it != engines_.end() && it->second.expired()) engines_.erase(it);
    }
    delete dying;
  }

  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<const Regex>, std::less<>> engines_;
};

// A pattern known to compile, with its engine built on first use. Reading a
// pack (vm/pack.cpp) makes these: an RE2 compile costs ~270 µs and most of a
// pack's regexes are never run on a given input. compileLazy only makes one
// when PCRE2 has just compiled the translation (without JIT, ~10x cheaper
// than RE2): the engine built later is RE2 or, if RE2 refuses, that same
// PCRE2 compile, so the build cannot fail but for lack of memory; if it
// does, searches return compile's error (an evaluation error, like the
// backtracking limit). Programs are shared by `validate -j N` threads:
// std::call_once builds the engine exactly once and publishes it to all.
// Regexes of one pattern share their engine (SharedEngines). A pattern with
// Unicode classes may also have an ASCII translation (ClassRange): its own
// engine, built on first use too, answers for ASCII texts, and the Unicode
// engine is built only when a text that is not ASCII comes.
class LazyRegex final : public Regex {
 public:
  LazyRegex(std::string pattern, Translation t, std::optional<Translation> ascii)
      : full_(std::move(t), ClassRange::Unicode) {
    pattern_ = std::move(pattern);
    if (ascii) ascii_.emplace(std::move(*ascii), ClassRange::Ascii);
  }

  Result<bool> search(std::string_view text) const override {
    if (const Regex* e = engineFor(text)) return e->search(text);
    return full_.error;
  }
  Result<std::string> replaceMatchesOnly(std::string_view text, std::string_view replacement) const override {
    if (const Regex* e = engineFor(text)) return e->replaceMatchesOnly(text, replacement);
    return full_.error;
  }
  bool backtracking() const override {
    const Regex* e = full_.get(pattern_);
    return e ? e->backtracking() : full_.t.backtracking;
  }

 private:
  struct Lazy {
    Lazy(Translation tr, ClassRange r) : t(std::move(tr)), range(r) {}
    const Regex* get(const std::string& pattern) const {
      std::call_once(once, [&] { engine = SharedEngines::instance(range).get(pattern, t, error); });
      return engine.get();
    }
    Translation t;
    ClassRange range;
    mutable std::once_flag once;
    mutable std::shared_ptr<const Regex> engine;
    mutable Error error;
  };

  const Regex* engineFor(std::string_view text) const {
    if (ascii_ && isAscii(text))
      if (const Regex* e = ascii_->get(pattern_)) return e;
    return full_.get(pattern_);
  }

  Lazy full_;
  std::optional<Lazy> ascii_;
};

}  // namespace

Result<std::unique_ptr<Regex>> Regex::compile(std::string_view pattern) {
  Result<Translation> t = Translator(pattern).run();
  if (!t.ok()) return compileError(pattern, t.error());
  return compileTranslated(pattern, std::move(*t));
}

size_t Regex::sharedEngines() {
  return SharedEngines::instance(ClassRange::Unicode).size() + SharedEngines::instance(ClassRange::Ascii).size();
}

Result<std::unique_ptr<Regex>> Regex::compileLazy(std::string_view pattern) {
  Result<Translation> t = Translator(pattern).run();
  if (!t.ok()) return compileError(pattern, t.error());
  // A pattern PCRE2 refuses may still be one RE2 takes: compile it now, so
  // that whether it loads, and its error, are exactly compile's.
  // What compilePcre refuses besides PCRE2's compiler, compile decides now.
  if (t->caselessSpan > kMaxCaselessSpan) return compileTranslated(pattern, std::move(*t));
  Result<pcre2_code*> probe = pcreCode(*t);
  if (!probe.ok()) return compileTranslated(pattern, std::move(*t));
  pcre2_code_free(probe.value());
  // An ASCII translation only for RE2 patterns whose classes change with it
  // (a backtracking pattern is cheap to compile on PCRE2 anyway). Where the
  // Unicode program is too big for RE2 and falls back to PCRE2, the ASCII one
  // may run on RE2: the same answers, but never PCRE2's match-limit error.
  std::optional<Translation> ascii;
  if (!t->backtracking) {
    Result<Translation> a = Translator(pattern, ClassRange::Ascii).run();
    if (a.ok() && !a->needsUnicode && !a->backtracking && a->pattern != t->pattern) ascii = std::move(*a);
  }
  return std::unique_ptr<Regex>(new LazyRegex(std::string(pattern), std::move(*t), std::move(ascii)));
}

}  // namespace guard
