// Tests of the compiler + interpreter together: small rules over small
// documents, checking rule statuses and what the VM records. Pins the
// quirks of spec/guard-language.md §16 that the VM owns, and every VM bug
// fixed so far.
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "compiler/compile.h"
#include "compiler/parser.h"
#include "runtime/loader.h"
#include "vm/interp.h"
#include "vm/pack.h"
#include "report/report.h"
#include "vm/verify.h"
#include "tests/eval_helpers.h"

namespace guard {
namespace {

// ---------------------------------------------------------------- statuses

TEST(VmStatus, MissingKeyFailsButEmptyFilterSkips) {
  EXPECT_EQ(statusOf("rule r { Resources.B.Properties.X == 'x' }", "Resources: {A: {Type: T}}"), "FAIL");
  EXPECT_EQ(statusOf("rule r { Resources.*[ Type == 'Z' ].Properties.X == 'x' }",
                     "Resources: {A: {Type: T}}"),
            "SKIP");
}

TEST(VmStatus, SkipIsNeutralInConjunctions) {
  EXPECT_EQ(statusOf("rule r {\n Resources.*[ Type == 'Z' ].X == 1\n A == 1\n}", "A: 1\nResources: {A: {Type: T}}"), "PASS");
}

TEST(VmStatus, DisjunctionPassShortCircuits) {
  EXPECT_EQ(statusOf("rule r { A == 2 or A == 1 }", "A: 1"), "PASS");
  EXPECT_EQ(statusOf("rule r { A == 2 or A == 3 }", "A: 1"), "FAIL");
}

TEST(VmQuirks, ProjectionAndBlockGiveTheSameStatus) {  // §16.1
  const char* data = "Resources: {A: {Type: T, Properties: {X: a}}, B: {Type: T, Properties: {X: b}}}";
  const char* projection = "let v = Resources.*[ Type == 'T' ]\nrule r { %v.Properties.X == 'a' }";
  const char* block = "let v = Resources.*[ Type == 'T' ]\nrule r { %v { Properties.X == 'a' } }";
  EXPECT_EQ(statusOf(projection, data), "FAIL");
  EXPECT_EQ(statusOf(block, data), "FAIL");
}

TEST(VmQuirks, FilterSelectingNothingSkipsWithoutAWhenGuard) {  // §16.2
  EXPECT_EQ(statusOf("rule r { Resources.*[ Type == 'Z' ].Properties.X == 1 }", "Resources: {A: {Type: T}}"), "SKIP");
  EXPECT_EQ(statusOf("let v = Resources.*[ Type == 'Z' ]\nrule r when %v !empty { %v.Properties.X == 1 }",
                     "Resources: {A: {Type: T}}"),
            "SKIP");
}

TEST(VmQuirks, NotPrefixIgnoredOnBinaryClauses) {  // §16.6
  EXPECT_EQ(statusOf("rule r { not A == 1 }", "A: 1"), "PASS");
  EXPECT_EQ(statusOf("rule r { not A exists }", "B: 1"), "PASS");
}

TEST(VmQuirks, ReferenceToSkippedRuleFails) {  // §16.8
  const char* rules = "rule a when B exists { A == 1 }\nrule r {\n a\n}\nrule n {\n not a\n}";
  EXPECT_EQ(statusOf(rules, "A: 1", "r"), "FAIL");
  EXPECT_EQ(statusOf(rules, "A: 1", "n"), "PASS");
}

TEST(VmQuirks, VariableStarDoesNotIterateHeldList) {  // §16.9
  EXPECT_EQ(statusOf("let v = L\nrule r { %v[*] == 1 }", "L: [1, 1]"), "PASS");
  EXPECT_EQ(statusOf("let v = L[*]\nrule r { %v == 1 }", "L: [1, 2]"), "FAIL");
}

TEST(VmQuirks, EmptyOnVariableTestsTheResultSet) {  // §16.10
  EXPECT_EQ(statusOf("let v = L\nrule r { %v empty }", "L: []"), "FAIL");
  EXPECT_EQ(statusOf("rule r { L empty }", "L: []"), "PASS");
}

TEST(VmQuirks, FilterAfterKeyIteratesValues) {  // §16.11
  EXPECT_EQ(statusOf("rule r { Props[ this == 1 ] !empty }", "Props: {a: 1, b: 2}"), "PASS");
}

TEST(VmQuirks, NegativeIndexIsAbsolute) {  // §16.12
  EXPECT_EQ(statusOf("rule r { L[-1] == 'b' }", "L: [a, b, c]"), "PASS");
}

TEST(VmQuirks, NumericKeysAreIndexes) {  // §16.13
  EXPECT_EQ(statusOf("rule r { M.'123' exists }", "M: {'123': x}"), "FAIL");
}

TEST(VmQuirks, CaseConversionFallback) {  // §16.14
  EXPECT_EQ(statusOf("rule r { Resources.bucket_name == 'x' }", "Resources: {bucketName: x}"), "PASS");
  // Regression: non-alphanumeric characters separate words, so '!Ref' finds Ref.
  EXPECT_EQ(statusOf("rule r { P.'!Ref' == 'x' }", "P: {Ref: x}"), "PASS");
}

// The conversion that matched is kept per path through the data, not per
// query (differential cases s15-*): A finds BucketName, B bucket_name, and
// each keeps its own for `sub-key`; C's SubKey is not found under snake case.
// A variable starts a new query: every conversion is tried again.
TEST(VmQuirks, CaseConversionIsChosenPerPath) {
  const char* data = R"(Resources:
  A: {Properties: {BucketName: {SubKey: 1}}}
  B: {Properties: {bucket_name: {sub_key: 1}}}
  C: {Properties: {bucket_name: {SubKey: 1}}}
)";
  EXPECT_EQ(statusOf("rule r { Resources.*.Properties.'bucket-name' exists }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { Resources.*.Properties.'bucket-name'.'sub-key' == 1 }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { Resources.A.Properties.'bucket-name'.'sub-key' == 1 }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { Resources.B.Properties.'bucket-name'.'sub-key' == 1 }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { Resources.C.Properties.'bucket-name'.'sub-key' == 1 }", data), "FAIL");
  EXPECT_EQ(statusOf("let x = Resources.*.Properties.'bucket-name'\nrule r { %x.'sub-key' == 1 }", data), "PASS");
}

// A data map that repeats a key has one value for it, but the keys filter
// visits each occurrence, and a capture over the values pairs value i with
// key occurrence i (differential cases s16-*).
TEST(VmQuirks, RepeatedKeysAreVisitedPerOccurrence) {
  const char* data = "A:\n  x: 1\n  x: 2\n  y: 5\n";
  EXPECT_EQ(statusOf("let s = A[ keys == /x/ ]\nlet n = count(%s)\nrule r { %n == 2 }", data), "PASS");
  EXPECT_EQ(statusOf("let s = A[ keys == /x|y/ ]\nlet n = count(%s)\nrule r { %n == 3 }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { A[ keys == 'x' ] == 2 }", data), "PASS");
  EXPECT_EQ(statusOf("let n = count(A.*)\nrule r { %n == 2 }", data), "PASS");
  // Values x=2 and y=5 are captured with keys x and x: no value gets key y.
  EXPECT_EQ(statusOf("rule r {\n  A[ k | this > 0 ] exists\n  %k == 'x'\n}", data), "PASS");
  EXPECT_EQ(statusOf("rule r {\n  A[ k | this > 0 ] exists\n  %k == 'x'\n}", "A:\n  x: 1\n  y: 5\n"), "FAIL");
}

TEST(VmQuirks, InWithRangeInsideListNeverMatches) {  // §16.15
  EXPECT_EQ(statusOf("rule r { A IN [r[1,10], 443] }", "A: 5"), "FAIL");
  EXPECT_EQ(statusOf("rule r { A IN r[1,10] }", "A: 5"), "PASS");
}

TEST(VmQuirks, QueryNotEqualsQueryNeedsLargerLeft) {  // §16.16
  EXPECT_EQ(statusOf("rule r { A[*] != B[*] }", "A: [1]\nB: [2, 3]"), "FAIL");
  EXPECT_EQ(statusOf("rule r { A[*] != B[*] }", "A: [1, 4]\nB: [2]"), "PASS");
}

TEST(VmQuirks, EmptyListValuesAreVacuouslyTrue) {  // §16.17
  EXPECT_EQ(statusOf("rule r { L == 'x' }", "L: []"), "PASS");
  EXPECT_EQ(statusOf("rule r { L < 1 }", "L: []"), "PASS");
}

TEST(VmQuirks, InStringIsSubstring) {  // §16.18
  EXPECT_EQ(statusOf("rule r { A IN 'abcdef' }", "A: cde"), "PASS");
}

TEST(VmQuirks, TypeBlockWithoutResourcesIsAnError) {  // §16.19
  EvalRun r = evaluate("AWS::S3::Bucket { Properties exists }", "A: 1");
  EXPECT_FALSE(r.ok);
}

TEST(VmQuirks, LiteralOnLeftMustHoldForEveryRightValue) {  // §16.28
  EXPECT_EQ(statusOf("let a = 'a'\nrule r { %a == L[*] }", "L: [a, b]"), "FAIL");
  EXPECT_EQ(statusOf("let a = 'a'\nrule r { %a == L[*] }", "L: [a, a]"), "PASS");
}

TEST(VmQuirks, NotComparableFailsEvenForNotEquals) {  // §16.3
  EXPECT_EQ(statusOf("rule r { Port != '80' }", "Port: 443"), "FAIL");
  EXPECT_EQ(statusOf("rule r { F != 1.0 }", "F: 1"), "FAIL");
}

TEST(VmQuirks, NotBeforeParameterizedCallIgnored) {  // §16.7
  EXPECT_EQ(statusOf("rule p(x) { %x == 1 }\nrule r { not p(A) }", "A: 1"), "PASS");
}

TEST(VmQuirks, SomeInLetDropsUnresolved) {
  EXPECT_EQ(statusOf("let v = some L[*].x\nrule r { %v == 1 }", "L: [{x: 1}, {y: 2}]"), "PASS");
  EXPECT_EQ(statusOf("let v = L[*].x\nrule r { %v == 1 }", "L: [{x: 1}, {y: 2}]"), "FAIL");
}

// ---------------------------------------------------------------- errors

TEST(VmErrors, UndefinedVariableOnlyWhenEvaluated) {
  EXPECT_FALSE(evaluate("rule r { %nope == 1 }", "A: 1").ok);
  EXPECT_EQ(statusOf("rule r when B exists { %nope == 1 }", "A: 1"), "SKIP");
}

// cfn-guard 3.1.1 overflows its stack on a cycle of rule references; the
// compiler rejects the rules file (sema.cpp), and a program lowered without
// that check still stops with an evaluation error instead of recursing.
TEST(VmErrors, RuleReferenceCycleIsAnErrorNotACrash) {
  const std::string rules = "rule a {\n b\n}\nrule b {\n a\n}";
  auto compiled = compileSources({SourceFile{"t.guard", "t.guard", rules}});
  ASSERT_FALSE(compiled.ok());
  EXPECT_NE(compiled.error().message.find("cycle"), std::string::npos) << compiled.error().message;

  // Lowered without the semantic checks and the verifier:
  vm::Program unverified;
  auto parsed = parseRules(rules, "t.guard");
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(lowerRulesFile(parsed.value(), rules, unverified).ok());
  auto doc = loadDocument("A: 1", "d.yaml");
  ASSERT_TRUE(doc.ok());
  auto r = vm::evaluateFile(unverified, 0, *doc.value());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cycle"), std::string::npos);
}

TEST(VmQuirks, RuleReferenceMustEndItsLine) {  // §16.27
  EXPECT_FALSE(compileSources({SourceFile{"t.guard", "t.guard", "rule a { A exists }\nrule b { a }"}}).ok());
}

// The bound on one result set (kMaxResultSetSize, lowered here): a query
// that selects exactly the bound is fine, one more is an evaluation error.
TEST(VmLimits, ResultSetSizeBoundOnBothSides) {
  auto program = compileSources({SourceFile{"t.guard", "t.guard", "rule r { L[*] exists }"}});
  ASSERT_TRUE(program.ok());
  auto ten = loadDocument("L: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", "d.yaml");
  auto eleven = loadDocument("L: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]", "d.yaml");
  ASSERT_TRUE(ten.ok() && eleven.ok());
  vm::EvalLimits limits;
  limits.maxResultSetSize = 10;
  auto ok = vm::evaluateFile(*program.value(), 0, *ten.value(), nullptr, limits);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value().status, vm::Status::Pass);
  auto tooMany = vm::evaluateFile(*program.value(), 0, *eleven.value(), nullptr, limits);
  ASSERT_FALSE(tooMany.ok());
  EXPECT_NE(tooMany.error().message.find("more than 10 values"), std::string::npos);
}

// 3.1.1's wording, for scripts that match on it (found by hand beside tools/difftest).
TEST(VmErrors, TypeBlockWithoutResourcesHasCfnGuardsMessage) {
  auto r = evaluate("rule q { AWS::S3::Bucket { Properties exists } }", "Resources: {}");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("Error = `Unable to resolve type block query: AWS::S3::Bucket`"), std::string::npos)
      << r.error;
}

TEST(VmErrors, EmptyOnIntIsAnError) {
  EXPECT_FALSE(evaluate("rule r { A empty }", "A: 1").ok);
}

// The type names of 3.1.1's EMPTY error are Rust's for the rule-only values
// (session 19: guardvm wrote `regex` and `range(int)`).
TEST(VmErrors, EmptyOnARuleValueNamesItsTypeAsCfnGuardDoes) {
  auto regex = evaluate("let v = {a: /x/}\nrule r { %v.* empty }", "x: 1");
  EXPECT_NE(regex.error.find("Attempting EMPTY operation on type Regex that does not support it at /a[L:0,C:0]"),
            std::string::npos)
      << regex.error;
  auto range = evaluate("let v = [r(1.0,2.0)]\nrule r { %v.* empty }", "x: 1");
  EXPECT_NE(range.error.find("on type range(float, float) that"), std::string::npos) << range.error;
  EXPECT_NE(evaluate("let v = {a: r[1,3]}\nrule r { %v.* empty }", "x: 1").error.find("type range(int, int) that"),
            std::string::npos);
}

// ---------------------------------------------------------------- regressions

// A `let x = this` first used inside a keys filter must capture the value of
// the block that declares it, not the map the filter is looking at.
TEST(VmRegression, LazyThisVariableInsideKeysFilter) {
  const char* rules = R"(
rule r {
  let doc = this
  Items[*] {
    let name = this
    let hit = %doc.Things[ keys == %name ]
    %hit not empty
  }
})";
  EXPECT_EQ(statusOf(rules, "Items: [a]\nThings: {a: 1, b: 2}"), "PASS");
  EXPECT_EQ(statusOf(rules, "Items: [c]\nThings: {a: 1, b: 2}"), "FAIL");
}

// Function results live as long as the evaluation's records.
TEST(VmRegression, FunctionResultsOutliveTheMachine) {
  EvalRun r = evaluate("rule r { let v = regex_replace(Name, 'b', 'X')\n %v == 'aXc' }", "Name: abc");
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.status["r"], "FAIL");
  ASSERT_FALSE(r.result.rules[0].records.empty());
  const auto& rec = r.result.rules[0].records.back();
  ASSERT_NE(rec.from.node, nullptr);
  EXPECT_EQ(rec.from.node->text(), "X");  // still readable after evaluateFile returned
}

// How many keys-filter checks the evaluation recorded.
size_t keyChecks(const vm::FileResult& result) {
  size_t n = 0;
  for (const auto& rr : result.rules)
    for (const auto& rec : rr.records) n += rec.kind == vm::RecKind::KeysCheck;
  return n;
}

// W2 (issue 5): the keys a `[ keys in %names ]` filter leaves out are
// recorded against one shared copy of the right-hand values, not one copy per
// key, which made the registry's secrets rule quadratic in template size.
TEST(VmRegression, KeysFilterRecordsShareOneRightHandSet) {
  std::string data = "Names: [n1, n2, n3]\nResources:\n";
  for (int i = 0; i < 200; ++i) data += "  R" + std::to_string(i) + ": {Type: T}\n";
  EvalRun r = evaluate("rule r {\n  let hit = Resources[ keys in %names ]\n  %hit !empty\n}\n"
                       "let names = Names[*]\n",
                       data);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status["r"], "FAIL");
  EXPECT_EQ(keyChecks(r.result), 200u);
  EXPECT_EQ(r.result.sets.size(), 1u);
}

// `keys == 'Name'` looks the entry up through the map's key index; what it
// selects and records must be what comparing every key gives.
TEST(VmRegression, KeysEqualsStringUsesTheKeyIndex) {
  std::string data = "Resources:\n";
  for (int i = 0; i < 100; ++i) data += "  R" + std::to_string(i) + ": {Type: T" + std::to_string(i) + "}\n";
  EXPECT_EQ(statusOf("rule r { Resources[ keys == 'R57' ].Type == 'T57' }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { Resources[ keys == 'R57' ].Type == 'T58' }", data), "FAIL");
  EvalRun miss = evaluate("rule r { Resources[ keys == 'Nope' ] !empty }", data);
  ASSERT_TRUE(miss.ok) << miss.error;
  EXPECT_EQ(miss.status["r"], "FAIL");
  EXPECT_EQ(keyChecks(miss.result), 100u);
  // A map made by json_parse has no key ids: searched by text.
  EXPECT_EQ(statusOf("rule r { let m = json_parse('{\"a\": 1, \"b\": 2}')\n %m[ keys == 'b' ] == 2 }", "A: 1"),
            "PASS");
}

TEST(VmRegression, DefaultRuleIsNamedAfterTheFile) {
  EvalRun r = evaluate("A == 1", "A: 1");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status["t.guard/default"], "PASS");
}

// ---------------------------------------------------------------- records

TEST(VmRecords, PassingRulesRecordNothing) {
  EvalRun r = evaluate("rule r { A == 1 or A == 2 }", "A: 2");
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.result.rules[0].records.empty());
}

TEST(VmRecords, FailingChecksAreRecordedWithTheirValues) {
  EvalRun r = evaluate("rule r { L[*] == 1 }", "L: [1, 2, 3]");
  ASSERT_TRUE(r.ok);
  const auto& recs = r.result.rules[0].records;
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].kind, vm::RecKind::Binary);
  EXPECT_EQ(pathOf(recs[0].from.node), "/L/1");
  EXPECT_EQ(pathOf(recs[1].from.node), "/L/2");
}

TEST(VmRecords, KeysFilterChecksKeptOnlyWhenTheClauseFails) {
  EvalRun fails = evaluate("rule r { M[ keys == 'a' ] == 2 }", "M: {a: 1, b: 2}");
  ASSERT_TRUE(fails.ok);
  bool sawKeys = false;
  for (const auto& rec : fails.result.rules[0].records) sawKeys |= rec.kind == vm::RecKind::KeysCheck;
  EXPECT_TRUE(sawKeys);
  EvalRun passes = evaluate("rule r { M[ keys == 'a' ] == 1\n B == 2 }", "M: {a: 1, b: 2}\nB: 1");
  ASSERT_TRUE(passes.ok);
  for (const auto& rec : passes.result.rules[0].records) EXPECT_NE(rec.kind, vm::RecKind::KeysCheck);
}

// A keys filter over a map made by json_parse or written in the rules reports
// each key at its entry's path (/J/k2); over a data map at the map's path.
TEST(VmRecords, KeysOfParsedAndLiteralMapsStandAtTheirEntries) {
  auto keyPaths = [](const std::string& rules, const std::string& data) {
    std::vector<std::string> paths;
    EvalRun r = evaluate(rules, data);
    EXPECT_TRUE(r.ok) << r.error;
    if (!r.ok) return paths;
    for (const auto& rec : r.result.rules[0].records)
      if (rec.kind == vm::RecKind::KeysCheck) paths.push_back(pathOf(rec.from.node));
    return paths;
  };
  using Paths = std::vector<std::string>;
  EXPECT_EQ(keyPaths("rule r { M[ keys == 'k1' ] == 'x' }", "M: {k1: 1, k2: 2}"), (Paths{"/M"}));
  EXPECT_EQ(keyPaths("let j = json_parse(J)\nrule r { %j[ keys == 'k1' ] == 'x' }", "J: '{\"k1\": 1, \"k2\": 2}'"),
            (Paths{"/J/k2"}));
  EXPECT_EQ(keyPaths("let m = {\"k1\": 1, \"k2\": 2}\nrule r { %m[ keys == 'k1' ] == 'x' }", "A: 1"),
            (Paths{"/k2"}));
}

// ---------------------------------------------------------------- packs

// `Resources.*[ Type == 'X' ... ]` over a big map passes over the other
// types by the document's type tags (Machine::stepAllValuesOfType); trace
// mode takes the general path, visiting every value. Both must report the
// same, including for the values a tag cannot decide.
// The JSON report of one evaluation, or "ERROR: <message>". trace = true
// takes the general path (no type tags, type guards or shortcuts), so a
// fast report equal to the traced one shows the shortcuts change nothing.
std::string reportOf(const std::string& rules, const std::string& data, bool trace,
                     size_t maxResultSetSize = vm::EvalLimits{}.maxResultSetSize) {
  auto program = compileSources({SourceFile{"t.guard", "t.guard", rules}});
  if (!program.ok()) return "COMPILE ERROR: " + program.error().message;
  auto doc = loadDocument(data, "data.yaml");
  if (!doc.ok()) return "DATA ERROR: " + doc.error().message;
  vm::EvalLimits limits;
  limits.trace = trace;
  limits.maxResultSetSize = maxResultSetSize;
  auto r = vm::evaluateFile(*program.value(), 0, *doc.value(), nullptr, limits);
  if (!r.ok()) return "ERROR: " + r.error().message;
  vm::PairView view{*program.value(), r.value(), *doc.value(), doc.value()->text(), "t.guard", "data.yaml"};
  std::string out;
  vm::writeFileReportJson(out, view);
  return out;
}

// Both paths' report; fails the test where they differ.
std::string sameReportBothPaths(const std::string& rules, const std::string& data,
                                size_t maxResultSetSize = vm::EvalLimits{}.maxResultSetSize) {
  std::string fast = reportOf(rules, data, false, maxResultSetSize);
  EXPECT_EQ(fast, reportOf(rules, data, true, maxResultSetSize));
  return fast;
}

TEST(VmTypeTags, PrefilteredSelectionsReportAsTheGeneralPath) {
  std::string data = "Resources:\n";
  for (int i = 0; i < 150; ++i) {
    data += "  R" + std::to_string(i) + ": {Type: " + (i % 3 == 0 ? "A" : i % 3 == 1 ? "B" : "C") +
            ", Properties: {X: " + (i % 2 ? "1" : "2") + "}}\n";
  }
  data += "  L1: {type: A, Properties: {X: 2}}\n"   // case-converted key
          "  L2: {Type: [A, A], Properties: {X: 2}}\n"  // a list of the type
          "  L3: {Type: 7, Properties: {X: 2}}\n"
          "  L4: [{Type: A, Properties: {X: 2}}]\n"     // a list value: its items are tested
          "  L5: plain\n"
          "  L6: {Properties: {X: 2}}\n";
  const char* rules =
      "let a = Resources.*[ Type == 'A' ]\n"
      "rule selected { %a.Properties.X == 1 }\n"
      "let g = Resources.*[ Type == 'A' Properties.X exists ]\n"
      "rule guarded { %g.Properties.X == 1 }\n"
      "rule absent { Resources.*[ Type == 'Z' ].Properties.X == 1 }\n"
      "rule absent_guarded { Resources.*[ Type == 'Z' Properties exists ].Properties.X == 1 }\n";
  const std::string fast = sameReportBothPaths(rules, data);
  EXPECT_NE(fast.find("/Resources/R0/Properties/X"), std::string::npos);
  EXPECT_NE(fast.find("/Resources/R144/Properties/X"), std::string::npos);
  EXPECT_EQ(fast.find("/Resources/R2/Properties/X"), std::string::npos);  // type C
  EXPECT_NE(fast.find("/Resources/L2/Properties/X"), std::string::npos);
  EXPECT_NE(fast.find("/Resources/L4/0/Properties/X"), std::string::npos);
  EXPECT_EQ(fast.find("/Resources/L6/"), std::string::npos);
  EXPECT_NE(fast.find("\"absent\""), std::string::npos);  // SKIP: listed as not applicable
}

// 150 resources of types A..D (enough for the type tags), each with
// Properties X (2 for every fifth, else 1) and a list L of {V} maps, plus odd entries.
std::string typedResources(int n = 150) {
  std::string data = "Resources:\n";
  for (int i = 0; i < n; ++i) {
    const char* type = i % 4 == 0 ? "A" : i % 4 == 1 ? "B" : i % 4 == 2 ? "C" : "D";
    data += "  R" + std::to_string(i) + ": {Type: " + type + ", Properties: {X: " + (i % 5 ? "1" : "2") +
            ", L: [{V: " + std::to_string(i % 3) + "}, {V: 1}]}}\n";
  }
  data += "  O1: {type: A, Properties: {X: 2}}\n"
          "  O2: {Type: [A], Properties: {X: 2}}\n"
          "  O3: {Type: 7, Properties: {X: 2}}\n"
          "  O4: {Properties: {X: 2}}\n";
  return data;
}

// Type guards: the first conjunct of a filter decides, once per distinct
// type string, which resources reach the rest of the filter.
TEST(VmTypeGuards, ListVariablesRegexListsAndBlocksAnswerAsTheGeneralPath) {
  const std::string data = typedResources();
  const char* rules =
      "let types = ['A', 'B']\n"
      "let in_var = Resources.*[ Type in %types ]\n"
      "rule in_variable { %in_var.Properties.X == 1 }\n"
      "rule in_regexes { Resources.*[ Type IN [/^A$/, 'C'] Properties.X exists ].Properties.X == 1 }\n"
      "rule with_block { Resources.*[ Type == 'B'\n"
      "    some Properties.L[*] { V == 0 } ].Properties.X == 1 }\n"
      "rule not_in { Resources.*[ Type not in %types ].Properties.X == 1 }\n"
      "rule none_match { Resources.*[ Type in ['Q', 'Z'] ].Properties.X == 1 }\n";
  const std::string fast = sameReportBothPaths(rules, data);
  // R0 (A), R45 (B, V 0), R10 (C), R15 (D) have X 2.
  for (const char* path : {"/Resources/R0/Properties/X", "/Resources/R45/Properties/X", "/Resources/R10/Properties/X",
                           "/Resources/R15/Properties/X"})
    EXPECT_NE(fast.find(path), std::string::npos) << path;
  EXPECT_NE(fast.find("\"none_match\""), std::string::npos);
}

// Selections of a few of many types take the per-type entry lists (one
// list, or several merged back into map order); entries without a string
// Type always go on to the filter. The report must keep map order.
TEST(VmTypeGuards, FewOfManyTypesKeepMapOrder) {
  const char* rules =
      "rule one { Resources.*[ Type == 'T3' ].Properties.X == 1 }\n"
      "rule two { Resources.*[ Type in ['T3', 'T17'] Properties exists ].Properties.X == 1 }\n"
      "rule many { Resources.*[ Type not in ['T3'] Properties exists ].Properties.X == 1 }\n";
  for (bool untyped : {false, true}) {
    std::string data = "Resources:\n";
    for (int i = 0; i < 800; ++i) {
      data += "  R" + std::to_string(i) + ": {Type: T" + std::to_string(i % 20) + ", Properties: {X: 2}}\n";
      if (untyped && i % 100 == 7) data += "  U" + std::to_string(i) + ": {Properties: {X: 2}}\n";
      if (untyped && i % 100 == 9) data += "  W" + std::to_string(i) + ": {type: T3, Properties: {X: 2}}\n";
    }
    const std::string fast = sameReportBothPaths(rules, data);
    size_t r3 = fast.find("/Resources/R3/Properties/X"), r23 = fast.find("/Resources/R23/Properties/X");
    ASSERT_NE(r3, std::string::npos);
    ASSERT_NE(r23, std::string::npos);
    EXPECT_NE(fast.find("/Resources/R17/Properties/X"), std::string::npos);
    EXPECT_LT(r3, r23);
    if (untyped) {  // rule `one` lists R3, W9 (lower-case `type`), R23, ... in map order
      size_t w9 = fast.find("/Resources/W9/Properties/X");
      ASSERT_NE(w9, std::string::npos);
      EXPECT_LT(r3, w9);
      EXPECT_LT(w9, r23);
    }
  }
}

// A filter whose later conjunct can raise an error (`!empty` on an int) is
// not guarded: the general path evaluates it for every resource, so the
// error must come from the fast path too, even on a resource whose type the
// first conjunct rejects.
TEST(VmTypeGuards, ConjunctsThatCanRaiseAreNotSkipped) {
  std::string data = typedResources();
  data += "  E1: {Type: B, Properties: {N: 5}}\n";
  const std::string rules = "rule r { Resources.*[ Type == 'A' Properties.N !empty ] !empty }\n";
  const std::string fast = sameReportBothPaths(rules, data);
  EXPECT_EQ(fast.rfind("ERROR", 0), 0u) << fast;
}

// The result-set bound: a type-B resource's list of 200 values is over a
// bound of 170 when the general path evaluates the block for it; the guard
// must not hide that (Document::nodeCount decides).
TEST(VmTypeGuards, ResultSetBoundAppliesAsOnTheGeneralPath) {
  std::string data = typedResources();
  data += "  Big: {Type: B, Properties: {L: [";
  for (int i = 0; i < 200; ++i) data += (i ? ", " : "") + std::string("{V: 1}");
  data += "]}}\n";
  const std::string rules =
      "rule r { Resources.*[ Type == 'A' some Properties.L[*] { V == 1 } ].Properties.X == 1 }\n";
  for (size_t bound : {size_t(170), size_t(100000)}) {
    const std::string fast = sameReportBothPaths(rules, data, bound);
    EXPECT_EQ(fast.rfind("ERROR", 0) == 0, bound == 170) << bound << ": " << fast.substr(0, 200);
  }
}

// kMaxCallDepth: a chain of named rules ends in a guarded filter that no
// resource passes (the guard skips every call). Around the depth where the
// general path stops with "nested too deeply", the fast path must stop at
// the same chain length.
TEST(VmTypeGuards, CallDepthLimitAppliesAsOnTheGeneralPath) {
  const std::string data = typedResources(80);
  auto chain = [](int n) {
    std::string rules;
    for (int i = 0; i < n; ++i) rules += "rule c" + std::to_string(i) + " {\n  c" + std::to_string(i + 1) + "\n}\n";
    rules += "rule c" + std::to_string(n) +
             " { Resources.*[ Type == 'Z' some Properties.L[*] { V == 1 } ].Properties.X == 1 }\n";
    return rules;
  };
  // Find the shortest chain that fails on the general path, then compare around it.
  int lo = 1, hi = 2 * int(vm::kMaxCallDepth);
  ASSERT_EQ(reportOf(chain(hi), data, true).rfind("ERROR", 0), 0u);
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (reportOf(chain(mid), data, true).rfind("ERROR", 0) == 0) hi = mid;
    else lo = mid + 1;
  }
  for (int n = hi - 3; n <= hi + 1; ++n) {
    const std::string fast = sameReportBothPaths(chain(n), data);
    EXPECT_EQ(fast.rfind("ERROR", 0) == 0, n >= hi) << n;
  }
}

// `%a in %b` over many maps looks each left value up by eqHash; the answer
// is the pairwise one: every left map equal (in any key order) to some
// right map passes, and exactly the missing one is reported.
TEST(VmInOverMaps, HashedLookupGivesThePairwiseAnswer) {
  auto data = [](int missing) {
    std::string d = "Resources:\n";
    for (int i = 0; i < 24; ++i) {
      d += "  A" + std::to_string(i) + ": {Type: A, Properties: {P: " + std::to_string(i) + ", Q: {z: -0.0, w: [" +
           std::to_string(i == missing ? 999 : i) + "]}}}\n";
      d += "  B" + std::to_string(i) + ": {Type: B, Properties: {Q: {w: [" + std::to_string(23 - i) +
           "], z: 0.0}, P: " + std::to_string(23 - i) + "}}\n";
    }
    return d;
  };
  const std::string rules =
      "let a = Resources.*[ Type == 'A' ].Properties\n"
      "let b = Resources.*[ Type == 'B' ].Properties\n"
      "rule r { %a in %b }\n";
  EXPECT_EQ(statusOf(rules, data(-1)), "PASS");
  EXPECT_EQ(statusOf(rules, data(7)), "FAIL");
  const std::string fast = sameReportBothPaths(rules, data(7));
  EXPECT_NE(fast.find("/Resources/A7/Properties"), std::string::npos);
  EXPECT_EQ(fast.find("/Resources/A8/Properties"), std::string::npos);
  // Small sets take the pairwise loop: the same answers.
  EXPECT_EQ(statusOf("let a = Resources.A1.Properties\nlet b = Resources.*[ Type == 'B' ].Properties\n"
                     "rule r { %a in %b }",
                     data(-1)),
            "PASS");
}

// `Resources[ keys in %names ]` with many string names: each key is looked
// up in one set of the names' substrings (§6.6: a key is selected by a
// string member that contains it, or by a list member with an equal string).
TEST(VmKeysIn, ManyNamesSelectExactlyTheSubstringMatches) {
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) keys.push_back("K" + std::to_string(i));
  std::vector<std::string> names = {"xxK1xx", "K23", "prefix-K45", "K9-suffix", "K", "none", "K99K98"};
  std::vector<std::vector<std::string>> listNames = {{"K50", "K5x"}, {"K77"}};
  std::string data = "Resources:\n";
  for (const auto& k : keys) data += "  " + k + ": {Type: T, Probe: 2}\n";
  data += "Names:\n";
  for (const auto& n : names) data += "  - {Name: " + n + "}\n";
  for (const auto& l : listNames) {
    data += "  - {Name: [";
    for (size_t i = 0; i < l.size(); ++i) data += (i ? ", " : "") + l[i];
    data += "]}\n";
  }
  data += "  - {Name: 42}\n";
  const std::string rules =
      "let names = Names[*].Name\n"
      "rule r { Resources[ keys in %names ].Probe == 1 }\n";
  const std::string fast = sameReportBothPaths(rules, data);
  for (const auto& k : keys) {
    bool selected = false;
    for (const auto& n : names) selected |= n.find(k) != std::string::npos;
    for (const auto& l : listNames)
      for (const auto& s : l) selected |= s == k;
    EXPECT_EQ(fast.find("/Resources/" + k + "/Probe\"") != std::string::npos, selected) << k;
  }
}

// ---------------------------------------------------------------- keys filters (§6.6)
//
// `Map[ keys OP X ]` compares every key with the right-hand values the way a
// binary clause does (checked against cfn-guard 3.1.1): `==`/`!=` with one
// value compare with it (a literal one-element list is retried with its
// element when not comparable); `in`/`not in`, and `==`/`!=` with several
// values, select a key some value has (substring of a string, equal element
// of a list, a list with an element a string is not comparable with has no
// key at all); every key not selected is recorded as a failed check.

const char* kKeysData =
    "M: {B: 1, C: 2, D: 3}\n"
    "L1: [B, 5]\n"
    "L3: [B]\n"
    "L4: [B, C]\n"
    "LL: [[B]]\n"
    "S: xBy\n"
    "N: [{Name: B}, {Other: x}, {Name: D}]\n";

const char* kKeysLets =
    "let l1 = L1\nlet l3 = L3\nlet l4 = L4\nlet l1s = L1[*]\nlet l4s = L4[*]\nlet ll = LL\n"
    "let lls = LL[*]\nlet s = S\nlet miss = Missing\nlet nn = N[*].Name\nlet lb = [ 'B' ]\n"
    "let lbb = [ [ 'B' ] ]\nlet mixed = [ 'B', /C/ ]\n";

// The keys of M that `M[ keys <filter> ]` selects, in map order ("" for none).
std::string keysSelected(const std::string& filter) {
  EvalRun r = evaluate(std::string(kKeysLets) + "rule r { M[ keys " + filter + " ] == 99 }", kKeysData);
  if (!r.ok) return "ERROR: " + r.error;
  std::string keys;
  for (const auto& rec : r.result.rules[0].records)
    if (rec.kind == vm::RecKind::Binary) keys += pathOf(rec.from.node).substr(3);
  return keys;
}

TEST(VmKeysFilter, EqualsComparesWithTheOneValue) {
  EXPECT_EQ(keysSelected("== 'B'"), "B");
  EXPECT_EQ(keysSelected("!= 'B'"), "CD");
  EXPECT_EQ(keysSelected("== 'xBy'"), "");  // no substring for ==
  EXPECT_EQ(keysSelected("== /[BC]/"), "BC");
  EXPECT_EQ(keysSelected("!= /B/"), "CD");
  EXPECT_EQ(keysSelected("== 5"), "");  // not comparable: neither == nor !=
  EXPECT_EQ(keysSelected("!= 5"), "");
}

TEST(VmKeysFilter, OneElementListFallbackIsForLiteralsOnly) {
  EXPECT_EQ(keysSelected("== ['B']"), "B");
  EXPECT_EQ(keysSelected("!= ['B']"), "CD");
  EXPECT_EQ(keysSelected("== %lb"), "B");   // a literal variable is a literal
  EXPECT_EQ(keysSelected("== %l3"), "");    // a query's list is one value
  EXPECT_EQ(keysSelected("!= %l3"), "");
  EXPECT_EQ(keysSelected("== ['B', 'C']"), "");
  EXPECT_EQ(keysSelected("== [['B']]"), "");
  EXPECT_EQ(keysSelected("in [['B']]"), "B");  // retried as `in ['B']`
  EXPECT_EQ(keysSelected("not in [['B']]"), "CD");
  EXPECT_EQ(keysSelected("in %lbb"), "B");
  EXPECT_EQ(keysSelected("in %ll"), "");  // the query's [['B']] is not retried
  EXPECT_EQ(keysSelected("not in %ll"), "");
  EXPECT_EQ(keysSelected("in %lls"), "B");
}

TEST(VmKeysFilter, SeveralValuesMakeEqualsAnIn) {
  EXPECT_EQ(keysSelected("== %l4s"), "BC");
  EXPECT_EQ(keysSelected("!= %l4s"), "BCD");  // each key differs from some value
  EXPECT_EQ(keysSelected("== %l1s"), "B");    // 5 is not comparable, 'B' matches
  EXPECT_EQ(keysSelected("!= %l1s"), "CD");   // B differs from no comparable value
  EXPECT_EQ(keysSelected("== %nn"), "BD");    // the unresolved member matches nothing
  EXPECT_EQ(keysSelected("!= %nn"), "BCD");
}

TEST(VmKeysFilter, InAsksWhetherAValueHasTheKey) {
  EXPECT_EQ(keysSelected("in 'xBy'"), "B");  // substring
  EXPECT_EQ(keysSelected("not in 'xBy'"), "CD");
  EXPECT_EQ(keysSelected("in ['B', 'C']"), "BC");
  EXPECT_EQ(keysSelected("not in ['B', 'C']"), "D");
  EXPECT_EQ(keysSelected("in %l4"), "BC");
  EXPECT_EQ(keysSelected("not in %l4s"), "BCD");  // each value on its own
  EXPECT_EQ(keysSelected("in %mixed"), "BC");
  EXPECT_EQ(keysSelected("not in %mixed"), "D");
  EXPECT_EQ(keysSelected("in /C|D/"), "CD");
  EXPECT_EQ(keysSelected("in []"), "");
  EXPECT_EQ(keysSelected("not in []"), "BCD");
  EXPECT_EQ(keysSelected("not in [[]]"), "BCD");
}

TEST(VmKeysFilter, InWithANonStringMemberSelectsNoKey) {
  for (const char* rhs : {"['B', 5]", "[5]", "%l1", "5", "null", "true", "{a: 1}", "[[5]]", "['B', ['C']]"}) {
    EXPECT_EQ(keysSelected(std::string("in ") + rhs), "") << rhs;
    EXPECT_EQ(keysSelected(std::string("not in ") + rhs), "") << rhs;
  }
  EXPECT_EQ(keysSelected("in %l1s"), "B");  // separate values: 5 alone is not comparable
  EXPECT_EQ(keysSelected("not in %l1s"), "CD");
}

TEST(VmKeysFilter, UnresolvedOrEmptyRightHandSideSelectsNothing) {
  for (const char* f : {"== %miss", "!= %miss", "in %miss", "not in %miss"}) EXPECT_EQ(keysSelected(f), "") << f;
}

// The keys-filter checks of rule `r`: "<key> <form> <to>" per record, form
// "==" / "!=" (to: the value's path, or "unresolved@<where it stopped>") or
// "in" / "not in" (to: the number of right-hand values).
std::vector<std::string> keyRecords(const std::string& rule) {
  EvalRun r = evaluate(std::string(kKeysLets) + rule, kKeysData);
  std::vector<std::string> out;
  if (!r.ok) return {"ERROR: " + r.error};
  for (const auto& rec : r.result.rules[0].records) {
    if (rec.kind != vm::RecKind::KeysCheck) continue;
    bool negated = r.program->parts[rec.info].keysNegated;
    std::string s(rec.from.node->text());
    if (rec.toSet != UINT32_MAX) {
      s += negated ? " not in " : " in ";
      s += std::to_string(r.result.sets[rec.toSet].size());
    } else {
      s += negated ? " != " : " == ";
      s += rec.to.isUnresolved() ? "unresolved@" + pathOf(rec.to.node) : pathOf(rec.to.node);
      EXPECT_EQ(rec.detail == vm::CmpDetail::RightUnresolved, rec.to.isUnresolved());
    }
    out.push_back(s);
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(VmKeysFilter, RecordsEveryKeyNotSelected) {
  EXPECT_EQ(keyRecords("rule r { M[ keys == 'B' ] !empty\n M[ keys == 'B' ] == 99 }"),
            (Strings{"C == ", "D == "}));
  // The literal list's element is what the key was compared with.
  EXPECT_EQ(keyRecords("rule r { M[ keys != ['B'] ] == 99 }"), (Strings{"B != /0"}));
  EXPECT_EQ(keyRecords("rule r { M[ keys == 5 ] !empty }"), (Strings{"B == ", "C == ", "D == "}));
  EXPECT_EQ(keyRecords("rule r { M[ keys == %l4s ] == 99 }"), (Strings{"D in 2"}));
  EXPECT_EQ(keyRecords("rule r { M[ keys != %l1s ] == 99 }"), (Strings{"B not in 2"}));
  EXPECT_EQ(keyRecords("rule r { M[ keys in ['B', 5] ] !empty }"), (Strings{"B in 1", "C in 1", "D in 1"}));
  EXPECT_EQ(keyRecords("rule r { M[ keys in %nn ] == 99 }"), (Strings{"C in 3"}));
}

// A right-hand value that did not resolve fails every key, at the path its
// query stopped (case A-mapkey-filter-unresolved-rhs).
TEST(VmKeysFilter, UnresolvedRightHandValueIsRecordedForEveryKey) {
  EXPECT_EQ(keyRecords("let k = S[0]\nrule r { M[ keys == %k ] !empty }"),
            (Strings{"B == unresolved@/S", "C == unresolved@/S", "D == unresolved@/S"}));
  EXPECT_EQ(keyRecords("rule r { M[ keys != %miss ] !empty }"),
            (Strings{"B != unresolved@", "C != unresolved@", "D != unresolved@"}));
  EXPECT_EQ(keyRecords("rule r { M[ keys in %miss ] !empty }"), (Strings{"B in 1", "C in 1", "D in 1"}));
}

// The right-hand query records like the clause it is part of: a variable
// it resolves first brings its own keys checks into the rule (cfn-guard
// evaluates it with the rule's recorder).
TEST(VmKeysFilter, RightHandVariableRecordsItsOwnChecks) {
  EvalRun r = evaluate("let q = Other[ keys == 'Q' ]\nrule r { M[ keys in %q ] !empty }",
                       "M: {B: 1}\nOther: {X: 1, Y: 2}");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status["r"], "FAIL");
  std::vector<std::string> paths;
  for (const auto& rec : r.result.rules[0].records)
    if (rec.kind == vm::RecKind::KeysCheck) paths.push_back(pathOf(rec.from.node) + ":" + std::string(rec.from.node->text()));
  EXPECT_EQ(paths, (std::vector<std::string>{"/Other:X", "/Other:Y"}));
}

// Case 01: nothing to compare with records nothing (the report used to read
// the missing right-hand value of a record and crash).
TEST(VmKeysFilter, EmptyRightHandSideRecordsNothing) {
  const char* rules = "let xs = some Missing\nrule r {\n  Flag[ keys in %xs ] !empty {\n    A exists\n  }\n}\n";
  EvalRun r = evaluate(rules, "Flag: {a: 1}");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status["r"], "FAIL");
  EXPECT_EQ(keyChecks(r.result), 0u);
  std::string report = sameReportBothPaths(rules, "Flag: {a: 1}");
  EXPECT_NE(report.find("\"status\": \"FAIL\""), std::string::npos) << report;
  const char* second = "let res = Resources[ Type == 'X' ]\nrule r { this.*[ keys not in %res ] exists }\n";
  EXPECT_EQ(keyChecks(evaluate(second, "Resources: {B: 1}\nName: x").result), 0u);
  EXPECT_EQ(reportOf(second, "Resources: {B: 1}\nName: x", false).find("ERROR"), std::string::npos);
}

// What the JSON report says of each form (as cfn-guard 3.1.1 writes it).
TEST(VmKeysFilter, ReportFormsOfTheChecks) {
  std::string lets = kKeysLets;
  std::string eq = reportOf(lets + "rule r { M[ keys == ['B'] ] == 99 }", kKeysData, false);
  EXPECT_NE(eq.find("not equal to value [Path=/0[L:0,C:0] Value=\\\"B\\\"]."), std::string::npos) << eq;
  std::string nc = reportOf(lets + "rule r { M[ keys == 5 ] !empty }", kKeysData, false);
  EXPECT_EQ(nc.find("Error = ["), std::string::npos) << nc;  // no reason for not comparable
  std::string in = reportOf(lets + "rule r { M[ keys == %nn ] == 99 }", kKeysData, false);
  EXPECT_NE(in.find("\"InResolved\""), std::string::npos) << in;
  EXPECT_NE(in.find("\"In\",\n"), std::string::npos) << in;  // == with several values
  // The check lists the resolved values; the message all of them.
  EXPECT_NE(in.find("was not present in [(resolved, Path=/N/0/Name[L:6,C:11] Value=\\\"B\\\")."
                    "(unresolved, Path=/N/1[L:6,C:15] Value={\\\"Other\\\":\\\"x\\\"})."),
            std::string::npos)
      << in;
  std::string un = reportOf("let k = S[0]\nrule r { M[ keys == %k ] !empty }", kKeysData, false);
  EXPECT_NE(un.find("\"UnResolved\""), std::string::npos) << un;
  EXPECT_NE(un.find("to compare to is missing. Value traversed to [Path=/S"), std::string::npos) << un;
}

// The set lookup of many-member `keys in` gives what comparing every key
// gives when list members hold non-strings (such a list has no key).
TEST(VmKeysFilter, ManyMembersWithNonStringListsAreExact) {
  std::string data = "Resources:\n";
  for (int i = 0; i < 100; ++i) data += "  K" + std::to_string(i) + ": {Probe: 2}\n";
  data += "Names:\n  - {Name: K1}\n  - {Name: [K2, 5]}\n  - {Name: [K3]}\n  - {Name: [[K4]]}\n"
          "  - {Name: xK5x}\n  - {Name: null}\n  - {Name: {K6: 1}}\n  - {Name: [K7, [K8]]}\n  - {Name: K9}\n";
  const std::string rules = "let names = Names[*].Name\nrule r { Resources[ keys in %names ].Probe == 1 }\n";
  const std::string report = sameReportBothPaths(rules, data);
  for (int i = 0; i < 100; ++i) {
    std::string k = "K" + std::to_string(i);
    bool selected = k == "K1" || k == "K3" || k == "K5" || k == "K9";
    EXPECT_EQ(report.find("/Resources/" + k + "/Probe\"") != std::string::npos, selected) << k;
  }
}

TEST(VmPack, PackedProgramGivesTheSameAnswers) {
  const char* rules = "let t = Resources.*[ Type == 'T' ]\nrule r when %t !empty { %t.Properties.X == 1 }";
  auto program = compileSources({SourceFile{"t.guard", "t.guard", rules}});
  ASSERT_TRUE(program.ok());
  std::string bytes = vm::writePack(*program.value());
  auto loaded = vm::readPack(bytes, "t.gpack");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  for (const char* data : {"Resources: {A: {Type: T, Properties: {X: 1}}}",
                           "Resources: {A: {Type: T, Properties: {X: 2}}}", "Resources: {}"}) {
    auto doc = loadDocument(data, "d.yaml");
    ASSERT_TRUE(doc.ok());
    auto a = vm::evaluateFile(*program.value(), 0, *doc.value());
    auto b = vm::evaluateFile(*loaded.value(), 0, *doc.value());
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a.value().status, b.value().status) << data;
  }
}

// ---------------------------------------------------------------- comparisons (spec §8, §19)

// The paths of a rule's failing checks, as the conformance harness compares
// them at level 2: a compared value's path, or where an unresolved side
// stopped.
std::set<std::string> failPaths(const EvalRun& run, const std::string& rule) {
  std::set<std::string> out;
  for (const auto& rr : run.result.rules) {
    if (run.program->str(run.program->rules[rr.rule].name) != rule) continue;
    for (const auto& rec : rr.records) {
      if (rec.status != vm::Status::Fail) continue;
      if (rec.kind != vm::RecKind::Binary && rec.kind != vm::RecKind::Unary) continue;
      const QValue& v = rec.detail == vm::CmpDetail::RightUnresolved ? rec.to : rec.from;
      if (v.node) out.insert(pathOf(v.node));
    }
  }
  return out;
}

using Paths = std::set<std::string>;

// `not in` with a list on the left and a list on the right negates the
// membership of the whole list the way cfn-guard 3.1.1 does: against a
// plain list it PASSes only for a non-empty list none of whose elements is
// on the right (so an empty list FAILs), against a list of lists only for
// an empty list that is not one of them.
TEST(VmCompare, ListNotInListNegatesLikeTheReference) {
  const char* data = "L: [1, 2]\nE: []\nR: [1]";
  EXPECT_EQ(statusOf("rule r { E not in [1] }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { E not in [] }", data), "FAIL");
  EXPECT_EQ(statusOf("let e = []\nrule r { %e not in R }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { E IN [1] }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { L not in [5, 6] }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { L not in [1, 3] }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { L not in [[3], [4]] }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { L not in [[1, 2]] }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { E not in [[1]] }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { E not in [[]] }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { L IN [[3], [4]] }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { L IN [[1, 2], [3]] }", data), "PASS");
  EvalRun run = evaluate("rule r { L not in [[3], [4]] }", "{\"L\": [1, 2]}");
  ASSERT_TRUE(run.ok);
  EXPECT_EQ(failPaths(run, "r"), Paths({"/L"}));
}

// Between two queries, IN is membership (contained_in), never the substring
// test of `IN 'string'`.
TEST(VmCompare, QueryInQueryIsNotASubstringTest) {
  const char* data = "S: [a]\nT: [abc]";
  EXPECT_EQ(statusOf("rule r { S[*] IN T[*] }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { S[*] not in T[*] }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { S[*] IN 'xabc' }", data), "PASS");
  EXPECT_EQ(statusOf("let s = 'a'\nlet t = 'xab'\nrule r { %s IN %t }", data), "PASS");
  EvalRun run = evaluate("rule r { S[*] IN T[*] }", data);
  ASSERT_TRUE(run.ok);
  EXPECT_EQ(failPaths(run, "r"), Paths({"/S/0"}));
}

// A set comparison (query vs query) still compares the resolved members when
// a side has unresolved ones, possibly against nothing; each unresolved left
// member is a FAIL, each unresolved right member one FAIL per resolved left
// member; a passing set result is one PASS per resolved left member, so
// `some` passes on it.
TEST(VmCompare, SetComparisonWithUnresolvedMembers) {
  const char* data = "X: false\nF: false\nB: {Size: {Enabled: false}, E: ''}";
  EXPECT_EQ(statusOf("rule r { some X !in Missing }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { some X != Missing }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { some B.*.Enabled IN F }", data), "PASS");
  EXPECT_EQ(statusOf("rule r { B.*.Enabled IN F }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { some Missing != X }", data), "FAIL");  // no resolved left member
  EXPECT_EQ(statusOf("rule r { some Missing not in X }", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { X not in Missing }", data), "FAIL");
  for (const char* rule : {"rule r { X IN Missing }", "rule r { X == Missing }"}) {
    EvalRun run = evaluate(rule, data);
    ASSERT_TRUE(run.ok);
    EXPECT_EQ(run.status["r"], "FAIL") << rule;
    EXPECT_EQ(failPaths(run, "r"), Paths({"", "/X"})) << rule;
  }
  // No resolved left member: only the left side is reported.
  EvalRun both = evaluate("rule r { A.Missing IN Missing }", "A: {}");
  ASSERT_TRUE(both.ok);
  EXPECT_EQ(failPaths(both, "r"), Paths({"/A"}));
  // Every left value is reported when no right member resolves.
  EvalRun block = evaluate("let L = ['a', 'b']\nrule r { P { %L.* in Logs[*] } }", "P: {Engine: mysql}");
  ASSERT_TRUE(block.ok);
  EXPECT_EQ(failPaths(block, "r"), Paths({"/0", "/1", "/P"}));
}

// A literal list on the left of IN against query values that are not lists:
// a set comparison of its elements; `not in` always FAILs, naming the list.
TEST(VmCompare, LiteralListInQueryValues) {
  const char* data = "A: [a, b]";
  EXPECT_EQ(statusOf("let l = ['a', 'b']\nrule r { %l IN A[*] }", data), "PASS");
  EXPECT_EQ(statusOf("let l = ['a', 'b']\nrule r { %l not in A[*] }", data), "FAIL");
  EXPECT_EQ(statusOf("let l = ['c']\nrule r { %l not in A[*] }", data), "FAIL");
  EXPECT_EQ(statusOf("let l = []\nrule r { %l IN A[*] }", data), "PASS");
  EXPECT_EQ(statusOf("let l = []\nrule r { %l not in A[*] }", data), "FAIL");
  EvalRun in = evaluate("let l = ['a', 'c']\nrule r { %l IN A[*] }", data);
  ASSERT_TRUE(in.ok);
  EXPECT_EQ(failPaths(in, "r"), Paths({"/1"}));
  EvalRun notIn = evaluate("let l = ['a', 'c']\nrule r { %l not in A[*] }", data);
  ASSERT_TRUE(notIn.ok);
  EXPECT_EQ(failPaths(notIn, "r"), Paths({""}));
}

// A literal passed directly to a parameterized rule is bound as a resolved
// value, so `%x == %y` inside is a query-to-query (set) comparison; through a
// variable it stays a literal.
TEST(VmCompare, ParameterizedRuleLiteralArgumentIsAQueryValue) {
  const char* data = "L1: [1]\nE: []\nS: ab\nT: a\nP: {}";
  const char* rules =
      "let lit = 'b'\n"
      "rule eq(x, y) { %x == %y }\n"
      "rule ne(x, y) { %x != %y }\n"
      "rule inr(x, y) { %x IN %y }\n"
      "rule a1 { eq(L1, 1) }\n"
      "rule a2 { eq(E, 1) }\n"
      "rule a3 { inr(S, 'xaby') }\n"
      "rule a4 { ne(T, 'b') }\n"
      "rule a5 { ne(T, %lit) }\n"
      "rule a6 { eq(P.Missing, 'false') }\n"
      "rule a7 { eq(T, 'x') }\n"
      "rule a8 { eq(T, 'a') }\n";
  EvalRun run = evaluate(rules, data);
  ASSERT_TRUE(run.ok);
  EXPECT_EQ(run.status["a1"], "FAIL");
  EXPECT_EQ(run.status["a2"], "FAIL");
  EXPECT_EQ(run.status["a3"], "FAIL");
  EXPECT_EQ(run.status["a4"], "FAIL");
  EXPECT_EQ(run.status["a5"], "PASS");
  EXPECT_EQ(run.status["a6"], "FAIL");
  EXPECT_EQ(run.status["a8"], "PASS");
  // The records of the called rule sit under the call's record.
  EXPECT_EQ(failPaths(run, "a1"), Paths({""}));
  EXPECT_EQ(failPaths(run, "a3"), Paths({"/S"}));
  EXPECT_EQ(failPaths(run, "a6"), Paths({"", "/P"}));
  EXPECT_EQ(failPaths(run, "a7"), Paths({""}));
}

}  // namespace
}  // namespace guard
