// The pack listing, in the spirit of `luac -l` and SQLite's EXPLAIN: every
// rules file, rule and function of a Program, each instruction with its
// operands shown by meaning (registers, key names, literal values, clause
// texts, jump targets) and the source line it came from. Used by
// `guardc --disasm`, by the golden listing tests and when debugging the VM.
// Output is deterministic. Tested by tests/pack_test.cpp.
#pragma once

#include <string>

#include "vm/program.h"

namespace guard::vm {

// The whole listing. Safe on any Program that passed verifyProgram; on others
// it prints what it can (out-of-range indices show as `?N`) without crashing.
std::string disassemble(const Program& program);

}  // namespace guard::vm
