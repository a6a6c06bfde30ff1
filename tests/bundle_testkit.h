// Helpers of the bundle tests (tests/bundle_test.cpp) and the bundle fuzz
// target (tests/fuzz/bundle_fuzz.cpp): a small two-file pack compiled once,
// and a way to give a bundle pack any section payload at all, resealed, so
// that hostile payloads reach readBundleInfo past readPack's checksum.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "compiler/compile.h"
#include "vm/bundle.h"
#include "vm/pack.h"

namespace guard::bundlekit {

inline constexpr const char* kRulesA =
    "let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]\n"
    "rule S3_VERSIONED when %buckets !empty {\n"
    "  %buckets.Properties.VersioningConfiguration.Status == 'Enabled'\n"
    "}\n";
inline constexpr const char* kRulesB =
    "rule ANY_RESOURCES { Resources !empty }\n"
    "rule ALSO_NAMED { Resources exists }\n";

// writePack of kRulesA and kRulesB as a.guard and b.guard.
inline const std::string& plainPack() {
  static const std::string bytes = [] {
    auto program = compileSources({SourceFile{"a.guard", "a.guard", kRulesA}, SourceFile{"b.guard", "b.guard", kRulesB}});
    return program.ok() ? vm::writePack(*program.value()) : std::string();
  }();
  return bytes;
}

inline vm::BundleInfo sampleInfo() {
  return vm::BundleInfo{"sample-set", "1.2.3", "A rule set for tests", "rule_set_sample.json",
                        {{"1.1", "PCI DSS version 3.2.1: 2.1"}, {}}};
}

inline uint32_t loadU32(std::string_view b, size_t at) {
  return uint32_t(uint8_t(b[at])) | uint32_t(uint8_t(b[at + 1])) << 8 | uint32_t(uint8_t(b[at + 2])) << 16 |
         uint32_t(uint8_t(b[at + 3])) << 24;
}
inline void storeU32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = char(v >> (8 * i));
}

// `bundlePack` (made by attachBundleInfo, whose section is the last entry of
// the table and the last bytes of the pack) with `payload` instead, its
// length, the pack's length and the checksum fixed.
inline std::string withPayload(const std::string& bundlePack, std::string_view payload) {
  const uint32_t n = loadU32(bundlePack, 20);
  const size_t entry = 32 + size_t(n - 1) * 12;
  const uint32_t offset = loadU32(bundlePack, entry + 4);
  std::string out = bundlePack.substr(0, offset);
  out.append(payload);
  storeU32(out, entry + 8, uint32_t(payload.size()));
  storeU32(out, 16, uint32_t(out.size()));
  const uint32_t crc = vm::crc32c(std::string_view(out).substr(0, 24));
  storeU32(out, 24, vm::crc32c(std::string_view(out).substr(28), crc));
  return out;
}

// The payload of the bundle section of `bundlePack` (see withPayload).
inline std::string payloadOf(const std::string& bundlePack) {
  const uint32_t n = loadU32(bundlePack, 20);
  return bundlePack.substr(loadU32(bundlePack, 32 + size_t(n - 1) * 12 + 4));
}

}  // namespace guard::bundlekit
