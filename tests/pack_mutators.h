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
//    enum values, trace marks of section 15, facts of section 16, the
//    depth-first splits of section 17) and
//    encodes it again: most results are well formed packs that only the
//    verifier can refuse (a stated fact it cannot prove, marks that do not
//    nest).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "vm/analysis.h"
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
    case 4: {  // remove one (lines and depth-first ends stay parallel)
      const size_t i = below(rng, f.code.size());
      f.code.erase(f.code.begin() + i);
      f.lines.erase(f.lines.begin() + i);
      if (i < f.depthFirst.size()) f.depthFirst.erase(f.depthFirst.begin() + i);
      break;
    }
    case 5: {  // duplicate one
      const size_t i = below(rng, f.code.size());
      f.code.insert(f.code.begin() + i, f.code[i]);
      f.lines.insert(f.lines.begin() + i, f.lines[i]);
      if (i < f.depthFirst.size()) f.depthFirst.insert(f.depthFirst.begin() + i, f.depthFirst[i]);
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

// A change to the trace marks (section 15): a mark moved, its bits, indices
// or context changed, a mark removed or doubled, or the section left out.
inline void mutateTrace(vm::Program& p, Rng& rng) {
  if (p.functions.empty()) return;
  if (below(rng, 10) == 0) {  // a pack without the debug section
    p.hasTrace = false;
    for (vm::Function& f : p.functions) f.trace.clear();
    return;
  }
  vm::Function& f = p.functions[below(rng, p.functions.size())];
  if (f.trace.empty()) {
    if (!f.code.empty()) f.trace.push_back(vm::TraceMark{.at = below(rng, f.code.size()), .open = uint8_t(1u << below(rng, 5))});
    return;
  }
  const size_t i = below(rng, f.trace.size());
  vm::TraceMark& m = f.trace[i];
  switch (below(rng, 8)) {
    case 0: m.at = nearby(rng, m.at, f.code.size()); break;
    case 1: m.open ^= uint8_t(1u << below(rng, 6)); break;
    case 2: m.close ^= uint8_t(1u << below(rng, 4)); break;
    case 3: m.info = nearby(rng, m.info, p.clauses.size()); break;
    case 4: m.block = nearby(rng, m.block, p.blocks.size()); break;
    case 5: m.status = nearby(rng, m.status, f.numStatus); break;
    case 6: m.disj = uint8_t(below(rng, 4)); break;
    default:
      if (below(rng, 2)) f.trace.erase(f.trace.begin() + long(i));
      else f.trace.insert(f.trace.begin() + long(i), f.trace[i]);
      break;
  }
}

// A change to the stated facts (section 16): a type guard's field, a guard
// stated for another function, a literal value, or no facts at all.
inline void mutateFacts(vm::Program& p, Rng& rng) {
  if (!p.facts || p.functions.empty()) return;
  if (below(rng, 10) == 0) {
    p.facts.reset();
    return;
  }
  vm::ProgramFacts facts = *p.facts;
  const size_t n = p.functions.size();
  std::vector<uint32_t> guarded;
  for (uint32_t f = 0; f < facts.typeGuards.size(); ++f)
    if (facts.typeGuards[f].kind != vm::TypeGuardFact::kNone) guarded.push_back(f);
  const uint32_t f = guarded.empty() || below(rng, 4) == 0 ? below(rng, n) : guarded[below(rng, guarded.size())];
  vm::TypeGuardFact& g = facts.typeGuards[f];
  switch (below(rng, 9)) {
    case 0: g.kind = uint8_t(below(rng, 3)); break;
    case 1: g.depth = nearby(rng, g.depth, 3); break;
    case 2: g.literalNodes = nearby(rng, uint32_t(g.literalNodes), 8); break;
    case 3: g.typeKey = nearby(rng, g.typeKey, p.strings.size()); break;
    case 4: g.rhsVariable = !g.rhsVariable; break;
    case 5: g.literal = nearby(rng, g.literal, p.literals.size()); break;
    case 6: g.varSlot = nearby(rng, g.varSlot, 4); g.varDepth = uint16_t(below(rng, 3)); break;
    case 7: g.clause = nearby(rng, g.clause, p.clauses.size()); break;
    default: facts.literalSets[f] = nearby(rng, facts.literalSets[f], p.literals.size()); break;
  }
  p.facts = std::make_shared<const vm::ProgramFacts>(std::move(facts));
}

// A change to the depth-first splits (section 17, Function::depthFirst): an
// end moved, one stated where none is, one left out, the list cut short, or
// all of a function's restated from its (maybe mutated) code, so that code
// mutants also reach the interpreter with ends the verifier accepts.
inline void mutateDepthFirst(vm::Program& p, Rng& rng) {
  if (p.functions.empty()) return;
  vm::Function& f = p.functions[below(rng, p.functions.size())];
  if (f.code.empty()) return;
  if (f.depthFirst.size() != f.code.size() || below(rng, 3) == 0) {
    f.depthFirst = vm::depthFirstEnds(f);
    return;
  }
  std::vector<uint32_t> stated;
  for (uint32_t i = 0; i < f.depthFirst.size(); ++i)
    if (f.depthFirst[i]) stated.push_back(i);
  const uint32_t i = stated.empty() || below(rng, 3) == 0 ? below(rng, f.code.size()) : stated[below(rng, stated.size())];
  switch (below(rng, 4)) {
    case 0: f.depthFirst[i] = nearby(rng, f.depthFirst[i], f.code.size()); break;
    case 1: f.depthFirst[i] = f.depthFirst[i] ? 0 : uint32_t(f.code.size()); break;
    case 2: f.depthFirst.pop_back(); break;
    default: f.depthFirst.clear(); break;
  }
}

// 1-3 changes to a decoded program; the caller writes it with writePack
// (which writes any field values) and reads it back through the verifier.
inline void mutateProgram(vm::Program& p, Rng& rng, size_t numOps) {
  const uint32_t changes = 1 + below(rng, 3);
  for (uint32_t i = 0; i < changes; ++i) {
    const uint32_t what = below(rng, 9);
    if (what < 5 && !p.functions.empty())
      mutateInstruction(p.functions[below(rng, p.functions.size())], rng, numOps);
    else if (what < 6)
      mutateTrace(p, rng);
    else if (what < 7)
      mutateFacts(p, rng);
    else if (what < 8)
      mutateDepthFirst(p, rng);
    else
      mutateTables(p, rng);
  }
}

}  // namespace guard::packmut
