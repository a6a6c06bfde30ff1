// Shared plumbing of guardvm's commands: program name, file walking with
// cfn-guard's ordering and extension rules, reading files and stdin,
// buffered stdout that survives a closed pipe, colour detection, and
// loading rules sources (.guard files and .gpack packs) into programs.
// Used by tools/guardvm.cpp and tools/cli/*.cpp.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/error.h"
#include "vm/program.h"

namespace guard::cli {

class CompileCache;  // tools/cli/compile_cache.h

// Exit codes of cfn-guard 3.1.1 (spec/cli-and-reports.md §3).
inline constexpr int kExitOk = 0;
inline constexpr int kExitParseError = 5;
inline constexpr int kExitTestFailed = 7;
inline constexpr int kExitFail = 19;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitError = 255;
inline constexpr int kExitCrash = 101;  // where cfn-guard panics; guardvm explains instead

// The name the program was invoked under (usage lines use it).
extern std::string gProgramName;

// stdout, buffered; a write to a closed pipe ends the process quietly.
void out(std::string_view s);
void flushOut();
// Flushes and closes stdout; when any write to it failed (a full disk, a
// device error), says so on stderr and returns onFailure, else rc. The
// programs' last step.
int finishOutput(int rc, int onFailure = kExitError);
// stderr, unbuffered (flushes stdout first to keep program order).
void err(std::string_view s);

// Colour per §2.5 (CLICOLOR_FORCE, NO_COLOR, CLICOLOR, stdout a TTY).
bool colorEnabled();

struct WalkedFile {
  std::string path;      // as walked (argument joined with the relative path)
  std::string canonical; // canonical absolute path (symlinks resolved)
  // The argument itself names a pipe, FIFO or device (`-d <(cmd)`,
  // `/dev/stdin`): the user asked for it by name, so the extension filters
  // that cfn-guard applies (and that make it skip such input silently) do not.
  // Also set for a path the walk could not list or inspect (a path longer
  // than PATH_MAX, no permission): reading it then fails with the system's
  // error, naming it, instead of the walk skipping it in silence.
  bool stream = false;
};

enum class WalkOrder { ByName, ByModified };

// Recursive, depth-first, pre-order walk of `root` (a file yields itself).
// Symlinked directories are entered only when `followLinks` (or when root).
std::vector<WalkedFile> walk(const std::string& root, WalkOrder order, bool followLinks);

bool pathExists(const std::string& p);
bool isDirectory(const std::string& p);
bool isRegularFile(const std::string& p);  // following symlinks
bool isPipe(const std::string& p);         // a FIFO, pipe or socket
bool endsWith(std::string_view s, std::string_view suffix);
std::string baseName(const std::string& p);

// Reads a whole file; errors carry the OS text ("No such file or directory (os error 2)").
// Limits on what is read (docs/reliability.md, Limits): data texts as the
// loader accepts them; rules texts and packs as a pack may be; a stream (pipe,
// device, stdin) at most kMaxStreamBytes whatever it holds, since it is read
// into memory before its size is known.
inline constexpr uint64_t kMaxDataBytes = uint64_t(2) << 30;
inline constexpr uint64_t kMaxRulesBytes = uint64_t(64) << 20;
inline constexpr uint64_t kMaxStreamBytes = uint64_t(256) << 20;
std::string tooLargeText(uint64_t limit);
Result<std::string> readFile(const std::string& path, uint64_t limit = kMaxDataBytes);
// Reads a regular file open on `fd` whose size was `size` when it was opened;
// fewer bytes (the file shrank while it was read) is an error. readFile's step.
Result<std::string> readRegular(int fd, size_t size, uint64_t limit);
Result<std::string> readStdin(uint64_t limit = kMaxDataBytes);
std::string osErrorText(int e);

// cfn-guard reads every text input (rules, data, tests, payload) into a Rust
// String, so bytes that are not UTF-8 fail the read with this message.
inline constexpr const char* kNotUtf8 = "stream did not contain valid UTF-8";
bool isUtf8(std::string_view text);  // simdjson's validator
// The offset of the first byte that does not begin a valid UTF-8 sequence,
// or npos: a byte-at-a-time scan, for the message (and to check isUtf8).
size_t firstNonUtf8(std::string_view text);
// text with each byte that is not part of valid UTF-8 replaced by U+FFFD: file
// names shown in reports (JSON and YAML must be UTF-8; names need not be).
std::string lossyUtf8(std::string_view text);
// kNotUtf8 with where the first offending byte is: "... (line 3, column 7)"
// (1-based; columns in bytes). For messages guardvm writes to stderr.
std::string notUtf8Where(std::string_view text);
// The same as an error of `kind` (RulesNotUtf8, DataNotUtf8): the message is
// notUtf8Where's, the offset the first offending byte.
Error notUtf8Error(ErrorKind kind, std::string_view text);

// One rules file ready to run: a program and the file's index in it.
struct RulesUnit {
  std::string name;                    // reported name (base name, or RULES_STDIN[n])
  std::shared_ptr<vm::Program> program;
  uint32_t file = 0;
  bool empty = false;
  std::optional<Error> parseFailure;  // set: the file did not parse (kind, position)
  std::string parseError;             // then its cfn-guard text (parseErrorMessage)
};

// A rule pack (by its `.gpack` name or its magic), not Guard source text.
bool isPackInput(const std::string& path, const std::string& text);
// Compiles one .guard source (or loads every rules file of a .gpack). With a
// `cache`, a source's program is taken from it when it holds one, and a
// source that compiled is stored in it; either way the units are the same.
// A parse error is not a failure here: it is the unit's parseFailure (cfn-guard
// reports it and goes on). The error is a pack that does not load or a
// compiler bug (a program that does not verify).
Result<std::vector<RulesUnit>> loadRules(const std::string& path, const std::string& reportedName,
                                         const std::string& text, const CompileCache* cache = nullptr);

// The cfn-guard-style parse error text for stderr (spec §6.3). cfn-guard's
// `test` and `parse-tree` print it without the nom context label.
enum class ParseContext : uint8_t { Label, Omit };
std::string parseErrorMessage(const Error& e, const std::string& fileName, const std::string& text,
                              ParseContext context = ParseContext::Label);

// The exit code for an error the CLI stops on: rules that do not parse (or
// do not compile) are cfn-guard's 5, everything else 255.
int exitCodeOf(const Error& e);

}  // namespace guard::cli
