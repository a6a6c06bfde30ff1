// Tests of runtime/compare.cpp: order, eq, same and memberOf, row by row
// from spec/guard-language.md §8.1–8.3 and the "types at a glance" table of
// §8.9 (with a small model of §8.5 (a) for the list rows).
#include "runtime/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/regex.h"

namespace guard {
namespace {

// Builds literal nodes by hand in one document.
class Values {
 public:
  const Node* null() { return doc_.newNode(NodeKind::Null); }
  const Node* b(bool v) {
    Node* n = doc_.newNode(NodeKind::Bool);
    n->b = v;
    return n;
  }
  const Node* i(int64_t v) {
    Node* n = doc_.newNode(NodeKind::Int);
    n->i = v;
    return n;
  }
  const Node* f(double v) {
    Node* n = doc_.newNode(NodeKind::Float);
    n->f = v;
    return n;
  }
  const Node* s(std::string_view v) { return text(NodeKind::String, v); }
  const Node* ch(uint32_t cp) {
    Node* n = doc_.newNode(NodeKind::Char);
    n->ch = cp;
    return n;
  }
  const Node* re(std::string_view pattern) {
    auto compiled = Regex::compile(pattern);
    EXPECT_TRUE(compiled.ok()) << pattern;
    Node* n = text(NodeKind::Regex, pattern);
    regexes_.push_back(std::move(compiled.value()));
    n->str.re = regexes_.back().get();
    return n;
  }
  const Node* ri(int64_t lo, int64_t hi, uint8_t flags = kLowerInclusive | kUpperInclusive) {
    Node* n = doc_.newNode(NodeKind::RangeInt);
    n->irange.lo = lo;
    n->irange.hi = hi;
    n->flags = flags;
    return n;
  }
  const Node* rf(double lo, double hi, uint8_t flags) {
    Node* n = doc_.newNode(NodeKind::RangeFloat);
    n->frange.lo = lo;
    n->frange.hi = hi;
    n->flags = flags;
    return n;
  }
  const Node* rc(uint32_t lo, uint32_t hi, uint8_t flags = kLowerInclusive | kUpperInclusive) {
    Node* n = doc_.newNode(NodeKind::RangeChar);
    n->crange.lo = lo;
    n->crange.hi = hi;
    n->flags = flags;
    return n;
  }
  const Node* list(std::initializer_list<const Node*> items) {
    Node* n = doc_.newNode(NodeKind::List);
    n->list.size = uint32_t(items.size());
    n->list.items = doc_.newItems(n->list.size);
    uint32_t k = 0;
    for (const Node* it : items) n->list.items[k++] = const_cast<Node*>(it);
    return n;
  }
  const Node* map(std::initializer_list<std::pair<std::string_view, const Node*>> entries) {
    Node* n = doc_.newNode(NodeKind::Map);
    n->map.size = uint32_t(entries.size());
    n->map.entries = doc_.newEntries(n->map.size);
    uint32_t k = 0;
    for (const auto& [key, value] : entries) {
      MapEntry& e = n->map.entries[k++];
      e.key = doc_.copyString(key);
      e.keyLen = uint32_t(key.size());
      e.id = kNoKey;
      e.line = e.col = 0;
      e.value = const_cast<Node*>(value);
    }
    return n;
  }

 private:
  Node* text(NodeKind kind, std::string_view v) {
    Node* n = doc_.newNode(kind);
    n->str.data = doc_.copyString(v);
    n->str.size = uint32_t(v.size());
    return n;
  }
  Document doc_;
  std::vector<std::unique_ptr<Regex>> regexes_;
};

constexpr uint8_t kIncl = kLowerInclusive | kUpperInclusive;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* name(Cmp c) {
  switch (c) {
    case Cmp::False: return "False";
    case Cmp::True: return "True";
    case Cmp::NotComparable: return "NotComparable";
    case Cmp::Error: return "Error";
  }
  return "?";
}

const char* name(Ord o) {
  switch (o) {
    case Ord::Less: return "Less";
    case Ord::Equal: return "Equal";
    case Ord::Greater: return "Greater";
    case Ord::NotComparable: return "NotComparable";
  }
  return "?";
}

class CompareTest : public ::testing::Test {
 protected:
  Values v;

  void expectEq(const Node* a, const Node* b, Cmp want, const char* row) {
    EXPECT_STREQ(name(eq(a, b)), name(want)) << row;
  }
  void expectOrder(const Node* a, const Node* b, Ord want, const char* row) {
    EXPECT_STREQ(name(order(a, b)), name(want)) << row;
  }
};

// ---------------------------------------------------------------- §8.1 order

TEST_F(CompareTest, OrderIsDefinedOnlyForSameTypedScalars) {
  struct Row {
    const Node* a;
    const Node* b;
    Ord want;
    const char* row;
  } rows[] = {
      {v.i(1), v.i(2), Ord::Less, "int < int"},
      {v.i(2), v.i(2), Ord::Equal, "int = int"},
      {v.i(-1), v.i(-5), Ord::Greater, "negative ints"},
      {v.f(0.5), v.f(0.75), Ord::Less, "float < float"},
      {v.f(-0.0), v.f(0.0), Ord::Equal, "-0.0 = 0.0"},
      {v.s("a"), v.s("b"), Ord::Less, "strings"},
      {v.s("a"), v.s("B"), Ord::Greater, "byte order: 'B' (0x42) < 'a' (0x61)"},
      {v.s("ab"), v.s("a"), Ord::Greater, "a prefix sorts first"},
      {v.s("\xC3\xA9"), v.s("z"), Ord::Greater, "bytes compare unsigned"},
      {v.s(""), v.s(""), Ord::Equal, "empty strings"},
      {v.ch('a'), v.ch('e'), Ord::Less, "chars"},
      {v.null(), v.null(), Ord::Equal, "null = null"},
      {v.i(1), v.f(2.5), Ord::NotComparable, "int vs float"},
      {v.f(1.0), v.i(1), Ord::NotComparable, "float vs int"},
      {v.s("abc"), v.i(5), Ord::NotComparable, "string vs int"},
      {v.b(true), v.b(false), Ord::NotComparable, "bool vs bool"},
      {v.s("a"), v.ch('a'), Ord::NotComparable, "string vs char"},
      {v.null(), v.i(0), Ord::NotComparable, "null vs int"},
      {v.list({v.i(1)}), v.list({v.i(1)}), Ord::NotComparable, "lists"},
      {v.map({}), v.map({}), Ord::NotComparable, "maps"},
      {v.re("a"), v.re("a"), Ord::NotComparable, "regexes"},
      {v.ri(1, 2), v.ri(1, 2), Ord::NotComparable, "ranges"},
      {v.f(kNaN), v.f(1.0), Ord::NotComparable, "NaN"},
      {v.f(kNaN), v.f(kNaN), Ord::NotComparable, "NaN vs NaN"},
  };
  for (const Row& r : rows) expectOrder(r.a, r.b, r.want, r.row);
}

// ---------------------------------------------------------------- §8.2 eq

TEST_F(CompareTest, EqRegexRowsSearchInBothOrders) {
  expectEq(v.s("my-bucket-1"), v.re("bucket"), Cmp::True, "string/regex is an unanchored search");
  expectEq(v.re("bucket"), v.s("my-bucket-1"), Cmp::True, "regex/string likewise");
  expectEq(v.s("my-bucket"), v.re("^bucket"), Cmp::False, "anchored miss");
  expectEq(v.re("^bucket"), v.s("my-bucket"), Cmp::False, "anchored miss, regex first");
  expectEq(v.i(80), v.re("80"), Cmp::NotComparable, "regex vs int");
  expectEq(v.b(true), v.re("true"), Cmp::NotComparable, "regex vs bool");
  expectEq(v.null(), v.re("x"), Cmp::NotComparable, "regex vs null");
  expectEq(v.map({}), v.re("x"), Cmp::NotComparable, "regex vs map");
  expectEq(v.re("a+"), v.re("a+"), Cmp::True, "regex vs regex: same text");
  expectEq(v.re("a+"), v.re("aa*"), Cmp::False, "regex vs regex: different text");
  expectEq(v.s("^a.*"), v.s("abc"), Cmp::False, "a quoted string is never a regex");
}

TEST_F(CompareTest, EqRegexMatchLimitIsAnError) {
  const std::string text = std::string(40, 'a') + "!";
  expectEq(v.s(text), v.re("^(?=\\w)(\\w+\\s?)*$"), Cmp::Error, "catastrophic backtracking");
  EXPECT_FALSE(same(v.s(text), v.re("^(?=\\w)(\\w+\\s?)*$")));
}

TEST_F(CompareTest, EqScalars) {
  expectEq(v.s("abc"), v.s("abc"), Cmp::True, "string bytes");
  expectEq(v.s("abc"), v.s("abd"), Cmp::False, "string bytes differ");
  expectEq(v.b(true), v.b(true), Cmp::True, "bool");
  expectEq(v.b(true), v.b(false), Cmp::False, "bool differs");
  expectEq(v.i(1), v.i(1), Cmp::True, "int");
  expectEq(v.i(1), v.i(2), Cmp::False, "int differs");
  expectEq(v.f(1.5), v.f(1.5), Cmp::True, "float");
  expectEq(v.f(kNaN), v.f(kNaN), Cmp::NotComparable, "NaN");
  expectEq(v.ch('x'), v.ch('x'), Cmp::True, "char");
  expectEq(v.null(), v.null(), Cmp::True, "null == null");
  expectEq(v.s("x"), v.null(), Cmp::NotComparable, "string vs null");
  expectEq(v.s("true"), v.b(true), Cmp::NotComparable, "string 'true' vs bool");
  expectEq(v.s("a"), v.ch('a'), Cmp::NotComparable, "string vs char");
}

TEST_F(CompareTest, EqMapsIgnoreKeyOrder) {
  const Node* ab = v.map({{"a", v.i(1)}, {"b", v.i(2)}});
  expectEq(ab, v.map({{"b", v.i(2)}, {"a", v.i(1)}}), Cmp::True, "operators/eq-map-literal");
  expectEq(ab, v.map({{"a", v.i(1)}}), Cmp::False, "operators/eq-map-literal-extra-key");
  expectEq(v.map({{"a", v.i(1)}}), ab, Cmp::False, "fewer keys on the left");
  expectEq(ab, v.map({{"a", v.i(1)}, {"c", v.i(2)}}), Cmp::False, "same size, other key");
  expectEq(v.map({}), v.map({}), Cmp::True, "empty maps");
  expectEq(v.map({{"a", v.map({{"b", v.list({v.s("x")})}})}}), v.map({{"a", v.map({{"b", v.list({v.s("x")})}})}}),
           Cmp::True, "nested");
}

TEST_F(CompareTest, EqNotComparablePropagatesOutOfNestedValues) {
  expectEq(v.map({{"a", v.i(1)}}), v.map({{"a", v.s("x")}}), Cmp::NotComparable,
           "operators/map-ne-map-type-mismatch-fails");
  expectEq(v.list({v.i(1)}), v.list({v.f(1.0)}), Cmp::NotComparable, "list element int vs float");
  expectEq(v.map({{"a", v.list({v.i(1), v.s("y")})}}), v.map({{"a", v.list({v.i(1), v.i(2)})}}),
           Cmp::NotComparable, "two levels deep");
  // 3.1.1 stops at the first unequal pair, in the left map's key order.
  expectEq(v.map({{"a", v.i(1)}, {"b", v.s("x")}}), v.map({{"b", v.i(2)}, {"a", v.i(2)}}), Cmp::False,
           "an unequal pair before the mismatch");
  expectEq(v.map({{"b", v.s("x")}, {"a", v.i(1)}}), v.map({{"a", v.i(2)}, {"b", v.i(2)}}), Cmp::NotComparable,
           "the mismatch comes first");
  expectEq(v.list({v.i(1), v.s("x")}), v.list({v.i(2), v.i(3)}), Cmp::False, "lists stop at the first difference");
  expectEq(v.list({v.i(1)}), v.list({v.s("x"), v.i(3)}), Cmp::False, "lengths differ: no element compared");
}

TEST_F(CompareTest, EqListsAreOrdered) {
  expectEq(v.list({v.i(1), v.i(2)}), v.list({v.i(1), v.i(2)}), Cmp::True, "lists/list-eq-list-literal-ordered");
  expectEq(v.list({v.i(1), v.i(2)}), v.list({v.i(2), v.i(1)}), Cmp::False, "order matters");
  expectEq(v.list({}), v.list({}), Cmp::True, "empty lists");
  expectEq(v.list({v.s("a")}), v.s("a"), Cmp::NotComparable, "list vs scalar");
  expectEq(v.list({v.s("abc")}), v.list({v.re("b")}), Cmp::True, "regex element");
}

TEST_F(CompareTest, EqRangeMembership) {
  expectEq(v.i(5), v.ri(1, 10), Cmp::True, "operators/range-eq-works");
  expectEq(v.i(100), v.ri(50, 200), Cmp::True, "operators/range-int-inclusive");
  expectEq(v.i(200), v.ri(50, 200), Cmp::True, "inclusive upper bound");
  expectEq(v.i(50), v.ri(50, 200, kUpperInclusive), Cmp::False, "operators/range-exclusive-lower");
  expectEq(v.i(51), v.ri(50, 200, kUpperInclusive), Cmp::True, "just above an exclusive lower bound");
  expectEq(v.i(200), v.ri(50, 200, kLowerInclusive), Cmp::False, "operators/range-exclusive-upper");
  expectEq(v.i(199), v.ri(50, 200, kLowerInclusive), Cmp::True, "just below an exclusive upper bound");
  expectEq(v.i(-5), v.ri(-10, 10), Cmp::True, "operators/range-negative-int");
  expectEq(v.i(11), v.ri(1, 10), Cmp::False, "outside");
  expectEq(v.f(0.5), v.rf(0.0, 1.0, 0), Cmp::True, "operators/range-float");
  expectEq(v.f(0.0), v.rf(0.0, 1.0, 0), Cmp::False, "exclusive float bound");
  expectEq(v.f(1.0), v.rf(0.0, 1.0, kIncl), Cmp::True, "inclusive float bound");
  expectEq(v.f(kNaN), v.rf(0.0, 1.0, kIncl), Cmp::False, "NaN is in no range");
  expectEq(v.i(1), v.rf(0.0, 5.0, 0), Cmp::NotComparable, "int in a float range");
  expectEq(v.f(1.0), v.ri(0, 5), Cmp::NotComparable, "float in an int range");
  expectEq(v.ch('c'), v.rc('a', 'e'), Cmp::True, "functions/parse-char");
  expectEq(v.ch('e'), v.rc('a', 'e', kLowerInclusive), Cmp::False, "exclusive char bound");
  expectEq(v.s("b"), v.rc('a', 'e'), Cmp::NotComparable, "operators/range-char: strings are not chars");
  expectEq(v.ri(1, 10), v.i(5), Cmp::NotComparable, "range on the left is not comparable");
  expectEq(v.ri(1, 10), v.ri(1, 10), Cmp::NotComparable, "range vs range");
}

// ---------------------------------------------------------------- §8.9

// The outcome of `value == literal` and `value != literal` per §8.5 (a),
// for the table's rows: PASS when every per-pair outcome passes.
std::pair<bool, bool> clause(const Node* value, const Node* lit) {
  std::vector<Cmp> pairs;
  if (lit->kind == NodeKind::List) {
    pairs.push_back(value->kind != NodeKind::List && lit->list.size == 1 ? eq(value, lit->list.items[0])
                                                                          : eq(value, lit));
  } else if (value->kind == NodeKind::List) {
    for (uint32_t k = 0; k < value->list.size; ++k) pairs.push_back(eq(value->list.items[k], lit));
  } else {
    pairs.push_back(eq(value, lit));
  }
  bool eqPass = true, nePass = true;
  for (Cmp c : pairs) {
    eqPass = eqPass && c == Cmp::True;
    nePass = nePass && c == Cmp::False;
  }
  return {eqPass, nePass};
}

TEST_F(CompareTest, TypesAtAGlance) {
  struct Row {
    const Node* value;
    const Node* lit;
    bool eqPass, nePass;
    const char* row;
  } rows[] = {
      {v.i(1), v.i(1), true, false, "int 1 / int 1"},
      {v.i(1), v.f(1.0), false, false, "int 1 / float 1.0"},
      {v.i(80), v.s("80"), false, false, "int 80 / string '80'"},
      {v.s("80"), v.i(80), false, false, "string '80' / int 80"},
      {v.b(true), v.s("true"), false, false, "bool true / string 'true'"},
      {v.s("x"), v.null(), false, false, "string 'x' / null"},
      {v.null(), v.null(), true, false, "null / null"},
      {v.i(5), v.ri(1, 10), true, false, "int 5 / r[1,10]"},
      {v.f(0.5), v.rf(0.0, 1.0, 0), true, false, "float 0.5 / r(0.0,1.0)"},
      {v.i(1), v.rf(0.0, 5.0, 0), false, false, "int 1 / r(0.0,5.0)"},
      {v.s("b"), v.rc('a', 'e'), false, false, "string 'b' / r[a,e]"},
      {v.s("abc"), v.re("b"), true, false, "string 'abc' / /b/"},
      {v.i(80), v.re("80"), false, false, "int 80 / /80/"},
      {v.list({v.i(1), v.i(2)}), v.list({v.i(1), v.i(2)}), true, false, "[1,2] / [1,2]"},
      {v.list({v.i(1), v.i(2)}), v.i(1), false, false, "[1,2] / 1"},
      {v.list({}), v.s("anything"), true, true, "[] / anything"},
  };
  for (const Row& r : rows) {
    auto [eqPass, nePass] = clause(r.value, r.lit);
    EXPECT_EQ(eqPass, r.eqPass) << "== " << r.row;
    EXPECT_EQ(nePass, r.nePass) << "!= " << r.row;
  }
}

// ---------------------------------------------------------------- §8.3 same

TEST_F(CompareTest, SameIsLenientAndNeverNotComparable) {
  EXPECT_TRUE(same(v.i(1), v.i(1)));
  EXPECT_FALSE(same(v.i(1), v.f(1.0)));
  EXPECT_FALSE(same(v.s("80"), v.i(80)));
  EXPECT_TRUE(same(v.null(), v.null()));
  EXPECT_FALSE(same(v.f(kNaN), v.f(kNaN)));
  EXPECT_TRUE(same(v.b(false), v.b(false)));
  EXPECT_TRUE(same(v.ch('a'), v.ch('a')));
  EXPECT_TRUE(same(v.s("x"), v.s("x")));
  // Regex rows apply in both orders.
  EXPECT_TRUE(same(v.re("^b"), v.s("bucket")));
  EXPECT_TRUE(same(v.s("bucket"), v.re("^b")));
  EXPECT_FALSE(same(v.re("^b"), v.s("abc")));
  EXPECT_FALSE(same(v.re("1"), v.i(1)));
  EXPECT_TRUE(same(v.re("x"), v.re("x")));
  // Range rows only with the range on the right.
  EXPECT_TRUE(same(v.i(5), v.ri(1, 10)));
  EXPECT_FALSE(same(v.ri(1, 10), v.i(5)));
  EXPECT_TRUE(same(v.ch('b'), v.rc('a', 'e')));
  EXPECT_FALSE(same(v.rc('a', 'e'), v.ch('b')));
  // Containers: element-wise with same, so a nested mismatch is just false.
  EXPECT_FALSE(same(v.map({{"a", v.i(1)}}), v.map({{"a", v.s("x")}})));
  EXPECT_TRUE(same(v.map({{"a", v.i(1)}, {"b", v.i(2)}}), v.map({{"b", v.i(2)}, {"a", v.i(1)}})));
  EXPECT_FALSE(same(v.map({{"a", v.i(1)}}), v.map({{"a", v.i(1)}, {"b", v.i(2)}})));
  EXPECT_TRUE(same(v.list({v.s("abc")}), v.list({v.re("b")})));
  EXPECT_TRUE(same(v.list({v.re("b")}), v.list({v.s("abc")})));
  EXPECT_FALSE(same(v.list({v.i(1), v.i(2)}), v.list({v.i(2), v.i(1)})));
  EXPECT_FALSE(same(v.list({v.i(1)}), v.i(1)));
}

TEST_F(CompareTest, MemberOfPutsTheElementOnTheLeft) {
  const Node* mixed = v.list({v.i(1), v.s("x"), v.re("^z")});
  EXPECT_TRUE(memberOf(v.i(1), mixed)) << "lists/in-mixed-list r1";
  EXPECT_TRUE(memberOf(v.s("zed"), mixed)) << "lists/in-mixed-list r2";
  EXPECT_FALSE(memberOf(v.i(2), mixed)) << "lists/in-mixed-list r3";
  EXPECT_TRUE(memberOf(v.s("bucket"), v.list({v.re("^b"), v.s("x")}))) << "lists/in-regex-list";
  EXPECT_TRUE(memberOf(v.s("stage-app"), v.list({v.re("^prod-"), v.re("^stage-")})));
  EXPECT_FALSE(memberOf(v.i(5), v.list({v.ri(1, 10), v.i(443)}))) << "lists/in-range-in-list";
  EXPECT_TRUE(memberOf(v.i(443), v.list({v.ri(1, 10), v.i(443)})));
  EXPECT_TRUE(memberOf(v.s("gp3"), v.list({v.s("gp2"), v.s("gp3")}))) << "lists/in-list-scalar";
  EXPECT_FALSE(memberOf(v.i(1), v.list({}))) << "lists/empty-list-literal-in";
  EXPECT_TRUE(memberOf(v.list({v.i(1), v.i(2)}), v.list({v.list({v.i(1), v.i(2)}), v.list({v.i(3), v.i(4)})})))
      << "lists/list-of-lists-in";
  EXPECT_FALSE(memberOf(v.list({v.i(1), v.i(2)}), v.list({v.list({v.i(2), v.i(1)})})));
  EXPECT_FALSE(memberOf(v.i(1), v.i(1))) << "not a list";
}

// ---------------------------------------------------------------- eqHash

// `in` over many maps looks candidates up by eqHash, so every pair that eq
// calls equal must hash alike (map order, -0.0), and a value eq compares by
// something other than equality (a regex, a range) must have no hash.
TEST_F(CompareTest, EqHashAgreesWithEq) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<const Node*> pool = {
      v.null(), v.b(true), v.b(false), v.i(0), v.i(1), v.i(-1), v.f(0.0), v.f(-0.0), v.f(1.0), v.f(nan),
      v.s(""), v.s("a"), v.s("b"), v.s("ab"),
      v.list({}), v.list({v.i(1), v.i(2)}), v.list({v.i(2), v.i(1)}), v.list({v.f(-0.0)}), v.list({v.f(0.0)}),
      v.map({}), v.map({{"a", v.i(1)}, {"b", v.i(2)}}), v.map({{"b", v.i(2)}, {"a", v.i(1)}}),
      v.map({{"a", v.i(2)}, {"b", v.i(1)}}), v.map({{"a", v.i(1)}}),
      v.map({{"x", v.map({{"p", v.s("q")}, {"r", v.list({v.f(-0.0)})}})}, {"y", v.null()}}),
      v.map({{"y", v.null()}, {"x", v.map({{"r", v.list({v.f(0.0)})}, {"p", v.s("q")}})}}),
  };
  size_t equalPairs = 0;
  for (const Node* a : pool) {
    for (const Node* b : pool) {
      uint64_t ha = 0, hb = 0;
      ASSERT_TRUE(eqHash(a, ha) && eqHash(b, hb));
      if (eq(a, b) == Cmp::True) {
        EXPECT_EQ(ha, hb);
        if (a != b) ++equalPairs;
      }
    }
  }
  EXPECT_EQ(equalPairs, 8u);  // 0.0/-0.0, [-0.0]/[0.0], the two reordered maps, the nested pair; both ways
  uint64_t h1 = 0, h2 = 0;
  ASSERT_TRUE(eqHash(pool[20], h1) && eqHash(pool[22], h2));
  EXPECT_NE(h1, h2) << "{a:1,b:2} and {a:2,b:1}";
  uint64_t h = 0;
  EXPECT_FALSE(eqHash(v.re("a"), h));
  EXPECT_FALSE(eqHash(v.ri(1, 2), h));
  EXPECT_FALSE(eqHash(v.ch('a'), h));
  EXPECT_FALSE(eqHash(v.map({{"a", v.list({v.re("a")})}}), h));
}

}  // namespace
}  // namespace guard
