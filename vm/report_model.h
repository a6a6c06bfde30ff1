// The failure report model shared by the report views: cfn-guard's
// "simplified" FileReport (ClauseReport tree of Rule / Block / Disjunctions /
// Clause entries, spec/cli-and-reports.md §9.3) rebuilt from the VM's
// records, plus the text helpers the reports have in common (Rust-style
// value displays, unresolved-query reasons, operator words). Built by
// report_model.cpp; read by report_json.cpp (JSON/YAML file reports) and
// report_console.cpp (CloudFormation / Terraform / generic console reports).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <string>
#include <vector>

#include "runtime/json_writer.h"
#include "vm/report.h"

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

struct ClauseReport {
  CrKind kind = CrKind::Rule;
  std::string name;                    // Rule
  std::optional<std::string> custom;   // messages.custom_message
  std::optional<std::string> error;    // messages.error_message
  std::string context;                 // clause text / block context
  std::string contextCheck;            // UnaryContext payload
  ast::CmpOp op = ast::CmpOp::Exists;
  bool opNegated = false;
  const Node* from = nullptr;          // UnaryResolved value, binary from
  const Node* to = nullptr;            // BinaryResolved to
  std::vector<const Node*> inTo;       // InResolved to
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
// {"path": <path of n>, "value": <n>}: how cfn-guard's JSON shows a data value.
json::Value pathValueJson(const Node* n);
// --structured (§9.2): folds the report of another rules file on the same
// data file in: FAIL wins, then PASS; not_compliant concatenated in rules-file
// order; compliant / not_applicable sorted unions.
void combine(FileReportModel& into, FileReportModel other);

// The clause a KeysCheck record stands for: `keys <op> <rhs>` of its part,
// with no text and no message.
ClauseInfo keysClause(const Program& p, const Record& r);

// Is a failed comparison of clause `c` between `from` and `to` reported in
// the IN form (InResolved / GuardClauseInBinaryCheck) rather than as a pair?
bool isInForm(const ClauseInfo& c, const QValue& from, const QValue& to);
// Why two values could not be compared: "PathAwareValues are not comparable int, float".
std::string notComparableReason(ast::CmpOp op, const Node* from, const Node* to);

// ---- text helpers (cfn-guard's Display / Debug forms)

// "/a/b[L:3,C:4]" (zero-based location).
std::string pathLoc(const Node* n);
// "Path=/a/b[L:3,C:4] Value=<value-only form>" (PathAwareValue's Display).
std::string pathValue(const Node* n);
// PathAwareValue::type_info(): "String", "int", "array", "map", ...
const char* typeInfo(const Node* n);
// Rust {:?} of a PathAwareValue: String((Path("/s", Location { line: 0, col: 3 }), "x")).
std::string rustDebug(const Node* n);
// Rust {:?} of an f64: 1.0, 1e20, 1.5e-7.
std::string floatDebug(double d);

// The UnResolved of an unresolved query member (reason texts of §9.3).
Unresolved unresolvedOf(const Program& p, const QValue& v);

// Operator words of the console report (cmp_str): "EQUAL", "NOT IN", "IS LIST", ...
const char* operatorWords(ast::CmpOp op, bool negated);
// serde name of an operator in `comparison`: "Eq", "IsMap", ...
const char* operatorName(ast::CmpOp op);

// Status word.
const char* statusWord(Status s);

// ---- console helpers shared with the unit tests

// cfn-guard's ReadCursor: one per (rules file, data file) pair, shared by all
// resource blocks. A backward seek moves the line number back but later reads
// keep counting from there, so lines read afterwards get wrong numbers; the
// excerpts must reproduce that (§7.3.5).
class CodeCursor {
 public:
  explicit CodeCursor(std::string_view text) : text_(text) {}

  bool next(uint64_t& num, std::string_view& line) {
    if (n_ < seen_.size()) {
      ++n_;
      return at(n_, num, line);
    }
    if (!readLine(line)) return false;
    ++n_;
    seen_.emplace_back(n_, line);
    return at(n_, num, line);
  }

  bool seek(uint64_t k, uint64_t& num, std::string_view& line) {
    if (seen_.size() > k) {
      n_ = k;
      return at(k, num, line);
    }
    for (;;) {
      std::string_view l;
      if (!readLine(l)) return false;
      ++n_;
      seen_.emplace_back(n_, l);
      if (n_ == k) return at(n_, num, line);
    }
  }

 private:
  // Both operations answer with the seen_ entry at position n, not with the
  // line just read: after a backward seek those differ (§7.3.5).
  bool at(uint64_t n, uint64_t& num, std::string_view& line) const {
    num = seen_[n - 1].first;
    line = seen_[n - 1].second;
    return true;
  }

  // Rust's str::lines(): split at '\n', drop one trailing '\r', no empty last line.
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


// "Message"/"Error" lines of a console clause (cfn-guard's emit_messages):
// the custom message split on ';' (else on line breaks), trimmed parts, one
// per line in a "Message {" block when there are several; labels padded to `width`.
void emitMessages(std::string& out, const std::string& prefix, std::string_view message,
                  std::string_view error, size_t width);
std::string padRight(std::string_view s, size_t width);

}  // namespace guard::vm::report

namespace guard::vm::report {

// ---- structured reports over file report models (report_junit.cpp, report_sarif.cpp)

// One failed clause's messages, in report order (cfn-guard's get_message):
// every Block / Clause entry under a failed rule, nested rules and
// disjunctions flattened depth first. `at` is the node SARIF points at.
struct ClauseMessage {
  std::string custom;   // "" when absent
  std::string error;    // "" when absent
  const Node* at = nullptr;
};
std::vector<ClauseMessage> clauseMessages(const ClauseReport& rule);

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
void writeSarif(std::string& out, const std::vector<FileReportModel>& reports);

}  // namespace guard::vm::report
