// guardc's lint pass: warnings for the traps of spec/guard-language.md §16
// that static analysis can prove (a rule that looks right but passes what it
// should block, or never passes). It reads a parsed rules file (parser.h) and
// its source text and changes nothing: no verdict, report or exit code of an
// evaluation depends on it. Called by the tools layer only
// (tools/cli/sources.cpp compileRules for guardc, tools/cli/validate.cpp for
// `guardvm validate --lint`). docs/lint.md lists every warning and the traps
// that cannot be detected statically.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast.h"
#include "runtime/error.h"

namespace guard::lint {

// One finding. `where` holds the file, line, column and the sentence that
// says why the construct is a trap; `fix` says what to write instead.
struct Warning {
  std::string id;  // stable kind, e.g. "not-binary-clause"; see warningIds()
  Error where;
  std::string fix;
};

// The id of every warning kind, with the §16 trap it reports.
struct WarningKind {
  std::string_view id;
  int trap;
};
const std::vector<WarningKind>& warningKinds();
bool isWarningId(std::string_view id);

// Every warning for `file`, parsed from `source` (named `path` in the
// results), in source order. A warning is dropped when its line or the line
// before carries the comment `# guardc: allow(<id>)` (several ids may be
// listed, separated by commas).
std::vector<Warning> lintRulesFile(const ast::RulesFile& file, std::string_view source,
                                   const std::string& path);

// True when line `line` (1-based) of `source`, or the line before it, allows
// warning `id` by a `guardc: allow(...)` comment.
bool isAllowedAt(std::string_view source, uint32_t line, std::string_view id);

}  // namespace guard::lint
