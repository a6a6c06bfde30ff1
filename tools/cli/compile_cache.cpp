// The compile cache (see compile_cache.h): key, build identity, the cache
// directory, and reading and writing entries. Called by loadRules
// (tools/cli/common.cpp); opened by validate.cpp and test_cmd.cpp.
#include "tools/cli/compile_cache.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/SHA256.h>

#include "tools/cli/common.h"
#include "vm/pack.h"

namespace guard::cli {
namespace {

// Bumped when what an entry holds, or how its key is made, changes.
constexpr uint32_t kEntryLayout = 1;

std::string hexOf(const uint8_t* p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

// ---------------------------------------------------------------- build identity

// The NT_GNU_BUILD_ID note of the main program (the first object
// dl_iterate_phdr reports), as hex; empty when it has none.
struct NoteSearch {
  std::string id;
};

std::string buildIdIn(const char* p, size_t size, size_t align) {
  size_t at = 0;
  auto up = [&](size_t n) { return (n + align - 1) / align * align; };
  while (size - at >= sizeof(ElfW(Nhdr))) {
    ElfW(Nhdr) h;
    std::memcpy(&h, p + at, sizeof h);
    const size_t name = at + sizeof h, desc = name + up(h.n_namesz);
    if (desc > size || h.n_descsz > size - desc) return {};
    if (h.n_type == NT_GNU_BUILD_ID && h.n_namesz == 4 && std::memcmp(p + name, "GNU", 4) == 0 && h.n_descsz > 0)
      return hexOf(reinterpret_cast<const uint8_t*>(p + desc), h.n_descsz);
    at = desc + up(h.n_descsz);
    if (at >= size) break;
  }
  return {};
}

int findBuildId(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<NoteSearch*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    search->id = buildIdIn(p, ph.p_memsz, ph.p_align == 8 ? 8 : 4);
    if (!search->id.empty()) break;
  }
  return 1;  // the main program only
}

std::string sha256Hex(std::string_view bytes) {
  llvm::SHA256 h;
  h.update(llvm::StringRef(bytes.data(), bytes.size()));
  const llvm::StringRef digest = h.final();
  return hexOf(reinterpret_cast<const uint8_t*>(digest.data()), digest.size());
}

std::string computeBuildIdentity() {
  NoteSearch search;
  dl_iterate_phdr(findBuildId, &search);
  if (!search.id.empty()) return "build-id:" + search.id;
  auto exe = readFile("/proc/self/exe", uint64_t(1) << 30);
  if (exe.ok()) return "exe-sha256:" + sha256Hex(exe.value());
  return {};
}

// ---------------------------------------------------------------- key

void addU32(llvm::SHA256& h, uint32_t v) {
  uint8_t b[4];
  for (int i = 0; i < 4; ++i) b[i] = uint8_t(v >> (8 * i));
  h.update(llvm::ArrayRef<uint8_t>(b, 4));
}

// A length, then the bytes: no two different field lists hash the same input.
void addField(llvm::SHA256& h, std::string_view s) {
  const uint64_t n = s.size();
  addU32(h, uint32_t(n));
  addU32(h, uint32_t(n >> 32));
  h.update(llvm::StringRef(s.data(), s.size()));
}

// ---------------------------------------------------------------- files

bool writeAllTo(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t w = ::write(fd, bytes.data(), bytes.size());
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    bytes.remove_prefix(size_t(w));
  }
  return true;
}

// A directory we may keep entries in: ours, and not writable by anyone else
// (who could otherwise plant an entry).
bool trustedDirectory(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() &&
         (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

// The variable's value; empty when it is not set.
std::string envText(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

const std::string& buildIdentity() {
  static const std::string id = computeBuildIdentity();
  return id;
}

CacheKey compileCacheKey(std::string_view reportedName, std::string_view text) {
  llvm::SHA256 h;
  addField(h, "guardvm compile cache");
  addU32(h, kEntryLayout);
  addU32(h, vm::kPackMajor);
  addU32(h, vm::kPackMinor);
  addField(h, std::string_view(reinterpret_cast<const char*>(vm::kProducerVersion), 3));
  addU32(h, vm::instructionSetId());
  addField(h, buildIdentity());
  addField(h, reportedName);
  addField(h, text);
  const llvm::StringRef digest = h.final();
  CacheKey key{};
  std::memcpy(key.data(), digest.data(), key.size());
  return key;
}

std::string keyHex(const CacheKey& key) { return hexOf(key.data(), key.size()); }

std::string CompileCache::entryName(const CacheKey& key) { return keyHex(key) + ".gvc"; }

CompileCache::CompileCache(std::string dir, std::vector<std::string> create)
    : dir_(std::move(dir)), create_(std::move(create)) {}

CompileCache::~CompileCache() {
  if (fd_ >= 0) ::close(fd_);
}

std::unique_ptr<CompileCache> CompileCache::fromEnvironment(bool noCache) {
  const std::string off = envText("GUARDVM_NO_CACHE");
  if (noCache || (!off.empty() && off != "0") || buildIdentity().empty()) return nullptr;
  if (std::string dir = envText("GUARDVM_CACHE_DIR"); !dir.empty())
    return std::make_unique<CompileCache>(dir, std::vector<std::string>{dir});
  std::string base = envText("XDG_CACHE_HOME");
  if (base.empty() || base[0] != '/') {  // the XDG spec: a relative value is ignored
    const std::string home = envText("HOME");
    if (home.empty()) return nullptr;
    base = home + "/.cache";
  }
  const std::string dir = base + "/guardvm";
  return std::make_unique<CompileCache>(dir, std::vector<std::string>{base, dir});
}

int CompileCache::dirFd() const {
  std::call_once(opened_, [this] {
    for (const std::string& d : create_) ::mkdir(d.c_str(), 0700);  // EEXIST and others: the open decides
    int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    if (!trustedDirectory(fd)) {
      ::close(fd);
      return;
    }
    fd_ = fd;
  });
  return fd_;
}

bool CompileCache::usable() const { return dirFd() >= 0; }

Result<std::unique_ptr<vm::Program>> CompileCache::find(const CacheKey& key,
                                                        std::string_view reportedName) const {
  const int dir = dirFd();
  if (dir < 0) return Error::plain("no usable cache directory");
  const std::string name = entryName(key);
  const int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Error::plain("no entry: " + osErrorText(errno));
  struct stat st {};
  const uint64_t limit = kEntryKeyBytes + vm::kMaxPackBytes;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
      uint64_t(st.st_size) > limit) {
    ::close(fd);
    return Error::plain("not an entry of ours (a special file, another owner, or too large)");
  }
  auto bytes = readRegular(fd, size_t(st.st_size), limit);
  ::close(fd);
  if (!bytes.ok()) return bytes.takeError();
  const std::string_view entry = bytes.value();
  if (entry.size() < kEntryKeyBytes || std::memcmp(entry.data(), key.data(), kEntryKeyBytes) != 0)
    return Error::plain("the entry holds another key");
  auto program = vm::readPack(entry.substr(kEntryKeyBytes), dir_ + "/" + name);
  if (!program.ok()) return program.takeError();
  const vm::Program& p = *program.value();
  if (p.files.size() != 1 || p.str(p.files[0].name) != reportedName)
    return Error::plain("the entry holds other rules files");
  return program;
}

Result<Unit> CompileCache::store(const CacheKey& key, const vm::Program& program) const {
  const int dir = dirFd();
  if (dir < 0) return Error::plain("no usable cache directory");
  const std::string pack = vm::writePack(program);
  if (pack.size() > vm::kMaxPackBytes) return Error::plain("the pack is larger than a pack may be");
  // A name no other writer uses: this process and a counter (O_EXCL makes
  // sure; a name left by a crashed run with our pid is skipped).
  static std::atomic<uint64_t> counter{0};
  const std::string name = entryName(key);
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    tmp = "." + name + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    fd = ::openat(dir, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return Error::plain("cannot create a temporary entry: " + osErrorText(errno));
  bool ok = writeAllTo(fd, std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) &&
            writeAllTo(fd, pack);
  int e = ok ? 0 : errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    e = errno;
  }
  // rename replaces an older (or damaged) entry in one step: a reader opens
  // either the old file or the complete new one.
  if (ok && ::renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) {
    ok = false;
    e = errno;
  }
  if (!ok) {
    ::unlinkat(dir, tmp.c_str(), 0);
    return Error::plain("cannot write the entry: " + osErrorText(e));
  }
  return Unit{};
}

}  // namespace guard::cli
