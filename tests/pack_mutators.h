// Mutators of rule packs that get past the checksum, for testing that every
// pack the reader and verifier accept runs safely (issue 16). Used by
// tests/pack_mutation_test.cpp (a fixed number of seeded mutations, run by
// ctest, under ASan too) and by the libFuzzer targets pack_resealed_fuzz and
// pack_struct_fuzz (tests/fuzz/). Header-only; depends on vm/pack.h only.
//
//  - resealedBytes: changes a few bytes after the header (a bit, a byte set
//    to 0, 0xFF or a neighbour's value, a 32-bit field off by one) and
//    recomputes the CRC-32C, so the damage reaches the decoder and verifier.
//  - structural: decodes a pack, changes the program itself (opcodes,
//    operands, instructions inserted, removed or swapped, table fields,
//    enum values) and encodes it again: most results are well formed packs
//    that only the verifier can refuse.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "vm/pack.h"
#include "vm/program.h"

namespace guard::packmut {

using Rng = std::mt19937_64;

inline uint32_t below(Rng& rng, uint64_t n) { return n ? uint32_t(rng() % n) : 0; }

inline void putU32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = char(v >> (8 * i));
}
inline uint32_t getU32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | uint8_t(s[at + i]);
  return v;
}

// The checksum field (bytes 24..27) as docs/pack-format.md defines it.
inline void reseal(std::string& pack) {
  if (pack.size() < 32) return;
  uint32_t crc = vm::crc32c(std::string_view(pack).substr(0, 24));
  putU32(pack, 24, vm::crc32c(std::string_view(pack).substr(28), crc));
}

inline std::string resealedBytes(std::string pack, Rng& rng) {
  if (pack.size() <= 32) return pack;
  const uint32_t edits = 1 + below(rng, 3);
  for (uint32_t e = 0; e < edits; ++e) {
    const size_t at = 32 + below(rng, pack.size() - 32);
    switch (below(rng, 6)) {
      case 0: pack[at] ^= char(1u << below(rng, 8)); break;
      case 1: pack[at] = 0; break;
      case 2: pack[at] = char(0xFF); break;
      case 3: pack[at] = pack[32 + below(rng, pack.size() - 32)]; break;
      case 4:
        if (at + 4 <= pack.size()) putU32(pack, at, getU32(pack, at) + (below(rng, 2) ? 1 : uint32_t(-1)));
        break;
      default: pack[at] = char(pack[at] + 1); break;
    }
  }
  reseal(pack);
  return pack;
}

// One change to a decoded program. Values are drawn near the valid ones
// (off by one, another table's size, 0, the enum's end) so that they test
// the verifier's bounds instead of being refused for being absurd.
inline uint32_t nearby(Rng& rng, uint32_t v, size_t size) {
  switch (below(rng, 6)) {
    case 0: return v + 1;
    case 1: return v - 1;
    case 2: return uint32_t(size);
    case 3: return 0;
    case 4: return below(rng, size + 2);
    default: return vm::kNone;
  }
}

inline void mutateInstruction(vm::Function& f, Rng& rng, size_t numOps) {
  if (f.code.empty()) return;
  vm::Instr& in = f.code[below(rng, f.code.size())];
  switch (below(rng, 8)) {
    case 0: in.op = vm::Op(below(rng, numOps + 1)); break;
    case 1: in.a = uint8_t(nearby(rng, in.a, f.numRegs)); break;
    case 2: in.b = uint16_t(nearby(rng, in.b, f.numRegs)); break;
    case 3: in.c = nearby(rng, in.c, f.code.size()); break;
    case 4: {  // remove one (lines stay parallel)
      const size_t i = below(rng, f.code.size());
      f.code.erase(f.code.begin() + i);
      f.lines.erase(f.lines.begin() + i);
      break;
    }
    case 5: {  // duplicate one
      const size_t i = below(rng, f.code.size());
      f.code.insert(f.code.begin() + i, f.code[i]);
      f.lines.insert(f.lines.begin() + i, f.lines[i]);
      break;
    }
    case 6: {  // swap two
      const size_t i = below(rng, f.code.size()), j = below(rng, f.code.size());
      std::swap(f.code[i], f.code[j]);
      break;
    }
    default: {  // an instruction copied from elsewhere in the function
      f.code[below(rng, f.code.size())] = f.code[below(rng, f.code.size())];
      break;
    }
  }
}

inline void mutateTables(vm::Program& p, Rng& rng) {
  switch (below(rng, 9)) {
    case 0:
      if (!p.parts.empty()) {
        vm::Part& pt = p.parts[below(rng, p.parts.size())];
        switch (below(rng, 5)) {
          case 0: pt.kind = vm::PartKind(below(rng, 12)); break;
          case 1: pt.func = nearby(rng, pt.func, p.functions.size()); break;
          case 2: pt.captureSlot = nearby(rng, pt.captureSlot, 4); break;
          case 3: pt.keysOp = vm::CmpOp(below(rng, 17)); break;
          default: pt.literal = nearby(rng, pt.literal, p.literals.size()); break;
        }
      }
      break;
    case 1:
      if (!p.clauses.empty()) {
        vm::ClauseInfo& c = p.clauses[below(rng, p.clauses.size())];
        if (below(rng, 2)) c.op = vm::CmpOp(below(rng, 17));
        else c.rhs = vm::RhsKind(below(rng, 6));
      }
      break;
    case 2:
      if (!p.blocks.empty()) {
        vm::BlockInfo& b = p.blocks[below(rng, p.blocks.size())];
        b.body = nearby(rng, b.body, p.functions.size());
      }
      break;
    case 3:
      if (!p.calls.empty()) {
        vm::CallInfo& c = p.calls[below(rng, p.calls.size())];
        if (below(rng, 2)) c.builtin = int32_t(nearby(rng, uint32_t(c.builtin), 16));
        else c.numArgs = uint16_t(nearby(rng, c.numArgs, 4));
      }
      break;
    case 4:
      if (!p.rules.empty()) {
        vm::RuleInfo& r = p.rules[below(rng, p.rules.size())];
        if (below(rng, 2)) r.body = nearby(rng, r.body, p.functions.size());
        else r.numParams = uint16_t(nearby(rng, r.numParams, 3));
      }
      break;
    case 5:
      if (!p.functions.empty()) {
        vm::Function& f = p.functions[below(rng, p.functions.size())];
        switch (below(rng, 4)) {
          case 0: f.numRegs = nearby(rng, f.numRegs, f.numRegs); break;
          case 1: f.numStatus = nearby(rng, f.numStatus, f.numStatus); break;
          case 2: f.kind = vm::FuncKind(below(rng, 4)); break;
          default:
            if (!f.slots.empty()) f.slots[below(rng, f.slots.size())].init = nearby(rng, 0, p.functions.size());
            break;
        }
      }
      break;
    case 6:
      if (!p.files.empty()) {
        vm::FileInfo& f = p.files[below(rng, p.files.size())];
        if (!f.rules.empty()) f.rules[below(rng, f.rules.size())] = nearby(rng, 0, p.rules.size());
        else f.scope = nearby(rng, f.scope, p.functions.size());
      }
      break;
    case 7:
      if (!p.ruleRefs.empty()) {
        vm::RuleRefInfo& r = p.ruleRefs[below(rng, p.ruleRefs.size())];
        r.file = nearby(rng, r.file, p.files.size());
      }
      break;
    default:
      if (!p.paramCalls.empty()) {
        vm::ParamCallInfo& c = p.paramCalls[below(rng, p.paramCalls.size())];
        c.numArgs = uint16_t(nearby(rng, c.numArgs, 3));
      }
      break;
  }
}

// 1-3 changes to a decoded program; the caller writes it with writePack
// (which writes any field values) and reads it back through the verifier.
inline void mutateProgram(vm::Program& p, Rng& rng, size_t numOps) {
  const uint32_t changes = 1 + below(rng, 3);
  for (uint32_t i = 0; i < changes; ++i) {
    if (below(rng, 3) != 0 && !p.functions.empty())
      mutateInstruction(p.functions[below(rng, p.functions.size())], rng, numOps);
    else
      mutateTables(p, rng);
  }
}

}  // namespace guard::packmut
