// Tests of compiler/parser.cpp: the lexical quirks of spec §3, every grammar
// construct of §4 (checked through a compact rendering of the AST), error
// positions, the nesting limit, and two corpus sweeps: every conformance case
// must parse exactly when cfn-guard parsed it (expected.json exit != 5, with
// the same error line/column when it did not), and every AWS registry rules
// file must parse.
#include "compiler/parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace guard {
namespace {

namespace fs = std::filesystem;
using namespace ast;

// ------------------------------------------------------------------ rendering
// A compact, unambiguous text form of the AST so tests can state shapes in
// one line. Clauses in a disjunction are joined by " or ", conjuncts by "; ".

std::string render(const Literal& l);
std::string render(const Query& q);
std::string render(const Conjunction& c);
std::string render(const Block& b);
std::string render(const Expr& e);

std::string render(const Literal& l) {
  switch (l.kind) {
    case LitKind::Null:
      return "null";
    case LitKind::Bool:
      return l.b ? "true" : "false";
    case LitKind::Int:
      return std::to_string(l.i);
    case LitKind::Float: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%gf", l.f);
      return buf;
    }
    case LitKind::String:
      return "'" + l.s + "'";
    case LitKind::Regex:
      return "/" + l.s + "/";
    case LitKind::Char:
      return "c" + std::to_string(l.ch);
    case LitKind::RangeInt:
      return std::string("r") + (l.loInclusive ? "[" : "(") + std::to_string(l.loInt) + "," +
             std::to_string(l.hiInt) + (l.hiInclusive ? "]" : ")");
    case LitKind::RangeFloat: {
      char buf[96];
      std::snprintf(buf, sizeof buf, "r%c%g,%g%c", l.loInclusive ? '[' : '(', l.loFloat, l.hiFloat,
                    l.hiInclusive ? ']' : ')');
      return buf;
    }
    case LitKind::RangeChar:
      return std::string("r") + (l.loInclusive ? "[" : "(") + std::to_string(l.loChar) + "c," +
             std::to_string(l.hiChar) + "c" + (l.hiInclusive ? "]" : ")");
    case LitKind::List: {
      std::string s = "[";
      for (size_t i = 0; i < l.items.size(); ++i) s += (i ? ", " : "") + render(l.items[i]);
      return s + "]";
    }
    case LitKind::Map: {
      std::string s = "{";
      for (size_t i = 0; i < l.entries.size(); ++i)
        s += (i ? ", " : "") + l.entries[i].first + ": " + render(l.entries[i].second);
      return s + "}";
    }
  }
  return "?";
}

std::string opText(CmpOp op, bool negated) {
  static const char* kNames[] = {
      "exists",  "empty", "is_string", "is_list", "is_struct", "is_bool", "is_int", "is_float",
      "is_null", "==",    "in",        ">",       ">=",        "<",       "<="};
  std::string s = kNames[static_cast<int>(op)];
  if (!negated) return s;
  return s == "==" ? "!=" : "!" + s;
}

std::string render(const QueryPart& p, bool first) {
  switch (p.kind) {
    case PartKind::This:
      return "this";
    case PartKind::Variable:
      return "%" + p.name;
    case PartKind::Key: {
      std::string k = p.quoted ? "'" + p.name + "'" : p.name;
      return first ? k : "." + k;
    }
    case PartKind::Index:
      return "[" + std::to_string(p.index) + "]";
    case PartKind::AllValues:
      return ".*";
    case PartKind::AllIndices:
      return "[*]";
    case PartKind::KeyCapture:
      return "[" + p.name + "]";
    case PartKind::Filter:
      return "[" + (p.name.empty() ? "" : p.name + "| ") + render(*p.filter) + "]";
    case PartKind::KeysFilter:
      return "[" + (p.name.empty() ? "" : p.name + "| ") + "keys " +
             opText(p.keysOp, p.keysNegated) + " " + render(*p.keysRhs) + "]";
    case PartKind::Interpolate:
      return ".%" + p.name;
  }
  return "?";
}

std::string render(const Query& q) {
  std::string s = q.some ? "some " : "";
  for (size_t i = 0; i < q.parts.size(); ++i) s += render(q.parts[i], i == 0);
  return s;
}

std::string render(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Literal:
      return render(e.literal);
    case ExprKind::Query:
      return render(e.query);
    case ExprKind::Call: {
      std::string s = e.callee + "(";
      for (size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + render(e.args[i]);
      return s + ")";
    }
  }
  return "?";
}

std::string render(const Clause& c) {
  std::string neg = c.negated ? "not " : "";
  std::string msg = c.message ? " <<" + *c.message + ">>" : "";
  switch (c.kind) {
    case ClauseKind::Access:
      return neg + render(c.query) + " " + opText(c.op, c.opNegated) +
             (c.rhs ? " " + render(*c.rhs) : "") + msg;
    case ClauseKind::Block:
      return "block " + render(c.query) + (c.notEmpty ? " !empty " : " ") + render(*c.body);
    case ClauseKind::When:
      return "when " + render(*c.conditions) + " " + render(*c.body);
    case ClauseKind::RuleRef:
      return "ref " + neg + c.name + msg;
    case ClauseKind::ParamCall: {
      std::string s = "call " + neg + c.name + "(";
      for (size_t i = 0; i < c.args.size(); ++i) s += (i ? ", " : "") + render(c.args[i]);
      return s + ")" + msg;
    }
    case ClauseKind::TypeBlock:
      return "type " + c.name + (c.conditions ? " when " + render(*c.conditions) : "") + " " +
             render(*c.body);
  }
  return "?";
}

std::string render(const Conjunction& c) {
  std::string s;
  for (size_t i = 0; i < c.items.size(); ++i) {
    if (i) s += "; ";
    for (size_t j = 0; j < c.items[i].size(); ++j) s += (j ? " or " : "") + render(c.items[i][j]);
  }
  return s;
}

std::string render(const LetStmt& l) { return "let " + l.name + " = " + render(l.value); }

std::string render(const Block& b) {
  std::string s = "{";
  for (const auto& l : b.lets) s += render(l) + "; ";
  return s + render(b.body) + "}";
}

std::string render(const Rule& r) {
  std::string s = "rule " + r.name;
  if (r.parameterized) {
    s += "(";
    for (size_t i = 0; i < r.params.size(); ++i) s += (i ? ", " : "") + r.params[i];
    s += ")";
  }
  if (r.when) s += " when " + render(*r.when);
  return s + " " + render(r.body);
}

// The whole file: lets, rules, then `default: <cnf>` if there is a default rule.
std::string render(const RulesFile& f) {
  std::vector<std::string> parts;
  for (const auto& l : f.lets) parts.push_back(render(l));
  for (const auto& r : f.rules) parts.push_back(render(r));
  if (!f.defaultRule.items.empty()) parts.push_back("default: " + render(f.defaultRule));
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? " | " : "") + parts[i];
  return s;
}

// ------------------------------------------------------------------ helpers

RulesFile parseOk(const std::string& src) {
  auto r = parseRules(src, "rules.guard");
  EXPECT_TRUE(r.ok()) << "should parse:\n"
                      << src << "\nerror: "
                      << (r.ok() ? ""
                                 : std::to_string(r.error().line) + ":" +
                                       std::to_string(r.error().column) + " " + r.error().message);
  return r.ok() ? std::move(r.value()) : RulesFile{};
}

std::string shape(const std::string& src) { return render(parseOk(src)); }

// The body of the single rule `r` in "rule r { <body> }" form.
std::string body(const std::string& clauses) {
  RulesFile f = parseOk("rule r {\n" + clauses + "\n}\n");
  return f.rules.empty() ? "<no rule>" : render(f.rules[0].body.body);
}

Error parseErr(const std::string& src) {
  auto r = parseRules(src, "rules.guard");
  EXPECT_FALSE(r.ok()) << "should not parse:\n" << src << "\nAST: " << (r.ok() ? render(*r) : "");
  return r.ok() ? Error{} : r.error();
}

bool parses(const std::string& src) { return parseRules(src, "rules.guard").ok(); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ================================================================== §3 lexical

TEST(ParserLexical, EmptyAndCommentOnlyFiles) {
  for (const char* src : {"", "   \n\t\r\n", "# only a comment", "# a\n\n   # b\n"}) {
    RulesFile f = parseOk(src);
    EXPECT_TRUE(f.empty) << src;
    EXPECT_TRUE(f.rules.empty() && f.lets.empty() && f.defaultRule.items.empty());
  }
  EXPECT_FALSE(parseOk("let x = 1").empty);
  EXPECT_EQ(parseOk("A exists").name, "rules.guard");
  EXPECT_EQ(parseRules("A exists", "dir/sub/my.guard")->name, "my.guard");
}

TEST(ParserLexical, CommentsEverywhere) {
  EXPECT_EQ(shape("# head\nrule r # after name\n{ # after brace\n"
                  "  A # before dot\n  .B # before bracket\n  [*] == # after op\n 1 # end\n}"),
            "rule r {A.B[*] == 1}");
  EXPECT_EQ(body("A IN [ # c\n 1, # d\n 2 ]"), "A in [1, 2]");
  EXPECT_EQ(body("let # c\n x = 1\n %x == 1"), "%x == 1");
}

TEST(ParserLexical, CrlfLineEndings) {
  EXPECT_EQ(shape("rule a {\r\n  A == 1\r\n}\r\nrule b {\r\n  a\r\n}\r\n"),
            "rule a {A == 1} | rule b {ref a}");
}

TEST(ParserLexical, ClausesOnOneLineAreAConjunction) {
  EXPECT_EQ(body("A == 1 B == 2"), "A == 1; B == 2");
}

TEST(ParserLexical, Identifiers) {
  EXPECT_EQ(body("Ab_9.c_D == 1"), "Ab_9.c_D == 1");
  EXPECT_EQ(body("Caf\xC3\xA9.na\xC3\xAFve exists"), "Caf\xC3\xA9.na\xC3\xAFve exists");
  EXPECT_FALSE(parses("let _x = 2\nrule r { Foo == %_x }"));
  EXPECT_FALSE(parses("rule r { Properties.bucket-name == 'x' }"));
  EXPECT_FALSE(parses("rule r { \xC3\xA9t\xC3\xA9 exists }"));  // first char must be ASCII
  EXPECT_EQ(body("Properties.'bucket-name' == 'x'"), "Properties.'bucket-name' == 'x'");
  EXPECT_EQ(body("Properties.\"a b\" == 'x'"), "Properties.'a b' == 'x'");
  EXPECT_EQ(body("'Fn::GetAtt'[0] exists"), "'Fn::GetAtt'[0] exists");
}

TEST(ParserLexical, KeywordSpellings) {
  EXPECT_FALSE(parses("RULE r { A == 1 }"));
  EXPECT_FALSE(parses("Rule r { A == 1 }"));
  EXPECT_FALSE(parses("rule r { S Exists }"));
  EXPECT_EQ(body("A EXISTS\nB NOT EXISTS\nC IS_STRING\nD NOT IN [1]\nE EMPTY"),
            "A exists; B !exists; C is_string; D !in [1]; E empty");
  EXPECT_EQ(body("A is_list\nB is_struct\nC is_bool\nD is_int\nE is_float\nF is_null"),
            "A is_list; B is_struct; C is_bool; D is_int; E is_float; F is_null");
  EXPECT_EQ(body("A IS_LIST\nB IS_STRUCT\nC IS_BOOL\nD IS_INT\nE IS_FLOAT\nF IS_NULL"),
            "A is_list; B is_struct; C is_bool; D is_int; E is_float; F is_null");
  EXPECT_EQ(shape("rule r WHEN A exists { B exists }"), "rule r when A exists {B exists}");
  EXPECT_EQ(body("SOME A[*] == 1\nTHIS.b == 1"), "some A[*] == 1; this.b == 1");
  EXPECT_EQ(body("A == 1 OR B == 2\nC == 1 |OR| D == 2"), "A == 1 or B == 2; C == 1 or D == 2");
  EXPECT_FALSE(parses("rule r { A == 1 and B == 2 }"));
}

TEST(ParserLexical, Strings) {
  EXPECT_EQ(body("A == 'it\\'s'"), "A == 'it's'");
  EXPECT_EQ(body("A == \"say \\\"hi\\\"\""), "A == 'say \"hi\"'");
  EXPECT_EQ(body("A == 'a\\nb'"), "A == 'a\\nb'");  // backslash kept literally
  EXPECT_FALSE(parses("rule r { A == '\\\\' }"));   // '\\' is not one backslash: unterminated
  EXPECT_EQ(body("A == \"it's\"\nB == 'say \"x\"'"), "A == 'it's'; B == 'say \"x\"'");
  EXPECT_EQ(body("A == 'multi\nline'"), "A == 'multi\nline'");
  EXPECT_EQ(body("A == '\xE2\x9C\x93 ok'"), "A == '\xE2\x9C\x93 ok'");
  EXPECT_FALSE(parses("rule r { A == 'abc }"));
  EXPECT_FALSE(parses("rule r { A == 'abc\\"));
}

TEST(ParserLexical, Numbers) {
  EXPECT_EQ(body("A == 10\nB == -3\nC == 10.0\nD == 1.5e+3\nE == 2E-2\nF == 0"),
            "A == 10; B == -3; C == 10f; D == 1500f; E == 0.02f; F == 0");
  EXPECT_EQ(body("A == 9223372036854775807"), "A == 9223372036854775807");
  // nom's `double` reads an unsigned exponent once a fraction made it a float.
  EXPECT_EQ(body("A == 1.5e3"), "A == 1500f");
  EXPECT_FALSE(parses("rule r { T == 1e3 }"));
  EXPECT_FALSE(parses("rule r { T == -1.5 }"));
  EXPECT_FALSE(parses("rule r { T == .5 }"));
  EXPECT_FALSE(parses("rule r { T == 5. }"));
  EXPECT_FALSE(parses("rule r { A == 99999999999999999999 }"));
  EXPECT_FALSE(parses("rule r { A == -9223372036854775808 }"));
  EXPECT_FALSE(parses("rule r { A == 1.5e }"));
  // As in 3.1.1, `1e3` at the end of a line reads as `1` plus a reference to
  // a rule named `e3` (an evaluation error later, not a parse error).
  EXPECT_EQ(body("T == 1e3"), "T == 1; ref e3");
}

TEST(ParserLexical, BooleansAndNull) {
  EXPECT_EQ(body("A == true\nB == True\nC == false\nD == False\nE == null\nF == NULL"),
            "A == true; B == true; C == false; D == false; E == null; F == null");
  EXPECT_EQ(body("A == TRUE"), "A == TRUE");  // not a keyword: a query
}

TEST(ParserLexical, Regex) {
  EXPECT_EQ(body("A == /^ab+c$/"), "A == /^ab+c$/");
  EXPECT_EQ(body("A == /^\\/dev\\/sd[a-z]$/"), "A == /^/dev/sd[a-z]$/");
  EXPECT_EQ(body("A == /\\d+\\.\\x2F/"), "A == /\\d+\\.\\x2F/");
  EXPECT_EQ(body("A != /(?i)public/"), "A != /(?i)public/");
  EXPECT_FALSE(parses("rule r { Name == // }"));
  EXPECT_FALSE(parses("rule r { Path == /^registry\\// }"));
  EXPECT_FALSE(parses("rule r { Name == /([a-z/ }"));
  EXPECT_FALSE(parses("rule r { Name == /abc"));
}

TEST(ParserLexical, Ranges) {
  EXPECT_EQ(body("A IN r[50,200)\nB IN r(1, 2]\nC IN r[ -5 , -1 ]"),
            "A in r[50,200); B in r(1,2]; C in r[-5,-1]");
  EXPECT_EQ(body("A IN r(0.5,1.5)"), "A in r(0.5,1.5)");
  EXPECT_EQ(body("A IN r[a,e]"), "A in r[97c,101c]");
  EXPECT_FALSE(parses("rule r { Size IN r[1, 2.5] }"));
  EXPECT_FALSE(parses("rule r { Size IN r[1, x] }"));
  EXPECT_EQ(body("A == rx"), "A == rx");  // not a range: a query
}

TEST(ParserLexical, ListsAndMaps) {
  EXPECT_EQ(body("A IN []\nB IN [ ]\nC IN [1, 'x', [true, null], /r/]"),
            "A in []; B in []; C in [1, 'x', [true, null], /r/]");
  EXPECT_EQ(body("A == {a: 1, 'b-c': [2], \"d e\": {f: null}}"),
            "A == {a: 1, b-c: [2], d e: {f: null}}");
  EXPECT_EQ(body("A == {}\nB == { k-1_x : 'v' }"), "A == {}; B == {k-1_x: 'v'}");
  EXPECT_EQ(body("A == {a: 1, a: 2}"), "A == {a: 2}");
  EXPECT_FALSE(parses("rule r { A IN ['x', 'y',] }"));
  EXPECT_FALSE(parses("let a = 1\nrule r { A IN [%a, 2] }"));
  EXPECT_FALSE(parses("rule r { A IN [count(B)] }"));
  EXPECT_FALSE(parses("rule r { A == {a 1} }"));
}

TEST(ParserLexical, CustomMessages) {
  EXPECT_EQ(body("A IN r[1,2] <<size must be small>>"), "A in r[1,2] <<size must be small>>");
  EXPECT_EQ(body("A exists <<need A>>\nB !empty\n<<\n  multi\n>>"),
            "A exists <<need A>>; B !empty <<\n  multi\n>>");
  EXPECT_EQ(body("A == B <<x > y >>"), "A == B <<x > y >>");
  EXPECT_EQ(body("A < 1 <<lt>>"), "A < 1 <<lt>>");
  EXPECT_EQ(body("A exists <<a >> b exists"), "A exists <<a >>; b exists");
  EXPECT_FALSE(parses("rule r {\n  A == 1 <<A must be 1\n}"));
  EXPECT_FALSE(parses("rule r { A << 1 }"));  // `<<` is not less-than
  EXPECT_EQ(body("A <<x>>"), "ref A <<x>>");  // ...so this is a rule reference
  // A message is text, not a token stream: keywords inside are inert.
  EXPECT_EQ(body("A exists <<rule x { } when>>"), "A exists <<rule x { } when>>");
}

TEST(ParserLexical, KeywordPrefixPitfalls) {
  EXPECT_FALSE(parses("rule r { A == nullable }"));
  EXPECT_FALSE(parses("rule r { A == trueValue }"));
  EXPECT_FALSE(parses("rule r { thisKey == 1 }"));
  EXPECT_FALSE(parses("rule r {\n  whenReady == true\n}"));
  EXPECT_FALSE(parses("rule r { A existsX }"));
  EXPECT_EQ(body("something == 1\nnotFoo == 2\nletter == 3\nruleset == 4\nsome2 exists"),
            "something == 1; notFoo == 2; letter == 3; ruleset == 4; some2 exists");
  EXPECT_EQ(body("A == this.nullable"), "A == this.nullable");
  EXPECT_EQ(body("A == 'nullable'"), "A == 'nullable'");
  EXPECT_EQ(shape("ruleset exists"), "default: ruleset exists");
  EXPECT_EQ(shape("letter exists"), "default: letter exists");
  // `organization` does not start an `or` join.
  EXPECT_EQ(body("A exists\norganization exists"), "A exists; organization exists");
}

// ================================================================== §4 grammar

TEST(ParserFile, TopLevelItemsMapToTheRightPlaces) {
  RulesFile f = parseOk(
      "let a = 1\n"
      "A exists\n"
      "rule r { B exists }\n"
      "let b := Resources.*\n"
      "AWS::S3::Bucket { C exists } or AWS::SQS::Queue D exists\n"
      "rule p(x, y) { %x == %y }\n"
      "when E exists { F exists }\n"
      "G == 1 or H == 2\n");
  EXPECT_EQ(
      render(f),
      "let a = 1 | let b = Resources.* | rule r {B exists} | rule p(x, y) {%x == %y} | "
      "default: A exists; type AWS::S3::Bucket {C exists} or type AWS::SQS::Queue {D exists}; "
      "when E exists {F exists}; G == 1 or H == 2");
  EXPECT_FALSE(f.rules[0].parameterized);
  EXPECT_TRUE(f.rules[1].parameterized);
}

TEST(ParserFile, RulesWithWhenConditions) {
  EXPECT_EQ(
      shape("rule r when A exists\n  B == 1 or C == 2\n  other\n  not x or y(1)\n{ D exists }"),
      "rule r when A exists; B == 1 or C == 2; ref other; ref not x or call y(1) "
      "{D exists}");
  EXPECT_EQ(shape("rule r when a { B exists }"), "rule r when ref a {B exists}");
  EXPECT_EQ(shape("rule r when %v !empty\n{\n  B exists\n}"), "rule r when %v !empty {B exists}");
  EXPECT_FALSE(parses("rule r when { A exists }"));
  EXPECT_FALSE(parses("rule r when A exists"));
  EXPECT_FALSE(parses("rule r whenA exists { B exists }"));
}

TEST(ParserFile, RuleBodies) {
  EXPECT_EQ(body("let x = 1\n%x == 1"), "%x == 1");
  RulesFile f = parseOk("rule r {\n let x = 1\n let y = A.B\n}");
  ASSERT_EQ(f.rules.size(), 1u);
  EXPECT_EQ(f.rules[0].body.lets.size(), 2u);
  EXPECT_TRUE(f.rules[0].body.body.items.empty());  // let-only body is fine
  EXPECT_FALSE(parses("rule r { }"));
  EXPECT_FALSE(parses("rule r {\n  A == 1\n"));
  EXPECT_FALSE(parses("rule { A == 1 }"));
  EXPECT_FALSE(parses("rule r"));
  EXPECT_FALSE(parses("rule good { A == 1 }\nrule bad { A === 1 }"));
  EXPECT_EQ(shape("rule\nr\n{\nA exists\n}"), "rule r {A exists}");
  EXPECT_EQ(shape("rule r {A exists} rule s {B exists}"), "rule r {A exists} | rule s {B exists}");
}

TEST(ParserFile, LetStatements) {
  EXPECT_EQ(shape("let a = 1\nlet b := 'x'\nlet c = [1, 2]\nlet d = Resources.*[ Type == 'T' ]\n"
                  "let e = count(Resources.*)\nlet f = some A[*].B\nlet g = this\nlet h = %d.Name"),
            "let a = 1 | let b = 'x' | let c = [1, 2] | let d = Resources.*[Type == 'T'] | "
            "let e = count(Resources.*) | let f = some A[*].B | let g = this | let h = %d.Name");
  EXPECT_FALSE(parses("let x exists"));
  EXPECT_FALSE(parses("let x == 1"));
  EXPECT_FALSE(parses("let x ="));
  // A missing value takes the next word as a query (spec §16 item 26).
  EXPECT_EQ(body("let x =\nFoo exists"), "ref exists");
  RulesFile f = parseOk("rule r {\nlet x =\nFoo exists\n}");
  ASSERT_EQ(f.rules[0].body.lets.size(), 1u);
  EXPECT_EQ(render(f.rules[0].body.lets[0]), "let x = Foo");
}

TEST(ParserFile, ParameterizedRules) {
  EXPECT_EQ(shape("rule p(a) { %a exists }"), "rule p(a) {%a exists}");
  EXPECT_EQ(shape("rule p( a ,\n b ) { %a == %b }"), "rule p(a, b) {%a == %b}");
  EXPECT_FALSE(parses("rule p(x) when A == 1 { %x == 1 }"));
  EXPECT_FALSE(parses("rule p (x) { %x == 1 }"));
  EXPECT_FALSE(parses("rule p() { A exists }"));
  EXPECT_FALSE(parses("rule p(x,) { A exists }"));
  EXPECT_FALSE(parses("rule p(x y) { A exists }"));
}

TEST(ParserClauses, Operators) {
  EXPECT_EQ(body("A == 1\nA != 1\nA > 1\nA >= 1\nA < 1\nA <= 1\nA in [1]\nA IN [1]\n"
                 "A not in [1]\nA NOT IN [1]\nA !in [1]"),
            "A == 1; A != 1; A > 1; A >= 1; A < 1; A <= 1; A in [1]; A in [1]; A !in [1]; "
            "A !in [1]; A !in [1]");
  EXPECT_EQ(body("A==1\nB>=C\nD<E"), "A == 1; B >= C; D < E");
  EXPECT_EQ(body("A exists\nA !exists\nA not exists\nA !empty\nA not  empty\nA !is_int"),
            "A exists; A !exists; A !exists; A !empty; A !empty; A !is_int");
  EXPECT_FALSE(parses("rule r { V ! exists }"));
  EXPECT_FALSE(parses("rule r { V notexists }"));
  EXPECT_FALSE(parses("rule r { A =~ 1 }"));
  EXPECT_FALSE(parses("rule r { A == }"));
  EXPECT_FALSE(parses("rule r { 5 == Foo }"));
}

TEST(ParserClauses, OperatorAstFields) {
  RulesFile f = parseOk("rule r { A not in [1] }");
  const Clause& c = f.rules[0].body.body.items[0][0];
  EXPECT_EQ(c.kind, ClauseKind::Access);
  EXPECT_EQ(c.op, CmpOp::In);
  EXPECT_TRUE(c.opNegated);
  EXPECT_FALSE(c.negated);
  ASSERT_TRUE(c.rhs);
  EXPECT_EQ(c.rhs->kind, ExprKind::Literal);
  f = parseOk("rule r { !A exists }");
  const Clause& u = f.rules[0].body.body.items[0][0];
  EXPECT_TRUE(u.negated);
  EXPECT_FALSE(u.opNegated);
  EXPECT_EQ(u.op, CmpOp::Exists);
  EXPECT_FALSE(u.rhs);
}

TEST(ParserClauses, ClauseNegationPrefix) {
  EXPECT_EQ(body("not A == 1\nNOT B exists\n!C exists\nnot  D.E empty"),
            "not A == 1; not B exists; not C exists; not D.E empty");
  EXPECT_EQ(body("not some A[*] == 1"), "not some A[*] == 1");
  EXPECT_FALSE(parses("rule r { ! A exists }"));
}

TEST(ParserClauses, RightHandSides) {
  EXPECT_EQ(body("A == B.C\nA == %v\nA == this\nA <= count(B[*])\nA == some B"),
            "A == B.C; A == %v; A == this; A <= count(B[*]); A == some B");
  RulesFile f = parseOk("rule r { A == count(B) }");
  const Clause& c = f.rules[0].body.body.items[0][0];
  ASSERT_TRUE(c.rhs);
  EXPECT_EQ(c.rhs->kind, ExprKind::Call);
  EXPECT_EQ(c.rhs->callee, "count");
  ASSERT_EQ(c.rhs->args.size(), 1u);
  EXPECT_EQ(c.rhs->args[0].kind, ExprKind::Query);
}

TEST(ParserClauses, FunctionCalls) {
  EXPECT_EQ(body("let n = count(Items[*])\n%n == 2"), "%n == 2");
  EXPECT_EQ(shape("let a = join(split(A, ','), '-')\nlet b = regex_replace(A,\n /x/ ,\n 'y')"),
            "let a = join(split(A, ','), '-') | let b = regex_replace(A, /x/, 'y')");
  EXPECT_EQ(shape("let a = f(\n  A, # comment before an argument is fine\n  B)"),
            "let a = f(A, B)");
  EXPECT_FALSE(parses("rule r {\n  let n = count (Items[*])\n  %n == 2\n}"));
  EXPECT_FALSE(parses("rule r {\n  let t = now()\n  %t > 0\n}"));
  EXPECT_FALSE(parses("rule r { count(Items[*]) >= 2 }"));
  EXPECT_FALSE(parses("rule r { A == f() }"));
  EXPECT_FALSE(parses("rule r { A == f(B C) }"));
  EXPECT_FALSE(parses("let a = f(A # comment after an argument is not\n)"));
}

TEST(ParserClauses, SomeKeyword) {
  RulesFile f = parseOk("rule r { some A[*] == 1 }");
  EXPECT_TRUE(f.rules[0].body.body.items[0][0].query.some);
  EXPECT_EQ(body("some\nA[*] exists"), "some A[*] exists");
  EXPECT_EQ(body("A[ some B[*] == 1 ] exists"), "A[some B[*] == 1] exists");
}

TEST(ParserClauses, BlockClauses) {
  EXPECT_EQ(body("A[*] { B exists\n C == 1 }"), "block A[*] {B exists; C == 1}");
  EXPECT_EQ(body("A !empty { B exists }\nC not empty { D exists }\nE NOT EMPTY { F exists }"),
            "block A !empty {B exists}; block C !empty {D exists}; block E !empty {F exists}");
  EXPECT_EQ(body("%v { let x = this\n %x exists }"), "block %v {let x = this; %x exists}");
  EXPECT_EQ(body("some A[*] { B exists }"), "block some A[*] {B exists}");
  EXPECT_EQ(body("A { B { C { D exists } } }"), "block A {block B {block C {D exists}}}");
  EXPECT_FALSE(parses("rule r { A { } }"));
  EXPECT_FALSE(parses("rule r { A {\n  B exists\n }"));
  EXPECT_FALSE(parses("rule r { A[*] {\n a\n} }"));  // no rule refs in query blocks
  RulesFile f = parseOk("rule r { A !empty { B exists } }");
  const Clause& c = f.rules[0].body.body.items[0][0];
  EXPECT_EQ(c.kind, ClauseKind::Block);
  EXPECT_TRUE(c.notEmpty);
}

TEST(ParserClauses, WhenBlocks) {
  EXPECT_EQ(body("when A exists { B exists }"), "when A exists {B exists}");
  EXPECT_EQ(body("when A exists\n B == 1 { when C exists { D exists } }"),
            "when A exists; B == 1 {when C exists {D exists}}");
  EXPECT_EQ(body("when A exists { a\n not b\n}"), "when A exists {ref a; ref not b}");
  EXPECT_EQ(body("A[*] { when B exists { C exists } }"), "block A[*] {when B exists {C exists}}");
  EXPECT_FALSE(parses("rule r { when A exists { when B exists {\n a\n } } }"));
  EXPECT_FALSE(parses("rule r { A[*] { when B exists {\n a\n } } }"));
  EXPECT_FALSE(parses("rule r when Foo exists { }"));
  EXPECT_FALSE(parses("rule r { when A exists { } }"));
  EXPECT_EQ(shape("when A exists {\n a\n}"), "default: when A exists {ref a}");
  EXPECT_EQ(shape("when A exists { let x = 1 }"), "default: when A exists {let x = 1; }");
}

TEST(ParserClauses, NamedRuleReferences) {
  EXPECT_EQ(body("a\nnot b\n!c\nd or e\nf <<msg>>\ng # comment\nNOT h"),
            "ref a; ref not b; ref not c; ref d or ref e; ref f <<msg>>; ref g; ref not h");
  EXPECT_EQ(body("a or\n  B exists or\n  c"), "ref a or B exists or ref c");
  EXPECT_EQ(body("a\t  \nb"), "ref a; ref b");
  EXPECT_FALSE(parses("rule a { Foo == 1 }\nrule b { a }"));
  EXPECT_FALSE(parses("rule a { L exists }\na"));
  EXPECT_FALSE(parses("rule r { A[ a\n B exists ] exists }"));  // no refs in filters
  EXPECT_EQ(body("A[ a\n ] exists"), "A[a] exists");            // (that is a key capture)
  EXPECT_FALSE(parses("rule b {\n  a}"));
  EXPECT_FALSE(parses("rule b {\n  a b\n}"));
  RulesFile f = parseOk("rule r {\n  not a <<m>>\n}");
  const Clause& c = f.rules[0].body.body.items[0][0];
  EXPECT_EQ(c.kind, ClauseKind::RuleRef);
  EXPECT_EQ(c.name, "a");
  EXPECT_TRUE(c.negated);
  EXPECT_EQ(c.message.value_or(""), "m");
}

TEST(ParserClauses, ParameterizedCalls) {
  EXPECT_EQ(body("check(A[*], 1, [2], count(B), %v) <<m>>\nnot check(1)"),
            "call check(A[*], 1, [2], count(B), %v) <<m>>; call not check(1)");
  EXPECT_EQ(shape("p(1)"), "default: call p(1)");
  EXPECT_EQ(body("A[*] { p(this) }"), "block A[*] {call p(this)}");
  EXPECT_EQ(body("A[ p(this) ] exists"), "A[call p(this)] exists");
}

TEST(ParserQueries, Parts) {
  EXPECT_EQ(body("A.B.'c-d'.\"e\".0.-1.*.%k exists"), "A.B.'c-d'.'e'[0][-1].*.%k exists");
  EXPECT_EQ(body("A[*][0][-2]['k'][\"q\"][name][ name2 ] exists"),
            "A[*][0][-2].'k'.'q'[name][name2] exists");
  EXPECT_EQ(body("A[ * ] exists\nB[1 ] exists\nC['k' ] exists"),
            "A[*] exists; B[1] exists; C.'k' exists");
  EXPECT_EQ(body("%v exists\n%v.a[*] exists\nthis exists\n'q'.x exists"),
            "%v exists; %v.a[*] exists; this exists; 'q'.x exists");
  RulesFile f = parseOk("rule r { A['k'][n][0].*[*].%v exists }");
  const auto& parts = f.rules[0].body.body.items[0][0].query.parts;
  ASSERT_EQ(parts.size(), 7u);
  EXPECT_EQ(parts[0].kind, PartKind::Key);
  EXPECT_FALSE(parts[0].quoted);
  EXPECT_EQ(parts[1].kind, PartKind::Key);
  EXPECT_TRUE(parts[1].quoted);
  EXPECT_EQ(parts[2].kind, PartKind::KeyCapture);
  EXPECT_EQ(parts[3].kind, PartKind::Index);
  EXPECT_EQ(parts[4].kind, PartKind::AllValues);
  EXPECT_EQ(parts[5].kind, PartKind::AllIndices);
  EXPECT_EQ(parts[6].kind, PartKind::Interpolate);
  EXPECT_EQ(parts[6].name, "v");
  // No implicit [*] after a variable in the AST (§4.4 is the lowering's job).
  f = parseOk("rule r { %v.a exists }");
  ASSERT_EQ(f.rules[0].body.body.items[0][0].query.parts.size(), 2u);
  EXPECT_EQ(f.rules[0].body.body.items[0][0].query.parts[0].kind, PartKind::Variable);
}

TEST(ParserQueries, WhitespaceRules) {
  EXPECT_EQ(body("A\n  .B\n  [0] exists"), "A.B[0] exists");
  EXPECT_FALSE(parses("rule r { L. 0 == 1 }"));
  EXPECT_FALSE(parses("rule r { L[ 1 ] == 2 }"));
  EXPECT_FALSE(parses("rule r { L[1 x] == 2 }"));
  EXPECT_FALSE(parses("rule r { L[ 'k' ] == 2 }"));
  EXPECT_FALSE(parses("rule r { L. * == 2 }"));
}

TEST(ParserQueries, Filters) {
  EXPECT_EQ(body("Resources.*[ Type == 'T'\n Properties.X exists ] exists"),
            "Resources.*[Type == 'T'; Properties.X exists] exists");
  EXPECT_EQ(body("Tags[ Key == 'a' or Key == 'b' ].Value == 1"),
            "Tags[Key == 'a' or Key == 'b'].Value == 1");
  EXPECT_EQ(body("Ports[ this > 1024 ] exists\nR[ k | V exists ] exists"),
            "Ports[this > 1024] exists; R[k| V exists] exists");
  EXPECT_EQ(body("A[ B[ C[ D exists ] exists ] exists ] exists"),
            "A[B[C[D exists] exists] exists] exists");
  EXPECT_EQ(body("A[ when B exists { C exists } ] exists\nD[ E[*] { F exists } ] exists"),
            "A[when B exists {C exists}] exists; D[block E[*] {F exists}] exists");
  EXPECT_EQ(body("A[ # comment\n B exists ] exists"), "A[B exists] exists");
  EXPECT_FALSE(parses("rule r { A[ ] exists }"));
  EXPECT_FALSE(parses("rule r { A[ B exists exists }"));
  RulesFile f = parseOk("rule r { R[ k | V exists ] exists }");
  const QueryPart& p = f.rules[0].body.body.items[0][0].query.parts[1];
  EXPECT_EQ(p.kind, PartKind::Filter);
  EXPECT_EQ(p.name, "k");
  ASSERT_TRUE(p.filter);
  EXPECT_EQ(p.filter->items.size(), 1u);
}

TEST(ParserQueries, KeysFilters) {
  EXPECT_EQ(body("R[ keys == /^Prod/ ] exists\nC[ keys in ['a', 'b'] ] exists\n"
                 "C[ KEYS NOT IN ['a'] ] exists\nC[ keys != 'x' ] exists\n"
                 "C[ k | keys !in %v ] exists\nC[keys==Q.r] exists"),
            "R[keys == /^Prod/] exists; C[keys in ['a', 'b']] exists; C[keys !in ['a']] exists; "
            "C[keys != 'x'] exists; C[k| keys !in %v] exists; C[keys == Q.r] exists");
  RulesFile f = parseOk("rule r { C[ keys not in ['a'] ] exists }");
  const QueryPart& p = f.rules[0].body.body.items[0][0].query.parts[1];
  EXPECT_EQ(p.kind, PartKind::KeysFilter);
  EXPECT_EQ(p.keysOp, CmpOp::In);
  EXPECT_TRUE(p.keysNegated);
  ASSERT_TRUE(p.keysRhs);
  EXPECT_EQ(p.keysRhs->kind, ExprKind::Literal);
  EXPECT_FALSE(parses("rule r { C[ keys exists ] exists }"));  // committed after `keys`
  EXPECT_FALSE(parses("rule r { C[ keys == ] exists }"));
  EXPECT_EQ(body("C[keys] exists"), "C[keys] exists");  // a key capture named keys
}

TEST(ParserTypeBlocks, Forms) {
  EXPECT_EQ(shape("AWS::S3::Bucket { Properties.X exists }"),
            "default: type AWS::S3::Bucket {Properties.X exists}");
  EXPECT_EQ(shape("AWS::S3::Bucket Properties.X exists"),
            "default: type AWS::S3::Bucket {Properties.X exists}");
  EXPECT_EQ(shape("Custom::Thing { A exists }"), "default: type Custom::Thing {A exists}");
  EXPECT_EQ(shape("AWS::S3::Bucket::MODULE { A exists }"),
            "default: type AWS::S3::Bucket {A exists}");
  EXPECT_EQ(shape("AWS::S3::Bucket when A exists { B exists }"),
            "default: type AWS::S3::Bucket when A exists {B exists}");
  EXPECT_EQ(shape("AWS::S3::Bucket { let x = 1\n %x == 1 }"),
            "default: type AWS::S3::Bucket {let x = 1; %x == 1}");
  EXPECT_EQ(shape("rule r { AWS::S3::Bucket { A exists } or AWS::EC2::Volume B exists }"),
            "rule r {type AWS::S3::Bucket {A exists} or type AWS::EC2::Volume {B exists}}");
  EXPECT_EQ(shape("AWS::S3::Bucket A[*] { B exists }"),
            "default: type AWS::S3::Bucket {block A[*] {B exists}}");
  EXPECT_FALSE(parses("AWS::S3::Bucket{ A exists }"));
  EXPECT_FALSE(parses("AWS::S3::Bucket { }"));
  EXPECT_FALSE(parses("AWS::S3::Bucket when A exists B exists"));
  EXPECT_FALSE(parses("AWS::S3::Bucket::Other { A exists }"));
  EXPECT_FALSE(parses("rule r { when A exists { AWS::S3::Bucket { B exists } } }"));
  RulesFile f = parseOk("AWS::S3::Bucket A exists");
  const Clause& c = f.defaultRule.items[0][0];
  EXPECT_EQ(c.kind, ClauseKind::TypeBlock);
  EXPECT_EQ(c.name, "AWS::S3::Bucket");
  EXPECT_FALSE(c.conditions);
  ASSERT_TRUE(c.body);
  EXPECT_EQ(c.body->body.items.size(), 1u);
}

// ================================================================== spans, errors

TEST(ParserSpans, RulesClausesQueriesLiterals) {
  //                     123456789012345678901234
  RulesFile f = parseOk("# c\nrule r {\n  not A.B == 'x' <<m>>\n  let v = 5\n}\n");
  ASSERT_EQ(f.rules.size(), 1u);
  const Rule& r = f.rules[0];
  EXPECT_EQ(r.span.begin.line, 2u);
  EXPECT_EQ(r.span.begin.column, 1u);
  EXPECT_EQ(r.span.begin.offset, 4u);
  EXPECT_EQ(r.span.end.line, 5u);
  EXPECT_EQ(r.span.end.column, 2u);
  const Clause& c = r.body.body.items[0][0];
  EXPECT_EQ(c.span.begin.line, 3u);
  EXPECT_EQ(c.span.begin.column, 3u);  // at `not`
  EXPECT_EQ(c.span.end.column, 23u);   // after `>>`
  EXPECT_EQ(c.query.span.begin.column, 7u);
  EXPECT_EQ(c.query.span.end.column, 10u);
  ASSERT_EQ(c.query.parts.size(), 2u);
  EXPECT_EQ(c.query.parts[1].span.begin.column, 8u);  // at `.`
  ASSERT_TRUE(c.rhs);
  EXPECT_EQ(c.rhs->span.begin.column, 14u);
  EXPECT_EQ(c.rhs->literal.span.end.column, 17u);
  const LetStmt& l = r.body.lets[0];
  EXPECT_EQ(l.span.begin.line, 4u);
  EXPECT_EQ(l.span.begin.column, 3u);
  EXPECT_EQ(l.span.end.column, 12u);
  EXPECT_EQ(r.body.span.begin.line, 2u);
  EXPECT_EQ(r.body.span.begin.column, 8u);
}

TEST(ParserSpans, ColumnsCountCharacters) {
  RulesFile f = parseOk("rule r { '\xC3\xA9\xC3\xA9' == 1 }");
  const Clause& c = f.rules[0].body.body.items[0][0];
  EXPECT_EQ(c.span.begin.column, 10u);
  EXPECT_EQ(c.rhs->span.begin.column, 18u);
  EXPECT_EQ(c.rhs->span.begin.offset, 19u);
  Error e = parseErr("rule r { '\xC3\xA9\xC3\xA9' == }");
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(e.column, 17u);  // just after `==`, as cfn-guard reports it
}

TEST(ParserErrors, PositionsAndMessages) {
  Error e = parseErr("rule r {\n  A == 1\n  B =~ 2\n}");
  EXPECT_EQ(e.file, "rules.guard");
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 5u);
  e = parseErr("rule r { A == }");
  EXPECT_EQ(e.column, 14u);
  EXPECT_NE(e.message.find("after '=='"), std::string::npos) << e.message;
  e = parseErr("rule r {\n  A == 1\n");
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 1u);
  EXPECT_NE(e.message.find("'}'"), std::string::npos) << e.message;
  e = parseErr("rule r { }");
  EXPECT_EQ(e.column, 9u);
  e = parseErr("rule { A == 1 }");
  EXPECT_EQ(e.column, 6u);
  EXPECT_NE(e.message.find("rule name"), std::string::npos) << e.message;
}

TEST(ParserLimits, NestingDepth) {
  auto nestedFilters = [](int n) {
    std::string s = "rule r { ";
    for (int i = 0; i < n; ++i) s += "A[ ";
    s += "B exists";
    for (int i = 0; i < n; ++i) s += " ] exists";
    return s + " }";
  };
  EXPECT_TRUE(parses(nestedFilters(200)));
  Error e = parseErr(nestedFilters(kMaxRuleNesting + 10));
  EXPECT_NE(e.message.find("nested too deeply"), std::string::npos) << e.message;

  auto nestedKeys = [](int n) {
    std::string s = "rule r { ";
    for (int i = 0; i < n; ++i) s += "A[ keys == ";
    s += "B";
    for (int i = 0; i < n; ++i) s += " ]";
    return s + " exists }";
  };
  EXPECT_TRUE(parses(nestedKeys(200)));
  EXPECT_FALSE(parses(nestedKeys(kMaxRuleNesting + 1)));

  auto nestedLists = [](int n) { return "let x = " + std::string(n, '[') + std::string(n, ']'); };
  EXPECT_TRUE(parses(nestedLists(200)));
  EXPECT_FALSE(parses(nestedLists(kMaxRuleNesting + 1)));

  auto nestedBlocks = [](int n) {
    std::string s = "rule r { ";
    for (int i = 0; i < n; ++i) s += "A { ";
    s += "B exists";
    return s + std::string(n, '}') + " }";
  };
  EXPECT_TRUE(parses(nestedBlocks(200)));
  EXPECT_FALSE(parses(nestedBlocks(kMaxRuleNesting + 1)));

  auto nestedCalls = [](int n) {
    std::string s = "let x = ";
    for (int i = 0; i < n; ++i) s += "f(";
    return s + "1" + std::string(n, ')');
  };
  EXPECT_TRUE(parses(nestedCalls(200)));
  EXPECT_FALSE(parses(nestedCalls(kMaxRuleNesting + 1)));
}

TEST(ParserLimits, BacktrackingStaysLinear) {
  // Block-clause / access-clause backtracking over deeply nested filters
  // would be exponential without the query memo.
  std::string s = "rule r {\n";
  for (int i = 0; i < 60; ++i) s += "A[ ";
  s += "B exists";
  for (int i = 0; i < 60; ++i) s += " ] exists";
  s += "\n}\n";
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(parses(s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

// ================================================================== corpora

fs::path sharedDir() { return fs::path(GUARD_SOURCE_DIR) / ".." / "shared"; }

// Every conformance case parses exactly when cfn-guard parsed it; for the
// rejected ones the error line and column match the reference's message.
TEST(ParserCorpus, ConformanceCasesParseExactlyWhenExpected) {
  fs::path cases = sharedDir() / "conformance" / "cases";
  if (!fs::is_directory(cases)) GTEST_SKIP() << "no conformance cases at " << cases;
  const std::regex exitRe("\"exit\"\\s*:\\s*(-?\\d+)");
  const std::regex posRe("at line (\\d+) at column (\\d+)");
  int total = 0, rejected = 0;
  std::vector<std::string> mismatches, positionDiffs;
  for (const auto& topic : fs::directory_iterator(cases)) {
    if (!topic.is_directory()) continue;
    for (const auto& c : fs::directory_iterator(topic.path())) {
      fs::path rules = c.path() / "rules.guard", expected = c.path() / "expected.json";
      if (!fs::exists(rules) || !fs::exists(expected)) continue;
      std::string exp = slurp(expected);
      std::smatch m;
      if (!std::regex_search(exp, m, exitRe)) continue;
      const bool wantError = m[1] == "5";
      ++total;
      rejected += wantError;
      std::string name = topic.path().filename().string() + "/" + c.path().filename().string();
      auto r = parseRules(slurp(rules), "rules.guard");
      if (r.ok() == wantError) {
        mismatches.push_back(name + (r.ok() ? " (parsed, cfn-guard rejects it)"
                                            : " (rejected: " + r.error().message + ")"));
        continue;
      }
      if (wantError && std::regex_search(exp, m, posRe)) {
        unsigned line = std::stoul(m[1]), col = std::stoul(m[2]);
        if (r.error().line != line || r.error().column != col)
          positionDiffs.push_back(name + " want " + std::to_string(line) + ":" +
                                  std::to_string(col) + " got " + std::to_string(r.error().line) +
                                  ":" + std::to_string(r.error().column));
      }
    }
  }
  std::printf(
      "[ parser   ] %d conformance cases, %d parse errors expected, %zu mismatches, "
      "%zu error-position differences\n",
      total, rejected, mismatches.size(), positionDiffs.size());
  for (const auto& s : mismatches) ADD_FAILURE() << "mismatch: " << s;
  for (const auto& s : positionDiffs) ADD_FAILURE() << "error position: " << s;
  EXPECT_GT(total, 0);
}

TEST(ParserCorpus, EveryRegistryRulesFileParses) {
  fs::path dir = sharedDir() / "corpus" / "registry" / "rules";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no registry rules at " << dir;
  int total = 0;
  std::vector<std::string> failures;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".guard") continue;
    ++total;
    auto r = parseRules(slurp(e.path()), e.path().string());
    if (!r.ok())
      failures.push_back(fs::relative(e.path(), dir).string() + ":" +
                         std::to_string(r.error().line) + ":" + std::to_string(r.error().column) +
                         ": " + r.error().message);
  }
  std::printf("[ parser   ] %d registry rules files, %zu failed to parse\n", total,
              failures.size());
  for (const auto& s : failures) ADD_FAILURE() << s;
  EXPECT_GT(total, 0);
}

}  // namespace
}  // namespace guard
