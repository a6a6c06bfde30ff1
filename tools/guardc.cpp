// guardc: compiles Guard rules files into a rule pack (.gpack), and
// disassembles packs into a readable listing. Errors are printed as
// `file:line:col: error: message` with the source line and a caret.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/compile.h"
#include "tools/cli/common.h"
#include "tools/cli/version.h"
#include "vm/disasm.h"
#include "vm/pack.h"
#include "vm/verify.h"

namespace {

using namespace guard;

// `file:line:col: error: message` (or warning), the source line, and a caret under the column.
std::string diagnostic(const Error& e, const std::string& text, const char* severity) {
  std::string s = e.file + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": " +
                  severity + ": " + e.message + "\n";
  if (e.line == 0) return s;
  size_t start = 0;
  for (uint32_t l = 1; l < e.line; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) return s;
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  s += "  " + line + "\n  ";
  // Columns count characters; keep tabs so the caret lines up.
  uint32_t col = 1;
  for (size_t i = 0; i < line.size() && col < e.column; ++i) {
    unsigned char ch = static_cast<unsigned char>(line[i]);
    if ((ch & 0xC0) == 0x80) continue;
    s.push_back(ch == '\t' ? '\t' : ' ');
    ++col;
  }
  return s + "^\n";
}

int compileCommand(const std::vector<std::string>& inputs, const std::string& output) {
  std::vector<SourceFile> sources;
  for (const auto& in : inputs) {
    if (!cli::pathExists(in)) {
      cli::err("guardc: " + in + ": no such file or directory\n");
      return 1;
    }
    for (const auto& f : cli::walk(in, cli::WalkOrder::ByName, false)) {
      std::string base = cli::baseName(f.path);
      if (cli::isDirectory(in) && !cli::endsWith(base, ".guard") && !cli::endsWith(base, ".ruleset"))
        continue;
      auto text = cli::readFile(f.path, cli::kMaxRulesBytes);
      if (!text.ok()) {
        cli::err("guardc: " + f.path + ": " + text.error().message + "\n");
        return 1;
      }
      sources.push_back(SourceFile{base, f.path, std::move(text.value())});
    }
  }
  int failures = 0;
  auto program = std::make_unique<vm::Program>();
  for (const auto& s : sources) {
    std::vector<Error> warnings;
    auto r = compileInto(s, *program, &warnings);
    for (const auto& w : warnings) cli::err(diagnostic(w, s.text, "warning"));
    if (!r.ok()) {
      cli::err(diagnostic(r.error(), s.text, "error"));
      ++failures;
    }
  }
  if (failures) return 1;
  auto verified = vm::verifyProgram(*program);
  if (!verified.ok()) {
    cli::err("guardc: internal error: the compiled program does not verify: " +
             verified.error().message + "\n");
    return 1;
  }
  std::string bytes = vm::writePack(*program);
  // Written beside the target and renamed over it once complete and closed,
  // so that a failed write (a full disk) never leaves a truncated pack.
  const std::string temp = output + ".tmp";
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  out.close();
  if (!out || std::rename(temp.c_str(), output.c_str()) != 0) {
    const int e = errno;
    std::remove(temp.c_str());
    cli::err("guardc: cannot write " + output + (e ? std::string(": ") + std::strerror(e) : std::string()) + "\n");
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
