// libFuzzer target: arbitrary bytes as a rule pack through readPack (bounds
// checks + verifier) and, when accepted, the VM over a fixed small document.
// Seeds are packs made by guardc (tools/fuzz.sh). Built by tools/fuzz.sh.
#include "tests/fuzz/fuzz_common.h"
#include "vm/pack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace guard;
  if (size > 4 * fuzz::kMaxInput) return -1;
  auto program = vm::readPack(fuzz::asText(data, size), "fuzz.gpack");
  if (!program) return 0;
  fuzz::evaluateAll(*program.value(), fuzz::fixedDocument());
  return 0;
}
