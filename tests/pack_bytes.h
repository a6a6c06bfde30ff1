// Byte-level access to packs for tests that damage or rewrite them: the
// header's little-endian fields, the section table (docs/pack-format.md),
// resealing the checksum after a change, and taking a section out. Used by
// tests/facts_test.cpp and tests/depth_first_test.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vm/pack.h"

namespace guard::packbytes {

inline uint16_t u16At(const std::string& s, size_t at) { return uint16_t(uint8_t(s[at]) | uint8_t(s[at + 1]) << 8); }
inline uint32_t u32At(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | uint8_t(s[at + i]);
  return v;
}
inline void putU16(std::string& s, size_t at, uint16_t v) {
  s[at] = char(v);
  s[at + 1] = char(v >> 8);
}
inline void putU32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = char(v >> (8 * i));
}

// Recomputes the checksum: CRC-32C of bytes 0..23 and 28..end.
inline void reseal(std::string& pack) {
  uint32_t crc = vm::crc32c(std::string_view(pack).substr(0, 24));
  putU32(pack, 24, vm::crc32c(std::string_view(pack).substr(28), crc));
}

// Flags of section `id`, or -1 when the pack has none.
inline int sectionFlags(const std::string& pack, uint16_t id) {
  for (uint32_t i = 0; i < u32At(pack, 20); ++i)
    if (u16At(pack, 32 + 12 * i) == id) return u16At(pack, 32 + 12 * i + 2);
  return -1;
}

// `pack` without section `id`: its table entry and its bytes taken out, the
// other sections' offsets moved, the header's count and length updated.
inline std::string withoutSection(std::string pack, uint16_t id) {
  const uint32_t n = u32At(pack, 20);
  uint32_t entry = n, offset = 0, length = 0;
  for (uint32_t i = 0; i < n; ++i)
    if (u16At(pack, 32 + 12 * i) == id) entry = i, offset = u32At(pack, 32 + 12 * i + 4), length = u32At(pack, 32 + 12 * i + 8);
  if (entry == n) return pack;
  pack.erase(offset, length);
  pack.erase(32 + 12 * entry, 12);
  for (uint32_t i = 0; i + 1 < n; ++i) {
    const size_t at = 32 + 12 * i + 4;
    uint32_t o = u32At(pack, at);
    putU32(pack, at, o - 12 - (o > offset ? length : 0));
  }
  putU32(pack, 20, n - 1);
  putU32(pack, 16, uint32_t(pack.size()));
  reseal(pack);
  return pack;
}

}  // namespace guard::packbytes
