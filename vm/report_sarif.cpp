// The SARIF 2.1.0 report of `validate --structured -o sarif`
// (spec/cli-and-reports.md §9.5): one run, an artifact per failing data file,
// a result per message of each failed rule's clauses. Called by
// tools/cli/validate.cpp with the combined report of each data file.
#include <cctype>

#include "vm/report_model.h"

namespace guard::vm::report {
namespace {

constexpr const char* kDescription =
    "AWS CloudFormation Guard is an open-source general-purpose policy-as-code evaluation tool. "
    "It provides developers with a simple-to-use, yet powerful and expressive domain-specific "
    "language (DSL) to define policies and enables developers to validate JSON- or YAML- "
    "formatted structured data with those policies.";

json::Value str(std::string s) { return json::Value::string(std::move(s)); }

json::Value driver() {
  json::Value d = json::Value::object();
  d.set("name", str("cfn-guard"));
  d.set("semanticVersion", str("3.1.1"));
  d.set("fullName", str("cfn-guard 3.1.1"));
  d.set("organization", str("Amazon Web Services"));
  d.set("downloadUri", str("https://github.com/aws-cloudformation/cloudformation-guard"));
  d.set("informationUri", str("https://github.com/aws-cloudformation/cloudformation-guard"));
  json::Value sd = json::Value::object();
  sd.set("text", str(kDescription));
  d.set("shortDescription", std::move(sd));
  json::Value tool = json::Value::object();
  tool.set("driver", std::move(d));
  return tool;
}

// cfn-guard strips exactly one leading '/' from the data name.
std::string uriOf(const std::string& name) { return name.empty() || name[0] != '/' ? name : name.substr(1); }

// The rule name up to its first '.', upper-cased.
std::string ruleId(const std::string& name) {
  std::string id = name.substr(0, name.find('.'));
  for (char& c : id) c = char(std::toupper(static_cast<unsigned char>(c)));
  return id;
}

json::Value location(const std::string& uri, const Node* at) {
  uint32_t line = at ? at->line : 0, col = at ? at->col : 0;
  json::Value region = json::Value::object();
  region.set("startLine", json::Value::integer(std::max<uint32_t>(1, line)));
  region.set("startColumn", json::Value::integer(std::max<uint32_t>(1, col)));
  json::Value artifact = json::Value::object();
  artifact.set("uri", str(uri));
  json::Value phys = json::Value::object();
  phys.set("artifactLocation", std::move(artifact));
  phys.set("region", std::move(region));
  json::Value loc = json::Value::object();
  loc.set("physicalLocation", std::move(phys));
  json::Value list = json::Value::array();
  list.push(std::move(loc));
  return list;
}

json::Value result(const std::string& rule, const ClauseMessage& m, const std::string& uri) {
  json::Value r = json::Value::object();
  r.set("ruleId", str(ruleId(rule)));
  r.set("level", str("error"));
  json::Value msg = json::Value::object();
  msg.set("text", str(m.error + " " + m.custom));
  r.set("message", std::move(msg));
  r.set("locations", location(uri, m.at));
  return r;
}

}  // namespace

void writeSarif(std::string& out, const std::vector<FileReportModel>& reports) {
  json::Value artifacts = json::Value::array(), results = json::Value::array();
  std::vector<std::string> seen;
  for (const FileReportModel& m : reports) {
    if (m.status != Status::Fail) continue;
    std::string uri = uriOf(m.name);
    if (std::find(seen.begin(), seen.end(), uri) == seen.end()) {
      seen.push_back(uri);
      json::Value loc = json::Value::object();
      loc.set("uri", str(uri));
      json::Value a = json::Value::object();
      a.set("location", std::move(loc));
      artifacts.push(std::move(a));
    }
    for (const ClauseReport& rule : m.notCompliant)
      for (const ClauseMessage& cm : clauseMessages(rule)) results.push(result(rule.name, cm, uri));
  }
  json::Value run = json::Value::object();
  run.set("tool", driver());
  run.set("artifacts", std::move(artifacts));
  run.set("results", std::move(results));
  json::Value runs = json::Value::array();
  runs.push(std::move(run));
  json::Value doc = json::Value::object();
  doc.set("$schema", str("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"));
  doc.set("version", str("2.1.0"));
  doc.set("runs", std::move(runs));
  json::writePretty(out, doc);
}

}  // namespace guard::vm::report
