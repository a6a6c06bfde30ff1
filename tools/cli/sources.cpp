// Inputs into sources, programs and documents: see sources.h. Used by
// guardvm's validate, guardc and the C API.
#include "tools/cli/sources.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/parser.h"
#include "runtime/loader.h"
#include "tools/cli/common.h"
#include "compiler/compile.h"
#include "vm/pack.h"
#include "vm/verify.h"

namespace guard::cli {

bool hasDataExtension(std::string_view p) {
  for (std::string_view ext : {".yaml", ".yml", ".json", ".jsn", ".template"})
    if (endsWith(p, ext)) return true;
  return false;
}

Result<std::vector<WalkedFile>> walkDataPaths(const std::vector<std::string>& paths, WalkOrder order) {
  std::vector<WalkedFile> files;
  for (const auto& arg : paths) {
    if (!pathExists(arg)) return Error::plain(ErrorKind::IoNotFound, "The path `" + arg + "` does not exist");
    for (auto& f : walk(arg, order, false))
      if (f.stream || hasDataExtension(f.canonical)) files.push_back(std::move(f));
  }
  return files;
}

Error dataLoadError(Error e, const std::string& name, std::string_view text) {
  // cfn-guard passes these texts through.
  if (e.kind == ErrorKind::DataNonStringKey || e.kind == ErrorKind::DataBadValue) {
    e.message = "Parser Error when parsing `" + e.message + "`";
    return e;
  }
  // The excerpt: cfn-guard cuts at byte 100 and panics when that splits a
  // UTF-8 character; guardvm cuts before that character instead
  // (docs/compatibility.md).
  size_t cut = std::min<size_t>(100, text.size());
  if (cut < text.size())
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  // cfn-guard's text, then where and why in ours (its text names neither).
  std::string where;
  if (!e.detail.empty())
    where = "\n" + name + (e.line ? ":" + std::to_string(e.line) + ":" + std::to_string(e.column) : "") + ": " +
            e.detail;
  e.message = "Parser Error when parsing `Error encountered while parsing data file: " + name +
              ", data beginning with \n" + std::string(text.substr(0, cut)) + "\n ...`" + where;
  return e;
}

Result<std::unique_ptr<Document>> loadDataText(const std::string& name, std::string text) {
  bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank)
    return Error::plain(ErrorKind::DataEmpty,
                        "Parser Error when parsing `Unable to parse a template from data file: " + name + " is empty`");
  std::string head = text.substr(0, 101);  // for the error's excerpt: text moves below
  auto doc = loadDocument(std::move(text), name);
  // The loader's kind and position stay; the message becomes cfn-guard's.
  if (!doc.ok()) return dataLoadError(doc.takeError(), name, head);
  return doc;
}

std::string diagnosticText(const Error& e, const std::string& text, const char* severity) {
  std::string s = e.file + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": " +
                  severity + ": " + e.message + "\n";
  if (e.line == 0) return s;
  size_t start = 0;
  if (e.hasOffset() && e.offset <= text.size()) {
    // The line the error's byte offset is on.
    const size_t nl = e.offset == 0 ? std::string::npos : text.rfind('\n', e.offset - 1);
    start = nl == std::string::npos ? 0 : nl + 1;
  } else {
    for (uint32_t l = 1; l < e.line; ++l) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) return s;
      start = nl + 1;
    }
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

Result<std::vector<SourceFile>> readRulesSources(const std::vector<std::string>& inputs) {
  std::vector<SourceFile> sources;
  for (const auto& in : inputs) {
    if (!pathExists(in)) return Error::plain(ErrorKind::IoNotFound, in + ": no such file or directory");
    const bool dir = isDirectory(in);
    for (const auto& f : walk(in, WalkOrder::ByName, false)) {
      std::string base = baseName(f.path);
      if (dir && !endsWith(base, ".guard") && !endsWith(base, ".ruleset")) continue;
      auto text = readFile(f.path, kMaxRulesBytes);
      if (!text.ok()) return text.error().prefixed(f.path + ": ");
      sources.push_back(SourceFile{base, f.path, std::move(text.value())});
    }
  }
  return sources;
}

std::string lintWarningText(const lint::Warning& w, const std::string& text) {
  Error tagged = w.where;
  tagged.message += " [-W" + w.id + "]";
  return diagnosticText(tagged, text, "warning") + "  fix: " + w.fix + "\n";
}

LintReport lintSource(const SourceFile& source, const LintOptions& options) {
  LintReport report;
  if (!options.enabled) return report;
  auto parsed = parseRules(source.text, source.path);
  if (!parsed.ok()) return report;
  for (const auto& w : lint::lintRulesFile(parsed.value(), source.text, source.path)) {
    if (std::find(options.disabled.begin(), options.disabled.end(), w.id) != options.disabled.end()) continue;
    report.text += lintWarningText(w, source.text);
    ++report.count;
  }
  return report;
}

std::string lintRulesInput(const std::string& path, const std::string& text) {
  const LintOptions all{true, {}};
  if (!isPackInput(path, text)) return lintSource(SourceFile{baseName(path), path, text}, all).text;
  auto program = vm::readPack(text, path);
  if (!program.ok()) return {};
  const vm::Program& p = *program.value();
  std::string out;
  for (const vm::FileInfo& f : p.files) {
    const std::string name = f.name < p.strings.size() ? p.strings[f.name] : std::string("?");
    // Warnings name the rules file as the pack stores it (its base name).
    if (f.source >= p.strings.size()) {
      out += path + ": note: rules file " + name + " has no source text in this pack; it cannot be linted\n";
      continue;
    }
    out += lintSource(SourceFile{name, name, p.strings[f.source]}, all).text;
  }
  return out;
}

CompiledRules compileRules(const std::vector<SourceFile>& sources, const LintOptions& lint) {
  CompiledRules out;
  auto program = std::make_unique<vm::Program>();
  for (const auto& s : sources) {
    std::vector<Error> warnings;
    auto r = compileInto(s, *program, &warnings);
    for (const auto& w : warnings) out.diagnostics += diagnosticText(w, s.text, "warning");
    out.compilerWarnings += int(warnings.size());
    if (!r.ok()) {
      out.diagnostics += diagnosticText(r.error(), s.text, "error");
      if (!out.failures++) out.firstFailure = r.takeError();
      continue;
    }
    LintReport linted = lintSource(s, lint);
    out.diagnostics += linted.text;
    out.lintWarnings += linted.count;
  }
  if (out.failures) return out;
  // The compiler's output runs only once the verifier has proved it safe,
  // like a pack's (a compiler bug must not become a crash).
  if (auto verified = vm::verifyProgram(*program); !verified.ok()) {
    out.internalError =
        Error::plain(ErrorKind::Internal, "the compiled program does not verify: " + verified.error().message);
    return out;
  }
  stateFacts(*program);
  out.program = std::move(program);
  return out;
}

Result<Unit> savePack(const vm::Program& program, const std::string& path) {
  return savePackBytes(vm::writePack(program), path);
}

namespace {

Error writeError(const std::string& path, int e) {
  return Error::plain(ErrorKind::IoWrite,
                      "cannot write " + path + (e ? std::string(": ") + std::strerror(e) : std::string()));
}

// write(2) until every byte is out; false with errno set.
bool writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(size_t(n));
  }
  return true;
}

// Writes and closes `fd`; the errno of the first failure, or 0.
int writeAndClose(int fd, std::string_view bytes) {
  const int e = writeAll(fd, bytes) ? 0 : errno;
  if (::close(fd) != 0 && e == 0) return errno ? errno : EIO;
  return e;
}

// A pack written to what is not a regular file or a directory (a device such
// as /dev/null or /dev/stdout, a FIFO) goes to it in place: renaming a file
// over it would replace it (as root, /dev/null itself).
bool isSpecialFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

// The file a symbolic link names is the one replaced, not the link.
std::string replacedFile(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
  char* real = ::realpath(path.c_str(), nullptr);
  if (!real) return path;  // a dangling link is replaced like a missing file
  std::string target = real;
  std::free(real);
  return target;
}

}  // namespace

Result<Unit> savePackBytes(std::string_view bytes, const std::string& path) {
  if (isSpecialFile(path)) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return writeError(path, errno);
    if (int e = writeAndClose(fd, bytes)) return writeError(path, e);
    return Unit{};
  }
  const std::string target = replacedFile(path);
  // A temporary name of our own beside the target (O_EXCL), so that two runs
  // writing the same pack (processes or C API threads) never share one.
  std::string temp;
  int fd = -1;
  for (unsigned attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    temp = target + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(attempt);
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return writeError(path, errno);
  int e = writeAndClose(fd, bytes);
  if (e == 0 && ::rename(temp.c_str(), target.c_str()) != 0) e = errno;
  if (e != 0) {
    ::unlink(temp.c_str());
    return writeError(path, e);
  }
  return Unit{};
}

}  // namespace guard::cli
