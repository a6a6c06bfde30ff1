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

// The dialect of cfn-guard 3.1.1 (fancy-regex 0.13 over regex 1.10), as
// its binary answers (conformance cases differential/11, 12 and 13 and the
// families around them): what it accepts, rejects and how it matches.
INSTANTIATE_TEST_SUITE_P(ReferenceDialect, SearchTable, ::testing::Values(
    // Unicode properties: loose names, an Is prefix, non-ASCII dropped from names.
    MatchCase{"^\\p{IsGreek}$", "\xCF\x83", true},
    MatchCase{"^\\p{Is_Greek}$", "\xCF\x83", true},
    MatchCase{"^\\p{isgreek}$", "a", false},
    MatchCase{"^\\p{IS GREEK}$", "\xCF\x83", true},
    MatchCase{"^\\p{isl}$", "a", true},
    MatchCase{"^\\p{g c = l}$", "a", true},
    MatchCase{"^\\p{Gr\xC3\xA9" "ek}$", "\xCF\x83", true},   // "Gréek" reads as "Grek", Greek's alias
    // General categories, with Any, Assigned, ASCII; Cased_Letter as lc/LC.
    MatchCase{"^\\p{Assigned}$", "\xF0\xB1\x8D\x90", true},    // U+31350, new in Unicode 15.0
    MatchCase{"^\\p{Assigned}$", "\xF0\xAE\xAF\xB0", false},   // U+2EBF0, only in 15.1
    MatchCase{"^\\p{Assigned}$", "\xCD\xB8", false},           // U+0378
    MatchCase{"^\\p{Cn}$", "\xCD\xB8", true},
    MatchCase{"^\\p{C}$", "\xCD\xB8", true},
    MatchCase{"^\\p{Any}$", "\xF4\x8F\xBF\xBF", true},
    MatchCase{"^\\p{ASCII}+$", "a~\x7F", true},
    MatchCase{"^\\p{lc}$", "a", true},
    MatchCase{"^\\p{LC}$", "\xC7\x85", true},                  // U+01C5, Lt
    MatchCase{"^\\p{sc}$", "$", true},                         // Currency_Symbol, not Script
    MatchCase{"^\\p{cf}$", "\xC2\xAD", true},                  // Format (U+00AD)
    MatchCase{"^\\p{L}$", "\xF0\x91\xBC\x84", true},           // U+11F04 Kawi, new in 15.0
    MatchCase{"^\\p{Kawi}$", "\xF0\x91\xBC\x84", true},
    // Binary properties (PropList, DerivedCoreProperties, emoji, Bidi_Mirrored).
    MatchCase{"^\\p{White_Space}$", "\xE2\x80\xA8", true},
    MatchCase{"^\\p{wspace}$", "a", false},
    MatchCase{"^\\p{Emoji_Presentation}$", "\xF0\x9F\x98\x80", true},
    MatchCase{"^\\p{ExtPict}$", "\xE2\x9D\xA4", true},
    MatchCase{"^\\p{Bidi_M}$", "(", true},
    MatchCase{"^\\p{Hex}$", "\xEF\xBC\xA1", true},             // U+FF21, fullwidth A
    MatchCase{"^\\p{AHex}$", "\xEF\xBC\xA1", false},
    // name=value forms: gc, sc, scx, Age (cumulative), the break properties.
    MatchCase{"^\\p{Age=3.0}$", "a", true},
    MatchCase{"^\\p{Age=3.0}$", "\xE2\xBF\xBC", false},        // U+2FFC, unassigned in 15.0
    MatchCase{"^\\p{age:V14_0}$", "\xF0\xB1\x8D\x90", false},
    MatchCase{"^\\p{Age=15.0}$", "\xF0\xB1\x8D\x90", true},
    MatchCase{"^\\p{Sentence_Break=Sp}$", "\t", true},
    MatchCase{"^\\p{SB=Lower}$", "a", true},
    MatchCase{"^\\p{Word_Break=ALetter}$", "a", true},
    MatchCase{"^\\p{wb=Numeric}$", "a", false},
    MatchCase{"^\\p{gcb=CR}$", "\r", true},
    MatchCase{"^\\p{GCB=Regional_Indicator}$", "\xF0\x9F\x87\xA6", true},
    MatchCase{"^\\p{scx=Greek}$", "\xCD\x82", true},           // U+0342: Inherited, scx Greek
    MatchCase{"^\\p{sc=Greek}$", "\xCD\x82", false},
    MatchCase{"^\\p{scx=Zinh}$", "\xCD\x82", false},
    MatchCase{"^\\p{Script_Extensions:Latin}$", "a", true},
    MatchCase{"^\\p{gc!=L}$", "a", true},                      // 3.1.1 reads != as =
    MatchCase{"^\\P{gc!=L}$", "a", false},
    // Negation, in and out of classes, and case folding of a property.
    MatchCase{"^\\P{Greek}$", "\xCF\x83", false},
    MatchCase{"^[^\\p{Greek}]$", "a", true},
    MatchCase{"^[\\p{Greek}&&\\p{Ll}]$", "\xCE\xA3", false},
    MatchCase{"(?i)^\\p{Lu}$", "a", true},
    MatchCase{"(?i)^[\\p{Ll}--k]$", "K", false},             // each operand is folded first
    MatchCase{"(?i)^[\\p{Ll}--k]$", "L", true},
    MatchCase{"(?i)^\\P{Lu}$", "a", false},                 // folded, then negated
    MatchCase{"(?i)^[\\P{Lu}]$", "a", false},
    MatchCase{"(?i)^[x[^b]]$", "B", false},
    MatchCase{"(?i)^[[:^alpha:]]$", "k", false},
    MatchCase{"(?i)^[[:^alpha:]]$", "\xE2\x84\xAA", false},   // the Kelvin sign folds to k
    MatchCase{"(?i)^[\\W\\d]$", "\xE2\x84\xAA", false},
    MatchCase{"^(?=.)\\w$", "\xF0\x91\xBC\x84", true},       // U+11F04 (Unicode 15.0) on PCRE2 too
    MatchCase{"^(?=.)\\d$", "\xF0\x91\xBD\x90", true},       // U+11F50
    MatchCase{"^a\\K*b$", "ab", true},                        // \K and \G may be repeated
    MatchCase{"\\G+a", "a", true},
    // Group names: digits first, any Unicode letter, duplicates (the last wins).
    MatchCase{"^(?P<1a>x)$", "x", true},
    MatchCase{"^(?P<\xC3\xA9>x)\\k<\xC3\xA9>$", "xx", true},
    MatchCase{"^(?P<n>a)(?P<n>b)\\k<n>$", "abb", true},
    MatchCase{"^(?<n>a)(?<n>b)\\k<n>$", "aba", false},
    MatchCase{"^(?<n>a)\\k'n'$", "aa", true},
    MatchCase{"^(a)\\k<-1>$", "aa", true},
    MatchCase{"^(a)\\k<1>$", "aa", true},
    // Back-references: \0 is group 0, never closed, so never matches.
    MatchCase{"\\0", "", false},
    MatchCase{"a\\0?", "a", true},
    MatchCase{"^(a)\\01$", "aa", true},
    MatchCase{"^(a\\1)$", "a", false},
    MatchCase{"^(?P<a>b)\\1|x", "x", true},                    // a top-level alternation is not checked
    // \< and \> are word-start and word-end assertions.
    MatchCase{"\\<ab", "x ab", true},
    MatchCase{"\\<ab", "xab", false},
    MatchCase{"ab\\>", "ab x", true},
    MatchCase{"ab\\>", "abc", false},
    MatchCase{"\\<\xCF\x83", "\xCE\xB1\xCF\x83", false},        // Unicode words
    MatchCase{"^[\\<\\>]+$", "<>", true},
    // Classes: leading '-' are literal, then ']' first is literal.
    MatchCase{"^[--a]$", "-", true},
    MatchCase{"^[--a]$", "a", true},
    MatchCase{"^[--a]$", "0", false},
    MatchCase{"^[^--a]$", "0", true},
    MatchCase{"^[---]$", "-", true},
    MatchCase{"^[-]]$", "-]", true},
    MatchCase{"^[&&a]$", "a", false},
    MatchCase{"^[[:foo:]]+$", "f:o", true},
    MatchCase{"(?x)^[a b]$", " ", true},                       // no free spacing in classes
    // Conditionals: a group number or <name>, or an expression that is consumed.
    MatchCase{"^(?(a)b|c)$", "ab", true},
    MatchCase{"^(?(a)b|c)$", "c", true},
    MatchCase{"^(?(a)b|a)", "ac", false},                      // no second try once the condition matched
    MatchCase{"^(?(a)b)c$", "c", true},
    MatchCase{"^(?:(a)|b)(?(1)c|d)$", "bd", true},
    MatchCase{"^(?:(a)|b)(?(1)c|d)$", "ad", false},
    MatchCase{"^(?<n>a)(?(<n>)b|c)$", "ab", true},
    // Large repetitions, as far as the reference's NFA size limit.
    MatchCase{"^a{65536}$", "a", false},
    MatchCase{"^(?:ab){1001}$", "ab", false},
    MatchCase{"^a{1,65536}$", "aaaa", true},
    MatchCase{"^(a){2000}b$", "ab", false},
    MatchCase{"^x{1200,}$", "xx", false},
    MatchCase{"()*", "", true},
    MatchCase{"(?>)*", "a", true}
));

TEST(RegexDialect, LargeRepetitionsCountExactly) {
  const std::string a1500(1500, 'a');
  EXPECT_TRUE(matches("^a{1500}$", a1500));
  EXPECT_FALSE(matches("^a{1500}$", a1500 + "a"));
  EXPECT_FALSE(matches("^a{1501}$", a1500));
  EXPECT_TRUE(matches("^a{1200,1600}$", a1500));
  std::string ab;
  for (int k = 0; k < 1300; ++k) ab += "ab";
  EXPECT_TRUE(matches("^(?:ab){1200,}$", ab));
  EXPECT_FALSE(matches("^(?:ab){1301,}$", ab));
  // A group keeps what its last iteration that took part captured.
  auto re = mustCompile("(?:(a)|(b)){1500}");
  ASSERT_TRUE(re);
  auto r = re->replaceMatchesOnly(std::string(1498, 'b') + "ab", "[$1|$2]");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "[a|b]");
}

// \0 (fancy-regex's back-reference to the whole match) matches nothing,
// repeated or not, and the empty string when it may be repeated no time; a
// huge count of it is not written out copy by copy (\0{9886888} took 4 s
// and 12 s under the sanitizers: a regex fuzzer timeout, session 18).
// Other atoms the reference compiles to nothing (back-references) are
// refused beyond the copies the reference compiles of a one-state atom.
TEST(RegexDialect, HugeRepetitionsOfWhatCostsTheReferenceNothing) {
  for (const char* nothing : {"\\0{9886888}", "a\\0{9886888}", "\\0{9886888,}", "\\0{2000,9886888}?"}) {
    auto re = mustCompile(nothing);
    ASSERT_TRUE(re) << nothing;
    EXPECT_FALSE(*re->search("a")) << nothing;
    EXPECT_FALSE(*re->search("")) << nothing;
  }
  EXPECT_TRUE(matches("^\\0{0,9886888}$", ""));
  EXPECT_TRUE(matches("^a\\0{0,}b$", "ab"));
  EXPECT_TRUE(matches("^\\0{0,5000}x$", "x"));
  auto backrefs = Regex::compile("(a)\\1{9886888}");
  ASSERT_FALSE(backrefs);
  EXPECT_NE(backrefs.error().message.find("repetition count 9886888 is too large"), std::string::npos)
      << backrefs.error().message;
}

TEST(RegexDialect, RejectsWhatTheReferenceRejects) {
  const char* invalid[] = {
      // PCRE-style property forms, unknown names, properties without members in Rust.
      "\\p{L&}", "\\p{^L}", "\\P{^L}", "\\p{InGreek}", "\\p{Cs}", "\\p{Surrogate}", "\\p{Zzzz}",
      "\\p{Hrkt}", "\\p{Age=15.1}", "\\p{Age=1_1}", "\\p{age=NA}", "\\p{gcb=XX}", "\\p{wb=Other}",
      "\\p{GCB=EB}", "\\p{Bidi_Class=L}", "\\p{ea=W}", "\\p{Alpha=Y}", "\\p{Script}", "\\p{Age}",
      "\\p{CWKCF}", "\\p{Full_Composition_Exclusion}", "\\p{isc}", "\\p{IsC}", "\\p{ }", "\\p{}",
      "\\p{gc==L}", "\\p{gc:=L}", "\\p\\d", "\\pX",
      // Escapes fancy-regex 0.13 does not have.
      "a\\Z", "\\O", "[\\Z]", "\\8", "\\g{1}",
      // Quote-delimited group names, bad names.
      "(?'n'a)b", "(?P<a.b>x)", "(?P<>x)", "(?P<a-b>x)",
      // Back-references: forward, beyond half the pattern's length, numbered with named groups.
      "\\1(a)", "(a)\\2", "(a)(?P<a>b)\\2", "(?<n>a)\\1", "(?:(?P<a>b)\\1|x)", "(a)\\1|(?<n>b)",
      "(?<n>a)(?(1)b|c)", "(a)\\k<2>", "\\k<n>(?<n>a)", "(?P=n)(?<n>a)",
      // Conditionals: a missing group, three branches, a look-around condition.
      "(?(1)a|b)", "(?(1)a|b|c)", "(?(?=a)a|b)", "(?(<n>)a|b)",
      // Empty or zero-width repetition targets.
      "(?:)*", "(?:^)*", "(?:\\b)+", "(?:(?=a))*", "(?i:)*", "(?:(?i))*", "(?:(?#x))*",
      // Beyond the reference's compiled-size limit (10 MiB).
      "a{400000}", "a{4294967295}", "\\w{1000}", "\\d{10000}", "(?:\\w{100}){5}",
      // Variable-length look-behind, back-references in one.
      "(?<=a+)b", "(?<=(a|bc))x", "(a)(?<=\\1)", "(?<=\\0)a",
  };
  for (const char* p : invalid) {
    auto r = Regex::compile(p);
    EXPECT_FALSE(r.ok()) << "pattern should be rejected: " << p;
    auto lazy = Regex::compileLazy(p);
    EXPECT_FALSE(lazy.ok()) << "pattern should be rejected (lazy): " << p;
  }
}

TEST(RegexDialect, AcceptsWhatTheReferenceAccepts) {
  const char* valid[] = {
      "\\p{IsGreek}", "\\p{Is_Greek}", "\\p{isgreek}", "\\p{Assigned}", "\\p{Age=3.0}", "\\p{Age=V1_1}",
      "\\p{age=v11}", "\\p{Sentence_Break=Sp}", "\\p{Word_Break=ALetter}", "\\p{gcb=CR}", "\\p{IsAny}",
      "\\p{Is_Assigned}", "\\p{isgc=L}", "\\p{gc=IsL}", "\\p{Lower}", "\\p{XIDC}", "\\p{Gr_Link}",
      "\\p{Emoji_Modifier_Base}", "\\p{Bidi_Mirrored}", "\\p{scx=Zyyy}", "\\p{L }", "\\P{Age=14.0}",
      "(?P<n>a)(?P<n>b)", "(?<n>a)(?<n>b)", "(?P<1a>x)", "(?P<1>x)", "a{65536}", "a{200000}", "\\0", "\\00",
      "(a)\\01", "(?<n>b)|(a)\\1", "(?<n>a)(?(n)b|c)", "(a)?(?(1)a|b)", "\\<", "\\>", "[--a]", "[]a]",
      "[^]a]", "[a-]", "[[:foo:]]", "\\w{217}", "\\d{2000}", "[a-z]{100000}", "(?:ab){100000}",
      "(a){100000}", "\\k<-1>|(a)", "(?<=a|bc)x", "(?<=a{2})x", "\\e", "\\h\\H", "[\\A\\z\\B\\k\\K\\G\\e]",
  };
  for (const char* p : valid) {
    auto r = Regex::compile(p);
    EXPECT_TRUE(r.ok()) << p << ": " << (r.ok() ? "" : r.error().message);
    auto lazy = Regex::compileLazy(p);
    EXPECT_TRUE(lazy.ok()) << p << " (lazy)";
  }
}

TEST(RegexCompile, InvalidPatternsAreErrorsNamingTheProblem) {
  const char* invalid[] = {
      "([a-z",        // regex-invalid-parse-error
      "(abc",         "abc)",        "[abc",         "a**",          "*a",
      "+",            "a{3,2}",      "\\",           "\\q",          "\\xZZ",
      "\\x{110000}",  "\\u{D800}",   "\\p{NoSuchProperty}",          "\\p{^L}",
      "\\Z",                         "\\k<missing>", "(?P=missing)", "(?z)",
      "(?-u)",        "(?)",         "[z-a]",        "[\\d-z]",      "^*",
      "(?=a)*",       "(?i)*",       "\\b{start}",   "[\\1]",        "[\\0]",
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
// Lazy regexes of one pattern share one engine while any holds it, and the
// table of shared engines keeps nothing once the last is gone: a process
// that loads rules files in turn does not grow, and a fuzzer input frees what
// it allocated (before, entries stayed until a sweep at 64).
TEST(RegexLazy, SharedEnginesLiveExactlyAsLongAsTheirRegexes) {
  const size_t before = Regex::sharedEngines();
  {
    auto a = Regex::compileLazy("shared-[0-9]+-engine");
    auto b = Regex::compileLazy("shared-[0-9]+-engine");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(Regex::sharedEngines(), before);  // built on first use only
    ASSERT_TRUE(*a.value()->search("shared-42-engine"));
    ASSERT_TRUE(*b.value()->search("shared-7-engine"));
    EXPECT_EQ(Regex::sharedEngines(), before + 1);
    a.value().reset();
    EXPECT_EQ(Regex::sharedEngines(), before + 1);  // b still uses it
  }
  EXPECT_EQ(Regex::sharedEngines(), before);
  for (int k = 0; k < 100; ++k) {
    auto r = Regex::compileLazy("pattern-" + std::to_string(k) + "-x");
    ASSERT_TRUE(r.ok());
    ASSERT_FALSE(*r.value()->search("y"));
  }
  EXPECT_EQ(Regex::sharedEngines(), before);
}

TEST(RegexLazy, TheAsciiEngineAgreesWithTheUnicodeOneOnAsciiText) {
  const char* patterns[] = {
      R"(arn:aws[a-z0-9\-]*:acm:[a-z0-9\-]+:\d{12}:certificate\/[\w\-]{1,64})",
      R"(^(http(s)?)(:\/\/github\.com\/)([^\/]+)\/([\w\.-]+)(\.git)?$)",
      R"((.*)\.s3(-external-\d|[-\.][a-z]*-[a-z]*-[0-9])?\.amazonaws\.com(\.cn)?$)",
      R"(\w+)", R"(\W+)", R"(\d)", R"(\D\D)", R"(\s)", R"(\S+\s\S)", R"([\w])", R"([^\w])", R"([\W])",
      R"([^\W_])", R"([\d\s])", R"([^\d\s]+)", R"([\D])", R"([^\D])", R"([\S])", R"([^\S\n])",
      R"([\w&&\D])", R"([\w--\d]+)", R"([\w~~a-f]{2})", R"([a-z&&\W])", R"((?i)[\w&&[^K]])",
      R"((?i)\w{3}-\d)", R"((?i)[^\s]k)", R"(^\w*$)", R"(\w+\s*=\s*\d+)", R"((\w)(\d)?)", R"(x\d*y)",
      R"([[:alpha:]\d]+)", R"([\x00-\x1F\d])", R"((?x) \d + \s)", R"(a\S?b)",
      R"(\p{L}+)", R"([\P{Lu}\d]{2})", R"((?i)\p{Lu}k)", R"([\p{Latin}--\p{Ll}])", R"(\p{Age=1.1}\pN)",
      R"([^\p{Greek}\s])", R"(\p{wb=ALetter}{2})", R"(a{1500}|k)"};
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
