// Shared plumbing of guardvm's commands; see common.h.
#include "tools/cli/common.h"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "runtime/loader.h"
#include "tools/cli/compile_cache.h"
#include "vm/pack.h"
#include "vm/analysis.h"
#include "vm/verify.h"

namespace guard::cli {

std::string gProgramName = "guardvm";

namespace {
std::string gOut;
constexpr size_t kFlushAt = 1 << 16;
// The first error writing stdout (0: none). Reports after it are dropped and
// finishOutput turns it into an error and exit 255, as cfn-guard does: a
// report lost on a full disk must not look like a run that passed.
int gOutErrno = 0;

void writeAll(int fd, const char* p, size_t n) {
  if (fd == 1 && gOutErrno) return;
  while (n) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE && fd == 1) std::_Exit(128 + SIGPIPE);  // reader went away
      if (fd == 1) gOutErrno = errno;
      return;
    }
    p += w;
    n -= size_t(w);
  }
}
}  // namespace

int finishOutput(int rc, int onFailure) {
  flushOut();
  // close() reports what a write left pending (NFS, some devices).
  if (!gOutErrno && ::close(1) != 0 && errno != EBADF && errno != EINTR) gOutErrno = errno;
  if (!gOutErrno) return rc;
  const std::string msg = std::string("Error occurred I/O error when writing the output: ") +
                          std::strerror(gOutErrno) + " (os error " + std::to_string(gOutErrno) + ")\n";
  writeAll(2, msg.data(), msg.size());
  return onFailure;
}

void out(std::string_view s) {
  if (s.size() >= kFlushAt) {  // a whole report: write it as it is, not through the buffer
    flushOut();
    writeAll(1, s.data(), s.size());
    return;
  }
  gOut.append(s);
  if (gOut.size() >= kFlushAt) flushOut();
}

void flushOut() {
  if (gOut.empty()) return;
  writeAll(1, gOut.data(), gOut.size());
  gOut.clear();
}

void err(std::string_view s) {
  flushOut();
  writeAll(2, s.data(), s.size());
}

bool colorEnabled() {
  const char* force = std::getenv("CLICOLOR_FORCE");
  if (force && std::strcmp(force, "0") != 0) return true;
  if (std::getenv("NO_COLOR")) return false;
  const char* clicolor = std::getenv("CLICOLOR");
  if (clicolor && std::strcmp(clicolor, "0") == 0) return false;
  return ::isatty(1) != 0;
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string baseName(const std::string& p) {
  std::string s = p;
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  auto slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

bool pathExists(const std::string& p) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path(p), ec);
}

bool isRegularFile(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool isPipe(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

bool isDirectory(const std::string& p) {
  std::error_code ec;
  return std::filesystem::is_directory(std::filesystem::path(p), ec);
}

static std::string canonical(const std::string& p) {
  std::error_code ec;
  auto c = std::filesystem::canonical(p, ec);
  return ec ? std::filesystem::absolute(p, ec).lexically_normal().string() : c.string();
}

static void walkInto(const std::filesystem::path& dir, const std::string& shown, WalkOrder order,
                     bool followLinks, std::vector<WalkedFile>& outFiles, int depth) {
  namespace fs = std::filesystem;
  if (depth > 256) return;  // a symlink loop with followLinks
  std::error_code ec;
  struct Entry {
    std::string name;
    fs::file_time_type mtime;
    size_t readOrder;
  };
  std::vector<Entry> entries;
  size_t n = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    Entry e{it->path().filename().string(), {}, n++};
    std::error_code ec2;
    e.mtime = fs::last_write_time(it->path(), ec2);
    entries.push_back(std::move(e));
  }
  if (ec) {
    // A directory that cannot be listed (a path longer than PATH_MAX, no
    // permission) is not skipped in silence: it is handed on as a stream, so
    // that reading it fails with the system's error naming it.
    outFiles.push_back(WalkedFile{shown, shown, true});
    return;
  }
  if (order == WalkOrder::ByName) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  } else {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.mtime < b.mtime; });
  }
  for (const Entry& e : entries) {
    fs::path p = dir / e.name;
    std::string s = shown.empty() ? e.name : (shown.back() == '/' ? shown + e.name : shown + "/" + e.name);
    std::error_code ec2;
    bool link = fs::is_symlink(p, ec2);
    if (fs::is_directory(p, ec2)) {
      if (!link || followLinks) walkInto(p, s, order, followLinks, outFiles, depth + 1);
    } else if (fs::is_regular_file(p, ec2)) {
      outFiles.push_back(WalkedFile{s, canonical(p.string())});
    } else if (ec2 && ec2 != std::errc::no_such_file_or_directory) {
      outFiles.push_back(WalkedFile{s, s, true});  // as above
    }
  }
}

std::vector<WalkedFile> walk(const std::string& root, WalkOrder order, bool followLinks) {
  std::vector<WalkedFile> files;
  if (isDirectory(root)) {
    walkInto(std::filesystem::path(root), root, order, followLinks, files, 0);
  } else {
    struct stat st {};
    bool stream = ::stat(root.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
    // A pipe's canonical form (`pipe:[N]`) names nothing; keep the argument.
    files.push_back(WalkedFile{root, stream ? root : canonical(root), stream});
  }
  return files;
}

std::string osErrorText(int e) {
  std::string s = std::strerror(e);
  return s + " (os error " + std::to_string(e) + ")";
}

namespace {
// A failed system call's error: errno in the OS's words, a missing file as
// IoNotFound and anything else as IoRead.
Error osError(int e) { return Error::plain(e == ENOENT ? ErrorKind::IoNotFound : ErrorKind::IoRead, osErrorText(e)); }

// Reads fd to its end, in chunks; `sizeHint` (a regular file's size) lets the
// common case be one read into a buffer of the right size. The string keeps
// 64 bytes of spare capacity (simdjson's padding) so the JSON loader parses
// the text in place instead of copying it. Pipes, FIFOs and devices have no
// size and are read to their end too: cfn-guard 3.1.1 seeks them, fails, and
// treats rules given through a pipe as empty (a silent pass). More than
// `limit` bytes are refused (a stream such as /dev/zero or an endless pipe
// would otherwise be read until memory runs out).
Result<std::string> readAll(int fd, size_t sizeHint, uint64_t limit) {
  std::string s = guard::newTextBuffer(sizeHint);  // + padding, huge pages
  // The announced size straight into the string: its pages are touched once
  // (by the resize), and no second buffer of the file's size is ever zeroed
  // or copied (a 100 MB template used to cost three such passes).
  s.resize(sizeHint);
  size_t have = 0;
  while (have < s.size()) {
    ssize_t n = ::read(fd, s.data() + have, s.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return osError(errno);
    if (n == 0) break;
    have += size_t(n);
  }
  s.resize(have);
  // Whatever follows (pipes, a file that grew): 64 KB at a time.
  char buf[1 << 16];
  for (;;) {
    if (s.size() > limit) return Error::plain(ErrorKind::IoTooLarge, tooLargeText(limit));
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return osError(errno);
    if (n == 0) return s;
    s.append(buf, size_t(n));
  }
}
}  // namespace

std::string tooLargeText(uint64_t limit) {
  return "input is larger than the limit of " + std::to_string(limit >> 20) +
         " MiB (docs/reliability.md, Limits)";
}

Result<std::string> readFile(const std::string& path, uint64_t limit) {
  if (path.size() >= PATH_MAX) return osError(ENAMETOOLONG);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return osError(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return osError(e);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return osError(EISDIR);
  }
  // A regular file's size is known before it is read; anything else (pipes,
  // devices) is a stream, bounded more tightly since it is read into memory
  // before its size is known.
  const bool regular = S_ISREG(st.st_mode);
  if (regular && uint64_t(st.st_size) > limit) {
    ::close(fd);
    return Error::plain(ErrorKind::IoTooLarge, tooLargeText(limit));
  }
  auto text = regular ? readRegular(fd, size_t(st.st_size), limit)
                      : readAll(fd, 0, std::min(limit, kMaxStreamBytes));
  ::close(fd);
  return text;
}

Result<std::string> readRegular(int fd, size_t size, uint64_t limit) {
  auto text = readAll(fd, size, limit);
  // A file cut short while it was read (truncated, or replaced by a writer)
  // must not be evaluated on its prefix as if it were whole.
  if (text.ok() && text.value().size() < size)
    return Error::plain(ErrorKind::IoRead, "the file shrank while it was read (" + std::to_string(text.value().size()) +
                                               " of " + std::to_string(size) + " bytes)");
  return text;
}

bool isUtf8(std::string_view text) { return simdjson::validate_utf8(text.data(), text.size()); }

// The length of the UTF-8 sequence starting at text[i], or 0 if it is not one
// (overlong forms, surrogates and code points past U+10FFFF included).
static size_t utf8SequenceAt(std::string_view text, size_t i) {
  auto at = [&](size_t k) { return i + k < text.size() ? uint8_t(text[i + k]) : 0; };
  auto cont = [&](size_t k) { return (at(k) & 0xC0) == 0x80; };
  const uint8_t c = at(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const uint8_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return at(1) >= lo && at(1) <= hi && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const uint8_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return at(1) >= lo && at(1) <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

std::string lossyUtf8(std::string_view text) {
  if (isUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size();) {
    const size_t n = utf8SequenceAt(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD, as Rust's to_string_lossy
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

size_t firstNonUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = utf8SequenceAt(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

Error notUtf8Error(ErrorKind kind, std::string_view text) {
  const size_t bad = std::min(firstNonUtf8(text), text.size());
  const std::string_view before = text.substr(0, bad);
  const size_t line = 1 + size_t(std::count(before.begin(), before.end(), '\n'));
  const size_t lastBreak = before.rfind('\n');
  const size_t lineStart = lastBreak == std::string_view::npos ? 0 : lastBreak + 1;
  const size_t column = bad - lineStart + 1;
  return Error::at(kind, {}, uint32_t(line), uint32_t(column),
                   std::string(kNotUtf8) + " (line " + std::to_string(line) + ", column " + std::to_string(column) +
                       ")",
                   bad);
}

std::string notUtf8Where(std::string_view text) { return notUtf8Error(ErrorKind::DataNotUtf8, text).message; }

Result<std::string> readStdin(uint64_t limit) {
  struct stat st {};
  const bool regular = ::fstat(0, &st) == 0 && S_ISREG(st.st_mode);
  if (regular && uint64_t(st.st_size) > limit) return Error::plain(ErrorKind::IoTooLarge, tooLargeText(limit));
  return readAll(0, regular ? size_t(st.st_size) : 0, regular ? limit : std::min(limit, kMaxStreamBytes));
}

// cfn-guard's parser names a context only for a few failures (its nom
// `context` labels), which our parser reproduces (Error::parseContext); our
// nesting limit, which cfn-guard has no words for, is said in ours.
static std::string cfnGuardContext(const Error& e) {
  return e.kind == ErrorKind::RulesNestingLimit ? e.message : e.parseContext;
}

std::string parseErrorMessage(const Error& e, const std::string& fileName, const std::string& text,
                              ParseContext context) {
  // The fragment starts where the error points; an error without a position
  // (a rules file too complex to lower) shows the whole text.
  const size_t off = e.hasOffset() ? std::min(e.offset, text.size()) : 0;
  return "Parsing Error Error parsing file " + fileName + " at line " + std::to_string(e.line) + " at column " +
         std::to_string(e.column) + ", when handling " +
         (context == ParseContext::Label ? cfnGuardContext(e) : std::string()) + ", fragment " +
         text.substr(off);
}

int exitCodeOf(const Error& e) {
  switch (e.kind) {
    case ErrorKind::RulesNotUtf8:  // cfn-guard cannot read it: an I/O error
    case ErrorKind::RulesWarning:  // never a failure; here only by mistake
      return kExitError;
    default: return e.group() == ErrorGroup::Rules ? kExitParseError : kExitError;
  }
}

// A pack read through a pipe has no `.gpack` name; its magic and the zero
// high byte of its format version (no Guard source has a NUL) tell.
static bool looksLikePack(const std::string& text) {
  return text.size() >= 8 && text.compare(0, 4, "GPAK") == 0 && text[5] == '\0';
}

bool isPackInput(const std::string& path, const std::string& text) {
  return endsWith(path, ".gpack") || looksLikePack(text);
}

Result<std::vector<RulesUnit>> loadRules(const std::string& path, const std::string& reportedName,
                                         const std::string& text, const CompileCache* cache) {
  std::vector<RulesUnit> units;
  if (isPackInput(path, text)) {
    auto pack = vm::readPack(text, path);
    if (!pack.ok()) return pack.error().prefixed("rule pack " + path + ": ");
    std::shared_ptr<vm::Program> program(std::move(pack.value()));
    for (uint32_t f = 0; f < program->files.size(); ++f) {
      RulesUnit u;
      u.name = program->str(program->files[f].name);
      u.program = program;
      u.file = f;
      u.empty = program->files[f].empty;
      units.push_back(std::move(u));
    }
    return units;
  }
  RulesUnit u;
  u.name = reportedName;
  // A cached program was verified when it was read; a miss of any kind
  // (absent, damaged, another build's) compiles as if there were no cache.
  const CacheKey key = cache ? compileCacheKey(reportedName, text) : CacheKey{};
  if (cache) {
    if (auto hit = cache->find(key, reportedName); hit.ok()) {
      u.program = std::shared_ptr<vm::Program>(std::move(hit.value()));
      u.file = 0;
      u.empty = u.program->files[0].empty;
      units.push_back(std::move(u));
      return units;
    }
  }
  auto program = std::make_shared<vm::Program>();
  auto r = compileInto(SourceFile{reportedName, path, text}, *program);
  if (!r.ok()) {
    u.parseError = parseErrorMessage(r.error(), reportedName, text);
    u.parseFailure = r.takeError();
  } else if (auto verified = vm::verifyProgram(*program); !verified.ok()) {
    // The compiler's output runs only once the verifier has proved it safe,
    // like a pack's (a compiler bug must not become a crash).
    return Error::plain(
        ErrorKind::Internal,
        "rules file " + path + ": internal error: the compiled program does not verify: " + verified.error().message);
  } else {
    stateFacts(*program);
    u.program = program;
    u.file = 0;
    u.empty = program->files[0].empty;
    if (cache) (void)cache->store(key, *program);  // best effort: a run without the entry is the same run
  }
  units.push_back(std::move(u));
  return units;
}

}  // namespace guard::cli
