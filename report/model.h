// The failure report model shared by the report views: cfn-guard's
// "simplified" FileReport (ClauseReport tree of Rule / Block / Disjunctions /
// Clause entries, spec/cli-and-reports.md §9.3) rebuilt from the VM's
// records, plus the text helpers the reports have in common (Rust-style
// value displays, unresolved-query reasons, operator words). Built by
// report/model.cpp; read by report/json.cpp (JSON/YAML file reports) and
// report/console.cpp (CloudFormation / Terraform / generic console reports).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <string>
#include <vector>

#include "runtime/json_writer.h"
#include "runtime/line_table.h"
#include "runtime/rust_debug.h"
#include "report/report.h"

namespace guard::vm::report {

enum class CrKind : uint8_t {
  Rule,              // a failed rule, or a failed parameterized-rule call
  Block,             // a block whose query did not resolve (GuardBlockReport)
  Disjunctions,      // a failed `or`
  UnaryUnresolved,   // Clause/Unary/UnResolved
  UnaryResolved,     // Clause/Unary/Resolved
  UnaryContext,      // Clause/Unary/UnResolvedContext (rule refs, empty-set checks)
  BinaryUnresolved,  // Clause/Binary/UnResolved
  BinaryResolved,    // Clause/Binary/Resolved
  InResolved,        // Clause/Binary/InResolved
};

// cfn-guard's UnResolved: where a query stopped and why.
struct Unresolved {
  const Node* traversedTo = nullptr;
  std::string remainingQuery;
  std::optional<std::string> reason;
};

// A clause's error message. Every failure of one `%a IN %b` lists all of %b,
// so that listing is rendered once and shared (Builder::inSlice): the message
// is head + *shared + tail, and a report of n failures holds one listing, not n.
struct ErrorText {
  std::string head;
  std::shared_ptr<const std::string> shared;  // may be null
  std::string tail;

  ErrorText() = default;
  ErrorText(std::string text) : head(std::move(text)) {}  // NOLINT: a plain message
  ErrorText(const char* text) : head(text) {}             // NOLINT
  ErrorText(std::string h, std::shared_ptr<const std::string> s, std::string t)
      : head(std::move(h)), shared(std::move(s)), tail(std::move(t)) {}

  size_t size() const { return head.size() + (shared ? shared->size() : 0) + tail.size(); }
  bool empty() const { return size() == 0; }
  void appendTo(std::string& out) const {
    out += head;
    if (shared) out += *shared;
    out += tail;
  }
  std::string str() const {
    std::string s;
    s.reserve(size());
    appendTo(s);
    return s;
  }
};

struct ClauseReport {
  CrKind kind = CrKind::Rule;
  std::string name;                    // Rule
  std::optional<std::string> custom;   // messages.custom_message
  std::optional<ErrorText> error;      // messages.error_message
  std::string context;                 // clause text / block context
  std::string contextCheck;            // UnaryContext payload
  CmpOp op = CmpOp::Exists;
  bool opNegated = false;
  const Node* from = nullptr;          // UnaryResolved value, binary from
  const Node* to = nullptr;            // BinaryResolved to
  // InResolved to: every failure of one `%a IN %b` shares %b's list (a
  // list per failure grew with the square of the template: 500 MB at 50k).
  std::shared_ptr<const std::vector<const Node*>> inTo;
  Unresolved unresolved;               // *Unresolved kinds and Block
  bool hasUnresolved = false;
  std::vector<ClauseReport> checks;    // Rule, Disjunctions
  std::string key;                     // hierarchy key "/rule/C[n]" (console attribution)

  // The data values a clause refers to (cfn-guard's value_from / value_to).
  const Node* valueFrom() const;
  const Node* valueTo() const;
};

struct FileReportModel {
  std::string name;
  Status status = Status::Skip;
  std::vector<ClauseReport> notCompliant;   // one Rule per failed rule
  std::vector<std::string> notApplicable;   // sorted, unique
  std::vector<std::string> compliant;       // sorted, unique
};

FileReportModel buildFileReport(const PairView& v);
json::Value toJson(const FileReportModel& m);
// json::writePretty(out, toJson(m)), written without building the tree;
// `drain` (if set) is called after each clause.
void writeJsonPretty(std::string& out, const FileReportModel& m, const ReportDrain& drain = {});
// json::writeYaml(out, toJson(m)) the same way; false if libyaml failed.
bool writeYamlStream(std::string& out, const FileReportModel& m, const ReportDrain& drain = {});
// --structured -o json|yaml: the list of the combined reports, the same way
// (no tree of them all; a list of big reports took 6.5 times its text).
void writeJsonPrettyList(std::string& out, const std::vector<FileReportModel>& ms,
                         const ReportDrain& drain = {});
bool writeYamlList(std::string& out, const std::vector<FileReportModel>& ms, const ReportDrain& drain = {});
// {"path": <path of n>, "value": <n>}: how cfn-guard's JSON shows a data value.
json::Value pathValueJson(const Node* n);
// --structured (§9.2): folds the report of another rules file on the same
// data file in: FAIL wins, then PASS; not_compliant concatenated in rules-file
// order; compliant / not_applicable sorted unions.
void combine(FileReportModel& into, FileReportModel other);

// The clause a KeysCheck record stands for, with no text and no message:
// `keys == v` / `keys != v` when the key was compared with one value (the
// record's `to`), `keys in` / `keys not in` the record's right-hand set when
// the filter asked whether some value has the key (keysInForm).
ClauseInfo keysClause(const Program& p, const Record& r);
bool keysInForm(const Record& r);

// Is a failed comparison of clause `c` between `from` and `to` reported in
// the IN form (InResolved / GuardClauseInBinaryCheck) rather than as a pair?
bool isInForm(const ClauseInfo& c, const QValue& from, const QValue& to);
// A not-comparable pair of `IN` came from the substring test: a query's value
// against a literal (cfn-guard's string_in), not from list membership.
bool substringPair(const QValue& from, const QValue& to);
// The right-hand values an IN-form failure lists: all resolved ones of its
// kept set (Record::toSet), else the one it was compared with.
void inTargets(const Record& r, const std::vector<ResultSet>& sets, std::vector<const Node*>& out);
// Why two values could not be compared: "PathAwareValues are not comparable int, float".
// `substring`: the pair came from `IN 'string'` (a query's value against a
// literal string, substringPair), not from membership or equality; cfn-guard
// words the three differently.
std::string notComparableReason(CmpOp op, const Node* from, const Node* to, bool substring);

// ---- text helpers (cfn-guard's Display / Debug forms)

// "/a/b[L:3,C:4]" (zero-based location), built in runtime for errors and reports alike.
using guard::pathLoc;
// "Path=/a/b[L:3,C:4] Value=<value-only form>" (PathAwareValue's Display).
std::string pathValue(const Node* n);
// Rust {:?} of a PathAwareValue and of an f64 (runtime/rust_debug.h).
using guard::floatDebug;
using guard::rustDebug;

// The UnResolved of an unresolved query member (reason texts of §9.3).
Unresolved unresolvedOf(const Program& p, const QValue& v);

// Operator words of the console report (cmp_str): "EQUAL", "NOT IN", "IS LIST", ...
const char* operatorWords(CmpOp op, bool negated);
// serde name of an operator in `comparison`: "Eq", "IsMap", ...
const char* operatorName(CmpOp op);

// Status word.
const char* statusWord(Status s);

// ---- console helpers shared with the unit tests

// cfn-guard's ReadCursor: one per (rules file, data file) pair, shared by all
// resource blocks. A backward seek moves the line number back but later reads
// keep counting from there, so lines read afterwards get wrong numbers; the
// excerpts must reproduce that (§7.3.5).
//
// The cursor's list of lines read holds line i of the text at position i with
// a number that only a backward seek puts out of step, so it is kept as runs of
// consecutive numbers over the document's shared LineTable: a seek is O(log
// runs), not a scan from the top of the text for every rules file.
class CodeCursor {
 public:
  explicit CodeCursor(const LineTable& lines) : lines_(lines) {}
  explicit CodeCursor(std::string_view text) : own_(std::make_unique<LineTable>(text)), lines_(*own_) {}
  CodeCursor(const CodeCursor&) = delete;
  CodeCursor& operator=(const CodeCursor&) = delete;

  bool next(uint64_t& num, std::string_view& line) {
    if (n_ < read_) {
      ++n_;
      return at(n_, num, line);
    }
    if (read_ >= lines_.size()) return false;
    ++n_;
    append(n_, 1);
    return at(n_, num, line);
  }

  // Reads on until the running number reaches k, as cfn-guard's loop does: it
  // counts before it compares, so a cursor already at k reads to the end.
  bool seek(uint64_t k, uint64_t& num, std::string_view& line) {
    if (read_ > k) {
      n_ = k;
      return at(k, num, line);
    }
    const uint64_t left = lines_.size() - read_;
    if (k <= n_ || k - n_ > left) {
      if (left) append(n_ + 1, left);
      n_ += left;
      return false;
    }
    const uint64_t steps = k - n_;
    append(n_ + 1, steps);
    n_ = k;
    return at(n_, num, line);
  }

 private:
  struct Run {
    uint64_t first;   // position (1-based) in the list of lines read
    uint64_t number;  // the number given to that line
  };

  // Lines read_+1 .. read_+count are read and numbered from `number` up.
  void append(uint64_t number, uint64_t count) {
    if (runs_.empty() || numberAt(read_) + 1 != number) runs_.push_back({read_ + 1, number});
    read_ += count;
  }

  uint64_t numberAt(uint64_t pos) const {
    auto it = std::upper_bound(runs_.begin(), runs_.end(), pos,
                               [](uint64_t p, const Run& r) { return p < r.first; });
    --it;
    return it->number + (pos - it->first);
  }

  // Both operations answer with the entry at position n of the list, not with
  // the line just read: after a backward seek those differ.
  bool at(uint64_t n, uint64_t& num, std::string_view& line) const {
    num = numberAt(n);
    line = lines_.line(n - 1);
    return true;
  }

  std::unique_ptr<LineTable> own_;  // for a text without a Document
  const LineTable& lines_;
  uint64_t read_ = 0;  // lines read so far
  uint64_t n_ = 0;     // the running number
  std::vector<Run> runs_;
};

// "Message"/"Error" lines of a console clause (cfn-guard's emit_messages):
// the custom message split on ';' (else on line breaks), trimmed parts, one
// per line in a "Message {" block when there are several; labels padded to `width`.
void emitMessages(std::string& out, const std::string& prefix, std::string_view message,
                  std::string_view error, size_t width);
// The same for a clause's messages, appending a shared error listing in place.
void emitClauseMessages(std::string& out, const std::string& prefix, std::string_view message,
                        const std::optional<ErrorText>& error, size_t width);
std::string padRight(std::string_view s, size_t width);

}  // namespace guard::vm::report

namespace guard::vm::report {

// ---- structured reports over file report models (report/junit.cpp, report/sarif.cpp)

// One failed clause's messages, in report order (cfn-guard's get_message):
// every Block / Clause entry under a failed rule, nested rules and
// disjunctions flattened depth first. `at` is the node SARIF points at.
struct ClauseMessage {
  std::string custom;   // "" when absent
  std::string error;    // "" when absent
  const Node* at = nullptr;
};
void forEachClauseMessage(const ClauseReport& rule, const std::function<void(const ClauseMessage&)>& f);

// JUnit (§9.4): one suite per data file, one test case per parsed rules file.
struct JunitCase {
  std::string rulesName;
  FileReportModel report;     // that rules file against the suite's data file
  uint64_t millis = 0;        // evaluation time
};
struct JunitSuite {
  std::string dataName;
  std::vector<JunitCase> cases;
  uint64_t millis = 0;        // time since the report started
};
// Writes the document (final newline); returns the number of failed test cases.
size_t writeJunit(std::string& out, const std::vector<JunitSuite>& suites, uint64_t totalMillis);

// SARIF 2.1.0 (§9.5) over the combined report of each data file; pretty JSON,
// no final newline.
void writeSarif(std::string& out, const std::vector<FileReportModel>& reports,
                const ReportDrain& drain = {});

}  // namespace guard::vm::report
