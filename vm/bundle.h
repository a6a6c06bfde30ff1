// Rule bundles: a pack that also says which compliance rule set it is (name,
// version, description, where it came from) and which controls each of its
// rules files implements. The metadata is optional section 14 of the pack
// (docs/pack-format.md, "Bundle metadata"); the VM never needs it, so
// readPack skips it and evaluation is that of the pack's rules files.
//
// guardc --rule-set writes it (attachBundleInfo, on the bytes writePack
// made); guardc --disasm / --list and guardvm's `-r @NAME` read it
// (readBundleInfo, on bytes readPack accepted). Both treat the bytes as
// hostile. Tested by tests/bundle_test.cpp; fuzzed by tests/fuzz/bundle_fuzz.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/error.h"

namespace guard::vm {

inline constexpr uint16_t kBundleSectionId = 14;

// Bounds a hostile section cannot exceed (real rule sets: names of ~40
// bytes, descriptions of ~200, under 20 controls of ~80 bytes per file).
inline constexpr size_t kMaxBundleNameBytes = 128;
inline constexpr size_t kMaxBundleVersionBytes = 64;
inline constexpr size_t kMaxBundleTextBytes = 64 * 1024;  // description, source
inline constexpr size_t kMaxControlBytes = 1024;
inline constexpr size_t kMaxControlsPerFile = 4096;

struct BundleInfo {
  std::string name;         // [A-Za-z0-9._-], not starting with '.': a file stem
  std::string version;      // printable ASCII
  std::string description;  // UTF-8
  std::string source;       // UTF-8: where the rule set came from (a manifest, a package)
  // One entry per rules file of the pack, in the pack's file order.
  std::vector<std::vector<std::string>> controls;
};

// Whether `name` can name a bundle; a BundleInfo error says why not.
Status0 checkBundleName(std::string_view name);

// Returns `pack` (bytes writePack made or readPack accepted) with `info` as
// its bundle section; `info.controls` must have one entry per rules file
// (`fileCount`). Refuses a pack that already has a bundle section, and info
// that breaks the bounds above.
Result<std::string> attachBundleInfo(std::string_view pack, uint32_t fileCount, const BundleInfo& info);

// The bundle section of `pack` (which readPack accepted, with `fileCount`
// rules files), nullopt when it has none. The error says what is wrong with
// the section; the caller names the pack.
Result<std::optional<BundleInfo>> readBundleInfo(std::string_view pack, uint32_t fileCount);

}  // namespace guard::vm
