// libFuzzer target: structure-aware pack mutations. The custom mutator
// decodes the pack, changes the program (instructions, operands, table
// fields, enum values: tests/pack_mutators.h) and encodes it again, so the
// result is a well-formed pack that only the verifier can refuse; inputs that
// do not decode are mutated as bytes and resealed. Every pack accepted is run
// and rendered in every format. Seeds are guardc packs (tools/fuzz.sh).
#include <algorithm>

#include "tests/fuzz/fuzz_common.h"
#include "tests/pack_mutators.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t maxSize);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t maxSize, unsigned int seed) {
  using namespace guard;
  packmut::Rng rng(seed);
  auto program = vm::readPack(fuzz::asText(data, size), "fuzz.gpack");
  std::string pack;
  if (program) {
    packmut::mutateProgram(*program.value(), rng, vm::kNumOps);
    pack = vm::writePack(*program.value());
  }
  if (pack.empty() || pack.size() > maxSize) {
    size = LLVMFuzzerMutate(data, size, maxSize);
    pack.assign(reinterpret_cast<const char*>(data), size);
    packmut::reseal(pack);
  }
  std::copy(pack.begin(), pack.end(), data);
  return pack.size();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return guard::fuzz::runPack(data, size);
}
