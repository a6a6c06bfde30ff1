// Tests of typed errors (runtime/error.h, runtime/error_kinds.def): every kind
// in the table has a name and a description, and representative failures of
// each layer (rules parser, data loaders, limits, pack reader, file reading,
// regex engine, evaluation, the CLI's mapping) carry the expected kind and,
// where the layer knows it, the byte offset. Run by ctest.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "compiler/compile.h"
#include "compiler/parser.h"
#include "runtime/error.h"
#include "runtime/loader.h"
#include "runtime/regex.h"
#include "tools/cli/common.h"
#include "tools/cli/sources.h"
#include "vm/bundle.h"
#include "vm/interp.h"
#include "vm/pack.h"

namespace guard {
namespace {

// ------------------------------------------------------------ the table

std::vector<ErrorKind> allKinds() {
  return {
#define GUARD_ERROR_KIND(id, group, doc) ErrorKind::id,
#include "runtime/error_kinds.def"
#undef GUARD_ERROR_KIND
  };
}

TEST(ErrorKinds, EveryKindHasAUniqueNameAndADescription) {
  std::set<std::string> names;
  ASSERT_EQ(allKinds().size(), kErrorKindCount);
  for (ErrorKind k : allKinds()) {
    const std::string name(errorKindName(k));
    EXPECT_FALSE(name.empty()) << int(k);
    EXPECT_FALSE(errorKindDoc(k).empty()) << name;
    EXPECT_TRUE(names.insert(name).second) << "two kinds named " << name;
  }
  EXPECT_EQ(errorKindName(ErrorKind::RulesSyntax), "RulesSyntax");
  EXPECT_EQ(errorKindGroup(ErrorKind::PackChecksum), ErrorGroup::Pack);
}

TEST(ErrorKinds, FactoriesSetKindAndOffset) {
  Error plain = Error::plain(ErrorKind::IoRead, "boom");
  EXPECT_EQ(plain.kind, ErrorKind::IoRead);
  EXPECT_FALSE(plain.hasOffset());
  Error at = Error::at(ErrorKind::DataSyntax, "f.yaml", 2, 3, "bad", 17);
  EXPECT_EQ(at.offset, 17u);
  EXPECT_EQ(at.line, 2u);
  Error prefixed = at.prefixed("f.yaml: ");
  EXPECT_EQ(prefixed.message, "f.yaml: bad");
  EXPECT_EQ(prefixed.kind, ErrorKind::DataSyntax);
  EXPECT_EQ(prefixed.offset, 17u);
}

// ------------------------------------------------------------ rules

Error parseError(const std::string& text) {
  auto r = parseRules(text, "r.guard");
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? Error{} : r.error();
}

TEST(ErrorKinds, RulesSyntaxErrorAtAKnownByteOffset) {
  // "rule r {" is 8 bytes, then a newline: the unparsable `}}` starts the
  // second line after two spaces, at byte 11.
  const std::string text = "rule r {\n  Resources exists\n}}\n";
  Error e = parseError(text);
  EXPECT_EQ(e.kind, ErrorKind::RulesSyntax);
  ASSERT_TRUE(e.hasOffset());
  EXPECT_EQ(e.offset, text.find("}}") + 1);
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 2u);
}

TEST(ErrorKinds, OffsetsCountBytesWhereColumnsCountCharacters) {
  // é is two bytes, one column: the error is at column 36, byte 36.
  const std::string text = "rule r { Tags.x == \"é\" or Tags.y == }";
  Error e = parseError(text);
  EXPECT_EQ(e.kind, ErrorKind::RulesMissingValue);
  EXPECT_EQ(e.offset, text.find(" }"));
  EXPECT_EQ(e.column, 36u);
  EXPECT_EQ(e.offset, 36u);
}

// Byte offset of a 1-based (line, character column) position: how the CLI
// found a parse error's fragment before errors carried their offset.
size_t offsetOfLineColumn(const std::string& text, uint32_t line, uint32_t column) {
  size_t off = 0;
  for (uint32_t l = 1; l < line && off < text.size(); ++l) {
    size_t nl = text.find('\n', off);
    if (nl == std::string::npos) return text.size();
    off = nl + 1;
  }
  for (uint32_t c = 1; c < column && off < text.size(); ++c) {
    unsigned char ch = static_cast<unsigned char>(text[off]);
    off += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
  }
  return std::min(off, text.size());
}

TEST(ErrorKinds, ParseErrorOffsetsAgreeWithLinesAndColumns) {
  // Every shipped rules file cut short at many points (most cuts do not
  // parse): the offset the parser reports is where line and column point.
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(GUARD_SOURCE_DIR "/rules")) {
    if (entry.path().extension() != ".guard") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (size_t cut = 1; cut < whole.size(); cut += 5) {
      const std::string text = whole.substr(0, cut) + " } ) ] ==";
      auto r = parseRules(text, "r.guard");
      if (r.ok()) continue;
      ASSERT_TRUE(r.error().hasOffset());
      ASSERT_EQ(r.error().offset, offsetOfLineColumn(text, r.error().line, r.error().column))
          << entry.path() << " cut at " << cut;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

// 3.1.1's label for a comparison's right-hand side that fails.
const std::string kValueLabel =
    "expecting either a property access \"engine.core\" or value like \"string\" or [\"this\", \"that\"]";

TEST(ErrorKinds, TheParserNamesTheFailuresCfnGuardLabels) {
  EXPECT_EQ(parseError("rule r { Properties.x == }").kind, ErrorKind::RulesMissingValue);
  EXPECT_EQ(parseError("rule r { Properties.x == }").parseContext, kValueLabel);
  EXPECT_EQ(parseError("rule r when { x exists }").kind, ErrorKind::RulesEmptyCondition);
  EXPECT_EQ(parseError("rule r when { x exists }").parseContext, "There were no clauses present r.guard#1@13");
  EXPECT_EQ(parseError("rule r { x exists << no end }").kind, ErrorKind::RulesUnterminatedMessage);
  EXPECT_EQ(parseError("rule r { x exists << no end }").parseContext, "Unable to find a closing >> tag for message");
  EXPECT_EQ(parseError("rule r { x == 'a' << no end }").parseContext,
            kValueLabel + "/Unable to find a closing >> tag for message");
  // operators/range-mixed-parse-error: "Could not parse range", after the
  // clause's own label when the range is a comparison's value.
  EXPECT_EQ(parseError("let x = r[1.0, 2]").kind, ErrorKind::RulesBadRange);
  EXPECT_EQ(parseError("let x = r[1.0, 2]").parseContext, "Could not parse range");
  EXPECT_EQ(parseError("rule p(x) { a IN %x }\nrule r { p(r[1,2.0]) }").parseContext, "Could not parse range");
  EXPECT_EQ(parseError("rule r { Size IN r[1, 2.5] }").parseContext, kValueLabel + "/Could not parse range");
  EXPECT_EQ(parseError("rule r { Size IN [r[1, x]] }").parseContext, kValueLabel + "/Could not parse range");
  std::string deep = "rule r { x exists ";
  for (int i = 0; i < kMaxRuleNesting + 2; ++i) deep += "a { ";
  EXPECT_EQ(parseError(deep).kind, ErrorKind::RulesNestingLimit);
  // Inside a comparison's value too (it was said as the value's label).
  const std::string deepValue =
      "rule r { x == " + std::string(kMaxRuleNesting + 2, '[') + std::string(kMaxRuleNesting + 2, ']') + " }";
  EXPECT_EQ(parseError(deepValue).kind, ErrorKind::RulesNestingLimit);
}

// Confirmed with 3.1.1 (session 19): a failure inside a comparison's
// right-hand side keeps its own label after the right-hand side's, however
// deep the filters and calls that hold it; it is reported where the
// outermost right-hand side starts. A `let` names no label for its value.
TEST(ErrorKinds, LabelsOfFailuresInsideValuesAreKept) {
  Error e = parseError("rule r { x == y[ ] }");
  EXPECT_EQ(e.kind, ErrorKind::RulesMissingValue);
  EXPECT_EQ(e.column, 14u);
  EXPECT_EQ(e.parseContext, kValueLabel + "/There were no clauses present r.guard#1@17");
  EXPECT_EQ(parseError("rule r { x == count(y[ ]) }").parseContext,
            kValueLabel + "/There were no clauses present r.guard#1@23");
  EXPECT_EQ(parseError("rule r { x == y[ z == [a] ] }").parseContext, kValueLabel + "/" + kValueLabel);
  EXPECT_EQ(parseError("rule r { x == y[ z == y[ ] ] }").parseContext,
            kValueLabel + "/" + kValueLabel + "/There were no clauses present r.guard#1@25");
  EXPECT_EQ(parseError("rule r { x == y[ z == r[1, 2.0] ] }").parseContext,
            kValueLabel + "/" + kValueLabel + "/Could not parse range");
  // Not inside a value: the filter's own label only.
  EXPECT_EQ(parseError("rule r { y[ z == y[ ] ] exists }").parseContext,
            kValueLabel + "/There were no clauses present r.guard#1@20");
  EXPECT_EQ(parseError("let v = [a]").parseContext, "");
  EXPECT_EQ(parseError("rule r {\n let v = {a: b}\n x exists\n}").parseContext, "");
}

// A type block without braces commits to its one clause, so 3.1.1 keeps the
// label its operator parser gives a missing operator (dropped everywhere
// else, where other alternatives follow), and a message tag's after it.
TEST(ErrorKinds, ATypeBlocksSingleClauseNamesTheMissingOperator) {
  const std::string op =
      "expecting comparison binary operators like >, <= or unary operators KEYS, EXISTS, EMPTY or NOT";
  Error e = parseError("AWS::SQS::Queue\nlet y = 1");
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 5u);
  EXPECT_EQ(e.parseContext, op);
  EXPECT_EQ(parseError("a::b some x y").parseContext, op);
  EXPECT_EQ(parseError("rule r { a::b x { y } }").parseContext, op);
  EXPECT_EQ(parseError("a::b x << y").parseContext, op + "/Custom message tag detected");
  EXPECT_EQ(parseError("a::b x[ ] exists").parseContext, "There were no clauses present r.guard#1@8");
  EXPECT_EQ(parseError("a::b when x exists x y").parseContext, "");
  EXPECT_EQ(parseError("rule r { x[ y == 1 ] z }").parseContext, "");
}

// A keys filter takes a negation before it looks for its `in`, so what
// follows the `!` or the `not ` is where 3.1.1 fails (session 19).
TEST(ErrorKinds, AKeysFilterFailsAfterItsNegation) {
  EXPECT_EQ(parseError("rule r { x[ keys not == 'a' ] exists }").column, 22u);
  EXPECT_EQ(parseError("rule r { x[ keys ! in ['a'] ] exists }").column, 19u);
  EXPECT_EQ(parseError("rule r { x[ keys !x ] exists }").column, 19u);
  EXPECT_EQ(parseError("rule r { x[ keys x ] exists }").column, 18u);
  EXPECT_TRUE(parseRules("rule r { x[ keys not  in ['a'] ] exists }", "r.guard").ok());
}

// `1.5e` is not a float (its exponent has no digits): 3.1.1 reads the int 1
// and fails at ".5e", naming no label.
TEST(ErrorKinds, AnExponentWithoutDigitsEndsTheNumberBeforeTheDot) {
  Error e = parseError("rule r { x == 1.5e }");
  EXPECT_EQ(e.column, 16u);
  EXPECT_EQ(e.parseContext, "");
  EXPECT_EQ(parseError("rule r { x == 1.5e+ }").column, 16u);
  EXPECT_EQ(parseError("rule r { x in [1.5e] }").parseContext, kValueLabel);
}

TEST(ErrorKinds, TheCliWordsParseErrorsByKind) {
  const std::string text = "rule r when { x exists }";
  Error e = parseError(text);
  const std::string msg = cli::parseErrorMessage(e, "r.guard", text);
  EXPECT_NE(msg.find("when handling There were no clauses present r.guard#1@13, fragment "), std::string::npos) << msg;
  const std::string bare = cli::parseErrorMessage(e, "r.guard", text, cli::ParseContext::Omit);
  EXPECT_NE(bare.find("when handling , fragment { x exists }"), std::string::npos) << bare;
  EXPECT_EQ(cli::exitCodeOf(e), cli::kExitParseError);
  EXPECT_EQ(cli::exitCodeOf(Error::plain(ErrorKind::PackChecksum, "x")), cli::kExitError);
}

TEST(ErrorKinds, SemanticErrorsCarryTheReferencesOffset) {
  const std::string text = "rule a {\n  b\n}\nrule b {\n  a\n}\n";
  vm::Program p;
  auto r = compileInto(SourceFile{"c.guard", "c.guard", text}, p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::RulesSemantic);
  EXPECT_EQ(r.error().offset, text.find("  a\n") + 2);  // the reference that closes the cycle
  EXPECT_EQ(r.error().line, 5u);
  EXPECT_EQ(r.error().file, "c.guard");
}

// ------------------------------------------------------------ data

ErrorKind dataErrorKind(const std::string& text, Error* out = nullptr) {
  auto d = loadDocument(text, "d");
  EXPECT_FALSE(d.ok()) << text;
  if (d.ok()) return ErrorKind::Internal;
  if (out) *out = d.error();
  return d.error().kind;
}

TEST(ErrorKinds, BadJsonAndYamlDocuments) {
  Error e;
  EXPECT_EQ(dataErrorKind("{\"a\": [1, 2}\n", &e), ErrorKind::DataSyntax);
  EXPECT_EQ(e.file, "d");
  const std::string yaml = "a: 1\nb: [1, 2\n";
  EXPECT_EQ(dataErrorKind(yaml, &e), ErrorKind::DataSyntax);
  EXPECT_TRUE(e.hasOffset());
  EXPECT_LE(e.offset, yaml.size());
  EXPECT_EQ(dataErrorKind("? [a]\n: 1\n"), ErrorKind::DataNonStringKey);
  EXPECT_EQ(dataErrorKind("   \n"), ErrorKind::DataEmpty);
  EXPECT_EQ(dataErrorKind("# only a comment\n"), ErrorKind::DataNoDocument);
}

TEST(ErrorKinds, YamlErrorOffsetsAgreeWithLinesAndColumns) {
  // libyaml counts characters; the offset is a byte (é is two).
  int checked = 0;
  for (const std::string text :
       {"a: é\nb: [1, 2\n", "é: [1\n", "k: \"é\n", "a: *nope\n", "x: [é, {a: 1}\n", "{\"é\": 1, \"b\": ]\n"}) {
    Error e;
    (void)dataErrorKind(text, &e);
    if (!e.hasOffset()) continue;
    EXPECT_EQ(e.offset, offsetOfLineColumn(text, e.line, e.column)) << text << " " << e.message;
    ++checked;
  }
  EXPECT_GE(checked, 4);
}

TEST(ErrorKinds, TooDeepDocumentPointsAtTheContainerPastTheLimit) {
  std::string text;
  for (uint32_t i = 0; i < kMaxDocumentDepth + 5; ++i) text += "[";
  Error e;
  EXPECT_EQ(dataErrorKind(text, &e), ErrorKind::DataTooDeep);
  EXPECT_EQ(e.offset, kMaxDocumentDepth);  // the 513th '[' is byte 512
  EXPECT_FALSE(e.detail.empty());
}

TEST(ErrorKinds, TheCliKeepsTheLoadersKind) {
  auto d = cli::loadDataText("t.json", "{\"a\": ");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().kind, ErrorKind::DataSyntax);
  EXPECT_EQ(d.error().message.rfind("Parser Error when parsing `Error encountered while parsing data file", 0), 0u);
}

TEST(ErrorKinds, NotUtf8PointsAtTheFirstBadByte) {
  const std::string text = "a: 1\nb: x\xff\n";
  Error e = cli::notUtf8Error(ErrorKind::DataNotUtf8, text);
  EXPECT_EQ(e.kind, ErrorKind::DataNotUtf8);
  EXPECT_EQ(e.offset, text.find('\xff'));
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 5u);
  EXPECT_EQ(e.message, cli::notUtf8Where(text));
}

TEST(ErrorKinds, DataSizeLimit) {
  auto r = checkDataSize(kMaxDataFileBytes + 1, "big.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::DataTooLarge);
}

// ------------------------------------------------------------ packs

std::string goodPack() {
  auto p = compileSources({SourceFile{"p.guard", "p.guard", "rule r { Resources exists }\n"}});
  EXPECT_TRUE(p.ok());
  return vm::writePack(*p.value());
}

TEST(ErrorKinds, CorruptedPacks) {
  const std::string pack = goodPack();
  ASSERT_TRUE(vm::readPack(pack, "p.gpack").ok());

  auto notPack = vm::readPack("hello, world", "x.gpack");
  ASSERT_FALSE(notPack.ok());
  EXPECT_EQ(notPack.error().kind, ErrorKind::PackNotAPack);
  EXPECT_EQ(notPack.error().file, "x.gpack");

  auto truncated = vm::readPack(std::string_view(pack).substr(0, pack.size() - 3), "p.gpack");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().kind, ErrorKind::PackTruncated);

  std::string flipped = pack;
  flipped[flipped.size() - 1] ^= 0x40;  // the checksum covers every byte
  auto damaged = vm::readPack(flipped, "p.gpack");
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().kind, ErrorKind::PackChecksum);
  EXPECT_TRUE(damaged.error().hasOffset());

  auto bundle = vm::checkBundleName(".hidden");
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.error().kind, ErrorKind::BundleInfo);
}

// ------------------------------------------------------------ files

TEST(ErrorKinds, UnreadableFiles) {
  auto missing = cli::readFile("/nonexistent/guardvm/error_kinds_test");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::IoNotFound);
  auto dir = cli::readFile("/");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().kind, ErrorKind::IoRead);
  auto big = cli::readFile("/proc/self/exe", 16);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().kind, ErrorKind::IoTooLarge);
  auto sources = cli::readRulesSources({"/nonexistent/guardvm/rules.guard"});
  ASSERT_FALSE(sources.ok());
  EXPECT_EQ(sources.error().kind, ErrorKind::IoNotFound);
}

// ------------------------------------------------------------ regexes and evaluation

TEST(ErrorKinds, RegexOverBudgetAndInvalidPatterns) {
  auto re = Regex::compile("^(\\w+\\s?)*\\1$");
  ASSERT_TRUE(re.ok());
  auto m = re.value()->search("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ErrorKind::RegexBudget);

  auto bad = Regex::compile("ab(c");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::RegexInvalid);
  EXPECT_TRUE(bad.error().hasOffset()) << bad.error().message;  // a byte of the pattern
  EXPECT_LE(bad.error().offset, 4u);
}

TEST(ErrorKinds, EvaluationErrorsAreEvalKinds) {
  auto p = compileSources({SourceFile{"e.guard", "e.guard", "rule r { %nothing exists }\n"}});
  ASSERT_TRUE(p.ok()) << p.error().message;
  auto doc = loadDocument("{\"Resources\": {}}", "d.json");
  ASSERT_TRUE(doc.ok());
  auto r = vm::evaluateFile(*p.value(), 0, *doc.value());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::EvalUnresolvedVariable);
  EXPECT_EQ(r.error().group(), ErrorGroup::Eval);
}

}  // namespace
}  // namespace guard
