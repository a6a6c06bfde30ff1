// `guardvm test`: runs cfn-guard unit-test files (a YAML/JSON list of
// {name, input, expectations: {rules: {name: PASS|FAIL|SKIP}}}) against a
// rules file, or every rules file of a directory with its tests/ files
// (spec/cli-and-reports.md §10). Called by tools/guardvm.cpp.
#include <algorithm>
#include <map>
#include <set>

#include <CLI/CLI.hpp>

#include "runtime/loader.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "vm/interp.h"

namespace guard::cli {
namespace {

struct TestOptions {
  std::string rulesFile, testData, dir, format = "single-line-summary";
  bool alphabetical = false, lastModified = false, verbose = false;
};

bool hasTestExtension(std::string_view p) {
  for (std::string_view ext : {".json", ".yaml", ".JSON", ".YAML", ".yml", ".jsn"})
    if (endsWith(p, ext)) return true;
  return false;
}

const Node* member(const Node* map, std::string_view key) {
  return map && map->kind == NodeKind::Map ? Document::lookupText(map, key) : nullptr;
}

// Result of running one rules file over its test files, console form.
struct RunOutcome {
  int code = kExitOk;   // 0, 1 (bad test file), 7 (unmet expectation), 255 (bad word)
  bool fatal = false;   // stop everything (invalid expectation word)
};

class TestRunner {
 public:
  explicit TestRunner(const TestOptions& o) : opt_(o) {}

  // Runs `unit` against the test files; prints the console report.
  RunOutcome runFile(const RulesUnit& unit, const std::vector<std::string>& testFiles);

 private:
  RunOutcome runSpec(const RulesUnit& unit, const Document& doc, const Node* spec, int number);
  const TestOptions& opt_;
};

RunOutcome TestRunner::runSpec(const RulesUnit& unit, const Document& doc, const Node* spec,
                               int number) {
  RunOutcome outcome;
  out("Test Case #" + std::to_string(number) + "\n");
  const Node* name = member(spec, "name");
  if (name) out("Name: " + std::string(name->kind == NodeKind::String ? name->text() : "") + "\n");
  const Node* input = member(spec, "input");
  const Node* rules = member(member(spec, "expectations"), "rules");
  // Detach the input so that its paths start at the input itself.
  Node* root = const_cast<Node*>(input);
  Node nullNode;
  if (root) root->parent = nullptr;
  else root = &nullNode;
  auto result = vm::evaluateFile(*unit.program, unit.file, doc, root);
  if (!result.ok()) {
    err("Error occurred " + result.error().message + "\n");
    outcome.code = kExitError;
    outcome.fatal = true;
    return outcome;
  }
  // Statuses per rule name, in evaluation order.
  std::map<std::string, std::vector<vm::Status>> byName;
  for (const auto& r : result.value().rules)
    byName[unit.program->str(unit.program->rules[r.rule].name)].push_back(r.status);
  std::vector<std::string> noExpectation, failLines, passLines;
  for (const auto& [rule, statuses] : byName) {
    const Node* want = member(rules, rule);
    if (!want) {
      noExpectation.push_back("  No Test expectation was set for Rule " + rule + "\n");
      continue;
    }
    std::string w = want->kind == NodeKind::String ? std::string(want->text()) : "";
    if (w != "PASS" && w != "FAIL" && w != "SKIP") {
      err("Error occurred Types or variable assignments are incompatible `Status code is incorrect " + w + "`\n");
      outcome.code = kExitError;
      outcome.fatal = true;
      return outcome;
    }
    bool met;
    if (w == "SKIP")
      met = std::all_of(statuses.begin(), statuses.end(), [](vm::Status s) { return s == vm::Status::Skip; });
    else
      met = std::any_of(statuses.begin(), statuses.end(), [&](vm::Status s) { return w == vm::statusName(s); });
    if (met) {
      passLines.push_back("    " + rule + ": Expected = " + w + "\n");
    } else {
      std::string evaluated;
      for (size_t i = 0; i < statuses.size(); ++i)
        evaluated += (i ? ", " : "") + std::string(vm::statusName(statuses[i]));
      failLines.push_back("    " + rule + ": Expected = " + w + ", Evaluated = [" + evaluated + "]\n");
      outcome.code = kExitTestFailed;
    }
  }
  for (auto* group : {&noExpectation, &failLines, &passLines}) std::sort(group->begin(), group->end());
  for (const auto& l : noExpectation) out(l);
  if (!failLines.empty()) {
    out("  FAIL Rules:\n");
    for (const auto& l : failLines) out(l);
  }
  if (!passLines.empty()) {
    out("  PASS Rules:\n");
    for (const auto& l : passLines) out(l);
  }
  out("\n");
  return outcome;
}

RunOutcome TestRunner::runFile(const RulesUnit& unit, const std::vector<std::string>& testFiles) {
  RunOutcome total;
  int number = 0;
  for (const auto& path : testFiles) {
    auto text = readFile(path);
    std::unique_ptr<Document> doc;
    if (text.ok()) {
      if (text.value().find_first_not_of(" \t\r\n") == std::string::npos) continue;  // empty list
      auto loaded = loadDocument(text.value(), path);
      if (loaded.ok()) doc = std::move(loaded.value());
    }
    if (!doc || !doc->root() || doc->root()->kind != NodeKind::List) {
      out("Error processing Parser Error when parsing `Unable to process data in file " + path +
          ", Error the test file is not a list of test cases,`\n");
      total.code = 1;
      continue;
    }
    const Node* list = doc->root();
    for (uint32_t i = 0; i < list->list.size; ++i) {
      RunOutcome o = runSpec(unit, *doc, list->list.items[i], ++number);
      if (o.fatal) return o;
      if (o.code != kExitOk) total.code = o.code;
    }
  }
  return total;
}

// -d DIR: rules files grouped by directory, test files from a sibling tests/ folder.
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
  for (const auto& [dir, entries] : groups) {
    for (const auto& e : entries) {
      if (e.tests.empty()) {
        out("Guard File " + e.path + " did not have any tests associated, skipping.\n---\n");
        continue;
      }
      out("Testing Guard File " + e.path + "\n");
      auto text = readFile(e.path);
      std::string loadError;
      std::vector<RulesUnit> units;
      if (text.ok()) units = loadRules(e.path, e.stem, text.value(), &loadError);
      if (!text.ok() || units.empty() || !units[0].parseError.empty()) {
        std::string why = !text.ok() ? text.error().message
                          : units.empty() ? loadError : units[0].parseError;
        out("Parse Error on ruleset file Parser Error when parsing `" + why + "`\n---\n");
        code = kExitTestFailed;
        continue;
      }
      if (units[0].empty) {
        out("---\n");
        continue;
      }
      RunOutcome r = runner.runFile(units[0], e.tests);
      if (r.fatal) return r.code;
      if (r.code != kExitOk && code == kExitOk) code = r.code;
      out("---\n");
    }
  }
  return code;
}

int runSingle(const TestOptions& o) {
  for (const auto& p : {o.rulesFile, o.testData})
    if (!pathExists(p)) {
      err("Error occurred The path `" + p + "` does not exist\n");
      return kExitError;
    }
  if (isDirectory(o.rulesFile)) {
    err("Error occurred I/O error when reading invalid input parameter\n");
    return kExitError;
  }
  auto text = readFile(o.rulesFile);
  if (!text.ok()) {
    err("Error occurred I/O error when reading " + text.error().message + "\n");
    return kExitError;
  }
  std::string loadError;
  auto units = loadRules(o.rulesFile, baseName(o.rulesFile), text.value(), &loadError);
  if (units.empty() || !units[0].parseError.empty()) {
    out("Parse Error on ruleset file Parser Error when parsing `" +
        (units.empty() ? loadError : units[0].parseError) + "`\n");
    return 1;
  }
  if (units[0].empty) return kExitOk;
  std::vector<std::string> tests;
  WalkOrder order = o.lastModified ? WalkOrder::ByModified : WalkOrder::ByName;
  for (const auto& f : walk(o.testData, order, false))
    if (hasTestExtension(f.path)) tests.push_back(f.path);
  TestRunner runner(o);
  return runner.runFile(units[0], tests).code;
}

}  // namespace

int runTest(std::vector<std::string> args) {
  CLI::App app{"Built in unit testing capability to validate a Guard rules file against unit tests.",
               "test"};
  TestOptions o;
  app.add_option("-r,--rules-file", o.rulesFile);
  app.add_option("-t,--test-data", o.testData);
  app.add_option("-d,--dir", o.dir);
  app.add_option("-o,--output-format", o.format)
      ->check(CLI::IsMember({"json", "yaml", "single-line-summary", "junit", "sarif"}));
  auto* alpha = app.add_flag("-a,--alphabetical", o.alphabetical);
  auto* last = app.add_flag("-m,--last-modified", o.lastModified);
  app.add_flag("-v,--verbose", o.verbose);
  alpha->excludes(last);
  if (args.empty()) {
    err(app.help());
    return kExitUsage;
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out(app.help());
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    err("error: " + std::string(e.what()) + "\n\nUsage: " + gProgramName +
        " test [OPTIONS]\n\nFor more information, try '--help'.\n");
    return kExitUsage;
  }
  if (o.format == "sarif") {
    err("Error occurred Cannot provide an output_type of SARIF, SARIF reporter is unsupported.\n");
    return kExitError;
  }
  if (o.verbose && (o.format == "json" || o.format == "yaml" || o.format == "junit")) {
    err("Error occurred Cannot provide an output_type of JSON, YAML, or JUnit while the verbose flag is set\n");
    return kExitError;
  }
  if (!o.dir.empty()) return runDirectory(o);
  if (o.rulesFile.empty() || o.testData.empty()) {
    err("Error occurred `test` needs either --dir, or both --rules-file and --test-data\n");
    return kExitError;
  }
  return runSingle(o);
}

}  // namespace guard::cli
