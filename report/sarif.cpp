// The SARIF 2.1.0 report of `validate --structured -o sarif`
// (spec/cli-and-reports.md §9.5): one run, an artifact per failing data file,
// a result per message of each failed rule's clauses. Called by
// tools/cli/validate.cpp with the combined report of each data file.
#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "report/model.h"

namespace guard::vm::report {
namespace {

constexpr const char* kDescription =
    "AWS CloudFormation Guard is an open-source general-purpose policy-as-code evaluation tool. "
    "It provides developers with a simple-to-use, yet powerful and expressive domain-specific "
    "language (DSL) to define policies and enables developers to validate JSON- or YAML- "
    "formatted structured data with those policies.";

void member(json::Events& w, std::string_view key, std::string_view text) {
  w.key(key);
  w.string(text);
}

void driver(json::Events& w) {
  w.beginObject();
  w.key("driver");
  w.beginObject();
  member(w, "name", "cfn-guard");
  member(w, "semanticVersion", "3.1.1");
  member(w, "fullName", "cfn-guard 3.1.1");
  member(w, "organization", "Amazon Web Services");
  member(w, "downloadUri", "https://github.com/aws-cloudformation/cloudformation-guard");
  member(w, "informationUri", "https://github.com/aws-cloudformation/cloudformation-guard");
  w.key("shortDescription");
  w.beginObject();
  member(w, "text", kDescription);
  w.endObject();
  w.endObject();
  w.endObject();
}

// cfn-guard strips exactly one leading '/' from the data name.
std::string uriOf(const std::string& name) { return name.empty() || name[0] != '/' ? name : name.substr(1); }

// The rule name up to its first '.', upper-cased.
std::string ruleId(const std::string& name) {
  std::string id = name.substr(0, name.find('.'));
  for (char& c : id) c = char(std::toupper(static_cast<unsigned char>(c)));
  return id;
}

void locations(json::Events& w, const std::string& uri, const Node* at) {
  const uint32_t line = at ? at->line : 0, col = at ? at->col : 0;
  w.beginArray();
  w.beginObject();
  w.key("physicalLocation");
  w.beginObject();
  w.key("artifactLocation");
  w.beginObject();
  member(w, "uri", uri);
  w.endObject();
  w.key("region");
  w.beginObject();
  w.key("startLine");
  w.integer(std::max<uint32_t>(1, line));
  w.key("startColumn");
  w.integer(std::max<uint32_t>(1, col));
  w.endObject();
  w.endObject();
  w.endObject();
  w.endArray();
}

void result(json::Events& w, const std::string& rule, const ClauseMessage& m, const std::string& uri) {
  w.beginObject();
  member(w, "ruleId", ruleId(rule));
  member(w, "level", "error");
  w.key("message");
  w.beginObject();
  member(w, "text", m.error + " " + m.custom);
  w.endObject();
  w.key("locations");
  locations(w, uri, m.at);
  w.endObject();
}

}  // namespace

// Written event by event, a result at a time: no tree of the whole report
// (which, for 400,000 failing resources, took 2.5 times the JSON report's
// memory); `drain` (if set) is offered the text after each result.
void writeSarif(std::string& out, const std::vector<FileReportModel>& reports,
                const ReportDrain& drain) {
  json::PrettyWriter w(out);
  w.beginObject();
  member(w, "$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
  member(w, "version", "2.1.0");
  w.key("runs");
  w.beginArray();
  w.beginObject();
  w.key("tool");
  driver(w);
  w.key("artifacts");
  w.beginArray();
  std::unordered_set<std::string> seen;
  for (const FileReportModel& m : reports) {
    if (m.status != Status::Fail) continue;
    std::string uri = uriOf(m.name);
    if (!seen.insert(uri).second) continue;
    w.beginObject();
    w.key("location");
    w.beginObject();
    member(w, "uri", uri);
    w.endObject();
    w.endObject();
  }
  w.endArray();
  w.key("results");
  w.beginArray();
  for (const FileReportModel& m : reports) {
    if (m.status != Status::Fail) continue;
    const std::string uri = uriOf(m.name);
    for (const ClauseReport& rule : m.notCompliant)
      forEachClauseMessage(rule, [&](const ClauseMessage& cm) {
        result(w, rule.name, cm, uri);
        if (drain) drain(out);
      });
  }
  w.endArray();
  w.endObject();
  w.endArray();
  w.endObject();
}

}  // namespace guard::vm::report
