// Unit tests of the report views (report/*.cpp) and the JSON/YAML writers
// (runtime/json_writer.cpp): writer escaping and float forms, YAML quoting,
// summary table layout and colour, emit-messages splitting, the stateful
// code-excerpt cursor (including its backward-seek mis-numbering), and a few
// end-to-end reports whose expected text was captured from cfn-guard 3.1.1.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include <string>

#include "compiler/compile.h"
#include "runtime/json_writer.h"
#include "runtime/loader.h"
#include "vm/interp.h"
#include "report/report.h"
#include "report/model.h"
#include "report/verbose.h"

namespace guard {
namespace {

using json::Value;

std::string pretty(const Value& v) {
  std::string s;
  json::writePretty(s, v);
  return s;
}

std::string yaml(const Value& v) {
  std::string s;
  EXPECT_TRUE(json::writeYaml(s, v));
  return s;
}

// ------------------------------------------------------------------ JSON writer

TEST(JsonWriter, EscapesMinimally) {
  std::string s;
  json::writeCompact(s, Value::string("a\"b\\c\n\t\r\b\f\x01/é"));
  EXPECT_EQ(s, "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001/é\"");
}

TEST(JsonWriter, PrettyLayout) {
  Value o = Value::object();
  o.set("name", Value::string("x"));
  o.set("metadata", Value::object());
  o.set("list", Value::array()).push(Value::integer(1));
  o.set("empty", Value::array());
  o.set("n", Value::null());
  EXPECT_EQ(pretty(o),
            "{\n  \"name\": \"x\",\n  \"metadata\": {},\n  \"list\": [\n    1\n  ],\n"
            "  \"empty\": [],\n  \"n\": null\n}");
}

// serde_json's pretty layout written the obvious way, over a whole tree: the
// reference the event writer (PrettyWriter, behind writePretty) must match.
void referencePretty(std::string& out, const Value& v, int level) {
  auto indent = [&](int l) { out.append(size_t(l) * 2, ' '); };
  const bool array = v.kind() == Value::Kind::Array, object = v.kind() == Value::Kind::Object;
  if (!array && !object) {
    json::writeCompact(out, v);
    return;
  }
  const size_t n = array ? v.items().size() : v.members().size();
  if (n == 0) {
    out += array ? "[]" : "{}";
    return;
  }
  out += array ? "[\n" : "{\n";
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ",\n";
    indent(level + 1);
    if (object) {
      json::writeCompact(out, Value::string(v.members()[i].first));
      out += ": ";
    }
    referencePretty(out, array ? v.items()[i] : v.members()[i].second, level + 1);
  }
  out += "\n";
  indent(level);
  out += array ? "]" : "}";
}

Value randomValue(std::mt19937& rng, int depth) {
  switch (rng() % (depth > 3 ? 5 : 7)) {
    case 0: return Value::null();
    case 1: return Value::boolean(rng() % 2);
    case 2: return Value::integer(int64_t(rng()) - (1 << 30));
    case 3: return Value::number(double(rng() % 1000) / 8);
    case 4: return Value::string(std::string(rng() % 4, "a\"\n\\"[rng() % 4]));
    case 5: {
      Value a = Value::array();
      for (unsigned i = rng() % 4; i > 0; --i) a.push(randomValue(rng, depth + 1));
      return a;
    }
    default: {
      Value o = Value::object();
      for (unsigned i = rng() % 4; i > 0; --i) o.set("k" + std::to_string(i), randomValue(rng, depth + 1));
      return o;
    }
  }
}

// The event writers against the whole-tree reference: PrettyWriter (at every
// nesting level) and the tree TreeWriter rebuilds from the same events.
TEST(JsonWriter, EventWritersAgreeWithTheWholeTreeReference) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    const Value v = randomValue(rng, 0);
    const int level = round % 3;
    std::string expected, got;
    referencePretty(expected, v, level);
    json::writePretty(got, v, level);
    ASSERT_EQ(got, expected) << "round " << round;
    json::TreeWriter t;
    t.value(v);
    std::string a, b;
    json::writeCompact(a, v);
    json::writeCompact(b, t.take());
    ASSERT_EQ(b, a) << "round " << round;
  }
}

// Events::node writes a document's values as fromNode's tree would be written.
TEST(JsonWriter, NodeEventsEqualTheNodesTree) {
  auto doc = loadDocument(
      "a: [1, 2.5, true, null, ~, 'x', {b: {}}, []]\nc: {d: \"q\\\"\", e: -0.0, f: .inf, g: 1e300}\n", "t.yaml");
  ASSERT_TRUE(doc.ok());
  std::string viaTree, viaEvents;
  json::writePretty(viaTree, json::fromNode(doc.value()->root()), 1);
  json::PrettyWriter w(viaEvents, 1);
  w.node(doc.value()->root());
  EXPECT_EQ(viaEvents, viaTree);
  std::string yTree, yEvents;
  ASSERT_TRUE(json::writeYaml(yTree, json::fromNode(doc.value()->root())));
  json::YamlWriter y(yEvents);
  ASSERT_TRUE(y.begin());
  y.node(doc.value()->root());
  ASSERT_TRUE(y.end());
  EXPECT_EQ(yEvents, yTree);
}

TEST(JsonWriter, FloatsLikeRyu) {
  EXPECT_EQ(json::formatFloat(1.0), "1.0");
  EXPECT_EQ(json::formatFloat(1.5), "1.5");
  EXPECT_EQ(json::formatFloat(0.1), "0.1");
  EXPECT_EQ(json::formatFloat(-0.0), "-0.0");
  EXPECT_EQ(json::formatFloat(1e20), "1e20");
  EXPECT_EQ(json::formatFloat(1e16), "1e16");
  EXPECT_EQ(json::formatFloat(1e15), "1000000000000000.0");
  EXPECT_EQ(json::formatFloat(1.5e-7), "1.5e-7");
  EXPECT_EQ(json::formatFloat(0.0001), "0.0001");
  EXPECT_EQ(json::formatFloat(0.00001), "0.00001");
  EXPECT_EQ(json::formatFloat(0.000001), "1e-6");
  EXPECT_EQ(json::formatFloat(123456789012345678.0), "1.2345678901234568e17");
  EXPECT_EQ(pretty(Value::number(1.0 / 0.0)), "null");
}

TEST(JsonWriter, RustDebugFloats) {
  EXPECT_EQ(vm::report::floatDebug(3.0), "3.0");
  EXPECT_EQ(vm::report::floatDebug(1.5), "1.5");
  EXPECT_EQ(vm::report::floatDebug(1e20), "1e20");
  EXPECT_EQ(vm::report::floatDebug(1.5e-7), "1.5e-7");
}

// ------------------------------------------------------------------ YAML writer

TEST(YamlWriter, QuotesLikeSerdeYaml) {
  Value o = Value::object();
  o.set("context", Value::string(" User EXISTS  "));
  o.set("empty", Value::string(""));
  o.set("t", Value::string("true"));
  o.set("num", Value::string("123"));
  o.set("lead0", Value::string("0123"));
  o.set("float", Value::string("1e5"));
  o.set("plain", Value::string("/root/"));
  o.set("colon", Value::string("a: b"));
  o.set("multi", Value::string("\n    Violation: x\n  "));
  o.set("block", Value::string("a\nb"));
  EXPECT_EQ(yaml(o),
            "context: ' User EXISTS  '\n"
            "empty: ''\n"
            "t: 'true'\n"
            "num: '123'\n"
            "lead0: 0123\n"
            "float: '1e5'\n"
            "plain: /root/\n"
            "colon: 'a: b'\n"
            "multi: \"\\n    Violation: x\\n  \"\n"
            "block: |-\n  a\n  b\n");
}

TEST(YamlWriter, SequencesAndEmptyContainers) {
  Value o = Value::object();
  o.set("metadata", Value::object());
  o.set("not_applicable", Value::array());
  Value& cmp = o.set("comparison", Value::array());
  cmp.push(Value::string("Eq"));
  cmp.push(Value::boolean(true));
  o.set("n", Value::null());
  o.set("f", Value::number(3.0));
  EXPECT_EQ(yaml(o),
            "metadata: {}\nnot_applicable: []\ncomparison:\n- Eq\n- true\nn: null\nf: 3.0\n");
}

// ------------------------------------------------------------------ console helpers

TEST(EmitMessages, SplitsOnSemicolonsThenLines) {
  std::string out;
  vm::report::emitMessages(out, "  ", "one; two ;", "err", 16);
  EXPECT_EQ(out, "  Message          {\n    one\n    two\n  }\n  Error            = err\n");
  out.clear();
  vm::report::emitMessages(out, "", "\n  line a\n  line b\n", "", 0);
  EXPECT_EQ(out, "Message {\n  line a\n  line b\n}\n");
  out.clear();
  vm::report::emitMessages(out, "", "single", "", 0);
  EXPECT_EQ(out, "Message = single\n");
  out.clear();
  vm::report::emitMessages(out, "", "", "", 19);
  EXPECT_EQ(out, "");
}

TEST(CodeCursor, FreshSeekAndNext) {
  vm::report::CodeCursor c("l1\nl2\r\nl3\nl4\n");
  uint64_t n;
  std::string_view t;
  ASSERT_TRUE(c.seek(2, n, t));
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(t, "l2");  // the '\r' is dropped
  ASSERT_TRUE(c.next(n, t));
  EXPECT_EQ(t, "l3");
  ASSERT_TRUE(c.next(n, t));
  EXPECT_EQ(n, 4u);
  EXPECT_FALSE(c.next(n, t));  // no empty line after the final newline
}

TEST(CodeCursor, WrappedSeekFindsNothing) {
  vm::report::CodeCursor c("a\nb\n");
  uint64_t n;
  std::string_view t;
  uint64_t line = 0;
  EXPECT_FALSE(c.seek(std::max<uint64_t>(1, line - 2), n, t));
  EXPECT_FALSE(c.next(n, t));
}

// A backward seek followed by a forward seek past what was read numbers the
// new lines from the moved-back position, and answers by position in the
// list of lines read (captured from cfn-guard: c5 in docs/reports.md).
TEST(CodeCursor, BackwardSeekMisnumbers) {
  std::string text;
  for (int i = 1; i <= 30; ++i) text += "L" + std::to_string(i) + "\n";
  vm::report::CodeCursor c(text);
  uint64_t n;
  std::string_view t;
  ASSERT_TRUE(c.seek(9, n, t));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.next(n, t));  // read up to line 14
  ASSERT_TRUE(c.seek(2, n, t));
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(t, "L2");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.next(n, t));  // back at position 7
  ASSERT_TRUE(c.seek(21, n, t));
  EXPECT_EQ(n, 14u);
  EXPECT_EQ(t, "L21");
  ASSERT_TRUE(c.next(n, t));
  EXPECT_EQ(n, 15u);
  EXPECT_EQ(t, "L22");
}

// The cursor as cfn-guard's ReadCursor is written: a list of (number, line)
// pairs read one line at a time. The slow, obviously correct path that
// CodeCursor's runs over a LineTable are checked against.
class ReferenceCursor {
 public:
  explicit ReferenceCursor(std::string_view text) : text_(text) {}
  bool next(uint64_t& num, std::string_view& line) {
    if (n_ < seen_.size()) return at(++n_, num, line);
    if (!readLine(line)) return false;
    seen_.emplace_back(++n_, line);
    return at(n_, num, line);
  }
  bool seek(uint64_t k, uint64_t& num, std::string_view& line) {
    if (seen_.size() > k) return at(n_ = k, num, line);
    for (;;) {
      std::string_view l;
      if (!readLine(l)) return false;
      seen_.emplace_back(++n_, l);
      if (n_ == k) return at(n_, num, line);
    }
  }

 private:
  bool at(uint64_t n, uint64_t& num, std::string_view& line) const {
    num = seen_[n - 1].first;
    line = seen_[n - 1].second;
    return true;
  }
  bool readLine(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    size_t nl = text_.find('\n', pos_);
    size_t end = nl == std::string_view::npos ? text_.size() : nl;
    line = text_.substr(pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    return true;
  }
  std::string_view text_;
  size_t pos_ = 0;
  uint64_t n_ = 0;
  std::vector<std::pair<uint64_t, std::string_view>> seen_;
};

TEST(CodeCursor, AgreesWithTheLineByLineCursor) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int lines = int(rng() % 40);
    for (int i = 0; i < lines; ++i) {
      text += "line";
      text += std::to_string(i);
      text += rng() % 4 == 0 ? "\r\n" : "\n";
      if (rng() % 7 == 0) text += "\n";  // empty lines
    }
    if (rng() % 2 && !text.empty()) text.pop_back();  // no final line break
    vm::report::CodeCursor fast(text);
    ReferenceCursor slow(text);
    for (int op = 0; op < 60; ++op) {
      uint64_t n1 = 0, n2 = 0;
      std::string_view t1, t2;
      bool r1, r2;
      if (rng() % 3 == 0) {
        r1 = fast.next(n1, t1);
        r2 = slow.next(n2, t2);
      } else {
        uint64_t k = 1 + rng() % 50;
        r1 = fast.seek(k, n1, t1);
        r2 = slow.seek(k, n2, t2);
      }
      ASSERT_EQ(r1, r2) << "round " << round << " op " << op;
      if (r1) {
        ASSERT_EQ(n1, n2) << "round " << round << " op " << op;
        ASSERT_EQ(t1, t2) << "round " << round << " op " << op;
      }
    }
  }
}

// ------------------------------------------------------------------ end to end

struct Evaluated {
  vm::Program program;
  std::unique_ptr<Document> doc;
  vm::FileResult result;
  std::string text;
};

std::unique_ptr<Evaluated> evaluate(const std::string& rules, const std::string& data,
                                    bool trace = false) {
  auto e = std::make_unique<Evaluated>();
  auto c = compileInto(SourceFile{"r.guard", "r.guard", rules}, e->program);
  if (!c.ok()) {
    ADD_FAILURE() << c.error().message;
    return nullptr;
  }
  e->text = data;
  auto d = loadDocument(data, "/CASE/t.yaml");
  if (!d.ok()) {
    ADD_FAILURE() << d.error().message;
    return nullptr;
  }
  e->doc = std::move(d.value());
  vm::EvalLimits limits;
  limits.trace = trace;
  limits.passingQueryChecks = true;  // as `validate` evaluates for its console report
  auto r = vm::evaluateFile(e->program, uint32_t(e->program.files.size() - 1), *e->doc, nullptr, limits);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().message;
    return nullptr;
  }
  e->result = std::move(r.value());
  return e;
}

vm::PairView view(const Evaluated& e) {
  return vm::PairView{e.program, e.result, *e.doc, e.text, "r.guard", "/CASE/t.yaml"};
}

// The console's generic report of an evaluation (data without Resources),
// and the number of checks the structured report gives its one failed rule.
const char kGenericHead[] = "Evaluation of rules r.guard against data /CASE/t.yaml\n--\n";

std::string genericReport(const Evaluated& e) {
  std::string out, panic;
  EXPECT_TRUE(vm::writeConsoleDetail(out, view(e), vm::ConsoleOptions{}, panic));
  return out;
}

size_t structuredChecksOfTheFailedRule(const Evaluated& e) {
  vm::report::FileReportModel model = vm::report::buildFileReport(view(e));
  EXPECT_EQ(model.notCompliant.size(), 1u);
  return model.notCompliant.empty() ? 0 : model.notCompliant[0].checks.size();
}

// The default rule (named `<file>/default` in the JSON report) is listed as
// `default` under the file's name, padded like the others (cfn-guard 3.1.1).
TEST(SummaryTable, TheDefaultRuleIsListedOnceUnderTheFileName) {
  auto e = evaluate("x == 1\nrule r1 { x == 1 }\n", "x: 1\n");
  ASSERT_TRUE(e);
  std::string out;
  vm::ConsoleOptions o;
  o.summary = vm::kShowPass;
  vm::writeSummaryTable(out, view(*e), o);
  EXPECT_EQ(out,
            "/CASE/t.yaml Status = PASS\n"
            "PASS rules\n"
            "r.guard/default    PASS\n"
            "r.guard/r1         PASS\n"
            "---\n");
}

TEST(SummaryTable, PadsToLongestNamePlusFour) {
  auto e = evaluate("rule a { x == 1 }\nrule longer_name { x == 2 }\nrule s when y exists { x == 1 }\n",
                    "x: 1\n");
  ASSERT_TRUE(e);
  std::string out;
  vm::ConsoleOptions o;
  o.summary = vm::kShowPass | vm::kShowFail | vm::kShowSkip;
  vm::writeSummaryTable(out, view(*e), o);
  EXPECT_EQ(out,
            "/CASE/t.yaml Status = FAIL\n"
            "SKIP rules\n"
            "r.guard/s              SKIP\n"
            "PASS rules\n"
            "r.guard/a              PASS\n"
            "FAILED rules\n"
            "r.guard/longer_name    FAIL\n"
            "---\n");
  out.clear();
  o.summary = 0;
  vm::writeSummaryTable(out, view(*e), o);
  EXPECT_EQ(out, "");
  out.clear();
  o.summary = vm::kShowFail;
  o.color = true;
  vm::writeSummaryTable(out, view(*e), o);
  EXPECT_EQ(out,
            "/CASE/t.yaml Status = \x1b[1;31mFAIL\x1b[0m\n"
            "\x1b[1mFAILED rules\x1b[0m\n"
            "r.guard/longer_name    \x1b[1;31mFAIL\x1b[0m\n"
            "---\n");
}

TEST(FileReport, UnaryAndBinaryEntries) {
  auto e = evaluate("rule r {\n  missing exists\n  s != \"hello\" <<m>>\n}\n", "s: hello\n");
  ASSERT_TRUE(e);
  std::string out;
  vm::writeFileReportJson(out, view(*e));
  EXPECT_NE(out.find("\"reason\": \"Could not find key missing inside struct at path [L:0,C:0]\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\"error_message\": \"Check was not compliant as property value "
                     "[Path=/s[L:0,C:3] Value=\\\"hello\\\"] equal to value [Path=[L:0,C:0] "
                     "Value=\\\"hello\\\"].\""),
            std::string::npos)
      << out;
  EXPECT_EQ(out.back(), '}');  // no final newline
}

// cfn-guard 3.1.1 writes half a report and exits 255 when a failing value is
// NaN or infinite ("Could not convert float NaN to serde::Value::Number");
// guardvm writes the whole report with the value as null
// (docs/compatibility.md).
TEST(FileReport, NaNAndInfinityAreWrittenAsNull) {
  auto e = evaluate("let a = json_parse(S)\nlet b = json_parse(T)\nrule r { %a == 1 }\nrule s { %b == 1 }\n",
                    "S: '.nan'\nT: '-.inf'\n");
  ASSERT_TRUE(e);
  std::string out;
  vm::writeFileReportJson(out, view(*e));
  // Messages show Rust's Display of the value ("NaN", "-inf"); values are JSON.
  EXPECT_EQ(out.find("\"value\": NaN"), std::string::npos) << out;
  EXPECT_EQ(out.find("\"value\": -inf"), std::string::npos) << out;
  size_t nulls = 0;
  for (size_t at = out.find("\"value\": null"); at != std::string::npos; at = out.find("\"value\": null", at + 1))
    ++nulls;
  EXPECT_EQ(nulls, 2u) << out;
  EXPECT_EQ(out.back(), '}');
}

// Every failure of one `%a IN %b` shares %b's values and their listing: one
// copy per comparison, not per failure (at 50,000 resources the copies were
// 500 MB). The shared list is still what each failure shows.
TEST(FileReport, InFailuresShareTheirRightHandValues) {
  auto e = evaluate("let names = Tags[*].Key\nrule r { Items[*] in %names }\n",
                    "Items: [x, y, z]\nTags: [{Key: a}, {Key: b}]\n");
  ASSERT_TRUE(e);
  const vm::report::FileReportModel m = vm::report::buildFileReport(view(*e));
  std::vector<const vm::report::ClauseReport*> ins;
  std::function<void(const std::vector<vm::report::ClauseReport>&)> collect = [&](const auto& checks) {
    for (const auto& c : checks) {
      if (c.kind == vm::report::CrKind::InResolved) ins.push_back(&c);
      collect(c.checks);
    }
  };
  collect(m.notCompliant);
  ASSERT_EQ(ins.size(), 3u);
  for (const auto* c : ins) {
    ASSERT_TRUE(c->inTo);
    EXPECT_EQ(c->inTo.get(), ins[0]->inTo.get());
    ASSERT_TRUE(c->error && c->error->shared);
    EXPECT_EQ(c->error->shared.get(), ins[0]->error->shared.get());
  }
  ASSERT_EQ(ins[0]->inTo->size(), 2u);
  EXPECT_EQ((*ins[0]->inTo)[1]->text(), "b");
}

// A set comparison names each failing member against all resolved
// right-hand values (InResolved), whatever the shapes; a not-comparable pair
// is a value pair, worded after the test that refused it: the substring test
// of `IN 'string'`, list membership, or equality (cfn-guard 3.1.1's wording).
TEST(FileReport, SetMembersAreInFormAndNotComparableReasonsFollowTheTest) {
  auto e = evaluate(
      "let l = ['a', 'c']\nlet s = 'a'\n"
      "rule set { %l IN A[*] }\n"
      "rule member { %l IN Mixed[*] }\n"
      "rule substring { N[*] IN 'a' }\n"
      "rule literals { %l IN %s }\n",
      "A: [a, b]\nMixed: [a, [x]]\nN: [[1]]\n");
  ASSERT_TRUE(e);
  std::string out;
  vm::writeFileReportJson(out, view(*e));
  for (const char* want : {
           R"(property [/1[L:0,C:0]] was not present in [(resolved, Path=/A/0[L:0,C:4] Value=\"a\").)",
           R"(Error = [Can not compare type Path=[L:0,C:0] Value=[\"a\",\"c\"], Path=/Mixed/0[L:1,C:8] Value=\"a\"])",
           R"(Error = [Type not comparable, Path=/N/0/0[L:2,C:5] Value=1, Path=[L:0,C:0] Value=\"a\"])",
           R"(Error = [Can not compare type Path=[L:0,C:0] Value=[\"a\",\"c\"], Path=[L:0,C:0] Value=\"a\"])"})
    EXPECT_NE(out.find(want), std::string::npos) << want << "\n" << out;
}

// The JSON file report is written clause by clause (no tree; a report can be
// quadratic in the template): the same text as the tree's pretty print, and
// the same when a drain takes the text away after every clause. YAML too.
// --structured -o json|yaml: the list writers give the text of the tree of
// every report, also when drained after every clause.
TEST(FileReport, StreamedStructuredListEqualsTheTree) {
  auto e = evaluate("rule r {\n  s != \"hello\"\n  A == 1 or B == 2\n}\nrule p { s exists }\n",
                    "s: hello\nA: 3\nB: 4\n");
  ASSERT_TRUE(e);
  const std::vector<vm::report::FileReportModel> ms = {vm::report::buildFileReport(view(*e)),
                                                       vm::report::buildFileReport(view(*e))};
  json::Value list = json::Value::array();
  for (const auto& m : ms) list.push(vm::report::toJson(m));
  std::string tree, yamlTree;
  json::writePretty(tree, list);
  ASSERT_TRUE(json::writeYaml(yamlTree, list));
  std::string streamed, yamlStreamed, drained;
  vm::report::writeJsonPrettyList(streamed, ms, [&](std::string& text) {
    drained += text;
    text.clear();
  });
  EXPECT_EQ(drained + streamed, tree);
  ASSERT_TRUE(vm::report::writeYamlList(yamlStreamed, ms));
  EXPECT_EQ(yamlStreamed, yamlTree);
}

TEST(FileReport, StreamedJsonEqualsTheTreeAndSurvivesDraining) {
  auto e = evaluate(
      "rule inner { L[*] { V == 1 } }\n"
      "rule r {\n  missing exists\n  s != \"hello\" <<m>>\n  s in [\"a\", \"b\"]\n"
      "  A == 1 or B == 2\n  inner\n  some L[*].V == 9\n}\n"
      "rule empty_checks when s exists { s == \"hello\" }\nrule skipped when nope exists { s exists }\n",
      "s: hello\nA: 3\nB: 4\nL: [{V: 1}, {V: 2}, {W: 3}]\n");
  ASSERT_TRUE(e);
  const vm::PairView v = view(*e);
  std::string tree;
  json::writePretty(tree, vm::report::toJson(vm::report::buildFileReport(v)));
  std::string streamed;
  vm::writeFileReportJson(streamed, v);
  EXPECT_EQ(streamed, tree);
  std::string drained, rest;
  size_t calls = 0;
  vm::writeFileReportJson(rest, v, [&](std::string& text) {
    ++calls;
    drained += text;
    text.clear();
  });
  EXPECT_EQ(drained + rest, tree);
  EXPECT_GT(calls, 5u);
  EXPECT_NE(tree.find("\"Disjunctions\""), std::string::npos);
  EXPECT_NE(tree.find("\"InResolved\""), std::string::npos);

  std::string yamlTree;
  ASSERT_TRUE(json::writeYaml(yamlTree, vm::report::toJson(vm::report::buildFileReport(v))));
  std::string yamlStreamed;
  vm::writeFileReportYaml(yamlStreamed, v);
  EXPECT_EQ(yamlStreamed, yamlTree);
  drained.clear();
  rest.clear();
  vm::writeFileReportYaml(rest, v, [&](std::string& text) {
    drained += text;
    text.clear();
  });
  EXPECT_EQ(drained + rest, yamlTree);
}

// The resource excerpts of this template exercise the shared cursor: the
// third resource's lines are numbered from the moved-back position.
TEST(ConsoleReport, CloudFormationCursorAcrossResources) {
  std::string data =
      "Resources:\n  B:\n    Type: T::B\n    Properties:\n      x: 1\n  A:\n    Type: T::A\n"
      "    Properties:\n      pad1: 0\n      pad2: 0\n      pad3: 0\n      x: 1\n  Filler:\n"
      "    Type: T::F\n    Properties:\n      y: 0\n      y2: 0\n      y3: 0\n  C:\n    Type: T::C\n"
      "    Properties:\n      p1: 0\n      p2: 0\n      x: 1\n      after1: 0\n      after2: 0\n"
      "      after3: 0\n      after4: 0\n      after5: 0\n      after6: 0\n      after7: 0\n";
  auto e = evaluate(
      "rule x_two {\n  Resources.A.Properties.x == 2\n  Resources.B.Properties.x == 2\n"
      "  Resources.C.Properties.x == 2\n}\n",
      data);
  ASSERT_TRUE(e);
  std::string out, panic;
  ASSERT_TRUE(vm::writeConsoleDetail(out, view(*e), vm::ConsoleOptions{}, panic));
  // A drain taking the text after each resource changes nothing in it.
  std::string drained, rest;
  int resources = 0;
  ASSERT_TRUE(vm::writeConsoleDetail(rest, view(*e), vm::ConsoleOptions{}, panic, [&](std::string& text) {
    ++resources;
    drained += text;
    text.clear();
  }));
  EXPECT_EQ(drained + rest, out);
  EXPECT_EQ(resources, 3);
  EXPECT_NE(out.find("          Code:\n"
                     "               14.    Properties:\n"
                     "               15.      p1: 0\n"
                     "               16.      p2: 0\n"
                     "               17.      x: 1\n"
                     "               18.      after1: 0\n"
                     "               19.      after2: 0\n"
                     "\n"),
            std::string::npos)
      << out;
}

// cfn-guard 3.1.1 panics here (cfn.rs:187, exit 101, golden v49); a gate
// needs the report, so the file gets the generic one (docs/compatibility.md).
TEST(ConsoleReport, UntypedResourceGetsTheGenericReportWhereCfnGuardPanics) {
  auto e = evaluate("rule r {\n  Resources.X.Properties.a == 2\n}\n",
                    "Resources:\n  X:\n    Properties:\n      a: 1\n");
  ASSERT_TRUE(e);
  std::string out, panic;
  EXPECT_TRUE(vm::writeConsoleDetail(out, view(*e), vm::ConsoleOptions{}, panic));
  EXPECT_EQ(panic, "");
  EXPECT_EQ(out.find("panicked"), std::string::npos) << out;
  EXPECT_NE(out.find("Property [/Resources/X/Properties/a] in data"), std::string::npos) << out;
  EXPECT_NE(out.find("provided value [1] did not match expected value [2]"), std::string::npos) << out;
}

TEST(ConsoleReport, GenericReportOrdering) {
  auto e = evaluate("rule p { a exists }\nrule f { a == 2 <<two\nplease>> }\nrule s when b exists { a exists }\n",
                    "a: 1\n");
  ASSERT_TRUE(e);
  std::string out, panic;
  vm::ConsoleOptions o;
  o.summary = vm::kShowPass | vm::kShowFail | vm::kShowSkip;
  ASSERT_TRUE(vm::writeConsoleDetail(out, view(*e), o, panic));
  EXPECT_EQ(out,
            "Evaluation of rules r.guard against data /CASE/t.yaml\n"
            "--\n"
            "Property [/a] in data [/CASE/t.yaml] is not compliant with [f] because provided value [1] "
            "did not match expected value [2]. Error Message [two;please]\n"
            "--\n"
            "Rule [p] is compliant for template [/CASE/t.yaml]\n"
            "--\n"
            "Rule [s] is not applicable for template [/CASE/t.yaml]\n"
            "--\n");
}

// The generic report of a failed rule lists every failed check under it, as
// cfn-guard's find_failing_clauses does: also those in the conditions of
// `when` blocks (whatever the condition answered) and under passing blocks;
// the structured reports leave both out.
TEST(ConsoleReport, GenericReportListsFailedConditionsAndPassingBlocks) {
  auto e = evaluate("rule r {\n  x == 2\n  when a == 1 or x == 1 { x exists }\n  some l[*] { this == 1 }\n}\n",
                    "x: 1\nl: [1, 2]\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(genericReport(*e),
            std::string(kGenericHead) +
            "Property [/x] in data [/CASE/t.yaml] is not compliant with [r] because provided value [1] "
            "did not match expected value [2]. Error Message []\n"
            "Property traversed until [] in data [/CASE/t.yaml] is not compliant with [r] due to retrieval "
            "error. Error Message [Could not find key a inside struct at path [L:0,C:0]]\n"
            "Property [/l/1] in data [/CASE/t.yaml] is not compliant with [r] because provided value [2] "
            "did not match expected value [1]. Error Message []\n"
            "--\n");
  EXPECT_EQ(structuredChecksOfTheFailedRule(*e), 1u);  // x == 2 only
}

// A parameterized rule that passes keeps the failed alternatives of the
// `or`s in its body: cfn-guard lists them when the calling rule fails
// (session 19; guardvm dropped the passing call's records).
TEST(ConsoleReport, GenericReportListsFailuresUnderAPassingParameterizedCall) {
  auto e = evaluate("rule p(v) {\n  a.b <= 30 or x exists\n}\nrule r {\n  p(x)\n  x == 2\n}\n", "x: 1\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(genericReport(*e),
            std::string(kGenericHead) +
            "Property traversed until [] in data [/CASE/t.yaml] is not compliant with [r] due to retrieval "
            "error. Error Message [Could not find key a inside struct at path [L:0,C:0]]\n"
            "Property [/x] in data [/CASE/t.yaml] is not compliant with [r] because provided value [1] "
            "did not match expected value [2]. Error Message []\n"
            "--\n");
  EXPECT_EQ(structuredChecksOfTheFailedRule(*e), 1u);  // x == 2 only
}

// What the query of a clause that did not fail recorded (a keys filter's
// unselected keys; the checks of a scalar a filter tested) is listed by
// cfn-guard's generic report when the rule fails, and by no structured report
// (session 19; guardvm dropped it with the clause).
TEST(ConsoleReport, GenericReportListsWhatPassingClausesQueriesRecorded) {
  const std::string rules =
      "rule r {\n  m[ keys == 'p' ] exists\n  n[*][ k exists ] !exists\n  x == 2\n}\n";
  const std::string data = "m: {p: 1, q: 2}\nn: 3\nx: 1\n";
  auto e = evaluate(rules, data);
  ASSERT_TRUE(e);
  EXPECT_EQ(genericReport(*e),
            std::string(kGenericHead) +
            "Property [/m] in data [/CASE/t.yaml] is not compliant with [r] because provided value [\"q\"] "
            "did not match expected value [\"p\"]. Error Message []\n"
            "Property traversed until [/n] in data [/CASE/t.yaml] is not compliant with [r] due to retrieval "
            "error. Error Message [Attempting to retrieve from key k but type is not an struct type at path "
            "/n[L:1,C:3], Type = int, Value = Int((Path(\"/n\", Location { line: 1, col: 3 }), 3))]\n"
            "Property [/x] in data [/CASE/t.yaml] is not compliant with [r] because provided value [1] "
            "did not match expected value [2]. Error Message []\n"
            "--\n");
  EXPECT_EQ(structuredChecksOfTheFailedRule(*e), 1u);  // x == 2 only
}

// A keys filter's `in` check lists every right-hand value in the generic
// report, an unresolved one as the value where it stopped; the structured
// reports list the resolved ones only (session 19).
TEST(ConsoleReport, KeysInChecksListUnresolvedValuesWhereTheyStopped) {
  auto e = evaluate("let v = l[*].k\nrule r {\n  m[ keys in %v ] !exists\n}\n",
                    "m: {p: 1, q: 2}\nl: [{k: p}, {j: 1}]\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(genericReport(*e),
            std::string(kGenericHead) +
            "Property [] in data [/CASE/t.yaml] is not compliant with [r] because provided value [\"q\"] "
            "did not match expected value in [[\"p\",{\"j\":1}]]. Error Message []\n"
            "Property [/m/p] in data [/CASE/t.yaml] is not compliant with [r] because needed value at [1] "
            "existed. Error Message []\n"
            "--\n");
}

// The generic report (no Resources map) hands its text to the drain as it
// goes: line by line when one rule failed (its lines can run to hundreds of
// MB), group by group when several did, which are still sorted by text. The
// drained text is the undrained text, and a same-named later rule still wins.
TEST(ConsoleReport, GenericReportDrainsAndKeepsItsOrder) {
  const std::string data = "L: [1, 2, 3, 4, 5, 6]\nb: 1\n";
  const std::vector<std::pair<std::string, size_t>> cases = {
      {"rule one { L[*] == 9 }\n", 6},                                        // a call per record
      {"rule z { L[*] == 8 }\nrule a { L[*] == 9 }\nrule m { b == 2 }\n", 3},  // per group
      {"rule same { L[*] == 8 }\nrule same { b == 2 }\n", 1}};
  for (const auto& [rules, minCalls] : cases) {
    auto e = evaluate(rules, data);
    ASSERT_TRUE(e) << rules;
    std::string whole, panic;
    ASSERT_TRUE(vm::writeConsoleDetail(whole, view(*e), vm::ConsoleOptions{}, panic));
    std::string drained, rest;
    size_t calls = 0;
    ASSERT_TRUE(vm::writeConsoleDetail(rest, view(*e), vm::ConsoleOptions{}, panic, [&](std::string& text) {
      ++calls;
      drained += text;
      text.clear();
    }));
    EXPECT_EQ(drained + rest, whole) << rules;
    EXPECT_GE(calls, minCalls) << rules;
  }
  auto e = evaluate("rule z { L[*] == 8 }\nrule a { L[*] == 9 }\n", data);
  ASSERT_TRUE(e);
  std::string out, panic;
  ASSERT_TRUE(vm::writeConsoleDetail(out, view(*e), vm::ConsoleOptions{}, panic));
  EXPECT_LT(out.find("is not compliant with [a]"), out.find("is not compliant with [z]"));
  auto same = evaluate("rule same { L[*] == 8 }\nrule same { b == 2 }\n", data);
  ASSERT_TRUE(same);
  out.clear();
  ASSERT_TRUE(vm::writeConsoleDetail(out, view(*same), vm::ConsoleOptions{}, panic));
  EXPECT_EQ(out.find("[/L/0]"), std::string::npos);
  EXPECT_NE(out.find("[/b]"), std::string::npos);
}

}  // namespace
}  // namespace guard

namespace guard {
namespace {

// ------------------------------------------------------------------ verbose tree (trace mode)

// Expected text captured from cfn-guard 3.1.1 (validate -v): a filtered let
// recorded in the first rule that uses it, an `or` stopping at its first
// pass, a rule reference evaluated afresh once, a type block, and a `when`
// inside a block.
constexpr const char* kTraceRules = R"~(let as = Resources.*[ Type == /A$/ ]
rule r1 { %as.Properties.N == 2 or %as.Properties.N == 1 }
rule r2 when r1 {
  T::B { Properties exists }
  %as { when Properties exists { Properties.N > 5 } }
}
)~";
constexpr const char* kTraceData = R"~(Resources:
  A:
    Type: T::A
    Properties:
      N: 1
  B:
    Type: T::B
)~";
constexpr const char* kTraceTree = R"~(`- File(/CASE/t.yaml, Status=FAIL)[Context=File(rules=2)]
   |- Rule(r1, Status=PASS)[Context=r1]
   |  `- Disjunction(Status = PASS)[Context=cfn_guard::rules::exprs::RuleClause#disjunction]
   |     |- GuardClauseBlock(Status = FAIL)[Context=GuardAccessClause#block %as[*].Properties.N EQUALS  2]
   |     |  |- Filter/ConjunctionsBlock(Status=PASS)[Context=Filter/Map#1]
   |     |  |  `- GuardClauseBlock(Status = PASS)[Context=GuardAccessClause#block Type EQUALS  "/A$/"]
   |     |  |     `- GuardClauseValueCheck(Status=PASS)[Context= Type EQUALS  "/A$/"]
   |     |  |- Filter/ConjunctionsBlock(Status=FAIL)[Context=Filter/Map#1]
   |     |  |  `- GuardClauseBlock(Status = FAIL)[Context=GuardAccessClause#block Type EQUALS  "/A$/"]
   |     |  |     `- GuardClauseBinaryCheck(Status=FAIL, Comparison= EQUALS, from=(resolved, Path=/Resources/B/Type[L:6,C:10] Value="T::B"), to=(resolved, Path=[L:0,C:0] Value="/A$/"))[Context= Type EQUALS  "/A$/"]
   |     |  `- GuardClauseBinaryCheck(Status=FAIL, Comparison= EQUALS, from=(resolved, Path=/Resources/A/Properties/N[L:4,C:9] Value=1), to=(resolved, Path=[L:0,C:0] Value=2))[Context= %as[*].Properties.N EQUALS  2]
   |     `- GuardClauseBlock(Status = PASS)[Context=GuardAccessClause#block %as[*].Properties.N EQUALS  1]
   |        `- GuardClauseValueCheck(Status=PASS)[Context= %as[*].Properties.N EQUALS  1]
   `- Rule(r2, Status=FAIL)[Context=r2]
      |- Rule/When(Status=PASS)[Context=Rule#r2/When]
      |  `- GuardClauseValueCheck(Status=PASS)[Context=Rule(r1@Location[file:r.guard, line:3, column:14])]
      |     `- Rule(r1, Status=PASS)[Context=r1]
      |        `- Disjunction(Status = PASS)[Context=cfn_guard::rules::exprs::RuleClause#disjunction]
      |           |- GuardClauseBlock(Status = FAIL)[Context=GuardAccessClause#block %as[*].Properties.N EQUALS  2]
      |           |  `- GuardClauseBinaryCheck(Status=FAIL, Comparison= EQUALS, from=(resolved, Path=/Resources/A/Properties/N[L:4,C:9] Value=1), to=(resolved, Path=[L:0,C:0] Value=2))[Context= %as[*].Properties.N EQUALS  2]
      |           `- GuardClauseBlock(Status = PASS)[Context=GuardAccessClause#block %as[*].Properties.N EQUALS  1]
      |              `- GuardClauseValueCheck(Status=PASS)[Context= %as[*].Properties.N EQUALS  1]
      |- Type(T::B, Status=FAIL)[Context=TypeBlock#T::B]
      |  |- Filter/ConjunctionsBlock(Status=FAIL)[Context=Filter/Map#1]
      |  |  `- GuardClauseBlock(Status = FAIL)[Context=GuardAccessClause#block Type EQUALS  "T::B"]
      |  |     `- GuardClauseBinaryCheck(Status=FAIL, Comparison= EQUALS, from=(resolved, Path=/Resources/A/Type[L:2,C:10] Value="T::A"), to=(resolved, Path=[L:0,C:0] Value="T::B"))[Context= Type EQUALS  "T::B"]
      |  |- Filter/ConjunctionsBlock(Status=PASS)[Context=Filter/Map#1]
      |  |  `- GuardClauseBlock(Status = PASS)[Context=GuardAccessClause#block Type EQUALS  "T::B"]
      |  |     `- GuardClauseValueCheck(Status=PASS)[Context= Type EQUALS  "T::B"]
      |  `- TypeBlock/Block Status=FAIL)[Context=TypeBlock#T::B/0]
      |     `- GuardClauseBlock(Status = FAIL)[Context=GuardAccessClause#block Properties EXISTS  ]
      |        `- GuardClauseUnaryCheck(Status=FAIL, Comparison= EXISTS, Value-At=(unresolved, Path=/Resources/B[L:6,C:4] Value={"Type":"T::B"}))[Context= Properties EXISTS  ]
      `- GuardValueBlockCheck(Status = FAIL)[Context=BlockGuardClause#Location[file:r.guard, line:5, column:3]]
         `- WhenConditionalBlock(Status = FAIL)[Context=GuardConditionClause]
            |- WhenCondition(Status = PASS)[Context=GuardConditionClause/When]
            |  `- GuardClauseBlock(Status = PASS)[Context=GuardAccessClause#block Properties EXISTS  ]
            |     `- GuardClauseValueCheck(Status=PASS)[Context= Properties EXISTS  ]
            `- GuardClauseBlock(Status = FAIL)[Context=GuardAccessClause#block Properties.N GREATER THAN  5]
               `- GuardClauseBinaryCheck(Status=FAIL, Comparison= GREATER THAN, from=(resolved, Path=/Resources/A/Properties/N[L:4,C:9] Value=1), to=(resolved, Path=[L:0,C:0] Value=5))[Context= Properties.N GREATER THAN  5]
)~";

TEST(VerboseTree, MatchesCfnGuard) {
  auto e = evaluate(kTraceRules, kTraceData, /*trace=*/true);
  ASSERT_TRUE(e);
  std::string out;
  vm::writeVerboseTree(out, view(*e));
  EXPECT_EQ(out, kTraceTree);
}

// Keys-filter checks in the tree (cfn-guard 3.1.1's output): `==` with
// several values is an IN check listing every value, unresolved ones too; a
// literal one-element list shows the element the key was compared with.
TEST(VerboseTree, KeysFilterChecks) {
  auto e = evaluate("let nn = N[*].Name\nrule a { M[ keys == %nn ] == 9 }\nrule b { M[ keys == ['B'] ] == 9 }\n",
                    "M: {B: 1, C: 2}\nN: [{Name: B}, {Other: x}]\n", /*trace=*/true);
  ASSERT_TRUE(e);
  std::string out;
  vm::writeVerboseTree(out, view(*e));
  EXPECT_EQ(out, R"~(`- File(/CASE/t.yaml, Status=FAIL)[Context=File(rules=2)]
   |- Rule(a, Status=FAIL)[Context=a]
   |  `- GuardClauseBlock(Status = FAIL)[Context=GuardAccessClause#block M. (map-key-filter-clauses) EQUALS  9]
   |     |- GuardClauseValueCheck(Status=PASS)[Context=]
   |     |- GuardClauseInBinaryCheck(Status=FAIL, Comparison= IN, from=(resolved, Path=/M[L:0,C:10] Value="C"), to=(resolved, Path=/N/0/Name[L:1,C:11] Value="B").(unresolved, Path=/N/1[L:1,C:15] Value={"Other":"x"}))[Context=]
   |     `- GuardClauseBinaryCheck(Status=FAIL, Comparison= EQUALS, from=(resolved, Path=/M/B[L:0,C:7] Value=1), to=(resolved, Path=[L:0,C:0] Value=9))[Context= M. (map-key-filter-clauses) EQUALS  9]
   `- Rule(b, Status=FAIL)[Context=b]
      `- GuardClauseBlock(Status = FAIL)[Context=GuardAccessClause#block M. (map-key-filter-clauses) EQUALS  9]
         |- GuardClauseValueCheck(Status=PASS)[Context=]
         |- GuardClauseBinaryCheck(Status=FAIL, Comparison= EQUALS, from=(resolved, Path=/M[L:0,C:10] Value="C"), to=(resolved, Path=/0[L:0,C:0] Value="B"))[Context=]
         `- GuardClauseBinaryCheck(Status=FAIL, Comparison= EQUALS, from=(resolved, Path=/M/B[L:0,C:7] Value=1), to=(resolved, Path=[L:0,C:0] Value=9))[Context= M. (map-key-filter-clauses) EQUALS  9]
)~");
}

TEST(VerboseTree, OffByDefault) {
  auto e = evaluate(kTraceRules, kTraceData);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->result.trace.empty());
  std::string out;
  vm::writeVerboseTree(out, view(*e));
  EXPECT_EQ(out, "");
}

TEST(VerboseTree, TraceDoesNotChangeStatuses) {
  auto plain = evaluate(kTraceRules, kTraceData);
  auto traced = evaluate(kTraceRules, kTraceData, /*trace=*/true);
  ASSERT_TRUE(plain && traced);
  ASSERT_EQ(plain->result.rules.size(), traced->result.rules.size());
  for (size_t i = 0; i < plain->result.rules.size(); ++i)
    EXPECT_EQ(plain->result.rules[i].status, traced->result.rules[i].status);
  EXPECT_EQ(plain->result.status, traced->result.status);
}

TEST(PrintJson, ShapeOfRootAndDisjunction) {
  auto e = evaluate(kTraceRules, kTraceData, /*trace=*/true);
  ASSERT_TRUE(e);
  std::string out;
  vm::writePrintJson(out, view(*e));
  EXPECT_EQ(out.rfind("{\n  \"context\": \"File(rules=2)\",\n  \"container\": {\n    \"FileCheck\": {\n"
                      "      \"name\": \"/CASE/t.yaml\",\n      \"status\": \"FAIL\",\n", 0),
            0u);
  EXPECT_EQ(out.substr(out.size() - 3), "\n}\n");
  EXPECT_NE(out.find("\"Disjunction\": {\n              \"at_least_one_matches\": true,"), std::string::npos);
}

}  // namespace
}  // namespace guard
