// libFuzzer target: arbitrary text as a .guard rules file through the parser,
// the lowering and the verifier (compileSources); a program that compiles must
// also survive a writePack/readPack round trip. Built by tools/fuzz.sh.
#include "compiler/compile.h"
#include "tests/fuzz/fuzz_common.h"
#include "vm/pack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace guard;
  if (size > fuzz::kMaxInput) return -1;
  std::vector<SourceFile> sources{{"fuzz.guard", "fuzz.guard", std::string(fuzz::asText(data, size))}};
  auto program = compileSources(sources);
  if (!program) return 0;
  // What the compiler accepted, the pack reader (which re-verifies) must accept too.
  std::string bytes = vm::writePack(*program.value());
  auto back = vm::readPack(bytes, "fuzz.gpack");
  if (!back) fuzz::invariantBroken("compiled program does not survive a pack round trip");
  return 0;
}
