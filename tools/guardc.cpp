// guardc: compiles Guard rules files into a rule pack (.gpack), and
// disassembles packs into a readable listing. Errors are printed as
// `file:line:col: error: message` with the source line and a caret; so are
// the lint warnings of compiler/lint.h (on by default; `-W` options below).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/cli/common.h"
#include "tools/cli/sources.h"
#include "tools/cli/version.h"
#include "vm/disasm.h"
#include "vm/pack.h"

namespace {

using namespace guard;

// What the -W options ask for: -Werror, -Wno-lint, -Wno-<warning id>.
struct WarningOptions {
  cli::LintOptions lint{true, {}};
  bool errors = false;
};

// Reads the values of -W (`-Werror` arrives as "error"); an unknown one is an
// error value naming it.
Result<WarningOptions> readWarningOptions(const std::vector<std::string>& values) {
  WarningOptions o;
  for (const auto& v : values) {
    if (v == "error") {
      o.errors = true;
    } else if (v == "no-lint") {
      o.lint.enabled = false;
    } else if (v.rfind("no-", 0) == 0 && lint::isWarningId(v.substr(3))) {
      o.lint.disabled.push_back(v.substr(3));
    } else {
      return Error::plain("unknown warning option -W" + v + " (known: -Werror, -Wno-lint, -Wno-<id>; ids in docs/lint.md)");
    }
  }
  return o;
}

int compileCommand(const std::vector<std::string>& inputs, const std::string& output, const WarningOptions& wo) {
  auto sources = cli::readRulesSources(inputs);
  if (!sources.ok()) {
    cli::err("guardc: " + sources.error().message + "\n");
    return 1;
  }
  cli::CompiledRules compiled = cli::compileRules(sources.value(), wo.lint);
  cli::err(compiled.diagnostics);
  if (compiled.failures) return 1;
  if (wo.errors && compiled.compilerWarnings + compiled.lintWarnings > 0) {
    cli::err("guardc: warnings are errors (-Werror); no pack written\n");
    return 1;
  }
  if (!compiled.program) {
    cli::err("guardc: internal error: " + compiled.internalError + "\n");
    return 1;
  }
  if (auto saved = cli::savePack(*compiled.program, output); !saved.ok()) {
    cli::err("guardc: " + saved.error().message + "\n");
    return 1;
  }
  return 0;
}

int disasmCommand(const std::string& path) {
  auto bytes = cli::readFile(path, cli::kMaxRulesBytes);
  if (!bytes.ok()) {
    cli::err("guardc: " + path + ": " + bytes.error().message + "\n");
    return 1;
  }
  auto program = vm::readPack(bytes.value(), path);
  if (!program.ok()) {
    cli::err("guardc: " + path + ": " + program.error().message + "\n");
    return 1;
  }
  cli::out(vm::disassemble(*program.value()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"guardc: compile Guard rules into rule packs (.gpack), or list a pack's bytecode"};
  std::string output, disasm;
  std::vector<std::string> inputs, warningValues;
  app.add_option("-o,--output", output, "the pack to write");
  app.add_option("-W", warningValues,
                 "-Werror: any warning fails the compilation (no pack); -Wno-lint: no lint warnings; "
                 "-Wno-<id>: not this lint warning (docs/lint.md)")
      ->allow_extra_args(false);
  app.add_option("--disasm", disasm, "print the bytecode listing of a pack");
  app.add_option("inputs", inputs, "rules files or directories");
  app.set_version_flag("-V,--version", [] {  // CLI11 adds the final newline
    std::string text = cli::versionText("guardc");
    text.pop_back();
    return text;
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  auto warningOptions = readWarningOptions(warningValues);
  if (!warningOptions.ok()) {
    cli::err("guardc: " + warningOptions.error().message + "\n");
    return cli::finishOutput(2, 1);
  }
  int rc;
  if (!disasm.empty()) {
    rc = disasmCommand(disasm);
  } else if (!output.empty() && !inputs.empty()) {
    rc = compileCommand(inputs, output, warningOptions.value());
  } else {
    cli::err("usage: guardc -o OUT.gpack RULES... | guardc --disasm PACK\n");
    rc = 2;
  }
  return cli::finishOutput(rc, 1);
}
