// Tests of rule bundle metadata (vm/bundle.cpp): the section round trip, a
// bundle's program being exactly the plain pack's, what attachBundleInfo
// refuses, and hostile sections (every truncation, byte changes, huge
// counts) read as errors past the checksum; and the CLI side
// (tools/cli/bundles.cpp): rule-set manifests and `@NAME` lookup.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "tests/bundle_testkit.h"
#include "tools/cli/bundles.h"
#include "vm/disasm.h"

namespace guard {
namespace {

using bundlekit::plainPack;
using bundlekit::sampleInfo;

std::string attached(const vm::BundleInfo& info) {
  auto bytes = vm::attachBundleInfo(plainPack(), 2, info);
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().message);
  return bytes.ok() ? bytes.value() : std::string();
}

TEST(Bundle, RoundTrip) {
  ASSERT_FALSE(plainPack().empty());
  const std::string pack = attached(sampleInfo());
  auto info = vm::readBundleInfo(pack, 2);
  ASSERT_TRUE(info.ok()) << info.error().message;
  ASSERT_TRUE(info.value().has_value());
  const vm::BundleInfo& b = *info.value();
  EXPECT_EQ(b.name, "sample-set");
  EXPECT_EQ(b.version, "1.2.3");
  EXPECT_EQ(b.description, "A rule set for tests");
  EXPECT_EQ(b.source, "rule_set_sample.json");
  ASSERT_EQ(b.controls.size(), 2u);
  EXPECT_EQ(b.controls[0], (std::vector<std::string>{"1.1", "PCI DSS version 3.2.1: 2.1"}));
  EXPECT_TRUE(b.controls[1].empty());
}

TEST(Bundle, ThePackReadsAsThePlainOne) {
  auto plain = vm::readPack(plainPack(), "plain.gpack");
  auto bundle = vm::readPack(attached(sampleInfo()), "bundle.gpack");
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_EQ(vm::disassemble(*plain.value()), vm::disassemble(*bundle.value()));
}

TEST(Bundle, APlainPackHasNone) {
  auto info = vm::readBundleInfo(plainPack(), 2);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info.value().has_value());
}

TEST(Bundle, AttachRefusesWhatCannotBeRead) {
  auto refused = [](vm::BundleInfo info) { return !vm::attachBundleInfo(plainPack(), 2, info).ok(); };
  vm::BundleInfo i = sampleInfo();
  i.name = "a/b";
  EXPECT_TRUE(refused(i));
  i.name = ".hidden";
  EXPECT_TRUE(refused(i));
  i.name = "";
  EXPECT_TRUE(refused(i));
  i = sampleInfo();
  i.controls.pop_back();  // one file without its entry
  EXPECT_TRUE(refused(i));
  i = sampleInfo();
  i.controls[1].push_back("");
  EXPECT_TRUE(refused(i));
  i = sampleInfo();
  i.description = "\xff\xfe";
  EXPECT_TRUE(refused(i));
  i = sampleInfo();
  i.version = "1.0\n";
  EXPECT_TRUE(refused(i));
  // A second bundle section.
  EXPECT_FALSE(vm::attachBundleInfo(attached(sampleInfo()), 2, sampleInfo()).ok());
}

// Every prefix of the payload, resealed: readPack still accepts the pack
// (the section is optional), and readBundleInfo says what is wrong.
TEST(Bundle, EveryTruncatedSectionIsAnError) {
  const std::string pack = attached(sampleInfo());
  const std::string payload = bundlekit::payloadOf(pack);
  for (size_t n = 0; n < payload.size(); ++n) {
    const std::string cut = bundlekit::withPayload(pack, std::string_view(payload).substr(0, n));
    ASSERT_TRUE(vm::readPack(cut, "cut.gpack").ok()) << n;
    auto info = vm::readBundleInfo(cut, 2);
    ASSERT_FALSE(info.ok()) << "a payload cut to " << n << " bytes was read";
    EXPECT_NE(info.error().message.find("bundle section"), std::string::npos) << info.error().message;
  }
  std::string longer = payload + "x";
  EXPECT_FALSE(vm::readBundleInfo(bundlekit::withPayload(pack, longer), 2).ok());
}

TEST(Bundle, HugeCountsAreRefusedBeforeAllocating) {
  const std::string pack = attached(sampleInfo());
  std::string payload = bundlekit::payloadOf(pack);
  bundlekit::storeU32(payload, 0, 0xFFFFFFF0u);  // the name's length
  auto info = vm::readBundleInfo(bundlekit::withPayload(pack, payload), 2);
  ASSERT_FALSE(info.ok());
  // The file count must be the pack's.
  EXPECT_FALSE(vm::readBundleInfo(pack, 3).ok());
}

// Byte changes in the payload: an error or a valid BundleInfo, never more.
TEST(Bundle, ChangedBytesReadAsErrorsOrValidInfo) {
  const std::string pack = attached(sampleInfo());
  const std::string payload = bundlekit::payloadOf(pack);
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string p = payload;
    for (int k = 0; k < 1 + int(rng() % 3); ++k) p[rng() % p.size()] = char(rng());
    auto info = vm::readBundleInfo(bundlekit::withPayload(pack, p), 2);
    if (!info.ok()) continue;
    ASSERT_TRUE(info.value().has_value());
    // What was read can be written again.
    EXPECT_TRUE(vm::attachBundleInfo(plainPack(), 2, *info.value()).ok());
  }
}

// ---------------------------------------------------------------- the CLI side

namespace fs = std::filesystem;

struct ScratchDir {
  fs::path path = fs::temp_directory_path() / ("bundle_test_" + std::to_string(::getpid()));
  ScratchDir() { fs::create_directories(path); }
  ~ScratchDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

TEST(BundleManifest, ReadsTheRegistryFormat) {
  ScratchDir d;
  d.write("a.guard", bundlekit::kRulesA);
  const std::string m = d.write("set.json", R"({"ruleSetName": "set-1", "version": "2.0", "description": "d",
    "mappings": [{"guardFilePath": "a.guard", "controls": ["c1", "c2"]}]})");
  auto set = cli::readRuleSetManifest(m, d.path.string());
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set.value().info.name, "set-1");
  ASSERT_EQ(set.value().files.size(), 1u);
  EXPECT_EQ(set.value().files[0], (d.path / "a.guard").string());
  EXPECT_EQ(set.value().info.controls[0], (std::vector<std::string>{"c1", "c2"}));
}

TEST(BundleManifest, ErrorsNameTheFileAndPlace) {
  ScratchDir d;
  const std::string m = d.write("bad.json", "{\"ruleSetName\": \"x\",\n \"mappings\": [{\"guardFilePath\": 7}]}");
  auto set = cli::readRuleSetManifest(m, d.path.string());
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find(m + ":2:"), std::string::npos) << set.error().message;
  const std::string n = d.write("name.json", R"({"ruleSetName": "../x", "mappings": [{"guardFilePath": "a"}]})");
  EXPECT_FALSE(cli::readRuleSetManifest(n, d.path.string()).ok());
  const std::string e = d.write("empty.json", R"({"ruleSetName": "x", "mappings": []})");
  EXPECT_FALSE(cli::readRuleSetManifest(e, d.path.string()).ok());
}

TEST(BundleLookup, SearchPathNameAndCase) {
  ScratchDir d;
  d.write("first-set.gpack", attached(sampleInfo()));
  ::setenv("GUARDVM_BUNDLE_PATH", (d.path.string() + ":/nonexistent").c_str(), 1);
  auto exact = cli::findBundle("first-set");
  ASSERT_TRUE(exact.ok()) << exact.error().message;
  EXPECT_EQ(exact.value(), (d.path / "first-set.gpack").string());
  EXPECT_TRUE(cli::findBundle("FIRST-SET").ok());
  auto missing = cli::findBundle("second-set");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("first-set"), std::string::npos) << missing.error().message;
  EXPECT_FALSE(cli::findBundle("../first-set").ok());
  EXPECT_TRUE(cli::isBundleReference("@first-set"));
  EXPECT_FALSE(cli::isBundleReference("first-set"));
  EXPECT_FALSE(cli::isBundleReference("@"));
  auto described = cli::describePack(exact.value());
  ASSERT_TRUE(described.ok()) << described.error().message;
  const std::string details = cli::bundleDetails(described.value());
  EXPECT_NE(details.find("; bundle sample-set 1.2.3\n"), std::string::npos) << details;
  EXPECT_NE(details.find(";   a.guard: S3_VERSIONED\n;     controls: 1.1, PCI DSS version 3.2.1: 2.1\n"),
            std::string::npos)
      << details;
  EXPECT_NE(details.find(";   b.guard: ANY_RESOURCES, ALSO_NAMED\n"), std::string::npos) << details;
  ::unsetenv("GUARDVM_BUNDLE_PATH");
}

}  // namespace
}  // namespace guard
