// Evaluation results: what the VM recorded while running one rules file
// over one document. The interpreter (interp.cpp) appends records; every
// report format (report_*.cpp) is a view over the same records plus the
// Program's clause texts and messages.
//
// Records form a tree stored in preorder: a record's descendants follow it,
// up to index `end`. Only what a report can show is kept: checks are
// recorded only when they fail, and containers that ended without a FAIL are
// dropped with everything under them — except a passing `or`, a passing
// `some` clause and a rule's passing `when`, which keep their failed parts
// with status PASS (only the generic console report lists them; every other
// view skips records whose status is not FAIL).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/document.h"
#include "runtime/query_result.h"
#include "vm/opcodes.h"
#include "vm/vocabulary.h"

namespace guard::vm {

enum class RecKind : uint8_t {
  Rule,          // info = RuleInfo index (a nested rule evaluated through a reference)
  Disjunction,   // an `or` chain
  Block,         // info = BlockInfo index; one visited value (`from`)
  BlockMissing,  // info = BlockInfo index; `from` is the unresolved member
  BlockEmpty,    // info = BlockInfo index; `q !empty { }` selected nothing
  Unary,         // info = ClauseInfo index; `from` = checked member
  Binary,        // info = ClauseInfo index; `from` / `to` = compared values
  EmptySet,      // info = ClauseInfo index; an `empty` test on a whole result set
  RuleRef,       // info = RuleRefInfo index; `ruleStatus` = the referenced rule's status
  ParamCall,     // info = ParamCallInfo index
  When,          // a rule's `when` conditions (info = RuleInfo index) or a `when`/type block's (info = kNone); kept only with failures inside, never shown by the structured reports
  KeysCheck,     // info = Part index of a keys filter; a key it did not select: `from` is
                 // the key as a string (path of the map, position of the key), the
                 // right-hand values are FileResult::sets[toSet]
  KeysMiss,      // internal to the VM, never in a FileResult: "the keys of map `from`
                 // that keys filter `info` did not select", one record per filtered map;
                 // expanded into one KeysCheck per such key when the evaluation ends,
                 // so that a filter whose records are then dropped (the usual case:
                 // its clause passed) costs no record per key
};

// What a failing comparison found (for the wording of messages).
enum class CmpDetail : uint8_t { None, False, NotComparable, LeftUnresolved, RightUnresolved };

struct Record {
  RecKind kind;
  Status status;
  CmpDetail detail = CmpDetail::None;
  Status ruleStatus = Status::Skip;  // RuleRef: status of the referenced rule
  // Made while a clause's query ran (the checks of a filter over a scalar
  // reached by [*], which cfn-guard records in the enclosing clause): dropped
  // with the clause's keys-filter checks when the clause does not FAIL.
  bool fromQuery = false;
  uint32_t info = 0;
  uint32_t end = 0;                  // one past the last descendant
  QValue from, to;
  uint32_t rule = UINT32_MAX;        // RuleRef records: the referenced rule's index
  uint32_t toSet = UINT32_MAX;       // KeysCheck / Binary IN: all right-hand values, in FileResult::sets
};

struct RuleResult {
  uint32_t rule;           // RuleInfo index
  Status status;
  std::vector<Record> records;  // this rule's failure tree (empty unless FAIL)
};

// ---- the full evaluation record tree (trace mode, EvalLimits::trace)
//
// With tracing on, the VM also keeps cfn-guard's complete record stream —
// every check including passing ones, every filter candidate, rule
// references with the nested rule's records — for `validate --verbose`,
// `--print-json` and `test -v` (report/verbose.cpp renders it). Stored in
// preorder like Record; off by default, so the normal path never builds it.
enum class TraceKind : uint8_t {
  File,           // text = data name is supplied by the renderer; info = number of rules
  Rule,           // text = rule name
  RuleWhen,       // a rule's `when` conditions
  Type,           // text = resource type
  TypeWhen,       // a type block's `when` conditions
  TypeBody,       // one resource visited by a type block
  Filter,         // one filter candidate
  WhenBlock,      // a `when` clause
  WhenCond,       // its conditions
  Disjunction,
  BlockCheck,     // a block clause (all visited values)
  ClauseBlock,    // an access clause (all its checks); flag = at_least_one_matches
  Pass,           // a passing check
  Unary,          // a failing unary check (from)
  Binary,         // a failing binary check (from, to; `to` absent when the left is unresolved);
                  // the renderer shows IN-form ones as GuardClauseInBinaryCheck
  DependentRule,  // a failing rule reference; text = rule name
  BlockMissing,   // a block value that did not resolve; text = reason message
  EmptyCheck,     // `!empty` on an empty result set
};

// Which of cfn-guard's context texts a trace record has; the report layer
// (report/verbose.cpp) writes it from the program's tables: the VM records
// ids, never text. `id` and `n` are the record's TraceRecord::ctxId/ctxN.
enum class TraceContext : uint8_t {
  None,             // ""
  File,             // "File(rules=<n>)"
  Rule,             // the name of rule `id`
  RuleWhen,         // "Rule#<name of rule id>/When"
  RuleRef,          // "Rule(<name>@<location>)" of rule reference `id`
  Block,            // the query text of block `id`
  BlockWhen,        // "<query text of block id>/When"
  BlockValue,       // "<query text of block id>/<n>"
  BlockClause,      // "BlockGuardClause#<location of block id>"
  BlockMissing,     // "GuardBlockAccessClause#<location of block id>"
  FilterList,       // "Filter/List#<n>"
  FilterMap,        // "Filter/Map#<n>"
  RuleClause,       // "RuleClause" (a `when` clause in a rule body)
  ConditionClause,  // "GuardConditionClause" (any other `when` clause)
  RuleClauseWhen,   // "RuleClause/When"
  ConditionClauseWhen,  // "GuardConditionClause/When"
  Clause,           // the text of clause `id`
  ClauseBlock,      // "GuardAccessClause#block<text of clause id>"
  TypeSelect,       // " Type EQUALS  <type string of part id>"
  TypeSelectBlock,  // "GuardAccessClause#block Type EQUALS  <type string of part id>"
  Disjunction,      // "cfn_guard::rules::exprs::<GuardClause|RuleClause|WhenGuardClause>#disjunction" (n = 0, 1, 2)
};

struct TraceRecord {
  TraceKind kind = TraceKind::Pass;
  Status status = Status::Skip;
  bool flag = false;
  bool opNegated = false;
  CmpOp op = CmpOp::Exists;
  uint32_t end = 0;                // one past the last descendant
  uint32_t info = UINT32_MAX;      // checks: ClauseInfo index (UINT32_MAX: keys-filter check)
  uint32_t toSet = UINT32_MAX;     // InBinary: right-hand values in FileResult::sets
  uint32_t message = UINT32_MAX;   // custom message string id (checks), if any
  TraceContext ctx = TraceContext::None;
  uint32_t ctxId = UINT32_MAX;     // the table index TraceContext names
  uint32_t ctxN = 0;               // the number TraceContext names
  QValue from, to;
  bool hasTo = false;
  CmpDetail detail = CmpDetail::None;  // Binary: why it failed
};

struct FileResult {
  uint32_t file = 0;       // FileInfo index
  Status status = Status::Skip;
  std::vector<RuleResult> rules;  // evaluation order; parameterized rules excluded
  // Values made during evaluation (function results, captured keys) that
  // records point to; kept alive with the records. Null when none were made.
  std::unique_ptr<Document> scratch;
  std::vector<ResultSet> sets;  // right-hand sides referred to by Record::toSet
  std::vector<TraceRecord> trace;  // trace mode only: the File record and everything under it
};

}  // namespace guard::vm
