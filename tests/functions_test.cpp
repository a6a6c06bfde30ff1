// Tests of runtime/functions.cpp: every built-in of spec/guard-language.md
// §12.2 with its dropped inputs and evaluation errors, the name/arity table,
// and the shared/conformance/cases/functions examples at the value level.
#include "runtime/functions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

namespace guard {
namespace {

// Argument result sets built by hand; values live in `data`, results in `scratch`.
class FunctionsTest : public ::testing::Test {
 protected:
  Document data;
  Document scratch;

  Node* node(NodeKind k) { return data.newNode(k); }
  QValue s(std::string_view v) {
    Node* n = node(NodeKind::String);
    n->str.data = data.copyString(v);
    n->str.size = uint32_t(v.size());
    return QValue::resolved(n);
  }
  QValue i(int64_t v) {
    Node* n = node(NodeKind::Int);
    n->i = v;
    return QValue::resolved(n);
  }
  QValue f(double v) {
    Node* n = node(NodeKind::Float);
    n->f = v;
    return QValue::resolved(n);
  }
  QValue b(bool v) {
    Node* n = node(NodeKind::Bool);
    n->b = v;
    return QValue::resolved(n);
  }
  QValue ch(uint32_t cp) {
    Node* n = node(NodeKind::Char);
    n->ch = cp;
    return QValue::resolved(n);
  }
  QValue null() { return QValue::resolved(node(NodeKind::Null)); }
  QValue list(std::initializer_list<QValue> items) {
    Node* n = node(NodeKind::List);
    n->list.size = uint32_t(items.size());
    n->list.items = data.newItems(n->list.size);
    uint32_t k = 0;
    for (const QValue& q : items) {
      Node* item = const_cast<Node*>(q.node);
      item->parent = n;
      item->slot = k;
      n->list.items[k++] = item;
    }
    return QValue::resolved(n);
  }
  // A map {key: value} whose value keeps its path (/key) and position.
  QValue at(std::string_view key, QValue value, uint32_t line, uint32_t col) {
    Node* m = node(NodeKind::Map);
    m->map.size = 1;
    m->map.entries = data.newEntries(1);
    MapEntry& e = m->map.entries[0];
    e.key = data.copyString(key);
    e.keyLen = uint32_t(key.size());
    e.id = data.keys().intern(key);
    e.line = line;
    e.col = 0;
    Node* v = const_cast<Node*>(value.node);
    v->parent = m;
    v->slot = 0;
    v->line = line;
    v->col = col;
    e.value = v;
    return QValue::resolved(v);
  }
  QValue missing() { return QValue::unresolved(node(NodeKind::Map), Unresolved::KeyMissing, 0); }
  QValue regexLit(std::string_view pattern) {
    Node* n = node(NodeKind::Regex);
    n->str.data = data.copyString(pattern);
    n->str.size = uint32_t(pattern.size());
    return QValue::literal(n);
  }

  Result<ResultSet> call(std::string_view fn, std::vector<ResultSet> args) {
    const int id = builtinId(fn);
    EXPECT_GE(id, 0) << fn;
    return callBuiltin(id, args, scratch);
  }
  ResultSet ok(std::string_view fn, std::vector<ResultSet> args) {
    auto r = call(fn, std::move(args));
    EXPECT_TRUE(r.ok()) << fn << ": " << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {};
    for (const QValue& q : *r) EXPECT_EQ(q.kind, QKind::Resolved);
    return std::move(r.value());
  }
  std::string err(std::string_view fn, std::vector<ResultSet> args) {
    auto r = call(fn, std::move(args));
    EXPECT_FALSE(r.ok()) << fn << " should fail";
    return r.ok() ? "" : r.error().message;
  }

  // The string results of a call.
  std::vector<std::string> strings(std::string_view fn, std::vector<ResultSet> args) {
    std::vector<std::string> out;
    for (const QValue& q : ok(fn, std::move(args))) {
      EXPECT_EQ(q.node->kind, NodeKind::String);
      if (q.node->kind == NodeKind::String) out.emplace_back(q.node->text());
    }
    return out;
  }
  std::string oneString(std::string_view fn, std::vector<ResultSet> args) {
    auto v = strings(fn, std::move(args));
    EXPECT_EQ(v.size(), 1u) << fn;
    return v.empty() ? "<none>" : v[0];
  }
};

using Strings = std::vector<std::string>;

// ---------------------------------------------------------------- table

TEST(BuiltinTable, NamesIdsAndArities) {
  const std::pair<const char*, int> expected[] = {
      {"count", 1},     {"json_parse", 1},  {"regex_replace", 3}, {"join", 2},         {"substring", 3},
      {"to_upper", 1},  {"to_lower", 1},    {"url_decode", 1},    {"parse_int", 1},    {"parse_float", 1},
      {"parse_boolean", 1}, {"parse_string", 1}, {"parse_char", 1},
  };
  for (const auto& [fn, arity] : expected) {
    const int id = builtinId(fn);
    ASSERT_GE(id, 0) << fn;
    EXPECT_STREQ(builtinName(id), fn);
    EXPECT_EQ(builtinArity(id), arity) << fn;
  }
  EXPECT_EQ(builtinId("now"), -1);          // functions/now-not-in-3-1-1
  EXPECT_EQ(builtinId("parse_epoch"), -1);  // functions/parse-epoch-not-in-3-1-1
  EXPECT_EQ(builtinId("no_such_fn"), -1);   // functions/unknown-function-error
  EXPECT_EQ(builtinId("Count"), -1);
  EXPECT_EQ(builtinName(-1), nullptr);
  EXPECT_EQ(builtinArity(99), -1);
}

TEST_F(FunctionsTest, WrongArityAndUnknownIdAreErrors) {
  EXPECT_EQ(err("substring", {{s("abc")}, {i(1)}}),
            "Parser Error when parsing `substring function requires 3 arguments be passed, but received 2`");  // functions/wrong-arity-error
  auto r = callBuiltin(-1, {{s("abc")}}, scratch);
  EXPECT_FALSE(r.ok());
}

// ---------------------------------------------------------------- count

// A call's values start a query of their own (spec §6.3): the VM does not
// reset their case conversion, so no built-in may pass an argument's on.
TEST_F(FunctionsTest, ResultsCarryNoCaseConversionOfTheirArguments) {
  auto converted = [](std::initializer_list<QValue> members) {
    ResultSet set(members);
    for (QValue& q : set) q.conv = 3;
    return set;
  };
  const std::pair<const char*, std::vector<ResultSet>> calls[] = {
      {"count", {converted({s("a")})}},
      {"json_parse", {converted({s(R"({"a": [1]})")})}},
      {"regex_replace", {converted({s("abc")}), converted({s("b")}), converted({s("x")})}},
      {"join", {converted({s("a"), s("b")}), converted({s(",")})}},
      {"substring", {converted({s("abc")}), converted({i(0)}), converted({i(2)})}},
      {"to_upper", {converted({s("a")})}},
      {"to_lower", {converted({s("A")})}},
      {"url_decode", {converted({s("a%20b")})}},
      {"parse_int", {converted({i(1), s("2"), f(3.5), ch('4')})}},
      {"parse_float", {converted({f(1.5), i(2), s("3.5"), ch('4')})}},
      {"parse_boolean", {converted({b(true), s("false")})}},
      {"parse_string", {converted({s("a"), i(1), f(1.5), b(true), ch('c')})}},
      {"parse_char", {converted({i(1), s("c"), ch('d')})}},
  };
  ASSERT_EQ(std::size(calls), size_t(builtinCount()));
  for (const auto& [fn, args] : calls) {
    ResultSet r = ok(fn, args);
    EXPECT_FALSE(r.empty()) << fn;
    for (const QValue& q : r) EXPECT_EQ(q.conv, 0) << fn;
  }
}

TEST_F(FunctionsTest, CountCountsResolvedMembers) {
  auto r = ok("count", {{s("a"), s("b"), s("c")}});  // functions/count-values
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].node->kind, NodeKind::Int);  // functions/count-is-int
  EXPECT_EQ(r[0].node->i, 3);
  EXPECT_EQ(ok("count", {{}})[0].node->i, 0);                      // functions/count-empty-filter-zero
  EXPECT_EQ(ok("count", {{missing()}})[0].node->i, 0);             // functions/count-missing-key-zero
  EXPECT_EQ(ok("count", {{list({i(1), i(2), i(3)})}})[0].node->i, 1);  // functions/count-list-value-is-one
  EXPECT_EQ(ok("count", {{s("a"), missing(), null()}})[0].node->i, 2);
}

// ---------------------------------------------------------------- json_parse

TEST_F(FunctionsTest, JsonParseParsesStrings) {
  auto r = ok("json_parse", {{s(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*"}]})")}});
  ASSERT_EQ(r.size(), 1u);  // functions/json-parse
  const Node* doc = r[0].node;
  ASSERT_EQ(doc->kind, NodeKind::Map);
  const Node* st = Document::lookupText(doc, "Statement");
  ASSERT_TRUE(st && st->kind == NodeKind::List && st->list.size == 1);
  const Node* effect = Document::lookupText(st->list.items[0], "Effect");
  ASSERT_TRUE(effect);
  EXPECT_EQ(effect->text(), "Deny");

  auto lit = ok("json_parse", {{s(R"({"a": 1, "b": [true, 2.5]})")}});  // functions/json-parse-literal
  ASSERT_EQ(lit.size(), 1u);
  const Node* a = Document::lookupText(lit[0].node, "a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, NodeKind::Int);  // numbers keep the int/float distinction
  const Node* bl = Document::lookupText(lit[0].node, "b");
  ASSERT_TRUE(bl && bl->list.size == 2);
  EXPECT_EQ(bl->list.items[0]->kind, NodeKind::Bool);
  EXPECT_EQ(bl->list.items[1]->kind, NodeKind::Float);

  auto yaml = ok("json_parse", {{s("{a: 1}")}});  // functions/json-parse-yaml-accepted
  ASSERT_EQ(yaml.size(), 1u);
  ASSERT_TRUE(Document::lookupText(yaml[0].node, "a"));
  EXPECT_EQ(Document::lookupText(yaml[0].node, "a")->i, 1);

  EXPECT_EQ(ok("json_parse", {{s("[1]"), s("2")}}).size(), 2u);
}

TEST_F(FunctionsTest, JsonParseDropsNonStringsAndFailsOnInvalidText) {
  EXPECT_TRUE(ok("json_parse", {{i(1), list({s("{}")}), null(), missing()}}).empty());  // json-parse-non-string-skipped
  EXPECT_FALSE(err("json_parse", {{s(R"({"a": 1,)")}}).empty());                      // json-parse-invalid-error
}

// ---------------------------------------------------------------- regex_replace

TEST_F(FunctionsTest, RegexReplaceExpandsMatchesOnly) {
  EXPECT_EQ(oneString("regex_replace", {{s("arn:aws:newservice:us-west-2:123456789012:Table/extracted")},
                                        {s("^arn:(\\w+):(\\w+):([\\w0-9-]+):(\\d+):(.+)$")},
                                        {s("${1}/${4}/${3}/${2}-${5}")}}),
            "aws/123456789012/us-west-2/newservice-Table/extracted");  // functions/regex-replace
  EXPECT_EQ(oneString("regex_replace", {{s("abc")}, {s("b")}, {s("X")}}), "X");  // keeps-only-matches
  EXPECT_EQ(oneString("regex_replace", {{s("abc")}, {s("z")}, {s("X")}}), "");
  EXPECT_EQ(strings("regex_replace", {{s("a1"), i(5), s("b22")}, {s("\\d")}, {s("<$0>")}}),
            (Strings{"<1>", "<2><2>"}));  // non-strings dropped
  EXPECT_TRUE(ok("regex_replace", {{}, {s("b")}, {s("X")}}).empty());
  // 3.1.1 compiles the pattern only when there is a string to apply it to.
  EXPECT_TRUE(ok("regex_replace", {{i(1)}, {s("(")}, {s("X")}}).empty());
}

TEST_F(FunctionsTest, RegexReplaceArgumentErrors) {
  EXPECT_EQ(err("regex_replace", {{s("abc")}, {i(1)}, {s("X")}}),
            "Parser Error when parsing `regex_replace function requires the second argument to be a string`");
  EXPECT_EQ(err("regex_replace", {{s("abc")}, {regexLit("b")}, {s("X")}}),
            "Parser Error when parsing `regex_replace function requires the second argument to be a string`");
  EXPECT_EQ(err("regex_replace", {{s("abc")}, {}, {s("X")}}),
            "Parser Error when parsing `regex_replace function requires the second argument to be a string`");
  EXPECT_EQ(err("regex_replace", {{s("abc")}, {missing()}, {s("X")}}),
            "Parser Error when parsing `regex_replace function requires the second argument to be a string`");
  EXPECT_EQ(err("regex_replace", {{s("abc")}, {s("b")}, {b(true)}}),
            "Parser Error when parsing `regex_replace function requires the third argument to be a string`");
  EXPECT_NE(err("regex_replace", {{s("abc")}, {s("([a-z")}, {s("X")}}).find("invalid regular expression"),
            std::string::npos);
  // A regex that gives up on catastrophic backtracking is an evaluation error.
  EXPECT_NE(err("regex_replace", {{s(std::string(40, 'a') + "!")}, {s("^(?=\\w)(\\w+\\s?)*$")}, {s("X")}})
                .find("backtracking limit"),
            std::string::npos);
}

TEST_F(FunctionsTest, RegexReplaceUsesOnlyTheFirstMemberOfScalarArguments) {
  EXPECT_EQ(oneString("regex_replace", {{s("abc")}, {s("b"), s("c")}, {s("X"), s("Y")}}), "X");
}

// ---------------------------------------------------------------- join

TEST_F(FunctionsTest, JoinConcatenatesStrings) {
  EXPECT_EQ(oneString("join", {{s("a"), s("b"), s("c")}, {s(",")}}), "a,b,c");  // functions/join-strings
  EXPECT_EQ(oneString("join", {{s("a"), s("b")}, {ch('-')}}), "a-b");
  EXPECT_EQ(oneString("join", {{s("a")}, {s(", ")}}), "a");
  EXPECT_EQ(oneString("join", {{}, {s(",")}}), "");
  EXPECT_EQ(oneString("join", {{s("x"), s("y")}, {s(""), s("ignored")}}), "xy");
}

TEST_F(FunctionsTest, JoinErrors) {
  // functions/join-non-string-error: Items: [a, 1] queried as Items[*].
  const Node* items = list({s("a"), i(1)}).node;
  const std::string m =
      err("join", {{QValue::resolved(items->list.items[0]), QValue::resolved(items->list.items[1])}, {s(",")}});
  EXPECT_NE(m.find("Joining non string values Path=/1"), std::string::npos) << m;
  EXPECT_NE(m.find("Value=1"), std::string::npos) << m;
  // functions/join-unresolved-error
  EXPECT_NE(err("join", {{missing()}, {s(",")}}).find("Joining unresolved values is not allowed"), std::string::npos);
  // 3.1.1's IncompatibleError text, naming the part of the query the member
  // did not satisfy (which the VM tells).
  auto named = callBuiltin(builtinId("join"), {{missing()}, {s(",")}}, scratch,
                           [](const QValue&) { return std::string("B.C"); });
  ASSERT_FALSE(named.ok());
  EXPECT_EQ(named.error().message.rfind("Types or variable assignments are incompatible `Joining unresolved", 0), 0u)
      << named.error().message;
  EXPECT_EQ(named.error().message.substr(named.error().message.size() - 23), ", unsatisfied part B.C`");
  EXPECT_EQ(err("join", {{s("a")}, {i(1)}}), "Parser Error when parsing `join function requires the second argument to be either a char or string`");
  EXPECT_EQ(err("join", {{s("a")}, {}}), "Parser Error when parsing `join function requires the second argument to be either a char or string`");
}

// ---------------------------------------------------------------- substring

TEST_F(FunctionsTest, SubstringTakesByteRanges) {
  EXPECT_EQ(oneString("substring", {{s("arn:aws:s3:::bucket")}, {i(0)}, {i(3)}}), "arn");  // functions/substring
  EXPECT_EQ(oneString("substring", {{s("abcdef")}, {f(1.9)}, {f(3.2)}}), "bc");  // floats truncate
  EXPECT_EQ(oneString("substring", {{s("abc")}, {i(0)}, {i(3)}}), "abc");
  EXPECT_EQ(oneString("substring", {{s("abc")}, {i(65536 + 1)}, {i(65536 + 2)}}), "b");  // ints wrap modulo 65536
  EXPECT_EQ(strings("substring", {{s("abcd"), i(7), s("xy"), s("wxyz")}, {i(1)}, {i(3)}}), (Strings{"bc", "xy"}));
  EXPECT_EQ(oneString("substring", {{s("caf\xC3\xA9!")}, {i(3)}, {i(5)}}), "\xC3\xA9");  // byte offsets
}

TEST_F(FunctionsTest, SubstringDropsOutOfRangeValues) {
  EXPECT_TRUE(ok("substring", {{s("abc")}, {i(0)}, {i(10)}}).empty());  // functions/substring-out-of-range-dropped
  EXPECT_TRUE(ok("substring", {{s("abc")}, {i(2)}, {i(2)}}).empty());   // from == to
  EXPECT_TRUE(ok("substring", {{s("abc")}, {i(2)}, {i(1)}}).empty());   // from > to
  EXPECT_TRUE(ok("substring", {{s("")}, {i(0)}, {i(0)}}).empty());
  EXPECT_TRUE(ok("substring", {{s("abc")}, {f(-1.0)}, {f(-0.5)}}).empty());  // negative floats saturate at 0
  EXPECT_TRUE(ok("substring", {{s("abc")}, {i(-1)}, {i(2)}}).empty());       // -1 wraps to 65535
}

TEST_F(FunctionsTest, SubstringErrors) {
  EXPECT_EQ(err("substring", {{s("abc")}, {s("0")}, {i(1)}}), "Parser Error when parsing `substring function requires the second argument to be a number`");
  EXPECT_EQ(err("substring", {{s("abc")}, {i(0)}, {null()}}), "Parser Error when parsing `substring function requires the third argument to be a number`");
  EXPECT_EQ(err("substring", {{s("abc")}, {}, {i(1)}}), "Parser Error when parsing `substring function requires the second argument to be a number`");
  EXPECT_FALSE(err("substring", {{s("caf\xC3\xA9")}, {i(0)}, {i(4)}}).empty());  // splits a character
}

// ---------------------------------------------------------------- case

TEST_F(FunctionsTest, ToUpperAndToLower) {
  EXPECT_EQ(oneString("to_upper", {{s("AWS::New::Service")}}), "AWS::NEW::SERVICE");  // functions/to-upper-lower
  EXPECT_EQ(oneString("to_lower", {{s("AWS::New::Service")}}), "aws::new::service");
  EXPECT_EQ(strings("to_upper", {{s("a"), i(1), s("b"), missing()}}), (Strings{"A", "B"}));
  EXPECT_EQ(oneString("to_upper", {{s("")}}), "");
}

TEST_F(FunctionsTest, CaseMappingIsUnicode) {
  struct Row {
    const char* in;
    const char* upper;
    const char* lower;
  } rows[] = {
      {"caf\xC3\xA9", "CAF\xC3\x89", "caf\xC3\xA9"},                              // Latin-1
      {"\xC5\x81\xC3\xB3\xC4\x91\xC5\xBA", "\xC5\x81\xC3\x93\xC4\x90\xC5\xB9", "\xC5\x82\xC3\xB3\xC4\x91\xC5\xBA"},  // Extended-A: Łóđź
      {"stra\xC3\x9F" "e", "STRASSE", "stra\xC3\x9F" "e"},                        // ß uppercases to SS
      {"\xEF\xAC\x81", "FI", "\xEF\xAC\x81"},                                     // ﬁ ligature
      {"\xCE\xB1\xCE\xB2\xCE\xB3", "\xCE\x91\xCE\x92\xCE\x93", "\xCE\xB1\xCE\xB2\xCE\xB3"},  // Greek αβγ
      {"\xD0\xB4\xD0\xB0", "\xD0\x94\xD0\x90", "\xD0\xB4\xD0\xB0"},               // Cyrillic да
      {"\xC4\xB0", "\xC4\xB0", "i\xCC\x87"},                                      // İ lowercases to i + dot
      {"\xC3\xBF", "\xC5\xB8", "\xC3\xBF"},                                       // ÿ / Ÿ
      {"\xC7\x85", "\xC7\x84", "\xC7\x86"},                                       // titlecase Dž
      {"\xF0\x90\x90\xA8", "\xF0\x90\x90\x80", "\xF0\x90\x90\xA8"},               // Deseret (outside the BMP)
      {"\xE2\x82\xAC 1", "\xE2\x82\xAC 1", "\xE2\x82\xAC 1"},                     // no case
  };
  for (const Row& r : rows) {
    EXPECT_EQ(oneString("to_upper", {{s(r.in)}}), r.upper) << r.in;
    EXPECT_EQ(oneString("to_lower", {{s(r.in)}}), r.lower) << r.in;
  }
}

TEST_F(FunctionsTest, FinalSigma) {
  // ΟΔΟΣ -> οδος (final ς); ΣΑ -> σα; a lone Σ -> σ.
  EXPECT_EQ(oneString("to_lower", {{s("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3")}}), "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82");
  EXPECT_EQ(oneString("to_lower", {{s("\xCE\xA3\xCE\x91")}}), "\xCF\x83\xCE\xB1");
  EXPECT_EQ(oneString("to_lower", {{s("\xCE\xA3")}}), "\xCF\x83");
  EXPECT_EQ(oneString("to_lower", {{s("\xCE\x91\xCE\xA3 \xCE\x91")}}), "\xCE\xB1\xCF\x82 \xCE\xB1");
}

// ---------------------------------------------------------------- url_decode

TEST_F(FunctionsTest, UrlDecode) {
  EXPECT_EQ(oneString("url_decode", {{s("This%20string%20will%20be%20URL%20encoded")}}),
            "This string will be URL encoded");                               // functions/url-decode
  EXPECT_EQ(oneString("url_decode", {{s("a+b%20c")}}), "a+b c");            // functions/url-decode-plus-kept
  EXPECT_EQ(oneString("url_decode", {{s("caf%C3%A9")}}), "caf\xC3\xA9");
  EXPECT_EQ(oneString("url_decode", {{s("%2f%2F")}}), "//");
  EXPECT_EQ(oneString("url_decode", {{s("100%")}}), "100%");                // malformed escapes stay
  EXPECT_EQ(oneString("url_decode", {{s("%zz%4")}}), "%zz%4");
  EXPECT_TRUE(ok("url_decode", {{s("%FF")}}).empty());                       // not UTF-8: dropped
  EXPECT_EQ(strings("url_decode", {{i(1), s("%41")}}), (Strings{"A"}));
}

// ---------------------------------------------------------------- parse_int

TEST_F(FunctionsTest, ParseInt) {
  auto r = ok("parse_int", {{s("42"), f(1.9), f(-1.9), i(7), ch('5'), s("-17"), s("+3"), b(true), null()}});
  ASSERT_EQ(r.size(), 7u);  // functions/parse-int; bool and null dropped
  const int64_t want[] = {42, 1, -1, 7, 5, -17, 3};
  for (size_t k = 0; k < r.size(); ++k) {
    EXPECT_EQ(r[k].node->kind, NodeKind::Int);
    EXPECT_EQ(r[k].node->i, want[k]) << k;
  }
  EXPECT_EQ(ok("parse_int", {{s("-9223372036854775808")}})[0].node->i, INT64_MIN);
  EXPECT_EQ(ok("parse_int", {{f(1e300)}})[0].node->i, INT64_MAX);  // saturating like Rust's `as`
}

TEST_F(FunctionsTest, ParseIntErrors) {
  EXPECT_EQ(err("parse_int", {{at("S", s("abc"), 0, 3)}}),
            "Parser Error when parsing `failed to convert a string: abc into an integer at /S[L:0,C:3]`");  // functions/parse-int-invalid-error
  for (const char* bad : {"", "1.5", " 1", "1 ", "0x10", "9223372036854775808", "1_000", "+", "-"})
    EXPECT_FALSE(err("parse_int", {{s(bad)}}).empty()) << bad;
  EXPECT_NE(err("parse_int", {{ch('x')}}).find("failed to convert a character: x into an integer"), std::string::npos);
}

// ---------------------------------------------------------------- parse_float

TEST_F(FunctionsTest, ParseFloat) {
  auto r = ok("parse_float", {{i(1), s("2.5"), f(0.25), ch('7'), s("1e5"), s("-.5"), s("5."), s("+1E-2"), null()}});
  ASSERT_EQ(r.size(), 8u);  // functions/parse-float
  const double want[] = {1.0, 2.5, 0.25, 7.0, 1e5, -0.5, 5.0, 0.01};
  for (size_t k = 0; k < r.size(); ++k) {
    EXPECT_EQ(r[k].node->kind, NodeKind::Float);
    EXPECT_DOUBLE_EQ(r[k].node->f, want[k]) << k;
  }
  EXPECT_TRUE(std::isinf(ok("parse_float", {{s("inf")}})[0].node->f));
  EXPECT_TRUE(std::isinf(ok("parse_float", {{s("-Infinity")}})[0].node->f));
  EXPECT_TRUE(std::isnan(ok("parse_float", {{s("NaN")}})[0].node->f));
  EXPECT_TRUE(std::isinf(ok("parse_float", {{s("1e400")}})[0].node->f));
  EXPECT_EQ(ok("parse_float", {{s("1e-400")}})[0].node->f, 0.0);
  EXPECT_EQ(ok("parse_float", {{s("0." + std::string(400, '0') + "1")}})[0].node->f, 0.0);
  EXPECT_TRUE(std::isinf(ok("parse_float", {{s("1" + std::string(400, '0') + ".5")}})[0].node->f));
  EXPECT_TRUE(std::isinf(ok("parse_float", {{s("0.001e312")}})[0].node->f));
  EXPECT_EQ(ok("parse_float", {{s("12e-330")}})[0].node->f, 0.0);
  EXPECT_GT(ok("parse_float", {{s("5e-324")}})[0].node->f, 0.0);  // subnormal
}

TEST_F(FunctionsTest, ParseFloatErrors) {
  EXPECT_EQ(err("parse_float", {{at("S", s("abc"), 2, 3)}}), "Parser Error when parsing `failed to convert a string: abc into a float at /S[L:2,C:3]`");
  for (const char* bad : {"", ".", "e5", "1e", "0x1p3", " 1", "1,5", "nan(1)", "infinit"})
    EXPECT_FALSE(err("parse_float", {{s(bad)}}).empty()) << bad;
  EXPECT_FALSE(err("parse_float", {{ch('a')}}).empty());
}

// ---------------------------------------------------------------- parse_boolean

TEST_F(FunctionsTest, ParseBoolean) {
  auto r = ok("parse_boolean", {{s("TrUe"), s("false"), b(true), i(1), null()}});  // functions/parse-boolean
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].node->b);
  EXPECT_FALSE(r[1].node->b);
  EXPECT_TRUE(r[2].node->b);
  EXPECT_EQ(err("parse_boolean", {{at("S", s("yes"), 0, 3)}}),
            "Parser Error when parsing `failed to convert a string: yes into a boolean at /S[L:0,C:3]`");  // parse-boolean-invalid-error
  EXPECT_FALSE(err("parse_boolean", {{s("1")}}).empty());
  EXPECT_FALSE(err("parse_boolean", {{s(" true")}}).empty());
}

// ---------------------------------------------------------------- parse_string

TEST_F(FunctionsTest, ParseString) {
  EXPECT_EQ(strings("parse_string", {{f(1.5), b(true), i(10), s("x"), ch('c'), null(), list({i(1)})}}),
            (Strings{"1.5", "true", "10", "x", "c"}));  // functions/parse-string
  EXPECT_EQ(oneString("parse_string", {{f(1.0)}}), "1");  // functions/parse-string-whole-float
  EXPECT_EQ(oneString("parse_string", {{f(0.1)}}), "0.1");
  EXPECT_EQ(oneString("parse_string", {{f(-2.0)}}), "-2");
  EXPECT_EQ(oneString("parse_string", {{f(1e21)}}), "1000000000000000000000");
  EXPECT_EQ(oneString("parse_string", {{f(1.5e-7)}}), "0.00000015");
  EXPECT_EQ(oneString("parse_string", {{f(NAN)}}), "NaN");
  EXPECT_EQ(oneString("parse_string", {{f(-INFINITY)}}), "-inf");
  EXPECT_EQ(oneString("parse_string", {{i(-42)}}), "-42");
  EXPECT_EQ(oneString("parse_string", {{b(false)}}), "false");
}

// ---------------------------------------------------------------- parse_char

TEST_F(FunctionsTest, ParseChar) {
  auto r = ok("parse_char", {{s("c"), i(7), s(""), b(true)}});  // functions/parse-char
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].node->kind, NodeKind::Char);
  EXPECT_EQ(r[0].node->ch, uint32_t('c'));
  EXPECT_EQ(r[1].node->kind, NodeKind::Char);
  EXPECT_EQ(r[1].node->ch, uint32_t('7'));
  EXPECT_EQ(oneString("parse_char", {{ch(0xE9)}}), "\xC3\xA9");  // a char becomes a one-character string
}

TEST_F(FunctionsTest, ParseCharErrors) {
  EXPECT_EQ(err("parse_char", {{at("S", s("abc"), 0, 3)}}),
            "Parser Error when parsing `failed to convert an string: abc into a char at /S[L:0,C:3]`");  // parse-char-long-string-error
  EXPECT_EQ(err("parse_char", {{at("S", s("\xC3\xA9"), 0, 3)}}),
            "Parser Error when parsing `failed to convert an string: \xC3\xA9 into a char at /S[L:0,C:3]`");  // parse-char-multibyte-error
  EXPECT_NE(err("parse_char", {{i(10)}}).find("failed to convert an int: 10 into a char"), std::string::npos);
  EXPECT_FALSE(err("parse_char", {{i(-1)}}).empty());
}

// ---------------------------------------------------------------- results

TEST_F(FunctionsTest, ResultsLiveInTheScratchDocumentAndKeepPositions) {
  auto r = ok("to_upper", {{at("Name", s("abc"), 4, 8)}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(pathOf(r[0].node), "/Name");
  EXPECT_EQ(r[0].node->line, 4u);
  EXPECT_EQ(r[0].node->col, 8u);
  EXPECT_EQ(r[0].node->text(), "ABC");
  // Nested calls: to_upper(substring(S, 0, 3)) (functions/nested-function-call).
  auto sub = ok("substring", {{s("arn:aws")}, {i(0)}, {i(3)}});
  EXPECT_EQ(oneString("to_upper", {sub}), "ARN");
  // Literal members are taken like resolved ones.
  EXPECT_EQ(oneString("to_upper", {{QValue::literal(s("lit").node)}}), "LIT");
}

// A function's result keeps the data path of the value it came from
// (differential/16-function-results-lose-data-path): a failing check on
// parse_string(F) is reported at /F.
TEST_F(FunctionsTest, ResultsKeepTheDataPathOfTheirInput) {
  auto pathOfOne = [&](std::string_view fn, std::vector<ResultSet> args) {
    auto r = ok(fn, std::move(args));
    EXPECT_EQ(r.size(), 1u) << fn;
    return r.empty() ? std::string("<none>") : pathOf(r[0].node);
  };
  EXPECT_EQ(pathOfOne("parse_string", {{at("F", f(1.5), 0, 3)}}), "/F");
  EXPECT_EQ(pathOfOne("to_upper", {{at("L", s("b"), 1, 7)}}), "/L");
  EXPECT_EQ(pathOfOne("to_lower", {{at("L", s("B"), 1, 7)}}), "/L");
  EXPECT_EQ(pathOfOne("parse_char", {{at("S", s("b"), 2, 3)}}), "/S");
  EXPECT_EQ(pathOfOne("parse_char", {{at("I", i(7), 2, 3)}}), "/I");
  EXPECT_EQ(pathOfOne("parse_int", {{at("N", s("42"), 2, 3)}}), "/N");
  EXPECT_EQ(pathOfOne("parse_int", {{at("F", f(4.5), 2, 3)}}), "/F");
  EXPECT_EQ(pathOfOne("parse_float", {{at("N", s("4.5"), 2, 3)}}), "/N");
  EXPECT_EQ(pathOfOne("parse_boolean", {{at("B", s("TRUE"), 2, 3)}}), "/B");
  EXPECT_EQ(pathOfOne("url_decode", {{at("U", s("a%20b"), 2, 3)}}), "/U");
  EXPECT_EQ(pathOfOne("substring", {{at("U", s("abc"), 2, 3)}, {i(0)}, {i(2)}}), "/U");
  EXPECT_EQ(pathOfOne("regex_replace", {{at("S", s("b"), 2, 3)}, {s("(b)")}, {s("x$1")}}), "/S");
  // Results of literals have no path.
  EXPECT_EQ(pathOfOne("to_upper", {{QValue::literal(s("lit").node)}}), "");
}

// count and join stand at their first member, resolved or not; count of
// nothing at the root.
TEST_F(FunctionsTest, CountAndJoinStandAtTheFirstMember) {
  auto one = [&](std::string_view fn, std::vector<ResultSet> args) {
    auto r = ok(fn, std::move(args));
    EXPECT_EQ(r.size(), 1u) << fn;
    return r.empty() ? nullptr : r[0].node;
  };
  const Node* n = one("count", {{at("A", s("a"), 3, 4), at("B", s("b"), 5, 4)}});
  ASSERT_TRUE(n);
  EXPECT_EQ(pathOf(n), "/A");
  EXPECT_EQ(n->line, 3u);
  EXPECT_EQ(n->col, 4u);
  QValue stopped = at("E", list({}), 1, 3);
  n = one("count", {{QValue::unresolved(stopped.node, Unresolved::KeyMissing, 0)}});
  ASSERT_TRUE(n);
  EXPECT_EQ(n->i, 0);
  EXPECT_EQ(pathOf(n), "/E");
  n = one("count", {{}});
  ASSERT_TRUE(n);
  EXPECT_EQ(pathOf(n), "");
  n = one("join", {{at("L", s("a"), 0, 4), s("b")}, {s(",")}});
  ASSERT_TRUE(n);
  EXPECT_EQ(n->text(), "a,b");
  EXPECT_EQ(pathOf(n), "/L");
}

// json_parse's document hangs under the string: /J, /J/a/1, every value at
// the string's position.
TEST_F(FunctionsTest, JsonParseTreeHangsUnderTheString) {
  auto r = ok("json_parse", {{at("J", s(R"({"a": [1, {"b": 2}]})"), 9, 3)}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(pathOf(r[0].node), "/J");
  const Node* a = Document::lookupText(r[0].node, "a");
  ASSERT_TRUE(a && a->kind == NodeKind::List && a->list.size == 2);
  const Node* b = Document::lookupText(a->list.items[1], "b");
  ASSERT_TRUE(b);
  EXPECT_EQ(pathOf(b), "/J/a/1/b");
  EXPECT_EQ(b->line, 9u);
  EXPECT_EQ(b->col, 3u);
  EXPECT_EQ(r[0].node->map.entries[0].line, 9u);
}

// json_parse resolves plain scalars as serde_yaml does, not as the data
// loader (differential/17-json-parse-scalar-resolution; each checked against
// cfn-guard 3.1.1).
TEST_F(FunctionsTest, JsonParseScalarsFollowSerdeYaml) {
  auto one = [&](std::string_view text) -> const Node* {
    auto r = ok("json_parse", {{s(text)}});
    EXPECT_EQ(r.size(), 1u) << text;
    return r.empty() ? nullptr : r[0].node;
  };
  auto kindOf = [&](std::string_view text) {
    const Node* n = one(text);
    return n ? n->kind : NodeKind::Regex;
  };
  auto intOf = [&](std::string_view text) {
    const Node* n = one(text);
    EXPECT_TRUE(n && n->kind == NodeKind::Int) << text;
    return n && n->kind == NodeKind::Int ? n->i : -12345;
  };
  EXPECT_EQ(intOf("0x1F"), 31);
  EXPECT_EQ(intOf("0o17"), 15);
  EXPECT_EQ(intOf("0b101"), 5);
  EXPECT_EQ(intOf("+0x1F"), 31);
  EXPECT_EQ(intOf("-0x1F"), -31);
  EXPECT_EQ(intOf("-0"), 0);
  EXPECT_EQ(intOf("+1"), 1);
  EXPECT_EQ(intOf("9223372036854775808"), INT64_MIN);  // u64 values wrap
  EXPECT_EQ(intOf("18446744073709551615"), -1);
  EXPECT_EQ(intOf("0xFFFFFFFFFFFFFFFF"), -1);
  for (std::string_view text : {"0X1F", "0x-1", "0x", "0o8", "0b2", "0x_1F", "1_000", "010", "-010", "+010", "00",
                                "inf", "nan", "NaN", "infinity", "1e400", "tRue", "yes", "on", "nUll", "+-1",
                                "12:30", "2001-12-14"})
    EXPECT_EQ(kindOf(text), NodeKind::String) << text;
  for (std::string_view text : {"True", "TRUE", "true", "False", "FALSE"}) EXPECT_EQ(kindOf(text), NodeKind::Bool) << text;
  for (std::string_view text : {"null", "Null", "NULL", "~", "!!null ~"}) EXPECT_EQ(kindOf(text), NodeKind::Null) << text;
  for (std::string_view text : {".inf", "-.Inf", "+.INF", ".NaN", "1e3", "5.", ".5", "-0.0", "1e-400"})
    EXPECT_EQ(kindOf(text), NodeKind::Float) << text;
  EXPECT_TRUE(std::isinf(one(".inf")->f));
  EXPECT_EQ(one("1e3")->f, 1000.0);
  EXPECT_EQ(kindOf("!custom 1"), NodeKind::Int);  // unknown tags are ignored
  // Structures in the string follow the same rules.
  const Node* l = one("[1, 0x10, True, ~, 010]");
  ASSERT_TRUE(l && l->kind == NodeKind::List && l->list.size == 5);
  EXPECT_EQ(l->list.items[1]->i, 16);
  EXPECT_EQ(l->list.items[2]->kind, NodeKind::Bool);
  EXPECT_EQ(l->list.items[3]->kind, NodeKind::Null);
  EXPECT_EQ(l->list.items[4]->kind, NodeKind::String);
  const Node* m = one("{a: 0o17, d: }");
  ASSERT_TRUE(m && m->kind == NodeKind::Map);
  EXPECT_EQ(Document::lookupText(m, "a")->i, 15);
  EXPECT_EQ(Document::lookupText(m, "d")->kind, NodeKind::Null);
}

TEST_F(FunctionsTest, JsonParseAliasesDuplicatesAndBigIntegers) {
  auto r = ok("json_parse", {{s("{a: &x [1, 2], b: *x}")}});  // serde_yaml resolves aliases
  ASSERT_EQ(r.size(), 1u);
  const Node* b = Document::lookupText(r[0].node, "b");
  ASSERT_TRUE(b && b->kind == NodeKind::List && b->list.size == 2);
  EXPECT_EQ(pathOf(b->list.items[1]), "/b/1");
  EXPECT_EQ(err("json_parse", {{s("18446744073709551616")}}),
            "Error parsing incoming YAML context " "invalid type: integer `18446744073709551616` as u128, expected any YAML value");
  EXPECT_EQ(err("json_parse", {{s("-9223372036854775809")}}),
            "Error parsing incoming YAML context " "invalid type: integer `-9223372036854775809` as i128, expected any YAML value");
  auto big = ok("json_parse", {{s("123456789012345678901234567890123456789012")}});  // beyond 128 bits: a float
  ASSERT_EQ(big.size(), 1u);
  EXPECT_EQ(big[0].node->kind, NodeKind::Float);
  EXPECT_EQ(err("json_parse", {{s(R"({"a": 1, "a": 2})")}}), "Error parsing incoming YAML context " "duplicate entry with key \"a\"");
  EXPECT_FALSE(err("json_parse", {{s("{1: a}")}}).empty());     // keys must be strings
  EXPECT_FALSE(err("json_parse", {{s("{0x1F: a}")}}).empty());  // 0x1F is an int here
  EXPECT_FALSE(err("json_parse", {{s("!!bool yes")}}).empty());
  EXPECT_EQ(err("json_parse", {{s("")}}), "Error parsing incoming YAML context EOF while parsing a value");
  EXPECT_EQ(err("json_parse", {{s("*x")}}), "Error parsing incoming YAML context unknown anchor");
}

}  // namespace
}  // namespace guard
