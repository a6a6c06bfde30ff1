// Rule packs: a Program as bytes. writePack is called by guardc (and by
// tests) to save compiled rules; readPack by guardvm and guardc --disasm to
// load them. The reader treats the bytes as hostile: every read is bounds
// checked, every count is bounded by the bytes left, and the result is run
// through verifyProgram (vm/verify.h) before it is returned. The byte layout
// is documented in docs/pack-format.md; writer and reader live side by side
// in vm/pack.cpp. Tested by tests/pack_test.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/error.h"
#include "vm/program.h"

namespace guard::vm {

// ---- format constants (docs/pack-format.md)

inline constexpr char kPackMagic[4] = {'G', 'P', 'A', 'K'};
// A reader reads any pack of its own major version (newer minors only add
// optional sections); a newer major version is refused.
inline constexpr uint16_t kPackMajor = 2;
// 2.1 added the optional sections 15 (trace marks) and 16 (facts) and the
// fused opcodes; a 2.1 reader still reads 2.0 packs (their instruction set,
// without trace marks or facts). 2.2 added the optional section 17 (file
// facts), which a 2.1 reader would skip as an unknown optional section, the
// required section 18 (where queries run depth first) and the opcode Q_COPY;
// a 2.2 reader computes section 18 from the code for packs of 2.0 and 2.1,
// and a 2.1 reader refuses a 2.2 pack (another instruction set).
inline constexpr uint16_t kPackMinor = 2;
// The guardc version written into each pack (shown in version errors); keep in
// step with project(VERSION) in CMakeLists.txt.
inline constexpr uint8_t kProducerVersion[3] = {0, 1, 0};
inline constexpr uint32_t kPackHeaderSize = 32;
inline constexpr uint32_t kSectionEntrySize = 12;

// Section ids. Order in the file is free; the reader finds sections by id.
enum class SectionId : uint16_t {
  Strings = 1,
  Literals = 2,
  Functions = 3,
  Parts = 4,
  Queries = 5,
  Clauses = 6,
  Blocks = 7,
  RuleRefs = 8,
  ParamCalls = 9,
  Calls = 10,
  Rules = 11,
  Files = 12,
  Lines = 13,  // debug information: the source line of every instruction (optional)
  // 14 is a rule bundle's metadata (vm/bundle.h), outside the program codec.
  Trace = 15,  // debug information: the trace marks of every function (optional; --verbose needs it)
  Facts = 16,  // facts the compiler states and the verifier proves (optional; vm/analysis.h)
  FileFacts = 17,  // per rules file: the resource types without which it is all SKIP (optional; 2.2)
  DepthFirst = 18,  // where a query runs member by member (Function::depthFirst; required since 2.2)
};
// Section flag bit 0: a reader that does not know the section must refuse the pack.
inline constexpr uint16_t kSectionRequired = 1;

// ---- limits: each bounds what a hostile pack can make the reader do

// Whole pack. Real packs are kilobytes to a few megabytes.
inline constexpr uint64_t kMaxPackBytes = 64u << 20;
// Entries of any one list (strings, functions, one function's instructions, ...).
// With the pack size this bounds memory: an entry can take 8 to 24 times more
// bytes in memory than its smallest encoding.
inline constexpr uint32_t kMaxListEntries = 1u << 22;
// Section table entries (v1 writes 13).
inline constexpr uint32_t kMaxSections = 64;
// Literal nodes in all (a node costs ~48 bytes in memory for as little as 2 on disk).
inline constexpr uint32_t kMaxLiteralNodes = 1u << 22;
// Regex literals, each compiled on load (tens of microseconds each): bounds load time.
inline constexpr uint32_t kMaxRegexes = 1u << 14;

struct PackOptions {
  // Leave out the Lines section (instructions then load with line 0).
  bool stripLines = false;
};

// Serializes `program` (which should have passed verifyProgram).
std::string writePack(const Program& program, const PackOptions& options = {});

// Decodes and verifies a pack. `fileName` names the pack in errors.
Result<std::unique_ptr<Program>> readPack(std::string_view bytes, const std::string& fileName);

// A fingerprint of the instruction set (every opcode's name and operand kinds,
// in table order), stored in each pack: opcode numbers are positions in
// vm/opcodes.def, so a pack compiled against another table is refused.
uint32_t instructionSetId();
// The fingerprint of pack format 2.0's instruction set (the first kNumOps20
// opcodes), which 2.0 packs carry and this reader still accepts.
uint32_t instructionSetId20();
// The fingerprint of format 2.1's instruction set (the table up to Q_COPY).
uint32_t instructionSetId21();

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and
// final xor 0xFFFFFFFF): crc32c("123456789") == 0xE3069283.
uint32_t crc32c(std::string_view bytes, uint32_t crc = 0);

}  // namespace guard::vm
