// The compile cache (see compile_cache.h): key, build identity, the cache
// directory, and reading and writing entries. Called by loadRules
// (tools/cli/common.cpp); opened by validate.cpp and test_cmd.cpp.
#include "tools/cli/compile_cache.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>

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

// ---------------------------------------------------------------- BLAKE2b

// RFC 7693: the initialisation vector (SHA-512's) and the message schedule.
constexpr uint64_t kBlakeIv[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
                                  0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
                                  0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
constexpr uint8_t kSigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

uint64_t loadLe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

inline void mix(uint64_t* v, int a, int b, int c, int d, uint64_t x, uint64_t y) {
  v[a] = v[a] + v[b] + x;
  v[d] = std::rotr(v[d] ^ v[a], 32);
  v[c] = v[c] + v[d];
  v[b] = std::rotr(v[b] ^ v[c], 24);
  v[a] = v[a] + v[b] + y;
  v[d] = std::rotr(v[d] ^ v[a], 16);
  v[c] = v[c] + v[d];
  v[b] = std::rotr(v[b] ^ v[c], 63);
}

}  // namespace

Blake2b::Blake2b(size_t digestBytes) : digestBytes_(digestBytes < 1 ? 1 : digestBytes > 64 ? 64 : digestBytes) {
  for (int i = 0; i < 8; ++i) h_[i] = kBlakeIv[i];
  h_[0] ^= 0x01010000u ^ digestBytes_;  // parameter block: fan-out 1, depth 1, no key
}

void Blake2b::compress(bool last) {
  uint64_t m[16], v[16];
  for (int i = 0; i < 16; ++i) m[i] = loadLe64(block_ + 8 * i);
  for (int i = 0; i < 8; ++i) {
    v[i] = h_[i];
    v[i + 8] = kBlakeIv[i];
  }
  v[12] ^= counter_[0];
  v[13] ^= counter_[1];
  if (last) v[14] = ~v[14];
  // Unrolled, so that every index below is a constant and v stays in registers.
#pragma GCC unroll 12
  for (int round = 0; round < 12; ++round) {
    const uint8_t* s = kSigma[round];
    mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; ++i) h_[i] ^= v[i] ^ v[i + 8];
}

void Blake2b::update(std::string_view bytes) {
  while (!bytes.empty()) {
    // The last block is compressed by digest() (with the final flag), so a
    // full block is compressed only once more bytes follow it.
    if (filled_ == sizeof block_) {
      counter_[0] += sizeof block_;
      if (counter_[0] < sizeof block_) ++counter_[1];
      compress(false);
      filled_ = 0;
    }
    const size_t take = std::min(bytes.size(), sizeof block_ - filled_);
    std::memcpy(block_ + filled_, bytes.data(), take);
    filled_ += take;
    bytes.remove_prefix(take);
  }
}

std::string Blake2b::digest() {
  counter_[0] += filled_;
  if (counter_[0] < filled_) ++counter_[1];
  std::memset(block_ + filled_, 0, sizeof block_ - filled_);
  compress(true);
  std::string out(digestBytes_, '\0');
  for (size_t i = 0; i < digestBytes_; ++i) out[i] = char(uint8_t(h_[i / 8] >> (8 * (i % 8))));
  return out;
}

namespace {

// ---------------------------------------------------------------- build identity

struct NoteSearch {
  std::string id;
};

// The NT_GNU_BUILD_ID descriptor in the notes at p (size bytes), as hex;
// empty when there is none. Every length is checked against size.
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

// dl_iterate_phdr's callback: the build ID of the main program (the first
// object it reports) into the NoteSearch.
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

std::string blake2bHex(std::string_view bytes) {
  Blake2b h;
  h.update(bytes);
  const std::string digest = h.digest();
  return hexOf(reinterpret_cast<const uint8_t*>(digest.data()), digest.size());
}

std::string computeBuildIdentity() {
  NoteSearch search;
  dl_iterate_phdr(findBuildId, &search);
  if (!search.id.empty()) return "build-id:" + search.id;
  auto exe = readFile("/proc/self/exe", uint64_t(1) << 30);
  if (exe.ok()) return "exe-blake2b:" + blake2bHex(exe.value());
  return {};
}

// ---------------------------------------------------------------- key

void addU32(Blake2b& h, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = char(uint8_t(v >> (8 * i)));
  h.update(std::string_view(b, 4));
}

// A length, then the bytes: no two different field lists hash the same input.
void addField(Blake2b& h, std::string_view s) {
  const uint64_t n = s.size();
  addU32(h, uint32_t(n));
  addU32(h, uint32_t(n >> 32));
  h.update(s);
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
  Blake2b h(32);
  addField(h, "guardvm compile cache");
  addU32(h, kEntryLayout);
  addU32(h, vm::kPackMajor);
  addU32(h, vm::kPackMinor);
  addField(h, std::string_view(reinterpret_cast<const char*>(vm::kProducerVersion), 3));
  addU32(h, vm::instructionSetId());
  addField(h, buildIdentity());
  addField(h, reportedName);
  addField(h, text);
  const std::string digest = h.digest();
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
  if (dir < 0) return Error::plain(ErrorKind::CacheMiss, "no usable cache directory");
  const std::string name = entryName(key);
  const int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Error::plain(ErrorKind::CacheMiss, "no entry: " + osErrorText(errno));
  struct stat st {};
  const uint64_t limit = kEntryKeyBytes + vm::kMaxPackBytes;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
      uint64_t(st.st_size) > limit) {
    ::close(fd);
    return Error::plain(ErrorKind::CacheMiss, "not an entry of ours (a special file, another owner, or too large)");
  }
  auto bytes = readRegular(fd, size_t(st.st_size), limit);
  ::close(fd);
  if (!bytes.ok()) return bytes.takeError();
  const std::string_view entry = bytes.value();
  if (entry.size() < kEntryKeyBytes || std::memcmp(entry.data(), key.data(), kEntryKeyBytes) != 0)
    return Error::plain(ErrorKind::CacheMiss, "the entry holds another key");
  auto program = vm::readPack(entry.substr(kEntryKeyBytes), dir_ + "/" + name);
  if (!program.ok()) return program.takeError();
  const vm::Program& p = *program.value();
  if (p.files.size() != 1 || p.str(p.files[0].name) != reportedName)
    return Error::plain(ErrorKind::CacheMiss, "the entry holds other rules files");
  return program;
}

Result<Unit> CompileCache::store(const CacheKey& key, const vm::Program& program) const {
  const int dir = dirFd();
  if (dir < 0) return Error::plain(ErrorKind::CacheMiss, "no usable cache directory");
  const std::string pack = vm::writePack(program);
  if (pack.size() > vm::kMaxPackBytes)
    return Error::plain(ErrorKind::CacheMiss, "the pack is larger than a pack may be");
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
  if (fd < 0) return Error::plain(ErrorKind::CacheMiss, "cannot create a temporary entry: " + osErrorText(errno));
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
    return Error::plain(ErrorKind::CacheMiss, "cannot write the entry: " + osErrorText(e));
  }
  return Unit{};
}

}  // namespace guard::cli
