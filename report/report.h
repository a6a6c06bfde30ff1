// Reports: views over the results of evaluating one rules file against one
// data file (vm/results.h), in every format cfn-guard 3.1.1 writes
// (spec/cli-and-reports.md §7–§9). Called by guardvm's validate and test
// commands; everything is appended to strings so that output can be written
// per data file and in order.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "runtime/document.h"
#include "vm/program.h"
#include "vm/results.h"

namespace guard::vm {

// One evaluated (rules file, data file) pair.
struct PairView {
  const Program& program;
  const FileResult& result;
  const Document& data;          // the merged document the rules saw
  std::string_view dataText;     // the data file's original text (code excerpts)
  std::string_view rulesName;    // reported rules file name
  std::string_view dataName;     // reported data name
};

// -S / --show-summary, folded (spec §7.1).
enum SummaryBits : unsigned { kShowPass = 1, kShowFail = 2, kShowSkip = 4 };

struct ConsoleOptions {
  unsigned summary = kShowFail;
  bool color = false;
};

// Called by a writer between the parts of a long report with the text so
// far; it may take that text away (write it elsewhere and clear `out`), so
// that a report far bigger than memory can be written.
using ReportDrain = std::function<void(std::string& out)>;

// The summary table (§7.1); nothing when no section applies.
void writeSummaryTable(std::string& out, const PairView& v, const ConsoleOptions& o);
// The detail report (§7.2–7.5): CloudFormation, Terraform or generic.
// Where cfn-guard's CloudFormation or Terraform reporter panics, this file
// gets the generic report instead (docs/compatibility.md). Returns false only
// for the Terraform path error cfn-guard reports as an error; its message is
// then in `panic`.
// `drain` is called after each resource of a CloudFormation or Terraform report.
bool writeConsoleDetail(std::string& out, const PairView& v, const ConsoleOptions& o,
                        std::string& panic, const ReportDrain& drain = {});

// The file report of §9.3 as pretty JSON (no final newline) or YAML.
void writeFileReportJson(std::string& out, const PairView& v, const ReportDrain& drain = {});
void writeFileReportYaml(std::string& out, const PairView& v, const ReportDrain& drain = {});

namespace report {
// XML escaping for attributes and text (& < > " '), used by every JUnit writer.
std::string xmlEscape(std::string_view s);
}  // namespace report

}  // namespace guard::vm
