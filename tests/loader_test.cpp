// Unit tests of the data loaders (runtime/loader.cpp, yaml_loader.cpp,
// json_loader.cpp): scalar typing, tags, aliases, keys, positions, paths,
// limits, error texts, JSON/YAML agreement, and every data file of the shared
// data-loading and cfn-tags conformance cases.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/document.h"
#include "runtime/loader.h"
#include "runtime/prefetch.h"
#include "runtime/query_result.h"

namespace guard::detail {
// --- Shared between the loader files (defined in yaml_loader.cpp / json_loader.cpp).
Result<Node*> parseYaml(Document& doc, std::string_view text);
Node* parseJson(Document& doc, std::string_view text, size_t capacity);
bool parseRustI64(std::string_view s, int64_t* out);
bool parseRustF64(std::string_view s, double* out);
// ---
}  // namespace guard::detail

namespace guard {
namespace {

std::unique_ptr<Document> load(const std::string& text) {
  auto r = loadDocument(text, "data.yaml");
  EXPECT_TRUE(r.ok()) << text << "\n-> " << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r.value()) : nullptr;
}

std::string loadError(const std::string& text, const std::string& name = "data.yaml") {
  auto r = loadDocument(text, name);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

const Node* at(const Node* n, std::initializer_list<std::string_view> path) {
  for (std::string_view p : path) {
    if (!n) return nullptr;
    if (n->kind == NodeKind::Map) {
      n = Document::lookupText(n, p);
    } else if (n->kind == NodeKind::List) {
      size_t i = std::stoul(std::string(p));
      n = i < n->list.size ? n->list.items[i] : nullptr;
    } else {
      return nullptr;
    }
  }
  return n;
}

// The value of `v` in "v: <text>".
struct Loaded {
  std::unique_ptr<Document> doc;
  const Node* v;
};
Loaded value(const std::string& text) {
  Loaded l{load("v: " + text + "\n"), nullptr};
  if (l.doc) l.v = at(l.doc->root(), {"v"});
  return l;
}

// ---- §14.2 scalar typing ----

TEST(LoaderScalars, PlainInts) {
  struct C { const char* text; int64_t v; } cases[] = {
      {"10", 10}, {"+5", 5}, {"-7", -7}, {"010", 10}, {"0", 0}, {"-0", 0}, {"+0", 0},
      {"9223372036854775807", INT64_MAX}, {"-9223372036854775808", INT64_MIN},
  };
  for (auto& c : cases) {
    auto l = value(c.text);
    ASSERT_TRUE(l.v) << c.text;
    EXPECT_EQ(l.v->kind, NodeKind::Int) << c.text;
    EXPECT_EQ(l.v->i, c.v) << c.text;
  }
}

TEST(LoaderScalars, PlainFloats) {
  struct C { const char* text; double v; } cases[] = {
      {"10.0", 10.0}, {"1e3", 1000.0}, {"1E3", 1000.0}, {".5", 0.5}, {"5.", 5.0},
      {"-.5", -0.5}, {"1.e2", 100.0}, {"+1.5e-2", 0.015}, {"9223372036854775808", 9223372036854775808.0},
      {"99999999999999999999", 1e20}, {"-99999999999999999999", -1e20}, {"1e400", INFINITY},
      {"1e-400", 0.0}, {"inf", INFINITY}, {"-inf", -INFINITY}, {"+Infinity", INFINITY},
      {"INF", INFINITY}, {"0.1", 0.1}, {"2.2250738585072014e-308", 2.2250738585072014e-308},
      {"4.9e-324", 4.9e-324},
  };
  for (auto& c : cases) {
    auto l = value(c.text);
    ASSERT_TRUE(l.v) << c.text;
    EXPECT_EQ(l.v->kind, NodeKind::Float) << c.text;
    EXPECT_EQ(l.v->f, c.v) << c.text;
  }
  for (const char* nan : {"nan", "NaN", "-NAN", "+nan"}) {
    auto l = value(nan);
    ASSERT_TRUE(l.v);
    EXPECT_EQ(l.v->kind, NodeKind::Float) << nan;
    EXPECT_TRUE(std::isnan(l.v->f)) << nan;
  }
}

TEST(LoaderScalars, NumberGrammars) {
  int64_t i = 0;
  double f = 0;
  for (const char* bad : {"", "+", "-", "1 ", " 1", "1a", "0x10", "1.0", "--1", "+-1", "9223372036854775808"})
    EXPECT_FALSE(detail::parseRustI64(bad, &i)) << bad;
  EXPECT_TRUE(detail::parseRustI64("-0012", &i));
  EXPECT_EQ(i, -12);
  for (const char* bad : {"", "+", "-", ".", "e1", ".e1", "1e", "1e+", "1.5.", "1_0", ".inf",
                          "infin", "nana", "0x1p3", " 1", "1 ", "1,5", "++1"})
    EXPECT_FALSE(detail::parseRustF64(bad, &f)) << bad;
  EXPECT_TRUE(detail::parseRustF64("1.e5", &f));
  EXPECT_EQ(f, 1e5);
  EXPECT_TRUE(detail::parseRustF64("-InFiNiTy", &f));
  EXPECT_EQ(f, -INFINITY);
  EXPECT_TRUE(detail::parseRustF64("00.25E+1", &f));
  EXPECT_EQ(f, 2.5);
}

TEST(LoaderScalars, BoolsOnlyLowercase) {
  auto t = value("true");
  EXPECT_EQ(t.v->kind, NodeKind::Bool);
  EXPECT_TRUE(t.v->b);
  auto f = value("false");
  EXPECT_EQ(f.v->kind, NodeKind::Bool);
  EXPECT_FALSE(f.v->b);
  for (const char* s : {"True", "TRUE", "False", "yes", "no", "on", "off", "y", "n"}) {
    auto l = value(s);
    EXPECT_EQ(l.v->kind, NodeKind::String) << s;
    EXPECT_EQ(l.v->text(), s);
  }
}

TEST(LoaderScalars, NullForms) {
  for (const char* s : {"null", "NULL", "Null", "nuLL", "~"}) {
    auto l = value(s);
    EXPECT_EQ(l.v->kind, NodeKind::Null) << s;
  }
  // An empty plain value is the empty string, not null.
  auto d = load("D:\nE: ''\n");
  EXPECT_EQ(at(d->root(), {"D"})->kind, NodeKind::String);
  EXPECT_EQ(at(d->root(), {"D"})->text(), "");
}

TEST(LoaderScalars, Strings) {
  for (const char* s : {"0x1F", "0o17", "1_000", ".inf", "-.inf", ".nan", "2024-01-01",
                        "2001-12-14t21:59:43.10-05:00", "1010:1010", "e5", "1e", "1e+",
                        "+", ".", "1.5.5", "0b101", "12abc", "infinite", "nul", "~~",
                        "hello world", "AWS::S3::Bucket", "1,000"}) {
    auto l = value(s);
    ASSERT_TRUE(l.v) << s;
    EXPECT_EQ(l.v->kind, NodeKind::String) << s;
    EXPECT_EQ(l.v->text(), s);
  }
}

TEST(LoaderScalars, QuotedAndBlockAreStrings) {
  auto d = load("a: '10'\nb: \"true\"\nc: \"null\"\nd: |\n  10\ne: >-\n  1.5\nf: ''\n");
  const Node* r = d->root();
  EXPECT_EQ(at(r, {"a"})->kind, NodeKind::String);
  EXPECT_EQ(at(r, {"b"})->kind, NodeKind::String);
  EXPECT_EQ(at(r, {"c"})->kind, NodeKind::String);
  EXPECT_EQ(at(r, {"d"})->text(), "10\n");
  EXPECT_EQ(at(r, {"e"})->text(), "1.5");
  EXPECT_EQ(at(r, {"f"})->text(), "");
}

TEST(LoaderScalars, ScalarRoot) {
  auto d = load("hello");
  EXPECT_EQ(d->root()->kind, NodeKind::String);
  EXPECT_EQ(d->root()->text(), "hello");
  auto n = load("42\n");
  EXPECT_EQ(n->root()->kind, NodeKind::Int);
}

// ---- §14.3 standard tags ----

TEST(LoaderTags, StandardTags) {
  auto d = load(
      "a: !!str 10\nb: !!int '10'\nc: !!float '1.5'\nd: !!bool true\ne: !!bool True\n"
      "f: !!null abc\ng: !!binary abc\nh: !!float 5\ni: !!int +5\nj: !!str\n"
      "k: !<tag:yaml.org,2002:int> '7'\nl: !!map {x: 1}\nm: !!seq [1]\n");
  const Node* r = d->root();
  EXPECT_EQ(at(r, {"a"})->kind, NodeKind::String);
  EXPECT_EQ(at(r, {"a"})->text(), "10");
  EXPECT_EQ(at(r, {"b"})->kind, NodeKind::Int);
  EXPECT_EQ(at(r, {"b"})->i, 10);
  EXPECT_EQ(at(r, {"c"})->kind, NodeKind::Float);
  EXPECT_EQ(at(r, {"c"})->f, 1.5);
  EXPECT_EQ(at(r, {"d"})->kind, NodeKind::Bool);
  EXPECT_EQ(at(r, {"e"})->kind, NodeKind::String);  // !!bool with other text: a string
  EXPECT_EQ(at(r, {"f"})->kind, NodeKind::Null);    // 3.1.1: any !!null text is null
  EXPECT_EQ(at(r, {"g"})->kind, NodeKind::String);
  EXPECT_EQ(at(r, {"h"})->kind, NodeKind::Float);
  EXPECT_EQ(at(r, {"i"})->i, 5);
  EXPECT_EQ(at(r, {"j"})->text(), "");
  EXPECT_EQ(at(r, {"k"})->kind, NodeKind::Int);
  EXPECT_EQ(at(r, {"l", "x"})->i, 1);
  EXPECT_EQ(at(r, {"m", "0"})->i, 1);
}

TEST(LoaderTags, UnparsableIntOrFloatIsABadValue) {
  EXPECT_EQ(loadError("A: !!int abc\n"),
            "Bad Value encountered parsing incoming file Value = abc, Loc = L:0,C:3");
  EXPECT_EQ(loadError("A: 1\nB: !!float 1_0\n"),
            "Bad Value encountered parsing incoming file Value = 1_0, Loc = L:1,C:3");
  EXPECT_EQ(loadError("A: !!int\n"),
            "Bad Value encountered parsing incoming file Value = , Loc = L:0,C:3");
  // The first one in document order, and only once the whole document loaded.
  EXPECT_EQ(loadError("A: [!!int x, !!int y]\n"),
            "Bad Value encountered parsing incoming file Value = x, Loc = L:0,C:4");
  EXPECT_EQ(loadError("A: !!int x\n1: b\n"),
            "non string type detected for key in a map at L:1,C:0, cfn-guard only supports keys "
            "that are string types");
}

// ---- §14.4 CloudFormation short forms ----

void expectOneKeyMap(const Node* n, std::string_view key, uint32_t line, uint32_t col) {
  ASSERT_TRUE(n);
  ASSERT_EQ(n->kind, NodeKind::Map);
  ASSERT_EQ(n->map.size, 1u);
  EXPECT_EQ(n->map.entries[0].keyText(), key);
  EXPECT_EQ(n->line, line);
  EXPECT_EQ(n->col, col);
  EXPECT_EQ(n->map.entries[0].line, line);
  EXPECT_EQ(n->map.entries[0].col, col);
  EXPECT_EQ(n->map.entries[0].value->line, line);
  EXPECT_EQ(n->map.entries[0].value->col, col);
}

TEST(LoaderTags, ScalarShortForms) {
  struct C { const char* tag; const char* key; } cases[] = {
      {"Ref", "Ref"}, {"Condition", "Condition"}, {"GetAtt", "Fn::GetAtt"}, {"Sub", "Fn::Sub"},
      {"Base64", "Fn::Base64"}, {"GetAZs", "Fn::GetAZs"}, {"ImportValue", "Fn::ImportValue"},
      {"RefAll", "Fn::RefAll"},
  };
  for (auto& c : cases) {
    auto d = load(std::string("x: 1\nv: !") + c.tag + " 10\n");
    const Node* v = at(d->root(), {"v"});
    expectOneKeyMap(v, c.key, 1, 3);
    const Node* inner = at(v, {c.key});
    EXPECT_EQ(inner->kind, NodeKind::String) << c.tag;  // "10" stays a string
    EXPECT_EQ(inner->text(), "10");
    EXPECT_EQ(pathOf(inner), std::string("/v/") + c.key);
  }
  auto g = load("Role: !GetAtt MyRole.Arn\n");
  EXPECT_EQ(at(g->root(), {"Role", "Fn::GetAtt"})->text(), "MyRole.Arn");  // not split
  auto q = load("R: !Ref 'AWS::Region'\n");
  EXPECT_EQ(at(q->root(), {"R", "Ref"})->text(), "AWS::Region");
}

TEST(LoaderTags, SequenceShortForms) {
  const char* names[] = {"GetAtt", "Sub", "Select", "Split", "Join", "FindInMap", "And", "Or",
                         "Not", "Equals", "If", "Contains", "EachMemberIn", "EachMemberEquals",
                         "ValueOf"};
  for (const char* name : names) {
    auto d = load(std::string("v: !") + name + " [a, 1]\n");
    std::string key = std::string("Fn::") + name;
    const Node* v = at(d->root(), {"v"});
    expectOneKeyMap(v, key, 0, 3);
    const Node* list = at(v, {key});
    ASSERT_EQ(list->kind, NodeKind::List) << name;
    EXPECT_EQ(list->list.size, 2u);
    EXPECT_EQ(at(list, {"1"})->kind, NodeKind::Int);
    EXPECT_EQ(pathOf(at(list, {"0"})), "/v/" + key + "/0");
  }
  // Block sequence form, and nesting.
  auto d = load("Name: !Sub\n  - '${x}-bucket'\n  - x: !Ref P\n");
  EXPECT_EQ(at(d->root(), {"Name", "Fn::Sub", "1", "x", "Ref"})->text(), "P");
  auto e = load("P: !Equals [!Ref Env, prod]\nN: !Not [!Condition P]\n");
  EXPECT_EQ(at(e->root(), {"P", "Fn::Equals", "0", "Ref"})->text(), "Env");
  EXPECT_EQ(at(e->root(), {"N", "Fn::Not", "0", "Condition"})->text(), "P");
}

TEST(LoaderTags, DroppedTags) {
  auto d = load(
      "a: !Select x\nb: !Cidr [10.0.0.0/16, 6]\nc: !Base64 {Fn::Sub: x}\nd: !Foo 10\n"
      "e: !Ref [a]\nf: !Foo bar\ng: ! 10\nh: !Join x\ni: !GetAtt {a: 1}\n");
  const Node* r = d->root();
  EXPECT_EQ(at(r, {"a"})->kind, NodeKind::String);
  EXPECT_EQ(at(r, {"a"})->text(), "x");
  EXPECT_EQ(at(r, {"b"})->kind, NodeKind::List);
  EXPECT_EQ(at(r, {"b", "1"})->kind, NodeKind::Int);
  EXPECT_EQ(at(r, {"c", "Fn::Sub"})->text(), "x");
  EXPECT_EQ(at(r, {"c"})->map.size, 1u);
  EXPECT_EQ(at(r, {"d"})->kind, NodeKind::String);  // a tagged scalar is always a string
  EXPECT_EQ(at(r, {"e"})->kind, NodeKind::List);    // Ref is not a sequence form
  EXPECT_EQ(at(r, {"f"})->text(), "bar");
  EXPECT_EQ(at(r, {"g"})->kind, NodeKind::String);
  EXPECT_EQ(at(r, {"h"})->kind, NodeKind::String);  // Join is not a scalar form
  EXPECT_EQ(at(r, {"i", "a"})->i, 1);
}

TEST(LoaderTags, LongFormIsIdentical) {
  auto a = load("N: !Ref P\n");
  auto b = load("N: {Ref: P}\n");
  EXPECT_EQ(at(a->root(), {"N", "Ref"})->text(), at(b->root(), {"N", "Ref"})->text());
}

// ---- §14.5 anchors, aliases, merge keys ----

TEST(LoaderAnchors, AnchorsIgnoredAliasesRefused) {
  auto d = load("A: &anc\n  x: 1\nB: &s 2\n");
  EXPECT_EQ(at(d->root(), {"A", "x"})->i, 1);
  EXPECT_EQ(at(d->root(), {"B"})->i, 2);
  std::string e = loadError("A: &anc\n  x: 1\nB: *anc\n");
  EXPECT_EQ(e.rfind("Error encountered while parsing data file: data.yaml, data beginning with \n", 0), 0u)
      << e;
  Document doc;
  auto r = detail::parseYaml(doc, "a: &x 1\nb: [*x]\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::DataSyntax);
  EXPECT_EQ(r.error().line, 2u);
}

TEST(LoaderAnchors, MergeKeyIsPlain) {
  auto d = load("A:\n  <<: {x: 1}\n");
  EXPECT_EQ(at(d->root(), {"A", "<<", "x"})->i, 1);
}

// ---- §14.6 keys ----

TEST(LoaderKeys, DuplicateKeysLastWinsFirstPositionKept) {
  auto d = load("A: 1\nB: 0\nA: 2\nA: 3\n");
  const Node* r = d->root();
  ASSERT_EQ(r->map.size, 2u);
  EXPECT_EQ(r->map.entries[0].keyText(), "A");
  EXPECT_EQ(r->map.entries[0].line, 0u);
  EXPECT_EQ(r->map.entries[0].value->i, 3);
  EXPECT_EQ(r->map.entries[0].value->line, 3u);  // the value keeps its own position
  EXPECT_EQ(r->map.entries[0].value->slot, 0u);
  EXPECT_EQ(r->map.entries[1].keyText(), "B");
  EXPECT_EQ(r->map.entries[1].value->slot, 1u);
  EXPECT_EQ(pathOf(r->map.entries[0].value), "/A");
}

TEST(LoaderKeys, DuplicateKeysInBigMaps) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  for (int i = 0; i < 100; i += 7) text += "k" + std::to_string(i) + ": x" + std::to_string(i) + "\n";
  text += "inner: {a: 1, b: 2, a: 3}\n";
  auto d = load(text);
  const Node* r = d->root();
  ASSERT_EQ(r->map.size, 101u);
  for (int i = 0; i < 100; ++i) {
    const MapEntry& e = r->map.entries[i];
    EXPECT_EQ(e.keyText(), "k" + std::to_string(i));
    if (i % 7 == 0) EXPECT_EQ(e.value->text(), "x" + std::to_string(i));
    else EXPECT_EQ(e.value->i, i);
    EXPECT_EQ(e.value->slot, uint32_t(i));
  }
  EXPECT_EQ(at(r, {"inner", "a"})->i, 3);
  EXPECT_EQ(at(r, {"inner"})->map.size, 2u);
  // Lookup through the document's key index agrees.
  EXPECT_EQ(d->lookup(r, d->keys().find("k14"))->text(), "x14");
}

// cfn-guard keeps each occurrence of a repeated key (the keys filter visits
// each; differential cases s16-*): (entry, line, col) per occurrence.
static std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> occurrencesOf(const Node* m) {
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> out;
  forEachKeyOccurrence(m, [&](const MapEntry& e, const KeyOccurrence& o) {
    EXPECT_EQ(o.entry, uint32_t(&e - m->map.entries));
    EXPECT_FALSE(o.atEntryPath);
    out.emplace_back(o.entry, o.line, o.col);
  });
  return out;
}

TEST(LoaderKeys, RepeatedKeysKeepEveryOccurrence) {
  using Occ = std::tuple<uint32_t, uint32_t, uint32_t>;
  const std::vector<Occ> want = {{0, 0, 0}, {1, 1, 0}, {0, 2, 0}, {0, 3, 0}};
  auto yaml = load("A: 1\nB: 0\nA: 2\nA: 3\n");
  EXPECT_EQ(occurrencesOf(yaml->root()), want);
  auto json = load("{\"A\": 1,\n\"B\": 0,\n\"A\": 2,\n\"A\": 3}\n");
  EXPECT_EQ(occurrencesOf(json->root()), (std::vector<Occ>{{0, 0, 1}, {1, 1, 0}, {0, 2, 0}, {0, 3, 0}}));
  // Without a repeat, nothing is recorded: one occurrence per entry.
  auto plain = load("A: 1\nB: {C: 2}\n");
  EXPECT_EQ(plain->root()->map.repeats, nullptr);
  EXPECT_EQ(at(plain->root(), {"B"})->map.repeats, nullptr);
  EXPECT_EQ(occurrencesOf(plain->root()), (std::vector<Occ>{{0, 0, 0}, {1, 1, 0}}));
}

TEST(LoaderKeys, RepeatedKeysInBigMapsKeepEveryOccurrence) {
  // Past 16 entries the loader de-duplicates with its key-id table.
  std::string text;
  for (int i = 0; i < 20; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  text += "k3: again\n";
  auto d = load(text);
  auto occ = occurrencesOf(d->root());
  ASSERT_EQ(occ.size(), 21u);
  for (uint32_t i = 0; i < 20; ++i) EXPECT_EQ(occ[i], std::make_tuple(i, i, 0u));
  EXPECT_EQ(occ[20], std::make_tuple(3u, 20u, 0u));
  EXPECT_EQ(d->root()->map.size, 20u);
}

TEST(LoaderKeys, NonStringKeysAreErrors) {
  auto msg = [](const char* loc) {
    return std::string("non string type detected for key in a map at ") + loc +
           ", cfn-guard only supports keys that are string types";
  };
  EXPECT_EQ(loadError("A: 1\n1: b\n"), msg("L:1,C:0"));
  EXPECT_EQ(loadError("1.5: b\n"), msg("L:0,C:0"));
  EXPECT_EQ(loadError("true: b\n"), msg("L:0,C:0"));
  EXPECT_EQ(loadError("null: b\n"), msg("L:0,C:0"));
  EXPECT_EQ(loadError("a: 1\n~: b\n"), msg("L:1,C:0"));
  EXPECT_EQ(loadError("!Ref a: 1\n"), msg("L:0,C:0"));
  EXPECT_EQ(loadError("? [a]\n: b\n"), msg("L:0,C:2"));
  EXPECT_EQ(loadError("{x: 1, !!int 5: 2}\n"), msg("L:0,C:7"));
  // The inner map closes first, so its key error wins.
  EXPECT_EQ(loadError("1: a\nb: {2: c}\n"), msg("L:1,C:4"));
  // A syntax error before the map closes wins over its bad key.
  std::string e = loadError("1: a\nb: [\n");
  EXPECT_EQ(e.rfind("Error encountered while parsing data file", 0), 0u) << e;
  // Strings that look like other things are fine as keys.
  auto d = load("'1': a\n\"true\": b\n!!str 2: c\n!Foo 3: d\n? \n: e\nyes: f\n");
  const Node* r = d->root();
  EXPECT_EQ(r->map.size, 6u);
  EXPECT_EQ(at(r, {"1"})->text(), "a");
  EXPECT_EQ(at(r, {"3"})->text(), "d");
  EXPECT_EQ(at(r, {""})->text(), "e");
}

TEST(LoaderKeys, KeyOrderPreservedAndInterned) {
  auto d = load("z: 1\na: 2\nm: {z: 3}\n");
  const Node* r = d->root();
  EXPECT_EQ(r->map.entries[0].keyText(), "z");
  EXPECT_EQ(r->map.entries[1].keyText(), "a");
  EXPECT_EQ(r->map.entries[2].keyText(), "m");
  KeyId z = d->keys().find("z");
  ASSERT_NE(z, kNoKey);
  EXPECT_EQ(r->map.entries[0].id, z);
  EXPECT_EQ(at(r, {"m"})->map.entries[0].id, z);
  EXPECT_EQ(d->lookup(r, z)->i, 1);
}

// ---- §14.7 positions and paths ----

TEST(LoaderPositions, Yaml) {
  auto d = load("# c\nA:\n  - x\n  - {b: 1}\nC: !Ref foo\nD:\n");
  const Node* r = d->root();
  EXPECT_EQ(r->line, 1u);
  EXPECT_EQ(r->col, 0u);
  EXPECT_EQ(r->map.entries[0].line, 1u);  // key A
  const Node* a = at(r, {"A"});
  EXPECT_EQ(a->line, 2u);
  EXPECT_EQ(a->col, 2u);
  EXPECT_EQ(at(a, {"0"})->line, 2u);
  EXPECT_EQ(at(a, {"0"})->col, 4u);
  const Node* m = at(a, {"1"});
  EXPECT_EQ(m->line, 3u);
  EXPECT_EQ(m->col, 4u);
  EXPECT_EQ(m->map.entries[0].col, 5u);
  EXPECT_EQ(at(m, {"b"})->col, 8u);
  EXPECT_EQ(at(r, {"C"})->col, 3u);
  EXPECT_EQ(at(r, {"D"})->line, 5u);
  EXPECT_EQ(at(r, {"D"})->col, 2u);  // the empty value sits right after the ':'
}

TEST(LoaderPositions, ColumnsCountCharacters) {
  auto d = load("x: \"éé\"\ny: [1, 2]\nz: {é: é, w: 1}\n");
  EXPECT_EQ(at(d->root(), {"y"})->col, 3u);
  EXPECT_EQ(at(d->root(), {"z", "w"})->col, 13u);
  auto j = load("{\"éé\": 1, \"b\": [2]}");
  EXPECT_EQ(at(j->root(), {"b"})->col, 15u);
}

TEST(LoaderPositions, RootListIsAtOrigin) {
  auto d = load("# comment\n\n- a\n- b\n");
  EXPECT_EQ(d->root()->line, 0u);
  EXPECT_EQ(d->root()->col, 0u);
  EXPECT_EQ(at(d->root(), {"1"})->line, 3u);
  EXPECT_EQ(at(d->root(), {"1"})->col, 2u);
  auto j = load("\n\n[1, [2]]");
  EXPECT_EQ(j->root()->line, 0u);
  EXPECT_EQ(at(j->root(), {"0"})->line, 2u);
  EXPECT_EQ(at(j->root(), {"0"})->col, 1u);
  EXPECT_EQ(at(j->root(), {"1"})->col, 4u);
  auto m = load("\n{\"a\": {\"b\": 1}}");
  EXPECT_EQ(m->root()->line, 1u);  // a root map keeps its place
}

TEST(LoaderPositions, Json) {
  auto d = load("{\n  \"a\": {\"b\": [1, \"x\"]},\r\n  \"c\":\r [3]}");
  const Node* r = d->root();
  EXPECT_EQ(r->map.entries[0].line, 1u);
  EXPECT_EQ(r->map.entries[0].col, 2u);
  EXPECT_EQ(at(r, {"a"})->col, 7u);
  EXPECT_EQ(at(r, {"a", "b", "1"})->col, 17u);
  EXPECT_EQ(r->map.entries[1].line, 2u);
  EXPECT_EQ(at(r, {"c"})->line, 3u);  // a lone \r ends a line too
  EXPECT_EQ(at(r, {"c"})->col, 1u);
}

TEST(LoaderPositions, ByteOrderMarkCountsAsAColumn) {
  // cfn-guard's scanner skips the BOM as a character: the root map starts at
  // column 1, so a key at column 0 on the next line ends the document.
  auto d = load("\xEF\xBB\xBF" "a: [1]\nb: [2]\n");
  const Node* r = d->root();
  EXPECT_EQ(r->col, 1u);
  EXPECT_EQ(r->map.size, 1u);
  EXPECT_EQ(at(r, {"a"})->col, 4u);
}

TEST(LoaderPaths, PathsAndParents) {
  auto d = load("Resources:\n  B:\n    Tags: [{Key: k}, x]\n");
  const Node* tags = at(d->root(), {"Resources", "B", "Tags"});
  EXPECT_EQ(pathOf(tags), "/Resources/B/Tags");
  EXPECT_EQ(pathOf(at(tags, {"0", "Key"})), "/Resources/B/Tags/0/Key");
  EXPECT_EQ(pathOf(at(tags, {"1"})), "/Resources/B/Tags/1");
  EXPECT_EQ(pathOf(d->root()), "");
  EXPECT_EQ(d->root()->parent, nullptr);
  EXPECT_EQ(at(tags, {"1"})->parent, tags);
  EXPECT_EQ(at(tags, {"1"})->slot, 1u);
}

// ---- documents, limits, errors ----

TEST(LoaderDocuments, FirstDocumentOnly) {
  auto d = load("A: 1\n---\nA: 2\n");
  EXPECT_EQ(at(d->root(), {"A"})->i, 1);
  auto e = load("A: 1\n---\n[bad\n");  // never parsed
  EXPECT_EQ(at(e->root(), {"A"})->i, 1);
  auto s = load("---\n");
  EXPECT_EQ(s->root()->kind, NodeKind::String);
  EXPECT_EQ(s->root()->text(), "");
}

TEST(LoaderDocuments, EmptyInput) {
  for (const char* t : {"", " ", "\n\n", " \t\r\n", "\xC2\xA0", "\xE3\x80\x80\n", "\v\f"})
    EXPECT_EQ(loadError(t, "/x/d.yaml"), "Unable to parse a template from data file: /x/d.yaml is empty");
  Document doc;
  EXPECT_FALSE(parseInto(doc, "").ok());
  EXPECT_FALSE(parseInto(doc, "  \n").ok());
}

TEST(LoaderDocuments, CommentOnlyStreamPanicsLikeCfnGuard) {
  std::string e = loadError("# only a comment\n");
  EXPECT_EQ(e, "thread 'main' panicked at guard/src/rules/libyaml/event.rs:63:14:\nnot implemented");
}

TEST(LoaderDocuments, SyntaxErrorTexts) {
  std::string text = "a: [1, 2\nb: }\n";
  EXPECT_EQ(loadError(text, "/CASE/malformed.yaml"),
            "Error encountered while parsing data file: /CASE/malformed.yaml, data beginning with "
            "\na: [1, 2\nb: }\n\n ...");
  std::string longText = "a: [" + std::string(200, 'x') + "\n";
  EXPECT_EQ(loadError(longText), "Error encountered while parsing data file: data.yaml, data beginning with \n" +
                                     longText.substr(0, 100) + "\n ...");
  // The excerpt would split 'é' (bytes 99..101): cfn-guard panics.
  std::string mb = "a: [" + std::string(95, 'x') + "\xC3\xA9zzz\n";
  EXPECT_EQ(loadError(mb),
            "thread 'main' panicked at guard/src/commands/validate.rs:730:25:\nbyte index 100 is "
            "not a char boundary; it is inside '\xC3\xA9' (bytes 99..101) of `" + mb + "`");
  auto r = loadDocument("a: [1, 2\nb: }\n", "n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, "n");
  EXPECT_GT(r.error().line, 0u);
}

TEST(LoaderDocuments, ParseIntoUsesLibyamlMessages) {
  Document doc;
  auto r = parseInto(doc, "{\"a\": 1,");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "did not find expected node content at line 2 column 1, while parsing a flow node");
  auto ok = parseInto(doc, "{\"Statement\": [{\"Effect\": \"Deny\"}]}");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(at(ok.value(), {"Statement", "0", "Effect"})->text(), "Deny");
  EXPECT_NE(doc.keys().find("Effect"), kNoKey);
  auto y = parseInto(doc, "{a: [1, 2.5]}");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(at(y.value(), {"a", "1"})->kind, NodeKind::Float);
}

std::string nested(char open, char close, int depth, const char* leaf) {
  return std::string(size_t(depth), open) + leaf + std::string(size_t(depth), close);
}

TEST(LoaderLimits, DepthLimit) {
  const int max = int(kMaxDocumentDepth);
  EXPECT_TRUE(loadDocument(nested('[', ']', max, "1"), "d").ok());
  EXPECT_FALSE(loadDocument(nested('[', ']', max + 1, "1"), "d").ok());
  EXPECT_FALSE(loadDocument(nested('[', ']', 100000, "1"), "d").ok());  // no stack overflow
  std::string yaml = "a: " + nested('[', ']', max - 1, "1");
  EXPECT_TRUE(loadDocument(yaml, "d").ok());
  EXPECT_FALSE(loadDocument("a: " + nested('[', ']', max, "1"), "d").ok());
  // A short-form wrapper counts as a level.
  EXPECT_FALSE(loadDocument("a: !Sub " + nested('[', ']', max - 1, "1"), "d").ok());
  std::string deepMap;
  for (int i = 0; i < max + 1; ++i) deepMap += "{\"k\": ";
  deepMap += "1" + std::string(size_t(max + 1), '}');
  EXPECT_FALSE(loadDocument(deepMap, "d").ok());
}

TEST(LoaderLimits, SimpleKeyLengthCountsBytes) {
  // libyaml refuses an implicit key whose ':' is more than 1024 bytes from
  // its start (cfn-guard's libyaml counts bytes, not characters).
  std::string ok = "{\"" + std::string(1022, 'a') + "\": 1}";
  EXPECT_TRUE(loadDocument(ok, "d").ok());
  std::string tooLong = "{\"" + std::string(1023, 'a') + "\": 1}";
  EXPECT_FALSE(loadDocument(tooLong, "d").ok());
  std::string e;
  for (int i = 0; i < 600; ++i) e += "\xC3\xA9";
  EXPECT_FALSE(loadDocument("{\"" + e + "\": 1}", "d").ok());
  EXPECT_FALSE(loadDocument(e + ": 1\n", "d").ok());
  EXPECT_TRUE(loadDocument(e.substr(0, 1000) + ": 1\n", "d").ok());
}

// ---- JSON fast path against the YAML loader ----

void expectSameTree(const Node* a, const Node* b) {
  std::vector<std::pair<const Node*, const Node*>> work{{a, b}};
  while (!work.empty()) {
    auto [x, y] = work.back();
    work.pop_back();
    ASSERT_EQ(x->kind, y->kind) << pathOf(x);
    ASSERT_EQ(x->line, y->line) << pathOf(x);
    ASSERT_EQ(x->col, y->col) << pathOf(x);
    ASSERT_EQ(pathOf(x), pathOf(y));
    ASSERT_EQ(x->slot, y->slot);
    switch (x->kind) {
      case NodeKind::Int: ASSERT_EQ(x->i, y->i); break;
      case NodeKind::Float:
        if (std::isnan(x->f)) ASSERT_TRUE(std::isnan(y->f));
        else ASSERT_EQ(x->f, y->f) << pathOf(x);
        break;
      case NodeKind::Bool: ASSERT_EQ(x->b, y->b); break;
      case NodeKind::String: ASSERT_EQ(x->text(), y->text()) << pathOf(x); break;
      case NodeKind::List:
        ASSERT_EQ(x->list.size, y->list.size);
        for (uint32_t i = 0; i < x->list.size; ++i) work.push_back({x->list.items[i], y->list.items[i]});
        break;
      case NodeKind::Map:
        ASSERT_EQ(x->map.size, y->map.size) << pathOf(x);
        for (uint32_t i = 0; i < x->map.size; ++i) {
          const MapEntry& p = x->map.entries[i];
          const MapEntry& q = y->map.entries[i];
          ASSERT_EQ(p.keyText(), q.keyText());
          ASSERT_EQ(p.line, q.line) << pathOf(p.value);
          ASSERT_EQ(p.col, q.col) << pathOf(p.value);
          work.push_back({p.value, q.value});
        }
        break;
      default: break;
    }
  }
}

// Loads `text` with both loaders; `viaJson` says whether the fast path must take it.
void expectJsonMatchesYaml(const std::string& text, bool viaJson = true) {
  Document jd, yd;
  Node* j = detail::parseJson(jd, text, text.size());
  EXPECT_EQ(j != nullptr, viaJson) << text;
  auto y = detail::parseYaml(yd, text);
  ASSERT_TRUE(y.ok()) << text << "\n" << y.error().message;
  if (j) expectSameTree(j, y.value());
  // And through the public entry point.
  auto d = loadDocument(text, "d.json");
  ASSERT_TRUE(d.ok());
  expectSameTree(d.value()->root(), y.value());
}

TEST(LoaderJson, SameTreeAsYaml) {
  expectJsonMatchesYaml("{\"Resources\": {\"B\": {\"Properties\": {\"Size\": 10}}}}");
  expectJsonMatchesYaml("[{\"id\": 1}, {\"id\": 2}]");
  expectJsonMatchesYaml(
      "{\n  \"a\" : [1, -2, 3.5, -0.0, 1e3, 1E-3, 12345678901234567890, -9223372036854775808,"
      " 9223372036854775807, 0, -0, 1e400],\n  \"b\": [true, false, null, \"\", \"x\\ny\\t\\\"q\\\"\\\\\\/\","
      " \"\\u00e9\\u0041\", \"\\u0000\"],\n\t\"c\": {\"d\": {}, \"e\": [], \"f\": [[[]]]},\n"
      "  \"é\": \"ü\", \"A\": 1, \"A\": {\"z\": 2}, \"g\": \"10\", \"h\": \"true\"\n}\n");
  expectJsonMatchesYaml("\r\n{\"a\":1,\r\n\"b\":\r[1,\r\n2]}\r\n");
  expectJsonMatchesYaml("[\"\xE2\x80\x94 dash\", \"\xE6\x97\xA5\xE6\x9C\xAC\", {\"\xF0\x9F\x98\x80\": 1, \"k\": [2]}]");
  std::string big = "{";
  for (int i = 0; i < 300; ++i) {
    if (i) big += ",\n";
    big += "  \"k" + std::to_string(i % 250) + "\": {\"v\": [" + std::to_string(i) + ", \"s" +
           std::to_string(i) + "\", " + std::to_string(i) + ".5]}";
  }
  big += "}";
  expectJsonMatchesYaml(big);
}

TEST(LoaderJson, DeclinesWhatYamlReadsDifferently) {
  // simdjson accepts all of these, but YAML refuses them: the fast path must
  // leave them to the YAML loader, whose verdict is final.
  for (std::string t : {
           std::string("{\"a\": \"\\ud83d\\ude00\"}"),  // escaped surrogates
           std::string("{\"a\": \"x\x7F!\"}"),               // DEL
           std::string("{\"a\": \"x\xC2\x80!\"}"),          // a C1 control
           std::string("{\"a\": \"x\xEF\xBF\xBF!\"}"),     // U+FFFF
           std::string("\t{\"a\": 1}"),                      // tab before the root
           std::string("{\"a\": 1}\n\t\n"),                  // tab on a line after it
           std::string("{\"a\"\n: 1}"),                      // ':' on the next line
           std::string("{\"" + std::string(1023, 'k') + "\": 1}"),  // ':' too far from the key
       }) {
    Document d;
    EXPECT_EQ(detail::parseJson(d, t, t.size()), nullptr) << t;
    EXPECT_FALSE(loadDocument(t, "d.json").ok()) << t;
  }
  // YAML reads NEL, LS and PS inside a quoted string as line breaks (folded).
  for (std::string t : {std::string("{\"a\": \"x\xC2\x85y\"}"), std::string("{\"a\": \"x \xE2\x80\xA8 y\"}")}) {
    Document d;
    EXPECT_EQ(detail::parseJson(d, t, t.size()), nullptr) << t;
    auto r = loadDocument(t, "d.json");
    ASSERT_TRUE(r.ok()) << t;
    EXPECT_NE(at(r.value()->root(), {"a"})->text(), t.substr(7, t.size() - 9)) << t;
  }
  // Not JSON but YAML: the YAML loader takes them.
  for (std::string t : {std::string("{\"a\": 1,}"), std::string("[1, 2,]"), std::string("{a: 1}"),
                        std::string("[1] # c"), std::string("{\"a\": 01}"), std::string("[tru]"),
                        std::string("{\"a\": 1}\n---\nb: 2\n"), std::string("{\"a\": 1e5.5}"),
                        // Only the first document counts, and YAML ends it at the root's end.
                        std::string("[1] x"), std::string("{\"a\": 1} {\"b\": 2}")}) {
    Document d;
    EXPECT_EQ(detail::parseJson(d, t, t.size()), nullptr) << t;
    EXPECT_TRUE(loadDocument(t, "d.json").ok()) << t;
  }
  auto r = loadDocument("{\"a\": 01, \"b\": [tru]}", "d.json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(at(r.value()->root(), {"a"})->i, 1);
  EXPECT_EQ(at(r.value()->root(), {"b", "0"})->text(), "tru");
}

TEST(LoaderJson, TextIsKept) {
  std::string text = "{\"a\": 1}";
  auto d = loadDocument(text, "/p/d.json");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value()->text(), text);
  EXPECT_EQ(d.value()->name(), "/p/d.json");
}

// ---- the shared conformance cases ----

std::string readFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(LoaderConformance, DataFilesLoadOrFailAsExpected) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(GUARD_SOURCE_DIR) / ".." / "shared" / "conformance" / "cases";
  if (!fs::exists(root)) GTEST_SKIP() << "no shared conformance cases at " << root;
  int checked = 0;
  for (const char* suite : {"data-loading", "cfn-tags"}) {
    std::vector<fs::path> cases;
    for (auto& e : fs::directory_iterator(root / suite)) cases.push_back(e.path());
    std::sort(cases.begin(), cases.end());
    for (const fs::path& dir : cases) {
      fs::path data;
      for (const char* n : {"data.yaml", "data.json", "data.yml"})
        if (fs::exists(dir / n)) data = dir / n;
      if (data.empty()) continue;
      simdjson::dom::parser p;
      simdjson::padded_string expectedText(readFile(dir / "expected.json"));
      simdjson::dom::element expected;
      ASSERT_FALSE(p.parse(expectedText).get(expected)) << dir;
      int64_t exitCode = 0;
      ASSERT_FALSE(expected["exit"].get_int64().get(exitCode)) << dir;
      std::string_view error;
      bool hasError = !expected["error"].get_string().get(error);
      bool mustFail = exitCode == 255 && hasError && error.find("Parser Error when parsing") != std::string_view::npos;

      auto r = loadDocument(readFile(data), data.filename().string());
      ++checked;
      if (!mustFail) {
        EXPECT_TRUE(r.ok()) << dir << ": " << (r.ok() ? "" : r.error().message);
        continue;
      }
      ASSERT_FALSE(r.ok()) << dir << " should fail to load";
      // expected.json holds cfn-guard's stderr, sometimes cut short.
      std::string shown = "Error occurred Parser Error when parsing `" + r.error().message + "`";
      EXPECT_EQ(shown.substr(0, error.size()), error) << dir;
    }
  }
  EXPECT_GE(checked, 40);
}

// lookupKeyText (the console report's resource lookups) answers as the
// plain scan does, on small maps, on maps big enough for the hash index, and
// for a key the document never uses.
TEST(Document, LookupKeyTextAgreesWithTheScan) {
  std::string text = "small: {a: 1, b: 2}\nbig: {";
  for (int i = 0; i < 40; ++i) text += (i ? ", " : "") + std::string("k") + std::to_string(i) + ": " + std::to_string(i);
  text += "}\n";
  auto doc = load(text);
  ASSERT_TRUE(doc);
  const Node* small = Document::lookupText(doc->root(), "small");
  const Node* big = Document::lookupText(doc->root(), "big");
  ASSERT_TRUE(small && big);
  for (const Node* map : {doc->root(), small, big})
    for (std::string key : {"a", "b", "k0", "k17", "k39", "k40", "small", "big", "absent", ""})
      EXPECT_EQ(doc->lookupKeyText(map, key), Document::lookupText(map, key)) << key;
  EXPECT_EQ(doc->lookupKeyText(Document::lookupText(big, "k3"), "k3"), nullptr);  // not a map
}

// The VM warms the values of result sets ahead of its loops
// (runtime/prefetch.h), reading their nodes, entries and items: that must stay
// within every kind of node, empty containers, unresolved values without a
// node, and sets of any length (ASan and UBSan check the reads).
TEST(Prefetch, WarmsEveryKindOfValueWithinBounds) {
  auto doc = load(
      "A: {}\nB: []\nC: ''\nD: text\nE: 1\nF: 1.5\nG: true\nH: null\n"
      "I: [1, [], {}, x, {k: v}]\nJ: {a: {b: [1, 2]}, c: [], d: '', e: {}}\n"
      "K: {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9}\n");
  ASSERT_TRUE(doc);
  std::vector<QValue> all;
  std::vector<const Node*> work{doc->root()};
  while (!work.empty()) {
    const Node* n = work.back();
    work.pop_back();
    all.push_back(QValue::resolved(n));
    if (n->kind == NodeKind::Map)
      for (uint32_t i = 0; i < n->map.size; ++i) work.push_back(n->map.entries[i].value);
    if (n->kind == NodeKind::List)
      for (uint32_t i = 0; i < n->list.size; ++i) work.push_back(n->list.items[i]);
  }
  all.push_back(QValue{});  // an unresolved value may carry no node
  ASSERT_GT(all.size(), 30u);  // more than kNodeAhead + kMinSet: every stage runs
  for (size_t n = 0; n <= all.size(); ++n)
    for (size_t i = 0; i < n; ++i) prefetchAhead(all.data(), i, n);
  SUCCEED();
}

}  // namespace
}  // namespace guard
