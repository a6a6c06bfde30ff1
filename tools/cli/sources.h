// What the command-line inputs become, shared by guardvm, guardc and the C
// API (api/guardvm.cpp): rules files and directories read into compiler
// sources, sources compiled with `file:line:col` diagnostics, data texts
// loaded into Documents with cfn-guard's error wording, and the extension
// rule that picks data files out of a walked directory.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/compile.h"
#include "compiler/lint.h"
#include "runtime/document.h"
#include "runtime/error.h"
#include "tools/cli/common.h"
#include "vm/program.h"

namespace guard::cli {

// A walked file is a data file when its name ends so (spec/cli-and-reports.md
// §5.2), a file named on the command line included; pipes and devices named
// on the command line are read whatever their name (walkDataPaths).
bool hasDataExtension(std::string_view path);

// The data files `guardvm validate -d PATH...` reads, in its order: each path
// walked (a file yields itself; a directory its data files by extension).
// The error is the CLI's: "The path `X` does not exist".
Result<std::vector<WalkedFile>> walkDataPaths(const std::vector<std::string>& paths, WalkOrder order);

// Loads one data text named `name` (its report name). Errors keep
// cfn-guard's wording (spec §5.3) and add, after it, where and why in ours.
// Takes the text by value: it moves into the Document.
Result<std::unique_ptr<Document>> loadDataText(const std::string& name, std::string text);

// A load error of data text `text` (named `name`) as cfn-guard words it,
// with guardvm's where and why after it: the data files' and --input-params'.
Error dataLoadError(Error e, const std::string& name, std::string_view text);

// `file:line:col: severity: message`, the source line and a caret under the
// column (guardc's diagnostics).
std::string diagnosticText(const Error& e, const std::string& text, const char* severity);

// Every rules source named by `inputs` (files, and the .guard/.ruleset files
// of directories, walked in name order), read whole. The error names the path.
Result<std::vector<SourceFile>> readRulesSources(const std::vector<std::string>& inputs);

// Which lint warnings (compiler/lint.h) a compilation reports: none unless
// `enabled` (guardc enables them; the C API does not), minus `disabled` ids.
struct LintOptions {
  bool enabled = false;
  std::vector<std::string> disabled;
};

// A lint warning as guardc prints it: `file:line:col: warning: why [-Wid]`,
// the source line, a caret, then a `fix:` line.
std::string lintWarningText(const lint::Warning& w, const std::string& text);

// The lint warnings of one source that parses (a source that does not parse
// has none: its parse error is reported elsewhere), as text, and how many.
struct LintReport {
  std::string text;
  int count = 0;
};
LintReport lintSource(const SourceFile& source, const LintOptions& options);

// The lint warnings of one rules input of `guardvm validate --lint`: a rules
// file's text, or a pack (`isPackInput`), whose rules files are linted from
// the source text its debug information keeps; a pack file without it gets
// a line saying so. A pack that does not read gives nothing here (the
// evaluation reports it).
std::string lintRulesInput(const std::string& path, const std::string& text);

// Compiles sources into one program, verified and with its facts attached.
// `diagnostics` receives every warning and error in source order; the
// program is null when any source failed (then `failures` counts them and
// `firstFailure` is the first one's error) or when the result does not verify
// (then `internalError`, of kind Internal, says why). Lint warnings (when
// `lint.enabled`) are counted in `lintWarnings`; they never make a source fail.
struct CompiledRules {
  std::unique_ptr<vm::Program> program;
  std::string diagnostics;
  int failures = 0;
  std::optional<Error> firstFailure;
  int compilerWarnings = 0;  // the compiler's own (sema.h), always reported
  int lintWarnings = 0;
  std::optional<Error> internalError;
};
CompiledRules compileRules(const std::vector<SourceFile>& sources, const LintOptions& lint = {});

// Writes `program` as a pack to `path`: beside it first (a temporary name of
// its own), renamed over it once complete and closed, so a failed write (a
// full disk) never leaves a truncated pack; through a symbolic link, the file
// it names is replaced. A device or FIFO (`-o /dev/null`, `-o /dev/stdout`)
// is written in place, never replaced. The error reads "cannot write PATH:
// <system text>".
Result<Unit> savePack(const vm::Program& program, const std::string& path);
// The same for pack bytes already made (a bundle: writePack, then attachBundleInfo).
Result<Unit> savePackBytes(std::string_view bytes, const std::string& path);

}  // namespace guard::cli
