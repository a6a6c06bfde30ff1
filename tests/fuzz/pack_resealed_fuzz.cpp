// libFuzzer target: packs damaged past their checksum. The custom mutator
// lets libFuzzer change the bytes and then recomputes the CRC-32C
// (tests/pack_mutators.h), so that mutations reach the decoder and the
// verifier instead of stopping at the checksum (pack_fuzz's fate). Every pack
// accepted is run and rendered in every format. Seeds are guardc packs
// (tools/fuzz.sh). The property: every pack the verifier accepts runs
// without a sanitizer report.
#include "tests/fuzz/fuzz_common.h"
#include "tests/pack_mutators.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t maxSize);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t maxSize, unsigned int seed) {
  (void)seed;
  size = LLVMFuzzerMutate(data, size, maxSize);
  std::string pack(reinterpret_cast<const char*>(data), size);
  guard::packmut::reseal(pack);
  std::copy(pack.begin(), pack.end(), data);
  return size;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return guard::fuzz::runPack(data, size);
}
