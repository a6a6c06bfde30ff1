// Opcodes, operand kinds and instruction encoding, expanded from
// vm/opcodes.def. Included by everything that emits, checks, runs or prints
// bytecode.
#pragma once

#include <cstdint>

namespace guard::vm {

enum class Op : uint8_t {
#define OP(name, a, b, c, doc) name,
#include "vm/opcodes.def"
#undef OP
  Count_
};

inline constexpr unsigned kNumOps = static_cast<unsigned>(Op::Count_);
// The opcodes of pack format 2.0: the table up to the fused query steps,
// which format 2.1 appended. A 2.0 pack declares the instruction set of
// these (vm/pack.cpp, instructionSetId) and may use no other.
inline constexpr unsigned kNumOps20 = static_cast<unsigned>(Op::Q_VALUES_FILTER);
// The opcodes of pack format 2.1: the table up to Q_COPY, which 2.2 appended.
inline constexpr unsigned kNumOps21 = static_cast<unsigned>(Op::Q_COPY);

// What an operand means; the verifier checks each against the program.
enum class OperandKind : uint8_t {
  None,      // must be 0
  Reg,       // result-set register of the current function
  Status,    // status register of the current function
  Depth,     // number of frames up (for Q_VAR)
  Slot,      // variable slot in the frame Depth levels up
  Imm,       // small immediate
  Literal,   // index into Program::literals
  Part,      // index into Program::parts
  Call,      // index into Program::calls
  Func,      // index into Program::functions
  Clause,    // index into Program::clauses
  Block,     // index into Program::blocks
  RuleRef,   // index into Program::ruleRefs
  ParamCall, // index into Program::paramCalls
  Target,    // instruction index in the current function
  String,    // index into Program::strings
};

struct OpInfo {
  const char* name;
  OperandKind a, b, c;
  const char* doc;
};

inline constexpr OpInfo kOpInfo[] = {
#define OP(name, a, b, c, doc) {#name, OperandKind::a, OperandKind::b, OperandKind::c, doc},
#include "vm/opcodes.def"
#undef OP
};

inline const OpInfo& opInfo(Op op) { return kOpInfo[static_cast<unsigned>(op)]; }

// One instruction: 8 bytes, little-endian in packs.
struct Instr {
  Op op;
  uint8_t a;
  uint16_t b;
  uint32_t c;
};
static_assert(sizeof(Instr) == 8);

// Evaluation statuses, ordered so that conjunction is max(FAIL > PASS > SKIP).
enum class Status : uint8_t { Skip = 0, Pass = 1, Fail = 2 };

inline Status conj(Status a, Status b) { return a > b ? a : b; }
// Disjunction: PASS > FAIL > SKIP.
inline Status disj(Status a, Status b) {
  if (a == Status::Pass || b == Status::Pass) return Status::Pass;
  if (a == Status::Fail || b == Status::Fail) return Status::Fail;
  return Status::Skip;
}
inline const char* statusName(Status s) {
  return s == Status::Pass ? "PASS" : s == Status::Fail ? "FAIL" : "SKIP";
}

}  // namespace guard::vm
