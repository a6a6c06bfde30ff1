// libFuzzer target: hostile bundle sections (vm/bundle.cpp). The input is
// the section's payload, placed in a small bundle pack and resealed
// (tests/bundle_testkit.h), so that it gets past readPack's checksum. The
// properties: readPack accepts the pack whatever the payload (the section
// is optional) and runs it; readBundleInfo gives an error or metadata that
// attachBundleInfo writes again and that reads back the same.
#include "tests/bundle_testkit.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace guard;
  if (size > fuzz::kMaxInput) return 0;
  static const std::string bundlePack = [] {
    auto b = vm::attachBundleInfo(bundlekit::plainPack(), 2, bundlekit::sampleInfo());
    if (!b.ok()) fuzz::invariantBroken("the fixture bundle does not build");
    return b.value();
  }();
  const std::string pack = bundlekit::withPayload(bundlePack, fuzz::asText(data, size));
  auto program = vm::readPack(pack, "fuzz.gpack");
  if (!program.ok()) fuzz::invariantBroken("an optional section made the pack unreadable");
  fuzz::evaluateAll(*program.value(), fuzz::fixedDocument());
  auto info = vm::readBundleInfo(pack, uint32_t(program.value()->files.size()));
  if (!info.ok()) return 0;
  if (!info.value()) fuzz::invariantBroken("a bundle section was not found");
  auto again = vm::attachBundleInfo(bundlekit::plainPack(), 2, *info.value());
  if (!again.ok()) fuzz::invariantBroken("metadata that was read cannot be written");
  auto reread = vm::readBundleInfo(again.value(), 2);
  if (!reread.ok() || !reread.value() || reread.value()->name != info.value()->name ||
      reread.value()->controls != info.value()->controls)
    fuzz::invariantBroken("metadata does not read back the same");
  return 0;
}
