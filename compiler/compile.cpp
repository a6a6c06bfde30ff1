// Compiler driver: parse → lower → verify. See compile.h.
#include "compiler/compile.h"

#include "compiler/parser.h"
#include "compiler/sema.h"
#include "vm/analysis.h"
#include "vm/verify.h"

namespace guard {

Result<Unit> compileInto(const SourceFile& source, vm::Program& program,
                         std::vector<Error>* warnings) {
  const std::string& path = source.path.empty() ? source.name : source.path;
  auto parsed = parseRules(source.text, source.name);
  if (!parsed.ok()) {
    Error e = parsed.takeError();
    e.file = path;
    return e;
  }
  SemaResult sema = checkRulesFile(parsed.value(), path);
  if (warnings) warnings->insert(warnings->end(), sema.warnings.begin(), sema.warnings.end());
  if (!sema.errors.empty()) return sema.errors.front();
  return lowerRulesFile(parsed.value(), source.text, program, path, warnings);
}

// Derived by the prover's own analysis from code the verifier accepted, so
// these facts hold by construction; a pack's are proved again when it is read.
void stateFacts(vm::Program& program) {
  program.facts = std::make_shared<const vm::ProgramFacts>(vm::deriveFacts(program));
}

Result<std::unique_ptr<vm::Program>> compileSources(const std::vector<SourceFile>& sources) {
  auto program = std::make_unique<vm::Program>();
  for (const auto& s : sources) {
    auto r = compileInto(s, *program);
    if (!r.ok()) return r.takeError();
  }
  auto v = vm::verifyProgram(*program);
  if (!v.ok()) return v.takeError();
  stateFacts(*program);
  return program;
}

}  // namespace guard
