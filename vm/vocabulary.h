// The vocabulary the compiler and the bytecode share: the kinds of query
// parts and the comparison operators (expanded from vm/operators.def), with
// each operator's spellings and report texts. Included by compiler/ast.h (the
// AST uses these enums), vm/program.h (packs store their numbers) and the
// reporters; it includes nothing of compiler/, so vm/ and report/ need no
// compiler header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>

namespace guard::vm {

enum class PartKind : uint8_t {
  This,         // this / THIS (first part only)
  Variable,     // %name (first part only)
  Key,          // name, 'quoted', .name, ['key']
  Index,        // .N, [N]  (index may be negative: absolute value is used)
  AllValues,    // .*
  AllIndices,   // [*]
  KeyCapture,   // [name] : all values, keys appended to %name
  Filter,       // [ capture | clauses ]
  KeysFilter,   // [ capture | keys op rhs ]
  Interpolate,  // .%name
};

enum class CmpOp : uint8_t {
#define CMP_OP(Name, ...) Name,
#include "vm/operators.def"
#undef CMP_OP
};

enum class Arity : uint8_t { Unary, Binary };

// One row of vm/operators.def (see there for what each text is).
struct CmpOpInfo {
  const char* name;
  Arity arity;
  const char* spelling;
  const char* keyword;
  const char* negatedSymbol;
  const char* trace;
  const char* debug;
  const char* words[2];         // [negated]
  const char* phrase[2];        // [negated]
  const char* consolePhrase[2]; // [negated]
};

inline constexpr CmpOpInfo kCmpOps[] = {
#define CMP_OP(Name, Arity_, spelling, keyword, negated, trace, debug, words, negWords, phrase, negPhrase, \
               console, negConsole)                                                                    \
  {#Name, Arity::Arity_, spelling, keyword, negated, trace, debug, {words, negWords}, {phrase, negPhrase}, \
   {console, negConsole}},
#include "vm/operators.def"
#undef CMP_OP
};
inline constexpr size_t kCmpOpCount = std::size(kCmpOps);

inline constexpr const CmpOpInfo& cmpOpInfo(CmpOp op) { return kCmpOps[size_t(op)]; }
inline constexpr bool isUnary(CmpOp op) { return cmpOpInfo(op).arity == Arity::Unary; }
inline constexpr bool isValidCmpOp(uint8_t raw) { return raw < kCmpOpCount; }

}  // namespace guard::vm
