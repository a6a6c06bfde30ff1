// The Guard abstract syntax tree, with source spans. Produced by the parser
// (parser.cpp), checked by sema.cpp, lowered to bytecode by lower.cpp, and
// printed by `guardvm parse-tree`. Mirrors spec/guard-language.md §4.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vm/vocabulary.h"

namespace guard::ast {

// 1-based line and column (columns count characters), plus the byte offset.
struct SourceLoc {
  uint32_t offset = 0;
  uint32_t line = 1;
  uint32_t column = 1;
};

struct Span {
  SourceLoc begin, end;
};

// ---------------------------------------------------------------- literals

enum class LitKind : uint8_t {
  Null, Bool, Int, Float, String, Regex, Char,
  RangeInt, RangeFloat, RangeChar,
  List, Map,
};

struct Literal {
  // User-provided so that clang (with libstdc++) does not have to decide whether
  // the std::pair<std::string, Literal> of `entries` is default-constructible
  // while Literal is still incomplete (tools/fuzz.sh builds with clang-14).
  Literal() {}
  LitKind kind = LitKind::Null;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  uint32_t ch = 0;            // Char: code point
  std::string s;              // String text; Regex pattern (as given to the engine)
  // Ranges: bounds in i/f/ch pairs and inclusiveness.
  int64_t loInt = 0, hiInt = 0;
  double loFloat = 0, hiFloat = 0;
  uint32_t loChar = 0, hiChar = 0;
  bool loInclusive = true, hiInclusive = true;
  std::vector<Literal> items;                          // List
  std::vector<std::pair<std::string, Literal>> entries;  // Map, in source order
  Span span;
};

// ---------------------------------------------------------------- queries

struct Conjunction;  // below

// Query part kinds and comparison operators are the bytecode's vocabulary
// too (vm/vocabulary.h, vm/operators.def).
using vm::PartKind;
using vm::CmpOp;
using vm::isUnary;

struct Expr;  // below

struct QueryPart {
  PartKind kind = PartKind::Key;
  std::string name;       // Key, Variable, KeyCapture, Interpolate; capture name of filters
  int64_t index = 0;      // Index
  bool quoted = false;    // Key written as a string
  // KeyCapture written `[ name ]` (whitespace before the name): cfn-guard
  // parses it as `.*` with a capture, `[name]` as `[*]` with a capture.
  bool spacedCapture = false;
  // Filter
  std::shared_ptr<Conjunction> filter;
  // KeysFilter: keys <op> <rhs>; op is Eq or In, possibly negated
  CmpOp keysOp = CmpOp::Eq;
  bool keysNegated = false;
  std::shared_ptr<Expr> keysRhs;
  Span span;
};

struct Query {
  bool some = false;
  std::vector<QueryPart> parts;
  Span span;
};

// A right-hand side, let value or function argument.
enum class ExprKind : uint8_t { Literal, Query, Call };

struct Expr {
  ExprKind kind = ExprKind::Literal;
  Literal literal;
  Query query;
  std::string callee;       // Call
  std::vector<Expr> args;   // Call
  Span span;
};

// ---------------------------------------------------------------- clauses

enum class ClauseKind : uint8_t {
  Access,     // [not] query op [rhs] [<<msg>>]
  Block,      // query [!empty] { clauses }
  When,       // when conds { body }
  RuleRef,    // [not] name [<<msg>>]
  ParamCall,  // [not] name(args) [<<msg>>]
  TypeBlock,  // AWS::X::Y [when conds] { body } | AWS::X::Y clause
};

struct LetStmt;
struct Block;

struct Clause {
  ClauseKind kind = ClauseKind::Access;
  Span span;
  bool negated = false;                 // clause prefix not / ! (Access, RuleRef, ParamCall)
  // Access / Block
  Query query;
  CmpOp op = CmpOp::Exists;
  bool opNegated = false;               // !=, !exists, not in, ...
  std::shared_ptr<Expr> rhs;            // binary operators
  std::optional<std::string> message;   // custom message text between << >>
  bool notEmpty = false;                // Block: `q !empty { }`
  // When / TypeBlock
  std::shared_ptr<Conjunction> conditions;  // may be null for TypeBlock
  std::shared_ptr<Block> body;
  // RuleRef / ParamCall / TypeBlock
  std::string name;                     // rule name, or the type name
  std::vector<Expr> args;               // ParamCall
};

using Disjunction = std::vector<Clause>;  // joined by `or`

struct Conjunction {
  std::vector<Disjunction> items;  // one per line / conjunct
};

struct LetStmt {
  std::string name;
  Expr value;
  Span span;
};

struct Block {
  std::vector<LetStmt> lets;
  Conjunction body;
  Span span;
};

struct Rule {
  std::string name;
  bool parameterized = false;
  std::vector<std::string> params;
  std::shared_ptr<Conjunction> when;  // rule-level when conditions, may be null
  Block body;
  Span span;                          // the `rule` keyword through the closing brace
};

struct RulesFile {
  std::string name;                   // as reported (base name)
  std::vector<LetStmt> lets;          // file-level lets
  std::vector<Rule> rules;            // named and parameterized, in file order
  Conjunction defaultRule;            // file-level clauses, when blocks, type blocks
  bool empty = true;                  // only whitespace and comments
};

}  // namespace guard::ast
