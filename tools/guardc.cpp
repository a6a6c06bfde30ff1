// guardc: compiles Guard rules files into a rule pack (.gpack), and
// disassembles packs into a readable listing. Errors are printed as
// `file:line:col: error: message` with the source line and a caret.
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

int compileCommand(const std::vector<std::string>& inputs, const std::string& output) {
  auto sources = cli::readRulesSources(inputs);
  if (!sources.ok()) {
    cli::err("guardc: " + sources.error().message + "\n");
    return 1;
  }
  cli::CompiledRules compiled = cli::compileRules(sources.value());
  cli::err(compiled.diagnostics);
  if (compiled.failures) return 1;
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
  std::vector<std::string> inputs;
  app.add_option("-o,--output", output, "the pack to write");
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
  int rc;
  if (!disasm.empty()) {
    rc = disasmCommand(disasm);
  } else if (!output.empty() && !inputs.empty()) {
    rc = compileCommand(inputs, output);
  } else {
    cli::err("usage: guardc -o OUT.gpack RULES... | guardc --disasm PACK\n");
    rc = 2;
  }
  return cli::finishOutput(rc, 1);
}
