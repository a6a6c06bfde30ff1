// The JUnit XML report of `validate --structured -o junit`
// (spec/cli-and-reports.md §9.4): a suite per data file, a test case per
// parsed rules file, the failed clauses' messages as the failure text, and
// quick-xml's escaping and four-space indent. Also the message walk shared
// with SARIF (forEachClauseMessage). Called by tools/cli/validate.cpp.
#include <functional>

#include "report/model.h"

namespace guard::vm::report {
namespace {

// quick-xml escapes the same five characters in attributes and in text.

const Node* messageNode(const ClauseReport& c) {
  switch (c.kind) {
    case CrKind::UnaryUnresolved:
    case CrKind::BinaryUnresolved:
      return c.unresolved.traversedTo;    // the point the query reached
    case CrKind::BinaryResolved:
      return c.to;                        // the right-hand value
    case CrKind::InResolved:
      return c.from;                      // the left value
    default:
      return nullptr;                     // unary on a present value, blocks: 1/1
  }
}

void visit(const ClauseReport& c, const std::function<void(const ClauseMessage&)>& f) {
  if (c.kind == CrKind::Rule || c.kind == CrKind::Disjunctions) {
    for (const ClauseReport& k : c.checks) visit(k, f);
    return;
  }
  f(ClauseMessage{c.custom.value_or(""), c.error ? c.error->str() : std::string(), messageNode(c)});
}

void writeCase(std::string& out, const JunitCase& tc) {
  std::string head = "        <testcase name=\"" + xmlEscape(tc.rulesName) + "\" time=\"" +
                     std::to_string(tc.millis) + "\"";
  if (tc.report.status != Status::Fail) {
    out += head + " status=\"" + (tc.report.status == Status::Pass ? "pass" : "skip") + "\"/>\n";
    return;
  }
  // message = the last failed rule that contributed a message; text = every
  // message, custom then error, with no separator.
  std::string name, text;
  bool any = false;
  for (const ClauseReport& rule : tc.report.notCompliant) {
    forEachClauseMessage(rule, [&](const ClauseMessage& m) {
      name = rule.name;
      any = true;
      text += m.custom + m.error;
    });
  }
  out += head + ">\n";
  std::string failure = "            <failure";
  if (any) failure += " message=\"" + xmlEscape(name) + "\"";
  if (text.empty()) out += failure + "/>\n";
  else out += failure + ">" + xmlEscape(text) + "</failure>\n";
  out += "        </testcase>\n";
}

}  // namespace

std::string xmlEscape(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default: o += c;
    }
  }
  return o;
}

void forEachClauseMessage(const ClauseReport& rule, const std::function<void(const ClauseMessage&)>& f) {
  visit(rule, f);
}

size_t writeJunit(std::string& out, const std::vector<JunitSuite>& suites, uint64_t totalMillis) {
  size_t tests = 0, failures = 0;
  for (const JunitSuite& s : suites)
    for (const JunitCase& c : s.cases) {
      ++tests;
      failures += c.report.status == Status::Fail;
    }
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"cfn-guard validate report\" tests=\"" + std::to_string(tests) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" time=\"" +
         std::to_string(totalMillis) + "\">\n";
  for (const JunitSuite& s : suites) {
    size_t f = 0;
    for (const JunitCase& c : s.cases) f += c.report.status == Status::Fail;
    out += "    <testsuite name=\"" + xmlEscape(s.dataName) + "\" errors=\"0\" failures=\"" +
           std::to_string(f) + "\" time=\"" + std::to_string(s.millis) + "\">\n";
    for (const JunitCase& c : s.cases) writeCase(out, c);
    out += "    </testsuite>\n";
  }
  out += "</testsuites>\n";
  return failures;
}

}  // namespace guard::vm::report
