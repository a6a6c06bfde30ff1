// The per-pair file report of `validate -o json|yaml` (spec/cli-and-reports.md
// §9.1, §9.3): the report model of report/model.h written with serde_json's
// pretty printer (no final newline) or serde_yaml's emitter (final newline).
// Called by the validate command once per (rules file, data file) pair.
#include "report/report.h"
#include "report/model.h"

namespace guard::vm {

void writeFileReportJson(std::string& out, const PairView& v, const ReportDrain& drain) {
  report::writeJsonPretty(out, report::buildFileReport(v), drain);
}

void writeFileReportYaml(std::string& out, const PairView& v, const ReportDrain& drain) {
  report::writeYamlStream(out, report::buildFileReport(v), drain);
}

}  // namespace guard::vm
