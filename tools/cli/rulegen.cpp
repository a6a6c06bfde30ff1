// `guardvm rulegen`: generates Guard rules from a CloudFormation template,
// one rule per resource type checking every property value the template
// sets (spec/cli-and-reports.md §11.2; goldens g01-g04). Called by
// tools/guardvm.cpp through runRulegen (commands.h).
#include <fstream>
#include <map>
#include <set>

#include "compiler/parser.h"
#include "runtime/json_writer.h"
#include "runtime/loader.h"
#include "tools/cli/commands.h"
#include "tools/cli/common.h"
#include "tools/cli/args.h"
#include "tools/cli/command_line.h"
#include "tools/cli/help.h"

namespace guard::cli {
namespace {

// resource type -> property -> rendered values; std::map/set give the
// byte-wise order of spec §4.
using Collected = std::map<std::string, std::map<std::string, std::set<std::string>>>;

const Node* member(const Node* map, std::string_view key) {
  return map && map->kind == NodeKind::Map ? Document::lookupText(map, key) : nullptr;
}

// A string is quoted, trimmed and loses its line breaks; anything else is
// compact JSON.
std::string renderValue(const Node* v) {
  if (v->kind == NodeKind::String) {
    std::string s(v->text());
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
    std::string o;
    for (char c : s)
      if (c != '\n' && c != '\r') o += c;
    return "\"" + o + "\"";
  }
  std::string o;
  json::writeCompact(o, json::fromNode(v));
  return o;
}

// Walks Resources; the error is cfn-guard's message (exit 1).
Result<Collected> collect(const Node* root) {
  if (!root || root->kind == NodeKind::Null)
    return Error::plain(ErrorKind::DataShape, "Template lacks a Resources section");
  if (root->kind != NodeKind::Map)
    return Error::plain(ErrorKind::DataShape,
                        std::string("Parsing error handling template file, Error = invalid type: ") +
                            (root->kind == NodeKind::List ? "sequence" : "value") + ", expected a map");
  const Node* resources = member(root, "Resources");
  if (!resources) return Error::plain(ErrorKind::DataShape, "Template lacks a Resources section");
  if (resources->kind != NodeKind::Map)
    return Error::plain(ErrorKind::DataShape,
                        std::string("Template Resources section has an invalid structure: invalid type: ") +
                            (resources->kind == NodeKind::List ? "sequence" : "value") + ", expected a map");
  Collected c;
  for (uint32_t i = 0; i < resources->map.size; ++i) {
    const Node* res = resources->map.entries[i].value;
    const Node* props = member(res, "Properties");
    const Node* type = member(res, "Type");
    if (!props || props->kind != NodeKind::Map || !type || type->kind != NodeKind::String) continue;
    auto& byProp = c[std::string(type->text())];
    for (uint32_t k = 0; k < props->map.size; ++k)
      byProp[std::string(props->map.entries[k].keyText())].insert(renderValue(props->map.entries[k].value));
  }
  return c;
}

std::string lowerName(const std::string& type) {
  std::string o;
  for (size_t i = 0; i < type.size(); ++i) {
    if (type.compare(i, 2, "::") == 0) {
      o += '_';
      ++i;
      continue;
    }
    o += static_cast<char>(std::tolower(static_cast<unsigned char>(type[i])));
  }
  return o;
}

std::string render(const Collected& c) {
  std::string o;
  for (const auto& [type, props] : c) {
    std::string t = lowerName(type);
    o += "let " + t + "_resources = Resources.*[ Type == '" + type + "' ]\n";
    o += "rule " + t + " when %" + t + "_resources !empty {\n";
    for (const auto& [prop, values] : props) {
      o += "  %" + t + "_resources.Properties." + prop;
      if (values.size() == 1) {
        o += " == " + *values.begin() + "\n";
        continue;
      }
      std::string list;
      for (const auto& v : values) list += (list.empty() ? "" : ", ") + v;
      o += " IN [" + list + "]\n";
    }
    o += "}\n";
  }
  return o;
}

}  // namespace

int runRulegen(std::vector<std::string> args) {
  const args::Parsed parsed = args::parse(rulegenCommand(), args);
  if (int rc = settle(parsed, rulegenHelp()); rc >= 0) return rc;
  const std::string templ = parsed.matches.value("template"), output = parsed.matches.value("output");
  std::ofstream file;
  if (!output.empty()) file.open(output, std::ios::trunc | std::ios::binary);
  auto text = readFile(templ);
  if (!text.ok()) {
    err("Error occurred I/O error when reading " + text.error().message + "\n");
    return kExitError;
  }
  // parseInto keeps the YAML parser's own message, which cfn-guard shows here.
  Document doc;
  const Node* root = nullptr;
  if (text.value().find_first_not_of(" \t\r\n") != std::string::npos) {
    auto parsed = parseInto(doc, text.value());
    if (!parsed.ok()) {
      err("Parsing error handling template file, Error = " + parsed.error().message + "\n");
      return 1;
    }
    root = parsed.value();
  }
  auto collected = collect(root);
  if (!collected.ok()) {
    err(collected.error().message + "\n");
    return 1;
  }
  std::string rules = render(collected.value());
  if (file.is_open()) file << rules;
  else out(rules);
  // cfn-guard re-parses what it generated and only warns if that fails.
  if (auto parsed = parseRules(rules, ""); !parsed.ok())
    err("Parsing error with generated rules file, Error = " + parsed.error().message + "\n");
  return kExitOk;
}

}  // namespace guard::cli
