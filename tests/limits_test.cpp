// The explicit limits on hostile input (issue 6), each tested on both sides:
// document nesting (runtime/loader.h), data size, YAML aliases, rules nesting
// (compiler/parser.h), registers in one function (compiler/compile.h), regex
// nesting, program size and backtracking budget (runtime/regex.cpp), and
// cycles of named rules (vm/verify.cpp, vm/interp.cpp).
// Run by ctest; docs/reliability.md lists the limits.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "compiler/compile.h"
#include "compiler/parser.h"
#include "runtime/loader.h"
#include "runtime/regex.h"
#include "vm/interp.h"

namespace guard {
namespace {

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// ---------------------------------------------------------------- documents

std::string jsonLists(uint32_t depth) { return repeat("[", depth) + repeat("]", depth); }
std::string yamlBlockLists(uint32_t depth) { return repeat("- ", depth) + "1\n"; }
std::string yamlFlowMaps(uint32_t depth) { return repeat("{a: ", depth) + "1" + repeat("}", depth); }

TEST(LimitDocumentDepth, JsonAtTheLimitLoadsOneMoreIsAnError) {
  EXPECT_TRUE(loadDocument(jsonLists(kMaxDocumentDepth), "d.json").ok());
  auto deep = loadDocument(jsonLists(kMaxDocumentDepth + 1), "d.json");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("Error encountered while parsing data file: d.json"), std::string::npos);
}

TEST(LimitDocumentDepth, YamlBlockAtTheLimitLoadsOneMoreIsAnError) {
  EXPECT_TRUE(loadDocument(yamlBlockLists(kMaxDocumentDepth), "d.yaml").ok());
  auto deep = loadDocument(yamlBlockLists(kMaxDocumentDepth + 1), "d.yaml");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("Error encountered while parsing data file: d.yaml"), std::string::npos);
  EXPECT_EQ(deep.error().line, 1u);  // points at the level that is too deep
}

TEST(LimitDocumentDepth, YamlFlowAtTheLimitLoadsOneMoreIsAnError) {
  EXPECT_TRUE(loadDocument(yamlFlowMaps(kMaxDocumentDepth), "d.yaml").ok());
  EXPECT_FALSE(loadDocument(yamlFlowMaps(kMaxDocumentDepth + 1), "d.yaml").ok());
}

// Far beyond the limit: still an error, and no recursion anywhere to overflow.
TEST(LimitDocumentDepth, HundredThousandLevelsIsAnErrorNotACrash) {
  EXPECT_FALSE(loadDocument(jsonLists(100'000), "d.json").ok());
  EXPECT_FALSE(loadDocument(yamlFlowMaps(100'000), "d.yaml").ok());
}

TEST(LimitDataSize, AtTheLimitPassesOneByteMoreIsAnError) {
  EXPECT_TRUE(checkDataSize(kMaxDataFileBytes, "big.json").ok());
  auto over = checkDataSize(kMaxDataFileBytes + 1, "big.json");
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().message.find("big.json"), std::string::npos);
  EXPECT_NE(over.error().message.find("2 GiB"), std::string::npos);
  EXPECT_EQ(over.error().file, "big.json");
}

// cfn-guard 3.1.1 rejects aliases outright (spec §14.5), which also rules out
// alias bombs ("billion laughs"): nothing is ever expanded.
TEST(LimitYamlAliases, AnchorsWithoutAliasesLoadAnAliasIsAnError) {
  EXPECT_TRUE(loadDocument("a: &x [1, 2]\nb: 3\n", "d.yaml").ok());
  EXPECT_FALSE(loadDocument("a: &x [1, 2]\nb: *x\n", "d.yaml").ok());
  std::string bomb = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    bomb += std::string(1, c) + ": &" + c + " [" + repeat(std::string("*") + char(c - 1) + ", ", 9) + "*" +
            char(c - 1) + "]\n";
  EXPECT_FALSE(loadDocument(bomb, "bomb.yaml").ok());
}

// ---------------------------------------------------------------- rules

// A rule body is one level, so a clause inside it can hold kMaxRuleNesting - 1
// nested list literals or blocks.
std::string nestedLiteral(int depth) {
  return "rule r { A == " + repeat("[", depth) + "1" + repeat("]", depth) + " }";
}
std::string nestedBlocks(int depth) {
  return "rule r {" + repeat(" A {", depth) + " B exists" + repeat(" }", depth) + " }";
}

TEST(LimitRuleNesting, LiteralsAtTheLimitParseOneMoreIsAnError) {
  EXPECT_TRUE(parseRules(nestedLiteral(kMaxRuleNesting - 1), "t.guard").ok());
  auto deep = parseRules(nestedLiteral(kMaxRuleNesting), "t.guard");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("nested too deeply"), std::string::npos) << deep.error().message;
}

TEST(LimitRuleNesting, BlocksAtTheLimitCompileOneMoreIsAnError) {
  EXPECT_TRUE(compileSources({SourceFile{"t.guard", "t.guard", nestedBlocks(kMaxRuleNesting - 1)}}).ok());
  auto deep = parseRules(nestedBlocks(kMaxRuleNesting), "t.guard");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("nested too deeply"), std::string::npos) << deep.error().message;
}

TEST(LimitRuleNesting, HundredThousandLevelsIsAnErrorNotACrash) {
  EXPECT_FALSE(parseRules(nestedLiteral(100'000), "t.guard").ok());
  EXPECT_FALSE(parseRules(nestedBlocks(100'000), "t.guard").ok());
  EXPECT_FALSE(parseRules("rule r { A[" + repeat(" B[", 100'000), "t.guard").ok());
}

// The deepest block nesting the parser accepts also evaluates (the VM's call
// depth limit, kMaxCallDepth, is well above it).
TEST(LimitRuleNesting, DeepestAcceptedBlocksEvaluate) {
  static_assert(vm::kMaxCallDepth > 2 * kMaxRuleNesting);
  auto program = compileSources({SourceFile{"t.guard", "t.guard", nestedBlocks(kMaxRuleNesting - 1)}});
  ASSERT_TRUE(program.ok());
  auto doc = loadDocument("A: {B: 1, A: {B: 2}}", "d.yaml");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(vm::evaluateFile(*program.value(), 0, *doc.value()).ok());
}

// cfn-guard 3.1.1 overflows its stack on a self-referencing rule; here every
// cycle of named rules is a compile error (vm_test checks the run-time guard).
TEST(LimitRuleRecursion, SelfReferenceAndLongCyclesAreCompileErrors) {
  for (const std::string rules : {
           std::string("rule a {\n a\n}"),
           std::string("rule a when b {\n A exists\n}\nrule b {\n a\n}"),
           std::string("rule r0 {\n r1\n}\nrule r1 {\n r2\n}\nrule r2 {\n r3\n}\nrule r3 {\n r0\n}"),
       }) {
    auto compiled = compileSources({SourceFile{"t.guard", "t.guard", rules}});
    ASSERT_FALSE(compiled.ok()) << rules;
    EXPECT_NE(compiled.error().message.find("cycle"), std::string::npos) << compiled.error().message;
  }
  // A chain (no cycle) of the same length is fine.
  EXPECT_TRUE(compileSources({SourceFile{"t.guard", "t.guard",
                                         "rule r0 {\n r1\n}\nrule r1 {\n r2\n}\nrule r2 {\n A exists\n}"}})
                  .ok());
}

// A chain of named rules (no cycle) is as deep as the input makes it: the
// interpreter's call depth limit turns a chain past kMaxCallDepth into an
// evaluation error, and a chain just inside it must not exhaust the stack
// (this runs under ASan in CI, where frames are largest).
std::string ruleChain(uint32_t n) {
  std::string s;
  for (uint32_t i = 0; i + 1 < n; ++i)
    s += "rule r" + std::to_string(i) + " {\n r" + std::to_string(i + 1) + "\n}\n";
  s += "rule r" + std::to_string(n - 1) + " {\n A exists\n}\n";
  return s;
}

Result<vm::FileResult> runChain(uint32_t n) {
  auto program = compileSources({SourceFile{"t.guard", "t.guard", ruleChain(n)}});
  EXPECT_TRUE(program.ok()) << program.error().message;
  if (!program.ok()) return program.error();
  auto doc = loadDocument("A: 1", "d.yaml");
  EXPECT_TRUE(doc.ok());
  return vm::evaluateFile(*program.value(), 0, *doc.value());
}

TEST(LimitCallDepth, LongChainWithinTheLimitEvaluatesBeyondIsAnError) {
  auto inside = runChain(vm::kMaxCallDepth - 1);
  EXPECT_TRUE(inside.ok()) << inside.error().message;
  auto beyond = runChain(vm::kMaxCallDepth);
  ASSERT_FALSE(beyond.ok());
  EXPECT_NE(beyond.error().message.find("nested"), std::string::npos) << beyond.error().message;
}

// ---------------------------------------------------------------- registers

// Each clause's registers and status registers are reused by the next clause
// (and the next alternative of an `or`): the number of clauses in a rule is
// not limited (it was 255, where cfn-guard has no limit).
std::string existsClauses(size_t n, const std::string& joiner) {
  std::string s = "rule r {\n  ";
  for (size_t i = 0; i < n; ++i) s += (i ? joiner : "") + "Resources.A" + std::to_string(i) + " exists";
  return s + "\n}\n";
}

std::string resourcesYaml(size_t n, size_t missing) {
  std::string s = "Resources:\n";
  for (size_t i = 0; i < n; ++i)
    if (i != missing) s += "  A" + std::to_string(i) + ": {Type: X}\n";
  return s;
}

Result<vm::FileResult> evaluateSource(const std::string& rules, const std::string& data) {
  auto program = compileSources({SourceFile{"t.guard", "t.guard", rules}});
  if (!program.ok()) return program.takeError();
  auto doc = loadDocument(data, "d.yaml");
  EXPECT_TRUE(doc.ok());
  if (!doc.ok()) return doc.takeError();
  const auto& f = program.value()->functions;
  for (const auto& fn : f) {
    EXPECT_LE(fn.numRegs, 255u);
    EXPECT_LE(fn.numStatus, 255u);
  }
  return vm::evaluateFile(*program.value(), 0, *doc.value());
}

TEST(LimitRegisters, RuleOfThousandsOfClausesCompilesAndEvaluates) {
  const size_t n = 5000;
  auto pass = evaluateSource(existsClauses(n, "\n  "), resourcesYaml(n, n));
  ASSERT_TRUE(pass.ok()) << pass.error().message;
  EXPECT_EQ(pass->status, vm::Status::Pass);
  auto fail = evaluateSource(existsClauses(n, "\n  "), resourcesYaml(n, 4321));
  ASSERT_TRUE(fail.ok()) << fail.error().message;
  EXPECT_EQ(fail->status, vm::Status::Fail);
  ASSERT_EQ(fail->rules.size(), 1u);
  EXPECT_EQ(fail->rules[0].records.size(), 1u);
}

TEST(LimitRegisters, DisjunctionOfThousandsOfAlternativesCompilesAndEvaluates) {
  const size_t n = 3000;
  // Only the last alternative holds.
  std::string data = "Resources:\n  A" + std::to_string(n - 1) + ": {Type: X}\n";
  auto pass = evaluateSource(existsClauses(n, " or\n  "), data);
  ASSERT_TRUE(pass.ok()) << pass.error().message;
  EXPECT_EQ(pass->status, vm::Status::Pass);
  auto fail = evaluateSource(existsClauses(n, " or\n  "), "Resources:\n  B: {Type: X}\n");
  ASSERT_TRUE(fail.ok()) << fail.error().message;
  EXPECT_EQ(fail->status, vm::Status::Fail);
}

// 300 prefixes that two clauses each share: the compiler shares
// kMaxSharedPrefixRegisters of them and the rest compute their own, with the
// same answers.
TEST(LimitRegisters, MorePrefixesToShareThanRegistersForThem) {
  const size_t n = 300;
  std::string rules = "rule r {\n";
  for (size_t i = 0; i < n; ++i)
    for (const char* key : {"B", "C"})
      rules += "  Resources.A" + std::to_string(i) + ".Properties." + key + " exists\n";
  rules += "}\n";
  auto program = compileSources({SourceFile{"t.guard", "t.guard", rules}});
  ASSERT_TRUE(program.ok()) << program.error().message;
  size_t copies = 0;
  for (const auto& fn : program.value()->functions)
    for (const auto& in : fn.code) copies += in.op == vm::Op::Q_COPY;
  EXPECT_EQ(copies, 2 * kMaxSharedPrefixRegisters);
  std::string data = "Resources:\n";
  for (size_t i = 0; i < n; ++i) data += "  A" + std::to_string(i) + ": {Properties: {B: 1, C: 2}}\n";
  auto pass = evaluateSource(rules, data);
  ASSERT_TRUE(pass.ok()) << pass.error().message;
  EXPECT_EQ(pass->status, vm::Status::Pass);
  // A1 (shared) and A299 (not) lose C.
  for (size_t i : {size_t(1), n - 1}) {
    const std::string a = "  A" + std::to_string(i) + ": {Properties: {B: 1, C: 2}}\n";
    std::string damaged = data;
    damaged.replace(damaged.find(a), a.size(), "  A" + std::to_string(i) + ": {Properties: {B: 1}}\n");
    auto fail = evaluateSource(rules, damaged);
    ASSERT_TRUE(fail.ok()) << fail.error().message;
    EXPECT_EQ(fail->status, vm::Status::Fail);
    ASSERT_EQ(fail->rules[0].records.size(), 1u) << i;
  }
}

// One clause using kMaxFunctionRegisters registers (a parameterized rule's
// arguments) compiles, one more is a clear error, and shared prefixes in the
// same rule do not move the limit.
std::string paramCall(uint32_t args, bool withSharedPrefix) {
  std::string params, values;
  for (uint32_t i = 0; i < args; ++i) {
    params += (i ? ", p" : "p") + std::to_string(i);
    values += i ? ", 1" : "1";
  }
  std::string s = "rule p(" + params + ") {\n  %p0 exists\n}\nrule r {\n";
  if (withSharedPrefix) s += "  Resources.A.Properties.B exists\n  Resources.A.Properties.C exists\n";
  return s + "  p(" + values + ")\n}\n";
}

TEST(LimitRegisters, OneClauseAtTheLimitCompilesOneMoreIsAnError) {
  for (bool shared : {false, true}) {
    auto at = compileSources({SourceFile{"t.guard", "t.guard", paramCall(kMaxFunctionRegisters, shared)}});
    EXPECT_TRUE(at.ok()) << at.error().message;
    auto beyond = compileSources({SourceFile{"t.guard", "t.guard", paramCall(kMaxFunctionRegisters + 1, shared)}});
    ASSERT_FALSE(beyond.ok());
    EXPECT_EQ(beyond.error().kind, ErrorKind::RulesTooComplex);
    EXPECT_NE(beyond.error().message.find("more than " + std::to_string(kMaxFunctionRegisters) + " registers"),
              std::string::npos)
        << beyond.error().message;
    // The clause that needs them: the call, on the rule's last line.
    EXPECT_EQ(beyond.error().line, shared ? 7u : 5u);
    EXPECT_EQ(beyond.error().column, 3u);
  }
}

// ---------------------------------------------------------------- regexes

// fancy-regex's MAX_RECURSION (64): deeper group nesting is an invalid pattern.
TEST(LimitRegex, GroupNestingBelowTheLimitCompilesAtTheLimitIsAnError) {
  EXPECT_TRUE(Regex::compile(repeat("(", 63) + "a" + repeat(")", 63)).ok());
  auto deep = Regex::compile(repeat("(", 64) + "a" + repeat(")", 64));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("nests too deeply"), std::string::npos) << deep.error().message;
}

// Program size: RE2 runs what fits its memory budget, PCRE2 takes larger
// repetitions up to its own compiled-size limit; beyond that, an error.
TEST(LimitRegex, LargeProgramsCompileTooLargeIsAnError) {
  auto big = Regex::compile("(?:a{1000}){100}");
  ASSERT_TRUE(big.ok());
  EXPECT_TRUE(*big.value()->search(repeat("a", 100'000)));
  auto huge = Regex::compile("(?:(?:a{1000}){1000}){10}");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("invalid regular expression"), std::string::npos);
}

// Catastrophic backtracking on the backtracking engine (a look-ahead sends the
// pattern to PCRE2) stops at the match limit with an error, never a hang.
TEST(LimitRegex, BacktrackingWithinBudgetAnswersBeyondIsAnError) {
  auto re = Regex::compile("(?=a)(a+)+$");
  ASSERT_TRUE(re.ok());
  ASSERT_TRUE(re.value()->backtracking());
  auto small = re.value()->search(repeat("a", 10) + "b");
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE(*small);
  auto bomb = re.value()->search(repeat("a", 40) + "b");
  ASSERT_FALSE(bomb.ok());
  EXPECT_NE(bomb.error().message.find("backtracking limit"), std::string::npos) << bomb.error().message;
  // The same pattern without the look-ahead runs on RE2, linear time, no limit needed.
  auto linear = Regex::compile("(a+)+$");
  ASSERT_TRUE(linear.ok());
  EXPECT_FALSE(linear.value()->backtracking());
  auto r = linear.value()->search(repeat("a", 100'000) + "b");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
}

// The regex budget surfaces as an evaluation error of the rule, not a pass.
TEST(LimitRegex, BacktrackingBudgetIsAnEvaluationError) {
  auto program = compileSources({SourceFile{"t.guard", "t.guard", "rule r { A == /(?=a)(a+)+$/ }"}});
  ASSERT_TRUE(program.ok()) << program.error().message;
  auto doc = loadDocument("A: " + repeat("a", 40) + "b\n", "d.yaml");
  ASSERT_TRUE(doc.ok());
  auto r = vm::evaluateFile(*program.value(), 0, *doc.value());
  EXPECT_FALSE(r.ok());
}

// Lazily built engines (packs) accept and refuse exactly the patterns compile
// does, with the same error, so no pattern can fail later, at evaluation.
TEST(LimitRegex, LazyCompileRefusesWhatCompileRefuses) {
  // The last: RE2 refuses the repetition and PCRE2's fallback the span of
  // its caseless classes, which the lazy path once did not check (the regex
  // fuzzer's differential check found it).
  std::string caseless = "(?i)";
  for (int i = 0; i < 16; ++i) caseless += "[\\x{0}-\\x{10FFFF}]";
  caseless += "a{1001}";
  const std::vector<std::string> patterns{"a{70000}",       "a{1001}",     "(unclosed",
                                          "(?=a)(a+)+$",    "^arn:aws:\\w+$", "\\p{Greek}+",
                                          "(?:(?:ab|cd){9999}){9999}", caseless};
  for (const std::string& pattern : patterns) {
    auto eager = Regex::compile(pattern);
    auto lazy = Regex::compileLazy(pattern);
    ASSERT_EQ(eager.ok(), lazy.ok()) << pattern;
    if (!eager.ok()) {
      EXPECT_EQ(eager.error().message, lazy.error().message);
      continue;
    }
    EXPECT_EQ(eager.value()->backtracking(), lazy.value()->backtracking()) << pattern;
    for (const std::string& text : std::vector<std::string>{"", "aaa", "arn:aws:s3", "αβγ", repeat("a", 1001)}) {
      auto x = eager.value()->search(text);
      auto y = lazy.value()->search(text);
      ASSERT_EQ(x.ok(), y.ok()) << pattern;
      if (x.ok()) EXPECT_EQ(*x, *y) << pattern << " on " << text;
    }
  }
}

// Lazy regexes of one pattern share their engine, process-wide: several
// threads building and using them at once all get the same answers, and a
// regex outlives the others of its pattern (the shared entries are weak).
TEST(LimitRegex, LazyRegexesOfOnePatternShareTheirEngineSafely) {
  const std::string pattern = "arn:aws[a-z0-9\\-]*:acm:[a-z0-9\\-]+:\\d{12}:certificate/[\\w\\-]{1,64}";
  const std::string hit = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123";
  std::vector<std::unique_ptr<Regex>> regexes;
  for (int i = 0; i < 8; ++i) {
    auto r = Regex::compileLazy(pattern);
    ASSERT_TRUE(r.ok());
    regexes.push_back(std::move(r.value()));
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) {
        const Regex& re = *regexes[(i + t) % regexes.size()];
        auto yes = re.search(hit);
        auto no = re.search("arn:aws:acm:us-east-1:12345:certificate/x");
        if (!yes.ok() || !*yes || !no.ok() || *no) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  regexes.erase(regexes.begin(), regexes.end() - 1);  // the engine lives on in the last one
  auto last = regexes.back()->search(hit);
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(*last);
  auto fresh = Regex::compileLazy(pattern);  // and a new regex of the pattern finds it again
  ASSERT_TRUE(fresh.ok());
  auto again = fresh.value()->search("certificate");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

}  // namespace
}  // namespace guard
