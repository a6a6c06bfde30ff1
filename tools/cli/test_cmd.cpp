// `guardvm test`: runs cfn-guard unit-test files (a YAML/JSON list of
// {name, input, expectations: {rules: {name: PASS|FAIL|SKIP}}}) against a
// rules file, or every rules file of a directory with its tests/ files
// (spec/cli-and-reports.md §10). Console output is written as it goes; the
// structured formats (json, yaml, junit) collect one TestFileResult per rules
// file and are written at the end. Called by tools/guardvm.cpp.
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "runtime/json_writer.h"
#include "runtime/loader.h"
#include "tools/cli/args.h"
#include "tools/cli/command_line.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/compile_cache.h"
#include "tools/cli/help.h"
#include "vm/interp.h"
#include "report/report.h"
#include "report/verbose.h"

namespace guard::cli {
namespace {

struct TestOptions {
  std::string rulesFile, testData, dir, format = "single-line-summary";
  bool alphabetical = false, lastModified = false, verbose = false;
  bool noCache = false;  // --no-cache: compile every source, keep nothing (compile_cache.h)
  bool structured() const { return format != "single-line-summary"; }
};

bool hasTestExtension(std::string_view p) {
  for (std::string_view ext : {".json", ".yaml", ".JSON", ".YAML", ".yml", ".jsn"})
    if (endsWith(p, ext)) return true;
  return false;
}

const Node* member(const Node* map, std::string_view key) {
  return map && map->kind == NodeKind::Map ? Document::lookupText(map, key) : nullptr;
}

// What one test spec produced; rule lists are sorted by rule name (spec §4).
struct SpecResult {
  std::optional<std::string> name;
  std::vector<std::string> noExpectation;
  std::vector<std::pair<std::string, std::string>> passed;  // rule, expected word
  struct Unmet {
    std::string rule, expected;
    std::vector<std::string> evaluated;
  };
  std::vector<Unmet> failed;
  std::optional<Error> error;  // fatal: bad expectation word or evaluation error
  std::string tree;   // -v: the evaluation record tree (§8.1, empty data name)
};

// The structured result of one rules file: test cases, or an error message.
struct TestFileResult {
  std::string ruleFile;
  std::vector<SpecResult> cases;
  std::optional<std::string> error;
  double millis = 0;
};

// Result of running one rules file over its test files, console form.
struct RunOutcome {
  int code = kExitOk;   // 0, 1 (bad test file), 7 (unmet expectation), 255 (bad word)
  bool fatal = false;   // stop everything (invalid expectation word)
};

// ---- serde_json's first error for a text that is not a list of test specs (§10.2)

std::string jsonPos(std::string_view t, size_t consumed) {
  size_t line = 1, col = 0;
  for (size_t i = 0; i < consumed && i < t.size(); ++i) {
    if (t[i] == '\n') ++line, col = 0;
    else ++col;
  }
  return " at line " + std::to_string(line) + " column " + std::to_string(col);
}

// Why serde_json rejects `t` as Vec<TestSpec>. Reproduces the top-level
// cases exactly (cfn-guard shows this message whenever YAML fails); inside
// a '[' it only distinguishes an unterminated list.
std::string serdeJsonError(std::string_view t) {
  size_t i = t.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return "EOF while parsing a value" + jsonPos(t, t.size());
  auto ident = [&](std::string_view rest, const char* what) {
    size_t j = i + 1;
    for (char c : rest) {
      if (j >= t.size()) return "EOF while parsing a value" + jsonPos(t, j);
      if (t[j++] != c) return "expected ident" + jsonPos(t, j);
    }
    return std::string("invalid type: ") + what + ", expected a sequence" + jsonPos(t, j);
  };
  char c = t[i];
  switch (c) {
    case 'n': return ident("ull", "null");
    case 't': return ident("rue", "boolean `true`");
    case 'f': return ident("alse", "boolean `false`");
    case '-': {
      if (i + 1 >= t.size()) return "EOF while parsing a value" + jsonPos(t, i + 1);
      if (!isdigit(static_cast<unsigned char>(t[i + 1]))) return "invalid number" + jsonPos(t, i + 2);
      break;
    }
    case '{': return "invalid type: map, expected a sequence" + jsonPos(t, i);
    case '[': {
      if (t.find_first_not_of(" \t\r\n", i + 1) == std::string_view::npos)
        return "EOF while parsing a list" + jsonPos(t, t.size());
      return "expected value" + jsonPos(t, t.find_first_not_of(" \t\r\n", i + 1) + 1);
    }
    case '"': {
      size_t e = t.find('"', i + 1);
      if (e == std::string_view::npos) return "EOF while parsing a string" + jsonPos(t, t.size());
      return "invalid type: string \"" + std::string(t.substr(i + 1, e - i - 1)) +
             "\", expected a sequence" + jsonPos(t, e + 1);
    }
    default:
      if (!isdigit(static_cast<unsigned char>(c))) return "expected value" + jsonPos(t, i + 1);
  }
  size_t j = i + (c == '-');
  while (j < t.size() && isdigit(static_cast<unsigned char>(t[j]))) ++j;
  return "invalid type: integer `" + std::string(t.substr(i, j - i)) + "`, expected a sequence" +
         jsonPos(t, j);
}

// serde_yaml accepts the file as Vec<TestSpec>: a list of maps, each with
// `input` and `expectations.rules` (a map of strings).
bool isTestSpecList(const Node* root) {
  if (!root || root->kind != NodeKind::List) return false;
  for (uint32_t i = 0; i < root->list.size; ++i) {
    const Node* spec = root->list.items[i];
    if (!spec || spec->kind != NodeKind::Map || !member(spec, "input")) return false;
    const Node* rules = member(member(spec, "expectations"), "rules");
    if (!rules || rules->kind != NodeKind::Map) return false;
    const Node* name = member(spec, "name");
    if (name && name->kind != NodeKind::String && name->kind != NodeKind::Null) return false;
  }
  return true;
}

// cfn-guard's text for an input that is not UTF-8, where `test` shows it on
// stdout or in a structured report (no file name: the text is cfn-guard's).
std::string notUtf8ReadError() { return std::string("I/O error when reading ") + kNotUtf8; }

// Loads one test file; the error is cfn-guard's message without the
// console's trailing comma.
Result<std::unique_ptr<Document>> loadTestFile(const std::string& path) {
  auto text = readFile(path);
  if (!text.ok())
    return Error::plain(text.error().kind, "Parser Error when parsing `Unable to process data in file " + path +
                                               ", Error " + text.error().message + "`");
  if (!isUtf8(text.value())) return Error::plain(ErrorKind::DataNotUtf8, notUtf8ReadError());
  std::string body = text.value();
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return std::unique_ptr<Document>();
  auto loaded = loadDocument(body, path);
  if (loaded.ok() && isTestSpecList(loaded.value()->root())) return std::move(loaded.value());
  return Error::plain(ErrorKind::DataShape, "Parser Error when parsing `Unable to process data in file " + path +
                                                ", Error " + serdeJsonError(body) + "`");
}

class TestRunner {
 public:
  explicit TestRunner(const TestOptions& o) : opt_(o) {}

  // Runs `unit` against the test files. Console mode prints as it goes;
  // structured mode fills `result`.
  RunOutcome runFile(const RulesUnit& unit, const std::vector<std::string>& testFiles,
                     TestFileResult* result);

 private:
  SpecResult runSpec(const RulesUnit& unit, const Document& doc, const Node* spec) const;
  void printSpec(const SpecResult& r, int number) const;
  const TestOptions& opt_;
};

SpecResult TestRunner::runSpec(const RulesUnit& unit, const Document& doc, const Node* spec) const {
  SpecResult res;
  if (const Node* name = member(spec, "name"))
    res.name = name->kind == NodeKind::String ? std::string(name->text()) : "";
  const Node* input = member(spec, "input");
  const Node* rules = member(member(spec, "expectations"), "rules");
  // Detach the input so that its paths start at the input itself.
  Node* root = const_cast<Node*>(input);
  Node nullNode;
  if (root) root->parent = nullptr;
  else root = &nullNode;
  vm::EvalLimits limits;
  limits.trace = opt_.verbose && !opt_.structured();
  auto result = vm::evaluateFile(*unit.program, unit.file, doc, root, limits);
  if (!result.ok()) {
    res.error = result.takeError();
    return res;
  }
  if (limits.trace) {
    vm::PairView view{*unit.program, result.value(), doc, {}, unit.name, ""};
    vm::writeVerboseTree(res.tree, view, /*noLocations=*/true);
  }
  // Statuses per rule name, in evaluation order; the map sorts the names.
  std::map<std::string, std::vector<vm::Status>> byName;
  for (const auto& r : result.value().rules)
    byName[unit.program->str(unit.program->rules[r.rule].name)].push_back(r.status);
  for (const auto& [rule, statuses] : byName) {
    const Node* want = member(rules, rule);
    if (!want) {
      res.noExpectation.push_back(rule);
      continue;
    }
    std::string w = want->kind == NodeKind::String ? std::string(want->text()) : "";
    if (w != "PASS" && w != "FAIL" && w != "SKIP") {
      res.error = Error::plain(ErrorKind::DataShape,
                               "Types or variable assignments are incompatible `Status code is incorrect " + w + "`");
      return res;
    }
    bool met;
    if (w == "SKIP")
      met = std::all_of(statuses.begin(), statuses.end(), [](vm::Status s) { return s == vm::Status::Skip; });
    else
      met = std::any_of(statuses.begin(), statuses.end(), [&](vm::Status s) { return w == vm::statusName(s); });
    if (met) {
      res.passed.emplace_back(rule, w);
    } else {
      SpecResult::Unmet u{rule, w, {}};
      for (vm::Status s : statuses) u.evaluated.push_back(vm::statusName(s));
      res.failed.push_back(std::move(u));
    }
  }
  return res;
}

void TestRunner::printSpec(const SpecResult& r, int number) const {
  out("Test Case #" + std::to_string(number) + "\n");
  if (r.name) out("Name: " + *r.name + "\n");
  if (r.error) return;
  for (const auto& rule : r.noExpectation) out("  No Test expectation was set for Rule " + rule + "\n");
  if (!r.tree.empty()) out(r.tree);
  if (!r.failed.empty()) {
    out("  FAIL Rules:\n");
    for (const auto& u : r.failed) {
      std::string evaluated;
      for (size_t i = 0; i < u.evaluated.size(); ++i) evaluated += (i ? ", " : "") + u.evaluated[i];
      out("    " + u.rule + ": Expected = " + u.expected + ", Evaluated = [" + evaluated + "]\n");
    }
  }
  if (!r.passed.empty()) {
    out("  PASS Rules:\n");
    for (const auto& [rule, w] : r.passed) out("    " + rule + ": Expected = " + w + "\n");
  }
  out("\n");
}

RunOutcome TestRunner::runFile(const RulesUnit& unit, const std::vector<std::string>& testFiles,
                               TestFileResult* result) {
  RunOutcome total;
  int number = 0;
  for (const auto& path : testFiles) {
    auto doc = loadTestFile(path);
    if (!doc.ok()) {
      total.code = 1;
      if (result) {  // a bad test file replaces the whole result (§10.7)
        result->cases.clear();
        result->error = doc.error().message;
        return total;
      }
      // The console form of a parser error has a comma before its closing backquote.
      std::string m = doc.error().message;
      if (!m.empty() && m.back() == '`') m.insert(m.size() - 1, ",");
      out("Error processing " + m + "\n");
      continue;
    }
    if (!doc.value()) continue;  // empty file: no test specs
    const Node* list = doc.value()->root();
    for (uint32_t i = 0; i < list->list.size; ++i) {
      SpecResult r = runSpec(unit, *doc.value(), list->list.items[i]);
      ++number;
      if (r.error) {
        total.code = result ? 1 : exitCodeOf(*r.error);
        total.fatal = !result;
        if (result) {
          result->cases.clear();
          result->error = r.error->message;
          return total;
        }
        printSpec(r, number);
        err("Error occurred " + r.error->message + "\n");
        return total;
      }
      if (!r.failed.empty()) total.code = kExitTestFailed;
      if (result) result->cases.push_back(std::move(r));
      else printSpec(r, number);
    }
  }
  return total;
}

// ---- structured writers (§10.7, §10.8)

json::Value toJson(const TestFileResult& r) {
  json::Value o = json::Value::object();
  o.set("rule_file", json::Value::string(r.ruleFile));
  if (r.error) {
    o.set("error", json::Value::string(*r.error));
    return o;
  }
  json::Value cases = json::Value::array();
  for (const auto& c : r.cases) {
    json::Value tc = json::Value::object();
    tc.set("name", json::Value::string(c.name.value_or("")));
    json::Value passed = json::Value::array(), failed = json::Value::array(),
                skipped = json::Value::array();
    for (const auto& [rule, w] : c.passed) {
      json::Value p = json::Value::object();
      p.set("name", json::Value::string(rule));
      p.set("evaluated", json::Value::string(w));
      passed.push(std::move(p));
    }
    for (const auto& u : c.failed) {
      json::Value f = json::Value::object();
      f.set("name", json::Value::string(u.rule));
      f.set("expected", json::Value::string(u.expected));
      json::Value ev = json::Value::array();
      for (const auto& s : u.evaluated) ev.push(json::Value::string(s));
      f.set("evaluated", std::move(ev));
      failed.push(std::move(f));
    }
    for (const auto& rule : c.noExpectation) {
      json::Value s = json::Value::object();
      s.set("name", json::Value::string(rule));
      skipped.push(std::move(s));
    }
    tc.set("passed_rules", std::move(passed));
    tc.set("failed_rules", std::move(failed));
    tc.set("skipped_rules", std::move(skipped));
    cases.push(std::move(tc));
  }
  o.set("test_cases", std::move(cases));
  return o;
}


std::string junitReport(const std::vector<TestFileResult>& results) {
  size_t tests = 0, failures = 0, errors = 0;
  double total = 0;
  std::string body;
  for (const auto& r : results) {
    std::string ms = std::to_string(static_cast<long long>(r.millis));
    total += r.millis;
    if (r.error) {
      ++tests, ++errors;
      body += "    <testsuite name=\"" + vm::report::xmlEscape(r.ruleFile) + "\" errors=\"1\" failures=\"0\" time=\"" + ms +
              "\">\n        <testcase name=\"" + vm::report::xmlEscape(r.ruleFile) + "\" time=\"" + ms +
              "\" status=\"error\">\n            <error>" + vm::report::xmlEscape(*r.error) +
              "</error>\n        </testcase>\n    </testsuite>\n";
      continue;
    }
    size_t suiteFailures = 0;
    std::string cases;
    for (const auto& c : r.cases) {
      std::string id = vm::report::xmlEscape(c.name.value_or(""));
      for (const auto& [rule, w] : c.passed) {
        ++tests;
        cases += "        <testcase id=\"" + id + "\" name=\"" + vm::report::xmlEscape(rule) + "\" time=\"0\" status=\"pass\"/>\n";
      }
      for (const auto& u : c.failed) {
        ++tests, ++suiteFailures;
        std::string evaluated;
        for (size_t i = 0; i < u.evaluated.size(); ++i) evaluated += (i ? ", " : "") + u.evaluated[i];
        cases += "        <testcase id=\"" + id + "\" name=\"" + vm::report::xmlEscape(u.rule) +
                 "\" time=\"0\">\n            <failure>Expected = " + u.expected + ", Evaluated = [" +
                 evaluated + "]</failure>\n        </testcase>\n";
      }
    }
    failures += suiteFailures;
    body += "    <testsuite name=\"" + vm::report::xmlEscape(r.ruleFile) + "\" errors=\"0\" failures=\"" +
            std::to_string(suiteFailures) + "\" time=\"" + ms + "\">\n" + cases + "    </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cfn-guard test report\" tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(errors) + "\" time=\"" + std::to_string(static_cast<long long>(total)) + "\">\n" +
         body + "</testsuites>\n";
}

// Writes the structured report; `asList` for directory mode.
void writeStructured(const TestOptions& o, const std::vector<TestFileResult>& results, bool asList) {
  std::string text;
  if (o.format == "junit") {
    text = junitReport(results);
  } else {
    json::Value v;
    if (asList) {
      v = json::Value::array();
      for (const auto& r : results) v.push(toJson(r));
    } else if (!results.empty()) {
      v = toJson(results[0]);
    } else {
      return;  // an empty rules file: nothing to report
    }
    if (o.format == "yaml") json::writeYaml(text, v);
    else json::writePretty(text, v);
  }
  out(text);
}

// Combined exit code of structured results: 1 dominates 7 dominates 0 (§10.6).
int structuredCode(const std::vector<TestFileResult>& results) {
  int code = kExitOk;
  for (const auto& r : results) {
    if (r.error) return 1;
    for (const auto& c : r.cases)
      if (!c.failed.empty()) code = kExitTestFailed;
  }
  return code;
}

double millisSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// -d DIR: rules files grouped by directory, test files from a sibling tests/ folder.

// Why a rules file cannot be tested, in cfn-guard's words: a pack that does
// not load, or the parse error without the nom context label (cfn-guard's
// `test` prints none). Empty for a pack without rules files, as before.
std::string unloadableText(const Result<std::vector<RulesUnit>>& loaded, const std::string& text) {
  if (!loaded.ok()) return loaded.error().message;
  if (loaded.value().empty()) return {};
  const RulesUnit& u = loaded.value()[0];
  return parseErrorMessage(*u.parseFailure, u.name, text, ParseContext::Omit);
}

int runDirectory(const TestOptions& o) {
  if (!pathExists(o.dir)) {
    err("Error occurred The path `" + o.dir + "` does not exist\n");
    return kExitError;
  }
  auto files = walk(o.dir, WalkOrder::ByName, true);
  struct RulesEntry {
    std::string path, dir, stem;
    std::vector<std::string> tests;
  };
  std::map<std::string, std::vector<RulesEntry>> groups;  // by parent directory path
  auto parentOf = [](const std::string& p) {
    auto s = p.rfind('/');
    return s == std::string::npos ? std::string() : p.substr(0, s);
  };
  for (const auto& f : files) {
    std::string base = baseName(f.path);
    for (std::string_view ext : {".guard", ".ruleset"}) {
      if (endsWith(base, ext))
        groups[parentOf(f.path)].push_back(
            RulesEntry{f.path, parentOf(f.path), base.substr(0, base.size() - ext.size()), {}});
    }
  }
  for (auto& [dir, entries] : groups)
    std::sort(entries.begin(), entries.end(),
              [](const RulesEntry& a, const RulesEntry& b) { return baseName(a.path) < baseName(b.path); });
  for (const auto& f : files) {
    std::string base = baseName(f.path);
    bool dataExt = false;
    for (std::string_view ext : {".yaml", ".yml", ".json", ".jsn"}) dataExt |= endsWith(base, ext);
    std::string parent = parentOf(f.path);
    if (!dataExt || baseName(parent) != "tests") continue;
    auto it = groups.find(parentOf(parent));
    if (it == groups.end()) continue;
    for (auto& e : it->second) {
      if (base.compare(0, e.stem.size(), e.stem) == 0) {
        e.tests.push_back(f.path);
        break;
      }
    }
  }
  int code = kExitOk;
  TestRunner runner(o);
  const std::unique_ptr<CompileCache> cache = CompileCache::fromEnvironment(o.noCache);
  std::vector<TestFileResult> results;
  for (const auto& [dir, entries] : groups) {
    for (const auto& e : entries) {
      if (e.tests.empty()) {
        if (!o.structured()) out("Guard File " + e.path + " did not have any tests associated, skipping.\n---\n");
        continue;
      }
      if (!o.structured()) out("Testing Guard File " + e.path + "\n");
      auto t0 = std::chrono::steady_clock::now();
      auto text = readFile(e.path, kMaxRulesBytes);
      if (text.ok() && !isPackInput(e.path, text.value()) && !isUtf8(text.value())) {
        // cfn-guard ends the console run here; a structured one goes on.
        if (!o.structured()) {
          err("Error occurred I/O error when reading " + e.path + ": " + notUtf8Where(text.value()) + "\n");
          return kExitError;
        }
        results.push_back(TestFileResult{e.path, {}, notUtf8ReadError(),
                                         millisSince(t0)});
        continue;
      }
      Result<std::vector<RulesUnit>> loaded = std::vector<RulesUnit>();
      if (text.ok()) loaded = loadRules(e.path, e.stem, text.value(), cache.get());
      if (!text.ok() || !loaded.ok() || loaded.value().empty() || loaded.value()[0].parseFailure) {
        std::string why = "Parser Error when parsing `" +
                          (!text.ok() ? text.error().message : unloadableText(loaded, text.value())) + "`";
        if (o.structured()) {
          results.push_back(TestFileResult{e.path, {}, why, millisSince(t0)});
          continue;
        }
        out("Parse Error on ruleset file " + why + "\n---\n");
        code = kExitTestFailed;  // a parse error always sets 7 (§10.6)
        continue;
      }
      const std::vector<RulesUnit>& units = loaded.value();
      if (units[0].empty) {
        if (!o.structured()) out("---\n");
        continue;
      }
      TestFileResult result{e.path, {}, std::nullopt, 0};
      RunOutcome r = runner.runFile(units[0], e.tests, o.structured() ? &result : nullptr);
      if (o.structured()) {
        result.millis = millisSince(t0);
        results.push_back(std::move(result));
        continue;
      }
      if (r.fatal) return r.code;
      if (r.code != kExitOk && code == kExitOk) code = r.code;
      out("---\n");
    }
  }
  if (!o.structured()) return code;
  writeStructured(o, results, true);
  return structuredCode(results);
}

int runSingle(const TestOptions& o) {
  for (const auto& p : {o.rulesFile, o.testData})
    if (!pathExists(p)) {
      err("Error occurred The path `" + p + "` does not exist\n");
      return kExitError;
    }
  // cfn-guard's test reads the rules only from a regular file. guardvm also
  // reads a pipe (`-r <(cmd)`, docs/compatibility.md), but a directory or a
  // device (`-r /dev/null`, which reads as nothing and would pass) is
  // cfn-guard's error.
  if (!isRegularFile(o.rulesFile) && !isPipe(o.rulesFile)) {
    err("Error occurred I/O error when reading invalid input parameter\n");
    return kExitError;
  }
  auto text = readFile(o.rulesFile, kMaxRulesBytes);
  if (!text.ok()) {
    err("Error occurred I/O error when reading " + text.error().message + "\n");
    return kExitError;
  }
  auto t0 = std::chrono::steady_clock::now();
  if (!isPackInput(o.rulesFile, text.value()) && !isUtf8(text.value())) {
    const std::string why = notUtf8ReadError();
    if (o.structured()) {  // reported, and the exit code stays 0, as for a parse error
      writeStructured(o, {TestFileResult{o.rulesFile, {}, why, millisSince(t0)}}, false);
      return kExitOk;
    }
    out("Unable to read rule file content " + why);  // cfn-guard ends it without a newline
    return 1;
  }
  const std::unique_ptr<CompileCache> cache = CompileCache::fromEnvironment(o.noCache);
  auto loaded = loadRules(o.rulesFile, baseName(o.rulesFile), text.value(), cache.get());
  if (!loaded.ok() || loaded.value().empty() || loaded.value()[0].parseFailure) {
    std::string why = "Parser Error when parsing `" + unloadableText(loaded, text.value()) + "`";
    if (o.structured()) {  // reported, but the exit code stays 0 (§10.6)
      writeStructured(o, {TestFileResult{o.rulesFile, {}, why, millisSince(t0)}}, false);
      return kExitOk;
    }
    out("Parse Error on ruleset file " + why + "\n");
    return 1;
  }
  const std::vector<RulesUnit>& units = loaded.value();
  if (units[0].empty) return kExitOk;
  std::vector<std::string> tests;
  WalkOrder order = o.lastModified ? WalkOrder::ByModified : WalkOrder::ByName;
  for (const auto& f : walk(o.testData, order, false))
    if (f.stream || hasTestExtension(f.path)) tests.push_back(f.path);
  TestRunner runner(o);
  if (!o.structured()) return runner.runFile(units[0], tests, nullptr).code;
  TestFileResult result{o.rulesFile, {}, std::nullopt, 0};
  runner.runFile(units[0], tests, &result);
  result.millis = millisSince(t0);
  std::vector<TestFileResult> results{std::move(result)};
  writeStructured(o, results, false);
  return structuredCode(results);
}

}  // namespace

int runTest(std::vector<std::string> args) {
  const args::Command cmd = testCommand();
  const args::Parsed parsed = args::parse(cmd, args);
  if (int rc = settle(parsed, testHelp()); rc >= 0) return rc;
  const args::Matches& m = parsed.matches;
  TestOptions o;
  o.rulesFile = m.value("rules-file");
  o.testData = m.value("test-data");
  o.dir = m.value("dir");
  o.format = m.value("output-format", o.format);
  o.alphabetical = m.has("alphabetical");
  o.lastModified = m.has("last-modified");
  o.verbose = m.has("verbose");
  o.noCache = m.has("no-cache");
  if (o.format == "sarif") {
    err("Error occurred Cannot provide an output_type of SARIF, SARIF reporter is unsupported.\n");
    return kExitError;
  }
  if (o.verbose && o.structured()) {
    err("Error occurred Cannot provide an output_type of JSON, YAML, or JUnit while the verbose flag is set\n");
    return kExitError;
  }
  if (!o.dir.empty()) return runDirectory(o);
  // cfn-guard panics (exit 101) here; guardvm reports the missing flag as an
  // argument error instead (docs/compatibility.md).
  if (o.rulesFile.empty() || o.testData.empty()) {
    err(args::missingError(cmd, m, {o.rulesFile.empty() ? "rules-file" : "test-data"},
                           "`test` needs either --dir, or both --rules-file and --test-data"));
    return kExitUsage;
  }
  return runSingle(o);
}

}  // namespace guard::cli
