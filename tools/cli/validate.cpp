// `guardvm validate`: evaluates data files against rules files and packs and
// writes cfn-guard 3.1.1's reports (spec/cli-and-reports.md §5–§9).
// Called by tools/guardvm.cpp.
#include "runtime/loader.h"
#include "tools/cli/args.h"
#include "tools/cli/command_line.h"
#include "tools/cli/commands.h"
#include "tools/cli/bundles.h"
#include "tools/cli/common.h"
#include "tools/cli/compile_cache.h"
#include "tools/cli/help.h"
#include "tools/cli/parallel.h"
#include "tools/cli/sources.h"
#include "tools/cli/validate_inputs.h"
#include <chrono>
#include <cstdio>
#include <memory>
#include "vm/interp.h"
#include "report/report.h"
#include "report/verbose.h"
#include "report/model.h"

namespace guard::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> rules, data, inputParams, summary;
  bool rulesGiven = false, dataGiven = false;
  std::string type, format = "single-line-summary";
  bool alphabetical = false, lastModified = false, verbose = false, printJson = false,
       payload = false, structured = false;
  bool noCache = false;  // --no-cache: compile every source, keep nothing (compile_cache.h)
  bool lint = false;     // --lint: guardc's lint warnings of every rules source, on stderr
  int jobs = 1;  // -j: threads evaluating (rules file, data file) pairs (output order is unchanged)
};

struct DataFile {
  std::string name;  // data name: canonical absolute path, STDIN, DATA_STDIN[n]
  std::unique_ptr<Document> doc;  // owns the file's text too (doc->text())
  std::optional<Error> mergeError;  // --input-params clash, reported when the file is evaluated
};

// One rules source in processing order, read before anything is evaluated.
struct RulesSource {
  std::string path, name, text;
  std::optional<Error> readError;  // the file could not be read (or is not text)
};

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
// An error that stops the run: its message, and the exit code of its kind.
int fatal(const Error& e) {
  err("Error occurred " + e.message + "\n");
  return exitCodeOf(e);
}

// What evaluating one (rules file, data file) pair produced.
struct PairOutcome {
  std::string text;          // rendered report(s), after what went to `spill`
  // The beginning of a report too big to keep in memory (see reportDrain).
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> spill{nullptr, &std::fclose};
  std::optional<Error> spillError;
  bool failed = false;       // the data file FAILed the rules file
  std::optional<Error> error;  // an evaluation error (exit 255)
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
  int loadPayloadData();
  int loadParams();
  int collectRules();
  void printLintWarnings() const;
  int evaluateConsole();
  int evaluateStructured();
  void printParseError(const RulesUnit& unit) const;
  PairOutcome evaluatePair(const RulesUnit& unit, const DataFile& d, const OutputTurn& turn) const;

  ValidateOptions opt_;
  Payload payload_;
  std::vector<DataFile> data_;
  std::vector<ParamText> params_;
  std::vector<RulesSource> sources_;
  vm::ConsoleOptions console_;
  bool inputUnreadable_ = false;  // a data file could not be read (and was left out)
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
  if (opt_.payload) return loadPayloadData();
  WalkOrder order = opt_.lastModified ? WalkOrder::ByModified : WalkOrder::ByName;
  if (opt_.data.empty()) {
    DataFile d;
    d.name = "STDIN";
    auto read = readStdin();
    if (!read.ok()) return fatal("I/O error when reading STDIN: " + read.error().message);
    std::string text = std::move(read.value());
    if (!isUtf8(text)) return fatal("I/O error when reading STDIN: " + notUtf8Where(text));
    auto doc = loadDataText(d.name, std::move(text));
    if (!doc.ok()) return fatal(doc.error().message);
    d.doc = std::move(doc.value());
    data_.push_back(std::move(d));
    return 0;
  }
  auto walked = walkDataPaths(opt_.data, order);
  if (!walked.ok()) return fatal(walked.error().message);
  std::vector<WalkedFile> files = std::move(walked.value());
  // Files are read and parsed in parallel; the first error in command-line
  // order is the one reported, as a sequential run would.
  data_.resize(files.size());
  std::vector<std::optional<Error>> errors(files.size());
  parallelFor(files.size(), effectiveJobs(opt_.jobs), [&](size_t i) {
    DataFile& d = data_[i];
    d.name = lossyUtf8(files[i].canonical);
    auto text = readFile(files[i].path);
    if (!text.ok()) {
      errors[i] = text.error().prefixed("I/O error when reading " + files[i].path + ": ");
      return;
    }
    // Read but not text: a bad input, which stops the run like a parse error.
    if (!isUtf8(text.value())) {
      errors[i] = notUtf8Error(ErrorKind::DataNotUtf8, text.value())
                      .prefixed("I/O error when reading " + files[i].path + ": ");
      return;
    }
    auto doc = loadDataText(d.name, std::move(text.value()));
    if (!doc.ok()) {
      errors[i] = doc.takeError();
      return;
    }
    d.doc = std::move(doc.value());
  });
  // A file that cannot be read (an I/O kind) is reported and left out; the
  // others are still evaluated and the exit code is non-zero (cfn-guard stops
  // at the first one). A file that was read but does not parse (a data kind)
  // stops the run with 255, as in cfn-guard (goldens v64-v67).
  auto unreadable = [&](size_t i) { return errors[i] && errors[i]->group() == ErrorGroup::Io; };
  for (size_t i = 0; i < errors.size(); ++i) {
    if (!errors[i]) continue;
    if (!unreadable(i)) return fatal(*errors[i]);
    fatal(*errors[i]);
    inputUnreadable_ = true;
  }
  if (inputUnreadable_) {
    std::vector<DataFile> readable;
    for (size_t i = 0; i < data_.size(); ++i)
      if (!unreadable(i)) readable.push_back(std::move(data_[i]));
    data_ = std::move(readable);
  }
  return 0;
}

// --payload: stdin holds the rules and data texts (§5.6).
int Validator::loadPayloadData() {
  auto read = readStdin();
  if (!read.ok()) return fatal("I/O error when reading STDIN: " + read.error().message);
  std::string text = std::move(read.value());
  if (!isUtf8(text)) return fatal("I/O error when reading STDIN: " + notUtf8Where(text));
  auto p = parsePayload(text);
  if (!p.ok()) return fatal(p.error().message);
  payload_ = std::move(p.value());
  for (size_t i = 0; i < payload_.data.size(); ++i) {
    DataFile d;
    d.name = "DATA_STDIN[" + std::to_string(i + 1) + "]";
    auto doc = loadDataText(d.name, payload_.data[i]);
    if (!doc.ok()) return fatal(doc.error().message);
    d.doc = std::move(doc.value());
    data_.push_back(std::move(d));
  }
  return 0;
}

// --input-params (§5.5): checked when loaded, merged into every data file;
// a clash with a data file is only reported when that file is evaluated.
// In payload console mode cfn-guard ignores them.
int Validator::loadParams() {
  if (opt_.payload && !opt_.structured) return 0;
  WalkOrder order = opt_.lastModified ? WalkOrder::ByModified : WalkOrder::ByName;
  for (const auto& arg : opt_.inputParams) {
    if (!pathExists(arg)) return fatal("The path `" + arg + "` does not exist");
    for (const auto& f : walk(arg, order, false)) {
      std::string name = baseName(f.path);
      if (!f.stream && !hasDataExtension(name)) continue;
      auto text = readFile(f.path);
      if (!text.ok()) return fatal("I/O error when reading " + f.path + ": " + text.error().message);
      if (!isUtf8(text.value())) return fatal("I/O error when reading " + f.path + ": " + notUtf8Where(text.value()));
      if (text.value().find_first_not_of(" \t\r\n") == std::string::npos)
        return fatal("Parser Error when parsing `Unable to parse a template from data file: " + name +
                     " is empty`");
      params_.push_back(ParamText{name, std::move(text.value())});
    }
  }
  if (params_.empty()) return 0;
  if (auto r = checkParams(params_); !r.ok()) return fatal(r.error().message);
  parallelFor(data_.size(), effectiveJobs(opt_.jobs), [&](size_t i) {
    auto r = mergeParamsInto(*data_[i].doc, params_);
    if (!r.ok()) data_[i].mergeError = r.takeError();
  });
  return 0;
}

// Every rules path must exist before anything is read; then the sources are
// listed (and read) in processing order (§5.4).
int Validator::collectRules() {
  if (opt_.payload) {
    for (size_t i = 0; i < payload_.rules.size(); ++i) {
      std::string name = "RULES_STDIN[" + std::to_string(i + 1) + "]";
      sources_.push_back(RulesSource{name, name, payload_.rules[i], {}});
    }
    return 0;
  }
  WalkOrder order = opt_.lastModified ? WalkOrder::ByModified : WalkOrder::ByName;
  // `-r @NAME` names an installed bundle (tools/cli/bundles.h); an existing
  // path is always a path, as for cfn-guard.
  std::vector<std::string> paths;
  for (const auto& arg : opt_.rules) {
    if (!isBundleReference(arg)) {
      paths.push_back(arg);
      continue;
    }
    auto bundle = findBundle(arg.substr(1));
    if (!bundle.ok()) return fatal(bundle.error().message);
    paths.push_back(bundle.value());
  }
  for (const auto& arg : paths)
    if (!pathExists(arg)) return fatal("The path `" + arg + "` does not exist");
  for (const auto& arg : paths) {
    bool dir = isDirectory(arg);
    for (const auto& f : walk(arg, order, false)) {
      if (dir && !hasRulesExtension(baseName(f.path))) continue;
      RulesSource src{f.path, lossyUtf8(baseName(f.path)), {}, {}};
      auto text = readFile(f.path, kMaxRulesBytes);
      if (!text.ok()) src.readError = text.takeError();
      // cfn-guard reads rules into a Rust String and refuses other bytes
      // (a pack is binary).
      else if (!isPackInput(f.path, text.value()) && !isUtf8(text.value()))
        src.readError = notUtf8Error(ErrorKind::RulesNotUtf8, text.value());
      else src.text = std::move(text.value());
      sources_.push_back(std::move(src));
    }
  }
  return 0;
}

// --lint: before anything is evaluated, so the warnings never mix with the
// reports; stderr only, so stdout and the exit code stay what they are
// without the flag.
void Validator::printLintWarnings() const {
  for (const RulesSource& src : sources_)
    if (!src.readError) err(lintRulesInput(src.path, src.text));
}

void Validator::printParseError(const RulesUnit& unit) const {
  err("Parsing error handling rule file = " + (console_.color ? "\x1b[4m" + unit.name + "\x1b[0m" : unit.name) +
      ", Error = Parser Error when parsing `" + unit.parseError + "`\n---\n");
}

// Writes a spilled report's beginning to stdout; false on a read error.
static bool copySpill(std::FILE* f) {
  if (std::fflush(f) != 0 || std::fseek(f, 0, SEEK_SET) != 0) return false;
  std::string buf(size_t(1) << 20, '\0');
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) out(std::string_view(buf.data(), n));
  return !std::ferror(f);
}

// A report can grow with the square of the template (every unselected key of
// `Resources[ keys in %names ]` lists every name: 11 GB of JSON for 50,000
// resources). When every report before it has been written (always, with
// one job) the text goes straight to stdout every kStreamAt bytes. Otherwise
// it waits its turn, and the pipeline holds several such reports: past
// kSpillAt bytes the text written so far goes to an unnamed temporary file,
// copied to stdout when the report's turn comes.
static vm::ReportDrain reportDrain(PairOutcome& o, const OutputTurn& turn) {
  constexpr size_t kStreamAt = size_t(1) << 20;
  constexpr size_t kSpillAt = size_t(64) << 20;
  return [&o, turn](std::string& text) {
    if (text.size() < kStreamAt || o.spillError) return;
    if (turn.mine()) {
      if (o.spill) {
        if (!copySpill(o.spill.get())) {
          o.spillError = Error::plain(ErrorKind::IoRead, "cannot read back the report from its temporary file");
          return;
        }
        o.spill.reset();
      }
      out(text);
      text.clear();
      return;
    }
    if (text.size() < kSpillAt) return;
    if (!o.spill) o.spill.reset(std::tmpfile());
    if (!o.spill) return;  // no temporary file: the report stays in memory
    if (std::fwrite(text.data(), 1, text.size(), o.spill.get()) != text.size()) {
      o.spillError = Error::plain(ErrorKind::IoWrite, "cannot write the report to a temporary file (disk full?)");
      return;
    }
    text.clear();
  };
}

PairOutcome Validator::evaluatePair(const RulesUnit& unit, const DataFile& d, const OutputTurn& turn) const {
  PairOutcome o;
  vm::EvalLimits limits;
  limits.trace = opt_.verbose || opt_.printJson;  // the full record tree (§8)
  // Only the console's generic report lists what passing clauses' queries recorded.
  limits.passingQueryChecks = opt_.format != "json" && opt_.format != "yaml";
  // One result per thread, its storage reused pair after pair: the reports
  // are written before this returns, so nothing needs it afterwards (what
  // the last pair made, its scratch values, lives until the thread's next).
  thread_local vm::FileResult result;
  Status0 evaluated = vm::evaluateFileInto(result, *unit.program, unit.file, *d.doc, nullptr, limits);
  if (!evaluated.ok()) {
    o.error = evaluated.takeError();
    return o;
  }
  const vm::FileResult& r = result;
  o.failed = r.status == vm::Status::Fail;
  vm::PairView view{*unit.program, r, *d.doc, d.doc->text(), unit.name, d.name};
  vm::writeSummaryTable(o.text, view, console_);
  if (opt_.format == "json") {
    vm::writeFileReportJson(o.text, view, reportDrain(o, turn));
  } else if (opt_.format == "yaml") {
    vm::writeFileReportYaml(o.text, view, reportDrain(o, turn));
  } else {
    o.panicked = !vm::writeConsoleDetail(o.text, view, console_, o.panicMessage, reportDrain(o, turn));
  }
  // cfn-guard prints the tree after the report, so not when the report panics.
  if (opt_.verbose && !o.panicked) vm::writeVerboseTree(o.text, view);
  if (opt_.printJson && !o.panicked) vm::writePrintJson(o.text, view);
  return o;
}

// Every rules source compiled (or its pack read), in parallel with -j: with
// many rules files and few data files the compile is a large part of the run
// and would otherwise stay sequential. Results are used in source order, so
// messages and output keep their order.
struct CompiledSource {
  std::vector<RulesUnit> units;
  std::optional<Error> loadError;  // a pack that does not load, a compiler bug
};

std::vector<CompiledSource> compileAll(const std::vector<RulesSource>& sources, unsigned jobs, bool noCache) {
  const std::unique_ptr<CompileCache> cache = CompileCache::fromEnvironment(noCache);
  std::vector<CompiledSource> out(sources.size());
  parallelFor(sources.size(), jobs, [&](size_t i) {
    const RulesSource& src = sources[i];
    if (src.readError) return;
    auto loaded = loadRules(src.path, src.name, src.text, cache.get());
    if (loaded.ok())
      out[i].units = std::move(loaded.value());
    else
      out[i].loadError = loaded.takeError();
  });
  return out;
}

// One step of the console run, in output order: a message about a rules
// source (unreadable, a pack that does not load, a parse error), or one
// (rules file, data file) pair to evaluate.
struct ConsoleStep {
  enum Kind { ReadError, LoadError, ParseError, Pair } kind;
  size_t source = 0;               // ReadError, LoadError
  const RulesUnit* unit = nullptr;  // ParseError, Pair
  size_t data = 0;                  // Pair
  bool lastOfUnit = false;          // Pair: the unit's exit status is settled after it
};

int Validator::evaluateConsole() {
  const unsigned jobs = effectiveJobs(opt_.jobs);
  std::vector<CompiledSource> compiled = compileAll(sources_, jobs, opt_.noCache);
  std::vector<ConsoleStep> steps;
  for (size_t s = 0; s < sources_.size(); ++s) {
    if (sources_[s].readError) {
      steps.push_back({ConsoleStep::ReadError, s});
      continue;
    }
    if (compiled[s].loadError) {
      steps.push_back({ConsoleStep::LoadError, s});
      continue;
    }
    for (const auto& unit : compiled[s].units) {
      if (unit.parseFailure) {
        steps.push_back({ConsoleStep::ParseError, s, &unit});
        continue;
      }
      if (unit.empty) continue;
      for (size_t i = 0; i < data_.size(); ++i)
        steps.push_back({ConsoleStep::Pair, s, &unit, i, i + 1 == data_.size()});
    }
  }
  // Every pair is evaluated and rendered on its own, on `jobs` threads with
  // no barrier between rules files; output is written in step order.
  int exitCode = kExitOk;
  int stopCode = -1;  // set when a step ends the run
  bool unitFailed = false;
  auto produce = [&](size_t k, const OutputTurn& turn) {
    const ConsoleStep& st = steps[k];
    PairOutcome o;
    if (st.kind != ConsoleStep::Pair) return o;
    if (data_[st.data].mergeError)
      o.error = data_[st.data].mergeError;
    else o = evaluatePair(*st.unit, data_[st.data], turn);
    return o;
  };
  auto consume = [&](size_t k, PairOutcome& o) {
    const ConsoleStep& st = steps[k];
    switch (st.kind) {
      case ConsoleStep::ReadError: {
        // cfn-guard prints this and goes on with exit 0 as if the file had
        // passed; guardvm names the file and makes the exit code non-zero.
        const RulesSource& src = sources_[st.source];
        err("Unable read content from file " + src.path + ": I/O error when reading " + src.readError->message + "\n");
        exitCode = kExitError;
        return true;
      }
      case ConsoleStep::LoadError:
        err("Error occurred " + compiled[st.source].loadError->message + "\n");
        exitCode = exitCodeOf(*compiled[st.source].loadError);
        return true;
      case ConsoleStep::ParseError:
        printParseError(*st.unit);
        exitCode = exitCodeOf(*st.unit->parseFailure);
        return true;
      case ConsoleStep::Pair:
        break;
    }
    if (o.error || o.spillError) {
      stopCode = fatal(o.error ? *o.error : *o.spillError);
      return false;
    }
    if (o.spill && !copySpill(o.spill.get())) {
      stopCode = fatal("cannot read back the report from its temporary file");
      return false;
    }
    out(o.text);
    if (o.panicked) {
      err(o.panicMessage);
      stopCode = kExitCrash;
      return false;
    }
    unitFailed |= o.failed;
    // No flush per pair: out() writes in 64 KB blocks and err() flushes
    // stdout before it writes, so the two streams keep their order; one
    // write per pair was most of a run's system time over small templates.
    if (st.lastOfUnit) {
      if (unitFailed) exitCode = kExitFail;
      unitFailed = false;
    }
    return true;
  };
  // Pairs on one data file run one at a time: its Document builds its lookup
  // caches (key index, type tags, line table) as it is used.
  auto dataFileOf = [&](size_t k) { return steps[k].kind == ConsoleStep::Pair ? steps[k].data : SIZE_MAX - k; };
  orderedPipeline<PairOutcome>(steps.size(), jobs, 8 * size_t(jobs), dataFileOf, produce, consume);
  return stopCode >= 0 ? stopCode : exitCode;
}

// --structured (§6.2, §9.2, §9.4, §9.5): all rules files are read and parsed
// first, every data file is evaluated against every parsed rules file, and
// one document is written at the end.
int Validator::evaluateStructured() {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto millis = [](Clock::time_point since) {
    return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
  };
  for (const RulesSource& src : sources_)
    if (src.readError) {
      err("Unable to read content from file " + src.path + ": I/O error when reading " + src.readError->message + "\n");
      return fatal("I/O error when reading " + src.path + ": " + src.readError->message);
    }
  bool parseFailed = false;
  std::vector<RulesUnit> units;
  std::vector<CompiledSource> compiled = compileAll(sources_, effectiveJobs(opt_.jobs), opt_.noCache);
  for (CompiledSource& c : compiled) {
    for (auto& unit : c.units) {
      if (unit.parseFailure) {
        printParseError(unit);
        parseFailed = true;
      } else if (!unit.empty) {
        units.push_back(std::move(unit));
      }
    }
    if (c.loadError) return fatal(c.loadError->message);
  }
  // cfn-guard panics on a parameter clash here (before any output); guardvm
  // reports it as an error (docs/compatibility.md).
  for (const DataFile& d : data_)
    if (d.mergeError) return fatal(*d.mergeError);

  // One test case per (data file, rules file), evaluated in parallel per data file.
  std::vector<vm::report::JunitSuite> suites(data_.size());
  // The reports point at values made during evaluation (a keys filter's keys,
  // function results), which their FileResult owns: keep each alive until the
  // combined output is written.
  std::vector<std::vector<vm::FileResult>> results(data_.size());
  std::vector<std::optional<Error>> errors(data_.size());
  parallelFor(data_.size(), effectiveJobs(opt_.jobs), [&](size_t i) {
    const DataFile& d = data_[i];
    suites[i].dataName = d.name;
    for (const RulesUnit& unit : units) {
      auto t0 = Clock::now();
      auto result = vm::evaluateFile(*unit.program, unit.file, *d.doc);
      if (!result.ok()) {
        errors[i] = result.takeError();
        return;
      }
      vm::PairView view{*unit.program, result.value(), *d.doc, d.doc->text(), unit.name, d.name};
      suites[i].cases.push_back(vm::report::JunitCase{unit.name, vm::report::buildFileReport(view), millis(t0)});
      results[i].push_back(std::move(result.value()));
    }
    suites[i].millis = millis(start);
  });
  for (const auto& e : errors)
    if (e) return fatal(*e);

  bool anyFail = false;
  std::vector<vm::report::FileReportModel> combined;
  for (auto& s : suites) {
    vm::report::FileReportModel m;
    m.name = s.dataName;
    for (auto& c : s.cases) {
      anyFail |= c.report.status == vm::Status::Fail;
      if (opt_.format != "junit") vm::report::combine(m, c.report);
    }
    combined.push_back(std::move(m));
  }
  std::string text;
  // Every evaluation is done: the text goes to stdout as it grows.
  const vm::ReportDrain drain = [](std::string& t) {
    if (t.size() < (size_t(1) << 20)) return;
    out(t);
    t.clear();
  };
  if (opt_.format == "junit") {
    vm::report::writeJunit(text, suites, millis(start));
  } else if (opt_.format == "sarif") {
    vm::report::writeSarif(text, combined, drain);
  } else if (opt_.format == "yaml") {
    if (!vm::report::writeYamlList(text, combined, drain)) return fatal("could not write the YAML report");
  } else {
    vm::report::writeJsonPrettyList(text, combined, drain);
  }
  out(text);
  // JUnit: a parse error (5) wins over a failure (19); the other formats: 19 wins.
  if (opt_.format == "junit") return parseFailed ? kExitParseError : anyFail ? kExitFail : kExitOk;
  return anyFail ? kExitFail : parseFailed ? kExitParseError : kExitOk;
}

int Validator::run() {
  if (int rc = checkFlags()) return rc;
  if (int rc = loadAllData()) return rc;
  if (int rc = loadParams()) return rc;
  if (int rc = collectRules()) return rc;
  if (opt_.lint) printLintWarnings();
  int rc = opt_.structured ? evaluateStructured() : evaluateConsole();
  return rc == kExitOk && inputUnreadable_ ? kExitError : rc;
}

}  // namespace

int runValidate(std::vector<std::string> args) {
  const args::Parsed parsed = args::parse(validateCommand(), args);
  if (int rc = settle(parsed, validateHelp()); rc >= 0) return rc;
  const args::Matches& m = parsed.matches;
  ValidateOptions o;
  o.rules = m.values("rules");
  o.data = m.values("data");
  o.inputParams = m.values("input-params");
  o.type = m.value("type");
  o.format = m.value("output-format", o.format);
  o.summary = m.values("show-summary");
  o.alphabetical = m.has("alphabetical");
  o.lastModified = m.has("last-modified");
  o.verbose = m.has("verbose");
  o.printJson = m.has("print-json");
  o.payload = m.has("payload");
  o.structured = m.has("structured");
  o.noCache = m.has("no-cache");
  o.lint = m.has("lint");
  o.jobs = std::stoi(m.value("jobs", "1"));  // checked by the parser
  o.rulesGiven = m.has("rules");
  o.dataGiven = m.has("data");
  if (o.rulesGiven && o.rules.empty() && !o.payload) {
    // cfn-guard panics here (exit 101); this is a usage error (docs/compatibility.md).
    err(args::render({"'--rules' needs at least one rules file or directory", "",
                      gProgramName + " validate <--rules [<RULES>...]|--payload>"}));
    return kExitUsage;
  }
  Validator v(std::move(o));
  return v.run();
}

}  // namespace guard::cli
