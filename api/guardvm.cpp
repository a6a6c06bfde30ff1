// libguardvm: the C ABI of include/guardvm/guardvm.h over the compiler, the
// VM and the report layer. Called by the Python package (python/guardvm) and
// by programs that embed guardvm. Every entry point catches what C++ can
// throw (memory exhaustion, a bug) and turns it into an error code: nothing
// unwinds into C. The CLI's own pieces (tools/cli/sources.h, common.h) do the
// reading, compiling and data loading, so messages match guardvm's.
#include "guardvm/guardvm.h"

#include <llvm/Support/ErrorHandling.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "report/model.h"
#include "report/report.h"
#include "tools/cli/common.h"
#include "tools/cli/sources.h"
#include "tools/cli/version.h"
#include "vm/interp.h"
#include "vm/pack.h"
#include "vm/program.h"

struct guardvm_error {
  guardvm_code code;
  std::string message;
};

struct guardvm_pack {
  std::unique_ptr<guard::vm::Program> program;
};

struct guardvm_result {
  struct Rule {
    std::string name;
    guardvm_status status;
  };
  struct File {
    std::string name;
    guardvm_status status = GUARDVM_SKIP;
    std::vector<Rule> rules;
    std::string report;
  };
  guardvm_status status = GUARDVM_SKIP;
  std::vector<File> files;
  std::string combined;  // guardvm_result_report's text, made on first use
  bool combinedMade = false;
  std::string structured;  // GUARDVM_STRUCTURED: the combined report (report::combine)
};

struct guardvm_file_list {
  std::vector<std::string> paths, names;
};

namespace {

using namespace guard;

// The C error code of an error, from its kind's group (runtime/error_kinds.def).
guardvm_code codeOf(ErrorKind kind) {
  if (kind == ErrorKind::OutOfMemory) return GUARDVM_E_NOMEM;
  switch (errorKindGroup(kind)) {
    case ErrorGroup::Rules: return GUARDVM_E_RULES;
    case ErrorGroup::Data: return GUARDVM_E_DATA;
    case ErrorGroup::Pack: return GUARDVM_E_PACK;
    case ErrorGroup::Io: return GUARDVM_E_IO;
    case ErrorGroup::Usage: return GUARDVM_E_ARGUMENT;
    case ErrorGroup::Eval: return GUARDVM_E_EVAL;
    case ErrorGroup::Internal: break;
  }
  return GUARDVM_E_INTERNAL;
}

// What a failed call reports: an error value (code from its kind, and its
// message), or nothing when the caller passed no place for it.
guardvm_code fail(guardvm_error** error, const Error& e) {
  const guardvm_code code = codeOf(e.kind);
  if (error) *error = new (std::nothrow) guardvm_error{code, e.message};
  return code;
}
guardvm_code fail(guardvm_error** error, ErrorKind kind, std::string message) {
  return fail(error, Error::plain(kind, std::move(message)));
}
// A NULL or unusable argument of an entry point.
guardvm_code badArgument(guardvm_error** error, std::string message) {
  return fail(error, ErrorKind::Usage, std::move(message));
}

// LLVM's containers report exhausted memory through this handler; the
// library's private copy of LLVMSupport (linked statically, symbols hidden)
// makes it throw, so the entry point's catch turns it into GUARDVM_E_NOMEM
// instead of an abort of the host process.
void throwBadAlloc(void*, const char*, bool) { throw std::bad_alloc(); }

void installHandlers() {
  static std::once_flag once;
  std::call_once(once, [] { llvm::install_bad_alloc_error_handler(throwBadAlloc); });
}

// Runs one entry point's body with the boundary's guarantees.
template <typename Body>
guardvm_code guarded(guardvm_error** error, Body&& body) {
  if (error) *error = nullptr;
  try {
    installHandlers();
    return body();
  } catch (const std::bad_alloc&) {
    return fail(error, ErrorKind::OutOfMemory, "out of memory");
  } catch (const std::exception& e) {
    return fail(error, ErrorKind::Internal, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(error, ErrorKind::Internal, "internal error");
  }
}

guardvm_code makePack(std::unique_ptr<vm::Program> program, guardvm_pack** pack) {
  *pack = new guardvm_pack{std::move(program)};
  return GUARDVM_OK;
}

guardvm_code compileInto(const std::vector<SourceFile>& sources, guardvm_pack** pack, guardvm_error** error) {
  cli::CompiledRules compiled = cli::compileRules(sources);
  if (compiled.failures) return fail(error, compiled.firstFailure->kind, compiled.diagnostics);
  if (!compiled.program) return fail(error, compiled.internalError->prefixed("internal error: "));
  return makePack(std::move(compiled.program), pack);
}

// The C array of `count` paths as strings; false when one of them is NULL.
bool pathsOf(const char* const* paths, size_t count, std::vector<std::string>& out) {
  for (size_t i = 0; i < count; ++i) {
    if (!paths[i]) return false;
    out.emplace_back(paths[i]);
  }
  return true;
}

guardvm_status statusOf(vm::Status s) {
  switch (s) {
    case vm::Status::Pass: return GUARDVM_PASS;
    case vm::Status::Fail: return GUARDVM_FAIL;
    case vm::Status::Skip: break;
  }
  return GUARDVM_SKIP;
}

// FAIL over PASS over SKIP, as the CLI folds a data file's verdicts.
guardvm_status worse(guardvm_status a, guardvm_status b) { return a > b ? a : b; }

// Evaluates every rules file that holds rules, in pack order, as
// `guardvm validate` pairs them (tools/cli/validate.cpp, evaluatePair).
guardvm_code evaluate(const vm::Program& program, const Document& doc, const std::string& name, unsigned flags,
                      guardvm_result** result, guardvm_error** error) {
  auto r = std::make_unique<guardvm_result>();
  // --structured's combined report, as tools/cli/validate.cpp folds it. Its
  // parts point at values each FileResult owns: kept until it is written.
  const bool structured = flags & GUARDVM_STRUCTURED;
  vm::report::FileReportModel combined;
  combined.name = name;
  std::vector<vm::FileResult> kept;
  for (uint32_t f = 0; f < program.files.size(); ++f) {
    const vm::FileInfo& info = program.files[f];
    if (info.empty) continue;
    auto evaluated = vm::evaluateFile(program, f, doc);
    if (!evaluated.ok()) return fail(error, evaluated.error());
    const vm::FileResult& fr = evaluated.value();
    guardvm_result::File file;
    file.name = program.str(info.name);
    file.status = statusOf(fr.status);
    for (const vm::RuleResult& rule : fr.rules)
      file.rules.push_back({program.str(program.rules[rule.rule].name), statusOf(rule.status)});
    vm::PairView view{program, fr, doc, doc.text(), file.name, name};
    if (!(flags & GUARDVM_STATUS_ONLY)) vm::writeFileReportJson(file.report, view);
    if (structured) vm::report::combine(combined, vm::report::buildFileReport(view));
    r->status = worse(r->status, file.status);
    r->files.push_back(std::move(file));
    if (structured) kept.push_back(std::move(evaluated.value()));
  }
  if (structured) vm::report::writeJsonPretty(r->structured, combined);
  *result = r.release();
  return GUARDVM_OK;
}

guardvm_code validateText(const guardvm_pack* pack, std::string text, const std::string& name, unsigned flags,
                          guardvm_result** result, guardvm_error** error) {
  if (!cli::isUtf8(text))
    return fail(error, cli::notUtf8Error(ErrorKind::DataNotUtf8, text).prefixed("I/O error when reading " + name + ": "));
  auto doc = cli::loadDataText(name, std::move(text));
  if (!doc.ok()) return fail(error, doc.error());
  return evaluate(*pack->program, *doc.value(), name, flags, result, error);
}

const guardvm_result::File* fileAt(const guardvm_result* r, size_t file) {
  return r && file < r->files.size() ? &r->files[file] : nullptr;
}

}  // namespace

extern "C" {

const char* guardvm_version(void) {
  static const std::string text = [] {
    try {
      return cli::versionText("guardvm");
    } catch (...) {
      return std::string();
    }
  }();
  return text.c_str();
}

int guardvm_api_version(void) { return GUARDVM_API_VERSION; }

guardvm_code guardvm_error_code(const guardvm_error* error) { return error ? error->code : GUARDVM_OK; }
const char* guardvm_error_message(const guardvm_error* error) { return error ? error->message.c_str() : ""; }
void guardvm_error_free(guardvm_error* error) { delete error; }

guardvm_code guardvm_compile(const guardvm_source* sources, size_t count, guardvm_pack** pack,
                             guardvm_error** error) {
  return guarded(error, [&] {
    if (!pack || (count && !sources)) return badArgument(error, "guardvm_compile: NULL argument");
    *pack = nullptr;
    std::vector<SourceFile> list;
    for (size_t i = 0; i < count; ++i) {
      const guardvm_source& s = sources[i];
      if (!s.name || (s.length && !s.text))
        return badArgument(error, "guardvm_compile: source " + std::to_string(i) + " has no name or text");
      std::string text(s.text ? s.text : "", s.length);
      if (!cli::isUtf8(text))
        return fail(error, cli::notUtf8Error(ErrorKind::RulesNotUtf8, text).prefixed(std::string(s.name) + ": "));
      list.push_back(SourceFile{s.name, s.name, std::move(text)});
    }
    return compileInto(list, pack, error);
  });
}

guardvm_code guardvm_compile_files(const char* const* paths, size_t count, guardvm_pack** pack,
                                   guardvm_error** error) {
  return guarded(error, [&] {
    if (!pack || (count && !paths)) return badArgument(error, "guardvm_compile_files: NULL argument");
    *pack = nullptr;
    std::vector<std::string> inputs;
    if (!pathsOf(paths, count, inputs)) return badArgument(error, "guardvm_compile_files: NULL path");
    auto sources = cli::readRulesSources(inputs);
    if (!sources.ok()) return fail(error, sources.error());
    return compileInto(sources.value(), pack, error);
  });
}

guardvm_code guardvm_pack_read(const void* bytes, size_t size, const char* name, guardvm_pack** pack,
                               guardvm_error** error) {
  return guarded(error, [&] {
    if (!pack || (size && !bytes)) return badArgument(error, "guardvm_pack_read: NULL argument");
    *pack = nullptr;
    const std::string fileName = name ? name : "pack";
    auto program = vm::readPack(std::string_view(static_cast<const char*>(bytes), size), fileName);
    if (!program.ok()) return fail(error, program.error().prefixed("rule pack " + fileName + ": "));
    return makePack(std::move(program.value()), pack);
  });
}

guardvm_code guardvm_pack_load(const char* path, guardvm_pack** pack, guardvm_error** error) {
  return guarded(error, [&] {
    if (!pack || !path) return badArgument(error, "guardvm_pack_load: NULL argument");
    *pack = nullptr;
    auto bytes = cli::readFile(path, cli::kMaxRulesBytes);
    if (!bytes.ok()) return fail(error, bytes.error().prefixed(std::string(path) + ": "));
    return guardvm_pack_read(bytes.value().data(), bytes.value().size(), path, pack, error);
  });
}

guardvm_code guardvm_pack_save(const guardvm_pack* pack, const char* path, guardvm_error** error) {
  return guarded(error, [&] {
    if (!pack || !path) return badArgument(error, "guardvm_pack_save: NULL argument");
    auto saved = cli::savePack(*pack->program, path);
    if (!saved.ok()) return fail(error, saved.error());
    return GUARDVM_OK;
  });
}

guardvm_code guardvm_pack_bytes(const guardvm_pack* pack, char** bytes, size_t* size, guardvm_error** error) {
  return guarded(error, [&] {
    if (!pack || !bytes || !size) return badArgument(error, "guardvm_pack_bytes: NULL argument");
    *bytes = nullptr;
    *size = 0;
    const std::string written = vm::writePack(*pack->program);
    char* copy = new char[written.size() + 1];
    std::memcpy(copy, written.data(), written.size());
    copy[written.size()] = '\0';
    *bytes = copy;
    *size = written.size();
    return GUARDVM_OK;
  });
}

void guardvm_bytes_free(char* bytes) { delete[] bytes; }

size_t guardvm_pack_file_count(const guardvm_pack* pack) { return pack ? pack->program->files.size() : 0; }

const char* guardvm_pack_file_name(const guardvm_pack* pack, size_t file) {
  if (!pack || file >= pack->program->files.size()) return nullptr;
  return pack->program->str(pack->program->files[file].name).c_str();
}

void guardvm_pack_free(guardvm_pack* pack) { delete pack; }

guardvm_code guardvm_list_data_files(const char* const* paths, size_t count, int by_modified,
                                     guardvm_file_list** list, guardvm_error** error) {
  return guarded(error, [&] {
    if (!list || (count && !paths)) return badArgument(error, "guardvm_list_data_files: NULL argument");
    *list = nullptr;
    std::vector<std::string> args;
    if (!pathsOf(paths, count, args)) return badArgument(error, "guardvm_list_data_files: NULL path");
    auto walked = cli::walkDataPaths(args, by_modified ? cli::WalkOrder::ByModified : cli::WalkOrder::ByName);
    if (!walked.ok()) return fail(error, walked.error());
    auto out = std::make_unique<guardvm_file_list>();
    for (auto& f : walked.value()) {
      out->names.push_back(cli::lossyUtf8(f.canonical));
      out->paths.push_back(std::move(f.path));
    }
    *list = out.release();
    return GUARDVM_OK;
  });
}

size_t guardvm_file_list_count(const guardvm_file_list* list) { return list ? list->paths.size() : 0; }
const char* guardvm_file_list_path(const guardvm_file_list* list, size_t i) {
  return list && i < list->paths.size() ? list->paths[i].c_str() : nullptr;
}
const char* guardvm_file_list_name(const guardvm_file_list* list, size_t i) {
  return list && i < list->names.size() ? list->names[i].c_str() : nullptr;
}
void guardvm_file_list_free(guardvm_file_list* list) { delete list; }

guardvm_code guardvm_validate(const guardvm_pack* pack, const char* data, size_t length, const char* name,
                              unsigned flags, guardvm_result** result, guardvm_error** error) {
  return guarded(error, [&] {
    if (!pack || !result || (length && !data)) return badArgument(error, "guardvm_validate: NULL argument");
    *result = nullptr;
    return validateText(pack, std::string(data ? data : "", length), name ? name : "STDIN", flags, result, error);
  });
}

guardvm_code guardvm_validate_file(const guardvm_pack* pack, const char* path, const char* name, unsigned flags,
                                   guardvm_result** result, guardvm_error** error) {
  return guarded(error, [&] {
    if (!pack || !path || !result) return badArgument(error, "guardvm_validate_file: NULL argument");
    *result = nullptr;
    std::string reported;
    if (name) {
      reported = name;
    } else {
      if (!cli::pathExists(path))
        return fail(error, ErrorKind::IoNotFound, std::string("The path `") + path + "` does not exist");
      auto walked = cli::walk(path, cli::WalkOrder::ByName, false);
      reported = walked.size() == 1 ? cli::lossyUtf8(walked[0].canonical) : std::string(path);
    }
    auto text = cli::readFile(path);
    if (!text.ok()) return fail(error, text.error().prefixed(std::string("I/O error when reading ") + path + ": "));
    if (!cli::isUtf8(text.value()))
      return fail(error, cli::notUtf8Error(ErrorKind::DataNotUtf8, text.value())
                             .prefixed(std::string("I/O error when reading ") + path + ": "));
    return validateText(pack, std::move(text.value()), reported, flags, result, error);
  });
}

guardvm_status guardvm_result_status(const guardvm_result* result) { return result ? result->status : GUARDVM_SKIP; }
size_t guardvm_result_file_count(const guardvm_result* result) { return result ? result->files.size() : 0; }

const char* guardvm_result_file_name(const guardvm_result* result, size_t file) {
  const auto* f = fileAt(result, file);
  return f ? f->name.c_str() : nullptr;
}

guardvm_status guardvm_result_file_status(const guardvm_result* result, size_t file) {
  const auto* f = fileAt(result, file);
  return f ? f->status : GUARDVM_SKIP;
}

size_t guardvm_result_rule_count(const guardvm_result* result, size_t file) {
  const auto* f = fileAt(result, file);
  return f ? f->rules.size() : 0;
}

const char* guardvm_result_rule_name(const guardvm_result* result, size_t file, size_t rule) {
  const auto* f = fileAt(result, file);
  return f && rule < f->rules.size() ? f->rules[rule].name.c_str() : nullptr;
}

guardvm_status guardvm_result_rule_status(const guardvm_result* result, size_t file, size_t rule) {
  const auto* f = fileAt(result, file);
  return f && rule < f->rules.size() ? f->rules[rule].status : GUARDVM_SKIP;
}

const char* guardvm_result_file_report(const guardvm_result* result, size_t file, size_t* length) {
  const auto* f = fileAt(result, file);
  if (length) *length = f ? f->report.size() : 0;
  return f ? f->report.c_str() : nullptr;
}

const char* guardvm_result_structured_report(const guardvm_result* result, size_t* length) {
  if (length) *length = 0;
  if (!result) return nullptr;
  if (length) *length = result->structured.size();
  return result->structured.c_str();
}

const char* guardvm_result_report(const guardvm_result* result, size_t* length) {
  if (length) *length = 0;
  if (!result) return nullptr;
  auto* r = const_cast<guardvm_result*>(result);  // the concatenation is a cache of the files' reports
  if (!r->combinedMade) {
    try {
      std::string all;
      for (const auto& f : r->files) all += f.report;
      r->combined = std::move(all);
      r->combinedMade = true;
    } catch (...) {
      return nullptr;  // out of memory: the per-file reports are still there
    }
  }
  if (length) *length = r->combined.size();
  return r->combined.c_str();
}

void guardvm_result_free(guardvm_result* result) { delete result; }

}  // extern "C"
