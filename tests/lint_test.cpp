// Tests of guardc's lint pass (compiler/lint.h): for every warning, a rule
// that has the trap (the warning fires, once, at the right place) and the
// correct way to write it (silent); then suppression comments and the
// options of tools/cli/sources.h that guardc and `guardvm validate --lint` use.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compiler/lint.h"
#include "compiler/parser.h"
#include "tools/cli/sources.h"

namespace {

using guard::lint::Warning;

std::vector<Warning> lintText(const std::string& source) {
  auto parsed = guard::parseRules(source, "t.guard");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  if (!parsed.ok()) return {};
  return guard::lint::lintRulesFile(parsed.value(), source, "t.guard");
}

std::vector<std::string> idsOf(const std::string& source) {
  std::vector<std::string> ids;
  for (const auto& w : lintText(source)) ids.push_back(w.id);
  return ids;
}

using Ids = std::vector<std::string>;

// ---------------------------------------------------------------- §16.6

TEST(Lint, NotBeforeBinaryClause) {
  const auto ws = lintText("rule r {\n  not Resources.A.Properties.BucketName == 'x'\n}\n");
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].id, "not-binary-clause");
  EXPECT_EQ(ws[0].where.file, "t.guard");
  EXPECT_EQ(ws[0].where.line, 2u);
  EXPECT_EQ(ws[0].where.column, 3u);
  EXPECT_NE(ws[0].fix.find("!="), std::string::npos);
}

TEST(Lint, NotBeforeBinaryClauseInFilterAndBang) {
  EXPECT_EQ(idsOf("let b = Resources.*[ !Type == 'AWS::S3::Bucket' ]\nrule r when %b !empty { %b exists }\n"),
            Ids{"not-binary-clause"});
}

TEST(Lint, NotBeforeUnaryClauseIsSilent) {
  EXPECT_EQ(idsOf("rule r {\n  not Resources.A.Properties.BucketName exists\n"
                  "  Resources.A.Properties.BucketName != 'x'\n}\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.7

TEST(Lint, NotBeforeParameterizedCall) {
  const std::string rules =
      "rule p(v) { %v == 1 }\n"
      "rule r {\n  not p(Resources.A.Properties.B)\n}\n";
  const auto ws = lintText(rules);
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].id, "not-param-call");
  EXPECT_EQ(ws[0].where.line, 3u);
}

TEST(Lint, ParameterizedCallWithoutNotIsSilent) {
  EXPECT_EQ(idsOf("rule p(v) { %v != 1 }\nrule r {\n  p(Resources.A.Properties.B)\n}\n"), Ids{});
}

// ---------------------------------------------------------------- §16.12

TEST(Lint, NegativeIndex) {
  const auto ws = lintText("rule r { Resources.A.Properties.L[-1] == 'x' }\n");
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].id, "negative-index");
  EXPECT_EQ(ws[0].where.column, 34u);
}

TEST(Lint, NonNegativeIndexIsSilent) {
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties.L[1] == 'x'\n Resources.A.Properties.L.0 == 'y' }\n"), Ids{});
}

// ---------------------------------------------------------------- §16.13

TEST(Lint, NumericQuotedKey) {
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties['123'] exists }\n"), Ids{"numeric-key"});
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties.'-7' exists }\n"), Ids{"numeric-key"});
}

TEST(Lint, KeyThatIsNotAnIntegerIsSilent) {
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties['12a'] exists\n Resources.A.Properties['99999999999'] exists }\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.15

TEST(Lint, RangeInsideList) {
  const auto ws = lintText("rule r {\n  Resources.A.Properties.Port IN [r[1,1024], 8080]\n}\n");
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].id, "range-in-list");
  EXPECT_EQ(ws[0].where.column, 35u);  // the range
}

TEST(Lint, RangeInsideListThroughVariable) {
  EXPECT_EQ(idsOf("let ok = [r[1,1024], 8080]\nrule r { Resources.A.Properties.Port IN %ok }\n"), Ids{"range-in-list"});
}

TEST(Lint, RangeAloneIsSilent) {
  EXPECT_EQ(idsOf("rule r {\n  Resources.A.Properties.Port IN r[1,1024] or Resources.A.Properties.Port IN [8080]\n}\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.18

TEST(Lint, InString) {
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties.Name IN 'production' }\n"), Ids{"in-string"});
  EXPECT_EQ(idsOf("rule r { Resources[ keys in 'AB' ] exists\n Resources exists }\n"), Ids{"in-string"});
}

TEST(Lint, InListAndEqualityAreSilent) {
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties.Name IN ['production']\n"
                  " Resources.A.Properties.Name == 'production' }\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.9

TEST(Lint, VariableStarOverValueThatMayBeList) {
  const std::string rules =
      "let blocked = Blocked\n"
      "rule r {\n  %blocked[*] {\n    Port > 1024\n  }\n}\n";
  const auto ws = lintText(rules);
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].id, "variable-star");
  EXPECT_EQ(ws[0].where.line, 3u);
  EXPECT_NE(ws[0].fix.find("Blocked[*]"), std::string::npos);
}

TEST(Lint, VariableStarOverListLiteral) {
  EXPECT_EQ(idsOf("let l = [1, 2]\nrule r { %l[*] == 1 }\n"), Ids{"variable-star"});
}

TEST(Lint, VariableStarThroughParameter) {
  const std::string rules =
      "rule check_tags(tags) {\n  %tags[*].Key exists\n}\n"
      "rule r {\n  check_tags(Resources.*.Properties.Tags)\n}\n";
  const auto ws = lintText(rules);
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].id, "variable-star");
  EXPECT_EQ(ws[0].where.line, 5u);
}

// Control Tower's rules (ct-iam-pr-1, ct-rds-pr-14): a held list meets a
// scalar, or is the member set of IN; cfn-guard 3.1.1 gives the intended
// answers (FAIL for Action ["s3:GetObject", "*"] with Resource "*"), so
// nothing is said.
TEST(Lint, VariableStarComparedWithScalarOrAsMembersIsSilent) {
  EXPECT_EQ(idsOf("rule check_admin_access(actions, resources) {\n"
                  "  when some %actions[*] == \"*\" {\n    %resources[*] != \"*\"\n  }\n}\n"
                  "rule r when Resources exists {\n  Resources.*.Properties.PolicyDocument.Statement[*] {\n"
                  "    check_admin_access(Action, Resource)\n  }\n}\n"),
            Ids{});
  EXPECT_EQ(idsOf("let types = ['audit', 'error']\nlet logs = Resources.*.Properties.Logs\n"
                  "rule r {\n  Resources.*.Properties.Logs.* IN %types[*]\n  %logs[*] == 'audit'\n}\n"),
            Ids{});
  // A block over the held list whose clauses only compare `this` with a
  // scalar or regex (ct-iam-pr-3's check_no_wildcard_action).
  EXPECT_EQ(idsOf("let WILDCARD = /^[\\w]*[:]*\\*$/\n"
                  "rule check_no_wildcard_action(actions) {\n  %actions[*] {\n    this != %WILDCARD\n  }\n}\n"
                  "rule r when Resources exists {\n  Resources.*.Properties.PolicyDocument.Statement[*] {\n"
                  "    check_no_wildcard_action(Action)\n  }\n}\n"),
            Ids{});
  // The same shapes against a list, or iterated further, still warn.
  EXPECT_EQ(idsOf("let blocked = Blocked\nrule r { %blocked[*] {\n  this > 1024\n  Port exists\n} }\n"),
            Ids{"variable-star"});
  EXPECT_EQ(idsOf("let logs = Resources.A.Properties.Logs\nrule r { %logs[*] IN ['audit'] }\n"),
            Ids{"variable-star"});
  EXPECT_EQ(idsOf("let types = ['audit', 'error']\nrule r { Resources.A.Properties.Log == %types[*] }\n"),
            Ids{"variable-star"});
}

TEST(Lint, VariableBoundToElementsIsSilent) {
  EXPECT_EQ(idsOf("let blocked = Blocked[*]\nrule r { %blocked[*] { this > 1024 } }\n"
                  "rule check_tags(tags) { %tags[*].Key exists }\n"
                  "rule s { check_tags(Resources.*.Properties.Tags[*]) }\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.10

TEST(Lint, VariableEmptyOnValue) {
  EXPECT_EQ(idsOf("let tags = Resources.A.Properties.Tags\nrule r when %tags !empty { %tags exists }\n"),
            Ids{"variable-empty"});
}

// The registry's `%refs not empty` over values gathered across a selection
// (docs/lint.md, registry review): "anything selected" is what is meant.
TEST(Lint, VariableEmptyOnValuesOfASelectionIsSilent) {
  EXPECT_EQ(idsOf("let sel = Resources.*[ Type == 'AWS::DMS::Endpoint' ]\n"
                  "let refs = %sel.Properties.Password.'!Ref'\n"
                  "let params = Parameters.%refs\n"
                  "rule r when %sel !empty {\n  %refs not empty\n  when %params !empty { %params.NoEcho == true }\n}\n"),
            Ids{});
}

TEST(Lint, VariableEmptyOnFilterIsSilent) {
  EXPECT_EQ(idsOf("let b = Resources.*[ Type == 'AWS::S3::Bucket' ]\n"
                  "let t = Resources.A.Properties.Tags[*]\n"
                  "rule r when %b !empty { %b.Properties exists\n %t empty }\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.8

TEST(Lint, ReferenceToRuleThatCanSkip) {
  const std::string rules =
      "let b = Resources.*[ Type == 'AWS::S3::Bucket' ]\n"
      "rule enc when %b !empty { %b.Properties.BucketEncryption exists }\n"
      "rule all_ok {\n  enc\n}\n";
  const auto ws = lintText(rules);
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].id, "skip-rule-reference");
  EXPECT_EQ(ws[0].where.line, 4u);
}

TEST(Lint, NegatedReferenceToRuleWhoseClausesSkip) {
  const std::string rules =
      "rule pub { Resources.*[ Type == 'AWS::S3::Bucket' ].Properties.Public == true <<x>> }\n"
      "rule private_ok {\n  not pub\n}\n";
  Ids ids = idsOf(rules);
  EXPECT_EQ(ids, (Ids{"unguarded-filter", "skip-rule-reference"}));
}

TEST(Lint, ReferenceToRuleThatCannotSkipOrInWhenIsSilent) {
  const std::string rules =
      "let b = Resources.*[ Type == 'AWS::S3::Bucket' ]\n"
      "rule has_res { Resources exists }\n"
      "rule enc when %b !empty { %b.Properties.BucketEncryption exists }\n"
      "rule r {\n  has_res\n}\n"
      "rule s when enc { Resources exists }\n";
  EXPECT_EQ(idsOf(rules), Ids{});
}

// The registry's fallback chain (docs/lint.md, registry review): both
// referenced rules' conditions hold where they are referenced.
TEST(Lint, ReferenceWhoseConditionsHoldThereIsSilent) {
  const std::string rules =
      "let sel = Resources.*[ Type == 'AWS::DMS::Endpoint' ]\n"
      "rule USES_PARAMETER when\n  %sel not empty\n{\n  Parameters exists\n}\n"
      "rule USES_SERVICE when\n  %sel not empty\n  not USES_PARAMETER\n{\n"
      "  %sel.Properties.Password !exists\n}\n"
      "rule NO_PLAINTEXT when\n  %sel not empty\n{\n  USES_PARAMETER\n  OR\n  USES_SERVICE\n}\n";
  EXPECT_EQ(idsOf(rules), Ids{});
}

TEST(Lint, ReferenceWhoseConditionIsNotInEffectStillWarns) {
  const std::string rules =
      "let sel = Resources.*[ Type == 'AWS::DMS::Endpoint' ]\n"
      "rule USES_PARAMETER when\n  %sel not empty\n{\n  Parameters exists\n}\n"
      "rule NO_PLAINTEXT {\n  USES_PARAMETER\n}\n";
  EXPECT_EQ(idsOf(rules), Ids{"skip-rule-reference"});
}

// ---------------------------------------------------------------- §16.2

TEST(Lint, FilterWithoutWhenGuard) {
  const auto ws = lintText(
      "let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]\n"
      "rule r {\n  %buckets.Properties.Versioning == 'Enabled'\n}\n");
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].id, "unguarded-filter");
  EXPECT_EQ(ws[0].where.line, 2u);
}

TEST(Lint, FilterWithWhenGuardIsSilent) {
  EXPECT_EQ(idsOf("let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]\n"
                  "rule r when %buckets !empty {\n  %buckets.Properties.Versioning == 'Enabled'\n}\n"
                  "rule s {\n  %buckets empty\n}\n"
                  "rule t {\n  %buckets.Properties.X exists\n  Resources exists\n}\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.16

TEST(Lint, QueryNotEqualQuery) {
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties.X != Resources.B.Properties.X }\n"), Ids{"query-ne-query"});
}

TEST(Lint, QueryNotEqualLiteralOrNotInIsSilent) {
  EXPECT_EQ(idsOf("let v = 'x'\nrule r { Resources.A.Properties.X != %v\n"
                  " Resources.A.Properties.X not in Resources.B.Properties.X }\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.28

TEST(Lint, LiteralOnLeftOfQuery) {
  EXPECT_EQ(idsOf("let env = 'prod'\nrule r { %env == Resources.*.Properties.Tags[*].Value }\n"),
            Ids{"literal-lhs-query"});
}

TEST(Lint, QueryOnLeftOfLiteralIsSilent) {
  EXPECT_EQ(idsOf("let env = 'prod'\nrule r { some Resources.*.Properties.Tags[*].Value == %env\n"
                  " some %env == Resources.*.Properties.Tags[*].Value }\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.3

TEST(Lint, NeverComparable) {
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties.X != null }\n"), Ids{"never-comparable"});
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties.X > true }\n"), Ids{"never-comparable"});
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties.X <= r[1,5] }\n"), Ids{"never-comparable"});
}

TEST(Lint, ComparableLiteralsAreSilent) {
  EXPECT_EQ(idsOf("rule r { Resources.A.Properties.X == null\n Resources.A.Properties.X !is_null\n"
                  " Resources.A.Properties.X > 10\n Resources.A.Properties.X IN r[1,5] }\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.25

TEST(Lint, RegexReplaceWithPartialPattern) {
  EXPECT_EQ(idsOf("let n = regex_replace(Resources.A.Properties.Arn, ':', '/')\nrule r { %n == 'x' }\n"),
            Ids{"regex-replace-drops"});
}

TEST(Lint, RegexReplaceWithWholeStringPatternIsSilent) {
  EXPECT_EQ(idsOf("let n = regex_replace(Resources.A.Properties.Arn, '^arn:(\\w+):(.*)$', '$1/$2')\n"
                  "rule r { %n == 'x' }\n"),
            Ids{});
}

// ---------------------------------------------------------------- §16.26

TEST(Lint, LetWithoutValueSwallowsRule) {
  const auto ws = lintText("let x =\nrule r { A == 1 }\n");
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].id, "let-swallows-keyword");
  EXPECT_EQ(ws[0].where.line, 2u);
}

TEST(Lint, LetWithValueOnNextLineIsSilent) {
  EXPECT_EQ(idsOf("let x =\n  Resources.A\nrule r { %x exists }\n"), Ids{});
}

// ---------------------------------------------------------------- suppression

TEST(Lint, AllowCommentOnSameLineOrLineBefore) {
  EXPECT_EQ(idsOf("rule r {\n  not A == 1  # guardc: allow(not-binary-clause)\n}\n"), Ids{});
  EXPECT_EQ(idsOf("rule r {\n  # guardc: allow(negative-index, not-binary-clause)\n  not A[-1] == 1\n}\n"), Ids{});
}

TEST(Lint, AllowCommentIsPerIdAndPerPlace) {
  EXPECT_EQ(idsOf("rule r {\n  not A == 1  # guardc: allow(negative-index)\n}\n"), Ids{"not-binary-clause"});
  EXPECT_EQ(idsOf("rule r {\n  # guardc: allow(not-binary-clause)\n  B exists\n  not A == 1\n}\n"),
            Ids{"not-binary-clause"});
}

// ---------------------------------------------------------------- the tools layer

TEST(Lint, EveryIdIsKnownAndHasATrap) {
  for (const auto& k : guard::lint::warningKinds()) {
    EXPECT_TRUE(guard::lint::isWarningId(k.id));
    EXPECT_GE(k.trap, 1);
    EXPECT_LE(k.trap, 28);
  }
  EXPECT_FALSE(guard::lint::isWarningId("no-such-warning"));
}

TEST(LintCli, CompileRulesReportsWarningsOnlyWhenEnabled) {
  std::vector<guard::SourceFile> sources{{"t.guard", "dir/t.guard", "rule r {\n  not A == 1\n}\n"}};
  auto quiet = guard::cli::compileRules(sources);
  EXPECT_EQ(quiet.lintWarnings, 0);
  EXPECT_EQ(quiet.diagnostics, "");
  ASSERT_TRUE(quiet.program);

  auto loud = guard::cli::compileRules(sources, guard::cli::LintOptions{true, {}});
  EXPECT_EQ(loud.lintWarnings, 1);
  ASSERT_TRUE(loud.program);  // a warning never stops the compilation
  EXPECT_EQ(loud.diagnostics.rfind("dir/t.guard:2:3: warning: `not` before a binary clause", 0), 0u)
      << loud.diagnostics;
  EXPECT_NE(loud.diagnostics.find("[-Wnot-binary-clause]\n    not A == 1\n    ^\n  fix: "), std::string::npos)
      << loud.diagnostics;

  auto disabled = guard::cli::compileRules(sources, guard::cli::LintOptions{true, {"not-binary-clause"}});
  EXPECT_EQ(disabled.lintWarnings, 0);
  EXPECT_EQ(disabled.diagnostics, "");
}

TEST(LintCli, SourceThatDoesNotParseHasNoLintWarnings) {
  guard::SourceFile bad{"t.guard", "t.guard", "rule r { not A == }\n"};
  EXPECT_EQ(guard::cli::lintSource(bad, guard::cli::LintOptions{true, {}}).count, 0);
}

}  // namespace
