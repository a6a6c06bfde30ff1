// Tests of the compiler's semantic checks (compiler/sema.cpp): rule
// reference cycles are errors with a position; what cfn-guard 3.1.1 only
// reports at evaluation is a warning.
#include <gtest/gtest.h>

#include "compiler/parser.h"
#include "compiler/sema.h"

namespace guard {
namespace {

SemaResult check(const std::string& rules) {
  auto parsed = parseRules(rules, "t.guard");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  if (!parsed.ok()) return {};
  return checkRulesFile(parsed.value(), "t.guard");
}

TEST(Sema, DirectSelfReferenceIsACycle) {
  SemaResult r = check("rule a {\n  a\n}");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].column, 3u);
  EXPECT_NE(r.errors[0].message.find("cycle"), std::string::npos);
}

TEST(Sema, IndirectCycleThroughWhenAndParameterizedRule) {
  SemaResult r = check("rule a when b {\n  X exists\n}\nrule b {\n  p(1)\n}\nrule p(x) {\n  a\n}");
  ASSERT_EQ(r.errors.size(), 1u);
}

TEST(Sema, CycleThroughASecondRuleOfTheSameName) {
  SemaResult r = check("rule a {\n  b\n}\nrule b {\n  X exists\n}\nrule b {\n  a\n}");
  ASSERT_EQ(r.errors.size(), 1u);
}

TEST(Sema, ChainsWithoutCyclesAreFine) {
  SemaResult r = check("rule a {\n  b\n}\nrule b {\n  c\n}\nrule c {\n  X exists\n}\nrule d {\n  a\n  b\n}");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Sema, UnknownNamesAreWarningsOnly) {
  SemaResult r = check("rule a {\n  nope\n  q(1)\n  X == count(Y, Z)\n  X == foo(Y)\n}");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.warnings.size(), 4u);
}

TEST(Sema, ParameterizedArityMismatchIsAWarning) {
  SemaResult r = check("rule p(a, b) {\n  %a == %b\n}\nrule r {\n  p(1)\n}");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].line, 5u);
}

}  // namespace
}  // namespace guard
