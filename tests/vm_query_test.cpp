// Tests of query evaluation against cfn-guard 3.1.1's behaviour where it is
// not what spec §6 first said: which candidates a filter sees and in which
// scope its clauses run (differential cases 03 and 24), key interpolation,
// variables followed by parts, and scoping of variables. Compiles rules and
// evaluates them with tests/eval_helpers.h.
#include <string>

#include <gtest/gtest.h>

#include "runtime/value_text.h"
#include "tests/eval_helpers.h"
#include "report/report.h"

namespace guard {
namespace {

// The status of `rule r { <query> !empty }` over `data`.
std::string selects(const std::string& query, const std::string& data) {
  return statusOf("rule r { " + query + " !empty }\n", data);
}

const char* const kItems = R"(Top: 1
Items:
  - a: 1
    m: {a: 1}
  - a: 2
    m: {a: 2}
M:
  x: {a: 1}
  y: {a: 2}
S: [1, 2]
)";

// A filter right after [*] or .* tests a map in the scope the query is in at
// that point: the map itself only when it was a value of a map iterated by .*
// or [name], or of a map filtered after a key; after [*] over a list, the
// enclosing scope (here the document root).
TEST(FilterScope, MapAfterStarOverAListIsTestedInTheEnclosingScope) {
  EXPECT_EQ(selects("Items[*][ Top == 1 ]", kItems), "PASS");
  EXPECT_EQ(selects("Items[*][ a == 1 ]", kItems), "FAIL");
  EXPECT_EQ(selects("Items.*[ Top == 1 ]", kItems), "PASS");  // .* over a list: same
  EXPECT_EQ(selects("Items.*[ a == 1 ]", kItems), "FAIL");
  EXPECT_EQ(selects("Items[k][ Top == 1 ]", kItems), "PASS");
}

TEST(FilterScope, MapAfterStarOverAMapIsTestedOnItself) {
  EXPECT_EQ(selects("M.*[ a == 1 ]", kItems), "PASS");
  EXPECT_EQ(selects("M[k][ a == 1 ]", kItems), "PASS");
  EXPECT_EQ(selects("M[k][ Top == 1 ]", kItems), "FAIL");
}

TEST(FilterScope, StarOnAMapKeepsTheScopeItWasReachedIn) {
  EXPECT_EQ(selects("M[*][ Top == 1 ]", kItems), "PASS");
  EXPECT_EQ(selects("M[*][ a == 1 ]", kItems), "FAIL");
  EXPECT_EQ(selects("Items[*].m[*][ Top == 1 ]", kItems), "PASS");
  EXPECT_EQ(selects("M.x[*][ Top == 1 ]", kItems), "PASS");
}

TEST(FilterScope, TheScopeIsTheNearestValueOfAMapIteratedByDotStar) {
  const char* data = R"(a: 0
Resources:
  R1:
    a: 1
    Properties:
      Tags: [{a: 2}, {a: 3}]
)";
  // Tags[*] elements are tested in the scope of R1 (a: 1), three levels up.
  EXPECT_EQ(selects("Resources.*.Properties.Tags[*][ a == 1 ]", data), "PASS");
  EXPECT_EQ(selects("Resources.*.Properties.Tags[*][ a == 2 ]", data), "FAIL");
  // Without [*] the filter tests each element.
  EXPECT_EQ(selects("Resources.*.Properties.Tags[ a == 2 ]", data), "PASS");
}

TEST(FilterScope, TypeSelectFollowsTheSameScope) {
  const char* data = R"(Type: T
L:
  - Type: U
)";
  EXPECT_EQ(selects("L[*][ Type == 'T' ]", data), "PASS");
  EXPECT_EQ(selects("L[*][ Type == 'U' ]", data), "FAIL");
  EXPECT_EQ(selects("L[ Type == 'U' ]", data), "PASS");
}

// Inside a filter's clauses, a filter after [*] over a map takes the context
// of the innermost rule, block, `when` body or parameterized rule: a filter
// opens no scope of its own in cfn-guard (tests/differential/cases/
// s9-filter-scope-skips-filters).
TEST(FilterScope, AFilterInsideAFilterKeepsTheEnclosingScope) {
  const char* data = "Top: 1\nResources:\n  Role:\n    Inner:\n      Deep: 1\n";
  const char* rules = R"(rule p(x) { this[*][ Top exists ] !empty }
rule root_in_filter { Resources[ Inner[*][ Top exists ] !empty ] !empty }
rule not_the_candidate { Resources.*[ this[*][ Inner exists ] !empty ] !empty }
rule block_scope { Resources { Role[ this[*][ Role exists ] !empty ] !empty } }
rule when_body_scope { Resources[ when Inner exists { this[*][ Inner exists ] !empty } ] !empty }
rule when_condition_scope { Resources[ when this[*][ Top exists ] !empty { Inner exists } ] !empty }
rule param_rule_scope { Resources[ p(1) ] !empty }
)";
  EvalRun run = evaluate(rules, data);
  ASSERT_TRUE(run.ok) << run.error;
  EXPECT_EQ(run.status["root_in_filter"], "PASS");
  EXPECT_EQ(run.status["not_the_candidate"], "FAIL");
  EXPECT_EQ(run.status["block_scope"], "PASS");
  EXPECT_EQ(run.status["when_body_scope"], "PASS");
  EXPECT_EQ(run.status["when_condition_scope"], "PASS");
  EXPECT_EQ(run.status["param_rule_scope"], "FAIL");
}

// cfn-guard evaluates a filter's clauses in a context of the value filtered:
// the elements of a list and the values of a map after a key in the context
// of that list or map (here Role's, whose values `.*` iterated), a map after
// .*, [*] or [name] in the parent of its context; the values of a map
// iterated with `.*` have a context of their own whose parent is the map's.
// Statuses as cfn-guard 3.1.1 gives them (tests/differential/cases/
// s18-filter-in-filter-context-*); before, every such filter took the
// enclosing rule's context (the document root) and the first four FAILed.
TEST(FilterScope, AFilterInAFilterRunsInTheContextOfWhatItFilters) {
  const char* data = R"(Top: 1
Resources:
  Role:
    Mark: 1
    Items:
      - Inner: {Deep: 1}
    Named:
      a: {Inner: {Deep: 1}}
    Sub:
      Subsub:
        Mark2: 1
        Items:
          - Inner: {Deep: 1}
)";
  const char* rules = R"(rule list_elements { Resources.*.Items[ Inner[*][ Mark exists ] !empty ] !empty }
rule map_values { Resources.*.Named[ Inner[*][ Mark exists ] !empty ] !empty }
rule parent_context { Resources.*.Sub.*[ this[*][ Mark exists ] !empty ] !empty }
rule chain_own { Resources.*.Sub.*.Items[ Inner[*][ Mark2 exists ] !empty ] !empty }
rule chain_parent { Resources.*.Sub.*.Items[ Inner[*][ this[*][ Mark exists ] !empty ] !empty ] !empty }
rule not_the_grandparent { Resources.*.Sub.*.Items[ Inner[*][ Mark exists ] !empty ] !empty }
rule then_the_rule { Resources.*.Items[ Inner[*][ this[*][ Top exists ] !empty ] !empty ] !empty }
rule after_a_key { Resources.Role.Items[ Inner[*][ Top exists ] !empty ] !empty }
)";
  EvalRun run = evaluate(rules, data);
  ASSERT_TRUE(run.ok) << run.error;
  EXPECT_EQ(run.status["list_elements"], "PASS");
  EXPECT_EQ(run.status["map_values"], "PASS");
  EXPECT_EQ(run.status["parent_context"], "PASS");
  EXPECT_EQ(run.status["chain_own"], "PASS");
  EXPECT_EQ(run.status["chain_parent"], "PASS");
  EXPECT_EQ(run.status["not_the_grandparent"], "FAIL");
  EXPECT_EQ(run.status["then_the_rule"], "PASS");
  EXPECT_EQ(run.status["after_a_key"], "PASS");
}

TEST(FilterScope, VariableValuesAreTheirOwnScope) {
  const char* rules = R"(let items = Items[*]
let m = M
rule r1 { %items[*][ Top == 1 ] !empty }
rule r2 { %items[*][ a == 1 ] !empty }
rule r3 { %m[*][ Top == 1 ] !empty }
)";
  EvalRun run = evaluate(rules, kItems);
  ASSERT_TRUE(run.ok) << run.error;
  EXPECT_EQ(run.status["r1"], "FAIL");
  EXPECT_EQ(run.status["r2"], "PASS");
  EXPECT_EQ(run.status["r3"], "FAIL");
}

// Scalars are filter candidates only after [*], [name] or a variable.
TEST(FilterCandidates, ScalarNotReachedByStarIsUnresolved) {
  EXPECT_EQ(selects("S[*][ this == 1 ]", kItems), "PASS");
  EXPECT_EQ(selects("S.*[ this == 1 ]", kItems), "FAIL");
  EXPECT_EQ(selects("M.x.*[ this == 1 ]", kItems), "FAIL");
  EXPECT_EQ(selects("S[0][ this == 1 ]", kItems), "FAIL");
  EXPECT_EQ(statusOf("rule r { S[ this > 0 ][ this > 1 ] exists }\n", kItems), "FAIL");
  EXPECT_EQ(statusOf("rule r { S[*] { this[ this > 0 ] exists } }\n", kItems), "FAIL");
  EXPECT_EQ(statusOf("let s = S[*]\nrule r { %s[ this == 1 ] !empty }\n", kItems), "PASS");
}

}  // namespace
}  // namespace guard

namespace guard {
namespace {

const char* const kKeys = R"(P:
  A: [10, 11, 12]
  B: [20, 21, 22]
  C: {x: 1}
S: text
Names: [A, B]
)";

// `.%v` on anything but a map is unresolved without evaluating %v, so an
// unknown or non-string %v is an error only where the query meets a map.
TEST(KeyInterpolation, TheVariableIsEvaluatedOnlyOnAMap) {
  EXPECT_EQ(statusOf("let v = 1\nrule r { S.%v exists }\n", kKeys), "FAIL");
  EXPECT_EQ(statusOf("rule r { Missing.%nosuch exists }\n", kKeys), "FAIL");
  EXPECT_EQ(statusOf("let v = 1\nrule r { P.%v exists }\n", kKeys).rfind("ERROR:", 0), 0u);
  EXPECT_EQ(statusOf("rule r { P.%nosuch exists }\n", kKeys).rfind("ERROR:", 0), 0u);
}

TEST(KeyInterpolation, AnUnresolvedNameGivesAnUnresolvedMember) {
  EXPECT_EQ(statusOf("let v = Missing\nrule r { P.%v exists }\n", kKeys), "FAIL");
  EXPECT_EQ(statusOf("let v = some Missing\nrule r { P.%v exists }\n", kKeys), "SKIP");
  // One unresolved name among resolved ones: a member that fails `exists`.
  const char* data = "P:\n  A: 1\nKeys:\n  a: {Name: A}\n  b: {Other: 1}\n";
  const char* rules = "let v = Keys.*.Name\nrule r { P.%v exists }\nrule r2 { some P.%v exists }\n";
  EvalRun run = evaluate(rules, data);
  ASSERT_TRUE(run.ok) << run.error;
  EXPECT_EQ(run.status["r"], "FAIL");
  EXPECT_EQ(run.status["r2"], "PASS");
}

TEST(KeyInterpolation, StarFilterOrKeysFilterAfterItIsAnError) {
  const std::string let = "let c = 'C'\n";
  EXPECT_EQ(statusOf(let + "rule r { P.%c.* exists }\n", kKeys).rfind("ERROR:", 0), 0u);
  EXPECT_EQ(statusOf(let + "rule r { P.%c[ x == 1 ] exists }\n", kKeys).rfind("ERROR:", 0), 0u);
  EXPECT_EQ(statusOf(let + "rule r { P.%c[ keys == 'x' ] exists }\n", kKeys).rfind("ERROR:", 0), 0u);
  EXPECT_EQ(statusOf(let + "rule r { P.%c.x == 1 }\n", kKeys), "PASS");
  EXPECT_EQ(statusOf(let + "rule r { P.%c[*] exists }\n", kKeys), "PASS");
  EXPECT_EQ(statusOf("let c = 'C'\nlet x = 'x'\nrule r { P.%c.%x == 1 }\n", kKeys), "PASS");
  // Not on a map: unresolved, no error.
  EXPECT_EQ(statusOf(let + "rule r { S.%c.* exists }\n", kKeys), "FAIL");
}

// `.%v[N]`: 3.1.1 picks the N-th member of %v's values, then indexes again.
TEST(KeyInterpolation, IndexAfterItPicksAMemberAndIndexesAgain) {
  const std::string let = "let names = Names\n";
  EXPECT_EQ(statusOf(let + "rule r { P.%names[0] exists }\n", kKeys), "PASS");   // P.A[0], P.B[0]
  EXPECT_EQ(statusOf(let + "rule r { P.%names[0] == 10 }\n", kKeys), "FAIL");    // P.B[0] is 20
  EXPECT_EQ(statusOf(let + "rule r { P.%names[1] exists }\n", kKeys), "FAIL");   // one member only
  EXPECT_EQ(statusOf("let n = Names[*]\nrule r { P.%n[1] == 21 }\n", kKeys), "PASS");  // B, then [1]
}

// A [name] right after a variable is its implicit [*]: it neither iterates
// nor captures.
TEST(VariableParts, CaptureRightAfterAVariableIsSkipped) {
  EXPECT_EQ(statusOf("let n = P\nrule r { %n[x] == 1 }\n", "P:\n  A: 1\n"), "FAIL");
  EXPECT_EQ(statusOf("let n = P\nrule r { %n[x] is_struct }\n", "P:\n  A: 1\n"), "PASS");
}

}  // namespace
}  // namespace guard

namespace guard {
namespace {

// The kinds of the records a FAILing rule kept, in order.
std::string recordKinds(const EvalRun& run, const std::string& rule) {
  std::string kinds;
  for (const auto& rr : run.result.rules) {
    if (run.program->str(run.program->rules[rr.rule].name) != rule) continue;
    for (const vm::Record& r : rr.records) {
      static const char* const names[] = {"Rule", "Disjunction", "Block", "BlockMissing", "BlockEmpty",
                                          "Unary", "Binary", "EmptySet", "RuleRef", "ParamCall",
                                          "When", "KeysCheck", "KeysMiss"};
      kinds += std::string(kinds.empty() ? "" : " ") + names[size_t(r.kind)];
    }
  }
  return kinds;
}

// The keys that the keys-filter checks of `rule` recorded, in record order.
std::string recordedKeys(const EvalRun& run, const std::string& rule) {
  std::string froms;
  for (const auto& rr : run.result.rules) {
    if (run.program->str(run.program->rules[rr.rule].name) != rule) continue;
    for (const vm::Record& r : rr.records)
      if (r.kind == vm::RecKind::KeysCheck && r.from.node) froms += std::string(froms.empty() ? "" : " ") + valueOnly(r.from.node);
  }
  return froms;
}

// cfn-guard resolves a query depth first, so when two steps of one query
// record, a member's later records come before the next member's first ones
// (tests/differential/cases/s10-L3-query-records-depth-first).
TEST(FilterRecords, TwoRecordingStepsRecordMemberByMember) {
  const char* data = "A:\n  Tags: {B: {}, Items: a}\nR:\n  MyBucket: {}\n";
  EvalRun run = evaluate("rule r { Name == this.*[ keys != /^My/ ][ keys != /e/ ] }\n", data);
  ASSERT_TRUE(run.ok) << run.error;
  EXPECT_EQ(recordedKeys(run, "r"), "\"Items\" \"MyBucket\"");
  // One recording step: its members' order.
  EvalRun one = evaluate("rule r { this.*[ keys != /^My|^T/ ] !empty }\n", data);
  ASSERT_TRUE(one.ok) << one.error;
  EXPECT_EQ(recordedKeys(one, "r"), "\"Tags\" \"MyBucket\"");
}

// The checks of a filter over scalars reached by [*] are recorded in the
// enclosing clause, kept when it FAILs (differential case 19).
TEST(FilterRecords, ScalarCandidatesRecordInTheEnclosingClause) {
  const char* data = "Flag: [2, 3]\nOther: 1\n";
  const char* rules = R"(rule u1 { Flag[*][ this == 1 ] !empty }
rule u3 { Flag[*][ this == 2 ] !empty
          Other == 2 }
rule k1 { Flag[*][ this == 1 ] !empty { this == 2 } }
rule k2 { Flag[*][ this == 2 ] { this == 3 } }
rule w1 when Flag[*][ this == 1 ] !empty { Other == 1 }
)";
  EvalRun run = evaluate(rules, data);
  ASSERT_TRUE(run.ok) << run.error;
  EXPECT_EQ(recordKinds(run, "u1"), "Binary Binary EmptySet");
  EXPECT_EQ(recordKinds(run, "u3"), "Binary");  // the passing clause's filter checks are dropped
  EXPECT_EQ(recordKinds(run, "k1"), "Binary Binary");  // no BlockEmpty when the query recorded
  EXPECT_EQ(run.status["w1"], "SKIP");
  EXPECT_EQ(recordKinds(run, "w1"), "");
  // A block whose query recorded nothing reports that it selected nothing;
  // a filter that evaluated a candidate counts as recording (in cfn-guard it
  // does, and those records are not rendered), also when it ran inside the
  // first use of a variable, not in a later use (tests/differential/cases/
  // s7-L3-block-empty-*).
  const char* block = "rule r { M[ a == 5 ] !empty { this == 2 } }\n";
  EvalRun tested = evaluate(block, "M:\n  x: {a: 1}\n");
  ASSERT_TRUE(tested.ok) << tested.error;
  EXPECT_EQ(recordKinds(tested, "r"), "");
  EvalRun none = evaluate(block, "M: {}\n");
  ASSERT_TRUE(none.ok) << none.error;
  EXPECT_EQ(recordKinds(none, "r"), "BlockEmpty");
  EvalRun again = evaluate("rule r { let v = M[ a == 5 ]\n %v !empty { this == 2 }\n %v !empty { this == 2 } }\n",
                           "M:\n  x: {a: 1}\n");
  ASSERT_TRUE(again.ok) << again.error;
  EXPECT_EQ(recordKinds(again, "r"), "BlockEmpty");
}

}  // namespace
}  // namespace guard

namespace guard {
namespace {

// Names a parameterized rule does not declare are looked up where it was
// called (differential case 25), through callers that are themselves
// parameterized, before the file's lets.
TEST(VariableScopes, ParameterizedRulesSeeTheirCallersVariables) {
  const char* rules = R"(let y = 0
rule inner(x) { %x == %y }
rule mid(a) {
  let y = 2
  inner(%a)
}
rule outer(doc) { inner2(A) }
rule inner2(x) { %x == %doc }
rule r1 { let y = 1
  inner(A) }
rule r2 { inner(A) }
rule r3 { mid(B) }
rule r4 { A { let y = 1
  inner(this) } }
rule r5 { outer(1) }
)";
  EvalRun run = evaluate(rules, "A: 1\nB: 2\n");
  ASSERT_TRUE(run.ok) << run.error;
  EXPECT_EQ(run.status["r1"], "PASS");  // the caller's let y = 1
  EXPECT_EQ(run.status["r2"], "FAIL");  // the file's let y = 0
  EXPECT_EQ(run.status["r3"], "PASS");  // mid's let y = 2
  EXPECT_EQ(run.status["r4"], "PASS");  // a block's let in the caller
  EXPECT_EQ(run.status["r5"], "PASS");  // outer's parameter doc
  EXPECT_EQ(statusOf("rule bad(x) { %x == %nosuch }\nrule r { bad(A) }\n", "A: 1\n").rfind("ERROR:", 0), 0u);
}

// A capture exists only once its query captured a key: before that (or when
// it captured none) the name means the same name further out, or nothing
// (differential case 22).
TEST(VariableScopes, ACaptureExistsOnlyOnceItCapturedAKey) {
  const char* data = "Resources:\n  b1: {Type: X}\nEmpty: {}\n";
  EXPECT_EQ(statusOf("let n = Resources\nrule r {\n  let v = Resources[n]\n  %n is_list\n}\n", data), "FAIL");
  EXPECT_EQ(statusOf("let n = 1\nrule r {\n  let v = Empty[n]\n  %v empty\n  %n == 1\n}\n", data), "PASS");
  EXPECT_EQ(statusOf("rule r {\n  let v = Empty[n]\n  %n exists\n}\n", data).rfind("ERROR:", 0), 0u);
  EXPECT_EQ(statusOf("rule r {\n  let v = Resources[n]\n  %v exists\n  %n == 'b1'\n}\n", data), "PASS");
}

}  // namespace
}  // namespace guard

namespace guard {
namespace {

// `[ name ]` is cfn-guard's .* with a capture, `[name]` its [*] with one:
// only the latter is the implicit [*] after a variable, and only after it is
// a scalar a filter candidate. A keys filter's capture is never bound.
TEST(Captures, SpacedAndUnspacedCapturesAreDifferentParts) {
  const char* data = "A: {b: 1}\nL: [1, 2]\nE: {}\n";
  EXPECT_EQ(statusOf("let p = E\nrule r { E == %p[v] }\n", data), "PASS");    // %p[v] is %p
  EXPECT_EQ(statusOf("let p = E\nrule r { E == %p[ v ] }\n", data), "FAIL");  // .* over {}
  EXPECT_EQ(statusOf("rule r { L[v][ this == 1 ] !empty }\n", data), "PASS");
  EXPECT_EQ(statusOf("rule r { L[ v ][ this == 1 ] !empty }\n", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { A[ v | keys == 'b' ] exists\n %v exists }\n", data).rfind("ERROR:", 0), 0u);
}

TEST(Captures, ACapturedKeyStandsAtItsMapsPath) {
  EvalRun run = evaluate("rule r { Size[ v1 ] exists\n %v1.A == 'x' }\n", "Size:\n  Items: {}\n");
  ASSERT_TRUE(run.ok) << run.error;
  ASSERT_EQ(run.status["r"], "FAIL");
  ASSERT_EQ(run.result.rules.size(), 1u);
  const auto& records = run.result.rules[0].records;
  ASSERT_FALSE(records.empty());
  const Node* key = records.back().from.node;
  ASSERT_NE(key, nullptr);
  ASSERT_NE(key->parent, nullptr);  // /Size, not ""
  EXPECT_EQ(key->text(), "Items");
}

}  // namespace
}  // namespace guard

namespace guard {
namespace {

// cfn-guard keeps a capture's keys in the file's scope: any rule or block
// evaluated after it sees them; a literal let of the same name is looked up
// first, and a query let's value gets the keys appended once it was evaluated
// (or is replaced by them if it was not).
TEST(Captures, CapturesLiveInTheFilesScope) {
  const char* data = "A:\n  x: 1\n  y: 2\nB:\n  z: 3\n";
  EvalRun run = evaluate("rule r1 { A[k] exists }\nrule r2 { %k == /x|y/ }\n", data);
  ASSERT_TRUE(run.ok) << run.error;
  EXPECT_EQ(run.status["r2"], "PASS");
  EXPECT_EQ(statusOf("rule r { A { this[k] exists }\n %k == /x|y/ }\n", data), "PASS");
  EXPECT_EQ(statusOf("let k = 5\nrule r { A[k] exists\n %k == 5 }\n", data), "PASS");
  EXPECT_EQ(statusOf("rule r { let k = 7\n A[k] exists\n %k == 7 }\n", data), "PASS");
  EXPECT_EQ(statusOf("let k = B.z\nrule r { A[k] exists\n %k == /x|y/ }\n", data), "PASS");
  EXPECT_EQ(statusOf("let k = B.z\nrule r { %k == 3\n A[k] exists\n %k == /x|y/ }\n", data), "FAIL");
  EXPECT_EQ(statusOf("rule r { A[k] exists\n let c = count(%k)\n %c == 2 }\n", data), "PASS");
  EXPECT_EQ(statusOf("rule r2 { %k exists }\nrule r1 { A[k] exists }\n", data).rfind("ERROR:", 0), 0u);
}

}  // namespace
}  // namespace guard

namespace guard {
namespace {

// A step after a variable bound to a literal makes a resolved member, as in
// cfn-guard: `%v[*][*] in Missing` is then a comparison of two queries and
// also reports the left value as not found (found by tools/difftest).
TEST(VariableParts, AStepAfterALiteralVariableMakesAResolvedMember) {
  const char* rules = "let v1 = 1\nrule a { %v1 in Resources.Prod1 }\nrule c { %v1[*][*] in Resources.Prod1 }\n";
  EvalRun run = evaluate(rules, "Resources: {}\n");
  ASSERT_TRUE(run.ok) << run.error;
  ASSERT_EQ(run.status["a"], "FAIL");
  ASSERT_EQ(run.status["c"], "FAIL");
  size_t a = 0, c = 0;
  for (const auto& rr : run.result.rules)
    (run.program->str(run.program->rules[rr.rule].name) == "a" ? a : c) = rr.records.size();
  EXPECT_EQ(a, 1u);  // only the unresolved right-hand side
  EXPECT_EQ(c, 2u);  // and the resolved left value, not in []
}

}  // namespace
}  // namespace guard
