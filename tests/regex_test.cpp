// Tests of runtime/regex.cpp: the Rust/fancy-regex dialect on RE2 and PCRE2
// (spec/guard-language.md §13), including every pattern of the conformance
// cases in shared/conformance/cases/regex and the regex_replace expansion.
#include "runtime/regex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

namespace guard {
namespace {

std::unique_ptr<Regex> mustCompile(std::string_view pattern) {
  auto r = Regex::compile(pattern);
  EXPECT_TRUE(r.ok()) << pattern << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r.value()) : nullptr;
}

// true/false for a match; fails the test on a compile or match error.
bool matches(std::string_view pattern, std::string_view text) {
  auto re = mustCompile(pattern);
  if (!re) return false;
  auto m = re->search(text);
  EXPECT_TRUE(m.ok()) << pattern << " on " << text;
  return m.ok() && *m;
}

struct MatchCase {
  const char* pattern;
  const char* text;
  bool expected;
};

class SearchTable : public ::testing::TestWithParam<MatchCase> {};

TEST_P(SearchTable, Matches) {
  const MatchCase& c = GetParam();
  EXPECT_EQ(matches(c.pattern, c.text), c.expected) << "/" << c.pattern << "/ on \"" << c.text << "\"";
}

// Patterns from shared/conformance/cases/regex/* (after the parser's slash handling).
INSTANTIATE_TEST_SUITE_P(Conformance, SearchTable, ::testing::Values(
    MatchCase{"^my-", "my-bucket", true},                      // regex-anchors
    MatchCase{"^bucket", "my-bucket", false},
    MatchCase{"^(\\w+)-\\1$", "abc-abc", true},                // regex-backreference
    MatchCase{"^(\\w+)-\\1$", "abc-abd", false},
    MatchCase{"^i-\\d{3}\\w+$", "i-123abc", true},             // regex-backslash-d
    MatchCase{"(?i)ENCRYPT", "not-encrypted", true},           // regex-case-insensitive-flag
    MatchCase{"^1.2$", "1x2", true},                           // regex-dot-matches
    MatchCase{"bucket", "my-bucket-1", true},                  // regex-eq-match
    MatchCase{"^/dev/sd[a-z]$", "/dev/sdb", true},             // regex-escaped-slash
    MatchCase{"^registry\\x2F$", "registry/", true},           // regex-hex-escape-slash
    MatchCase{"^a", "apple", true},                            // regex-in-list-element
    MatchCase{"^b", "apple", false},
    MatchCase{"^(?!test-).*$", "prod-app", true},              // regex-lookahead
    MatchCase{"^(?!test-).*$", "test-app", false},
    MatchCase{"(?<=prefix-)value", "prefix-value", true},      // regex-lookbehind
    MatchCase{"(?<=prefix-)value", "other-value", false},
    MatchCase{"root", "admin", false},                         // regex-ne
    MatchCase{"root", "bin:root", true},
    MatchCase{"^a", "banana", false},                          // regex-on-list-value
    MatchCase{"a", "banana", true},
    MatchCase{"^caf\\u{e9}$", "caf\xC3\xA9", true},            // regex-unicode
    MatchCase{"^arn:aws:iam::\\d{12}:role/[a-z]+$", "arn:aws:iam::123456789012:role/admin", true},
    MatchCase{"^prod-", "stage-app", false},                   // lists/in-regex-list
    MatchCase{"^stage-", "stage-app", true},
    MatchCase{"^z", "zed", true},                              // lists/in-mixed-list
    MatchCase{"^[A-Z]+$", "ABC", true},                        // functions/function-result-in-filter
    MatchCase{"aws::new::service", "aws::new::service", true}  // functions/to-upper-lower
));

INSTANTIATE_TEST_SUITE_P(Dialect, SearchTable, ::testing::Values(
    // Unicode-aware Perl classes (RE2's own are ASCII-only).
    MatchCase{"^\\d+$", "\xD9\xA3\xD9\xA4", true},        // Arabic-Indic digits
    MatchCase{"^\\d$", "\xC2\xB2", false},                // superscript two is not Nd
    MatchCase{"^\\w+$", "caf\xC3\xA9", true},
    MatchCase{"^\\w+$", "e\xCC\x81", true},               // combining acute is a mark
    MatchCase{"^\\w$", "\xE2\x92\xB6", true},             // circled A is alphabetic
    MatchCase{"^\\w$", "-", false},
    MatchCase{"^\\W$", "\xC3\xA9", false},
    MatchCase{"^\\W$", "-", true},
    MatchCase{"^\\s$", "\xC2\xA0", true},                 // no-break space
    MatchCase{"^\\s$", "\xE3\x80\x80", true},             // ideographic space
    MatchCase{"^\\S$", "\xC2\xA0", false},
    MatchCase{"^\\D$", "\xD9\xA3", false},
    MatchCase{"^[\\d]+$", "12\xD9\xA3", true},
    MatchCase{"^[\\w-]+$", "na\xC3\xAFve-x", true},
    MatchCase{"^[^\\d]+$", "abc", true},
    MatchCase{"^[^\\d]+$", "a1", false},
    MatchCase{"^[\\W]$", "-", true},
    MatchCase{"^[\\W]$", "a", false},
    MatchCase{"^[a\\W]$", "a", true},
    MatchCase{"^[^\\W]$", "\xC3\xA9", true},
    MatchCase{"^[^\\W]$", "-", false},
    MatchCase{"^[^\\S]$", " ", true},
    // Word boundaries are Unicode-aware too (run on PCRE2).
    MatchCase{"\\bcaf\xC3\xA9\\b", "un caf\xC3\xA9 noir", true},
    MatchCase{"\\bcaf\\b", "caf\xC3\xA9", false},
    MatchCase{"\\Bb\\B", "abc", true},
    MatchCase{"\\Bb", "b", false},
    // Escapes.
    MatchCase{"^\\x{e9}$", "\xC3\xA9", true},
    MatchCase{"^\\xE9$", "\xC3\xA9", true},
    MatchCase{"^\\u00E9$", "\xC3\xA9", true},
    MatchCase{"^\\U0001F600$", "\xF0\x9F\x98\x80", true},
    MatchCase{"^\\U{1F600}$", "\xF0\x9F\x98\x80", true},
    MatchCase{"^a\\tb$", "a\tb", true},
    MatchCase{"^a\\nb$", "a\nb", true},
    MatchCase{"^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\$", ".*+?()[]{}|^$\\", true},
    MatchCase{"^\\-\\/\\:\\#\\ $", "-/:# ", true},
    MatchCase{"^\\h+$", "09afAF", true},
    MatchCase{"^\\h$", "g", false},
    MatchCase{"^\\H$", "g", true},
    MatchCase{"^\\e$", "\x1B", true},
    // Unicode properties, including names only PCRE2 knows.
    MatchCase{"^\\p{Lu}+$", "ABC\xC3\x89", true},
    MatchCase{"^\\pL+$", "abc", true},
    MatchCase{"^\\p{Greek}+$", "\xCE\xB1\xCE\xB2", true},
    MatchCase{"^\\p{greek}+$", "\xCE\xB1\xCE\xB2", true},
    MatchCase{"^\\p{Letter}+$", "abc", true},
    MatchCase{"^\\p{Uppercase_Letter}$", "a", false},
    MatchCase{"^\\p{gc=Nd}$", "7", true},
    MatchCase{"^\\p{sc=Greek}$", "\xCE\xB1", true},
    MatchCase{"^\\p{Alphabetic}$", "a", true},
    MatchCase{"^\\P{L}$", "1", true},
    MatchCase{"^\\p{^L}$", "a", false},
    MatchCase{"^[\\p{L}\\d]+$", "a1\xCE\xB1", true},
    // Dot and anchors.
    MatchCase{"^a.b$", "a\nb", false},
    MatchCase{"(?s)^a.b$", "a\nb", true},
    MatchCase{"^a.b$", "a\xC3\xA9" "b", true},            // . is one code point
    MatchCase{"abc$", "abc\n", false},                    // $ is end of text only
    MatchCase{"(?m)abc$", "abc\ndef", true},
    MatchCase{"(?m)^def", "abc\ndef", true},
    MatchCase{"^def", "abc\ndef", false},
    MatchCase{"\\Aabc\\z", "abc", true},
    MatchCase{"abc\\z", "abc\n", false},
    MatchCase{"abc\\Z", "abc\n\n", true},
    MatchCase{"(?m)^$", "a\n", true},
    // Flags, scoped and negated.
    MatchCase{"(?i:a)b", "AB", false},
    MatchCase{"(?i:a)b", "Ab", true},
    MatchCase{"(?i)a(?-i)b", "AB", false},
    MatchCase{"(?i)\\x{e9}", "\xC3\x89", true},
    MatchCase{"(?i)stra\\x{df}e", "STRASSE", false},        // simple case folding only
    MatchCase{"(?U)a+", "aaa", true},
    MatchCase{"(?x) a b c # comment\n", "abc", true},
    MatchCase{"(?x)a\\ b", "a b", true},
    MatchCase{"(?x)[ ]", " ", true},                        // spaces stay literal in classes
    MatchCase{"a(?#comment)b", "ab", true},
    MatchCase{"(?x: a b )c", "abc", true},
    // Groups, names, alternation, repetition.
    MatchCase{"^(?P<first>a)(?<second>b)$", "ab", true},
    MatchCase{"^(?P<x>a+)-(?P=x)$", "aa-aa", true},
    MatchCase{"^(?<x>a+)-\\k<x>$", "aa-a", false},
    MatchCase{"^(a|b)+$", "abba", true},
    MatchCase{"^a{2,3}$", "aaaa", false},
    MatchCase{"^a{2,}$", "aaaa", true},
    MatchCase{"^a{,2}$", "aa", true},
    MatchCase{"^a{2}$", "aa", true},
    MatchCase{"^x{a}$", "x{a}", true},                       // an invalid repetition is literal text
    MatchCase{"^{$", "{", true},
    MatchCase{"^a}$", "a}", true},
    MatchCase{"^]$", "]", true},
    MatchCase{"^(?>a+)b$", "aaab", true},                     // atomic group
    MatchCase{"^(?>a+)a$", "aaa", false},
    MatchCase{"^a++a$", "aaa", false},                        // possessive
    MatchCase{"^a*+b$", "aab", true},
    MatchCase{"^(a)?(?(1)b|c)$", "ab", true},                 // conditional
    MatchCase{"^(a)?(?(1)b|c)$", "c", true},
    MatchCase{"^(a)?(?(1)b|c)$", "b", false},
    MatchCase{"foo\\Kbar", "foobar", true},
    // Classes: nesting, POSIX, set operations, ']' and '-' placement.
    MatchCase{"^[]a]+$", "]a", true},
    MatchCase{"^[^]a]$", "b", true},
    MatchCase{"^[a-]+$", "a-", true},
    MatchCase{"^[-a]+$", "-a", true},
    MatchCase{"^[[:alpha:]]+$", "abc", true},
    MatchCase{"^[[:alpha:]]$", "\xC3\xA9", false},          // POSIX classes are ASCII
    MatchCase{"^[[:^digit:]]$", "a", true},
    MatchCase{"^[a[bc]]+$", "abc", true},
    MatchCase{"^[a-z&&[^aeiou]]+$", "bcd", true},
    MatchCase{"^[a-z&&[^aeiou]]+$", "bad", false},
    MatchCase{"^[a-z--[aeiou]]+$", "xyz", true},
    MatchCase{"^[a-z--[aeiou]]+$", "xaz", false},
    MatchCase{"^[a-c~~b-d]+$", "ad", true},
    MatchCase{"^[a-c~~b-d]+$", "b", false},
    MatchCase{"^[\\x{e0}-\\x{ff}]$", "\xC3\xA9", true},
    MatchCase{"^[\\b]$", "\x08", true},
    MatchCase{"^[.*+?]+$", ".*+?", true},
    MatchCase{"^[\\[\\]]+$", "[]", true},
    MatchCase{"(?i)^[a-c]+$", "ABC", true},
    // Empty pattern pieces.
    MatchCase{"a|", "zzz", true},
    MatchCase{"(a|)", "", true},
    MatchCase{"", "", true}
));

TEST(RegexCompile, InvalidPatternsAreErrorsNamingTheProblem) {
  const char* invalid[] = {
      "([a-z",        // regex-invalid-parse-error
      "(abc",         "abc)",        "[abc",         "a**",          "*a",
      "+",            "a{3,2}",      "\\",           "\\q",          "\\xZZ",
      "\\x{110000}",  "\\u{D800}",   "\\p{NoSuchProperty}",          "(?<1a>x)",
      "(?<n>a)(?<n>b)",              "\\k<missing>", "(?P=missing)", "(?z)",
      "(?-u)",        "(?)",         "[z-a]",        "[\\d-z]",      "^*",
      "(?=a)*",       "(?i)*",       "\\b{start}",   "[\\1]",        "\\0",
      "(?#unclosed",
  };
  for (const char* p : invalid) {
    auto r = Regex::compile(p);
    EXPECT_FALSE(r.ok()) << "pattern should be rejected: " << p;
    if (!r.ok()) {
      EXPECT_NE(r.error().message.find("invalid regular expression"), std::string::npos) << r.error().message;
      EXPECT_NE(r.error().message.find(p), std::string::npos) << r.error().message;
    }
  }
}

TEST(RegexCompile, EngineChoice) {
  EXPECT_FALSE(mustCompile("^arn:aws:\\w+$")->backtracking());
  EXPECT_FALSE(mustCompile("(?i)[\\d\\s]+\\p{Greek}")->backtracking());
  EXPECT_TRUE(mustCompile("^(?!test-)")->backtracking());
  EXPECT_TRUE(mustCompile("(a)\\1")->backtracking());
  EXPECT_TRUE(mustCompile("(?>a)")->backtracking());
  EXPECT_TRUE(mustCompile("a++")->backtracking());
  EXPECT_TRUE(mustCompile("\\bword\\b")->backtracking());
  EXPECT_EQ(mustCompile("^a\\/b$")->pattern(), "^a\\/b$");
}

// Class set operations on plain ranges are computed exactly; a chain of
// symmetric differences used to double the translated text per `~~` (the
// e2e fuzzer's out-of-memory, tests/fuzz/regressions/e2e/oom-class-symmetric-difference).
TEST(RegexCompile, ClassSetOperationsDoNotGrowExponentially) {
  EXPECT_TRUE(matches("^[a-c~~b]$", "a"));
  EXPECT_FALSE(matches("^[a-c~~b]$", "b"));
  EXPECT_TRUE(matches("^[a-c~~b-d]$", "d"));
  EXPECT_TRUE(matches("^[a-z&&[^aeiou]]$", "b"));
  EXPECT_FALSE(matches("^[a-z&&[^aeiou]]$", "e"));
  EXPECT_TRUE(matches("^[a-z--m-z]$", "c"));
  EXPECT_FALSE(matches("^[a-z--m-z]$", "q"));
  EXPECT_FALSE(matches("^[^a-c~~b]$", "a"));
  std::string chain = "^[_";
  for (int i = 0; i < 60; ++i) chain += "~~_";
  chain += "]$";  // 61 underscores: an odd count of `_` is `_`
  EXPECT_TRUE(matches(chain, "_"));
  EXPECT_FALSE(mustCompile(chain)->backtracking());
  // Under a case flag the look-ahead form stays; past its bound it is an
  // error, never an exhausted memory.
  std::string folded = "(?i)" + chain;
  auto r = Regex::compile(folded);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("character class too complex"), std::string::npos) << r.error().message;
  EXPECT_TRUE(matches("(?i)^[a-c~~b]$", "A"));
  // Many nested classes each under the bound still make one class past it.
  std::string nested = "(?i)[";
  for (int i = 0; i < 200; ++i) nested += "[_~~_~~_~~_~~_~~_~~_~~_~~_~~_]";
  nested += "]";
  auto many = Regex::compile(nested);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.error().message.find("character class too complex"), std::string::npos) << many.error().message;
}

// kMaxCaselessSpan: PCRE2 case-folds every code point of a class's ranges
// under (?i), so patterns bound for it may hold at most 16 Mi code points of
// such ranges (15 full-range classes pass, 16 are refused); RE2 has no such
// cost and no such bound. The empty class is written so as to cost nothing
// (the rules fuzzer's 244-byte pattern of set operations took 0.6 s).
TEST(RegexCompile, CaseInsensitiveClassSpanBoundedForPcre2) {
  auto fullRanges = [](int n) {
    std::string p;
    for (int i = 0; i < n; ++i) p += "[\\x{0}-\\x{10FFFF}]?";
    return p;
  };
  auto fifteen = Regex::compile("(?i)(?=a)" + fullRanges(15) + "a");
  ASSERT_TRUE(fifteen.ok()) << fifteen.error().message;
  EXPECT_TRUE(fifteen.value()->backtracking());
  auto sixteen = Regex::compile("(?i)(?=a)" + fullRanges(16) + "a");
  ASSERT_FALSE(sixteen.ok());
  EXPECT_NE(sixteen.error().message.find("too expensive to compile"), std::string::npos) << sixteen.error().message;
  auto onRe2 = Regex::compile("(?i)" + fullRanges(40) + "a");
  ASSERT_TRUE(onRe2.ok()) << onRe2.error().message;
  EXPECT_FALSE(onRe2.value()->backtracking());
  // Empty classes (set operations with nothing left) under (?i) on PCRE2.
  std::string empties = "(?i)(?=x)x";
  for (int i = 0; i < 300; ++i) empties += "(?:[a&&b]|y)?";
  auto e = Regex::compile(empties);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_TRUE(matches("(?i)(?=x)x[a&&b]?$", "X"));
  EXPECT_FALSE(matches("(?i)(?=x)x[a&&b]$", "Xa"));
  EXPECT_FALSE(matches("x[a&&b]", "xa"));
}

TEST(RegexSearch, CatastrophicBacktrackingEndsInAnError) {
  // Exponential on a backtracking engine; the look-ahead forces PCRE2.
  auto re = mustCompile("^(?=\\w)(\\w+\\s?)*$");
  ASSERT_TRUE(re);
  ASSERT_TRUE(re->backtracking());
  const std::string text = std::string(40, 'a') + "!";
  const auto start = std::chrono::steady_clock::now();
  auto m = re->search(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("backtracking limit"), std::string::npos) << m.error().message;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  // The same pattern without the fancy part runs on RE2 in linear time.
  auto linear = mustCompile("^(\\w+\\s?)*$");
  ASSERT_FALSE(linear->backtracking());
  auto lm = linear->search(text);
  ASSERT_TRUE(lm.ok());
  EXPECT_FALSE(*lm);
}

TEST(RegexSearch, RepetitionBeyondRe2LimitStillCompiles) {
  auto re = mustCompile("^a{1001}$");
  ASSERT_TRUE(re);
  EXPECT_TRUE(*re->search(std::string(1001, 'a')));
  EXPECT_FALSE(*re->search(std::string(1000, 'a')));
}

TEST(RegexSearch, NestedQuantifiersWithBackreferenceHitTheLimit) {
  auto re = mustCompile("^(\\w+\\s?)*\\1$");
  ASSERT_TRUE(re);
  auto m = re->search("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
  EXPECT_FALSE(m.ok());
}

TEST(RegexSearch, LongSubjectsOnPcre2DoNotFail) {
  auto re = mustCompile("^(?:(?!x).)*$");
  ASSERT_TRUE(re);
  auto m = re->search(std::string(200000, 'a'));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(*m);
}

TEST(RegexSearch, InvalidUtf8SubjectDoesNotError) {
  auto re = mustCompile("(?<=a)b");
  auto m = re->search("\xFF" "ab");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(*m);
  auto plain = mustCompile("ab");
  auto pm = plain->search("\xFF" "ab");
  ASSERT_TRUE(pm.ok());
  EXPECT_TRUE(*pm);
}

struct ReplaceCase {
  const char* pattern;
  const char* text;
  const char* replacement;
  const char* expected;
};

class ReplaceTable : public ::testing::TestWithParam<ReplaceCase> {};

TEST_P(ReplaceTable, ExpandsEachMatchAndDropsTheRest) {
  const ReplaceCase& c = GetParam();
  auto re = mustCompile(c.pattern);
  ASSERT_TRUE(re);
  auto r = re->replaceMatchesOnly(c.text, c.replacement);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, c.expected) << "/" << c.pattern << "/ on \"" << c.text << "\" with \"" << c.replacement << "\"";
}

INSTANTIATE_TEST_SUITE_P(Expansion, ReplaceTable, ::testing::Values(
    // functions/regex-replace
    ReplaceCase{"^arn:(\\w+):(\\w+):([\\w0-9-]+):(\\d+):(.+)$",
                "arn:aws:newservice:us-west-2:123456789012:Table/extracted", "${1}/${4}/${3}/${2}-${5}",
                "aws/123456789012/us-west-2/newservice-Table/extracted"},
    // functions/regex-replace-keeps-only-matches
    ReplaceCase{"b", "abc", "X", "X"},
    ReplaceCase{"b", "abcb", "X", "XX"},
    ReplaceCase{"z", "abc", "X", ""},
    ReplaceCase{"(a)(b)?", "a", "[$1|$2]", "[a|]"},           // a group that did not take part
    ReplaceCase{"(a)", "a", "$1$$", "a$"},
    ReplaceCase{"(a)", "a", "$$1", "$1"},
    ReplaceCase{"(a)", "a", "$1a", ""},                        // name "1a": no such group
    ReplaceCase{"(a)", "a", "${1}a", "aa"},
    ReplaceCase{"(?P<word>\\w+)", "hi", "<$word>", "<hi>"},
    ReplaceCase{"(?P<word>\\w+)", "hi", "<${word}>", "<hi>"},
    ReplaceCase{"(?P<word>\\w+)", "hi", "<$nope>", "<>"},
    ReplaceCase{"(a)", "a", "$0-$0", "a-a"},
    ReplaceCase{"(a)", "a", "$-${", "$-${"},                   // lone '$' stays literal
    ReplaceCase{"(a)", "a", "${}", "${}"},
    ReplaceCase{"(a)", "a", "$", "$"},
    ReplaceCase{"(a)", "a", "${1", "${1"},
    ReplaceCase{"", "ab", "-", "---"},                         // empty matches at 0, 1, 2
    ReplaceCase{"a*", "baaac", "<$0>", "<><aaa><>"},           // no empty match right after "aaa"
    ReplaceCase{"x*", "\xC3\xA9", ".", ".."},                  // steps over whole code points
    ReplaceCase{"^a", "aaa", "X", "X"},                        // ^ only at the start of the text
    ReplaceCase{"(?<=a)b", "abab", "[$0]", "[b][b]"},
    ReplaceCase{"(\\w)\\1", "aabbcd", "$1", "ab"}
));

// Found by tests/fuzz/regex_fuzz (tests/fuzz/regressions/regex/): on an empty
// text RE2 reports the whole match with a null pointer, which replaceMatchesOnly
// read as "no span" and then looped forever. fancy-regex yields one empty match.
TEST(RegexReplace, EmptyTextTerminatesWithOneEmptyMatch) {
  for (const char* pattern : {"a*", "", "(?<!a)b*"}) {
    auto re = Regex::compile(pattern);
    ASSERT_TRUE(re.ok()) << pattern;
    auto r = re.value()->replaceMatchesOnly(std::string_view(), "x");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "x") << pattern;
    std::string empty;
    auto r2 = re.value()->replaceMatchesOnly(empty, "<$0>");
    ASSERT_TRUE(r2.ok());
    EXPECT_EQ(*r2, "<>") << pattern;
  }
}

// Lazy regexes answer ASCII texts with an engine whose Unicode classes (\d
// \w \s, their negations, inside and outside classes, in set operations,
// under (?i)) keep only their ASCII members; it must agree with the Unicode
// engine on every ASCII text, for search and for regex_replace. Texts that
// are not ASCII go to the Unicode engine.
TEST(RegexLazy, TheAsciiEngineAgreesWithTheUnicodeOneOnAsciiText) {
  const char* patterns[] = {
      R"(arn:aws[a-z0-9\-]*:acm:[a-z0-9\-]+:\d{12}:certificate\/[\w\-]{1,64})",
      R"(^(http(s)?)(:\/\/github\.com\/)([^\/]+)\/([\w\.-]+)(\.git)?$)",
      R"((.*)\.s3(-external-\d|[-\.][a-z]*-[a-z]*-[0-9])?\.amazonaws\.com(\.cn)?$)",
      R"(\w+)", R"(\W+)", R"(\d)", R"(\D\D)", R"(\s)", R"(\S+\s\S)", R"([\w])", R"([^\w])", R"([\W])",
      R"([^\W_])", R"([\d\s])", R"([^\d\s]+)", R"([\D])", R"([^\D])", R"([\S])", R"([^\S\n])",
      R"([\w&&\D])", R"([\w--\d]+)", R"([\w~~a-f]{2})", R"([a-z&&\W])", R"((?i)[\w&&[^K]])",
      R"((?i)\w{3}-\d)", R"((?i)[^\s]k)", R"(^\w*$)", R"(\w+\s*=\s*\d+)", R"((\w)(\d)?)", R"(x\d*y)",
      R"([[:alpha:]\d]+)", R"([\x00-\x1F\d])", R"((?x) \d + \s)", R"(a\S?b)"};
  const std::string alphabet = "azAZkK09_-. :/\t\n\x0b\x0c\r\x01\x7f=xy";
  std::mt19937 rng(5);
  for (const char* pattern : patterns) {
    auto eager = Regex::compile(pattern);
    auto lazy = Regex::compileLazy(pattern);
    ASSERT_TRUE(eager.ok() && lazy.ok()) << pattern;
    for (int round = 0; round < 400; ++round) {
      std::string text(rng() % 14, ' ');
      for (char& c : text) c = alphabet[rng() % alphabet.size()];
      auto a = eager.value()->search(text);
      auto b = lazy.value()->search(text);
      ASSERT_TRUE(a.ok() && b.ok()) << pattern;
      ASSERT_EQ(*a, *b) << pattern << " on \"" << text << "\"";
      auto ra = eager.value()->replaceMatchesOnly(text, "<$0|$1>");
      auto rb = lazy.value()->replaceMatchesOnly(text, "<$0|$1>");
      ASSERT_TRUE(ra.ok() && rb.ok()) << pattern;
      ASSERT_EQ(*ra, *rb) << pattern << " on \"" << text << "\"";
    }
    // And text that is not ASCII, which the Unicode engine answers.
    for (const char* text : {"é1", "٣", "ǅ_x", "a\u00a0b", "\u2028"}) {
      auto a = eager.value()->search(text);
      auto b = lazy.value()->search(text);
      ASSERT_TRUE(a.ok() && b.ok()) << pattern;
      EXPECT_EQ(*a, *b) << pattern << " on " << text;
    }
  }
}

}  // namespace
}  // namespace guard
