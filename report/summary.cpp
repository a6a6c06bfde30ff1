// The summary table written before each (rules file, data file) pair's detail
// report on the console and before plain -o json/yaml documents
// (spec/cli-and-reports.md §7.1). Called by the validate command.
#include <algorithm>

#include "report/report.h"
#include "report/model.h"

namespace guard::vm {
namespace {

const char* statusColor(Status s) {
  switch (s) {
    case Status::Pass: return "\x1b[32m";
    case Status::Fail: return "\x1b[1;31m";
    default: return "\x1b[1;33m";
  }
}

void appendStatus(std::string& out, Status s, bool color) {
  if (color) out += statusColor(s);
  out += report::statusWord(s);
  if (color) out += "\x1b[0m";
}

void appendTitle(std::string& out, const char* title, bool color) {
  if (color) out += "\x1b[1m";
  out += title;
  if (color) out += "\x1b[0m";
  out += "\n";
}

// Adds `name` unless already present: the sections list each name once, in
// the order rules were evaluated.
void addOnce(std::vector<std::string>& list, const std::string& name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

}  // namespace

void writeSummaryTable(std::string& out, const PairView& v, const ConsoleOptions& o) {
  const Program& P = v.program;
  std::vector<std::string> passed, failed, skipped;
  size_t width = 0;
  static const std::string kDefault = "default";
  for (const RuleResult& rr : v.result.rules) {
    // The default rule's name (`<file>/default` in the other reports) is
    // listed as `default` under the file's name, like the named rules.
    const RuleInfo& rule = P.rules[rr.rule];
    const std::string& name = rule.kind == RuleKind::Default ? kDefault : P.str(rule.name);
    width = std::max(width, name.size());
    if (rr.status == Status::Pass) addOnce(passed, name);
    else if (rr.status == Status::Fail) addOnce(failed, name);
    else addOnce(skipped, name);
  }
  // A name that also passed or failed somewhere is not listed as skipped.
  std::erase_if(skipped, [&](const std::string& n) {
    return std::find(passed.begin(), passed.end(), n) != passed.end() ||
           std::find(failed.begin(), failed.end(), n) != failed.end();
  });

  struct Section {
    unsigned bit;
    const char* title;
    Status status;
    const std::vector<std::string>* names;
  };
  const Section sections[] = {{kShowSkip, "SKIP rules", Status::Skip, &skipped},
                              {kShowPass, "PASS rules", Status::Pass, &passed},
                              {kShowFail, "FAILED rules", Status::Fail, &failed}};
  bool any = false;
  for (const Section& s : sections) {
    if (!(o.summary & s.bit) || s.names->empty()) continue;
    if (!any) {
      out += std::string(v.dataName) + " Status = ";
      appendStatus(out, v.result.status, o.color);
      out += "\n";
      any = true;
    }
    appendTitle(out, s.title, o.color);
    for (const std::string& name : *s.names) {
      out += std::string(v.rulesName) + "/" + name;
      out.append(width + 4 - name.size(), ' ');
      appendStatus(out, s.status, o.color);
      out += "\n";
    }
  }
  if (any) out += "---\n";
}

}  // namespace guard::vm
