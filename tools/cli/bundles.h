// Rule bundles on the command line: building one from a rule-set manifest
// (guardc --rule-set), finding installed ones by name (`guardvm validate
// -r @NAME`, guardc --list NAME) and describing them (guardc --list,
// guardc --disasm). The metadata itself is vm/bundle.h. docs/bundles.md
// has the manifest format, the search path and the `@NAME` spelling.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/error.h"
#include "vm/bundle.h"
#include "vm/program.h"

namespace guard::cli {

// A rule set as the AWS Guard Rules Registry's mappings describe one
// (mappings/rule_set_*.json): ruleSetName, version, description, and
// mappings[] of {guardFilePath, controls[]}. Paths are resolved against
// `rulesRoot`.
struct RuleSetManifest {
  vm::BundleInfo info;                 // controls in the order of `files`
  std::vector<std::string> files;      // resolved rules file paths
};
Result<RuleSetManifest> readRuleSetManifest(const std::string& manifestPath, const std::string& rulesRoot);

// The directories searched for installed bundles, in order: those of
// GUARDVM_BUNDLE_PATH (colon-separated), then the installation's
// share/guardvm/bundles, found relative to the running program.
std::vector<std::string> bundleDirectories();

// `-r @NAME`: an argument that starts with '@' and is not an existing path.
bool isBundleReference(const std::string& rulesArgument);

// The pack file of the installed bundle `name` (`<name>.gpack` in the first
// directory that has it; failing that, a unique case-insensitive match). The
// error says where it looked and which bundles exist.
Result<std::string> findBundle(const std::string& name);

// A pack read for description: its program and its bundle metadata, if any.
struct DescribedPack {
  std::string path;
  std::unique_ptr<vm::Program> program;
  std::optional<vm::BundleInfo> bundle;
};
Result<DescribedPack> describePack(const std::string& path);

// guardc --list: one line per installed bundle (name, version, rules files,
// rules, description), directory by directory.
std::string bundleListing();

// guardc --list NAME|PACK and the head of guardc --disasm: the bundle's
// metadata and, per rules file, its rules and controls.
std::string bundleDetails(const DescribedPack& pack);

}  // namespace guard::cli
