// The bytecode verifier: proves that a Program is safe to run before a single
// instruction does. Called by readPack (vm/pack.cpp) on every loaded pack and
// by the compiler (compileSources) on its own output; tested by
// tests/pack_test.cpp.
//
// What it proves (the interpreter may then only assert these facts):
//  - every opcode is known and every operand fits its OperandKind from
//    vm/opcodes.def: registers below the function's numRegs/numStatus, table
//    indices in range, None operands zero, jump targets inside the function;
//  - jumps go forward only, every function ends in RET_STATUS, RET_SET, JUMP
//    or RAISE, and the static call graph (functions, block bodies, filters,
//    let initialisers, and named and parameterized rule references resolved
//    by name within the reference's rules file) has no cycle, so evaluation
//    terminates;
//  - operands name things of the right kind (Q_SUBQUERY a Set function,
//    CALL_CNF a Cnf function, Q_KEY a Key part, ...), RET_STATUS appears only
//    in Cnf functions and RET_SET only in Set functions;
//  - every cross reference between the tables is in range and of the right
//    kind, and literal trees are well formed and at most kMaxLiteralDepth deep;
//  - on every path through a function, CLAUSE_BEGIN, DISJ_BEGIN and
//    COND_BEGIN nest like brackets with what closes them (CHECK_UNARY,
//    CHECK_BINARY and BLOCK close a clause; DISJ_END, COND_END), and none is
//    open at a return: the interpreter's record and suppression stacks never
//    underflow, and a clause's end never erases a record still open;
//  - built-in ids are in the table (or -1, unknown: an evaluation error);
//  - the trace marks the compiler stated (Program::hasTrace, TraceMark) sit
//    at instructions of the right opcode, name table entries in range, and
//    nest on every path with what the instructions themselves open and close;
//  - every fact the program states (Program::facts, vm/analysis.h) holds: a
//    program stating a false fact is refused (proveFacts).
//
// What it cannot prove statically, and the interpreter must check:
//  - the frame `Depth` levels up of a Q_VAR exists and has the slot: the
//    verifier only bounds Depth by the number of functions, Slot by the largest
//    slot count of any function, and checks Slot exactly for Depth 0 in a Cnf
//    function (whose frame is its own);
//  - a lazily evaluated `let` that (through Q_VAR) needs its own value: the
//    interpreter must mark a slot as in progress while computing it;
//  - a call's arity against its built-in (3.1.1 reports it at evaluation);
//  - the call depth, as a backstop for packs whose `file` fields lie about
//    where a rule reference resolves (the interpreter's kMaxCallDepth).
//
// The verifier's own work is linear in the size of the program.
#pragma once

#include <cstdint>

#include "runtime/error.h"
#include "vm/program.h"

namespace guard::vm {

// Register file size of one function: the operands are 8 bits (A) and 16 bits
// (B) wide, and no Guard rule needs more than a few dozen registers.
inline constexpr uint32_t kMaxRegisters = 4096;
// Nesting of literal lists and maps. Guard literals are written by hand; the
// pack reader and every printer recurse over literal trees, so the depth is bounded.
inline constexpr uint32_t kMaxLiteralDepth = 256;

Result<Unit> verifyProgram(const Program& program);

}  // namespace guard::vm
