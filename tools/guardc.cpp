// guardc: compiles Guard rules files into a rule pack (.gpack), builds rule
// bundles from rule-set manifests (--rule-set: a pack with the set's name,
// version, description and controls, tools/cli/bundles.h), lists installed
// bundles (--list), and disassembles packs into a readable listing. Errors
// are printed as `file:line:col: error: message` with the source line and a
// caret; so are the lint warnings of compiler/lint.h (on by default; `-W`
// options below).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/cli/bundles.h"
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
      return Error::plain(ErrorKind::Usage, "unknown warning option -W" + v +
                                                " (known: -Werror, -Wno-lint, -Wno-<id>; ids in docs/lint.md)");
    }
  }
  return o;
}

// Compiles `inputs` into the pack `output`; with `bundle`, the pack carries
// it as its metadata (one controls entry per input file).
int compileCommand(const std::vector<std::string>& inputs, const std::string& output, const WarningOptions& wo,
                   const vm::BundleInfo* bundle = nullptr) {
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
    cli::err("guardc: internal error: " + compiled.internalError->message + "\n");
    return 1;
  }
  std::string bytes = vm::writePack(*compiled.program);
  if (bundle) {
    auto attached = vm::attachBundleInfo(bytes, uint32_t(compiled.program->files.size()), *bundle);
    if (!attached.ok()) {
      cli::err("guardc: " + output + ": " + attached.error().message + "\n");
      return 1;
    }
    bytes = std::move(attached.value());
  }
  if (auto saved = cli::savePackBytes(bytes, output); !saved.ok()) {
    cli::err("guardc: " + saved.error().message + "\n");
    return 1;
  }
  return 0;
}

// --rule-set MANIFEST: the manifest's rules files, in its order, as one
// bundle. Each mapping names one file, so the pack's files line up with the
// manifest's controls.
int ruleSetCommand(const std::string& manifest, const std::string& rulesRoot, const std::string& output,
                   const WarningOptions& wo) {
  auto set = cli::readRuleSetManifest(manifest, rulesRoot);
  if (!set.ok()) {
    cli::err("guardc: " + set.error().message + "\n");
    return 1;
  }
  for (const auto& f : set.value().files)
    if (!cli::isRegularFile(f)) {
      cli::err("guardc: " + manifest + ": rules file " + f + " does not exist (is --rules-root right?)\n");
      return 1;
    }
  return compileCommand(set.value().files, output, wo, &set.value().info);
}

// --list: the installed bundles; --list NAME|PACK: one bundle in detail.
int listCommand(const std::string& which) {
  if (which.empty()) {
    cli::out(cli::bundleListing());
    return 0;
  }
  std::string path = which;
  if (!cli::pathExists(which)) {
    auto found = cli::findBundle(which[0] == '@' ? which.substr(1) : which);
    if (!found.ok()) {
      cli::err("guardc: " + found.error().message + "\n");
      return 1;
    }
    path = found.value();
  }
  auto pack = cli::describePack(path);
  if (!pack.ok()) {
    cli::err("guardc: " + pack.error().message + "\n");
    return 1;
  }
  cli::out(cli::bundleDetails(pack.value()));
  return 0;
}

int disasmCommand(const std::string& path) {
  auto pack = cli::describePack(path);
  if (!pack.ok()) {
    cli::err("guardc: " + pack.error().message + "\n");
    return 1;
  }
  // A bundle's metadata heads the listing; a plain pack's listing is unchanged.
  if (pack.value().bundle) cli::out(cli::bundleDetails(pack.value()));
  cli::out(vm::disassemble(*pack.value().program));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"guardc: compile Guard rules into rule packs (.gpack), or list a pack's bytecode"};
  std::string output, disasm, ruleSet, rulesRoot = ".", listName;
  std::vector<std::string> inputs, warningValues;
  app.add_option("-o,--output", output, "the pack to write");
  app.add_option("-W", warningValues,
                 "-Werror: any warning fails the compilation (no pack); -Wno-lint: no lint warnings; "
                 "-Wno-<id>: not this lint warning (docs/lint.md)")
      ->allow_extra_args(false);
  app.add_option("--disasm", disasm, "print the bytecode listing of a pack (and its bundle metadata)");
  app.add_option("--rule-set", ruleSet,
                 "build a rule bundle from a rule-set manifest (the AWS Guard Rules Registry's "
                 "mappings/rule_set_*.json format; docs/bundles.md)");
  app.add_option("--rules-root", rulesRoot, "where the manifest's guardFilePath entries are relative to")
      ->capture_default_str();
  app.add_option("--list", listName,
                 "list the installed rule bundles; with a bundle name or pack: its rules and controls")
      ->expected(0, 1);
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
  } else if (app.count("--list")) {
    rc = listCommand(listName);
  } else if (!ruleSet.empty() && !output.empty() && inputs.empty()) {
    rc = ruleSetCommand(ruleSet, rulesRoot, output, warningOptions.value());
  } else if (!output.empty() && !inputs.empty() && ruleSet.empty()) {
    rc = compileCommand(inputs, output, warningOptions.value());
  } else {
    cli::err("usage: guardc -o OUT.gpack RULES... | guardc -o OUT.gpack --rule-set MANIFEST [--rules-root DIR] |\n"
             "       guardc --disasm PACK | guardc --list [NAME|PACK]\n");
    rc = 2;
  }
  return cli::finishOutput(rc, 1);
}
