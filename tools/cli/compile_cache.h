// The compile cache: each .guard source that compiled is kept as a rule pack
// in a cache directory, so that the next run on the same source reads (and
// verifies) that pack instead of compiling again. One entry per (this build,
// reported rules file name, source text), named by a BLAKE2b of those; only
// successful compilations are kept. Entries are read through vm::readPack like
// any pack, and anything wrong with one (absent, damaged, another build's, not
// ours) is a miss; a directory that cannot be used turns the cache off. The
// cache never changes what a run prints or its exit code (docs/architecture.md,
// "The compile cache"). Opened by tools/cli/validate.cpp and test_cmd.cpp,
// used by loadRules (tools/cli/common.cpp). Tested by
// tests/compile_cache_test.cpp and tests/cli/compile_cache.sh.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/error.h"
#include "vm/program.h"

namespace guard::cli {

// BLAKE2b (RFC 7693), unkeyed, with a digest of 1 to 64 bytes: the hash of
// the cache key. update() any number of times, then digest() once.
class Blake2b {
 public:
  explicit Blake2b(size_t digestBytes = 32);
  void update(std::string_view bytes);
  std::string digest();  // digestBytes bytes

 private:
  void compress(bool last);

  uint64_t h_[8];
  uint64_t counter_[2] = {0, 0};  // bytes hashed so far (128 bits)
  uint8_t block_[128];
  size_t filled_ = 0;
  size_t digestBytes_;
};

// A BLAKE2b-256 over the key material (compileCacheKey).
using CacheKey = std::array<uint8_t, 32>;

// What ties a compiled program to this build: the GNU build ID of the running
// executable, or, when it has none, a BLAKE2b of the executable's file.
// Empty when neither can be had (then nothing is cached).
const std::string& buildIdentity();

// The key of one source's entry: a BLAKE2b-256 of the pack format version, the
// instruction-set fingerprint, buildIdentity(), the reported name and the text.
CacheKey compileCacheKey(std::string_view reportedName, std::string_view text);
std::string keyHex(const CacheKey& key);

// An entry is the 32 key bytes followed by a pack; bounded like a pack.
inline constexpr size_t kEntryKeyBytes = 32;

class CompileCache {
 public:
  // A cache in `dir`. `create` lists the directories to make (mode 0700,
  // in order) when missing, the last being `dir`. Nothing is touched until
  // the first find or store.
  CompileCache(std::string dir, std::vector<std::string> create);
  ~CompileCache();
  CompileCache(const CompileCache&) = delete;
  CompileCache& operator=(const CompileCache&) = delete;

  // The cache the environment names: $GUARDVM_CACHE_DIR, else
  // $XDG_CACHE_HOME/guardvm (an absolute XDG_CACHE_HOME), else
  // $HOME/.cache/guardvm. nullptr when caching is off: `noCache` (--no-cache),
  // GUARDVM_NO_CACHE set to anything but "" or "0", no such variable, or no
  // build identity.
  static std::unique_ptr<CompileCache> fromEnvironment(bool noCache);

  const std::string& dir() const { return dir_; }
  // The directory, made and opened on first use; false when it cannot be
  // used (not creatable, not a directory, a symlink, not ours, writable by
  // others).
  bool usable() const;

  // The verified program of the entry for `key`, whose one rules file must be
  // named `reportedName`. An error says why there is none (a miss).
  Result<std::unique_ptr<vm::Program>> find(const CacheKey& key, std::string_view reportedName) const;
  // Writes `program` as the entry for `key` (a temporary file renamed into
  // place). An error says why not; callers go on without the entry.
  Result<Unit> store(const CacheKey& key, const vm::Program& program) const;

  // The entry's file name inside dir().
  static std::string entryName(const CacheKey& key);

 private:
  int dirFd() const;

  std::string dir_;
  std::vector<std::string> create_;
  mutable std::once_flag opened_;
  mutable int fd_ = -1;
};

}  // namespace guard::cli
