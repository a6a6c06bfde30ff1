// `guardvm validate`: evaluates data files against rules files and packs and
// writes cfn-guard 3.1.1's reports (spec/cli-and-reports.md §5–§9).
// Called by tools/guardvm.cpp.
#include <CLI/CLI.hpp>

#include "runtime/loader.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/parallel.h"
#include "vm/interp.h"
#include "vm/report.h"

namespace guard::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> rules, data, inputParams, summary;
  bool rulesGiven = false, dataGiven = false;
  std::string type, format = "single-line-summary";
  bool alphabetical = false, lastModified = false, verbose = false, printJson = false,
       payload = false, structured = false;
  int jobs = 1;  // -j: data files evaluated in parallel (output order is unchanged)
};

struct DataFile {
  std::string name;  // data name: canonical absolute path, STDIN, DATA_STDIN[n]
  std::unique_ptr<Document> doc;  // owns the file's text too (doc->text())
};

bool hasDataExtension(std::string_view p) {
  for (std::string_view ext : {".yaml", ".yml", ".json", ".jsn", ".template"})
    if (endsWith(p, ext)) return true;
  return false;
}

bool hasRulesExtension(std::string_view p) {
  return endsWith(p, ".guard") || endsWith(p, ".ruleset") || endsWith(p, ".gpack");
}

unsigned foldSummary(const std::vector<std::string>& values) {
  unsigned set = vm::kShowFail;
  if (values.empty()) return set;
  set = 0;
  for (const auto& v : values) {
    if (v == "all") set |= vm::kShowPass | vm::kShowFail | vm::kShowSkip;
    else if (v == "pass") set |= vm::kShowPass;
    else if (v == "fail") set |= vm::kShowFail;
    else if (v == "skip") set |= vm::kShowSkip;
    else if (v == "none") set = 0;
  }
  return set;
}

int fatal(const std::string& message) {
  err("Error occurred " + message + "\n");
  return kExitError;
}

// Loads one data text; errors use cfn-guard's wording (spec §5.3).
// Takes the text by value: it moves into the Document (no copy of the file).
Result<std::unique_ptr<Document>> loadData(const std::string& name, std::string text) {
  bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank)
    return Error::plain("Parser Error when parsing `Unable to parse a template from data file: " + name +
                        " is empty`");
  std::string head = text.substr(0, 100);  // for the error message; text moves below
  auto doc = loadDocument(std::move(text), name);
  if (!doc.ok()) {
    const Error& e = doc.error();
    if (e.message.find("non string type detected") != std::string::npos)
      return Error::plain("Parser Error when parsing `" + e.message + "`");
    return Error::plain("Parser Error when parsing `Error encountered while parsing data file: " + name +
                        ", data beginning with \n" + head + "\n ...`");
  }
  return doc;
}

// What evaluating one (rules file, data file) pair produced.
struct PairOutcome {
  std::string text;          // rendered report(s)
  bool failed = false;       // the data file FAILed the rules file
  std::string error;         // an evaluation error (exit 255)
  bool panicked = false;     // cfn-guard would panic in its reporter here
  std::string panicMessage;
};

class Validator {
 public:
  explicit Validator(ValidateOptions o) : opt_(std::move(o)) {}
  int run();

 private:
  int checkFlags();
  int loadAllData();
  int evaluateConsole();
  PairOutcome evaluatePair(const RulesUnit& unit, const DataFile& d) const;

  ValidateOptions opt_;
  std::vector<DataFile> data_;
  vm::ConsoleOptions console_;
};

int Validator::checkFlags() {
  unsigned summary = foldSummary(opt_.summary);
  if (opt_.structured && summary != 0)
    return fatal("Cannot provide a summary-type other than `none` when the `structured` flag is present");
  if (opt_.structured && opt_.format == "single-line-summary")
    return fatal("single-line-summary is not able to be used when the `structured` flag is present");
  if (opt_.format == "junit" && !opt_.structured)
    return fatal("the structured flag must be set when output is set to junit");
  if (opt_.format == "sarif" && !opt_.structured)
    return fatal("the structured flag must be set when output is set to sarif");
  console_.summary = summary;
  console_.color = colorEnabled();
  return 0;
}

int Validator::loadAllData() {
  WalkOrder order = opt_.lastModified ? WalkOrder::ByModified : WalkOrder::ByName;
  if (opt_.data.empty()) {
    DataFile d;
    d.name = "STDIN";
    auto doc = loadData(d.name, readStdin());
    if (!doc.ok()) return fatal(doc.error().message);
    d.doc = std::move(doc.value());
    data_.push_back(std::move(d));
    return 0;
  }
  std::vector<WalkedFile> files;
  for (const auto& arg : opt_.data) {
    if (!pathExists(arg)) return fatal("The path `" + arg + "` does not exist");
    for (auto& f : walk(arg, order, false))
      if (hasDataExtension(f.canonical)) files.push_back(std::move(f));
  }
  // Files are read and parsed in parallel; the first error in command-line
  // order is the one reported, as a sequential run would.
  data_.resize(files.size());
  std::vector<std::string> errors(files.size());
  parallelFor(files.size(), effectiveJobs(opt_.jobs), [&](size_t i) {
    DataFile& d = data_[i];
    d.name = files[i].canonical;
    auto text = readFile(files[i].path);
    if (!text.ok()) {
      errors[i] = "I/O error when reading " + text.error().message;
      return;
    }
    auto doc = loadData(d.name, std::move(text.value()));
    if (!doc.ok()) {
      errors[i] = doc.error().message;
      return;
    }
    d.doc = std::move(doc.value());
  });
  for (const auto& e : errors)
    if (!e.empty()) return fatal(e);
  return 0;
}

PairOutcome Validator::evaluatePair(const RulesUnit& unit, const DataFile& d) const {
  PairOutcome o;
  auto result = vm::evaluateFile(*unit.program, unit.file, *d.doc);
  if (!result.ok()) {
    o.error = result.error().message;
    return o;
  }
  const vm::FileResult& r = result.value();
  o.failed = r.status == vm::Status::Fail;
  vm::PairView view{*unit.program, r, *d.doc, d.doc->text(), unit.name, d.name};
  vm::writeSummaryTable(o.text, view, console_);
  if (opt_.format == "json") {
    vm::writeFileReportJson(o.text, view);
  } else if (opt_.format == "yaml") {
    vm::writeFileReportYaml(o.text, view);
  } else {
    o.panicked = !vm::writeConsoleDetail(o.text, view, console_, o.panicMessage);
  }
  return o;
}

int Validator::evaluateConsole() {
  int exitCode = kExitOk;
  WalkOrder order = opt_.lastModified ? WalkOrder::ByModified : WalkOrder::ByName;
  // Every rules path must exist before anything is evaluated.
  for (const auto& arg : opt_.rules)
    if (!pathExists(arg)) return fatal("The path `" + arg + "` does not exist");
  for (const auto& arg : opt_.rules) {
    bool dir = isDirectory(arg);
    for (const auto& f : walk(arg, order, false)) {
      if (dir && !hasRulesExtension(baseName(f.path))) continue;
      auto text = readFile(f.path);
      if (!text.ok()) {
        err("Unable read content from file I/O error when reading " + text.error().message + "\n");
        continue;
      }
      std::string loadError;
      auto units = loadRules(f.path, baseName(f.path), text.value(), &loadError);
      if (!loadError.empty()) {
        err("Error occurred " + loadError + "\n");
        exitCode = kExitError;
        continue;
      }
      for (const auto& unit : units) {
        if (!unit.parseError.empty()) {
          err("Parsing error handling rule file = " +
              (console_.color ? "\x1b[4m" + unit.name + "\x1b[0m" : unit.name) +
              ", Error = Parser Error when parsing `" + unit.parseError + "`\n---\n");
          exitCode = kExitParseError;
          continue;
        }
        if (unit.empty) continue;
        // Each data file is evaluated and rendered on its own (in parallel
        // with -j); output is then written in data-file order.
        std::vector<PairOutcome> outcomes(data_.size());
        parallelFor(data_.size(), effectiveJobs(opt_.jobs),
                    [&](size_t i) { outcomes[i] = evaluatePair(unit, data_[i]); });
        bool anyFail = false;
        for (auto& o : outcomes) {
          if (!o.error.empty()) return fatal(o.error);
          out(o.text);
          if (o.panicked) {
            err(o.panicMessage);
            return kExitCrash;
          }
          anyFail |= o.failed;
          flushOut();
        }
        if (anyFail) exitCode = kExitFail;
      }
    }
  }
  return exitCode;
}

int Validator::run() {
  if (int rc = checkFlags()) return rc;
  if (int rc = loadAllData()) return rc;
  return evaluateConsole();
}

}  // namespace

int runValidate(std::vector<std::string> args) {
  CLI::App app{"Evaluates rules against the data files to determine success or failure.", "validate"};
  app.set_help_flag("-h,--help");
  ValidateOptions o;
  auto* rules = app.add_option("-r,--rules", o.rules, "rules files, packs or directories")
                    ->expected(0, CLI::detail::expected_max_vector_size);
  auto* data = app.add_option("-d,--data", o.data, "data files or directories")
                   ->expected(0, CLI::detail::expected_max_vector_size);
  app.add_option("-i,--input-parameters,--input-params", o.inputParams, "input parameter files")
      ->expected(0, CLI::detail::expected_max_vector_size);
  app.add_option("-t,--type", o.type)->check(CLI::IsMember({"CFNTemplate"}));
  app.add_option("-o,--output-format", o.format)
      ->check(CLI::IsMember({"json", "yaml", "single-line-summary", "junit", "sarif"}));
  app.add_option("-S,--show-summary", o.summary)->delimiter(',')
      ->check(CLI::IsMember({"none", "all", "pass", "fail", "skip"}));
  auto* alpha = app.add_flag("-a,--alphabetical", o.alphabetical);
  auto* last = app.add_flag("-m,--last-modified", o.lastModified);
  auto* verbose = app.add_flag("-v,--verbose", o.verbose);
  auto* printJson = app.add_flag("-p,--print-json", o.printJson);
  auto* payload = app.add_flag("-P,--payload", o.payload);
  auto* structured = app.add_flag("-z,--structured", o.structured);
  app.add_option("-j,--jobs", o.jobs,
                 "data files evaluated in parallel (0: one per core); output order is unchanged")
      ->check(CLI::NonNegativeNumber);
  alpha->excludes(last);
  structured->excludes(verbose)->excludes(printJson);
  payload->excludes(rules)->excludes(data);
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
        " validate [OPTIONS] <--rules [<RULES>...]|--payload>\n\nFor more information, try '--help'.\n");
    return kExitUsage;
  }
  if (rules->count() == 0 && !o.payload) {
    err("error: the following required arguments were not provided:\n  <--rules [<RULES>...]|--payload>\n\n"
        "Usage: " + gProgramName + " validate <--rules [<RULES>...]|--payload>\n\n"
        "For more information, try '--help'.\n");
    return kExitUsage;
  }
  if (rules->count() > 0 && o.rules.empty() && !o.payload) {
    err("Error occurred `--rules` was given without any rules file; give at least one file or directory\n");
    return kExitError;
  }
  o.rulesGiven = rules->count() > 0;
  o.dataGiven = data->count() > 0;
  Validator v(std::move(o));
  return v.run();
}

}  // namespace guard::cli
