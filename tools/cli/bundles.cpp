// Rule bundles on the command line (tools/cli/bundles.h): rule-set
// manifests, the bundle search path, `@NAME` lookup and the listings.
// Called by tools/guardc.cpp and tools/cli/validate.cpp.
#include "tools/cli/bundles.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "runtime/loader.h"
#include "tools/cli/common.h"
#include "vm/pack.h"

#ifndef GUARD_BUNDLE_DIR_FROM_BIN
#define GUARD_BUNDLE_DIR_FROM_BIN "../share/guardvm/bundles"
#endif

namespace guard::cli {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- manifests

// Manifests are small (the registry's largest is 25 KB); anything bigger is
// not one.
constexpr uint64_t kMaxManifestBytes = uint64_t(16) << 20;

const Node* member(const Node* map, std::string_view key) {
  if (!map || map->kind != NodeKind::Map) return nullptr;
  for (uint32_t i = 0; i < map->map.size; ++i)
    if (map->map.entries[i].keyText() == key) return map->map.entries[i].value;
  return nullptr;
}

Error manifestError(std::string message) { return Error::plain(ErrorKind::BundleManifest, std::move(message)); }

std::string where(const std::string& file, const Node* n) {
  return file + ":" + std::to_string(n->line + 1) + ":" + std::to_string(n->col + 1);
}

// The string at `key` of `map`; `required` strings must be present.
Result<std::string> stringMember(const std::string& file, const Node* map, std::string_view key, bool required) {
  const Node* v = member(map, key);
  if (!v) {
    if (!required) return std::string();
    return manifestError(where(file, map) + ": the rule set has no \"" + std::string(key) + "\"");
  }
  if (v->kind != NodeKind::String)
    return manifestError(where(file, v) + ": \"" + std::string(key) + "\" must be a string");
  return std::string(v->text());
}

Result<Unit> readMapping(const std::string& file, const Node* m, const std::string& rulesRoot,
                         RuleSetManifest& out) {
  auto path = stringMember(file, m, "guardFilePath", true);
  if (!path.ok()) return path.takeError();
  const Node* controls = member(m, "controls");
  if (controls && controls->kind != NodeKind::List)
    return manifestError(where(file, controls) + ": \"controls\" must be a list of strings");
  std::vector<std::string> ids;
  for (uint32_t i = 0; controls && i < controls->list.size; ++i) {
    const Node* c = controls->list.items[i];
    if (c->kind != NodeKind::String) return manifestError(where(file, c) + ": a control must be a string");
    ids.emplace_back(c->text());
  }
  fs::path p(path.value());
  out.files.push_back(p.is_absolute() ? p.string() : (fs::path(rulesRoot) / p).string());
  out.info.controls.push_back(std::move(ids));
  return Unit{};
}

// ---------------------------------------------------------------- search path

std::string programDirectory() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

std::vector<std::string> bundleFilesIn(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (endsWith(it->path().filename().string(), ".gpack") && isRegularFile(it->path().string()))
      files.push_back(it->path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string stem(const std::string& path) {
  std::string b = baseName(path);
  return b.substr(0, b.size() - std::string_view(".gpack").size());
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : sep) + i;
  return s;
}

// The names of a rules file's rules as reports show them: named ones, each
// once (a name may be given to several `rule` blocks), in evaluation order.
std::vector<std::string> reportedRuleNames(const vm::Program& p, const vm::FileInfo& f) {
  std::vector<std::string> names;
  for (uint32_t r : f.rules) {
    if (p.rules[r].kind != vm::RuleKind::Named) continue;
    const std::string& n = p.str(p.rules[r].name);
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  return names;
}

}  // namespace

Result<RuleSetManifest> readRuleSetManifest(const std::string& manifestPath, const std::string& rulesRoot) {
  auto text = readFile(manifestPath, kMaxManifestBytes);
  if (!text.ok()) return text.error().prefixed(manifestPath + ": ");
  auto doc = loadDocument(std::move(text.value()), manifestPath);
  if (!doc.ok()) {
    const Error& e = doc.error();
    return manifestError(manifestPath + (e.line ? ":" + std::to_string(e.line) + ":" + std::to_string(e.column) : "") +
                         ": not a rule-set manifest: " + (e.detail.empty() ? e.message : e.detail));
  }
  const Node* root = doc.value()->root();
  if (!root || root->kind != NodeKind::Map)
    return manifestError(manifestPath + ": a rule-set manifest is a JSON object");
  RuleSetManifest out;
  auto name = stringMember(manifestPath, root, "ruleSetName", true);
  auto version = stringMember(manifestPath, root, "version", false);
  auto description = stringMember(manifestPath, root, "description", false);
  for (auto* r : {&name, &version, &description})
    if (!r->ok()) return r->takeError();
  out.info.name = name.value();
  out.info.version = version.value();
  out.info.description = description.value();
  out.info.source = baseName(manifestPath);
  if (Status0 named = vm::checkBundleName(out.info.name); !named.ok())
    return manifestError(where(manifestPath, member(root, "ruleSetName")) + ": " + named.error().message);
  const Node* mappings = member(root, "mappings");
  if (!mappings || mappings->kind != NodeKind::List || mappings->list.size == 0)
    return manifestError(manifestPath + ": \"mappings\" must be a non-empty list");
  for (uint32_t i = 0; i < mappings->list.size; ++i)
    if (auto r = readMapping(manifestPath, mappings->list.items[i], rulesRoot, out); !r.ok()) return r.takeError();
  return out;
}

std::vector<std::string> bundleDirectories() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("GUARDVM_BUNDLE_PATH")) {
    std::string_view rest(env);
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string_view d = rest.substr(0, colon);
      if (!d.empty()) dirs.emplace_back(d);
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
  }
  if (std::string bin = programDirectory(); !bin.empty())
    dirs.push_back((fs::path(bin) / GUARD_BUNDLE_DIR_FROM_BIN).lexically_normal().string());
  return dirs;
}

bool isBundleReference(const std::string& rulesArgument) {
  return rulesArgument.size() > 1 && rulesArgument[0] == '@' && !pathExists(rulesArgument);
}

Result<std::string> findBundle(const std::string& name) {
  const auto dirs = bundleDirectories();
  for (const auto& d : dirs)
    if (std::string p = d + "/" + name + ".gpack"; vm::checkBundleName(name).ok() && isRegularFile(p)) return p;
  std::vector<std::string> matches, known;
  for (const auto& d : dirs)
    for (const auto& f : bundleFilesIn(d)) {
      known.push_back(stem(f));
      if (equalsIgnoringCase(stem(f), name)) matches.push_back(f);
    }
  if (matches.size() == 1) return matches[0];
  std::string msg = "no installed rule bundle is named '" + name + "'";
  if (matches.size() > 1) msg = "'" + name + "' names several bundles: " + joined(matches, ", ");
  msg += " (searched " + (dirs.empty() ? std::string("nothing") : joined(dirs, ", ")) + ")";
  if (!known.empty() && matches.empty()) msg += "; installed: " + joined(known, ", ");
  return Error::plain(ErrorKind::IoNotFound, msg);
}

Result<DescribedPack> describePack(const std::string& path) {
  auto bytes = readFile(path, kMaxRulesBytes);
  if (!bytes.ok()) return bytes.error().prefixed(path + ": ");
  auto program = vm::readPack(bytes.value(), path);
  if (!program.ok()) return program.error().prefixed(path + ": ");
  auto bundle = vm::readBundleInfo(bytes.value(), uint32_t(program.value()->files.size()));
  if (!bundle.ok()) return bundle.error().prefixed(path + ": ");
  return DescribedPack{path, std::move(program.value()), std::move(bundle.value())};
}

std::string bundleListing() {
  std::string out;
  for (const auto& dir : bundleDirectories()) {
    const auto files = bundleFilesIn(dir);
    if (files.empty()) continue;
    out += dir + ":\n";
    for (const auto& f : files) {
      auto pack = describePack(f);
      if (!pack.ok()) {
        out += "  " + stem(f) + "  (unreadable: " + pack.error().message + ")\n";
        continue;
      }
      const vm::Program& p = *pack.value().program;
      size_t rules = 0;
      for (const auto& file : p.files) rules += reportedRuleNames(p, file).size();
      const auto& b = pack.value().bundle;
      out += "  @" + stem(f) + (b && !b->version.empty() ? "  " + b->version : "") + "  " +
             std::to_string(p.files.size()) + " rules files, " + std::to_string(rules) + " rules" +
             (b && !b->description.empty() ? "  " + b->description : "") + "\n";
    }
  }
  if (out.empty()) out = "no rule bundles installed (searched " + joined(bundleDirectories(), ", ") + ")\n";
  return out;
}

std::string bundleDetails(const DescribedPack& pack) {
  const vm::Program& p = *pack.program;
  std::string out;
  if (!pack.bundle) return "; " + pack.path + ": a rule pack without bundle metadata\n";
  const vm::BundleInfo& b = *pack.bundle;
  out += "; bundle " + b.name + (b.version.empty() ? "" : " " + b.version) + "\n";
  if (!b.description.empty()) out += "; " + b.description + "\n";
  if (!b.source.empty()) out += "; from " + b.source + "\n";
  for (size_t f = 0; f < p.files.size(); ++f) {
    const std::vector<std::string> rules = reportedRuleNames(p, p.files[f]);
    out += ";   " + p.str(p.files[f].name) + ": " + (rules.empty() ? "no named rules" : joined(rules, ", ")) + "\n";
    if (!b.controls[f].empty()) out += ";     controls: " + joined(b.controls[f], ", ") + "\n";
  }
  return out;
}

}  // namespace guard::cli
